using CoCreation.Sdk.Moderation;

namespace CoCreation.Sdk.CoDevelopment;

// Activity: milestones, their discussion threads and the relay of workspace activity.
public sealed partial class CoDevelopmentProject
{
    /// <summary>
    /// Puts a milestone on the project calendar with every member as an attendee and opens its SNS discussion
    /// thread on each discussion network.
    /// </summary>
    /// <param name="milestone">The milestone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The milestone with its threads.</returns>
    /// <exception cref="CoCreationValidationException">The title is blank or too long, or the end is not after the start (<c>MilestoneSpec.End</c>).</exception>
    /// <exception cref="CoCreationConflictException">The workspace is not provisioned yet.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    /// <remarks>A thread that could not be opened is opened by the next <see cref="SyncAsync"/>.</remarks>
    public async Task<Milestone> ScheduleAsync(MilestoneSpec milestone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var title = CoCreationGuard.NotBlank(milestone.Title, "MilestoneSpec.Title").Trim();
        CoCreationGuard.MaxLength(title, MaxMilestoneTitleLength, "MilestoneSpec.Title");
        if (milestone.End <= milestone.Start)
        {
            throw new CoCreationValidationException("MilestoneSpec.End", $"must be after MilestoneSpec.Start (start {milestone.Start:o}, end {milestone.End:o}).");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "scheduling");
            if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null)
            {
                throw new CoCreationConflictException($"Co-development project '{ProjectId}' has no provisioned workspace yet; call ProvisionAsync first.");
            }

            var attendees = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).Select(m => m.Email).ToList();
            var entry = await CloudWorkspace.ScheduleAsync(
                state.Workspace,
                new ScheduleEntrySpec { Title = title, Start = milestone.Start, End = milestone.End, Attendees = attendees, Description = milestone.Description },
                cancellationToken).ConfigureAwait(false);
            var stored = new Milestone { Id = entry.Id, Title = entry.Title, Start = entry.Start, End = entry.End, Attendees = entry.Attendees };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MilestonesCollection, MilestoneKey(stored.Id), Serialize(stored)), cancellationToken).ConfigureAwait(false);
            return await OpenThreadsAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the milestones, in the order they were scheduled.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The milestones.</returns>
    public async Task<IReadOnlyList<Milestone>> GetMilestonesAsync(CancellationToken cancellationToken = default)
        => await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the discussion log: members' replies in milestone threads, accepted and filtered, oldest first.</summary>
    /// <param name="milestoneId">Only this milestone's; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<DiscussionEntry>> GetDiscussionAsync(string? milestoneId = null, CancellationToken cancellationToken = default)
        => (await ListAsync<DiscussionEntry>(DiscussionCollection, cancellationToken).ConfigureAwait(false))
            .Where(e => milestoneId is null || e.MilestoneId == milestoneId)
            .OrderBy(e => e.PostedAt)
            .ThenBy(e => e.PostId, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Relays what happened: polls the workspace's activity source through the event pipeline (<see cref="IEventPipeline.PollAsync"/>)
    /// from its stored cursor; the project consumes the <see cref="CoCreationEventTypes.WorkspaceActivity"/> events of
    /// its workspace, holds each change for every member except the one who made it and sends what is due (single changes, or one digest per member when several
    /// came within <see cref="CoDevelopmentOptions.DigestWindow"/>), opens missing milestone threads and collects
    /// members' replies into the discussion log. Registered as scheduled work, so the relay worker runs it.
    /// </summary>
    /// <remarks>
    /// A change is held before the pipeline moves the cursor past it, and held with a marker in one atomic change, so
    /// a restart neither loses a change nor holds one twice; a message is de-duplicated by the relay as well. A push
    /// notification (for example through <c>GooglePushReceiver</c>) polls the same source at once, without waiting for
    /// the scheduler.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was read and sent.</returns>
    public async Task<ActivitySync> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null)
            {
                return new ActivitySync { ChangesRead = 0, Relayed = [], Discussion = [] };
            }

            var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();
            foreach (var milestone in await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false))
            {
                await OpenThreadsAsync(milestone, cancellationToken).ConfigureAwait(false);
            }

            // Through the pipeline: the source's events reach this project's consumer (ConsumeActivityAsync), which holds
            // them and sends what is due; the flush after it sends digests whose window has ended since.
            var read = (await _pipeline.PollAsync(ActivitySourceName(state.Workspace), cancellationToken).ConfigureAwait(false)).Count;
            var relayed = await FlushAsync(members, cancellationToken).ConfigureAwait(false);
            var discussion = await CollectDiscussionAsync(members, cancellationToken).ConfigureAwait(false);
            return new ActivitySync { ChangesRead = read, Relayed = relayed, Discussion = discussion };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<IReadOnlyList<RelayResult>> FlushAsync(List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        await _relayGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await FlushCoreAsync(members, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _relayGate.Release();
        }
    }

    // The caller holds _relayGate.
    private async Task<IReadOnlyList<RelayResult>> FlushCoreAsync(List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = _options.DigestWindow;
        var results = new List<RelayResult>();
        var active = members.Select(m => m.ParticipantId).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, json) in await ListOwnAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
        {
            var participantId = id[(ProjectId.Length + 1)..];
            var relayState = Deserialize<RecipientRelayState>(json);
            if (relayState.Pending.Count == 0 || !active.Contains(participantId))
            {
                continue;
            }

            if (relayState.LastSentAt is { } last && window > TimeSpan.Zero && now < last + window)
            {
                continue;
            }

            if (relayState.Pending.Count == 1 || window == TimeSpan.Zero)
            {
                foreach (var change in relayState.Pending)
                {
                    results.Add(await _relay.PublishAsync(ActivityEvent(participantId, change), cancellationToken).ConfigureAwait(false));
                }
            }
            else
            {
                results.Add(await _relay.PublishAsync(DigestEvent(participantId, relayState.Pending), cancellationToken).ConfigureAwait(false));
            }

            // Stored after publishing: a crash in between publishes again, and the relay sends nothing twice.
            await _store.ApplyAsync(
                new StoreChanges().PutDocument(RelayCollection, id, Serialize(new RecipientRelayState { LastSentAt = now })),
                cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task<IReadOnlyList<DiscussionEntry>> CollectDiscussionAsync(List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        var active = members.Select(m => m.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var known = (await ListOwnAsync(DiscussionCollection, cancellationToken).ConfigureAwait(false)).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var collected = new List<DiscussionEntry>();
        // One context per pass, so the repeated-text filter sees every reply collected in it.
        var moderationContext = _options.Moderation is null ? _moderation?.CreateContext() : null;
        foreach (var milestone in await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var thread in milestone.Threads)
            {
                var changes = new StoreChanges();
                await foreach (var reply in _providers.GetSns(thread.Network).GetRepliesAsync(thread.PostId, cancellationToken).ConfigureAwait(false))
                {
                    var key = $"{ProjectId}:{thread.Network}:{reply.Id}";
                    if (known.Contains(key))
                    {
                        continue;
                    }

                    var author = await _identities.FindBySnsAsync(thread.Network, reply.AuthorSubject, cancellationToken).ConfigureAwait(false);
                    if (author is null || !active.Contains(author.Id))
                    {
                        // Only members' replies belong to the project's discussion.
                        continue;
                    }

                    var entry = new DiscussionEntry
                    {
                        MilestoneId = milestone.Id,
                        ParticipantId = author.Id,
                        Network = thread.Network,
                        PostId = reply.Id,
                        AuthorHandle = reply.AuthorHandle,
                        Text = reply.Text,
                        PostedAt = reply.CreatedAt,
                    };
                    if (_options.Moderation is { } moderate && await moderate(entry, cancellationToken).ConfigureAwait(false) is { } reason)
                    {
                        entry = entry with { Status = DiscussionStatus.Filtered, FilterReason = reason };
                    }
                    else if (_options.Moderation is null && _moderation is not null)
                    {
                        var verdict = await _moderation.EvaluateAsync(new ModerationItem { Post = reply, AuthorKey = author.Id }, moderationContext, cancellationToken).ConfigureAwait(false);
                        if (!verdict.Accepted)
                        {
                            entry = entry with { Status = DiscussionStatus.Filtered, FilterReason = $"{verdict.Filter}: {verdict.Reason}" };
                        }
                    }

                    known.Add(key);
                    changes.PutDocument(DiscussionCollection, key, Serialize(entry));
                    collected.Add(entry);
                }

                if (!changes.IsEmpty)
                {
                    await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return collected;
    }

    private async Task<Milestone> OpenThreadsAsync(Milestone milestone, CancellationToken cancellationToken)
    {
        foreach (var network in Networks())
        {
            if (milestone.Threads.Any(t => t.Network == network))
            {
                continue;
            }

            var connector = _providers.GetSns(network);
            var text = ThreadText(milestone);
            var post = await connector.PublishAsync(
                new PostRequest { Text = text.Length <= connector.Capabilities.MaxPostLength ? text : ThreadTextShort(milestone), Language = "ko", IdempotencyKey = Key($"thread\n{ProjectId}\n{milestone.Id}\n{network}") },
                cancellationToken).ConfigureAwait(false);
            milestone = milestone with { Threads = [.. milestone.Threads, new DiscussionThread(network, post.Id)] };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MilestonesCollection, MilestoneKey(milestone.Id), Serialize(milestone)), cancellationToken).ConfigureAwait(false);
        }

        return milestone;
    }

    private string ThreadText(Milestone milestone)
        => $"[{_options.BrandName}] {_options.ProjectName} 마일스톤: {milestone.Title} ({Local(milestone.Start)} ~ {Local(milestone.End)}). 이 글에 답글로 의견을 나눠 주세요.\n\n"
            + $"{_options.ProjectName} milestone: {milestone.Title} ({Local(milestone.Start)} - {Local(milestone.End)}). Reply to this post to discuss it.";

    private string ThreadTextShort(Milestone milestone)
        => $"{_options.ProjectName}: {milestone.Title} ({Local(milestone.Start)}) - 답글로 의견을 / reply to discuss";

    private string Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, _zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private CoCreationEvent ActivityEvent(string participantId, PendingChange change) => ModuleEvent(
        CoDevelopmentEventTypes.Activity,
        $"{ProjectId}:activity:{change.ActivityId}:{participantId}",
        $"activity/{change.ActivityId}",
        Data(participantId)
            .Add("kind", change.Kind.ToString())
            .Add(CoCreationEventData.Title, change.TargetName ?? "?")
            .Add("actorKo", change.ActorName ?? "회사")
            .Add("actorEn", change.ActorName ?? "the company")
            .Add("targetKo", change.TargetName ?? "새 멤버")
            .Add("targetEn", change.TargetName ?? "a member"));

    private CoCreationEvent DigestEvent(string participantId, List<PendingChange> changes) => ModuleEvent(
        CoDevelopmentEventTypes.Digest,
        // Named by every change it holds: after a crash between sending and clearing, the same batch is the same
        // event (sent once); a batch that grew in between is a new one, so no change is lost.
        $"{ProjectId}:digest:{participantId}:{Key(string.Join("\n", changes.Select(c => c.ActivityId)))}",
        $"digests/{participantId}",
        Data(participantId)
            .Add(CoCreationEventData.Quantity, changes.Count.ToString(CultureInfo.InvariantCulture))
            .Add("summaryKo", string.Join("\n", changes.Select(c => "- " + CoDevelopmentText.Korean(c))))
            .Add("summaryEn", string.Join("\n", changes.Select(c => "- " + CoDevelopmentText.English(c)))));

    private async Task<List<Milestone>> LoadMilestonesAsync(CancellationToken cancellationToken)
        => (await ListAsync<Milestone>(MilestonesCollection, cancellationToken).ConfigureAwait(false))
            .OrderBy(m => m.Start)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .ToList();

    private string MilestoneKey(string milestoneId) => $"{ProjectId}:{milestoneId}";
}
