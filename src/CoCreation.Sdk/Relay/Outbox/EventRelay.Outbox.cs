using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>The outbox: deliveries stored before they are tried, outcomes stored after, dead letters.</summary>
internal sealed partial class EventRelay
{
    public Task<IReadOnlyList<OutboxMessage>> GetDeadLettersAsync(CancellationToken cancellationToken = default)
        => _store.GetOutboxByStatusAsync(DeliveryStatus.DeadLettered, cancellationToken);

    public async Task<IReadOnlyList<DeliveryResult>> ReplayDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        var deadLetters = await _store.GetOutboxByStatusAsync(DeliveryStatus.DeadLettered, cancellationToken).ConfigureAwait(false);
        var results = new List<DeliveryResult>(deadLetters.Count);
        foreach (var candidate in deadLetters)
        {
            using var _ = await _locks.AcquireAsync(candidate.DeliveryKey, cancellationToken).ConfigureAwait(false);
            var message = await _store.GetOutboxMessageAsync(candidate.DeliveryKey, cancellationToken).ConfigureAwait(false);
            if (message is not { Status: DeliveryStatus.DeadLettered })
            {
                continue;
            }

            var reset = message with
            {
                Status = DeliveryStatus.Pending,
                Attempts = 0,
                FailedNetworks = [],
                NextAttemptAt = _time.GetUtcNow(),
                LastError = null,
            };
            await _store.ApplyAsync(new StoreChanges().PutOutbox(reset), cancellationToken).ConfigureAwait(false);
            Log.Replayed(_logger, reset.DeliveryKey);
            if (!_options.SendOnPublish)
            {
                // Workers send: the reset delivery is due for them (and announced), not tried here beside them.
                await NotifyEnqueuedAsync([reset], cancellationToken).ConfigureAwait(false);
                results.Add(ResultOf(reset));
                continue;
            }

            results.Add(await AttemptAsync(reset, null, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    // Callers hold the lock of every routed key.
    private async Task<IReadOnlyList<DeliveryResult>> DeliverEventAsync(CoCreationEvent @event, List<Routed> routed, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var results = new DeliveryResult?[routed.Count];
        var firstOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < routed.Count; i++)
        {
            // Two rules may route the same delivery (recipient and channel): it is answered from the first below.
            firstOf.TryAdd(routed[i].Key, i);
        }

        var fresh = new List<OutboxMessage>(firstOf.Count);
        for (var i = 0; i < routed.Count; i++)
        {
            var (key, rule, recipientId) = routed[i];
            if (firstOf[key] != i)
            {
                continue;
            }

            fresh.Add(new OutboxMessage
            {
                DeliveryKey = key,
                Event = @event,
                RuleName = rule.Name,
                RecipientId = recipientId,
                Channel = rule.Channel,
                Status = DeliveryStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }

        // One store call for all the event's deliveries: the new ones are enqueued together (nothing has been sent yet, so
        // a failure here loses nothing), and the ones enqueued before come back as they stand.
        var stored = new Dictionary<string, OutboxMessage>(StringComparer.Ordinal);
        foreach (var message in await _store.EnqueueOutboxAsync(fresh, cancellationToken).ConfigureAwait(false))
        {
            stored.TryAdd(message.DeliveryKey, message);
        }

        var toAttempt = new List<(int Index, OutboxMessage Message)>();
        var enqueued = new List<OutboxMessage>(fresh.Count);
        foreach (var message in fresh)
        {
            var i = firstOf[message.DeliveryKey];
            if (!stored.TryGetValue(message.DeliveryKey, out var existing))
            {
                enqueued.Add(message);
                toAttempt.Add((i, message));
                continue;
            }

            switch (existing.Status)
            {
                case DeliveryStatus.Delivered:
                    results[i] = Duplicate(existing.DeliveryKey, ResultOf(existing));
                    break;
                case DeliveryStatus.Pending when existing.NextAttemptAt > now:
                case DeliveryStatus.DeadLettered:
                    // Not due, or given up: the retry schedule and ReplayDeadLettersAsync decide, not a repeated publish.
                    results[i] = ResultOf(existing);
                    break;
                default:
                    // Pending and due, or unreachable before: tried again, without enqueuing it a second time.
                    toAttempt.Add((i, existing));
                    break;
            }
        }

        if (!_options.SendOnPublish)
        {
            // Workers send: the new deliveries are announced, and every delivery left to try is reported as it stands.
            await NotifyEnqueuedAsync(enqueued, cancellationToken).ConfigureAwait(false);
            foreach (var (index, message) in toAttempt)
            {
                results[index] = ResultOf(message);
            }

            toAttempt.Clear();
        }

        var batch = new OutcomeBatch(_store, MaxHeldOutcomes);
        try
        {
            // The recipients are read one query per batch of held outcomes: few round trips, and none read long before
            // its send when a network is slow.
            foreach (var chunk in toAttempt.Chunk(MaxHeldOutcomes))
            {
                var recipients = await ReadRecipientsAsync(chunk.Select(c => c.Message), cancellationToken).ConfigureAwait(false);
                foreach (var (index, message) in chunk)
                {
                    results[index] = await AttemptAsync(message, batch, recipients, cancellationToken).ConfigureAwait(false);
                }
            }

            await batch.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception failure) when (batch.Count > 0)
        {
            // Cancelled, or a send or read failed: the outcomes already known are stored before the failure goes up.
            // If that fails too, those deliveries stay pending and the re-send carries the same idempotency key.
            await FlushAfterFailureAsync(batch, failure).ConfigureAwait(false);
            throw;
        }

        for (var i = 0; i < routed.Count; i++)
        {
            if (results[i] is null)
            {
                var first = results[firstOf[routed[i].Key]]!;
                results[i] = first.Status == DeliveryStatus.Delivered
                    ? Duplicate(first.DeliveryKey, first with { Network = null, MessageId = null, Text = null })
                    : first;
            }
        }

        return results!;
    }

    // The same read as IIdentityMap.GetAsync, for many recipients at once: an unknown or erased one is simply absent.
    private async Task<Dictionary<string, Participant>> ReadRecipientsAsync(IEnumerable<OutboxMessage> deliveries, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in deliveries)
        {
            ids.Add(message.RecipientId);
        }

        var recipients = new Dictionary<string, Participant>(ids.Count, StringComparer.Ordinal);
        foreach (var participant in await _store.GetParticipantsAsync(ids, cancellationToken).ConfigureAwait(false))
        {
            recipients.TryAdd(participant.Id, participant);
        }

        return recipients;
    }

    private async Task FlushAfterFailureAsync(OutcomeBatch batch, Exception failure)
    {
        var count = batch.Count;
        try
        {
            await batch.FlushAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The original failure is what the caller must see; this one is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.OutcomesNotStored(_logger, ex, count, failure.GetType().Name);
        }
    }

    /// <summary>
    /// Delivery outcomes held for one commit. Stores write them without observing cancellation: once a network has
    /// taken a message, its record is written even when the caller gives up.
    /// </summary>
    private sealed class OutcomeBatch(ICoCreationStore store, int capacity)
    {
        private List<OutboxMessage> _held = [];

        public int Count => _held.Count;

        /// <summary>Holds an outcome; stores the held ones when <paramref name="storeNow"/> or when the batch is full.</summary>
        public Task AddAsync(OutboxMessage outcome, bool storeNow)
        {
            _held.Add(outcome);
            return storeNow || _held.Count >= capacity ? FlushAsync() : Task.CompletedTask;
        }

        /// <summary>
        /// Stores the held outcomes in one <see cref="ICoCreationStore.ApplyAsync"/>. They are let go before the write,
        /// so a failed write is not tried again here: its deliveries stay pending in the store, all of them.
        /// </summary>
        public Task FlushAsync()
        {
            if (_held.Count == 0)
            {
                return Task.CompletedTask;
            }

            var changes = new StoreChanges();
            foreach (var outcome in _held)
            {
                changes.PutOutbox(outcome);
            }

            _held = [];
            return store.ApplyAsync(changes, CancellationToken.None);
        }
    }
}
