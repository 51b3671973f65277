using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Sqlite;

/// <summary>
/// Claims on outbox entries for relay workers in several processes on one file: each claim and each completion is one
/// <c>BEGIN IMMEDIATE</c> transaction, which SQLite runs one at a time across every connection to the file.
/// </summary>
public sealed partial class SqliteCoCreationStore : IOutboxLeaseStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> ClaimDueOutboxAsync(string workerId, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Claim(workerId, lease);
        CoCreationGuard.Positive(max, nameof(max));

        // The literal status lets SQLite use the partial index of pending rows.
        return WriteAsync<IReadOnlyList<OutboxMessage>>(() => ReadClaimed(Command("""
            UPDATE outbox SET lease_owner = $worker, lease_until = $until
            WHERE seq IN (
                SELECT seq FROM outbox
                WHERE status = 'Pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                ORDER BY next_attempt_at, seq LIMIT $max)
            RETURNING next_attempt_at, seq, json
            """,
            ("$worker", workerId),
            ("$until", (now + lease).UtcTicks),
            ("$now", now.UtcTicks),
            ("$max", max))), cancellationToken);
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

        return WriteAsync(() =>
        {
            var claimed = new List<OutboxMessage>();
            foreach (var key in keys)
            {
                claimed.AddRange(ReadClaimed(Command("""
                    UPDATE outbox SET lease_owner = $worker, lease_until = $until
                    WHERE delivery_key = $key AND status = 'Pending' AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                    RETURNING next_attempt_at, seq, json
                    """,
                    ("$worker", workerId),
                    ("$until", (now + lease).UtcTicks),
                    ("$now", now.UtcTicks),
                    ("$key", key))));
            }

            return (IReadOnlyList<OutboxMessage>)claimed;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CompleteClaimedAsync(string workerId, IReadOnlyCollection<OutboxMessage> outcomes, CancellationToken cancellationToken = default)
    {
        OutboxLeaseArguments.Complete(workerId, outcomes);
        if (outcomes.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        // Serialised before the transaction, so the write lock is held only for the updates.
        var rows = outcomes.Select(o => (Outcome: o, Json: SqliteJsonContext.WriteOutbox(o))).ToList();
        return WriteAsync(() =>
        {
            var lost = new List<string>();
            foreach (var (outcome, json) in rows)
            {
                var updated = Command("""
                    UPDATE outbox SET recipient_id = $recipient, status = $status, next_attempt_at = $next, json = $json,
                        lease_owner = NULL, lease_until = NULL
                    WHERE delivery_key = $key AND lease_owner = $worker
                    """,
                    ("$recipient", outcome.RecipientId),
                    ("$status", outcome.Status.ToString()),
                    ("$next", outcome.NextAttemptAt.UtcTicks),
                    ("$json", json),
                    ("$key", outcome.DeliveryKey),
                    ("$worker", workerId)).ExecuteNonQuery();
                if (updated == 0)
                {
                    lost.Add(outcome.DeliveryKey);
                }
            }

            return (IReadOnlyList<string>)lost;
        }, cancellationToken);
    }

    private static List<OutboxMessage> ReadClaimed(SqliteCommand command)
    {
        // RETURNING gives rows in no promised order: they are put back in due order here.
        var rows = new List<(long Due, long Seq, OutboxMessage Message)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), SqliteJsonContext.Read(reader.GetString(2), SqliteJsonContext.Default.OutboxMessage)));
            }
        }

        return [.. rows.OrderBy(r => r.Due).ThenBy(r => r.Seq).Select(r => r.Message)];
    }

    /// <summary>Runs <paramref name="write"/> in one <c>BEGIN IMMEDIATE</c> transaction under the gate.</summary>
    private async Task<T> WriteAsync<T>(Func<T> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return Run(() =>
            {
                BeginImmediate();
                try
                {
                    var result = write();
                    Commit();
                    return result;
                }
                catch
                {
                    TryRollback();
                    throw;
                }
            });
        }
        finally
        {
            _gate.Release();
        }
    }
}
