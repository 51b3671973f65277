using System.Globalization;
using CoCreation.Sdk.Workspaces;
using CoDevelopmentSample;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Samples;

/// <summary>Reads the workspace the sample made back from the Drive and Calendar fake's own state.</summary>
internal sealed class FakeGoogleInspector(FakeGoogle fake) : IWorkspaceInspector
{
    public string? DocumentTitle(WorkspaceRef workspace, string documentId)
        => fake.Files().FirstOrDefault(f => f.Id == documentId && f.Parents.Contains(workspace.Id) && !f.Trashed)?.Name;

    public IReadOnlyDictionary<string, WorkspaceRole> Shares(WorkspaceRef workspace)
        => fake.Permissions(workspace.Id)
            .Where(p => !string.Equals(p.Email, fake.Owner, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Email.ToLowerInvariant(), p => ToRole(p.Role), StringComparer.Ordinal);

    public IReadOnlySet<string> CalendarAccess(WorkspaceRef workspace)
        => fake.AclRules(workspace.CalendarId!)
            .Select(r => r["scope"]!["value"]!.GetValue<string>().ToLowerInvariant())
            .Where(email => !string.Equals(email, fake.Owner, StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<InspectedEntry> Entries(WorkspaceRef workspace)
        => [.. fake.Events(workspace.CalendarId!)
            .Where(e => e["status"]?.GetValue<string>() != "cancelled")
            .Select(e => new InspectedEntry(
                e["summary"]!.GetValue<string>(),
                DateTimeOffset.Parse(e["start"]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                e["attendees"] is { } attendees ? [.. attendees.AsArray().Select(a => a!["email"]!.GetValue<string>())] : []))];

    private static WorkspaceRole ToRole(string role) => role switch
    {
        "writer" or "organizer" or "fileOrganizer" => WorkspaceRole.Editor,
        "commenter" => WorkspaceRole.Commenter,
        "reader" => WorkspaceRole.Viewer,
        _ => throw new InvalidOperationException($"Unexpected Drive role '{role}'."),
    };
}
