namespace CoCreation.Sdk.Workspaces;

/// <summary>
/// A cloud service that holds a shared workspace: a folder of documents and a development calendar,
/// shared with members by role, with a feed of what changed.
/// </summary>
/// <remarks>Implementations must be safe for concurrent use. Adapter authors derive from <see cref="CloudWorkspaceBase"/>.</remarks>
public interface ICloudWorkspace
{
    /// <summary>Which service this is.</summary>
    CloudWorkspaceMetadata Metadata { get; }

    /// <summary>What the service can do.</summary>
    CloudWorkspaceCapabilities Capabilities { get; }

    /// <summary>Finds (or, where the service does so, invites) the account behind an e-mail address.</summary>
    /// <param name="email">The address the participant confirmed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    /// <exception cref="CoCreationValidationException">The address is not valid.</exception>
    Task<CloudAccount> ResolveAccountAsync(string email, CancellationToken cancellationToken = default);

    /// <summary>Creates a workspace: a folder and, where supported, a calendar.</summary>
    /// <param name="spec">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace.</returns>
    Task<WorkspaceRef> CreateWorkspaceAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Creates a document in a workspace.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="spec">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document.</returns>
    Task<DocumentRef> CreateDocumentAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Shares a workspace (folder and calendar) with an account in a role.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="member">The account.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The share, which <see cref="RevokeShareAsync"/> takes back.</returns>
    Task<ShareRef> ShareAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken = default);

    /// <summary>Takes a share back at the service. Revoking a share that is already gone succeeds.</summary>
    /// <param name="share">The share.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the share is gone.</returns>
    Task RevokeShareAsync(ShareRef share, CancellationToken cancellationToken = default);

    /// <summary>Puts an entry on the workspace's calendar with attendees.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="spec">The entry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="CapabilityNotSupportedException">The service has no calendar.</exception>
    Task<ScheduleEntry> ScheduleAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken = default);

    /// <summary>Reads what changed in a workspace since a cursor.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cursor">The cursor of the last page read; <see langword="null"/> for everything.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changes and the cursor to pass next time.</returns>
    Task<ActivityPage> GetActivityAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken = default);
}
