using System.Collections.Immutable;
using K = CoCreation.Sdk.CoCreationEventData;

namespace CoCreation.Sdk;

/// <summary>The data of <see cref="CoCreationEventTypes.SaleCompleted"/>.</summary>
/// <param name="SaleId">The shop order.</param>
/// <param name="Amount">The amount paid.</param>
/// <param name="Currency">Its ISO 4217 code.</param>
public sealed record SaleCompletedData(string SaleId, decimal Amount, string Currency) : ICoCreationEventData<SaleCompletedData>
{
    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.SaleCompleted;

    /// <summary>The listing sold.</summary>
    public string? ListingId { get; init; }

    /// <summary>The product sold.</summary>
    public string? ProductId { get; init; }

    /// <summary>The listing's title.</summary>
    public string? Title { get; init; }

    /// <summary>How many were sold.</summary>
    public decimal? Quantity { get; init; }

    /// <summary>Stock on hand after the sale.</summary>
    public decimal? OnHand { get; init; }

    /// <summary>The listing's owner account at the enterprise system.</summary>
    public string? OwnerAccountId { get; init; }

    /// <inheritdoc />
    public static SaleCompletedData FromData(IReadOnlyDictionary<string, string> data) => new(EventDataMap.Text(data, K.SaleId), EventDataMap.Number(data, K.Amount), EventDataMap.Text(data, K.Currency))
    {
        ListingId = EventDataMap.OptionalText(data, K.ListingId),
        ProductId = EventDataMap.OptionalText(data, K.ProductId),
        Title = EventDataMap.OptionalText(data, K.Title),
        Quantity = EventDataMap.OptionalNumber(data, K.Quantity),
        OnHand = EventDataMap.OptionalNumber(data, K.OnHand),
        OwnerAccountId = EventDataMap.OptionalText(data, K.OwnerAccountId),
    };

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
        (K.SaleId, SaleId), (K.Amount, Amount), (K.Currency, Currency), (K.ListingId, ListingId), (K.ProductId, ProductId),
        (K.Title, Title), (K.Quantity, Quantity), (K.OnHand, OnHand), (K.OwnerAccountId, OwnerAccountId));
}

/// <summary>The data of <see cref="CoCreationEventTypes.ProductionProgress"/>.</summary>
/// <param name="OrderId">The production order.</param>
/// <param name="Percent">Progress in percent, 0 to 100.</param>
public sealed record ProductionProgressData(string OrderId, decimal Percent) : ICoCreationEventData<ProductionProgressData>
{
    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.ProductionProgress;

    /// <summary>The stage reached.</summary>
    public string? Stage { get; init; }

    /// <summary>The product made.</summary>
    public string? ProductId { get; init; }

    /// <summary>The product's title.</summary>
    public string? Title { get; init; }

    /// <summary>The design's owner account at the enterprise system.</summary>
    public string? OwnerAccountId { get; init; }

    /// <inheritdoc />
    public static ProductionProgressData FromData(IReadOnlyDictionary<string, string> data) => new(EventDataMap.Text(data, K.OrderId), EventDataMap.Number(data, K.Percent))
    {
        Stage = EventDataMap.OptionalText(data, K.Stage),
        ProductId = EventDataMap.OptionalText(data, K.ProductId),
        Title = EventDataMap.OptionalText(data, K.Title),
        OwnerAccountId = EventDataMap.OptionalText(data, K.OwnerAccountId),
    };

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
        (K.OrderId, OrderId), (K.Percent, Percent), (K.Stage, Stage), (K.ProductId, ProductId), (K.Title, Title), (K.OwnerAccountId, OwnerAccountId));
}

/// <summary>The data of <see cref="CoCreationEventTypes.StockReceived"/>.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="Quantity">How many came in.</param>
public sealed record StockReceivedData(string ProductId, decimal Quantity) : ICoCreationEventData<StockReceivedData>
{
    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.StockReceived;

    /// <summary>The production order they came from.</summary>
    public string? OrderId { get; init; }

    /// <summary>The product's title.</summary>
    public string? Title { get; init; }

    /// <summary>Stock on hand afterwards.</summary>
    public decimal? OnHand { get; init; }

    /// <summary>The product's low-stock threshold.</summary>
    public decimal? Threshold { get; init; }

    /// <inheritdoc />
    public static StockReceivedData FromData(IReadOnlyDictionary<string, string> data) => new(EventDataMap.Text(data, K.ProductId), EventDataMap.Number(data, K.Quantity))
    {
        OrderId = EventDataMap.OptionalText(data, K.OrderId),
        Title = EventDataMap.OptionalText(data, K.Title),
        OnHand = EventDataMap.OptionalNumber(data, K.OnHand),
        Threshold = EventDataMap.OptionalNumber(data, K.Threshold),
    };

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
        (K.ProductId, ProductId), (K.Quantity, Quantity), (K.OrderId, OrderId), (K.Title, Title), (K.OnHand, OnHand), (K.Threshold, Threshold));
}

/// <summary>The data of <see cref="CoCreationEventTypes.StockLow"/>.</summary>
/// <param name="ProductId">The product.</param>
/// <param name="OnHand">Stock on hand.</param>
/// <param name="Threshold">The threshold it fell to or below.</param>
public sealed record StockLowData(string ProductId, decimal OnHand, decimal Threshold) : ICoCreationEventData<StockLowData>
{
    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.StockLow;

    /// <summary>The product's title.</summary>
    public string? Title { get; init; }

    /// <inheritdoc />
    public static StockLowData FromData(IReadOnlyDictionary<string, string> data)
        => new(EventDataMap.Text(data, K.ProductId), EventDataMap.Number(data, K.OnHand), EventDataMap.Number(data, K.Threshold)) { Title = EventDataMap.OptionalText(data, K.Title) };

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build((K.ProductId, ProductId), (K.OnHand, OnHand), (K.Threshold, Threshold), (K.Title, Title));
}

/// <summary>The data of <see cref="CoCreationEventTypes.SettlementPaid"/>.</summary>
/// <param name="Amount">The amount paid out.</param>
/// <param name="Currency">Its ISO 4217 code.</param>
public sealed record SettlementPaidData(decimal Amount, string Currency) : ICoCreationEventData<SettlementPaidData>
{
    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.SettlementPaid;

    /// <summary>The listing the revenue came from.</summary>
    public string? ListingId { get; init; }

    /// <summary>The product.</summary>
    public string? ProductId { get; init; }

    /// <summary>The listing's title.</summary>
    public string? Title { get; init; }

    /// <summary>The account paid, at the enterprise system.</summary>
    public string? OwnerAccountId { get; init; }

    /// <inheritdoc />
    public static SettlementPaidData FromData(IReadOnlyDictionary<string, string> data) => new(EventDataMap.Number(data, K.Amount), EventDataMap.Text(data, K.Currency))
    {
        ListingId = EventDataMap.OptionalText(data, K.ListingId),
        ProductId = EventDataMap.OptionalText(data, K.ProductId),
        Title = EventDataMap.OptionalText(data, K.Title),
        OwnerAccountId = EventDataMap.OptionalText(data, K.OwnerAccountId),
    };

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
        (K.Amount, Amount), (K.Currency, Currency), (K.ListingId, ListingId), (K.ProductId, ProductId), (K.Title, Title), (K.OwnerAccountId, OwnerAccountId));
}

/// <summary>The data of <see cref="CoCreationEventTypes.WorkspaceActivity"/>, as <c>WorkspaceActivitySource</c> writes it.</summary>
/// <param name="WorkspaceId">The workspace.</param>
/// <param name="Kind">What happened.</param>
/// <param name="TargetId">The document, entry or member it concerns.</param>
public sealed record WorkspaceActivityData(string WorkspaceId, Workspaces.WorkspaceActivityKind Kind, string TargetId) : ICoCreationEventData<WorkspaceActivityData>
{
    /// <summary>The data key of the workspace id.</summary>
    public const string WorkspaceIdKey = "workspaceId";

    /// <summary>The data key of the activity kind.</summary>
    public const string KindKey = "kind";

    /// <summary>The data key of the target id.</summary>
    public const string TargetIdKey = "targetId";

    /// <summary>The data key of the acting account.</summary>
    public const string ActorAccountIdKey = "actorAccountId";

    /// <inheritdoc />
    public static string EventType => CoCreationEventTypes.WorkspaceActivity;

    /// <summary>The account that did it, where known.</summary>
    public string? ActorAccountId { get; init; }

    /// <summary>The target's title or name.</summary>
    public string? Title { get; init; }

    /// <inheritdoc />
    public static WorkspaceActivityData FromData(IReadOnlyDictionary<string, string> data)
    {
        var kind = EventDataMap.Text(data, KindKey);
        if (!Enum.TryParse<Workspaces.WorkspaceActivityKind>(kind, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(kind[0]))
        {
            throw new CoCreationValidationException("Event.Data." + KindKey, "is not a workspace activity kind.");
        }

        return new(EventDataMap.Text(data, WorkspaceIdKey), parsed, EventDataMap.Text(data, TargetIdKey))
        {
            ActorAccountId = EventDataMap.OptionalText(data, ActorAccountIdKey),
            Title = EventDataMap.OptionalText(data, K.Title),
        };
    }

    /// <inheritdoc />
    public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
        (WorkspaceIdKey, WorkspaceId), (KindKey, Kind.ToString()), (TargetIdKey, TargetId), (ActorAccountIdKey, ActorAccountId), (K.Title, Title));
}
