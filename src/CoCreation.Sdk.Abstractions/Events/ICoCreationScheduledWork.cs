namespace CoCreation.Sdk;

/// <summary>
/// Work done on the clock: module reports, push-channel renewal, anything periodic. The SDK's one hosted scheduler
/// (added by <c>AddCoCreationScheduler</c>, or <c>AddRelayWorker</c>) runs every registered instance on its
/// <see cref="Period"/>; adapters and modules never start timers of their own.
/// </summary>
/// <remarks>
/// Implementations decide on the <see cref="TimeProvider"/> what is due, and must be idempotent per due item: the
/// scheduler may run them late or, after a restart, again. A failure is logged by the scheduler and the work runs
/// again on its next period.
/// </remarks>
public interface ICoCreationScheduledWork
{
    /// <summary>How often the scheduler runs the work; <see langword="null"/> (the default) for the scheduler's own interval.</summary>
    TimeSpan? Period => null;

    /// <summary>Does whatever is due now.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when the due work is done.</returns>
    Task RunDueAsync(CancellationToken cancellationToken = default);
}
