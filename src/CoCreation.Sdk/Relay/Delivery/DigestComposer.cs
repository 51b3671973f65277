namespace CoCreation.Sdk;

/// <summary>
/// Writes a digest: one message that lists the deliveries of one person, kind and window, each line the text the
/// delivery would have had on its own, under a heading in the person's language.
/// </summary>
internal static class DigestComposer
{
    /// <summary>One line of a digest.</summary>
    /// <param name="Locale">The culture the line was written in.</param>
    /// <param name="Text">The line.</param>
    public readonly record struct Line(string Locale, string Text);

    /// <summary>
    /// The digest's text and culture. Lines that would make it longer than <paramref name="maxLength"/> are counted
    /// in a last line ("and 3 more") instead of listed.
    /// </summary>
    /// <param name="kind">The event kind.</param>
    /// <param name="windowEnd">The end of the window, as a local date of the person.</param>
    /// <param name="lines">The lines, oldest first; at least one.</param>
    /// <param name="maxLength">The longest text the networks take.</param>
    /// <returns>The culture and the text.</returns>
    public static (string Locale, string Text) Compose(string kind, DateOnly windowEnd, IReadOnlyList<Line> lines, int maxLength)
    {
        var locale = lines[0].Locale;
        var korean = locale.StartsWith("ko", StringComparison.OrdinalIgnoreCase);
        var date = windowEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var count = lines.Count.ToString(CultureInfo.InvariantCulture);
        var heading = korean
            ? $"하루 요약 ({PreferenceTexts.KoreanKind(kind)}, {date}까지): 알림 {count}건"
            : $"Daily digest ({kind}, until {date}): {count} {(lines.Count == 1 ? "update" : "updates")}";
        var text = new StringBuilder(heading);
        for (var i = 0; i < lines.Count; i++)
        {
            var rest = lines.Count - i - 1;
            var line = "\n• " + Flatten(lines[i].Text);
            var more = rest == 0 ? "" : More(korean, rest);
            if (text.Length + line.Length + more.Length > maxLength)
            {
                var room = maxLength - text.Length - More(korean, rest + 1).Length;
                if (i == 0 && room > 8)
                {
                    // Not even the first line fits: it is cut, so the digest still says what it is about.
                    text.Append(line.AsSpan(0, room - 1)).Append('…');
                    text.Append(rest == 0 ? "" : More(korean, rest));
                }
                else
                {
                    text.Append(More(korean, lines.Count - i));
                }

                break;
            }

            text.Append(line);
        }

        return (locale, text.ToString());
    }

    private static string More(bool korean, int count)
    {
        var n = count.ToString(CultureInfo.InvariantCulture);
        return korean ? $"\n… 외 {n}건" : $"\n… and {n} more";
    }

    // A line of a digest is one line: the template's own line breaks become spaces.
    private static string Flatten(string text) => text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Trim();
}
