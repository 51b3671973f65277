namespace CoCreation.Sdk;

/// <summary>The replies to preference commands, in Korean and English.</summary>
internal static class PreferenceTexts
{
    public const string UnknownAuthor =
        "이 계정은 연결된 참여자가 없어 설정을 바꾸지 않았습니다. 먼저 로그인해 주세요.\n"
        + "This account is not linked to a participant, so nothing was changed. Please sign in first.";

    public static bool IsKorean(string locale) => locale.StartsWith("ko", StringComparison.OrdinalIgnoreCase);

    public static string Pick(string locale, LocalText text) => IsKorean(locale) ? text.Ko : text.En;

    public static string KoreanKind(string kind)
        => PreferenceCommandParser.KindWords.FirstOrDefault(p => p.Value == kind && p.Key.Any(c => c >= '\uAC00' && c <= '\uD7A3')).Key ?? kind;

    public static string Kind(string locale, string kind) => IsKorean(locale) ? KoreanKind(kind) : kind;

    public static string Mode(string locale, DeliveryMode mode) => (IsKorean(locale), mode) switch
    {
        (true, DeliveryMode.Digest) => "요약",
        (true, DeliveryMode.Off) => "끄기",
        (true, _) => "즉시",
        (false, DeliveryMode.Digest) => "digest",
        (false, DeliveryMode.Off) => "off",
        _ => "immediately",
    };

    public static string HelpHint(string locale) => Pick(locale, new("명령어 목록: 도움말", "List of commands: help"));

    public static string Help(string locale) => Pick(locale, new(
        "알림 설정 명령어:\n"
        + "즉시|요약|끄기 <종류> (예: 요약 배송, 끄기 재고)\n"
        + "방해금지 22:00-07:00 / 방해금지 해제\n"
        + "시간대 Asia/Seoul\n"
        + "언어 한국어|영어\n"
        + "네트워크 <이름>\n"
        + "설정 (지금 설정 보기)\n"
        + $"종류: {string.Join(", ", PreferenceCommandParser.KnownKinds.Select(KoreanKind))}",
        "Notification commands:\n"
        + "now|digest|off <kind> (for example: digest shipment, off stock)\n"
        + "quiet 22:00-07:00 / quiet off\n"
        + "timezone Asia/Seoul\n"
        + "language en|ko\n"
        + "network <name>\n"
        + "settings (show the current settings)\n"
        + $"Kinds: {string.Join(", ", PreferenceCommandParser.KnownKinds)}"));

    public static string Settings(Participant participant)
    {
        var locale = participant.PreferredLocale;
        var ko = IsKorean(locale);
        var delivery = participant.Delivery;
        var kinds = delivery.Kinds.Count == 0
            ? (ko ? "모두 즉시" : "all immediately")
            : string.Join(", ", delivery.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{Kind(locale, k.Key)}: {Mode(locale, k.Value)}"))
                + (ko ? " (나머지는 즉시)" : " (others immediately)");
        var quiet = delivery.QuietFrom is { } from && delivery.QuietUntil is { } until
            ? $"{from:HH\\:mm}-{until:HH\\:mm}"
            : (ko ? "없음" : "none");
        var network = participant.PreferredNetwork ?? (ko ? "처음 연결한 네트워크" : "the first linked network");
        return ko
            ? $"지금 설정:\n알림: {kinds}\n방해금지: {quiet}\n시간대: {delivery.TimeZone ?? "UTC"}\n언어: 한국어\n네트워크: {network}"
            : $"Your settings:\nNotices: {kinds}\nQuiet hours: {quiet}\nTime zone: {delivery.TimeZone ?? "UTC"}\nLanguage: English\nNetwork: {network}";
    }

    public static string Confirm(Participant participant, DeliverySettingsChange change)
    {
        var locale = participant.PreferredLocale;
        var ko = IsKorean(locale);
        var parts = new List<string>();
        foreach (var (kind, mode) in (change.Kinds ?? ImmutableDictionary<string, DeliveryMode>.Empty).OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            parts.Add($"{Kind(locale, kind)}: {Mode(locale, mode)}");
        }

        if (change.ClearQuietHours)
        {
            parts.Add(ko ? "방해금지: 없음" : "quiet hours: none");
        }
        else if (change.QuietFrom is { } from && change.QuietUntil is { } until)
        {
            parts.Add(ko
                ? $"방해금지: {from:HH\\:mm}-{until:HH\\:mm} ({participant.Delivery.TimeZone ?? "UTC"})"
                : $"quiet hours: {from:HH\\:mm}-{until:HH\\:mm} ({participant.Delivery.TimeZone ?? "UTC"})");
        }

        if (change.TimeZone is not null)
        {
            parts.Add(ko ? $"시간대: {participant.Delivery.TimeZone}" : $"time zone: {participant.Delivery.TimeZone}");
        }

        if (change.Locale is not null)
        {
            parts.Add(ko ? "언어: 한국어" : "language: English");
        }

        if (change.PreferredNetwork is not null)
        {
            parts.Add(ko ? $"네트워크: {participant.PreferredNetwork}" : $"network: {participant.PreferredNetwork}");
        }

        return ko ? $"설정했습니다. {string.Join(", ", parts)}" : $"Done. {string.Join(", ", parts)}";
    }

    public static string Refused(Participant participant, string field, DeliverySettingsChange change)
    {
        var locale = participant.PreferredLocale;
        var networks = string.Join(", ", participant.SnsLinks.Select(l => l.Network).Distinct(StringComparer.Ordinal));
        var text = field switch
        {
            _ when field.EndsWith(".TimeZone", StringComparison.Ordinal) => new LocalText(
                $"'{change.TimeZone}'은(는) 알 수 없는 시간대입니다. 예: 시간대 Asia/Seoul",
                $"'{change.TimeZone}' is not a time zone I know, for example: timezone Asia/Seoul"),
            _ when field.EndsWith(".PreferredNetwork", StringComparison.Ordinal) => new LocalText(
                $"'{change.PreferredNetwork}'에는 연결된 계정이 없습니다. 연결된 네트워크: {networks}",
                $"You are not linked on '{change.PreferredNetwork}'. Linked networks: {networks}"),
            _ when field.EndsWith(".Locale", StringComparison.Ordinal) => new LocalText(
                "언어는 한국어 또는 영어입니다.",
                "The language is English or Korean."),
            _ => new LocalText("그 설정은 바꿀 수 없습니다.", "That setting cannot be changed."),
        };
        return Pick(locale, text);
    }
}
