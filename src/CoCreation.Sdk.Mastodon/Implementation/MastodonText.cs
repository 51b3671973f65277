using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>Text rules of Mastodon: HTML content to plain text, mentions, handles and id order.</summary>
internal static partial class MastodonText
{
    /// <summary>Turns a status's HTML <c>content</c> into the text people read.</summary>
    public static string ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var text = LineBreak().Replace(html, "\n");
        text = ParagraphBreak().Replace(text, "\n\n");
        text = Tag().Replace(text, string.Empty);
        return WebUtility.HtmlDecode(text).Trim();
    }

    /// <summary>Puts <c>@handle</c> in front of the text for each mention the text does not already contain.</summary>
    /// <returns>The text to send and the mentions that were added.</returns>
    public static (string Text, IReadOnlyList<string> Added) WithMentions(string text, IEnumerable<string> handles)
    {
        var added = new List<string>();
        foreach (var raw in handles)
        {
            var handle = raw.Trim().TrimStart('@');
            if (handle.Length == 0 || ContainsMention(text, handle) || added.Contains(handle, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            added.Add(handle);
        }

        if (added.Count == 0)
        {
            return (text, added);
        }

        var builder = new StringBuilder();
        foreach (var handle in added)
        {
            builder.Append('@').Append(handle).Append(' ');
        }

        return (builder.Append(text).ToString(), added);
    }

    /// <summary>
    /// Counts a text the way Mastodon does for its character limit, as far as mentions go: a mention of a
    /// remote account counts only its <c>@username</c> part.
    /// </summary>
    public static int CountedLength(string text)
    {
        var length = CoCreationGuard.TextLength(text);
        foreach (Match match in RemoteMention().Matches(text))
        {
            length -= CoCreationGuard.TextLength(match.Groups["domain"].Value) + 1;
        }

        return length;
    }

    /// <summary>Builds <c>user@domain</c> from an account's <c>acct</c>, which omits the domain for local accounts.</summary>
    public static string Handle(string acct, string domain)
        => acct.Contains('@', StringComparison.Ordinal) ? acct : $"{acct}@{domain}";

    /// <summary>Orders Mastodon ids (decimal snowflakes, longer is newer); other ids fall back to ordinal order.</summary>
    public static int CompareIds(string? left, string? right)
    {
        left ??= string.Empty;
        right ??= string.Empty;
        if (left.All(char.IsAsciiDigit) && right.All(char.IsAsciiDigit))
        {
            var byLength = left.TrimStart('0').Length.CompareTo(right.TrimStart('0').Length);
            if (byLength != 0)
            {
                return byLength;
            }

            return string.CompareOrdinal(left.TrimStart('0'), right.TrimStart('0'));
        }

        return string.CompareOrdinal(left, right);
    }

    private static bool ContainsMention(string text, string handle)
    {
        var index = 0;
        while ((index = text.IndexOf("@" + handle, index, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = index + handle.Length + 1;
            var startsWord = index == 0 || !IsHandleChar(text[index - 1]);
            var endsWord = end >= text.Length || !IsHandleChar(text[end]) || (text[end] == '.' && (end + 1 >= text.Length || !IsHandleChar(text[end + 1])));
            if (startsWord && endsWord)
            {
                return true;
            }

            index = end;
        }

        return false;
    }

    private static bool IsHandleChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '@' or '.' or '-';

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"</p>\s*<p[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ParagraphBreak();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"(?<![\w@])@[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*@(?<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?)")]
    private static partial Regex RemoteMention();
}
