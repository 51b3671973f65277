using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>Reads Mastodon's rate-limit, retry and paging headers.</summary>
internal static class MastodonHeaders
{
    public const string RateLimitLimit = "X-RateLimit-Limit";
    public const string RateLimitRemaining = "X-RateLimit-Remaining";
    public const string RateLimitReset = "X-RateLimit-Reset";
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Parses the <c>X-RateLimit-*</c> headers; <see langword="null"/> unless all three are present and valid.</summary>
    public static RateLimitInfo? ReadRateLimit(HttpResponseHeaders headers)
    {
        if (TryGetInt(headers, RateLimitLimit, out var limit)
            && TryGetInt(headers, RateLimitRemaining, out var remaining)
            && TryGetReset(headers, out var reset))
        {
            return new RateLimitInfo(limit, remaining, reset);
        }

        return null;
    }

    /// <summary>
    /// How long the server asked the client to wait: <c>Retry-After</c> first, then, on a 429,
    /// the time until <c>X-RateLimit-Reset</c>. <see langword="null"/> when the response says nothing.
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

    /// <summary>Reads one query parameter of the <c>Link</c> header entry with the given relation (RFC 8288).</summary>
    public static string? ReadLinkParameter(HttpResponseHeaders headers, string relation, string parameter)
    {
        if (!headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (var entry in SplitLinkEntries(value))
            {
                var close = entry.IndexOf('>', StringComparison.Ordinal);
                var open = entry.IndexOf('<', StringComparison.Ordinal);
                if (open < 0 || close <= open)
                {
                    continue;
                }

                var attributes = entry[(close + 1)..];
                if (!HasRelation(attributes, relation))
                {
                    continue;
                }

                var target = entry[(open + 1)..close];
                var query = target.IndexOf('?', StringComparison.Ordinal);
                if (query < 0)
                {
                    continue;
                }

                foreach (var pair in target[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                    if (string.Equals(name, parameter, StringComparison.Ordinal))
                    {
                        return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
                    }
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> SplitLinkEntries(string value)
    {
        // Commas may appear inside the <…> target, so split only outside angle brackets.
        var depth = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '<':
                    depth++;
                    break;
                case '>':
                    depth = Math.Max(0, depth - 1);
                    break;
                case ',' when depth == 0:
                    yield return value[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return value[start..];
    }

    private static bool HasRelation(string attributes, string relation)
    {
        foreach (var attribute in attributes.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!attribute.StartsWith("rel=", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rels = attribute[4..].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rels.Contains(relation, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
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

        // Mastodon sends an ISO 8601 timestamp; some forks and proxies send Unix seconds instead.
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out reset))
        {
            return true;
        }

        if (long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            reset = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return false;
    }
}
