using System.Globalization;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk;

/// <summary>Fills a <see cref="MessageTemplate"/> for one recipient.</summary>
internal static partial class MessageRenderer
{
    /// <summary>Picks the text in the recipient's culture, else the default culture, else the first by culture name.</summary>
    public static (string Locale, string Text) Choose(MessageTemplate template, string? preferredLocale, string defaultLocale)
    {
        if (preferredLocale is not null && template.Texts.TryGetValue(preferredLocale, out var preferred))
        {
            return (preferredLocale, preferred);
        }

        if (template.Texts.TryGetValue(defaultLocale, out var fallback))
        {
            return (defaultLocale, fallback);
        }

        // The dictionary's own order is a hash order; sorting makes "the first" the same on every run.
        var first = template.Texts.OrderBy(t => t.Key, StringComparer.Ordinal).First();
        return (first.Key, first.Value);
    }

    /// <summary>Replaces <c>{name}</c> placeholders; unknown ones stay as written so the gap shows.</summary>
    public static string Fill(string text, CoCreationEvent @event) => Placeholder().Replace(text, match =>
    {
        var name = match.Groups[1].Value;
        var value = name switch
        {
            "subject" => @event.Subject,
            "type" => @event.Type,
            "time" => @event.Time.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture),
            _ => @event.GetData(name),
        };
        return value ?? match.Value;
    });

    [GeneratedRegex(@"\{([A-Za-z0-9_.\-]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
