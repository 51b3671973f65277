using System.Net.Http.Headers;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>Reads Mastodon's paging headers; rate-limit and retry headers are read by the shared HTTP layer.</summary>
internal static class MastodonHeaders
{
    public const string IdempotencyKey = "Idempotency-Key";

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
}
