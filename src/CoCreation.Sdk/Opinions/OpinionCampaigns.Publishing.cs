using System.Text;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions;

// Publishing: checking, planning and publishing questions, on threads or by direct message.
public sealed partial class OpinionCampaigns
{
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
}
