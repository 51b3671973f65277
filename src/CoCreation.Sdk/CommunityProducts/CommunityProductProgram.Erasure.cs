namespace CoCreation.Sdk.CommunityProducts;

// Erasure: removing a person from the programme.
public sealed partial class CommunityProductProgram
{
    /// <summary>
    /// Erasure: the person's listings that are still on sale are taken off sale at the enterprise system (a listing
    /// without a seller cannot be priced, promoted or settled with anyone); their report subscriptions and their
    /// production-manager appointment are deleted. Sales, payouts and settlement figures stay at the enterprise system,
    /// as the company's business records, owned by the account the system anonymised; the SDK keeps no copy of them.
    /// Delisting is idempotent, so erasure can run again after a failure.
    /// </summary>
    /// <remarks>Static, with its services passed in: the identity map that calls it is itself a service of the programme.</remarks>
    internal static async Task EraseParticipantAsync(
        ICoCreationStore store, ICoCreationProviders providers, CommunityProductOptions options, ParticipantErasure erasure, CancellationToken cancellationToken, string? instance = null)
    {
        var reports = CollectionOf("reports", instance);
        var listingsCollection = CollectionOf("listings", instance);
        var managers = CollectionOf("managers", instance);
        var participantId = erasure.Participant.Id;
        var account = erasure.Participant.FindEnterpriseLink(options.EnterpriseSystem)?.AccountId;
        var listings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, json) in await store.ListDocumentsAsync(reports, cancellationToken).ConfigureAwait(false))
        {
            var subscription = JsonSerializer.Deserialize<ReportSubscription>(json, Json)!;
            if (subscription.ParticipantId == participantId)
            {
                listings.Add(subscription.ListingId);
                erasure.Changes.DeleteDocument(reports, id);
            }
        }

        if (account is not null)
        {
            foreach (var (id, json) in await store.ListDocumentsAsync(listingsCollection, cancellationToken).ConfigureAwait(false))
            {
                if (JsonSerializer.Deserialize<ListingOwner>(json, Json)!.OwnerAccountId == account)
                {
                    listings.Add(id);
                    erasure.Changes.DeleteDocument(listingsCollection, id);
                }
            }

            if (listings.Count > 0
                && providers.EnterpriseSystems.Contains(options.EnterpriseSystem, StringComparer.Ordinal)
                && providers.GetEnterprise(options.EnterpriseSystem) is ICommerceSystem commerce)
            {
                foreach (var listingId in listings.Order(StringComparer.Ordinal))
                {
                    var listing = await commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
                    if (listing.OwnerAccountId == account && listing.Status == ListingStatus.Active)
                    {
                        await commerce.DelistAsync(listingId, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        if (await store.GetDocumentAsync(managers, participantId, cancellationToken).ConfigureAwait(false) is not null)
        {
            erasure.Changes.DeleteDocument(managers, participantId);
        }
    }

    /// <summary>
    /// Export: the same records erasure looks at — the person's report subscriptions, the listings owned by their
    /// account at the programme's enterprise system, and their production-manager appointment.
    /// </summary>
    internal static async Task ExportParticipantAsync(
        ICoCreationStore store, CommunityProductOptions options, ParticipantExportBuilder export, CancellationToken cancellationToken, string? instance = null)
    {
        var reports = CollectionOf("reports", instance);
        var listingsCollection = CollectionOf("listings", instance);
        var managers = CollectionOf("managers", instance);
        var participantId = export.Participant.Id;
        foreach (var (id, json) in await store.ListDocumentsAsync(reports, cancellationToken).ConfigureAwait(false))
        {
            var subscription = JsonSerializer.Deserialize<ReportSubscription>(json, Json)!;
            if (subscription.ParticipantId == participantId)
            {
                export.Add(ModuleName, reports, id, subscription);
            }
        }

        if (export.Participant.FindEnterpriseLink(options.EnterpriseSystem)?.AccountId is { } account)
        {
            foreach (var (id, json) in await store.ListDocumentsAsync(listingsCollection, cancellationToken).ConfigureAwait(false))
            {
                var owner = JsonSerializer.Deserialize<ListingOwner>(json, Json)!;
                if (owner.OwnerAccountId == account)
                {
                    export.Add(ModuleName, listingsCollection, id, new { listingId = id, ownerAccountId = owner.OwnerAccountId, enterpriseSystem = options.EnterpriseSystem });
                }
            }
        }

        if (await store.GetDocumentAsync(managers, participantId, cancellationToken).ConfigureAwait(false) is not null)
        {
            export.Add(ModuleName, managers, participantId, new { productionManager = true, programId = options.ProgramId });
        }
    }
}
