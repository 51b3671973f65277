using System.Globalization;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Opinions;

/// <summary>
/// Runs opinion campaigns (co-creation type 3, service redesign): publishes questions on every chosen
/// network at once, as a native poll where the network's capabilities allow it and as a numbered-reply
/// vote otherwise; collects votes, replies and keyword hits page by page; moderates them; and counts each
/// person once across networks (see <see cref="CampaignStatistics"/> for the rule).
/// </summary>
/// <remarks>
/// <para>Only the <see cref="ISnsConnector"/> contract is used, so any adapter works, including ones without
/// polls. Input is checked and every question is planned on every network before the first post is sent:
/// bad input, or a question that fits neither a native poll nor a numbered-reply post on some network,
/// publishes nothing. Nothing is shortened to fit.</para>
/// <para>State (campaigns, responses with their moderation verdicts, poll counts, read cursors) lives in
/// <see cref="ICoCreationStore"/> as module documents and cursors, so a durable store keeps campaigns across
/// restarts and collection resumes where it stopped. Thread-safe.</para>
/// </remarks>
public sealed class OpinionCampaigns
{
    /// <summary>The module name used in store collections and event sources.</summary>
    public const string ModuleName = "opinions";

    internal const string CampaignsCollection = "opinions.campaigns";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly IIdentityMap _identities;
    private readonly ICoCreationStore _store;
    private readonly ModerationPipeline _moderation;
    private readonly TimeProvider _time;
    private readonly OpinionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the service; normally resolved from dependency injection (<c>AddOpinions()</c>).</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="identities">The identity map, which ties responses to people.</param>
    /// <param name="store">The store.</param>
    /// <param name="moderation">The moderation pipeline.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The module's options.</param>
    /// <exception cref="CoCreationValidationException">The options are invalid.</exception>
    public OpinionCampaigns(
        ICoCreationProviders providers,
        IIdentityMap identities,
        ICoCreationStore store,
        ModerationPipeline moderation,
        TimeProvider timeProvider,
        IOptions<OpinionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _providers = providers ?? throw new ArgumentNullException(nameof(providers));
        _identities = identities ?? throw new ArgumentNullException(nameof(identities));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _moderation = moderation ?? throw new ArgumentNullException(nameof(moderation));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options.Value;
        _options.Validate();
    }

    /// <summary>
    /// Starts a campaign: checks the request, plans every question on every network, then publishes.
    /// </summary>
    /// <param name="request">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The campaign with its publications.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The request is invalid (empty title or question, fewer than two or repeated options, an unknown or repeated
    /// network, no opted-in participants for a direct-message survey), or a question fits neither a native poll nor
    /// a numbered-reply post on some network. Nothing was published.
    /// </exception>
    /// <exception cref="CapabilityNotSupportedException">A network can neither run the poll nor read replies. Nothing was published.</exception>
    /// <remarks>
    /// A provider failure part-way (after validation and planning) leaves the posts already made on the
    /// networks; the campaign is stored with those publications and the error is rethrown.
    /// </remarks>
    public async Task<OpinionCampaign> StartAsync(OpinionCampaignRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Title, "OpinionCampaignRequest.Title");
        CoCreationGuard.NotBlank(request.Language, "OpinionCampaignRequest.Language");
        if (request.Questions is null || request.Questions.Count == 0)
        {
            throw new CoCreationValidationException("OpinionCampaignRequest.Questions", "needs at least one question.");
        }

        for (var q = 0; q < request.Questions.Count; q++)
        {
            ValidateQuestion(request.Questions[q], $"Questions[{q}]");
        }

        var networks = ResolveNetworks(request.Networks);
        var keywords = request.Keywords ?? [];
        for (var k = 0; k < keywords.Count; k++)
        {
            CoCreationGuard.NotBlank(keywords[k], $"Keywords[{k}]");
        }

        if (!Enum.IsDefined(request.Delivery))
        {
            throw new CoCreationValidationException("OpinionCampaignRequest.Delivery", $"{request.Delivery} is not a delivery.");
        }

        var now = _time.GetUtcNow();
        var campaign = new OpinionCampaign
        {
            Id = "op-" + Guid.NewGuid().ToString("N")[..16],
            Title = request.Title.Trim(),
            Questions = request.Questions.ToList(),
            Networks = networks,
            Keywords = keywords.Select(k => k.Trim()).ToList(),
            Delivery = request.Delivery,
            Language = request.Language.Trim(),
            Status = CampaignStatus.Open,
            StartedAt = now,
            ClosesAt = now + request.Questions.Max(DurationOf),
        };

        List<CampaignPublication> publications;
        if (request.Delivery == SurveyDelivery.DirectMessages)
        {
            var targets = await PlanDirectMessagesAsync(campaign, request.OptedInParticipants ?? [], cancellationToken).ConfigureAwait(false);
            publications = await SendDirectMessagesAsync(campaign, targets, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var plans = PlanAll(campaign, 0, campaign.Questions);
            publications = [];
            try
            {
                await PublishAsync(campaign, plans, publications, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await SaveCampaignAsync(campaign with { Publications = publications }, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        campaign = campaign with { Publications = publications };
        await SaveCampaignAsync(campaign, cancellationToken).ConfigureAwait(false);
        return campaign;
    }

    /// <summary>Adds a follow-up question to an open thread campaign and publishes it on every campaign network.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="question">The question.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The campaign with the new question.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign, the campaign is closed or runs by direct messages, or the question is invalid or fits no network. Nothing was published.</exception>
    public async Task<OpinionCampaign> AskAsync(string campaignId, OpinionQuestion question, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        ValidateQuestion(question, "question");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireOpenAsync(campaignId, cancellationToken).ConfigureAwait(false);
            if (campaign.Delivery != SurveyDelivery.Thread)
            {
                throw new CoCreationValidationException(nameof(campaignId), "runs by direct messages; follow-up questions go only to thread campaigns.");
            }

            var index = campaign.Questions.Count;
            var plans = PlanAll(campaign, index, [question]);
            var publications = new List<CampaignPublication>(campaign.Publications);
            var now = _time.GetUtcNow();
            var closes = now + DurationOf(question);
            var updated = campaign with
            {
                Questions = [.. campaign.Questions, question],
                ClosesAt = closes > campaign.ClosesAt ? closes : campaign.ClosesAt,
            };
            try
            {
                await PublishAsync(updated, plans, publications, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                updated = updated with { Publications = publications };
                await SaveCampaignAsync(updated, CancellationToken.None).ConfigureAwait(false);
            }

            return updated;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads a campaign.</summary>
    /// <param name="campaignId">The campaign id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The campaign, or <see langword="null"/>.</returns>
    public async Task<OpinionCampaign?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        var json = await _store.GetDocumentAsync(CampaignsCollection, campaignId, cancellationToken).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<OpinionCampaign>(json, Json);
    }

    /// <summary>Closes a campaign now: votes written later are not counted. Closing a closed campaign changes nothing.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The closed campaign.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    public async Task<OpinionCampaign> CloseAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
            if (campaign.Status == CampaignStatus.Closed)
            {
                return campaign;
            }

            var now = _time.GetUtcNow();
            campaign = campaign with { Status = CampaignStatus.Closed, ClosedAt = now < campaign.ClosesAt ? now : campaign.ClosesAt };
            await SaveCampaignAsync(campaign, cancellationToken).ConfigureAwait(false);
            return campaign;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Records an answer that reached the company outside the public thread (a direct-message survey, a form).
    /// It is moderated like every other response and counted under the same one-person-one-vote rule.
    /// </summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="answer">The answer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored response with its moderation verdict.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign, the campaign is closed, or the answer names an unknown network, question or option.</exception>
    public async Task<OpinionResponse> SubmitResponseAsync(string campaignId, SubmittedAnswer answer, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        ArgumentNullException.ThrowIfNull(answer);
        CoCreationGuard.NotBlank(answer.Network, "SubmittedAnswer.Network");
        CoCreationGuard.NotBlank(answer.AuthorSubject, "SubmittedAnswer.AuthorSubject");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireOpenAsync(campaignId, cancellationToken).ConfigureAwait(false);
            if (!campaign.Networks.Contains(answer.Network, StringComparer.Ordinal))
            {
                throw new CoCreationValidationException("SubmittedAnswer.Network", $"'{answer.Network}' is not a network of campaign {campaignId}.");
            }

            if (answer.QuestionIndex < 0 || answer.QuestionIndex >= campaign.Questions.Count)
            {
                throw new CoCreationValidationException("SubmittedAnswer.QuestionIndex", $"must be between 0 and {campaign.Questions.Count - 1} (was {answer.QuestionIndex}).");
            }

            var question = campaign.Questions[answer.QuestionIndex];
            if (answer.OptionIndexes is null || answer.OptionIndexes.Count == 0)
            {
                throw new CoCreationValidationException("SubmittedAnswer.OptionIndexes", "must choose at least one option.");
            }

            if (answer.OptionIndexes.Count > 1 && !question.AllowMultiple)
            {
                throw new CoCreationValidationException("SubmittedAnswer.OptionIndexes", "the question allows one choice.");
            }

            for (var i = 0; i < answer.OptionIndexes.Count; i++)
            {
                if (answer.OptionIndexes[i] < 0 || answer.OptionIndexes[i] >= question.Options.Count)
                {
                    throw new CoCreationValidationException($"SubmittedAnswer.OptionIndexes[{i}]", $"must be between 0 and {question.Options.Count - 1} (was {answer.OptionIndexes[i]}).");
                }
            }

            var now = _time.GetUtcNow();
            var post = new SnsPost
            {
                Id = "api-" + Guid.NewGuid().ToString("N")[..16],
                Network = answer.Network,
                AuthorSubject = answer.AuthorSubject,
                AuthorHandle = answer.AuthorHandle ?? answer.AuthorSubject,
                Text = answer.Text ?? string.Join(", ", answer.OptionIndexes.Select(o => (o + 1).ToString(CultureInfo.InvariantCulture))),
                CreatedAt = now,
            };
            var identity = await new RespondentResolver(_identities).ResolveAsync(answer.Network, answer.AuthorSubject, cancellationToken).ConfigureAwait(false);
            var context = await SeededContextAsync(campaignId, cancellationToken).ConfigureAwait(false);
            var verdict = await _moderation.EvaluateAsync(new ModerationItem { Post = post, AuthorKey = identity.Key }, context, cancellationToken).ConfigureAwait(false);
            var response = new OpinionResponse
            {
                CampaignId = campaignId,
                QuestionIndex = answer.QuestionIndex,
                Network = answer.Network,
                ItemId = post.Id,
                Kind = ResponseKind.Submitted,
                AuthorSubject = answer.AuthorSubject,
                AuthorHandle = answer.AuthorHandle,
                ParticipantId = identity.ParticipantId,
                RespondentKey = identity.Key,
                OptionIndexes = answer.OptionIndexes.Distinct().ToList(),
                Text = answer.Text ?? "",
                CreatedAt = now,
                Moderation = verdict,
            };
            await _store.ApplyAsync(new StoreChanges().PutDocument(ResponsesCollection(campaignId), ResponseKey(response), JsonSerializer.Serialize(response, Json)), cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Collects what arrived since the last run: native poll counts, replies to every question post, and public
    /// posts matching the campaign's keywords. Each source is read page by page from its stored cursor, and every
    /// page is stored with its cursor in one change, so an interrupted run resumes where it stopped and reading
    /// the same item twice stores it once. Every new item is moderated before it is stored.
    /// </summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the run did; a source that failed is named in <see cref="CollectionReport.Errors"/> and the others are still read.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    /// <remarks>Collecting a closed campaign is allowed: it picks up votes cast before closing; later ones are stored but not counted.</remarks>
    public async Task<CollectionReport> CollectAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
            var run = new CollectionRun(this, campaign, await SeededContextAsync(campaignId, cancellationToken).ConfigureAwait(false));
            await run.LoadKnownAsync(cancellationToken).ConfigureAwait(false);
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return run.Report();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The campaign's stored responses (accepted and held back), oldest first, paged; the continuation token is an offset.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The responses.</returns>
    public AsyncPageable<OpinionResponse> GetResponsesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        IReadOnlyList<OpinionResponse>? loaded = null;
        return AsyncPageable<OpinionResponse>.Create(async (token, hint, ct) =>
        {
            loaded ??= await LoadResponsesAsync(campaignId, ct).ConfigureAwait(false);
            var offset = token is null ? 0 : int.Parse(token, CultureInfo.InvariantCulture);
            var size = Math.Clamp(hint ?? 100, 1, 1000);
            var values = loaded.Skip(offset).Take(size).ToList();
            var next = offset + values.Count < loaded.Count ? (offset + values.Count).ToString(CultureInfo.InvariantCulture) : null;
            return new Page<OpinionResponse>(values, next);
        }, cancellationToken);
    }

    /// <summary>The native polls' latest counts.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts.</returns>
    public async Task<IReadOnlyList<PollTally>> GetPollTalliesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        var documents = await _store.ListDocumentsAsync(TalliesCollection(campaignId), cancellationToken).ConfigureAwait(false);
        return documents.Select(d => JsonSerializer.Deserialize<PollTally>(d.Value, Json)!).ToList();
    }

    /// <summary>Computes the campaign's statistics from what was collected so far.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="options">Settings; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    public async Task<CampaignStatistics> GetStatisticsAsync(string campaignId, StatisticsOptions? options = null, CancellationToken cancellationToken = default)
    {
        var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var responses = await LoadResponsesAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var tallies = await GetPollTalliesAsync(campaignId, cancellationToken).ConfigureAwait(false);
        options = (options ?? new StatisticsOptions()) with { ComputedAt = options?.ComputedAt ?? _time.GetUtcNow() };
        return CampaignStatistics.Compute(campaign, responses, tallies, options);
    }

    /// <summary>
    /// Erasure: every response of the person (by participant id, or by one of their SNS identities when it was
    /// collected before they linked it) keeps its key, kind, question and chosen options, so the vote still counts
    /// once and the post is not collected again, but loses everything that names or quotes them: the account id and
    /// handle become the anonymous id and nothing, the text is emptied, and the respondent key becomes the anonymous id.
    /// </summary>
    internal static async Task EraseResponsesAsync(ICoCreationStore store, ParticipantErasure erasure, CancellationToken cancellationToken)
    {
        foreach (var (campaignId, _) in await store.ListDocumentsAsync(CampaignsCollection, cancellationToken).ConfigureAwait(false))
        {
            foreach (var (key, json) in await store.ListDocumentsAsync(ResponsesCollection(campaignId), cancellationToken).ConfigureAwait(false))
            {
                var response = JsonSerializer.Deserialize<OpinionResponse>(json, Json)!;
                if (response.ParticipantId != erasure.Participant.Id && !erasure.IsOwnIdentity(response.Network, response.AuthorSubject))
                {
                    continue;
                }

                erasure.AddPersonalValue(response.AuthorHandle);
                var anonymous = response with
                {
                    AuthorSubject = erasure.AnonymousId,
                    AuthorHandle = null,
                    ParticipantId = null,
                    RespondentKey = erasure.AnonymousId,
                    Text = "",
                    Moderation = response.Moderation with { Reason = erasure.Redact(response.Moderation.Reason) },
                };
                erasure.Changes.PutDocument(ResponsesCollection(campaignId), key, JsonSerializer.Serialize(anonymous, Json));
            }
        }
    }

    internal static string ResponsesCollection(string campaignId) => "opinions.responses." + campaignId;

    internal static string TalliesCollection(string campaignId) => "opinions.tallies." + campaignId;

    internal static string ResponseKey(OpinionResponse response) => response.Network + "|" + response.ItemId;

    private static TimeSpan DurationOfDefault(OpinionQuestion question, TimeSpan fallback) => question.Duration ?? fallback;

    private TimeSpan DurationOf(OpinionQuestion question) => DurationOfDefault(question, _options.DefaultVotingDuration);

    private static void ValidateQuestion(OpinionQuestion? question, string field)
    {
        if (question is null)
        {
            throw new CoCreationValidationException(field, "must not be null.");
        }

        CoCreationGuard.NotBlank(question.Text, field + ".Text");
        if (question.Options is null || question.Options.Count < 2)
        {
            throw new CoCreationValidationException(field + ".Options", $"needs at least 2 options (got {question.Options?.Count ?? 0}).");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var o = 0; o < question.Options.Count; o++)
        {
            CoCreationGuard.NotBlank(question.Options[o], $"{field}.Options[{o}]");
            if (!seen.Add(question.Options[o].Trim()))
            {
                throw new CoCreationValidationException($"{field}.Options[{o}]", $"repeats the option '{question.Options[o].Trim()}'.");
            }
        }

        if (question.Duration is { } duration && duration <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(field + ".Duration", "must be longer than zero.");
        }
    }

    private List<string> ResolveNetworks(IReadOnlyList<string>? requested)
    {
        var registered = _providers.SnsNetworks;
        if (requested is null || requested.Count == 0)
        {
            if (registered.Count == 0)
            {
                throw new CoCreationValidationException("OpinionCampaignRequest.Networks", "no SNS network is registered.");
            }

            return registered.ToList();
        }

        var result = new List<string>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var name = CoCreationGuard.NotBlank(requested[i], $"Networks[{i}]").Trim();
            if (!registered.Contains(name, StringComparer.Ordinal))
            {
                throw new CoCreationValidationException($"Networks[{i}]", $"'{name}' is not a registered SNS network (registered: {string.Join(", ", registered)}).");
            }

            if (result.Contains(name, StringComparer.Ordinal))
            {
                throw new CoCreationValidationException($"Networks[{i}]", $"repeats the network '{name}'.");
            }

            result.Add(name);
        }

        return result;
    }

    private List<(int QuestionIndex, VotePlan Plan)> PlanAll(OpinionCampaign campaign, int firstIndex, IReadOnlyList<OpinionQuestion> questions)
    {
        var plans = new List<(int, VotePlan)>();
        foreach (var network in campaign.Networks)
        {
            var capabilities = _providers.GetSns(network).Capabilities;
            for (var i = 0; i < questions.Count; i++)
            {
                var index = firstIndex + i;
                plans.Add((index, VotePlanner.Plan(network, capabilities, questions[i], DurationOf(questions[i]), campaign.Language, $"Questions[{index}]")));
            }
        }

        return plans;
    }

    private async Task PublishAsync(OpinionCampaign campaign, List<(int QuestionIndex, VotePlan Plan)> plans, List<CampaignPublication> publications, CancellationToken cancellationToken)
    {
        foreach (var (index, plan) in plans)
        {
            var connector = _providers.GetSns(plan.Network);
            var question = campaign.Questions[index];
            var key = $"{campaign.Id}:{index}:{plan.Network}";
            if (plan.Method == VoteMethod.NativePoll)
            {
                var poll = await connector.CreatePollAsync(
                    new PollRequest
                    {
                        Question = question.Text.Trim(),
                        Options = question.Options.Select(o => o.Trim()).ToList(),
                        Duration = DurationOf(question),
                        AllowMultiple = question.AllowMultiple,
                        IdempotencyKey = key,
                    },
                    cancellationToken).ConfigureAwait(false);
                publications.Add(new CampaignPublication { Network = plan.Network, QuestionIndex = index, Method = VoteMethod.NativePoll, PostId = poll.Post.Id, PollId = poll.Id, Reason = plan.Reason, BrandSubject = poll.Post.AuthorSubject });
            }
            else
            {
                // Numbered questions of a survey follow each other in one thread on each network.
                var previous = publications.LastOrDefault(p => p.Network == plan.Network && p.Method == VoteMethod.NumberedReplies);
                var post = await connector.PublishAsync(
                    new PostRequest { Text = plan.Text, InReplyToId = previous?.PostId, Language = campaign.Language, IdempotencyKey = key },
                    cancellationToken).ConfigureAwait(false);
                publications.Add(new CampaignPublication { Network = plan.Network, QuestionIndex = index, Method = VoteMethod.NumberedReplies, PostId = post.Id, Reason = plan.Reason, BrandSubject = post.AuthorSubject });
            }
        }
    }

    private async Task<List<(string Network, SnsLink Link)>> PlanDirectMessagesAsync(OpinionCampaign campaign, IReadOnlyList<string> participants, CancellationToken cancellationToken)
    {
        if (participants.Count == 0)
        {
            throw new CoCreationValidationException("OpinionCampaignRequest.OptedInParticipants", "a direct-message survey needs at least one opted-in participant.");
        }

        var text = SurveyMessage(campaign);
        var targets = new List<(string, SnsLink)>();
        for (var i = 0; i < participants.Count; i++)
        {
            var field = $"OptedInParticipants[{i}]";
            CoCreationGuard.NotBlank(participants[i], field);
            var participant = await _identities.GetAsync(participants[i], cancellationToken).ConfigureAwait(false)
                ?? throw new CoCreationValidationException(field, $"no participant '{participants[i]}'.");
            SnsLink? chosen = null;
            foreach (var network in campaign.Networks)
            {
                var capabilities = _providers.GetSns(network).Capabilities;
                var link = participant.SnsLinks.FirstOrDefault(l => l.Network == network);
                if (link is not null && capabilities.SupportsDirectMessages && CoCreationGuard.TextLength(text) <= capabilities.MaxPostLength)
                {
                    chosen = link;
                    break;
                }
            }

            if (chosen is null)
            {
                throw new CoCreationValidationException(field, $"participant '{participants[i]}' has no linked campaign network that takes a direct message of {CoCreationGuard.TextLength(text)} characters. Nothing was sent.");
            }

            targets.Add((chosen.Network, chosen));
        }

        return targets;
    }

    private async Task<List<CampaignPublication>> SendDirectMessagesAsync(OpinionCampaign campaign, List<(string Network, SnsLink Link)> targets, CancellationToken cancellationToken)
    {
        var text = SurveyMessage(campaign);
        var sent = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (network, link) in targets)
        {
            await _providers.GetSns(network).SendDirectMessageAsync(
                new DirectMessageRequest { RecipientSubject = link.Subject, RecipientHandle = link.Handle, Text = text, IdempotencyKey = $"{campaign.Id}:dm:{network}:{link.Subject}" },
                cancellationToken).ConfigureAwait(false);
            sent[network] = sent.GetValueOrDefault(network) + 1;
        }

        var publications = new List<CampaignPublication>();
        foreach (var (network, count) in sent)
        {
            for (var q = 0; q < campaign.Questions.Count; q++)
            {
                publications.Add(new CampaignPublication { Network = network, QuestionIndex = q, Method = VoteMethod.DirectMessage, Reason = "direct-message survey to opted-in participants", MessagesSent = count });
            }
        }

        return publications;
    }

    private static string SurveyMessage(OpinionCampaign campaign)
    {
        var builder = new StringBuilder(campaign.Title).Append('\n');
        for (var q = 0; q < campaign.Questions.Count; q++)
        {
            builder.Append("\nQ").Append(q + 1).Append(". ").Append(VotePlanner.NumberedText(campaign.Questions[q], campaign.Language)).Append('\n');
        }

        return builder.ToString().TrimEnd();
    }

    private async Task<OpinionCampaign> RequireAsync(string campaignId, CancellationToken cancellationToken)
        => await GetAsync(campaignId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(campaignId), $"no campaign '{campaignId}'.");

    private async Task<OpinionCampaign> RequireOpenAsync(string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
        if (campaign.Status == CampaignStatus.Closed || _time.GetUtcNow() >= campaign.ClosesAt)
        {
            throw new CoCreationValidationException(nameof(campaignId), $"campaign '{campaignId}' is closed.");
        }

        return campaign;
    }

    private Task SaveCampaignAsync(OpinionCampaign campaign, CancellationToken cancellationToken)
        => _store.ApplyAsync(new StoreChanges().PutDocument(CampaignsCollection, campaign.Id, JsonSerializer.Serialize(campaign, Json)), cancellationToken);

    private async Task<List<OpinionResponse>> LoadResponsesAsync(string campaignId, CancellationToken cancellationToken)
    {
        var documents = await _store.ListDocumentsAsync(ResponsesCollection(campaignId), cancellationToken).ConfigureAwait(false);
        return documents
            .Select(d => JsonSerializer.Deserialize<OpinionResponse>(d.Value, Json)!)
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Network, StringComparer.Ordinal)
            .ThenBy(r => r.ItemId, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<ModerationContext> SeededContextAsync(string campaignId, CancellationToken cancellationToken)
    {
        var context = _moderation.CreateContext();
        foreach (var response in await LoadResponsesAsync(campaignId, cancellationToken).ConfigureAwait(false))
        {
            if (response.Moderation.Accepted)
            {
                context.Remember(response.RespondentKey, ModerationContext.Normalize(response.Text));
            }
        }

        return context;
    }

    /// <summary>One collection run over all sources of a campaign.</summary>
    private sealed class CollectionRun(OpinionCampaigns owner, OpinionCampaign campaign, ModerationContext context)
    {
        private readonly Dictionary<string, int?> _known = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ownPosts = new(campaign.Publications.Where(p => p.PostId is not null).Select(p => p.Network + "|" + p.PostId), StringComparer.Ordinal);
        private readonly RespondentResolver _resolver = new(owner._identities);
        private readonly List<string> _errors = [];
        private int _new;
        private int _filtered;
        private int _polls;
        private int _pages;
        private bool _hasMore;

        public async Task LoadKnownAsync(CancellationToken cancellationToken)
        {
            foreach (var (id, json) in await owner._store.ListDocumentsAsync(ResponsesCollection(campaign.Id), cancellationToken).ConfigureAwait(false))
            {
                _known[id] = JsonSerializer.Deserialize<OpinionResponse>(json, Json)!.QuestionIndex;
            }
        }

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            foreach (var publication in campaign.Publications)
            {
                if (publication.Method == VoteMethod.DirectMessage || publication.PostId is null)
                {
                    continue;
                }

                var connector = owner._providers.GetSns(publication.Network);
                await GuardAsync(publication.Network, async () =>
                {
                    if (publication is { Method: VoteMethod.NativePoll, PollId: { } pollId })
                    {
                        await ReadPollAsync(connector, publication, pollId, cancellationToken).ConfigureAwait(false);
                    }

                    if (connector.Capabilities.SupportsReplies)
                    {
                        await ReadRepliesAsync(connector, publication, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            }

            foreach (var network in campaign.Networks)
            {
                var connector = owner._providers.GetSns(network);
                if (!connector.Capabilities.SupportsSearch)
                {
                    continue;
                }

                foreach (var keyword in campaign.Keywords)
                {
                    await GuardAsync(network, () => SearchAsync(connector, keyword, cancellationToken)).ConfigureAwait(false);
                }
            }
        }

        public CollectionReport Report() => new()
        {
            CampaignId = campaign.Id,
            NewResponses = _new,
            NewlyFiltered = _filtered,
            PollsRead = _polls,
            PagesRead = _pages,
            HasMore = _hasMore,
            Errors = _errors,
        };

        private async Task GuardAsync(string network, Func<Task> read)
        {
            try
            {
                await read().ConfigureAwait(false);
            }
            catch (CoCreationException ex) when (ex is not CoCreationValidationException)
            {
                // One failing network must not stop the others; its cursor stays where it was.
                _errors.Add($"{network}: {ErrorText.Describe(ex)}");
            }
        }

        private async Task ReadPollAsync(ISnsConnector connector, CampaignPublication publication, string pollId, CancellationToken cancellationToken)
        {
            var results = await connector.GetPollResultsAsync(pollId, cancellationToken).ConfigureAwait(false);
            var tally = new PollTally
            {
                Network = publication.Network,
                QuestionIndex = publication.QuestionIndex,
                PollId = pollId,
                Counts = results.Options.Select(o => o.Votes).ToList(),
                VotersCount = results.VotersCount,
                ReadAt = owner._time.GetUtcNow(),
                IsClosed = results.IsClosed,
            };
            await owner._store.ApplyAsync(
                new StoreChanges().PutDocument(TalliesCollection(campaign.Id), $"{publication.Network}|{publication.QuestionIndex}", JsonSerializer.Serialize(tally, Json)),
                cancellationToken).ConfigureAwait(false);
            _polls++;
        }

        private async Task ReadRepliesAsync(ISnsConnector connector, CampaignPublication publication, CancellationToken cancellationToken)
        {
            var cursorKey = $"opinions:{campaign.Id}:replies:{publication.Network}:{publication.PostId}";
            var cursor = await owner._store.GetCursorAsync(cursorKey, cancellationToken).ConfigureAwait(false);
            var question = campaign.Questions[publication.QuestionIndex];

            // Replies below this question: direct replies, and replies to those. Later questions of a survey
            // thread are replies too, and what lies below them belongs to them.
            var thread = new HashSet<string>(StringComparer.Ordinal) { publication.PostId! };
            var pages = 0;
            await foreach (var page in connector.GetRepliesAsync(publication.PostId!, cancellationToken).AsPages(string.IsNullOrEmpty(cursor) ? null : cursor).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var changes = new StoreChanges();
                foreach (var post in page.Values)
                {
                    if (post.InReplyToId is null || !InThread(thread, publication, post.InReplyToId) || IsOwn(publication.Network, post, publication.BrandSubject))
                    {
                        continue;
                    }

                    thread.Add(post.Id);
                    var direct = post.InReplyToId == publication.PostId;
                    var options = direct && publication.Method == VoteMethod.NumberedReplies
                        ? NumberedReplyParser.Parse(post.Text, question.Options.Count, question.AllowMultiple)
                        : [];
                    await AddAsync(changes, post, publication.QuestionIndex, options.Count > 0 ? ResponseKind.Vote : ResponseKind.Reply, options, cancellationToken).ConfigureAwait(false);
                }

                pages++;
                _pages++;

                // The last page has no token; keeping the previous one means the next run re-reads that page
                // (stored items are skipped) and then sees replies added since.
                if (page.ContinuationToken is not null)
                {
                    changes.SetCursor(cursorKey, page.ContinuationToken);
                }

                if (!changes.IsEmpty)
                {
                    await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                }

                if (page.ContinuationToken is not null && pages >= owner._options.MaxPagesPerCollect)
                {
                    _hasMore = true;
                    break;
                }
            }
        }

        private async Task SearchAsync(ISnsConnector connector, string keyword, CancellationToken cancellationToken)
        {
            // Search runs newest first, so a page token cannot see posts that arrive later. A walk therefore
            // goes from the top down to the newest time a finished walk reached ("since"); a walk cut short by
            // the page limit stores its page token, the newest time it saw and the since it ran with
            // ("resume"), and the next run finishes it before "since" moves on. Posts are keyed by id, so
            // reading one twice stores it once.
            var network = connector.Metadata.Name;
            var sinceKey = $"opinions:{campaign.Id}:search:{network}:{keyword}";
            var resumeKey = sinceKey + ":resume";
            var stored = await owner._store.GetCursorAsync(sinceKey, cancellationToken).ConfigureAwait(false);
            var since = string.IsNullOrEmpty(stored) ? campaign.StartedAt : ParseTime(stored);
            var newest = since;
            string? token = null;
            var resume = await owner._store.GetCursorAsync(resumeKey, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(resume) && resume.Split('\n') is [var resumeSince, var resumeNewest, var resumeToken])
            {
                since = ParseTime(resumeSince);
                newest = ParseTime(resumeNewest);
                token = resumeToken;
            }

            var pages = 0;
            await foreach (var page in connector.SearchAsync(new SearchQuery { Text = keyword, Since = since }, cancellationToken).AsPages(token).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var changes = new StoreChanges();
                foreach (var post in page.Values)
                {
                    if (IsOwn(network, post, null) || campaign.Publications.Any(p => p.Network == network && p.BrandSubject == post.AuthorSubject))
                    {
                        continue;
                    }

                    if (post.CreatedAt > newest)
                    {
                        newest = post.CreatedAt;
                    }

                    await AddAsync(changes, post, null, ResponseKind.SearchHit, [], cancellationToken).ConfigureAwait(false);
                }

                pages++;
                _pages++;
                if (page.ContinuationToken is null)
                {
                    changes.SetCursor(sinceKey, FormatTime(newest)).SetCursor(resumeKey, "");
                    await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                    break;
                }

                changes.SetCursor(resumeKey, string.Join('\n', FormatTime(since), FormatTime(newest), page.ContinuationToken));
                await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                if (pages >= owner._options.MaxPagesPerCollect)
                {
                    _hasMore = true;
                    break;
                }
            }
        }

        private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        private static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

        // A parent read in an earlier run is known from the store; one read in this run is in the set.
        private bool InThread(HashSet<string> thread, CampaignPublication publication, string parentId)
            => thread.Contains(parentId)
                || (_known.TryGetValue(publication.Network + "|" + parentId, out var question) && question == publication.QuestionIndex);

        private bool IsOwn(string network, SnsPost post, string? brandSubject)
            => _ownPosts.Contains(network + "|" + post.Id) || (brandSubject is not null && post.AuthorSubject == brandSubject);

        private async Task AddAsync(StoreChanges changes, SnsPost post, int? questionIndex, ResponseKind kind, IReadOnlyList<int> options, CancellationToken cancellationToken)
        {
            var key = post.Network + "|" + post.Id;
            if (!_known.TryAdd(key, questionIndex))
            {
                return;
            }

            var identity = await _resolver.ResolveAsync(post.Network, post.AuthorSubject, cancellationToken).ConfigureAwait(false);
            var verdict = await owner._moderation.EvaluateAsync(new ModerationItem { Post = post, AuthorKey = identity.Key }, context, cancellationToken).ConfigureAwait(false);
            var response = new OpinionResponse
            {
                CampaignId = campaign.Id,
                QuestionIndex = questionIndex,
                Network = post.Network,
                ItemId = post.Id,
                Kind = kind,
                AuthorSubject = post.AuthorSubject,
                AuthorHandle = post.AuthorHandle,
                ParticipantId = identity.ParticipantId,
                RespondentKey = identity.Key,
                OptionIndexes = options,
                Text = post.Text,
                CreatedAt = post.CreatedAt,
                Moderation = verdict,
            };
            changes.PutDocument(ResponsesCollection(campaign.Id), key, JsonSerializer.Serialize(response, Json));
            _new++;
            if (!verdict.Accepted)
            {
                _filtered++;
            }
        }
    }
}

/// <summary>Ties SNS accounts to people through the identity map, asking once per account.</summary>
internal sealed class RespondentResolver(IIdentityMap identities)
{
    private readonly Dictionary<(string, string), (string Key, string? ParticipantId)> _cache = [];

    public async Task<(string Key, string? ParticipantId)> ResolveAsync(string network, string subject, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((network, subject), out var known))
        {
            return known;
        }

        var participant = await identities.FindBySnsAsync(network, subject, cancellationToken).ConfigureAwait(false);
        var result = participant is null ? ($"sns:{network}:{subject}", (string?)null) : (participant.Id, participant.Id);
        _cache[(network, subject)] = result;
        return result;
    }
}
