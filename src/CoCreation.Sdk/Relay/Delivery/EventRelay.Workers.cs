using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>
/// Relay workers: deliveries claimed under a lease on a store that several processes share
/// (<see cref="IOutboxLeaseStore"/>), tried, and their outcomes stored only while the claim still holds.
/// </summary>
internal sealed partial class EventRelay
{
    public async Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
    {
        var keys = OutboxLeaseArguments.Keys(deliveryKeys);
        if (keys.Length == 0)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        if (_store is IOutboxLeaseStore leases)
        {
            var claimed = await leases.ClaimOutboxAsync(_options.WorkerId, keys, now, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            return await DeliverClaimedAsync(leases, claimed, now, cancellationToken).ConfigureAwait(false);
        }

        var results = new List<DeliveryResult>(keys.Length);
        foreach (var key in keys)
        {
            using var _ = await _locks.AcquireAsync(key, cancellationToken).ConfigureAwait(false);
            var message = await _store.GetOutboxMessageAsync(key, cancellationToken).ConfigureAwait(false);
            if (message is { Status: DeliveryStatus.Pending } && message.NextAttemptAt <= now)
            {
                results.Add(await AttemptAsync(message, null, cancellationToken).ConfigureAwait(false));
            }
        }

        return results;
    }

    private async Task<IReadOnlyList<DeliveryResult>> ClaimAndDeliverDueAsync(IOutboxLeaseStore leases, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var claimed = await leases.ClaimDueOutboxAsync(_options.WorkerId, now, _options.LeaseDuration, DueBatchSize, cancellationToken).ConfigureAwait(false);
        return await DeliverClaimedAsync(leases, claimed, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Tries claimed deliveries in order. No send starts once 80% of the lease has passed: the rest are handed back, so
    /// another worker's claim after the lease never overlaps a send of this one.
    /// </summary>
    private async Task<IReadOnlyList<DeliveryResult>> DeliverClaimedAsync(IOutboxLeaseStore leases, IReadOnlyList<OutboxMessage> claimed, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        if (claimed.Count == 0)
        {
            return [];
        }

        var sendUntil = claimedAt + (_options.LeaseDuration * 0.8);
        var results = new List<DeliveryResult>(claimed.Count);
        var held = new List<OutboxMessage>();
        var digestDue = new List<OutboxMessage>();
        var handedBack = 0;
        IReadOnlyDictionary<string, Participant> recipients = new Dictionary<string, Participant>();
        try
        {
            for (var i = 0; i < claimed.Count; i++)
            {
                var message = claimed[i];
                if (_time.GetUtcNow() >= sendUntil)
                {
                    // Stored unchanged, which ends the claim: due again for any worker at once.
                    held.Add(message);
                    handedBack++;
                    continue;
                }

                if (i % MaxHeldOutcomes == 0)
                {
                    // The recipients of the next chunk in one read, close to their sends (as a publish reads them).
                    recipients = await ReadRecipientsAsync(claimed.Skip(i).Take(MaxHeldOutcomes), cancellationToken).ConfigureAwait(false);
                }

                // The in-process lock keeps a publish of this process from sending the same delivery meanwhile.
                using var _ = await _locks.AcquireAsync(message.DeliveryKey, cancellationToken).ConfigureAwait(false);
                var started = _time.GetTimestamp();
                var attempt = await AttemptCoreAsync(message, recipients, cancellationToken).ConfigureAwait(false);
                if (attempt.DigestDue)
                {
                    // Still claimed; composed with the rest of its digest below.
                    digestDue.Add(message);
                    continue;
                }

                held.Add(attempt.Outcome);
                if (attempt.SentWithoutKey || held.Count >= MaxHeldOutcomes)
                {
                    // A network without idempotency keys would take a re-send as a second message: stored at once.
                    await CompleteAsync(leases, held).ConfigureAwait(false);
                }

                results.Add(attempt.Result);
                CoCreationDiagnostics.RecordDelivery(attempt.Result.Status, attempt.Network, _time.GetElapsedTime(started).TotalMilliseconds);
            }

            await CompleteAsync(leases, held).ConfigureAwait(false);
            if (digestDue.Count > 0)
            {
                results.AddRange(await DeliverDigestsAsync(leases, digestDue, sendUntil, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception failure) when (held.Count > 0)
        {
            try
            {
                await CompleteAsync(leases, held).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The original failure is what the caller must see; this one is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.OutcomesNotStored(_logger, ex, held.Count, failure.GetType().Name);
            }

            throw;
        }

        if (handedBack > 0)
        {
            Log.ClaimHandedBack(_logger, handedBack, _options.WorkerId);
        }

        return results;
    }

    /// <summary>Stores the held outcomes where this worker still holds the claim; those it lost are logged, not stored.</summary>
    private async Task CompleteAsync(IOutboxLeaseStore leases, List<OutboxMessage> held)
    {
        if (held.Count == 0)
        {
            return;
        }

        OutboxMessage[] outcomes = [.. held];
        held.Clear();

        // Written even when the caller gives up: once a network has taken a message, its record is kept.
        var lost = await leases.CompleteClaimedAsync(_options.WorkerId, outcomes, CancellationToken.None).ConfigureAwait(false);
        foreach (var key in lost)
        {
            Log.ClaimLost(_logger, key, _options.WorkerId);
        }
    }

    // New deliveries of a publish that leaves the sending to workers: the notifiers are told after the commit. A notifier
    // that fails is logged; the deliveries are in the outbox and a worker's next DeliverDueAsync finds them.
    private async Task NotifyEnqueuedAsync(IReadOnlyList<OutboxMessage> enqueued, CancellationToken cancellationToken)
    {
        if (enqueued.Count == 0)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            try
            {
                await notifier.EnqueuedAsync(enqueued, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A lost notice only delays the delivery to the next poll of the outbox.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.NotifierFailed(_logger, ex, notifier.GetType().Name, enqueued.Count);
            }
        }
    }
}
