namespace CoCreation.Sdk;

/// <summary>
/// A cloud workspace's activity feed (<see cref="ICloudWorkspace.GetActivityAsync"/>) as an <see cref="IEventSource"/>:
/// each change becomes a <see cref="CoCreationEventTypes.WorkspaceActivity"/> event with <see cref="WorkspaceActivityData"/>.
/// </summary>
/// <remarks>
/// Events come from <see cref="CoCreationEventSources.Workspace"/> of the adapter; their id is the workspace id and the
/// change id together, so two workspaces of one adapter never share a key. Register one with <c>AddWorkspaceActivitySource</c>;
/// push notifications (for example Google's) ask the pipeline to poll it at once.
/// </remarks>
public sealed class WorkspaceActivitySource : IEventSource
{
    private readonly ICloudWorkspace _workspace;
    private readonly WorkspaceRef _ref;
    private readonly Uri _source;

    /// <summary>Creates the source.</summary>
    /// <param name="workspace">The adapter.</param>
    /// <param name="workspaceRef">The workspace to follow.</param>
    /// <exception cref="CoCreationValidationException">An argument is missing or the workspace has no id.</exception>
    public WorkspaceActivitySource(ICloudWorkspace workspace, WorkspaceRef workspaceRef)
        : this(workspace, workspaceRef, null)
    {
    }

    /// <summary>Creates the source, named by the adapter's registered name (the name push receivers use) when given.</summary>
    internal WorkspaceActivitySource(ICloudWorkspace workspace, WorkspaceRef workspaceRef, string? registeredName)
    {
        _workspace = workspace ?? throw new CoCreationValidationException(nameof(workspace), "must not be null.");
        _ref = workspaceRef ?? throw new CoCreationValidationException(nameof(workspaceRef), "must not be null.");
        CoCreationGuard.NotBlank(workspaceRef.Id, "WorkspaceRef.Id");
        _source = CoCreationEventSources.Workspace(workspace.Metadata.Name);
        Name = CoCreationEventSources.WorkspaceActivitySourceName(registeredName ?? workspace.Metadata.Name, workspaceRef.Id);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public async Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        var page = await _workspace.GetActivityAsync(_ref, cursor, cancellationToken).ConfigureAwait(false);
        var events = page.Items.Select(ToEvent).ToList();
        return new EventSourcePage(events, page.Cursor, page.HasMore);
    }

    private CoCreationEvent ToEvent(WorkspaceActivity activity)
        => new WorkspaceActivityData(_ref.Id, activity.Kind, activity.TargetId) { ActorAccountId = activity.ActorAccountId, Title = activity.TargetName }
            .ToEvent($"{_ref.Id}/{activity.Id}", _source, activity.OccurredAt, $"workspaces/{_ref.Id}/{activity.TargetId}");
}
