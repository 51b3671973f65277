using System.Globalization;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;
using CoDevelopmentSample;

namespace CoCreation.Sdk.Microsoft365.Tests.Samples;

/// <summary>
/// Reads the workspace a run made back from the Graph fake's own state: the folder's files, its permissions (owner
/// left out), the workspace calendar's calendar permissions and events. Account ids follow the adapter's rule: a
/// tenant user's object id, else the lower-cased address.
/// </summary>
internal sealed class FakeGraphInspector(FakeGraph fake) : IWorkspaceInspector
{
    public string? DocumentTitle(WorkspaceRef workspace, string documentId)
    {
        var item = fake.Items().FirstOrDefault(i => i.Id == documentId && i.ParentId == workspace.Id && !i.Deleted);
        return item is null ? null : Path.GetFileNameWithoutExtension(item.Name);
    }

    public IReadOnlyDictionary<string, WorkspaceRole> Shares(WorkspaceRef workspace)
        => fake.Permissions(workspace.Id)
            .Where(p => !p.Roles.Contains("owner"))
            .ToDictionary(p => p.UserId ?? p.Email.ToLowerInvariant(), p => p.Roles.Contains("write") ? WorkspaceRole.Editor : WorkspaceRole.Viewer, StringComparer.Ordinal);

    public IReadOnlySet<string> CalendarAccess(WorkspaceRef workspace)
        => Calendar(workspace).Permissions
            .Select(p => p["emailAddress"]!["address"]!.GetValue<string>())
            .Select(AccountId)
            .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<InspectedEntry> Entries(WorkspaceRef workspace)
        => [.. Calendar(workspace).Events.Select(e => new InspectedEntry(
            e["subject"]!.GetValue<string>(),
            Instant(e["start"]!["dateTime"]!.GetValue<string>(), e["start"]!["timeZone"]!.GetValue<string>()),
            e["attendees"] is { } attendees ? [.. attendees.AsArray().Select(a => a!["emailAddress"]!["address"]!.GetValue<string>())] : []))];

    private static DateTimeOffset Instant(string wallClock, string zoneName)
    {
        var zone = TimeZoneInfo.TryConvertWindowsIdToIanaId(zoneName, out var iana) ? TimeZoneInfo.FindSystemTimeZoneById(iana) : TimeZoneInfo.FindSystemTimeZoneById(zoneName);
        var local = DateTime.SpecifyKind(DateTime.Parse(wallClock, CultureInfo.InvariantCulture), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private FakeGraphCalendar Calendar(WorkspaceRef workspace)
        => CalendarRef.Parse(workspace.CalendarId).UserCalendarId is { } id ? fake.Calendar(id) : fake.Calendar("group:" + fake.GroupId);

    private string AccountId(string address)
        => fake.TenantUser(address)?.Id ?? address.ToLowerInvariant();
}
