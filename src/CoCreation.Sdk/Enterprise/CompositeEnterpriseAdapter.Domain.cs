namespace CoCreation.Sdk.Enterprise;

// Production, shop and stock calls, each routed to its part, with account ids turned into the part's and back.
public sealed partial class CompositeEnterpriseAdapter
{
    private (string Name, IProductionSystem System) ProductionPart()
        => _options.ProductionSystem is { } part && Part(part) is IProductionSystem system
            ? (part, system)
            : throw new CapabilityNotSupportedException(_name, "production (IProductionSystem)");

    private (string Name, ICommerceSystem System) CommercePart()
        => _options.CommerceSystem is { } part && Part(part) is ICommerceSystem system
            ? (part, system)
            : throw new CapabilityNotSupportedException(_name, "a shop (ICommerceSystem)");

    private (string Name, IInventorySystem System) InventoryPart()
        => _options.InventorySystem is { } part && Part(part) is IInventorySystem system
            ? (part, system)
            : throw new CapabilityNotSupportedException(_name, "inventory (IInventorySystem)");

    /// <inheritdoc />
    public async Task<Design> SubmitDesignAsync(EnterpriseAccount designer, DesignSubmission submission, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        var account = await AccountAtAsync(part, designer, cancellationToken).ConfigureAwait(false);
        return await ToCompositeAsync(part, await production.SubmitDesignAsync(account, submission, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        return await ToCompositeAsync(part, await production.ReviewDesignAsync(designId, review, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Design> GetDesignAsync(string designId, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        return await ToCompositeAsync(part, await production.GetDesignAsync(designId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ProductionOrder> RequestProductionAsync(EnterpriseAccount requester, ProductionRequest request, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        var account = await AccountAtAsync(part, requester, cancellationToken).ConfigureAwait(false);
        return await ToCompositeAsync(part, await production.RequestProductionAsync(account, request, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>An order that completes with this call is booked into the inventory part's stock the next time events are read (or when its product is listed).</remarks>
    public async Task<ProductionOrder> ReportProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        return await ToCompositeAsync(part, await production.ReportProgressAsync(orderId, update, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ProductionOrder> GetProductionOrderAsync(string orderId, CancellationToken cancellationToken = default)
    {
        var (part, production) = ProductionPart();
        return await ToCompositeAsync(part, await production.GetProductionOrderAsync(orderId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Completed production orders of the product that wait for the listing are booked into the shop's stock right after it is created.</remarks>
    public async Task<Listing> CreateListingAsync(ListingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (part, commerce) = CommercePart();
        var owner = await PartIdAsync(part, request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var listing = await commerce.CreateListingAsync(request with { OwnerAccountId = owner }, cancellationToken).ConfigureAwait(false);
        await BookWaitingIntakesAsync(listing.ProductId, cancellationToken).ConfigureAwait(false);
        return await ToCompositeAsync(part, listing, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Listing> UpdateListingAsync(EnterpriseAccount actor, string listingId, ListingUpdate update, CancellationToken cancellationToken = default)
    {
        var (part, commerce) = CommercePart();
        var account = await AccountAtAsync(part, actor, cancellationToken).ConfigureAwait(false);
        return await ToCompositeAsync(part, await commerce.UpdateListingAsync(account, listingId, update, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Listing> GetListingAsync(string listingId, CancellationToken cancellationToken = default)
    {
        var (part, commerce) = CommercePart();
        return await ToCompositeAsync(part, await commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Listing> DelistAsync(string listingId, CancellationToken cancellationToken = default)
    {
        var (part, commerce) = CommercePart();
        return await ToCompositeAsync(part, await commerce.DelistAsync(listingId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SaleRecord>> GetSalesAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        => CommercePart().System.GetSalesAsync(listingId, from, to, cancellationToken);

    /// <inheritdoc />
    public Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
        => CommercePart().System.ShipAsync(saleId, request, cancellationToken);

    /// <inheritdoc />
    public Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
        => CommercePart().System.RefundAsync(saleId, request, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Refund>> GetRefundsAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        => CommercePart().System.GetRefundsAsync(listingId, from, to, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// With a <see cref="CompositeEnterpriseOptions.PayoutSystem"/>, the payout is recorded there (after the listing is read
    /// at the shop, which must exist and be owned by the payee) and the composite raises
    /// <see cref="CoCreationEventTypes.SettlementPaid"/> itself, once per payout.
    /// </remarks>
    public async Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default)
    {
        PayoutRules.Check(request);
        if (_options.PayoutSystem is { } ledgerPart)
        {
            return await RecordAtLedgerAsync(ledgerPart, request, cancellationToken).ConfigureAwait(false);
        }

        var (part, commerce) = CommercePart();
        var owner = await PartIdAsync(part, request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var payout = await commerce.RecordPayoutAsync(request with { OwnerAccountId = owner }, cancellationToken).ConfigureAwait(false);
        return payout with { OwnerAccountId = await OwnerAsync(part, payout.OwnerAccountId, cancellationToken).ConfigureAwait(false) };
    }

    /// <inheritdoc />
    public Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default)
        => InventoryPart().System.GetStockAsync(productId, cancellationToken);

    /// <inheritdoc />
    public Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
        => InventoryPart().System.SetLowStockThresholdAsync(productId, threshold, cancellationToken);

    private async Task<Design> ToCompositeAsync(string part, Design design, CancellationToken cancellationToken)
        => design with { DesignerAccountId = await OwnerAsync(part, design.DesignerAccountId, cancellationToken).ConfigureAwait(false) };

    private async Task<ProductionOrder> ToCompositeAsync(string part, ProductionOrder order, CancellationToken cancellationToken)
        => order with { RequesterAccountId = await OwnerAsync(part, order.RequesterAccountId, cancellationToken).ConfigureAwait(false) };

    private async Task<Listing> ToCompositeAsync(string part, Listing listing, CancellationToken cancellationToken)
        => listing with { OwnerAccountId = await OwnerAsync(part, listing.OwnerAccountId, cancellationToken).ConfigureAwait(false) };

    // An account the composite did not open (made at the part directly) keeps the part's id, marked with the part's name.
    private async Task<string> OwnerAsync(string part, string partAccountId, CancellationToken cancellationToken)
        => await CompositeIdAsync(part, partAccountId, cancellationToken).ConfigureAwait(false) ?? $"{part}:{partAccountId}";

    private async Task<Payout> RecordAtLedgerAsync(string part, PayoutRequest request, CancellationToken cancellationToken)
    {
        if (Part(part) is not IPayoutLedger ledger)
        {
            throw new CapabilityNotSupportedException(part, "payouts (IPayoutLedger)");
        }

        var listing = await GetListingAsync(request.ListingId, cancellationToken).ConfigureAwait(false);
        if (listing.OwnerAccountId != request.OwnerAccountId)
        {
            throw new CoCreationValidationException("PayoutRequest.OwnerAccountId", $"account {request.OwnerAccountId} does not own listing {listing.Id}.");
        }

        var owner = await PartIdAsync(part, request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var payout = await ledger.RecordPayoutAsync(request with { OwnerAccountId = owner }, cancellationToken).ConfigureAwait(false);
        var data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
            .Add("payoutId", payout.Id)
            .Add(CoCreationEventData.OwnerAccountId, request.OwnerAccountId)
            .Add(CoCreationEventData.ListingId, listing.Id)
            .Add(CoCreationEventData.ProductId, listing.ProductId)
            .Add(CoCreationEventData.Title, listing.Title)
            .Add(CoCreationEventData.Amount, payout.Amount.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add(CoCreationEventData.Currency, payout.Amount.Currency)
            .Add("gross", payout.Gross.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("periodStart", request.PeriodStart.ToString("O", System.Globalization.CultureInfo.InvariantCulture))
            .Add("periodEnd", request.PeriodEnd.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        if (payout.Refunds is { } refunds)
        {
            data = data.Add("refunds", refunds.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await _store.ApplyAsync(Raise(new StoreChanges(), $"payout:{part}:{payout.Id}", CoCreationEventTypes.SettlementPaid, $"payouts/{payout.Id}", data), CancellationToken.None).ConfigureAwait(false);
        return payout with { OwnerAccountId = request.OwnerAccountId };
    }
}
