using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace CoCreation.Sdk.Http;

/// <summary>The names of the three rate-limit headers a service sends.</summary>
/// <param name="Limit">The header holding the number of calls allowed in the window.</param>
/// <param name="Remaining">The header holding the number of calls left in the window.</param>
/// <param name="Reset">The header holding when the window resets, as Unix seconds or an ISO 8601 timestamp.</param>
public sealed record RateLimitHeaderNames(string Limit, string Remaining, string Reset)
{
    /// <summary><c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c>, <c>X-RateLimit-Reset</c> (Mastodon and many REST services).</summary>
    public static RateLimitHeaderNames XRateLimit { get; } = new("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");

    /// <summary><c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c>, <c>RateLimit-Reset</c> (the draft IETF names, as a Bluesky PDS sends them).</summary>
    public static RateLimitHeaderNames RateLimit { get; } = new("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
}

/// <summary>
/// Reads rate-limit and retry headers into the SDK's types. Pure functions: the current time is passed in, so results
/// do not depend on the wall clock.
/// </summary>
public static class RateLimitHeaders
{
    /// <summary>Parses the three rate-limit headers; <see langword="null"/> unless all three are present and valid.</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="names">Which headers the service sends.</param>
    /// <returns>The rate-limit state, or <see langword="null"/>.</returns>
    public static RateLimitInfo? Read(HttpResponseHeaders headers, RateLimitHeaderNames names)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(names);
        return TryGetInt(headers, names.Limit, out var limit) && TryGetInt(headers, names.Remaining, out var remaining) && TryReadReset(headers, names, out var reset)
            ? new RateLimitInfo(limit, remaining, reset)
            : null;
    }

    /// <summary>Reads the reset header as Unix seconds or, failing that, an ISO 8601 timestamp (UTC when no offset is given).</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="names">Which headers the service sends.</param>
    /// <param name="reset">When the window resets.</param>
    /// <returns>Whether the header was present and readable.</returns>
    public static bool TryReadReset(HttpResponseHeaders headers, RateLimitHeaderNames names, out DateTimeOffset reset)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(names);
        reset = default;
        if (!headers.TryGetValues(names.Reset, out var values) || values.FirstOrDefault() is not { } raw)
        {
            return false;
        }

        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            try
            {
                reset = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out reset);
    }

    /// <summary>How long <c>Retry-After</c> asks to wait, as seconds or an HTTP date; never negative.</summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time, for an HTTP date.</param>
    /// <returns>The wait, or <see langword="null"/> when the header is missing.</returns>
    public static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>
    /// How long the server asked the client to wait: <c>Retry-After</c> first, then, on a 429 only, the time until the
    /// rate-limit reset named by <paramref name="names"/>. <see langword="null"/> when the response says nothing.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time.</param>
    /// <param name="names">The service's rate-limit headers, or <see langword="null"/> when it sends none.</param>
    /// <returns>The wait, never negative, or <see langword="null"/>.</returns>
    public static TimeSpan? ReadServerDelay(HttpResponseMessage response, DateTimeOffset now, RateLimitHeaderNames? names)
    {
        if (ReadRetryAfter(response, now) is { } wait)
        {
            return wait;
        }

        if (names is not null && response.StatusCode == HttpStatusCode.TooManyRequests && TryReadReset(response.Headers, names, out var reset))
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
}
