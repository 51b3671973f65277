namespace CoCreation.Sdk;

/// <summary>
/// Event sources known only at run time: a co-development project's workspace exists once it is provisioned, so its
/// activity source cannot be registered when the application starts. The pipeline asks every provider for its current
/// sources whenever it polls all sources, polls one by name, or follows a webhook to a source.
/// </summary>
/// <remarks>
/// A provider must answer quickly (a store read, no provider call) and return the same <see cref="IEventSource.Name"/>
/// for the same source every time, since the name is the key of the stored cursor. A name already registered with
/// <c>AddEventSource</c> is polled once, as the registered source. Register one with <c>AddEventSourceProvider</c>.
/// </remarks>
public interface IEventSourceProvider
{
    /// <summary>Reads the sources to poll now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sources; empty when there are none yet.</returns>
    Task<IReadOnlyList<IEventSource>> GetSourcesAsync(CancellationToken cancellationToken = default);
}
