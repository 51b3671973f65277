using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>Reads the <c>RateLimit-*</c> headers a PDS sends (draft IETF rate-limit headers, reset in Unix seconds).</summary>
internal static class BlueskyHeaders
{
    public const string RateLimitLimit = "RateLimit-Limit";
    public const string RateLimitRemaining = "RateLimit-Remaining";
    public const string RateLimitReset = "RateLimit-Reset";
    public const string AtprotoProxy = "atproto-proxy";

    /// <summary>Parses the rate-limit headers; <see langword="null"/> unless all three are present and valid.</summary>
    public static RateLimitInfo? ReadRateLimit(HttpResponseHeaders headers)
        => TryGetInt(headers, RateLimitLimit, out var limit) && TryGetInt(headers, RateLimitRemaining, out var remaining) && TryGetReset(headers, out var reset)
            ? new RateLimitInfo(limit, remaining, reset)
            : null;

    /// <summary>
    /// How long the server asked the client to wait: <c>Retry-After</c> first, then, on a 429, the time until
    /// <c>RateLimit-Reset</c>. <see langword="null"/> when the response says nothing.
    /// </summary>
    public static TimeSpan? ReadServerDelay(HttpResponseMessage response, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests && TryGetReset(response.Headers, out var reset))
        {
            return reset > now ? reset - now : TimeSpan.Zero;
        }

        return null;
    }

    private static bool TryGetInt(HttpResponseHeaders headers, string name, out int value)
    {
        value = 0;
        return headers.TryGetValues(name, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryGetReset(HttpResponseHeaders headers, out DateTimeOffset reset)
    {
        reset = default;
        if (!headers.TryGetValues(RateLimitReset, out var values) || values.FirstOrDefault() is not { } raw)
        {
            return false;
        }

        // The PDS sends Unix seconds; an ISO timestamp is accepted too, as some proxies rewrite it.
        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            reset = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out reset);
    }
}
