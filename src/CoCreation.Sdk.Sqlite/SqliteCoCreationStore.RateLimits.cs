namespace CoCreation.Sdk.Sqlite;

/// <summary>
/// Token buckets shared by relay workers in several processes on one file: one row per bucket, read and written in one
/// <c>BEGIN IMMEDIATE</c> transaction, which SQLite runs one at a time across every connection to the file.
/// </summary>
public sealed partial class SqliteCoCreationStore : IRateLimitStore
{
    /// <inheritdoc />
    public Task<RateLimitGrant> TakeAsync(string bucket, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckTake(bucket, limit, maxWait);
        return WriteAsync(() =>
        {
            var state = default(RateLimitState);
            using (var reader = Command("SELECT next_at, blocked_until FROM rate_limits WHERE bucket = $bucket", ("$bucket", bucket)).ExecuteReader())
            {
                if (reader.Read())
                {
                    state = new RateLimitState(reader.GetInt64(0), reader.GetInt64(1));
                }
            }

            var (grant, next) = RateLimitBuckets.Take(state, limit, now, maxWait);
            if (grant.Granted)
            {
                Put(bucket, next);
            }

            return grant;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task BlockAsync(string bucket, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckName(bucket);

        // One statement: a longer block already stored is kept.
        return WriteAsync(() => Command("""
            INSERT INTO rate_limits (bucket, next_at, blocked_until) VALUES ($bucket, 0, $until)
            ON CONFLICT (bucket) DO UPDATE SET blocked_until = MAX(blocked_until, excluded.blocked_until)
            """,
            ("$bucket", bucket),
            ("$until", until.UtcTicks)).ExecuteNonQuery(), cancellationToken);
    }

    private void Put(string bucket, RateLimitState state) => Command("""
        INSERT INTO rate_limits (bucket, next_at, blocked_until) VALUES ($bucket, $next, $blocked)
        ON CONFLICT (bucket) DO UPDATE SET next_at = excluded.next_at, blocked_until = excluded.blocked_until
        """,
        ("$bucket", bucket),
        ("$next", state.NextTicks),
        ("$blocked", state.BlockedUntilTicks)).ExecuteNonQuery();
}
