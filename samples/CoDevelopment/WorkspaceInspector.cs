using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Workspaces;

namespace CoDevelopmentSample;

/// <summary>A calendar entry as the cloud provider holds it.</summary>
/// <param name="Title">Its title.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Attendees">The attendees, by e-mail address.</param>
public sealed record InspectedEntry(string Title, DateTimeOffset Start, IReadOnlyList<string> Attendees);

/// <summary>
/// Reads the cloud workspace back from the provider itself (not from what the module reported), so that the story's
/// checks of steps 3, 4, 7 and 9 hold only when the provider holds what they say. The sample has one for the embedded
/// service; a run against another provider is given one by its caller (the Google Workspace tests pass one that reads
/// their Drive and Calendar fake) or, without one, says which checks it could not make.
/// </summary>
public interface IWorkspaceInspector
{
    /// <summary>Whether the provider holds the document in the workspace, and under which title when it can tell.</summary>
    /// <returns><see langword="null"/> when the provider has no such document in the workspace; else its title, or "" when the provider does not expose it.</returns>
    string? DocumentTitle(WorkspaceRef workspace, string documentId);

    /// <summary>The members' shares of the workspace (folder) at the provider: cloud account id → role. The owner is not listed.</summary>
    IReadOnlyDictionary<string, WorkspaceRole> Shares(WorkspaceRef workspace);

    /// <summary>The cloud account ids that may see the workspace's calendar at the provider (the owner not listed).</summary>
    IReadOnlySet<string> CalendarAccess(WorkspaceRef workspace);

    /// <summary>The calendar entries of the workspace at the provider.</summary>
    IReadOnlyList<InspectedEntry> Entries(WorkspaceRef workspace);
}

/// <summary>Reads the embedded cloud service, through its own read methods.</summary>
public sealed class EmbeddedWorkspaceInspector(EmbeddedCloudService cloud) : IWorkspaceInspector
{
    /// <inheritdoc />
    public string? DocumentTitle(WorkspaceRef workspace, string documentId)
    {
        try
        {
            // The embedded service lists revisions, not titles: an existing document has at least its first one.
            return cloud.GetRevisions(documentId).Count > 0 ? "" : null;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, WorkspaceRole> Shares(WorkspaceRef workspace)
        => cloud.GetShares(workspace.Id).ToDictionary(s => s.AccountId, s => s.Role, StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlySet<string> CalendarAccess(WorkspaceRef workspace)
        => cloud.GetShares(workspace.Id).Select(s => s.AccountId).ToHashSet(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<InspectedEntry> Entries(WorkspaceRef workspace)
        => [.. cloud.GetScheduleEntries(workspace.Id).Select(e => new InspectedEntry(e.Title, e.Start, e.Attendees))];
}
