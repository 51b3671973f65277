namespace CoCreation.Sdk;

/// <summary>
/// A store that keeps token buckets which every process using it shares, so that relay workers in several processes
/// together stay under a provider's rate limit for one sending account.
/// </summary>
/// <remarks>
/// <para>
/// A bucket holds at most <see cref="RateLimitBucket.Capacity"/> tokens and gains one every
/// <see cref="RateLimitBucket.RefillInterval"/>; a send takes one. <see cref="TakeAsync"/> reserves the earliest
/// token free at or after <c>now</c>: when that is no later than <c>now + maxWait</c> the token is the caller's (it
/// sends at <see cref="RateLimitGrant.At"/>); when it is later, nothing is taken and the caller is told when to come
/// back. Taking is atomic across every instance of the store on the same database: two callers never get the same
/// token, so over any span of time the tokens granted never exceed the capacity plus one per refill interval.
/// </para>
/// <para>
/// <see cref="BlockAsync"/> records a provider's <c>Retry-After</c>: no token is granted for a time before the end of
/// the block, to any caller. Buckets are kept by name; a name is the caller's choice (the relay uses the network and
/// the sending account). Implementations are safe for concurrent use.
/// </para>
/// </remarks>
public interface IRateLimitStore
{
    /// <summary>Reserves a token of the named bucket, if one is free within <paramref name="maxWait"/> of <paramref name="now"/>.</summary>
    /// <param name="bucket">The bucket's name; at most 200 characters.</param>
    /// <param name="limit">The bucket's capacity and refill interval. Callers sharing a bucket pass the same limit.</param>
    /// <param name="now">The caller's time.</param>
    /// <param name="maxWait">The longest the caller will wait for a token; zero or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// Granted with the time the token is free (the caller sends then, not before), or not granted with the earliest
    /// time a token may be free (nothing was taken).
    /// </returns>
    /// <exception cref="CoCreationValidationException">The name is blank or too long, the limit is not valid, or <paramref name="maxWait"/> is negative.</exception>
    Task<RateLimitGrant> TakeAsync(string bucket, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Grants no token of the named bucket for a time before <paramref name="until"/>, to any caller. A shorter block than one already recorded changes nothing.</summary>
    /// <param name="bucket">The bucket's name.</param>
    /// <param name="until">The end of the block, for example the time a provider's <c>Retry-After</c> points at.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the block is stored.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or too long.</exception>
    Task BlockAsync(string bucket, DateTimeOffset until, CancellationToken cancellationToken = default);
}

/// <summary>The size of a token bucket: at most <paramref name="Capacity"/> tokens, one more every <paramref name="RefillInterval"/>.</summary>
/// <param name="Capacity">The most tokens the bucket holds (the largest burst); 1 to 1,000,000.</param>
/// <param name="RefillInterval">How long the bucket takes to gain one token; longer than zero and at most 366 days.</param>
public sealed record RateLimitBucket(int Capacity, TimeSpan RefillInterval);

/// <summary>The answer of <see cref="IRateLimitStore.TakeAsync"/>.</summary>
/// <param name="Granted">Whether a token was reserved for the caller.</param>
/// <param name="At">When granted, the time the caller may use the token; otherwise the earliest time to ask again.</param>
public readonly record struct RateLimitGrant(bool Granted, DateTimeOffset At);

/// <summary>The stored state of a token bucket, in UTC ticks.</summary>
/// <param name="NextTicks">
/// The time the bucket would be empty again if no token were taken before it (the "theoretical arrival time" of the
/// generic cell rate algorithm); 0 for a new bucket.
/// </param>
/// <param name="BlockedUntilTicks">The end of the latest block; 0 for none.</param>
public readonly record struct RateLimitState(long NextTicks, long BlockedUntilTicks);

/// <summary>
/// The token-bucket arithmetic and argument checks of <see cref="IRateLimitStore"/>, for its implementations: each reads
/// the bucket's state, calls <see cref="Take"/> or <see cref="Block"/> and writes the result back in one atomic step, so
/// every store grants the same tokens.
/// </summary>
public static class RateLimitBuckets
{
    /// <summary>The longest bucket name.</summary>
    public const int MaxNameLength = 200;

    private const int MaxCapacity = 1_000_000;
    private static readonly TimeSpan MaxRefillInterval = TimeSpan.FromDays(366);

    /// <summary>Checks the arguments of <see cref="IRateLimitStore.TakeAsync"/>.</summary>
    /// <param name="bucket">The bucket's name.</param>
    /// <param name="limit">The bucket's size.</param>
    /// <param name="maxWait">The longest wait.</param>
    /// <exception cref="CoCreationValidationException">An argument is not valid; the message names it.</exception>
    public static void CheckTake(string bucket, RateLimitBucket limit, TimeSpan maxWait)
    {
        CheckName(bucket);
        ArgumentNullException.ThrowIfNull(limit);
        if (limit.Capacity is < 1 or > MaxCapacity)
        {
            throw new CoCreationValidationException("limit.Capacity", $"must be between 1 and {MaxCapacity} (was {limit.Capacity}).");
        }

        if (limit.RefillInterval <= TimeSpan.Zero || limit.RefillInterval > MaxRefillInterval)
        {
            throw new CoCreationValidationException("limit.RefillInterval", $"must be longer than zero and at most {MaxRefillInterval.TotalDays} days (was {limit.RefillInterval}).");
        }

        if (maxWait < TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(maxWait), $"must not be negative (was {maxWait}).");
        }
    }

    /// <summary>Checks a bucket's name.</summary>
    /// <param name="bucket">The name.</param>
    /// <exception cref="CoCreationValidationException">The name is blank or longer than <see cref="MaxNameLength"/>.</exception>
    public static void CheckName(string bucket)
    {
        CoCreationGuard.NotBlank(bucket, nameof(bucket));
        if (bucket.Length > MaxNameLength)
        {
            throw new CoCreationValidationException(nameof(bucket), $"must be at most {MaxNameLength} characters (was {bucket.Length}).");
        }
    }

    /// <summary>Takes a token from a bucket in the state <paramref name="state"/> (arguments already checked).</summary>
    /// <param name="state">The stored state; <c>default</c> for a bucket never used.</param>
    /// <param name="limit">The bucket's size.</param>
    /// <param name="now">The caller's time.</param>
    /// <param name="maxWait">The longest the caller waits.</param>
    /// <returns>The answer, and the state to store (the same state when nothing was granted).</returns>
    public static (RateLimitGrant Grant, RateLimitState State) Take(RateLimitState state, RateLimitBucket limit, DateTimeOffset now, TimeSpan maxWait)
    {
        ArgumentNullException.ThrowIfNull(limit);
        var interval = limit.RefillInterval.Ticks;

        // A full bucket lets Capacity tokens go at once: the next is free this long before the bucket would be empty.
        var tolerance = (limit.Capacity - 1) * interval;
        var nowTicks = now.UtcTicks;
        var earliest = Math.Max(nowTicks, Math.Max(state.NextTicks - tolerance, state.BlockedUntilTicks));
        if (earliest - nowTicks > maxWait.Ticks)
        {
            return (new RateLimitGrant(false, At(earliest)), state);
        }

        var next = Math.Max(state.NextTicks, earliest) + interval;
        return (new RateLimitGrant(true, At(earliest)), state with { NextTicks = next });
    }

    /// <summary>Blocks a bucket until <paramref name="until"/>.</summary>
    /// <param name="state">The stored state; <c>default</c> for a bucket never used.</param>
    /// <param name="until">The end of the block.</param>
    /// <returns>The state to store.</returns>
    public static RateLimitState Block(RateLimitState state, DateTimeOffset until)
        => state with { BlockedUntilTicks = Math.Max(state.BlockedUntilTicks, until.UtcTicks) };

    private static DateTimeOffset At(long ticks) => new(Math.Min(ticks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);
}
