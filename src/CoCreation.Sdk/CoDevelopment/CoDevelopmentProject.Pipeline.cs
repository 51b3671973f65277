namespace CoCreation.Sdk.CoDevelopment;

// Pipeline: the project's workspace activity comes in through the event pipeline like every other event. Once the
// workspace is provisioned, the project offers its activity source (IEventSourceProvider) and consumes the
// workspace.activity events of that workspace (IEventConsumer): it holds each change for the members it concerns
// and sends what is due. The scheduler's polling, SyncAsync and a push notification (GooglePushReceiver asks the
// pipeline to poll the same source) all take this one path.
public sealed partial class CoDevelopmentProject
{
    /// <summary>Where activity ids already held are marked, so an event read again after a crash is held once.</summary>
    internal const string ActivityCollection = "co-development.activity";

    // Serialises the held changes (the relay collection) between the consumer and the flush.
    private readonly SemaphoreSlim _relayGate = new(1, 1);

    /// <summary>The pipeline source name of the project's workspace activity: <c>workspace:{adapter}:{workspace id}</c>.</summary>
    internal string ActivitySourceName(WorkspaceRef workspace)
        => CoCreationEventSources.WorkspaceActivitySourceName(_options.CloudWorkspace, workspace.Id);

    /// <summary>
    /// The project's activity source while it is active; none before the workspace is provisioned or after close.
    /// A cursor stored under the key the project used before the pipeline carries over, so nothing is relayed twice.
    /// </summary>
    internal async Task<IReadOnlyList<IEventSource>> GetActivitySourcesAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null)
        {
            return [];
        }

        var name = ActivitySourceName(state.Workspace);
        if (await _store.GetCursorAsync(name, cancellationToken).ConfigureAwait(false) is null
            && await _store.GetCursorAsync(LegacyCursorSource, cancellationToken).ConfigureAwait(false) is { Length: > 0 } legacy)
        {
            await _store.ApplyAsync(new StoreChanges().SetCursor(name, legacy), cancellationToken).ConfigureAwait(false);
        }

        return [new WorkspaceActivitySource(CloudWorkspace, state.Workspace, _options.CloudWorkspace)];
    }

    /// <summary>Whether an event is workspace activity from the project's adapter (the workspace is checked on consuming).</summary>
    internal bool AcceptsActivity(CoCreationEvent @event)
        => string.Equals(@event.Type, CoCreationEventTypes.WorkspaceActivity, StringComparison.Ordinal)
            && CoCreationEventSources.TryGetWorkspaceName(@event.Source, out var adapter)
            && _providers.CloudWorkspaces.Contains(_options.CloudWorkspace, StringComparer.Ordinal)
            && string.Equals(adapter, CloudWorkspace.Metadata.Name, StringComparison.Ordinal);

    /// <summary>
    /// Holds a change of the project's workspace for every active member except its author and the member a
    /// membership change is about, then sends what is due. Changes of other workspaces, and every change while the
    /// project is not active, are ignored. What is due is sent when the batch ends (<see cref="SendDueActivityAsync"/>),
    /// so changes read together reach a member as one digest.
    /// </summary>
    internal async Task ConsumeActivityAsync(CoCreationEvent @event, CancellationToken cancellationToken)
    {
        if (!@event.TryGetData<WorkspaceActivityData>(out var data) || data is null)
        {
            return;
        }

        var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null || !string.Equals(state.Workspace.Id, data.WorkspaceId, StringComparison.Ordinal))
        {
            return;
        }

        // The source names events {workspace id}/{activity id}; the activity id alone keys the messages, as before.
        var prefix = data.WorkspaceId + "/";
        var activityId = @event.Id.StartsWith(prefix, StringComparison.Ordinal) ? @event.Id[prefix.Length..] : @event.Id;
        var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();

        await _relayGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var marker = $"{ProjectId}:{Key(activityId)}";
            if (await _store.GetDocumentAsync(ActivityCollection, marker, cancellationToken).ConfigureAwait(false) is null)
            {
                await HoldAsync(activityId, data, @event.Time, members, marker, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _relayGate.Release();
        }
    }

    /// <summary>Sends the held changes that are due, after the pipeline's batch (a poll, a push) has been consumed.</summary>
    internal async Task SendDueActivityAsync(CancellationToken cancellationToken)
    {
        var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
        if (state.Status != CoDevelopmentStatus.Active)
        {
            return;
        }

        var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();
        await FlushAsync(members, cancellationToken).ConfigureAwait(false);
    }

    private async Task HoldAsync(string activityId, WorkspaceActivityData data, DateTimeOffset occurredAt, List<CoDevelopmentMember> members, string marker, CancellationToken cancellationToken)
    {
        var byAccount = new Dictionary<string, CoDevelopmentMember>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            byAccount.TryAdd(member.CloudAccountId, member);
        }

        byAccount.TryGetValue(data.ActorAccountId ?? "", out var author);
        var isMemberChange = data.Kind is WorkspaceActivityKind.MemberAdded or WorkspaceActivityKind.MemberRemoved;
        var concerned = isMemberChange && byAccount.TryGetValue(data.TargetId, out var target) ? target : null;
        var change = new PendingChange
        {
            ActivityId = activityId,
            Kind = data.Kind,

            // Member changes name the person, never the address the provider may report as the name.
            TargetName = isMemberChange ? concerned?.DisplayName : data.Title,
            ActorName = author?.DisplayName,
            OccurredAt = occurredAt,
        };

        // The held changes and the marker go in one atomic change: read again, the change is not held twice.
        var changes = new StoreChanges().PutDocument(ActivityCollection, marker, "{}");
        foreach (var recipient in members)
        {
            // Not to the one who made the change, nor to the member a membership change is about.
            if (recipient.ParticipantId == author?.ParticipantId || recipient.ParticipantId == concerned?.ParticipantId)
            {
                continue;
            }

            var json = await _store.GetDocumentAsync(RelayCollection, MemberId(recipient.ParticipantId), cancellationToken).ConfigureAwait(false);
            var relayState = json is null ? new RecipientRelayState() : Deserialize<RecipientRelayState>(json);
            changes.PutDocument(RelayCollection, MemberId(recipient.ParticipantId), Serialize(relayState with { Pending = [.. relayState.Pending, change] }));
        }

        await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Offers a co-development project's activity source to the pipeline; resolves the project lazily (the relay is one of its dependencies).</summary>
internal sealed class CoDevelopmentActivitySources(Func<CoDevelopmentProject> project) : IEventSourceProvider
{
    public Task<IReadOnlyList<IEventSource>> GetSourcesAsync(CancellationToken cancellationToken = default)
        => project().GetActivitySourcesAsync(cancellationToken);
}

/// <summary>Consumes the workspace.activity events of a co-development project's workspace.</summary>
internal sealed class CoDevelopmentActivityConsumer(Func<CoDevelopmentProject> project) : IEventConsumer
{
    public bool Accepts(CoCreationEvent @event) => project().AcceptsActivity(@event);

    public Task ConsumeAsync(CoCreationEvent @event, CancellationToken cancellationToken = default)
        => project().ConsumeActivityAsync(@event, cancellationToken);

    public Task CompleteAsync(CancellationToken cancellationToken = default) => project().SendDueActivityAsync(cancellationToken);
}
