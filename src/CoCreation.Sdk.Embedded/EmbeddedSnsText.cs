using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Embedded;

/// <summary>Handle, mention, hashtag and continuation-token rules of the embedded SNS.</summary>
internal static partial class EmbeddedSnsText
{
    private const int IdBytes = 16;
    private const int IdBitsPerRefill = IdBytes * 256;

    [ThreadStatic]
    private static byte[]? t_idBits;

    [ThreadStatic]
    private static int t_idBitsUsed;

    public const string Host = "embedded.local";

    private const int MaxHandleLength = 30;

    /// <summary>Trims a handle and drops a leading <c>@</c> and a trailing <c>@embedded.local</c>; <see langword="null"/> when it is not a handle here.</summary>
    public static string? NormalizeHandle(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var handle = value.Trim();
        if (handle.StartsWith('@'))
        {
            handle = handle[1..];
        }

        var at = handle.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            // Only this instance's domain may follow; a foreign domain is not an account here.
            if (!string.Equals(handle[(at + 1)..], Host, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            handle = handle[..at];
        }

        return handle.Length <= MaxHandleLength && HandlePattern().IsMatch(handle) ? handle : null;
    }

    /// <summary>Whether a mention looks like a handle at all (possibly at another instance).</summary>
    public static bool IsWellFormedMention(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('@'))
        {
            trimmed = trimmed[1..];
        }

        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        var local = at >= 0 ? trimmed[..at] : trimmed;
        var domain = at >= 0 ? trimmed[(at + 1)..] : null;
        return local.Length is > 0 and <= MaxHandleLength && HandlePattern().IsMatch(local)
            && (domain is null || DomainPattern().IsMatch(domain));
    }

    /// <summary>The handles written as <c>@handle</c> in a text, in order of appearance.</summary>
    public static IEnumerable<string> MentionedHandles(string text)
    {
        foreach (Match match in MentionPattern().Matches(text))
        {
            var handle = match.Groups[1].Value.TrimEnd('.', '-');
            if (handle.Length > 0)
            {
                yield return handle;
            }
        }
    }

    /// <summary>Whether the text carries the hashtag (without its <c>#</c>) as a whole tag.</summary>
    public static bool HasHashtag(string text, string tag)
    {
        foreach (Match match in HashtagPattern().Matches(text))
        {
            if (string.Equals(match.Groups[1].Value, tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a query is a single hashtag, and the tag without its <c>#</c>.</summary>
    public static bool TryGetHashtag(string query, out string tag)
    {
        var match = WholeHashtagPattern().Match(query);
        tag = match.Success ? match.Groups[1].Value : string.Empty;
        return match.Success;
    }

    public static string NewToken() => "emb_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A new id: the prefix and 128 random bits in hex, as a random GUID would give. The bits come from a per-thread
    /// block refilled from the system's secure generator, one call per 256 ids rather than one per id.
    /// </summary>
    public static string NewId(string prefix)
    {
        var pool = t_idBits ??= new byte[IdBitsPerRefill];
        if (t_idBitsUsed == 0 || t_idBitsUsed + IdBytes > pool.Length)
        {
            RandomNumberGenerator.Fill(pool);
            t_idBitsUsed = 0;
        }

        var bits = pool.AsSpan(t_idBitsUsed, IdBytes);
        t_idBitsUsed += IdBytes;
        var id = prefix + "_" + Convert.ToHexStringLower(bits);

        // Handed-out bits are not kept.
        bits.Clear();
        return id;
    }

    /// <summary>Builds a continuation token bound to one query, so a token of another query is refused.</summary>
    public static string EncodeToken(string scope, long position)
        => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"v1|{Fingerprint(scope)}|{position.ToString(CultureInfo.InvariantCulture)}"));

    public static long DecodeToken(string token, string scope)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('|');
            if (parts.Length == 3 && parts[0] == "v1" && parts[1] == Fingerprint(scope)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var position))
            {
                return position;
            }
        }
        catch (FormatException)
        {
            // Falls through to the validation error below.
        }

        throw new CoCreationValidationException("continuationToken", "is not a continuation token of this query.");
    }

    private static string Fingerprint(string scope)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(scope)), 0, 8);

    [GeneratedRegex(@"^[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]*[\p{L}\p{N}_])?$", RegexOptions.CultureInvariant)]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_@])@([\p{L}\p{N}_][\p{L}\p{N}_.\-]*)", RegexOptions.CultureInvariant)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}_#&])#([\p{L}\p{N}_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex HashtagPattern();

    [GeneratedRegex(@"^#([\p{L}\p{N}_]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeHashtagPattern();
}
