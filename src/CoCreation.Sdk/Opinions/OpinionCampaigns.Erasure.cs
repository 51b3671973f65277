namespace CoCreation.Sdk.Opinions;

// Erasure: anonymising a person's responses in every campaign.
public sealed partial class OpinionCampaigns
{
    /// <summary>
    /// Erasure: every response of the person (by participant id, or by one of their SNS identities when it was
    /// collected before they linked it) keeps its key, kind, question and chosen options, so the vote still counts
    /// once and the post is not collected again, but loses everything that names or quotes them: the account id and
    /// handle become the anonymous id and nothing, the text is emptied, and the respondent key becomes the anonymous id.
    /// </summary>
    internal static async Task EraseResponsesAsync(ICoCreationStore store, ParticipantErasure erasure, CancellationToken cancellationToken, string? instance = null)
    {
        foreach (var (campaignId, _) in await store.ListDocumentsAsync(CampaignsCollectionOf(instance), cancellationToken).ConfigureAwait(false))
        {
            foreach (var (key, json) in await store.ListDocumentsAsync(ResponsesCollection(campaignId, instance), cancellationToken).ConfigureAwait(false))
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
                erasure.Changes.PutDocument(ResponsesCollection(campaignId, instance), key, JsonSerializer.Serialize(anonymous, Json));
            }
        }
    }

    /// <summary>Export: the same responses erasure anonymises (by participant id, or by one of their SNS identities), whole.</summary>
    internal static async Task ExportResponsesAsync(ICoCreationStore store, ParticipantExportBuilder export, CancellationToken cancellationToken, string? instance = null)
    {
        foreach (var (campaignId, _) in await store.ListDocumentsAsync(CampaignsCollectionOf(instance), cancellationToken).ConfigureAwait(false))
        {
            var collection = ResponsesCollection(campaignId, instance);
            foreach (var (key, json) in await store.ListDocumentsAsync(collection, cancellationToken).ConfigureAwait(false))
            {
                var response = JsonSerializer.Deserialize<OpinionResponse>(json, Json)!;
                if (response.ParticipantId == export.Participant.Id || export.IsOwnIdentity(response.Network, response.AuthorSubject))
                {
                    export.Add(ModuleName, collection, key, response);
                }
            }
        }
    }
}
