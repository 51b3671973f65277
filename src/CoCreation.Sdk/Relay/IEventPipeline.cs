namespace CoCreation.Sdk;

/// <summary>
/// The way in for events that are not published directly: pulled from <see cref="IEventSource"/>s (each enterprise
/// system is one, named <c>enterprise:{name}</c>; others are added with <c>AddEventSource</c>) and pushed through
/// <see cref="IWebhookReceiver"/>s. Everything that comes in goes through <see cref="IEventRelay.PublishAsync"/>.
/// </summary>
/// <remarks>The scheduler polls every source on its interval; <see cref="IEventRelay.PollSourcesAsync"/> does the same at once.</remarks>
public interface IEventPipeline
{
    /// <summary>The names of every source polled, enterprise systems included.</summary>
    IReadOnlyList<string> SourceNames { get; }

    /// <summary>Reads one source from its stored cursor, publishes what it returns and stores the new cursor after each page.</summary>
    /// <param name="sourceName">The source's <see cref="IEventSource.Name"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The results of every event read.</returns>
    /// <exception cref="CoCreationValidationException">No source has that name.</exception>
    Task<IReadOnlyList<RelayResult>> PollAsync(string sourceName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hands a webhook request to the receiver named <paramref name="receiverName"/>: it is verified before anything of
    /// it is parsed; then its events are published and the sources it names are polled.
    /// </summary>
    /// <param name="receiverName">The receiver's <see cref="IWebhookReceiver.Name"/>.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The results of every event published.</returns>
    /// <exception cref="CoCreationValidationException">No receiver has that name.</exception>
    /// <exception cref="WebhookVerificationException">The request failed verification; nothing was parsed or published.</exception>
    Task<IReadOnlyList<RelayResult>> ReceiveWebhookAsync(string receiverName, WebhookRequest request, CancellationToken cancellationToken = default);
}
