namespace CoCreation.Sdk.Enterprise;

/// <summary>Which enterprise system an adapter talks to.</summary>
/// <param name="Name">The name the app registered the adapter under.</param>
/// <param name="Provider">The system kind, for example <c>tryton</c> or <c>embedded</c>.</param>
/// <param name="DisplayName">A name for people.</param>
public sealed record EnterpriseSystemMetadata(string Name, string Provider, string DisplayName);

/// <summary>What an enterprise system can do.</summary>
public sealed record EnterpriseCapabilities
{
    /// <summary>The roles accounts can have (SDK role names; the adapter maps them to its own groups).</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>Whether the system pushes events by webhook as well as through <see cref="IEnterpriseAdapter.ReadEventsAsync"/>.</summary>
    public bool SupportsWebhooks { get; init; }

    /// <summary>Whether the adapter anonymises accounts of erased participants (it implements <see cref="IEnterpriseAccountErasure"/>).</summary>
    public bool SupportsAccountErasure { get; init; }
}

/// <summary>The role names the SDK's modules grant.</summary>
public static class EnterpriseRoles
{
    /// <summary>A homepage member: may register designs.</summary>
    public const string Member = "member";
    /// <summary>May write production plans and request production.</summary>
    public const string ProductionRequester = "production-requester";
    /// <summary>May set price and terms of own listings.</summary>
    public const string Seller = "seller";
    /// <summary>Company staff who run production.</summary>
    public const string ProductionManager = "production-manager";
}

/// <summary>An account to create at an enterprise system.</summary>
public sealed record EnterpriseAccountRequest
{
    /// <summary>The login name, unique at the system.</summary>
    public required string Login { get; init; }

    /// <summary>A name for people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>An e-mail address, where the participant gave one.</summary>
    public string? Email { get; init; }

    /// <summary>The roles.</summary>
    public IReadOnlyCollection<string> Roles { get; init; } = [];
}

/// <summary>An account at an enterprise system.</summary>
public sealed record EnterpriseAccount
{
    /// <summary>The adapter name.</summary>
    public required string System { get; init; }

    /// <summary>The stable account id.</summary>
    public required string AccountId { get; init; }

    /// <summary>The login name.</summary>
    public required string Login { get; init; }

    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The roles it has.</summary>
    public IReadOnlyCollection<string> Roles { get; init; } = [];

    /// <summary>Whether the account can sign in and act.</summary>
    public bool IsActive { get; init; } = true;
}

/// <summary>Events after a cursor.</summary>
/// <param name="Events">The events, oldest first.</param>
/// <param name="Cursor">
/// The cursor to pass next time; never <see langword="null"/>. A read that found no change returns the cursor it was
/// given; one that passed over changes that make no event (records of another integration, say) may return a later one.
/// </param>
/// <param name="HasMore">Whether more events are waiting right now.</param>
public sealed record EventPage(IReadOnlyList<CoCreationEvent> Events, string Cursor, bool HasMore);

/// <summary>Where a design stands.</summary>
public enum DesignStatus
{
    /// <summary>Waiting for the company's decision.</summary>
    Submitted,
    /// <summary>Accepted for production.</summary>
    Accepted,
    /// <summary>Declined.</summary>
    Declined,
}

/// <summary>A product design a participant registers.</summary>
public sealed record DesignSubmission
{
    /// <summary>The design's title.</summary>
    public required string Title { get; init; }

    /// <summary>What it is: material, cut, colours.</summary>
    public required string Description { get; init; }

    /// <summary>Links to drawings or pictures.</summary>
    public IReadOnlyList<Uri> Attachments { get; init; } = [];

    /// <summary>
    /// Makes a retried submission safe: the same designer submitting again with the same key gets the first
    /// design back and no second one is registered; the same key with a different design is refused as a
    /// conflict. <see langword="null"/> registers every submission. At most 200 characters.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A registered design.</summary>
public sealed record Design
{
    /// <summary>The design id.</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The description.</summary>
    public required string Description { get; init; }

    /// <summary>The designer's account id.</summary>
    public required string DesignerAccountId { get; init; }

    /// <summary>Where it stands.</summary>
    public required DesignStatus Status { get; init; }

    /// <summary>The product made from it, once accepted.</summary>
    public string? ProductId { get; init; }

    /// <summary>The company's note with its decision.</summary>
    public string? ReviewNote { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>The company's decision on a design.</summary>
/// <param name="Accept">Whether it is accepted.</param>
/// <param name="Note">A note for the designer.</param>
public sealed record DesignReview(bool Accept, string? Note = null);

/// <summary>A production plan and request.</summary>
public sealed record ProductionRequest
{
    /// <summary>The accepted design to produce.</summary>
    public required string DesignId { get; init; }

    /// <summary>How many pieces, more than zero.</summary>
    public required int Quantity { get; init; }

    /// <summary>The plan: sizes, materials, deadlines.</summary>
    public required string Plan { get; init; }

    /// <summary>
    /// Makes a retried request safe: the same requester asking again with the same key gets the first order
    /// back and nothing is ordered twice; the same key with a different request is refused as a conflict.
    /// <see langword="null"/> orders every time. At most 200 characters.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Where a production order stands.</summary>
public enum ProductionStatus
{
    /// <summary>Requested, not started.</summary>
    Requested,
    /// <summary>Being produced.</summary>
    InProgress,
    /// <summary>Done and stocked in.</summary>
    Completed,
}

/// <summary>A production order.</summary>
public sealed record ProductionOrder
{
    /// <summary>The order id.</summary>
    public required string Id { get; init; }

    /// <summary>The design.</summary>
    public required string DesignId { get; init; }

    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>The requester's account id.</summary>
    public required string RequesterAccountId { get; init; }

    /// <summary>How many pieces.</summary>
    public required int Quantity { get; init; }

    /// <summary>The plan.</summary>
    public required string Plan { get; init; }

    /// <summary>Where it stands.</summary>
    public required ProductionStatus Status { get; init; }

    /// <summary>Progress in percent.</summary>
    public required int Percent { get; init; }

    /// <summary>The current stage, for example <c>cutting</c>.</summary>
    public string? Stage { get; init; }

    /// <summary>When it was requested.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>A progress report on a production order.</summary>
/// <param name="Percent">Progress in percent, 0 to 100, not lower than before.</param>
/// <param name="Stage">The stage, for example <c>sewing</c>.</param>
public sealed record ProductionProgressUpdate(int Percent, string Stage);

/// <summary>Where a listing stands.</summary>
public enum ListingStatus
{
    /// <summary>On sale.</summary>
    Active,
    /// <summary>Off sale.</summary>
    Delisted,
}

/// <summary>A product to list in the shop.</summary>
public sealed record ListingRequest
{
    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>The owner's (designer's) account id.</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>The title shown in the shop.</summary>
    public required string Title { get; init; }

    /// <summary>The opening price.</summary>
    public required Money Price { get; init; }

    /// <summary>Sale terms (delivery, returns).</summary>
    public string Terms { get; init; } = "";
}

/// <summary>New price and terms of a listing.</summary>
/// <param name="Price">The price, above zero.</param>
/// <param name="Terms">The terms.</param>
public sealed record ListingUpdate(Money Price, string Terms);

/// <summary>A shop listing.</summary>
public sealed record Listing
{
    /// <summary>The listing id.</summary>
    public required string Id { get; init; }

    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>The owner's account id.</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The price.</summary>
    public required Money Price { get; init; }

    /// <summary>The terms.</summary>
    public required string Terms { get; init; }

    /// <summary>Where it stands.</summary>
    public required ListingStatus Status { get; init; }
}

/// <summary>One paid shop order line.</summary>
public sealed record SaleRecord
{
    /// <summary>The sale id.</summary>
    public required string Id { get; init; }

    /// <summary>The listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>How many pieces.</summary>
    public required int Quantity { get; init; }

    /// <summary>The price of one piece when sold.</summary>
    public required Money UnitPrice { get; init; }

    /// <summary>Quantity times unit price.</summary>
    public Money Total => UnitPrice.Multiply(Quantity);

    /// <summary>When it was paid.</summary>
    public required DateTimeOffset SoldAt { get; init; }

    /// <summary>Whether it has shipped.</summary>
    public bool Shipped { get; init; }
}

/// <summary>A refund (a return, when the goods come back) of some or all pieces of a sale.</summary>
public sealed record RefundRequest
{
    /// <summary>How many pieces, more than zero and at most what is left unrefunded of the sale.</summary>
    public required int Quantity { get; init; }

    /// <summary>Why, for the company's records and the designer's message; at most 500 characters.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the pieces come back into stock (a return of sellable goods); <see langword="false"/> for a refund without return.</summary>
    public bool Restock { get; init; }

    /// <summary>A key that makes a repeated refund return the first instead of refunding twice; at most 200 characters.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>
    /// Checks the request on its own (the quantity against <see cref="CoCreationLimits.MaxQuantity"/>, not yet against
    /// the sale). Adapters and the SDK call it before anything is sent or written.
    /// </summary>
    /// <exception cref="CoCreationValidationException">A field is out of range, blank or too long; the exception names it.</exception>
    public void Validate()
    {
        CoCreationGuard.Quantity(Quantity, "RefundRequest.Quantity");
        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(Reason, "RefundRequest.Reason"), 500, "RefundRequest.Reason");
        CoCreationGuard.NotBlank(CoCreationGuard.IdempotencyKey(IdempotencyKey, "RefundRequest.IdempotencyKey"), "RefundRequest.IdempotencyKey");
    }
}

/// <summary>A recorded refund.</summary>
public sealed record Refund
{
    /// <summary>The refund id.</summary>
    public required string Id { get; init; }

    /// <summary>The refunded sale.</summary>
    public required string SaleId { get; init; }

    /// <summary>The sale's listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>How many pieces were refunded.</summary>
    public required int Quantity { get; init; }

    /// <summary>The amount paid back: quantity × the sale's unit price.</summary>
    public required Money Amount { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>Whether the pieces went back into stock.</summary>
    public required bool Restocked { get; init; }

    /// <summary>When it was refunded. Settlement counts a refund in the period that contains this time.</summary>
    public required DateTimeOffset RefundedAt { get; init; }
}

/// <summary>Carrier and tracking of a shipment.</summary>
/// <param name="Carrier">The carrier.</param>
/// <param name="TrackingNumber">The tracking number.</param>
public sealed record ShipmentRequest(string Carrier, string TrackingNumber);

/// <summary>A shipment.</summary>
public sealed record Shipment
{
    /// <summary>The shipment id.</summary>
    public required string Id { get; init; }

    /// <summary>The sale it ships.</summary>
    public required string SaleId { get; init; }

    /// <summary>The carrier.</summary>
    public required string Carrier { get; init; }

    /// <summary>The tracking number.</summary>
    public required string TrackingNumber { get; init; }

    /// <summary>When it shipped.</summary>
    public required DateTimeOffset ShippedAt { get; init; }
}

/// <summary>A revenue-share payout to record.</summary>
public sealed record PayoutRequest
{
    /// <summary>The payee's account id.</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>The listing whose sales are settled.</summary>
    public required string ListingId { get; init; }

    /// <summary>Start of the settled period, inclusive.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>End of the settled period, exclusive.</summary>
    public required DateTimeOffset PeriodEnd { get; init; }

    /// <summary>Gross sales in the period.</summary>
    public required Money Gross { get; init; }

    /// <summary>Refunds made in the period, netted against the gross; <see langword="null"/> when there were none.</summary>
    public Money? Refunds { get; init; }

    /// <summary>The share paid; at most the gross less the refunds.</summary>
    public required Money Amount { get; init; }

    /// <summary>A key that makes a repeated payout return the first instead of paying twice.</summary>
    public required string IdempotencyKey { get; init; }
}

/// <summary>A recorded payout.</summary>
public sealed record Payout
{
    /// <summary>The payout id.</summary>
    public required string Id { get; init; }

    /// <summary>The payee's account id.</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>The listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>Gross sales in the period.</summary>
    public required Money Gross { get; init; }

    /// <summary>Refunds netted against the gross; <see langword="null"/> when there were none.</summary>
    public Money? Refunds { get; init; }

    /// <summary>The share paid.</summary>
    public required Money Amount { get; init; }

    /// <summary>When it was paid.</summary>
    public required DateTimeOffset PaidAt { get; init; }
}

/// <summary>A product's stock.</summary>
public sealed record StockLevel
{
    /// <summary>The product.</summary>
    public required string ProductId { get; init; }

    /// <summary>Pieces on hand.</summary>
    public required int OnHand { get; init; }

    /// <summary>The low-stock threshold; <see langword="null"/> when none is set.</summary>
    public int? Threshold { get; init; }

    /// <summary>Whether stock is at or below the threshold.</summary>
    public bool IsLow => Threshold is { } t && OnHand <= t;
}
