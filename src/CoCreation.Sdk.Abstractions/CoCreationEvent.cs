using System.Collections.Immutable;

namespace CoCreation.Sdk;

/// <summary>
/// Something that happened in a connected system, shaped like a CloudEvents 1.0 event
/// (<c>id</c>, <c>source</c>, <c>type</c>, <c>time</c>, <c>subject</c>, <c>data</c>).
/// </summary>
/// <remarks>
/// <see cref="Id"/> is unique within <see cref="Source"/>; the pair identifies the event, and the relay
/// de-duplicates on it. <see cref="Data"/> holds flat string values so that events can be stored,
/// compared and put into message templates without knowing their schema.
/// </remarks>
public sealed record CoCreationEvent
{
    /// <summary>The CloudEvents spec version these events follow.</summary>
    public const string SpecVersion = "1.0";

    /// <summary>The event id, unique within <see cref="Source"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The system that produced the event, for example <c>urn:cocreation:enterprise:embedded-erp</c>.</summary>
    public required Uri Source { get; init; }

    /// <summary>The event type, reverse-DNS style; see <see cref="CoCreationEventTypes"/>.</summary>
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What it is about, within the source, for example <c>production-orders/7</c>.</summary>
    public string? Subject { get; init; }

    /// <summary>The event's data; see <see cref="CoCreationEventData"/> for the common keys.</summary>
    public ImmutableDictionary<string, string> Data { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The key the relay de-duplicates on: source and id together.</summary>
    public string Key => $"{Source}#{Id}";

    /// <summary>Reads a data value, or <see langword="null"/> when absent.</summary>
    /// <param name="key">The data key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetData(string key) => Data.TryGetValue(key, out var value) ? value : null;
}

/// <summary>The event types the SDK and the bundled adapters emit.</summary>
public static class CoCreationEventTypes
{
    /// <summary>A design was submitted for review.</summary>
    public const string DesignSubmitted = "com.cocreation.design.submitted";
    /// <summary>A design was accepted or declined.</summary>
    public const string DesignReviewed = "com.cocreation.design.reviewed";
    /// <summary>A production order was requested.</summary>
    public const string ProductionRequested = "com.cocreation.production.requested";
    /// <summary>A production order progressed.</summary>
    public const string ProductionProgress = "com.cocreation.production.progress";
    /// <summary>A production order finished.</summary>
    public const string ProductionCompleted = "com.cocreation.production.completed";
    /// <summary>Finished goods came into stock.</summary>
    public const string StockReceived = "com.cocreation.stock.received";
    /// <summary>Stock fell to or below its threshold.</summary>
    public const string StockLow = "com.cocreation.stock.low";
    /// <summary>A product was listed in the shop.</summary>
    public const string ListingPublished = "com.cocreation.listing.published";
    /// <summary>A listing's price or terms changed.</summary>
    public const string ListingUpdated = "com.cocreation.listing.updated";
    /// <summary>A listing was taken off sale.</summary>
    public const string ListingDelisted = "com.cocreation.listing.delisted";
    /// <summary>A shop order was paid.</summary>
    public const string SaleCompleted = "com.cocreation.sale.completed";
    /// <summary>A sale was refunded, in full or in part (the goods may have come back into stock).</summary>
    public const string SaleRefunded = "com.cocreation.sale.refunded";
    /// <summary>A buyer reviewed a product.</summary>
    public const string ReviewPosted = "com.cocreation.review.posted";
    /// <summary>An order was shipped.</summary>
    public const string ShipmentSent = "com.cocreation.shipment.sent";
    /// <summary>A revenue share was paid out.</summary>
    public const string SettlementPaid = "com.cocreation.settlement.paid";
    /// <summary>A periodic sales and stock report.</summary>
    public const string ReportIssued = "com.cocreation.report.issued";
    /// <summary>A participant's access was granted.</summary>
    public const string AccessGranted = "com.cocreation.access.granted";
    /// <summary>A participant's access was revoked.</summary>
    public const string AccessRevoked = "com.cocreation.access.revoked";
    /// <summary>A programme announcement.</summary>
    public const string ProgramAnnounced = "com.cocreation.program.announced";
    /// <summary>Workspace activity (document, calendar or member change).</summary>
    public const string WorkspaceActivity = "com.cocreation.workspace.activity";
}

/// <summary>Common keys of <see cref="CoCreationEvent.Data"/>.</summary>
public static class CoCreationEventData
{
    /// <summary>The enterprise account the event concerns (the designer, the listing's owner).</summary>
    public const string OwnerAccountId = "ownerAccountId";
    /// <summary>The participant the event concerns, where the producer knows it.</summary>
    public const string ParticipantId = "participantId";
    /// <summary>A design id.</summary>
    public const string DesignId = "designId";
    /// <summary>A design or product title.</summary>
    public const string Title = "title";
    /// <summary>A production order id.</summary>
    public const string OrderId = "orderId";
    /// <summary>Progress in percent (0 to 100).</summary>
    public const string Percent = "percent";
    /// <summary>A stage name.</summary>
    public const string Stage = "stage";
    /// <summary>A product id.</summary>
    public const string ProductId = "productId";
    /// <summary>A listing id.</summary>
    public const string ListingId = "listingId";
    /// <summary>A quantity.</summary>
    public const string Quantity = "quantity";
    /// <summary>Stock on hand.</summary>
    public const string OnHand = "onHand";
    /// <summary>A stock threshold.</summary>
    public const string Threshold = "threshold";
    /// <summary>An amount (invariant culture decimal).</summary>
    public const string Amount = "amount";
    /// <summary>An ISO 4217 currency code.</summary>
    public const string Currency = "currency";
    /// <summary>A shop order id.</summary>
    public const string SaleId = "saleId";
    /// <summary>A carrier name.</summary>
    public const string Carrier = "carrier";
    /// <summary>A tracking number.</summary>
    public const string TrackingNumber = "trackingNumber";
    /// <summary>Free text, for example a buyer's review or a note.</summary>
    public const string Text = "text";
    /// <summary>A rating from 1 to 5.</summary>
    public const string Rating = "rating";
    /// <summary>A refund id.</summary>
    public const string RefundId = "refundId";
    /// <summary>Whether refunded goods went back into stock: <c>true</c> or <c>false</c>.</summary>
    public const string Restocked = "restocked";
}
