namespace CoCreation.Sdk.Enterprise;

/// <summary>
/// A company system (homepage, shop, ERP, production) that participants sign in to with their SNS
/// login. The SDK provisions accounts with roles, takes them away, and reads the system's events.
/// </summary>
/// <remarks>
/// Domain features are optional interfaces the same object may implement:
/// <see cref="IProductionSystem"/>, <see cref="ICommerceSystem"/>, <see cref="IInventorySystem"/>.
/// Test them with <c>adapter is IProductionSystem production</c>. Implementations must be safe for concurrent use.
/// </remarks>
public interface IEnterpriseAdapter
{
    /// <summary>Which system this is.</summary>
    EnterpriseSystemMetadata Metadata { get; }

    /// <summary>What the system can do.</summary>
    EnterpriseCapabilities Capabilities { get; }

    /// <summary>Creates (or re-activates) the account of a participant with roles.</summary>
    /// <param name="request">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The active account.</returns>
    /// <exception cref="CoCreationValidationException">The login is empty or a role is unknown to the system.</exception>
    Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces an account's roles.</summary>
    /// <param name="account">The account.</param>
    /// <param name="roles">The roles it has from now on.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account as it now is.</returns>
    Task<EnterpriseAccount> SetAccountRolesAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default);

    /// <summary>Deactivates an account and removes its roles at the system. Business records stay. Idempotent.</summary>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the account can no longer act.</returns>
    Task DeprovisionAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default);

    /// <summary>Reads an account as the system holds it now.</summary>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    Task<EnterpriseAccount> GetAccountAsync(string accountId, CancellationToken cancellationToken = default);

    /// <summary>Reads the system's events after a cursor, oldest first.</summary>
    /// <param name="cursor">The cursor of the last page read; <see langword="null"/> from the start.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events and the cursor to pass next time.</returns>
    Task<EventPage> ReadEventsAsync(string? cursor, CancellationToken cancellationToken = default);
}

/// <summary>Designs and production orders.</summary>
public interface IProductionSystem
{
    /// <summary>A participant registers a product design.</summary>
    /// <param name="designer">The participant's account; must be active.</param>
    /// <param name="submission">The design.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The design, in state <see cref="DesignStatus.Submitted"/>.</returns>
    Task<Design> SubmitDesignAsync(EnterpriseAccount designer, DesignSubmission submission, CancellationToken cancellationToken = default);

    /// <summary>The company accepts or declines a design. Accepting creates a product for it.</summary>
    /// <param name="designId">The design.</param>
    /// <param name="review">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reviewed design.</returns>
    Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default);

    /// <summary>Reads a design.</summary>
    /// <param name="designId">The design.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The design.</returns>
    Task<Design> GetDesignAsync(string designId, CancellationToken cancellationToken = default);

    /// <summary>A participant writes a production plan and requests production of an accepted design.</summary>
    /// <param name="requester">The participant's account; must be active and hold the requester role.</param>
    /// <param name="request">The plan.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order.</returns>
    Task<ProductionOrder> RequestProductionAsync(EnterpriseAccount requester, ProductionRequest request, CancellationToken cancellationToken = default);

    /// <summary>The company reports progress; at 100 % the order completes and its goods are stocked in.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="update">The progress.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order as it now is.</returns>
    Task<ProductionOrder> ReportProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Reads an order.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order.</returns>
    Task<ProductionOrder> GetProductionOrderAsync(string orderId, CancellationToken cancellationToken = default);
}

/// <summary>Shop listings, sales, shipping and payouts.</summary>
public interface ICommerceSystem
{
    /// <summary>The company lists a product in the shop for its owner.</summary>
    /// <param name="request">The listing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The active listing.</returns>
    Task<Listing> CreateListingAsync(ListingRequest request, CancellationToken cancellationToken = default);

    /// <summary>The listing's owner sets price and terms.</summary>
    /// <param name="actor">The owner's account; must be active and own the listing.</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="update">The new price and terms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing as it now is.</returns>
    Task<Listing> UpdateListingAsync(EnterpriseAccount actor, string listingId, ListingUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Reads a listing.</summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing.</returns>
    Task<Listing> GetListingAsync(string listingId, CancellationToken cancellationToken = default);

    /// <summary>Takes a listing off sale. Idempotent.</summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The delisted listing.</returns>
    Task<Listing> DelistAsync(string listingId, CancellationToken cancellationToken = default);

    /// <summary>Reads a listing's sales in a period [from, to).</summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="from">Start, inclusive.</param>
    /// <param name="to">End, exclusive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sales, oldest first.</returns>
    Task<IReadOnlyList<SaleRecord>> GetSalesAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>The company ships a sale.</summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">Carrier and tracking.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shipment.</returns>
    Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Refunds some or all pieces of a sale; when <see cref="RefundRequest.Restock"/> is set the pieces come back into
    /// stock. Raises <see cref="CoCreationEventTypes.SaleRefunded"/>. A request whose
    /// <see cref="RefundRequest.IdempotencyKey"/> was seen before returns the first refund and changes nothing.
    /// </summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">How many pieces, why, and whether they come back into stock.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The quantity is not above zero, above <see cref="CoCreationLimits.MaxQuantity"/> or above what is left unrefunded of
    /// the sale (field <c>RefundRequest.Quantity</c>); the reason or key is blank or too long; restocking would take stock
    /// above <see cref="CoCreationLimits.MaxStock"/>.
    /// </exception>
    /// <exception cref="ResourceNotFoundException">No such sale.</exception>
    /// <exception cref="CoCreationConflictException">The idempotency key was used for another sale.</exception>
    Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a listing's refunds made in a period [from, to), by refund time.</summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="from">Start, inclusive.</param>
    /// <param name="to">End, exclusive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refunds, oldest first.</returns>
    Task<IReadOnlyList<Refund>> GetRefundsAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>Records a payout of a revenue share to a listing's owner.</summary>
    /// <param name="request">The payout.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payout.</returns>
    Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Stock levels and low-stock thresholds.</summary>
public interface IInventorySystem
{
    /// <summary>Reads a product's stock.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stock level.</returns>
    Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default);

    /// <summary>Sets the level at or below which the system raises <see cref="CoCreationEventTypes.StockLow"/>.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="threshold">The threshold, zero or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stock level with the new threshold.</returns>
    Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default);
}
