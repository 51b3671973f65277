using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>A stretch of a post's text, in UTF-8 byte offsets as facets count them (end exclusive).</summary>
internal readonly record struct ByteRange(int Start, int End);

/// <summary>Text rules of <c>app.bsky.feed.post</c>: grapheme and byte limits, mentions and facets.</summary>
internal static partial class BlueskyText
{
    /// <summary>The lexicon's <c>maxGraphemes</c> for a post's text.</summary>
    public const int MaxGraphemes = 300;

    /// <summary>The lexicon's <c>maxLength</c> for a post's text, which counts UTF-8 bytes.</summary>
    public const int MaxBytes = 3000;

    /// <summary>Counts user-perceived characters (extended grapheme clusters), as Bluesky does.</summary>
    public static int Graphemes(string text) => new StringInfo(text).LengthInTextElements;

    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Checks the post limits; returns why the text does not fit, or <see langword="null"/>.</summary>
    public static string? CheckLimits(string text)
    {
        var graphemes = Graphemes(text);
        if (graphemes > MaxGraphemes)
        {
            return $"a Bluesky post has at most {MaxGraphemes} characters (grapheme clusters); this one has {graphemes}.";
        }

        var bytes = Utf8Length(text);
        return bytes > MaxBytes ? $"a Bluesky post has at most {MaxBytes} bytes of UTF-8; this one has {bytes}." : null;
    }

    /// <summary>Normalizes a handle the caller gave: no leading <c>@</c>, no surrounding space, lower case.</summary>
    public static string NormalizeHandle(string handle) => handle.Trim().TrimStart('@').ToLowerInvariant();

    /// <summary>
    /// Appends <c>@handle</c> for every mention the text does not already contain, so that every mention has
    /// a place in the text for its facet.
    /// </summary>
    public static (string Text, IReadOnlyList<string> Added) WithMentions(string text, IEnumerable<string> handles)
    {
        var added = new List<string>();
        var result = text;
        foreach (var handle in handles.Select(NormalizeHandle).Distinct(StringComparer.Ordinal))
        {
            if (FindMention(result, handle) is null)
            {
                result += " @" + handle;
                added.Add(handle);
            }
        }

        return (result, added);
    }

    /// <summary>Finds the first <c>@handle</c> in the text that is not part of a longer word or handle.</summary>
    public static ByteRange? FindMention(string text, string handle)
    {
        var needle = "@" + handle;
        var start = 0;
        while (start <= text.Length - needle.Length)
        {
            var at = text.IndexOf(needle, start, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return null;
            }

            var end = at + needle.Length;
            var boundaryBefore = at == 0 || !IsHandleChar(text[at - 1]);
            var boundaryAfter = end == text.Length || !IsHandleChar(text[end]) || (text[end] == '.' && (end + 1 == text.Length || !IsHandleChar(text[end + 1])));
            if (boundaryBefore && boundaryAfter)
            {
                return ToBytes(text, at, end);
            }

            start = at + 1;
        }

        return null;
    }

    /// <summary>Finds web links (<c>http://</c> or <c>https://</c>) in the text, without trailing punctuation.</summary>
    public static IReadOnlyList<(ByteRange Range, string Uri)> FindLinks(string text)
    {
        var links = new List<(ByteRange, string)>();
        foreach (Match match in LinkPattern().Matches(text))
        {
            var value = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', '\'', '"');
            if (value.EndsWith(')') && !value.Contains('(', StringComparison.Ordinal))
            {
                value = value[..^1];
            }

            if (Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                links.Add((ToBytes(text, match.Index, match.Index + value.Length), value));
            }
        }

        return links;
    }

    /// <summary>Converts a UTF-16 range of the text to UTF-8 byte offsets.</summary>
    public static ByteRange ToBytes(string text, int startChar, int endChar)
    {
        var start = Encoding.UTF8.GetByteCount(text.AsSpan(0, startChar));
        return new ByteRange(start, start + Encoding.UTF8.GetByteCount(text.AsSpan(startChar, endChar - startChar)));
    }

    /// <summary>Reads the UTF-8 byte range of the text back as a string (for tests and diagnostics).</summary>
    public static string Slice(string text, ByteRange range)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Encoding.UTF8.GetString(bytes, range.Start, range.End - range.Start);
    }

    private static bool IsHandleChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_';

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();
}
