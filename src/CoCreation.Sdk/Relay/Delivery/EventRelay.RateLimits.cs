using System.Net;
using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>
/// Rate limits per sending account: a send takes a token of the connector's bucket first (waiting a bounded time, or
/// leaving the delivery pending until its turn), and a provider's 429 with <c>Retry-After</c> blocks the bucket for
/// every worker sharing the store.
/// </summary>
internal sealed partial class EventRelay
{
    private IRateLimitStore? _rateLimitStore;

    // The store's buckets, so every worker sharing the store shares them; else buckets of this relay alone.
    private IRateLimitStore RateLimitStore
        => LazyInitializer.EnsureInitialized(ref _rateLimitStore, () => _store as IRateLimitStore ?? new InMemoryRateLimits());

    /// <summary>
    /// Takes a token for a send through <paramref name="connector"/>, waiting for it where the wait is short.
    /// </summary>
    /// <returns><see langword="null"/> to send now; otherwise the time to try the delivery again (nothing was sent).</returns>
    private async Task<DateTimeOffset?> TakeRateLimitTokenAsync(ISnsConnector connector, string network, CancellationToken cancellationToken)
    {
        if (RelayRateLimits.LimitOf(_options, connector, network) is not { } limit)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var grant = await RateLimitStore.TakeAsync(RelayRateLimits.BucketOf(connector, network), limit.ToBucket(), now, RelayRateLimits.MaxWait(_options), cancellationToken).ConfigureAwait(false);
        if (!grant.Granted)
        {
            return grant.At;
        }

        if (grant.At > now)
        {
            await Task.Delay(grant.At - now, _time, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>After a provider's 429 with <c>Retry-After</c>, blocks the connector's bucket for every worker until then.</summary>
    private async Task BlockRateLimitAsync(string network, Exception failure)
    {
        if (failure is not ProviderException { StatusCode: HttpStatusCode.TooManyRequests, RetryAfter: { } wait }
            || !_providers.SnsNetworks.Contains(network, StringComparer.Ordinal))
        {
            return;
        }

        var connector = _providers.GetSns(network);
        if (RelayRateLimits.LimitOf(_options, connector, network) is null)
        {
            return;
        }

        var until = _time.GetUtcNow() + (wait < TimeSpan.Zero ? TimeSpan.Zero : wait);
        try
        {
            // Stored even when the caller gives up: the provider's answer holds for everyone.
            await RateLimitStore.BlockAsync(RelayRateLimits.BucketOf(connector, network), until, CancellationToken.None).ConfigureAwait(false);
            Log.RateLimitBlocked(_logger, network, until);
        }
#pragma warning disable CA1031 // The delivery is rescheduled by its own Retry-After either way; a lost block costs a 429 more.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RateLimitBlockNotStored(_logger, ex, network);
        }
    }

    /// <summary>A delivery whose turn under the rate limit is later: pending until then, no attempt counted.</summary>
    private Attempt Postponed(OutboxMessage message, ImmutableArray<string> failed, string network, DateTimeOffset notBefore, bool sentWithoutKey)
    {
        Log.RateLimitPostponed(_logger, message.DeliveryKey, network, notBefore);
        var later = message with { Status = DeliveryStatus.Pending, NextAttemptAt = notBefore, FailedNetworks = failed };
        return new Attempt(later, ResultOf(later), network, sentWithoutKey);
    }
}

/// <summary>The relay's rate-limit settings: which limit a connector has, its bucket, the longest wait, and their checks.</summary>
internal static class RelayRateLimits
{
    public static SnsRateLimit? LimitOf(RelayOptions options, ISnsConnector connector, string network)
        => options.RateLimits.TryGetValue(network, out var limit)
            ? limit
            : options.UsePublishedRateLimits ? SnsRateLimit.Published(connector.Metadata.Network) : null;

    /// <summary>One bucket per sending account: the network kind, its instance and the connector (one brand credential).</summary>
    public static string BucketOf(ISnsConnector connector, string network)
    {
        var name = $"sns:{connector.Metadata.Network}:{connector.Metadata.Instance}:{network}";
        return name.Length <= RateLimitBuckets.MaxNameLength ? name : name[..RateLimitBuckets.MaxNameLength];
    }

    // A claim's sends start before 80% of its lease: a wait of a tenth more still ends before the lease does.
    public static TimeSpan MaxWait(RelayOptions options)
        => options.MaxRateLimitWait < options.LeaseDuration / 10 ? options.MaxRateLimitWait : options.LeaseDuration / 10;

    public static void Validate(RelayOptions relay)
    {
        if (relay.MaxRateLimitWait < TimeSpan.Zero)
        {
            throw new CoCreationValidationException("Relay.MaxRateLimitWait", $"must not be negative (was {relay.MaxRateLimitWait}).");
        }

        foreach (var (name, limit) in relay.RateLimits)
        {
            CoCreationGuard.NotBlank(name, "Relay.RateLimits");
            var field = $"Relay.RateLimits[{name}]";
            if (limit is null)
            {
                throw new CoCreationValidationException(field, "must not be null; remove the entry and set UsePublishedRateLimits instead.");
            }

            limit.Validate(field);
        }
    }
}
