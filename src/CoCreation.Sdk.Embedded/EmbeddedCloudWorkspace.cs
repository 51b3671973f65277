using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// The company's connector to an <see cref="EmbeddedCloudService"/>: it creates workspaces, documents and calendar
/// entries (which it owns), shares them with members and reads their activity.
/// </summary>
/// <remarks>Safe for concurrent use; all state lives in the service.</remarks>
public sealed class EmbeddedCloudWorkspace : CloudWorkspaceBase, ICloudAccountErasure
{
    private static readonly CloudWorkspaceCapabilities EmbeddedCapabilities = new()
    {
        SupportsCalendar = true,
        SupportsRevisions = true,
        SupportsPushNotifications = false,
        SupportsAccountErasure = true,
        Roles = [WorkspaceRole.Viewer, WorkspaceRole.Commenter, WorkspaceRole.Editor],
        DocumentKinds = [DocumentKind.Document, DocumentKind.Spreadsheet, DocumentKind.Presentation],
    };

    internal EmbeddedCloudWorkspace(EmbeddedCloudService service, string name)
    {
        Service = service;
        Metadata = new CloudWorkspaceMetadata(name, EmbeddedCloudService.ProviderKind, $"Embedded cloud workspace ({name})");
        OwnerAccountId = "company_" + name;
    }

    /// <summary>The service this connector talks to.</summary>
    public EmbeddedCloudService Service { get; }

    /// <summary>The account id the connector acts as: the actor of its activity and the author of the revisions it creates.</summary>
    public string OwnerAccountId { get; }

    /// <inheritdoc />
    public override CloudWorkspaceMetadata Metadata { get; }

    /// <inheritdoc />
    public override CloudWorkspaceCapabilities Capabilities => EmbeddedCapabilities;

    /// <inheritdoc />
    /// <remarks>An unknown address creates the account when <see cref="EmbeddedCloudOptions.AutoCreateAccounts"/> is set; otherwise it fails with <see cref="ResourceNotFoundException"/>.</remarks>
    protected override Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken)
        => Run(() => Service.ResolveAccount(Metadata.Name, email), cancellationToken);

    /// <inheritdoc />
    protected override Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken)
        => Run(() => Service.CreateWorkspace(Metadata.Name, OwnerAccountId, spec), cancellationToken);

    /// <inheritdoc />
    protected override Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken)
        => Run(() => Service.CreateDocument(Metadata.Name, OwnerAccountId, workspace, spec), cancellationToken);

    /// <inheritdoc />
    /// <remarks>One active share per account and workspace: sharing again changes the role and keeps the share id (a changed role is recorded as <see cref="WorkspaceActivityKind.MemberAdded"/> again; the same role records nothing). An account unknown to the service fails with <see cref="ResourceNotFoundException"/>.</remarks>
    protected override Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
    {
        CoCreationGuard.NotBlank(member.AccountId, "member.AccountId");
        return Run(() => Service.Share(Metadata.Name, OwnerAccountId, workspace, member, role), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken)
        => Run(() =>
        {
            Service.RevokeShare(OwnerAccountId, share);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    protected override Task<ScheduleEntry> ScheduleCoreAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken)
        => Run(() => Service.Schedule(Metadata.Name, OwnerAccountId, workspace, spec), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Pages hold at most 100 changes. The cursor is opaque and belongs to one workspace; a cursor of another workspace, or garbage, fails with <see cref="CoCreationValidationException"/> naming <c>cursor</c>.</remarks>
    protected override Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken)
        => Run(() => Service.GetActivity(Metadata.Name, workspace, cursor), cancellationToken);

    /// <inheritdoc />
    /// <remarks>The address becomes <see cref="ErasedPerson.Email"/> and the name <see cref="ErasedPerson.AccountDisplayName"/>, in the account, in calendar attendee lists and in member activity; see <see cref="EmbeddedCloudService"/>.</remarks>
    /// <exception cref="CoCreationValidationException">The account or its id is missing.</exception>
    public Task<CloudAccount> AnonymizeAccountAsync(CloudAccount account, CancellationToken cancellationToken = default)
    {
        if (account is null)
        {
            throw new CoCreationValidationException(nameof(account), "must not be null.");
        }

        CoCreationGuard.NotBlank(account.AccountId, "account.AccountId");
        return Run(() => Service.AnonymizeAccount(Metadata.Name, account.AccountId), cancellationToken);
    }

    private static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) => EmbeddedCall.Run(work, cancellationToken);
}
