namespace CoCreation.Sdk.CommunityProducts;

// Sales: listings, prices and terms, promotion, shipping, refunds and stock.
public sealed partial class CommunityProductProgram
{
    /// <summary>
    /// Step 6: the company lists the finished product in its shop and gives the designer shop access
    /// (the seller role) so that they can set price and terms.
    /// </summary>
    /// <param name="designId">The accepted design.</param>
    /// <param name="openingPrice">The opening price.</param>
    /// <param name="terms">The opening terms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing.</returns>
    /// <exception cref="CoCreationValidationException">The price is zero or negative.</exception>
    public async Task<Listing> ListProductAsync(string designId, Money openingPrice, string terms, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(designId, nameof(designId));
        CoCreationGuard.PositivePrice(openingPrice, nameof(openingPrice));
        ArgumentNullException.ThrowIfNull(terms);
        var commerce = Commerce;
        var design = await Production.GetDesignAsync(designId, cancellationToken).ConfigureAwait(false);
        if (design.Status != DesignStatus.Accepted || design.ProductId is null)
        {
            throw new CoCreationConflictException($"Design {designId} is not accepted; only accepted designs can be listed.");
        }

        var designer = await ParticipantOfAccountAsync(design.DesignerAccountId, cancellationToken).ConfigureAwait(false);
        var listing = await commerce.CreateListingAsync(
            new ListingRequest { ProductId = design.ProductId, OwnerAccountId = design.DesignerAccountId, Title = design.Title, Price = openingPrice, Terms = terms },
            cancellationToken).ConfigureAwait(false);
        await _store.ApplyAsync(
            new StoreChanges().PutDocument(_listings, listing.Id, JsonSerializer.Serialize(new ListingOwner(listing.OwnerAccountId), Json)),
            cancellationToken).ConfigureAwait(false);
        await GrantAsync(designer.Id, EnterpriseRoles.Seller, $"listing {listing.Id} opened", cancellationToken).ConfigureAwait(false);
        return listing;
    }

    /// <summary>Step 7: the designer sets the sale price and terms.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="price">The price, above zero.</param>
    /// <param name="terms">The terms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing.</returns>
    /// <exception cref="CoCreationValidationException">The price is zero or negative.</exception>
    /// <exception cref="AccessDeniedException">The session has no active seller grant.</exception>
    public async Task<Listing> SetPriceAndTermsAsync(ParticipantSession session, string listingId, Money price, string terms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        CoCreationGuard.PositivePrice(price, nameof(price));
        CoCreationGuard.NotBlank(terms, nameof(terms));
        var commerce = Commerce;
        var actor = await ActorAsync(session, EnterpriseRoles.Seller, cancellationToken).ConfigureAwait(false);
        return await commerce.UpdateListingAsync(actor, listingId, new ListingUpdate(price, terms), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step 8: the designer promotes their product on the network they signed in with, as themselves.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="memberCredential">The designer's own credential on that network (used for this post only, never stored).</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="text">The post.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The post.</returns>
    /// <exception cref="AccessDeniedException">The session has no active seller grant.</exception>
    public async Task<SnsPost> PromoteListingAsync(ParticipantSession session, SnsCredential memberCredential, string listingId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(memberCredential);
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        CoCreationGuard.NotBlank(text, nameof(text));
        await ActorAsync(session, EnterpriseRoles.Seller, cancellationToken).ConfigureAwait(false);
        var connector = _providers.GetSns(session.Identity.Network);
        var listing = await Commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        if (listing.Status != ListingStatus.Active)
        {
            throw new CoCreationConflictException($"Listing {listingId} is not on sale.");
        }

        // The post must come from the signed-in person, not from whoever holds the credential.
        var author = await connector.VerifyCredentialsAsync(memberCredential, cancellationToken).ConfigureAwait(false);
        if (author.Subject != session.Identity.Subject)
        {
            throw new CredentialException(connector.Metadata.Name, "The credential belongs to a different account than the session.");
        }

        return await connector.PublishAsync(new PostRequest { Text = text, Author = memberCredential }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step 10: the company ships a sale; the designer hears of it over SNS.</summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">Carrier and tracking number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shipment.</returns>
    public Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(saleId, nameof(saleId));
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Carrier, "ShipmentRequest.Carrier");
        CoCreationGuard.NotBlank(request.TrackingNumber, "ShipmentRequest.TrackingNumber");
        return Commerce.ShipAsync(saleId, request, cancellationToken);
    }

    /// <summary>Step 12: sets the stock level at which the production managers and the designer are alerted.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="threshold">The level, zero or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stock level.</returns>
    public Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(productId, nameof(productId));
        CoCreationGuard.StockLevel(threshold, nameof(threshold));
        return Inventory.SetLowStockThresholdAsync(productId, threshold, cancellationToken);
    }

    /// <summary>
    /// A company operation: refunds some or all pieces of a sale (a return when <see cref="RefundRequest.Restock"/> is set,
    /// which puts the pieces back into stock). The designer hears of it over SNS when the relay next runs, and the
    /// refund is netted in the settlement of the period it falls in (see <see cref="SettleAsync"/>). Repeating the call
    /// with the same <see cref="RefundRequest.IdempotencyKey"/> returns the first refund and refunds nothing twice.
    /// </summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">How many pieces, why, whether they come back into stock, and the idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund, as the enterprise system recorded it.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The sale id, reason or key is blank; the quantity is not above zero, above <see cref="CoCreationLimits.MaxQuantity"/>
    /// or above what is left unrefunded of the sale (field <c>RefundRequest.Quantity</c>). Nothing is refunded.
    /// </exception>
    /// <exception cref="ResourceNotFoundException">No such sale.</exception>
    /// <exception cref="CoCreationConflictException">The idempotency key was used to refund another sale.</exception>
    /// <exception cref="CapabilityNotSupportedException">The enterprise system has no shop.</exception>
    public Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(saleId, nameof(saleId));
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return Commerce.RefundAsync(saleId, request, cancellationToken);
    }
}
