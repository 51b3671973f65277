using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk;

/// <summary>
/// Fills a <see cref="MessageTemplate"/> for one recipient: picks the text in their culture, replaces the
/// placeholders with the event's values formatted for that culture, and neutralises control characters and
/// bidirectional overrides in every value. The one place messages are formatted and cleaned.
/// </summary>
/// <remarks>
/// Placeholders: <c>{name}</c>, or <c>{name:format}</c> / <c>{name:format:arguments}</c> with the formats
/// <c>money</c>, <c>number</c>, <c>count</c>, <c>select</c> and <c>lines</c> (see <see cref="MessageTemplate"/>).
/// </remarks>
internal static partial class MessageRenderer
{
    /// <summary>The data key the <c>money</c> format reads the currency from.</summary>
    public const string CurrencyKey = CoCreationEventData.Currency;

    /// <summary>Separates the forms of <c>count</c> and the entries of <c>select</c>.</summary>
    public const char FormSeparator = '|';

    /// <summary>Separates a key from its text in a <c>select</c> entry.</summary>
    public const char SelectSeparator = '=';

    private static readonly ConcurrentDictionary<string, CultureInfo> Cultures = new(StringComparer.OrdinalIgnoreCase);

    // The texts filled for an event instance, kept as long as the instance lives: an event relayed to many recipients is
    // filled once per template text and locale, not once per recipient. CoCreationEvent is immutable, so a filled text
    // stays right for its instance.
    private static readonly ConditionalWeakTable<CoCreationEvent, FilledTexts> Filled = [];

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

    /// <summary>
    /// Replaces the placeholders of <paramref name="text"/> with the event's values, formatted for
    /// <paramref name="locale"/>. A placeholder without a usable value, or with an unknown format, stays as written so
    /// that the gap shows. Every value is neutralised (<see cref="Neutralize"/>) before it goes in.
    /// </summary>
    public static string Fill(string text, CoCreationEvent @event, string locale)
        => Filled.GetValue(@event, static _ => new FilledTexts()).Get(text, @event, locale);

    private static string FillCore(string text, CoCreationEvent @event, string locale)
    {
        var culture = CultureFor(locale);
        return Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            var raw = name switch
            {
                "subject" => @event.Subject,
                "type" => @event.Type,
                "time" => @event.Time.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture),
                _ => @event.GetData(name),
            };
            if (raw is null)
            {
                return match.Value;
            }

            var format = match.Groups[2].Success ? match.Groups[2].Value : null;
            var arguments = match.Groups[3].Success ? match.Groups[3].Value : "";
            var value = format switch
            {
                null => Neutralize(raw),
                "lines" => Neutralize(raw, keepLineBreaks: true),
                "number" => FormatNumber(raw, culture),
                "count" => FormatCount(raw, arguments, culture),
                "money" => FormatMoney(raw, @event.GetData(CurrencyKey), culture),
                "select" => Select(Neutralize(raw), arguments),
                _ => null,
            };
            return value ?? match.Value;
        });
    }

    /// <summary>
    /// Makes text safe to relay inside a message: removes C0 and C1 control characters, the bidirectional
    /// embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the
    /// byte-order mark and unpaired surrogates; a tab becomes a space, and every line break (CR, LF, CR LF, NEL,
    /// U+2028, U+2029) becomes a space, or one <c>\n</c> when <paramref name="keepLineBreaks"/> is set.
    /// </summary>
    /// <param name="value">The text, for example a title a person chose.</param>
    /// <param name="keepLineBreaks">Whether line breaks stay (normalised to <c>\n</c>).</param>
    /// <returns>The neutralised text; the same instance when nothing had to change.</returns>
    public static string Neutralize(string value, bool keepLineBreaks = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        var i = FirstToChange(value);
        if (i == value.Length)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        builder.Append(value, 0, i);
        for (; i < value.Length; i++)
        {
            var c = value[i];
            if (IsPlain(c))
            {
                builder.Append(c);
            }
            else if (c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
                {
                    i++;
                }

                builder.Append(keepLineBreaks ? '\n' : ' ');
            }
            else if (c == '\t')
            {
                builder.Append(' ');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }

            // Anything else that is not plain (controls, bidi formatting, BOM) is dropped.
        }

        return builder.ToString();
    }

    /// <summary>Whether <paramref name="value"/> holds anything <see cref="Neutralize"/> would change.</summary>
    public static bool NeedsNeutralizing(string value) => FirstToChange(value) < value.Length;

    /// <summary>The index of the first character <see cref="Neutralize"/> changes; the length when there is none.</summary>
    private static int FirstToChange(string value)
    {
        var i = 0;
        while (i < value.Length)
        {
            if (IsPlain(value[i]))
            {
                i++;
            }
            else if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>
    /// Checks a word that configuration puts into a template (a unit word, a display name): not blank, and free of
    /// control characters, bidirectional formatting and the template syntax characters <c>{ } | =</c>.
    /// </summary>
    /// <param name="value">The word.</param>
    /// <param name="field">The option's name for the error, for example <c>ProductUnits['ko-KR']</c>.</param>
    /// <exception cref="CoCreationValidationException">The word is blank or holds one of those characters.</exception>
    public static void CheckTemplateWord(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CoCreationValidationException(field, "must not be blank.");
        }

        if (NeedsNeutralizing(value) || value.AsSpan().IndexOfAny("{}|=") >= 0)
        {
            throw new CoCreationValidationException(field, "must not contain control characters, bidirectional formatting or any of { } | =.");
        }
    }

    /// <summary>Checks every key and name of a role → culture → name option with <see cref="CheckTemplateWord"/>.</summary>
    /// <param name="names">The option's value.</param>
    /// <param name="option">The option's name for errors, for example <c>RoleDisplayNames</c>.</param>
    public static void CheckDisplayNames(IDictionary<string, IDictionary<string, string>> names, string option)
    {
        foreach (var (key, byCulture) in names)
        {
            CheckTemplateWord(key, option);
            foreach (var (culture, name) in byCulture ?? new Dictionary<string, string>())
            {
                CheckTemplateWord(name, $"{option}['{key}']['{culture}']");
            }
        }
    }

    /// <summary>Builds the arguments of a <c>select</c> placeholder from value → text pairs (checked with <see cref="CheckTemplateWord"/>).</summary>
    public static string SelectArguments(IEnumerable<KeyValuePair<string, string>> entries)
        => string.Join(FormSeparator, entries.Select(e => e.Key + SelectSeparator + e.Value));

    /// <summary>
    /// The entry for <paramref name="culture"/> in a dictionary keyed by culture name: the exact name, else the
    /// first entry of the same language (<c>en-GB</c> finds <c>en-US</c>), else <see langword="null"/>.
    /// </summary>
    public static string? ForCulture(IEnumerable<KeyValuePair<string, string>> byCulture, string culture)
    {
        string? sameLanguage = null;
        var language = LanguageOf(culture);
        foreach (var (name, value) in byCulture.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (string.Equals(name, culture, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }

            sameLanguage ??= string.Equals(LanguageOf(name), language, StringComparison.OrdinalIgnoreCase) ? value : null;
        }

        return sameLanguage;
    }

    /// <summary>The language part of a culture name: <c>ko</c> for <c>ko-KR</c>.</summary>
    public static string LanguageOf(string culture)
    {
        var dash = culture.IndexOfAny(['-', '_']);
        return dash < 0 ? culture : culture[..dash];
    }

    /// <summary>The culture for a template's locale; the invariant culture when the name is unknown here.</summary>
    internal static CultureInfo CultureFor(string locale) => Cultures.GetOrAdd(locale, static name =>
    {
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    });

    /// <summary>A grouped number in the culture, with as many decimals as the value has: <c>1,234</c>.</summary>
    private static string? FormatNumber(string raw, CultureInfo culture)
        => TryParse(raw, out var number) ? Grouped(number, number.Scale, culture) : null;

    /// <summary>
    /// A grouped number and a unit word: <c>arguments</c> holds one form (<c>벌</c>) or two, for exactly one and for
    /// every other number (<c>piece|pieces</c>). The word follows the number directly in Korean, Japanese and
    /// Chinese (<c>3벌</c>) and after a space elsewhere (<c>1 piece</c>); without a word, just the number.
    /// </summary>
    private static string? FormatCount(string raw, string arguments, CultureInfo culture)
    {
        if (!TryParse(raw, out var number))
        {
            return null;
        }

        var text = Grouped(number, number.Scale, culture);
        if (arguments.Length == 0)
        {
            return text;
        }

        var forms = arguments.Split(FormSeparator);
        var word = forms.Length == 1 || (number == 1m && number.Scale == 0) ? forms[0] : forms[1];
        return LanguageOf(culture.Name) is "ko" or "ja" or "zh" ? text + word : text + " " + word;
    }

    /// <summary>
    /// An amount with its currency for the culture, rounded (half away from zero) to the currency's minor unit and
    /// grouped: won in Korean as <c>3,915,000원</c>; the culture's own currency with its symbol (<c>$1,234.50</c> in
    /// en-US); any other currency as its ISO code before the number (<c>KRW 3,915,000</c> in en-US,
    /// <c>USD 1,234.50</c> in ko-KR). Without a known currency the value is not filled.
    /// </summary>
    private static string? FormatMoney(string raw, string? currency, CultureInfo culture)
    {
        if (!TryParse(raw, out var amount) || !Money.IsKnownCurrency(currency))
        {
            return null;
        }

        var digits = new Money(0m, currency!).MinorUnitDigits;
        var rounded = decimal.Round(amount, digits, MidpointRounding.AwayFromZero);
        var language = LanguageOf(culture.Name);
        if (language == "ko" && currency == "KRW")
        {
            return Grouped(rounded, digits, culture) + "원";
        }

        if (RegionCurrency(culture) == currency)
        {
            var format = (NumberFormatInfo)culture.NumberFormat.Clone();
            format.CurrencyDecimalDigits = digits;
            return rounded.ToString("C", format);
        }

        var sign = rounded < 0 ? culture.NumberFormat.NegativeSign : "";
        return sign + currency + " " + Grouped(Math.Abs(rounded), digits, culture);
    }

    /// <summary>The text for <paramref name="value"/> among <c>key=text|key=text</c>; the value itself when no key matches.</summary>
    private static string Select(string value, string arguments)
    {
        foreach (var entry in arguments.Split(FormSeparator))
        {
            var separator = entry.IndexOf(SelectSeparator, StringComparison.Ordinal);
            if (separator > 0 && entry.AsSpan(0, separator).SequenceEqual(value))
            {
                return entry[(separator + 1)..];
            }
        }

        return value;
    }

    private static string? RegionCurrency(CultureInfo culture)
    {
        if (culture.IsNeutralCulture || culture.Name.Length == 0)
        {
            return null;
        }

        try
        {
            return new RegionInfo(culture.Name).ISOCurrencySymbol;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Grouped(decimal number, int decimals, CultureInfo culture)
        => number.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), culture.NumberFormat);

    private static bool TryParse(string raw, out decimal number)
        => decimal.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);

    private static bool IsPlain(char c)
        => c >= ' ' && c < '\u007F'
        || (c > '\u009F' && !char.IsSurrogate(c) && c is not ('\u061C' or '\u200E' or '\u200F' or '\u2028' or '\u2029' or '\uFEFF')
            && c is not (>= '\u202A' and <= '\u202E') && c is not (>= '\u2066' and <= '\u2069'));

    [GeneratedRegex(@"\{([A-Za-z0-9_.\-]+)(?::([a-z]+)(?::([^{}]*))?)?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>The texts filled for one event: a few template texts and locales at most, so a short list under a lock.</summary>
    private sealed class FilledTexts
    {
        private const int MaxKept = 16;

        private readonly Lock _lock = new();
        private readonly List<(string Text, string Locale, string Filled)> _kept = new(2);

        public string Get(string text, CoCreationEvent @event, string locale)
        {
            lock (_lock)
            {
                foreach (var (keptText, keptLocale, filled) in _kept)
                {
                    // The template text is compared by value: equal texts fill equally.
                    if (string.Equals(keptText, text, StringComparison.Ordinal) && string.Equals(keptLocale, locale, StringComparison.Ordinal))
                    {
                        return filled;
                    }
                }
            }

            var result = FillCore(text, @event, locale);
            lock (_lock)
            {
                if (_kept.Count < MaxKept)
                {
                    _kept.Add((text, locale, result));
                }
            }

            return result;
        }
    }
}
