using Npgsql;

namespace CoCreation.Sdk.PostgreSql;

/// <summary>
/// Token buckets shared by relay workers in several processes or machines: one row per bucket, locked with
/// <c>SELECT … FOR UPDATE</c> for the read and the write of one take, so concurrent takers of a bucket queue behind each
/// other's transactions and never see the same tokens.
/// </summary>
public sealed partial class PostgreSqlCoCreationStore : IRateLimitStore
{
    /// <inheritdoc />
    public async Task<RateLimitGrant> TakeAsync(string bucket, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckTake(bucket, limit, maxWait);
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

            // The insert waits for a concurrent insert of the same bucket to commit; the lock then orders the takers.
            RateLimitState state;
            await using (var read = Command(connection, transaction, """
                INSERT INTO rate_limits (bucket, next_at, blocked_until) VALUES (@bucket, 0, 0) ON CONFLICT (bucket) DO NOTHING;
                SELECT next_at, blocked_until FROM rate_limits WHERE bucket = @bucket FOR UPDATE;
                """,
                ("bucket", bucket)))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                // The first result is the insert's (no rows); the second holds the locked row.
                do
                {
                    if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

                state = new RateLimitState(reader.GetInt64(0), reader.GetInt64(1));
            }

            var (grant, next) = RateLimitBuckets.Take(state, limit, now, maxWait);
            if (grant.Granted)
            {
                await using var write = Command(connection, transaction, "UPDATE rate_limits SET next_at = @next, blocked_until = @blocked WHERE bucket = @bucket",
                    ("next", next.NextTicks), ("blocked", next.BlockedUntilTicks), ("bucket", bucket));
                await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return grant;
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not take a rate-limit token", ex);
        }
    }

    /// <inheritdoc />
    public async Task BlockAsync(string bucket, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckName(bucket);
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One statement: a longer block already stored is kept.
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, null, """
                INSERT INTO rate_limits AS r (bucket, next_at, blocked_until) VALUES (@bucket, 0, @until)
                ON CONFLICT (bucket) DO UPDATE SET blocked_until = GREATEST(r.blocked_until, EXCLUDED.blocked_until)
                """,
                ("bucket", bucket), ("until", until.UtcTicks));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not block a rate-limit bucket", ex);
        }
    }
}
