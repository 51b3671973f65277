using System.Globalization;
using System.Text.Json;
using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions;

// Responses: answers submitted outside the public thread, moderated like the rest.
public sealed partial class OpinionCampaigns
{
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
            await _store.ApplyAsync(new StoreChanges().PutDocument(ResponsesCollection(campaignId, _instance), ResponseKey(response), JsonSerializer.Serialize(response, Json)), cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _gate.Release();
        }
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
}
