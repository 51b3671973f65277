namespace CoCreation.Sdk;

/// <summary>
/// Takes part in every publication: a module that does more with an event than a <see cref="RelayRule"/> can (hold it
/// for a digest, fan it out to its own members) consumes it here. Consumers run after the event is checked and before
/// the rules route it, for events published directly and for events the pipeline reads from sources and webhooks.
/// </summary>
/// <remarks>
/// A consumer must be idempotent per event key: after a crash the pipeline reads an event again. An exception from
/// <see cref="ConsumeAsync"/> fails the publication, so a source's cursor stays before the event and it is read again
/// on the next poll. Register one with <c>AddEventConsumer</c>.
/// </remarks>
public interface IEventConsumer
{
    /// <summary>Whether the consumer wants the event; called for every event, so it must be cheap and must not throw.</summary>
    /// <param name="event">The event.</param>
    /// <returns><see langword="true"/> to have <see cref="ConsumeAsync"/> called.</returns>
    bool Accepts(CoCreationEvent @event);

    /// <summary>Consumes an accepted event.</summary>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is consumed.</returns>
    Task ConsumeAsync(CoCreationEvent @event, CancellationToken cancellationToken = default);

    /// <summary>
    /// Called once after a batch in which the consumer took at least one event: after a poll of a source (once its
    /// cursor is stored), after a webhook's events, or after an event published on its own. A consumer that holds
    /// events (for a digest) sends what is due here.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the batch's work is done.</returns>
    /// <remarks>An exception here does not undo the batch: the events stay consumed and the cursor stays moved.</remarks>
    Task CompleteAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
