namespace CoCreation.Sdk;

/// <summary>
/// A store whose relay outbox several relay workers share, in one process or in many: a worker claims due deliveries
/// under a lease, and only the holder of a live lease may store a delivery's outcome.
/// </summary>
/// <remarks>
/// <para>
/// A claim takes pending deliveries that are due and that no live lease holds, and leases them to the worker until
/// <c>now + lease</c>. Two workers claiming at the same time never receive the same delivery. A worker that dies keeps
/// its leases only until they run out; the deliveries are then due for any other worker. A delivery whose lease ran out
/// while its worker was still sending may therefore be sent twice: the relay sends its delivery key as the idempotency
/// key, so a network that honours keys drops the second message.
/// </para>
/// <para>
/// <see cref="CompleteClaimedAsync"/> writes an outcome only where the worker still holds the lease. A write through
/// <see cref="ICoCreationStore.ApplyAsync"/> (a replay, an erasure) ends any lease on the entries it writes, so a
/// worker's late outcome never overwrites it.
/// </para>
/// </remarks>
public interface IOutboxLeaseStore
{
    /// <summary>Claims pending deliveries due at or before <paramref name="now"/> that no live lease holds, oldest due first.</summary>
    /// <param name="workerId">The claiming worker; unique among the workers sharing the store.</param>
    /// <param name="now">The time the claim is made at; leases that end at or before it are over.</param>
    /// <param name="lease">How long the claim holds; longer than zero.</param>
    /// <param name="max">The most deliveries to claim; at least one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed deliveries, as stored.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="workerId"/> is blank, or <paramref name="lease"/> or <paramref name="max"/> is not positive.</exception>
    Task<IReadOnlyList<OutboxMessage>> ClaimDueOutboxAsync(string workerId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the named deliveries among those that are pending, due at or before <paramref name="now"/> and held by no
    /// live lease (a broker's notice names them, say); the others are left alone.
    /// </summary>
    /// <param name="workerId">The claiming worker.</param>
    /// <param name="deliveryKeys">The delivery keys.</param>
    /// <param name="now">The time the claim is made at.</param>
    /// <param name="lease">How long the claim holds; longer than zero.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed deliveries, as stored.</returns>
    /// <exception cref="CoCreationValidationException">A key or <paramref name="workerId"/> is blank, or <paramref name="lease"/> is not positive.</exception>
    Task<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(string workerId, IReadOnlyCollection<string> deliveryKeys, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores outcomes of deliveries the worker claimed, in one transaction, each only where the worker still holds its
    /// lease (a lease that ran out still counts while nobody else has claimed the delivery); the lease ends with it.
    /// </summary>
    /// <param name="workerId">The worker that claimed them.</param>
    /// <param name="outcomes">The outcomes (the claimed entries with their new status).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The delivery keys whose outcome was not stored because the worker no longer held them.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="workerId"/> or a delivery key is blank.</exception>
    Task<IReadOnlyList<string>> CompleteClaimedAsync(string workerId, IReadOnlyCollection<OutboxMessage> outcomes, CancellationToken cancellationToken = default);
}

/// <summary>
/// The argument checks of <see cref="IOutboxLeaseStore"/>, for its implementations to run before they read or write
/// anything, so every store refuses the same requests with the same exception.
/// </summary>
public static class OutboxLeaseArguments
{
    /// <summary>Checks a claim's worker and lease.</summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="lease">The lease.</param>
    /// <exception cref="CoCreationValidationException">The worker is blank or the lease is not positive.</exception>
    public static void Claim(string workerId, TimeSpan lease)
    {
        CoCreationGuard.NotBlank(workerId, nameof(workerId));
        if (lease <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(lease), $"must be longer than zero (was {lease}).");
        }
    }

    /// <summary>Checks delivery keys.</summary>
    /// <param name="deliveryKeys">The keys.</param>
    /// <returns>The keys without repeats, in their first order.</returns>
    /// <exception cref="CoCreationValidationException">A key is blank.</exception>
    public static string[] Keys(IReadOnlyCollection<string> deliveryKeys)
    {
        ArgumentNullException.ThrowIfNull(deliveryKeys);
        foreach (var key in deliveryKeys)
        {
            CoCreationGuard.NotBlank(key, nameof(deliveryKeys));
        }

        return [.. deliveryKeys.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Checks the outcomes a worker stores.</summary>
    /// <param name="workerId">The worker.</param>
    /// <param name="outcomes">The outcomes.</param>
    /// <exception cref="CoCreationValidationException">The worker, a delivery key or a recipient is blank.</exception>
    public static void Complete(string workerId, IReadOnlyCollection<OutboxMessage> outcomes)
    {
        CoCreationGuard.NotBlank(workerId, nameof(workerId));
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var outcome in outcomes)
        {
            ArgumentNullException.ThrowIfNull(outcome, nameof(outcomes));
            CoCreationGuard.NotBlank(outcome.DeliveryKey, "OutboxMessage.DeliveryKey");
            CoCreationGuard.NotBlank(outcome.RecipientId, "OutboxMessage.RecipientId");
        }
    }
}
