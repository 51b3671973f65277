using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Base64url parts joined by dots behind a version prefix: the adapter's opaque ids and cursors.</summary>
internal static class Opaque
{
    public static string Format(string prefix, params string?[] parts)
        => prefix + string.Concat(parts.Select(p => "." + (string.IsNullOrEmpty(p) ? "-" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(p)))));

    public static string?[]? Parse(string value, string prefix, int count)
    {
        var parts = value.Split('.');
        if (parts.Length != count + 1 || parts[0] != prefix)
        {
            return null;
        }

        var decoded = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var part = parts[i + 1];
            if (part == "-")
            {
                continue;
            }

            if (part.Length == 0 || !Base64Url.IsValid(part))
            {
                return null;
            }

            decoded[i] = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(part));
        }

        return decoded;
    }
}

/// <summary>
/// A workspace's calendar: a calendar of <see cref="Microsoft365Options.CalendarUserId"/> created for the workspace, or
/// the calendar of <see cref="Microsoft365Options.CalendarGroupId"/>; with the workspace's time zone, which entries use.
/// </summary>
internal sealed record CalendarRef(string? UserCalendarId, string TimeZone)
{
    private const string Prefix = "mc1";

    public bool IsGroupCalendar => UserCalendarId is null;

    public string Format() => Opaque.Format(Prefix, UserCalendarId, TimeZone);

    public static CalendarRef Parse(string? value)
        => value is not null && Opaque.Parse(value, Prefix, 2) is [var calendar, { } zone]
            ? new CalendarRef(calendar, zone)
            : throw new CoCreationValidationException("workspace.CalendarId", "is not a calendar id this adapter issued.");
}

/// <summary>A share: the drive permission on the folder and, for a user's calendar, the calendar and its calendar permission.</summary>
internal sealed record ShareId(string PermissionId, string? CalendarId, string? CalendarPermissionId)
{
    private const string Prefix = "ms1";

    public string Format() => Opaque.Format(Prefix, PermissionId, CalendarId, CalendarPermissionId);

    public static ShareId Parse(string value)
        => Opaque.Parse(value, Prefix, 3) is [{ } permission, var calendar, var calendarPermission] && (calendar is null) == (calendarPermission is null)
            ? new ShareId(permission, calendar, calendarPermission)
            : throw new CoCreationValidationException("share.Id", "is not a share id this adapter issued.");
}

/// <summary>
/// An activity cursor: the delta or next link to follow, and the watermark (the latest modification time reported so
/// far), which a resync after 410 Gone uses to report only what the consumer has not seen.
/// </summary>
internal sealed record ActivityCursor(string Link, DateTimeOffset Watermark)
{
    private const string Prefix = "ma1";

    public string Format() => Opaque.Format(Prefix, Link, Watermark.UtcTicks.ToString(CultureInfo.InvariantCulture));

    public static ActivityCursor Parse(string value)
        => Opaque.Parse(value, Prefix, 2) is [{ } link, { } ticks] && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            && t >= DateTimeOffset.MinValue.UtcTicks && t <= DateTimeOffset.MaxValue.UtcTicks && Uri.TryCreate(link, UriKind.Absolute, out _)
            ? new ActivityCursor(link, new DateTimeOffset(t, TimeSpan.Zero))
            : throw new CoCreationValidationException("cursor", "is not a cursor this adapter issued.");
}
