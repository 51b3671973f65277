namespace CoCreation.Sdk;

/// <summary>
/// Work a module needs done on the clock (for example periodic reports). The relay worker added by
/// <c>AddRelayWorker</c> runs every registered instance once per cycle, after deliveries.
/// </summary>
/// <remarks>Implementations decide on the <see cref="TimeProvider"/> what is due, and must be idempotent per due item.</remarks>
public interface ICoCreationScheduledWork
{
    /// <summary>Does whatever is due now.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the due work is done.</returns>
    Task RunDueAsync(CancellationToken cancellationToken = default);
}
