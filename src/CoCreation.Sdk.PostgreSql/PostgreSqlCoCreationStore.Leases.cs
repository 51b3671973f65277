using Npgsql;

namespace CoCreation.Sdk.PostgreSql;

/// <summary>
/// Claims on outbox entries for relay workers in several processes or machines: a claim locks the rows it takes with
/// <c>FOR UPDATE SKIP LOCKED</c>, so concurrent claims pass each other's rows by instead of waiting for them or taking
/// them twice.
/// </summary>
public sealed partial class PostgreSqlCoCreationStore : IOutboxLeaseStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimDueOutboxAsync(string workerId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Claim(workerId, lease);
        CoCreationGuard.Positive(max, nameof(max));
        return ClaimAsync("""
            WITH due AS (
                SELECT seq FROM outbox
                WHERE status = 'Pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY next_attempt_at, seq LIMIT @max
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET lease_owner = @worker, lease_until = @until FROM due WHERE o.seq = due.seq
            RETURNING o.next_attempt_at, o.seq, o.json
            """,
            [("worker", workerId), ("until", (now + lease).UtcTicks), ("now", now.UtcTicks), ("max", max)],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimOutboxAsync(string workerId, IReadOnlyCollection<string> deliveryKeys, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Claim(workerId, lease);
        var keys = OutboxLeaseArguments.Keys(deliveryKeys);
        if (keys.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        return ClaimAsync("""
            WITH due AS (
                SELECT seq FROM outbox
                WHERE delivery_key = ANY(@keys) AND status = 'Pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                FOR UPDATE SKIP LOCKED)
            UPDATE outbox o SET lease_owner = @worker, lease_until = @until FROM due WHERE o.seq = due.seq
            RETURNING o.next_attempt_at, o.seq, o.json
            """,
            [("worker", workerId), ("until", (now + lease).UtcTicks), ("now", now.UtcTicks), ("keys", keys)],
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> CompleteClaimedAsync(string workerId, IReadOnlyCollection<OutboxMessage> outcomes, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Complete(workerId, outcomes);
        if (outcomes.Count == 0)
        {
            return [];
        }

        var keys = new string[outcomes.Count];
        var recipients = new string[outcomes.Count];
        var statuses = new string[outcomes.Count];
        var next = new long[outcomes.Count];
        var json = new string[outcomes.Count];
        var i = 0;
        foreach (var outcome in outcomes)
        {
            keys[i] = outcome.DeliveryKey;
            recipients[i] = outcome.RecipientId;
            statuses[i] = outcome.Status.ToString();
            next[i] = outcome.NextAttemptAt.UtcTicks;
            json[i] = PostgreSqlJsonContext.Write(outcome, PostgreSqlJsonContext.Default.OutboxMessage);
            i++;
        }

        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One statement for the whole set: each row is written only where this worker still holds it.
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, null, """
                UPDATE outbox o SET recipient_id = v.recipient, status = v.status, next_attempt_at = v.next, json = v.json,
                    lease_owner = NULL, lease_until = NULL
                FROM unnest(@keys, @recipients, @statuses, @next, @json) AS v(key, recipient, status, next, json)
                WHERE o.delivery_key = v.key AND o.lease_owner = @worker
                RETURNING o.delivery_key
                """,
                ("keys", keys), ("recipients", recipients), ("statuses", statuses), ("next", next), ("json", json), ("worker", workerId));
            var stored = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                stored.Add(reader.GetString(0));
            }

            return [.. keys.Where(k => !stored.Contains(k)).Distinct(StringComparer.Ordinal)];
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not store delivery outcomes", ex);
        }
    }

    private async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, null, sql, parameters);
            var rows = new List<(long Due, long Seq, OutboxMessage Message)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), PostgreSqlJsonContext.Read(reader.GetString(2), PostgreSqlJsonContext.Default.OutboxMessage)));
                }
            }

            // RETURNING gives rows in no promised order: they are put back in due order here.
            return [.. rows.OrderBy(r => r.Due).ThenBy(r => r.Seq).Select(r => r.Message)];
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not claim deliveries", ex);
        }
    }
}
