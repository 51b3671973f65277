namespace CoCreation.Sdk;

/// <summary>Claims on outbox entries for relay workers sharing this store within one process.</summary>
public sealed partial class InMemoryCoCreationStore : IOutboxLeaseStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimDueOutboxAsync(string workerId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Claim(workerId, lease);
        CoCreationGuard.Positive(max, nameof(max));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<OutboxMessage> claimed = Claim(
                _outboxOrder.Select(key => _outbox[key]).Where(m => Claimable(m, now)).OrderBy(m => m.NextAttemptAt).Take(max).ToList(),
                workerId,
                now + lease);
            return Task.FromResult(claimed);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(string workerId, IReadOnlyCollection<string> deliveryKeys, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Claim(workerId, lease);
        var keys = OutboxLeaseArguments.Keys(deliveryKeys);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<OutboxMessage> claimed = Claim(
                keys.Select(key => _outbox.GetValueOrDefault(key)).OfType<OutboxMessage>().Where(m => Claimable(m, now)).ToList(),
                workerId,
                now + lease);
            return Task.FromResult(claimed);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CompleteClaimedAsync(string workerId, IReadOnlyCollection<OutboxMessage> outcomes, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Complete(workerId, outcomes);
        var lost = new List<string>();
        lock (_gate)
        {
            foreach (var outcome in outcomes)
            {
                if (_leases.TryGetValue(outcome.DeliveryKey, out var held) && held.Worker == workerId && _outbox.ContainsKey(outcome.DeliveryKey))
                {
                    _outbox[outcome.DeliveryKey] = outcome;
                    _leases.Remove(outcome.DeliveryKey);
                }
                else
                {
                    lost.Add(outcome.DeliveryKey);
                }
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(lost);
    }

    // Callers hold the gate.
    private bool Claimable(OutboxMessage message, DateTimeOffset now)
        => message.Status == DeliveryStatus.Pending && message.NextAttemptAt <= now
            && (!_leases.TryGetValue(message.DeliveryKey, out var held) || held.Until <= now);

    // Callers hold the gate.
    private List<OutboxMessage> Claim(List<OutboxMessage> messages, string workerId, DateTimeOffset until)
    {
        foreach (var message in messages)
        {
            _leases[message.DeliveryKey] = (workerId, until);
        }

        return messages;
    }
}
