using System.Buffers.Text;
using System.Text;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>
/// A share id: the Drive permission id, and the calendar id and ACL rule id where the workspace has a calendar,
/// each base64url-encoded and joined by dots, so a revocation needs nothing but the <see cref="Workspaces.ShareRef"/>.
/// </summary>
internal static class ShareId
{
    private const string Prefix = "gs1";

    public static string Format(string permissionId, string? calendarId, string? ruleId)
        => calendarId is null || ruleId is null
            ? $"{Prefix}.{Encode(permissionId)}"
            : $"{Prefix}.{Encode(permissionId)}.{Encode(calendarId)}.{Encode(ruleId)}";

    public static (string PermissionId, string? CalendarId, string? RuleId) Parse(string id)
    {
        var parts = id.Split('.');
        if (parts[0] != Prefix || parts.Length is not (2 or 4) || !TryDecode(parts[1], out var permission))
        {
            throw new CoCreationValidationException("share.Id", "is not a share id this adapter issued.");
        }

        if (parts.Length == 2)
        {
            return (permission, null, null);
        }

        if (!TryDecode(parts[2], out var calendar) || !TryDecode(parts[3], out var rule))
        {
            throw new CoCreationValidationException("share.Id", "is not a share id this adapter issued.");
        }

        return (permission, calendar, rule);
    }

    internal static string Encode(string value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(value));

    internal static bool TryDecode(string value, out string decoded)
    {
        decoded = string.Empty;
        if (value.Length == 0 || !Base64Url.IsValid(value))
        {
            return false;
        }

        decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
        return decoded.Length > 0;
    }
}

/// <summary>An activity cursor: Drive's page token and, where the workspace has a calendar, the calendar's sync token.</summary>
internal sealed record ActivityCursor(string DriveToken, string? CalendarSyncToken)
{
    private const string Prefix = "ga1";

    public static string Format(string driveToken, string? calendarSyncToken)
        => calendarSyncToken is null ? $"{Prefix}.{ShareId.Encode(driveToken)}" : $"{Prefix}.{ShareId.Encode(driveToken)}.{ShareId.Encode(calendarSyncToken)}";

    public static ActivityCursor Parse(string cursor)
    {
        var parts = cursor.Split('.');
        if (parts[0] != Prefix || parts.Length is not (2 or 3) || !ShareId.TryDecode(parts[1], out var drive))
        {
            throw new CoCreationValidationException("cursor", "is not a cursor this adapter issued.");
        }

        string? calendar = null;
        if (parts.Length == 3 && !ShareId.TryDecode(parts[2], out calendar!))
        {
            throw new CoCreationValidationException("cursor", "is not a cursor this adapter issued.");
        }

        return new ActivityCursor(drive, calendar);
    }
}
