namespace CoCreation.Sdk;

/// <summary>Token buckets for relay workers sharing this store within one process.</summary>
public sealed partial class InMemoryCoCreationStore : IRateLimitStore
{
    private readonly InMemoryRateLimits _rateLimits = new();

    /// <inheritdoc />
    public Task<RateLimitGrant> TakeAsync(string bucket, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait, CancellationToken cancellationToken = default)
        => _rateLimits.TakeAsync(bucket, limit, now, maxWait, cancellationToken);

    /// <inheritdoc />
    public Task BlockAsync(string bucket, DateTimeOffset until, CancellationToken cancellationToken = default)
        => _rateLimits.BlockAsync(bucket, until, cancellationToken);
}

/// <summary>
/// Token buckets in process memory under one lock: the in-memory store's, and the relay's own where its store keeps
/// none (the limit then holds per process only).
/// </summary>
internal sealed class InMemoryRateLimits : IRateLimitStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RateLimitState> _buckets = new(StringComparer.Ordinal);

    public Task<RateLimitGrant> TakeAsync(string bucket, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckTake(bucket, limit, maxWait);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var (grant, state) = RateLimitBuckets.Take(_buckets.GetValueOrDefault(bucket), limit, now, maxWait);
            if (grant.Granted)
            {
                _buckets[bucket] = state;
            }

            return Task.FromResult(grant);
        }
    }

    public Task BlockAsync(string bucket, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        RateLimitBuckets.CheckName(bucket);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _buckets[bucket] = RateLimitBuckets.Block(_buckets.GetValueOrDefault(bucket), until);
        }

        return Task.CompletedTask;
    }
}
