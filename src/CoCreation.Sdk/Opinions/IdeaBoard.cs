using CoCreation.Sdk.Moderation;

namespace CoCreation.Sdk.Opinions;

/// <summary>
/// The idea board: people submit ideas (through the API, or from a post or a reply), support them, comment
/// on them; ideas move through stages, on threshold rules evaluated on the clock or by decision; duplicates
/// are merged, irreversibly and with an audit line.
/// </summary>
/// <remarks>
/// <para>Every stage change is told to the idea's supporters over SNS: supporters who are participants
/// through the event relay (a direct message on their preferred network, in their language), unlinked SNS
/// supporters by a post on their network that mentions them. A supporter is one person: supporting
/// from two linked accounts counts once.</para>
/// <para>Ideas live in <see cref="ICoCreationStore"/> as module documents; a merge stores both ideas and its
/// audit entry in one atomic change. Thread-safe.</para>
/// </remarks>
public sealed class IdeaBoard
{
    internal const string IdeasCollection = "opinions.ideas";

    /// <summary>The title an idea gets when its author is erased.</summary>
    internal const string ErasedTitle = "(삭제됨 / removed)";

    /// <summary>The moderation filter name that marks ideas held back because their only author was erased.</summary>
    internal const string ErasureFilter = "erasure";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly ImmutableDictionary<IdeaStage, IdeaStage[]> Transitions = new Dictionary<IdeaStage, IdeaStage[]>
    {
        [IdeaStage.Submitted] = [IdeaStage.UnderReview, IdeaStage.Declined],
        [IdeaStage.UnderReview] = [IdeaStage.Accepted, IdeaStage.Declined],
        [IdeaStage.Accepted] = [IdeaStage.InDevelopment],
        [IdeaStage.InDevelopment] = [IdeaStage.Launched],
    }.ToImmutableDictionary();

    private readonly ICoCreationProviders _providers;
    private readonly IIdentityMap _identities;
    private readonly IAccessGrants _grants;
    private readonly IEventRelay _relay;
    private readonly ICoCreationStore _store;
    private readonly ModerationPipeline _moderation;
    private readonly TimeProvider _time;
    private readonly OpinionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the board; normally resolved from dependency injection (<c>AddOpinions()</c>).</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="identities">The identity map.</param>
    /// <param name="grants">Access grants, which verify the sessions of signed-in people (<see cref="IdeaPersonRef.SignedIn"/>).</param>
    /// <param name="relay">The event relay, which tells participant supporters.</param>
    /// <param name="store">The store.</param>
    /// <param name="moderation">The moderation pipeline for ideas and comments.</param>
    /// <param name="timeProvider">The clock the threshold rules run on.</param>
    /// <param name="options">The module's options.</param>
    public IdeaBoard(
        ICoCreationProviders providers,
        IIdentityMap identities,
        IAccessGrants grants,
        IEventRelay relay,
        ICoCreationStore store,
        ModerationPipeline moderation,
        TimeProvider timeProvider,
        IOptions<OpinionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _providers = providers ?? throw new ArgumentNullException(nameof(providers));
        _identities = identities ?? throw new ArgumentNullException(nameof(identities));
        _grants = grants ?? throw new ArgumentNullException(nameof(grants));
        _relay = relay ?? throw new ArgumentNullException(nameof(relay));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _moderation = moderation ?? throw new ArgumentNullException(nameof(moderation));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options.Value;
        _options.Validate();
    }

    /// <summary>Whether an idea may move from one stage to another by <see cref="MoveAsync"/> or a threshold rule.</summary>
    /// <param name="from">The current stage.</param>
    /// <param name="to">The next stage.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public static bool IsAllowed(IdeaStage from, IdeaStage to) => Transitions.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>Submits an idea through the API.</summary>
    /// <param name="submission">The idea.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored idea (moderation held it back when <see cref="Idea.Moderation"/> says so).</returns>
    /// <exception cref="CoCreationValidationException">The title or text is empty, the title too long, or the author unknown.</exception>
    public async Task<Idea> SubmitAsync(IdeaSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        CoCreationGuard.NotBlank(submission.Title, "IdeaSubmission.Title");
        CoCreationGuard.MaxLength(submission.Title.Trim(), 200, "IdeaSubmission.Title");
        CoCreationGuard.NotBlank(submission.Text, "IdeaSubmission.Text");
        var author = await ResolveAsync(submission.Author, "IdeaSubmission.Author", cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var post = new SnsPost { Id = "idea", Network = author.Network ?? "api", AuthorSubject = author.Subject ?? author.Key, AuthorHandle = author.Handle ?? author.Key, Text = submission.Text, CreatedAt = now };
        return await AddAsync(submission.Title.Trim(), submission.Text.Trim(), author, IdeaSource.Api, null, null, post, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Submits an idea taken from a post or a reply (for example one collected by a campaign).</summary>
    /// <param name="post">The post.</param>
    /// <param name="title">A title for the idea (at most 200 characters).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored idea; its author is the post's author, resolved through the identity map.</returns>
    /// <exception cref="CoCreationValidationException">The title is empty or too long, the post is empty, or its network is unknown.</exception>
    public async Task<Idea> SubmitFromPostAsync(SnsPost post, string title, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(post);
        CoCreationGuard.NotBlank(title, nameof(title));
        CoCreationGuard.MaxLength(title.Trim(), 200, nameof(title));
        CoCreationGuard.NotBlank(post.Text, "SnsPost.Text");
        var author = await ResolveAsync(IdeaPersonRef.Sns(post.Network, post.AuthorSubject, post.AuthorHandle), "SnsPost", cancellationToken).ConfigureAwait(false);
        return await AddAsync(title.Trim(), post.Text.Trim(), author, post.InReplyToId is null ? IdeaSource.Post : IdeaSource.Reply, post.Network, post.Id, post, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads an idea.</summary>
    /// <param name="ideaId">The idea.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The idea, or <see langword="null"/>.</returns>
    public async Task<Idea?> GetAsync(string ideaId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(ideaId, nameof(ideaId));
        var json = await _store.GetDocumentAsync(IdeasCollection, ideaId, cancellationToken).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<Idea>(json, Json);
    }

    /// <summary>Lists ideas, most supported first.</summary>
    /// <param name="includeHidden">Whether merged ideas and ideas moderation held back are included.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ideas.</returns>
    public async Task<IReadOnlyList<Idea>> ListAsync(bool includeHidden = false, CancellationToken cancellationToken = default)
    {
        var documents = await _store.ListDocumentsAsync(IdeasCollection, cancellationToken).ConfigureAwait(false);
        return documents
            .Select(d => JsonSerializer.Deserialize<Idea>(d.Value, Json)!)
            .Where(i => includeHidden || (i.Stage != IdeaStage.Merged && i.Moderation.Accepted))
            .OrderByDescending(i => i.SupportCount)
            .ThenBy(i => i.SubmittedAt)
            .ToList();
    }

    /// <summary>
    /// Adds a support vote. A person supports an idea once (two linked accounts are one person). When the vote
    /// brings the idea over a threshold rule, the idea moves and its supporters are told.
    /// </summary>
    /// <param name="ideaId">The idea.</param>
    /// <param name="supporter">Who supports it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="CoCreationValidationException">No such idea, or the supporter is unknown.</exception>
    /// <exception cref="CoCreationConflictException">The idea was merged into another.</exception>
    public async Task<IdeaSupportResult> SupportAsync(string ideaId, IdeaPersonRef supporter, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(ideaId, nameof(ideaId));
        var person = await ResolveAsync(supporter, nameof(supporter), cancellationToken).ConfigureAwait(false);
        Idea idea;
        bool added;
        IdeaStageChange? change;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            idea = await RequireLiveAsync(ideaId, cancellationToken).ConfigureAwait(false);
            added = !idea.Supporters.Any(s => s.Person.Key == person.Key);
            if (added)
            {
                idea = idea with { Supporters = [.. idea.Supporters, new IdeaSupport(person, _time.GetUtcNow())] };
            }

            (idea, change) = ApplyThresholds(idea);
            if (added || change is not null)
            {
                await SaveAsync(new StoreChanges(), cancellationToken, idea).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }

        var outcome = change is null ? null : await NotifyAsync(idea, change, cancellationToken).ConfigureAwait(false);
        return new IdeaSupportResult { Idea = idea, Added = added, StageChange = outcome };
    }

    /// <summary>Adds a comment; moderation runs first and a held-back comment is kept with the reason but not shown.</summary>
    /// <param name="ideaId">The idea.</param>
    /// <param name="author">Who writes.</param>
    /// <param name="text">The comment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored comment with its moderation verdict.</returns>
    /// <exception cref="CoCreationValidationException">No such idea, empty text, or an unknown author.</exception>
    /// <exception cref="CoCreationConflictException">The idea was merged into another.</exception>
    public async Task<IdeaComment> CommentAsync(string ideaId, IdeaPersonRef author, string text, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(ideaId, nameof(ideaId));
        CoCreationGuard.NotBlank(text, nameof(text));
        var person = await ResolveAsync(author, nameof(author), cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var idea = await RequireLiveAsync(ideaId, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var context = _moderation.CreateContext();
            foreach (var earlier in idea.Comments.Where(c => c.Moderation.Accepted))
            {
                context.Remember(earlier.Author.Key, ModerationContext.Normalize(earlier.Text));
            }

            var post = new SnsPost { Id = "comment", Network = person.Network ?? "api", AuthorSubject = person.Subject ?? person.Key, AuthorHandle = person.Handle ?? person.Key, Text = text, CreatedAt = now };
            var verdict = await _moderation.EvaluateAsync(new ModerationItem { Post = post, AuthorKey = person.Key }, context, cancellationToken).ConfigureAwait(false);
            var comment = new IdeaComment { Id = "c-" + Guid.NewGuid().ToString("N")[..12], Author = person, Text = text.Trim(), At = now, Moderation = verdict };
            await SaveAsync(new StoreChanges(), cancellationToken, idea with { Comments = [.. idea.Comments, comment] }).ConfigureAwait(false);
            return comment;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Moves an idea to another stage by decision, and tells its supporters.</summary>
    /// <param name="ideaId">The idea.</param>
    /// <param name="to">The next stage.</param>
    /// <param name="reason">Why, for the history and the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The change and how supporters were told.</returns>
    /// <exception cref="CoCreationValidationException">No such idea, or an empty reason.</exception>
    /// <exception cref="CoCreationConflictException">The move is not allowed from the idea's stage, or the idea was merged.</exception>
    public async Task<IdeaStageOutcome> MoveAsync(string ideaId, IdeaStage to, string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(ideaId, nameof(ideaId));
        CoCreationGuard.NotBlank(reason, nameof(reason));
        Idea idea;
        IdeaStageChange change;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            idea = await RequireLiveAsync(ideaId, cancellationToken).ConfigureAwait(false);
            if (!IsAllowed(idea.Stage, to))
            {
                throw new CoCreationConflictException($"Idea {ideaId} is {idea.Stage}; it cannot move to {to}.");
            }

            change = new IdeaStageChange { From = idea.Stage, To = to, At = _time.GetUtcNow(), Reason = reason.Trim() };
            idea = idea with { Stage = to, History = [.. idea.History, change] };
            await SaveAsync(new StoreChanges(), cancellationToken, idea).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        return await NotifyAsync(idea, change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the threshold rules to every idea on the clock now. Support votes apply them at once; this
    /// catches ideas whose rules changed. Registered with the relay worker by <c>AddOpinions()</c>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The changes made, with how supporters were told.</returns>
    public async Task<IReadOnlyList<IdeaStageOutcome>> EvaluateThresholdsAsync(CancellationToken cancellationToken = default)
    {
        var moved = new List<(Idea, IdeaStageChange)>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var idea in await ListAsync(includeHidden: false, cancellationToken).ConfigureAwait(false))
            {
                var (updated, change) = ApplyThresholds(idea);
                if (change is not null)
                {
                    await SaveAsync(new StoreChanges(), cancellationToken, updated).ConfigureAwait(false);
                    moved.Add((updated, change));
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        var outcomes = new List<IdeaStageOutcome>(moved.Count);
        foreach (var (idea, change) in moved)
        {
            outcomes.Add(await NotifyAsync(idea, change, cancellationToken).ConfigureAwait(false));
        }

        return outcomes;
    }

    /// <summary>
    /// Merges a duplicate into another idea, for good: the target gets the supporters of both (a person who
    /// supported both counts once), both ideas' authors are credited on it, and the duplicate's comments move
    /// with it. The duplicate stays, in <see cref="IdeaStage.Merged"/>, pointing at the target, and takes no
    /// further votes, comments or moves. Both ideas and an audit entry are stored in one atomic change.
    /// </summary>
    /// <param name="duplicateId">The idea to merge away.</param>
    /// <param name="targetId">The idea that remains.</param>
    /// <param name="actorId">Who decided it (a participant id or a staff id), for the audit.</param>
    /// <param name="reason">Why, for the audit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Both ideas after the merge.</returns>
    /// <exception cref="CoCreationValidationException">An id is empty or unknown, the ids are the same, or the actor or reason is empty.</exception>
    /// <exception cref="CoCreationConflictException">One of the ideas was already merged.</exception>
    public async Task<IdeaMergeResult> MergeAsync(string duplicateId, string targetId, string actorId, string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(duplicateId, nameof(duplicateId));
        CoCreationGuard.NotBlank(targetId, nameof(targetId));
        CoCreationGuard.NotBlank(actorId, nameof(actorId));
        CoCreationGuard.NotBlank(reason, nameof(reason));
        if (duplicateId == targetId)
        {
            throw new CoCreationValidationException(nameof(targetId), "an idea cannot be merged into itself.");
        }

        Idea target;
        Idea duplicate;
        IdeaStageChange? change;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            duplicate = await RequireLiveAsync(duplicateId, cancellationToken, nameof(duplicateId)).ConfigureAwait(false);
            target = await RequireLiveAsync(targetId, cancellationToken, nameof(targetId)).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var supporters = target.Supporters.ToList();
            foreach (var support in duplicate.Supporters)
            {
                if (!supporters.Any(s => s.Person.Key == support.Person.Key))
                {
                    supporters.Add(support);
                }
            }

            var authors = target.Authors.ToList();
            authors.AddRange(duplicate.Authors.Where(a => !authors.Any(t => t.Key == a.Key)));
            var before = (target.SupportCount, duplicate.SupportCount);
            target = target with
            {
                Supporters = supporters.OrderBy(s => s.At).ToList(),
                Authors = authors,
                Comments = [.. target.Comments, .. duplicate.Comments],
                MergedFrom = [.. target.MergedFrom, duplicate.Id],
            };
            duplicate = duplicate with
            {
                Stage = IdeaStage.Merged,
                MergedInto = target.Id,
                History = [.. duplicate.History, new IdeaStageChange { From = duplicate.Stage, To = IdeaStage.Merged, At = now, Reason = $"merged into {target.Id}: {reason.Trim()}" }],
            };
            (target, change) = ApplyThresholds(target);
            var audit = Audit.Entry(
                now,
                AuditAction.IdeasMerged,
                actorId.Trim(),
                target: $"opinions:ideas/{target.Id}",
                detail: string.Create(CultureInfo.InvariantCulture, $"merged idea {duplicate.Id} into {target.Id} ({reason.Trim()}); supporters {before.Item1} + {before.Item2} -> {target.SupportCount}; authors {string.Join(", ", target.Authors.Select(a => a.Key))}"));
            await SaveAsync(new StoreChanges().AppendAudit(audit), cancellationToken, target, duplicate).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (change is not null)
        {
            await NotifyAsync(target, change, cancellationToken).ConfigureAwait(false);
        }

        return new IdeaMergeResult(target, duplicate);
    }

    /// <summary>
    /// Erasure: the person's support stays, counted under the anonymous id; their comments are removed; as an author
    /// they are replaced by the anonymous id. An idea they first wrote loses its title, text and source post (their
    /// words); when nobody else is credited on it, it is also held back (not listed by default), while other people's
    /// support and comments on it are kept.
    /// </summary>
    internal static async Task EraseIdeasAsync(ICoCreationStore store, ParticipantErasure erasure, CancellationToken cancellationToken)
    {
        var anonymous = new IdeaPerson { Key = erasure.AnonymousId };
        bool IsErased(IdeaPerson person)
            => person.Key == erasure.Participant.Id || person.ParticipantId == erasure.Participant.Id || erasure.IsOwnIdentity(person.Network, person.Subject);

        foreach (var (id, json) in await store.ListDocumentsAsync(IdeasCollection, cancellationToken).ConfigureAwait(false))
        {
            var idea = JsonSerializer.Deserialize<Idea>(json, Json)!;
            var people = idea.Authors.Concat(idea.Supporters.Select(s => s.Person)).Concat(idea.Comments.Select(c => c.Author)).Where(IsErased).ToList();
            if (people.Count == 0)
            {
                continue;
            }

            foreach (var person in people)
            {
                erasure.AddPersonalValue(person.Handle);
            }

            var wroteIt = IsErased(idea.Authors[0]);
            var authors = idea.Authors.Select(a => IsErased(a) ? anonymous : a).DistinctBy(a => a.Key).ToList();
            var updated = idea with
            {
                Authors = authors,
                Supporters = idea.Supporters.Select(s => IsErased(s.Person) ? s with { Person = anonymous } : s).DistinctBy(s => s.Person.Key).ToList(),
                Comments = idea.Comments.Where(c => !IsErased(c.Author)).ToList(),
            };
            if (wroteIt)
            {
                // Messages to supporters quoted the title: it goes from the relay's records too.
                erasure.AddPersonalValue(idea.Title);
                updated = updated with
                {
                    Title = ErasedTitle,
                    Text = "",
                    SourcePostId = null,
                    Moderation = authors.All(a => a.Key == erasure.AnonymousId)
                        ? ModerationVerdict.Reject(ErasureFilter, "the author was erased")
                        : updated.Moderation,
                };
            }

            erasure.Changes.PutDocument(IdeasCollection, id, JsonSerializer.Serialize(updated, Json));
        }
    }

    /// <summary>
    /// Export: every idea the person wrote, supported or commented on (the people erasure looks for), with their own
    /// entries only: the title and text when they are an author, their support and their comments, never other
    /// authors, supporters or commenters.
    /// </summary>
    internal static async Task ExportIdeasAsync(ICoCreationStore store, ParticipantExportBuilder export, CancellationToken cancellationToken)
    {
        bool IsOwn(IdeaPerson person)
            => person.Key == export.Participant.Id || person.ParticipantId == export.Participant.Id || export.IsOwnIdentity(person.Network, person.Subject);

        foreach (var (id, json) in await store.ListDocumentsAsync(IdeasCollection, cancellationToken).ConfigureAwait(false))
        {
            var idea = JsonSerializer.Deserialize<Idea>(json, Json)!;
            var author = idea.Authors.Any(IsOwn);
            var supports = idea.Supporters.Where(s => IsOwn(s.Person)).Select(s => new { s.At, Person = s.Person }).ToList();
            var comments = idea.Comments.Where(c => IsOwn(c.Author)).ToList();
            if (!author && supports.Count == 0 && comments.Count == 0)
            {
                continue;
            }

            export.Add(OpinionCampaigns.ModuleName, IdeasCollection, id, new
            {
                ideaId = idea.Id,
                stage = idea.Stage.ToString(),
                submittedAt = idea.SubmittedAt,
                youAreAnAuthor = author,
                authorEntries = idea.Authors.Where(IsOwn).ToList(),
                title = author ? idea.Title : null,
                text = author ? idea.Text : null,
                yourSupport = supports,
                yourComments = comments,
            });
        }
    }

    private (Idea Idea, IdeaStageChange? Change) ApplyThresholds(Idea idea)
    {
        foreach (var rule in _options.IdeaThresholds)
        {
            if (idea.Stage != rule.From || !idea.Moderation.Accepted)
            {
                continue;
            }

            var deadline = idea.SubmittedAt + rule.Within;
            var inWindow = idea.Supporters.Count(s => s.At <= deadline);
            if (inWindow >= rule.Supporters)
            {
                var change = new IdeaStageChange
                {
                    From = idea.Stage,
                    To = rule.To,
                    At = _time.GetUtcNow(),
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{rule.Supporters} supporters within {rule.Within.TotalDays:0.##} days"),
                };
                return (idea with { Stage = rule.To, History = [.. idea.History, change] }, change);
            }
        }

        return (idea, null);
    }

    private async Task<IdeaStageOutcome> NotifyAsync(Idea idea, IdeaStageChange change, CancellationToken cancellationToken)
    {
        var notified = 0;
        var failures = new List<string>();
        foreach (var supporter in idea.Supporters.Select(s => s.Person).DistinctBy(p => p.Key))
        {
            var key = $"idea-stage:{idea.Id}:{change.To}:{supporter.Key}";
            if (supporter.ParticipantId is { } participantId)
            {
                var result = await _relay.PublishAsync(
                    new CoCreationEvent
                    {
                        Id = key,
                        Source = CoCreationEventSources.Module(OpinionCampaigns.ModuleName),
                        Type = OpinionEventTypes.IdeaStageChanged,
                        Time = change.At,
                        Subject = $"ideas/{idea.Id}",
                        Data = ImmutableDictionary<string, string>.Empty
                            .Add(CoCreationEventData.ParticipantId, participantId)
                            .Add(CoCreationEventData.Title, idea.Title)
                            .Add("ideaId", idea.Id)
                            .Add("stage", change.To.ToString())
                            .Add("stageKo", KoreanStage(change.To))
                            .Add("stageEn", EnglishStage(change.To)),
                    },
                    cancellationToken).ConfigureAwait(false);
                if (result.Deliveries.Count > 0 && result.Deliveries.All(d => d.Status is DeliveryStatus.Delivered or DeliveryStatus.Duplicate or DeliveryStatus.Pending or DeliveryStatus.Suppressed))
                {
                    // A supporter who turned these messages off chose not to hear: neither notified nor a failure.
                    if (result.Deliveries.Any(d => d.Status != DeliveryStatus.Suppressed))
                    {
                        notified++;
                    }
                }
                else
                {
                    failures.Add($"{participantId}: {(result.Deliveries.Count == 0 ? "no relay rule matched" : string.Join("; ", result.Deliveries.Select(d => d.Error ?? d.Status.ToString())))}");
                }

                continue;
            }

            if (supporter is { Network: { } network, Handle: { } handle } && _providers.SnsNetworks.Contains(network, StringComparer.Ordinal))
            {
                try
                {
                    var connector = _providers.GetSns(network);
                    var text = $"[{_options.BrandName}] '{idea.Title}': {KoreanStage(change.To)} / {EnglishStage(change.To)}. 지지해 주셔서 감사합니다. Thank you for your support.";
                    await connector.PublishAsync(
                        new PostRequest
                        {
                            Text = text,
                            Mentions = [handle],
                            InReplyToId = idea.SourceNetwork == network ? idea.SourcePostId : null,
                            IdempotencyKey = key,
                        },
                        cancellationToken).ConfigureAwait(false);
                    notified++;
                }
                catch (CoCreationException ex)
                {
                    failures.Add($"{supporter.Key}: {ErrorText.Describe(ex)}");
                }
            }
            else
            {
                failures.Add($"{supporter.Key}: no participant and no handle on a registered network to reach them");
            }
        }

        return new IdeaStageOutcome { Idea = idea, Change = change, Notified = notified, NotificationFailures = failures };
    }

    internal static string KoreanStage(IdeaStage stage) => stage switch
    {
        IdeaStage.Submitted => "접수됨",
        IdeaStage.UnderReview => "검토 중",
        IdeaStage.Accepted => "채택됨",
        IdeaStage.Declined => "반려됨",
        IdeaStage.InDevelopment => "개발 중",
        IdeaStage.Launched => "출시됨",
        _ => "병합됨",
    };

    internal static string EnglishStage(IdeaStage stage) => stage switch
    {
        IdeaStage.Submitted => "submitted",
        IdeaStage.UnderReview => "under review",
        IdeaStage.Accepted => "accepted",
        IdeaStage.Declined => "declined",
        IdeaStage.InDevelopment => "in development",
        IdeaStage.Launched => "launched",
        _ => "merged",
    };

    private async Task<Idea> AddAsync(string title, string text, IdeaPerson author, IdeaSource source, string? network, string? postId, SnsPost post, CancellationToken cancellationToken)
    {
        var verdict = await _moderation.EvaluateAsync(new ModerationItem { Post = post, AuthorKey = author.Key }, null, cancellationToken).ConfigureAwait(false);
        var idea = new Idea
        {
            Id = "idea-" + Guid.NewGuid().ToString("N")[..12],
            Title = title,
            Text = text,
            Authors = [author],
            Source = source,
            SourceNetwork = network,
            SourcePostId = postId,
            Stage = IdeaStage.Submitted,
            SubmittedAt = _time.GetUtcNow(),
            Moderation = verdict,
        };
        await SaveAsync(new StoreChanges(), cancellationToken, idea).ConfigureAwait(false);
        return idea;
    }

    private async Task<IdeaPerson> ResolveAsync(IdeaPersonRef? person, string field, CancellationToken cancellationToken)
    {
        if (person is null)
        {
            throw new CoCreationValidationException(field, "must name a participant or an SNS account.");
        }

        if (person.Session is not null)
        {
            // The one session check of every module: issued by the SDK, unaltered, live, identity still linked.
            var signedIn = await _grants.VerifySessionAsync(person.Session, "opinions:ideas", cancellationToken).ConfigureAwait(false);
            var identity = person.Session.Identity;
            var used = signedIn.SnsLinks.FirstOrDefault(l => l.Network == identity.Network && l.Subject == identity.Subject) ?? signedIn.SnsLinks.FirstOrDefault();
            return new IdeaPerson { Key = signedIn.Id, ParticipantId = signedIn.Id, Network = used?.Network, Subject = used?.Subject, Handle = used?.Handle };
        }

        if (person.ParticipantId is not null)
        {
            CoCreationGuard.NotBlank(person.ParticipantId, field + ".ParticipantId");
            var participant = await _identities.GetAsync(person.ParticipantId, cancellationToken).ConfigureAwait(false)
                ?? throw new CoCreationValidationException(field + ".ParticipantId", $"no participant '{person.ParticipantId}'.");
            var link = person.Network is null ? participant.SnsLinks.FirstOrDefault() : participant.SnsLinks.FirstOrDefault(l => l.Network == person.Network);
            return new IdeaPerson { Key = participant.Id, ParticipantId = participant.Id, Network = link?.Network, Subject = link?.Subject, Handle = link?.Handle };
        }

        CoCreationGuard.NotBlank(person.Network, field + ".Network");
        CoCreationGuard.NotBlank(person.Subject, field + ".Subject");
        if (!_providers.SnsNetworks.Contains(person.Network!, StringComparer.Ordinal))
        {
            throw new CoCreationValidationException(field + ".Network", $"'{person.Network}' is not a registered SNS network.");
        }

        var linked = await _identities.FindBySnsAsync(person.Network!, person.Subject!, cancellationToken).ConfigureAwait(false);
        return linked is null
            ? new IdeaPerson { Key = $"sns:{person.Network}:{person.Subject}", Network = person.Network, Subject = person.Subject, Handle = person.Handle }
            : new IdeaPerson { Key = linked.Id, ParticipantId = linked.Id, Network = person.Network, Subject = person.Subject, Handle = person.Handle };
    }

    private async Task<Idea> RequireLiveAsync(string ideaId, CancellationToken cancellationToken, string field = "ideaId")
    {
        var idea = await GetAsync(ideaId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(field, $"no idea '{ideaId}'.");
        if (idea.Stage == IdeaStage.Merged)
        {
            throw new CoCreationConflictException($"Idea {ideaId} was merged into {idea.MergedInto}; merges cannot be undone and the merged idea takes no changes.");
        }

        return idea;
    }

    private Task SaveAsync(StoreChanges changes, CancellationToken cancellationToken, params Idea[] ideas)
    {
        foreach (var idea in ideas)
        {
            changes.PutDocument(IdeasCollection, idea.Id, JsonSerializer.Serialize(idea, Json));
        }

        return _store.ApplyAsync(changes, cancellationToken);
    }
}
