namespace CoCreation.Sdk;

internal enum ParsedCommandKind
{
    NotACommand,
    Change,
    Show,
    Help,
    Invalid,
}

/// <summary>A Korean and an English text of one message.</summary>
internal sealed record LocalText(string Ko, string En);

/// <summary>A parsed command: a change to apply, a request, or what was wrong with it.</summary>
internal sealed record ParsedCommand(ParsedCommandKind Kind, DeliverySettingsChange? Change = null, LocalText? Error = null)
{
    public static ParsedCommand Invalid(string ko, string en) => new(ParsedCommandKind.Invalid, Error: new LocalText(ko, en));
}

/// <summary>
/// Reads a preference command: a command word and its arguments, separated by spaces, in Korean or English, without
/// regard to case; mentions before the command (<c>@brand</c>) are skipped. A mode may also follow the kinds
/// (<c>배송 요약</c>, as Korean puts it).
/// </summary>
internal static class PreferenceCommandParser
{
    /// <summary>Kind words → kind; the Korean names and English aliases of the SDK's event kinds.</summary>
    public static readonly IReadOnlyDictionary<string, string> KindWords = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["배송"] = "shipment",
        ["재고"] = "stock",
        ["생산"] = "production",
        ["판매"] = "sale",
        ["정산"] = "settlement",
        ["접근"] = "access",
        ["권한"] = "access",
        ["디자인"] = "design",
        ["상품"] = "listing",
        ["리포트"] = "report",
        ["보고서"] = "report",
        ["리뷰"] = "review",
        ["아이디어"] = "idea",
        ["공동개발"] = "codevelopment",
        ["작업공간"] = "workspace",
        ["인증"] = "credential",
        ["프로그램"] = "program",
        ["shipments"] = "shipment",
        ["sales"] = "sale",
        ["settlements"] = "settlement",
        ["payout"] = "settlement",
        ["payouts"] = "settlement",
        ["designs"] = "design",
        ["listings"] = "listing",
        ["reports"] = "report",
        ["reviews"] = "review",
        ["ideas"] = "idea",
        ["co-development"] = "codevelopment",
    };

    /// <summary>The SDK's own event kinds, in the order they are shown.</summary>
    public static readonly IReadOnlyList<string> KnownKinds =
    [
        "shipment", "stock", "production", "sale", "settlement", "access", "design", "listing", "report", "review", "idea", "codevelopment", "workspace", "credential", "program",
    ];

    private static readonly Dictionary<string, DeliveryMode> ModeWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["now"] = DeliveryMode.Immediately,
        ["immediately"] = DeliveryMode.Immediately,
        ["immediate"] = DeliveryMode.Immediately,
        ["instant"] = DeliveryMode.Immediately,
        ["on"] = DeliveryMode.Immediately,
        ["즉시"] = DeliveryMode.Immediately,
        ["켜기"] = DeliveryMode.Immediately,
        ["digest"] = DeliveryMode.Digest,
        ["summary"] = DeliveryMode.Digest,
        ["요약"] = DeliveryMode.Digest,
        ["모아보기"] = DeliveryMode.Digest,
        ["off"] = DeliveryMode.Off,
        ["mute"] = DeliveryMode.Off,
        ["stop"] = DeliveryMode.Off,
        ["끄기"] = DeliveryMode.Off,
        ["끔"] = DeliveryMode.Off,
        ["중지"] = DeliveryMode.Off,
    };

    private static readonly HashSet<string> AllWords = new(["all", "everything", "전체", "모두"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> QuietWords = new(["quiet", "방해금지"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ClearWords = new(["off", "none", "clear", "해제", "끄기", "없음"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> TimeZoneWords = new(["timezone", "tz", "time-zone", "시간대"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> LanguageWords = new(["language", "lang", "언어"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> NetworkWords = new(["network", "네트워크"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> ShowWords = new(["settings", "preferences", "status", "설정", "내설정"], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> HelpWords = new(["help", "commands", "도움말", "명령어"], StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ko"] = "ko-KR",
        ["ko-kr"] = "ko-KR",
        ["korean"] = "ko-KR",
        ["한국어"] = "ko-KR",
        ["한글"] = "ko-KR",
        ["en"] = "en-US",
        ["en-us"] = "en-US",
        ["english"] = "en-US",
        ["영어"] = "en-US",
    };

    public static ParsedCommand Parse(string text)
    {
        var words = text.Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.TrimEnd('.', '!', '?', '。'))
            .Where(w => w.Length > 0)
            .SkipWhile(w => w.StartsWith('@'))
            .ToList();
        if (words.Count == 0)
        {
            return new(ParsedCommandKind.NotACommand);
        }

        var head = words[0].TrimStart('/', '#');
        var rest = words.Skip(1).ToList();
        if (ModeWords.TryGetValue(head, out var mode))
        {
            return Modes(mode, rest);
        }

        // "배송 요약": kinds first, then the mode.
        if (words.Count >= 2 && ModeWords.TryGetValue(words[^1], out var trailing) && (IsKindWord(head) || AllWords.Contains(head)))
        {
            return Modes(trailing, words.Take(words.Count - 1).ToList());
        }

        if (QuietWords.Contains(head))
        {
            return Quiet(rest);
        }

        if (TimeZoneWords.Contains(head))
        {
            return rest.Count == 1
                ? new(ParsedCommandKind.Change, new DeliverySettingsChange { TimeZone = rest[0] })
                : ParsedCommand.Invalid("시간대를 하나 적어 주세요. 예: 시간대 Asia/Seoul", "Name one time zone, for example: timezone Asia/Seoul");
        }

        if (LanguageWords.Contains(head))
        {
            return rest.Count == 1 && LanguageNames.TryGetValue(rest[0], out var locale)
                ? new(ParsedCommandKind.Change, new DeliverySettingsChange { Locale = locale })
                : ParsedCommand.Invalid("언어는 한국어 또는 영어입니다. 예: 언어 영어", "The language is English or Korean, for example: language ko");
        }

        if (NetworkWords.Contains(head))
        {
            return rest.Count == 1
                ? new(ParsedCommandKind.Change, new DeliverySettingsChange { PreferredNetwork = rest[0] })
                : ParsedCommand.Invalid("네트워크를 하나 적어 주세요. 예: 네트워크 mastodon", "Name one network, for example: network mastodon");
        }

        if (ShowWords.Contains(head) && rest.Count == 0)
        {
            return new(ParsedCommandKind.Show);
        }

        if (HelpWords.Contains(head) && rest.Count == 0)
        {
            return new(ParsedCommandKind.Help);
        }

        return new(ParsedCommandKind.NotACommand);
    }

    /// <summary>The kind a word names: a Korean name or alias, or a known kind; otherwise <see langword="null"/>.</summary>
    public static string? KindOf(string word)
        => KindWords.TryGetValue(word, out var kind) ? kind
            : KnownKinds.FirstOrDefault(k => string.Equals(k, word, StringComparison.OrdinalIgnoreCase));

    private static bool IsKindWord(string word) => KindOf(word) is not null;

    private static ParsedCommand Modes(DeliveryMode mode, List<string> words)
    {
        if (words.Count == 0)
        {
            return ParsedCommand.Invalid(
                "어떤 알림인지 적어 주세요. 예: 요약 배송",
                "Say which kind, for example: digest shipment");
        }

        var kinds = new Dictionary<string, DeliveryMode>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            if (AllWords.Contains(word))
            {
                foreach (var known in KnownKinds)
                {
                    kinds[known] = mode;
                }

                continue;
            }

            var kind = KindOf(word);
            if (kind is null)
            {
                return ParsedCommand.Invalid(
                    $"'{word}'은(는) 알림 종류가 아닙니다. 종류: {string.Join(", ", KnownKinds.Select(PreferenceTexts.KoreanKind))}",
                    $"'{word}' is not a kind of notice. Kinds: {string.Join(", ", KnownKinds)}");
            }

            kinds[kind] = mode;
        }

        return new(ParsedCommandKind.Change, new DeliverySettingsChange { Kinds = kinds });
    }

    private static ParsedCommand Quiet(List<string> words)
    {
        if (words.Count == 1 && ClearWords.Contains(words[0]))
        {
            return new(ParsedCommandKind.Change, new DeliverySettingsChange { ClearQuietHours = true });
        }

        var joined = string.Concat(words);
        var parts = joined.Split(['-', '~', '–'], StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Time(parts[0]) is { } from && Time(parts[1]) is { } until)
        {
            return from == until
                ? ParsedCommand.Invalid("시작과 끝이 같습니다. 예: 방해금지 22:00-07:00", "The start and the end are the same, for example: quiet 22:00-07:00")
                : new(ParsedCommandKind.Change, new DeliverySettingsChange { QuietFrom = from, QuietUntil = until });
        }

        return ParsedCommand.Invalid(
            "방해금지 시간은 '방해금지 22:00-07:00'처럼 적고, 없애려면 '방해금지 해제'라고 보내 주세요.",
            "Write quiet hours as 'quiet 22:00-07:00'; 'quiet off' removes them.");
    }

    private static TimeOnly? Time(string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hour) && hour is >= 0 and <= 23)
        {
            return new TimeOnly(hour, 0);
        }

        return TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;
    }
}
