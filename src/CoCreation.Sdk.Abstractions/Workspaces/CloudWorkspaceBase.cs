namespace CoCreation.Sdk.Workspaces;

/// <summary>
/// The base for cloud workspace adapters: checks input before the adapter's <c>…CoreAsync</c> code runs.
/// </summary>
public abstract class CloudWorkspaceBase : ICloudWorkspace
{
    /// <inheritdoc />
    public abstract CloudWorkspaceMetadata Metadata { get; }

    /// <inheritdoc />
    public abstract CloudWorkspaceCapabilities Capabilities { get; }

    /// <inheritdoc />
    public Task<CloudAccount> ResolveAccountAsync(string email, CancellationToken cancellationToken = default)
        => ResolveAccountCoreAsync(CoCreationGuard.Email(email, nameof(email)), cancellationToken);

    /// <inheritdoc />
    public Task<WorkspaceRef> CreateWorkspaceAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CoCreationGuard.NotBlank(spec.Name, "WorkspaceSpec.Name");
        CoCreationGuard.MaxLength(spec.Name, 200, "WorkspaceSpec.Name");
        CoCreationGuard.NotBlank(spec.TimeZone, "WorkspaceSpec.TimeZone");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(spec.TimeZone, out _))
        {
            throw new CoCreationValidationException("WorkspaceSpec.TimeZone", $"'{spec.TimeZone}' is not a known time zone.");
        }

        return CreateWorkspaceCoreAsync(spec, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DocumentRef> CreateDocumentAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(spec);
        CoCreationGuard.NotBlank(spec.Title, "DocumentSpec.Title");
        CoCreationGuard.MaxLength(spec.Title, 200, "DocumentSpec.Title");
        if (!Capabilities.DocumentKinds.Contains(spec.Kind))
        {
            throw new CapabilityNotSupportedException(Metadata.Name, $"{spec.Kind} documents");
        }

        return CreateDocumentCoreAsync(workspace, spec, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ShareRef> ShareAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(member);
        if (!Enum.IsDefined(role) || !Capabilities.Roles.Contains(role))
        {
            throw new CoCreationValidationException("role", $"{role} is not a role {Metadata.Name} supports.");
        }

        return ShareCoreAsync(workspace, member, role, cancellationToken);
    }

    /// <inheritdoc />
    public Task RevokeShareAsync(ShareRef share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        return RevokeShareCoreAsync(share, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ScheduleEntry> ScheduleAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(spec);
        if (!Capabilities.SupportsCalendar)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "calendars");
        }

        CoCreationGuard.NotBlank(spec.Title, "ScheduleEntrySpec.Title");
        if (spec.End <= spec.Start)
        {
            throw new CoCreationValidationException("ScheduleEntrySpec.End", "must be after Start.");
        }

        for (var i = 0; i < spec.Attendees.Count; i++)
        {
            CoCreationGuard.Email(spec.Attendees[i], $"ScheduleEntrySpec.Attendees[{i}]");
        }

        return ScheduleCoreAsync(workspace, spec, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ActivityPage> GetActivityAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return GetActivityCoreAsync(workspace, cursor, cancellationToken);
    }

    /// <summary>Resolves a validated address.</summary>
    /// <param name="email">The address.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    protected abstract Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken);

    /// <summary>Creates a validated workspace.</summary>
    /// <param name="spec">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace.</returns>
    protected abstract Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken);

    /// <summary>Creates a validated document.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="spec">The document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document.</returns>
    protected abstract Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken);

    /// <summary>Shares a workspace.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="member">The account.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The share.</returns>
    protected abstract Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken);

    /// <summary>Revokes a share.</summary>
    /// <param name="share">The share.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    protected abstract Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken);

    /// <summary>Creates a validated calendar entry. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="spec">The entry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry.</returns>
    protected virtual Task<ScheduleEntry> ScheduleCoreAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "calendars");

    /// <summary>Reads changes since a cursor.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cursor">The cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    protected abstract Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken);
}
