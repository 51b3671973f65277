using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Vendure;

// Inventory: the listing variant's saleable stock, a low-stock threshold with its alert, and intakes of goods made elsewhere.
public sealed partial class VendureEnterpriseAdapter : IInventorySystem, IStockIntake
{
    // Intake keys kept on a variant, newest last; older ones are forgotten past this many.
    private const int MaxIntakeKeys = 200;
    private const int WatchedPageSize = 100;

    /// <inheritdoc />
    /// <remarks>
    /// The product is found by its SDK id, the SKU of the listing's variant. On hand is what can still be sold: stock on
    /// hand less stock allocated to settled orders not yet shipped, over every stock location. The threshold is the
    /// variant's <c>cocreationLowStockThreshold</c> custom field (see the provider guide for the fields the shop needs).
    /// </remarks>
    /// <exception cref="ResourceNotFoundException">No variant has the SKU (the product is not listed here).</exception>
    public async Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default)
        => ToStockLevel(await StockVariantAsync(productId, cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    /// <remarks>
    /// Stored on the variant. <see cref="CoCreationEventTypes.StockLow"/> is raised by the next
    /// <see cref="IEnterpriseAdapter.ReadEventsAsync"/> once stock is at or below it, once per downward crossing; stock
    /// rising above it arms the alert again.
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The threshold is negative or above <see cref="CoCreationLimits.MaxStock"/> (field <c>threshold</c>).</exception>
    /// <exception cref="ResourceNotFoundException">No variant has the SKU.</exception>
    public async Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.StockLevel(threshold, nameof(threshold));
        var variant = await StockVariantAsync(productId, cancellationToken).ConfigureAwait(false);
        var updated = await UpdateStockAsync(new JsonObject
        {
            ["id"] = Text(variant["id"]),
            ["customFields"] = new JsonObject { ["cocreationLowStockThreshold"] = threshold },
        }, cancellationToken).ConfigureAwait(false);
        return ToStockLevel(updated);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Adds the pieces to the first stock location of the variant and records the key on the variant in the same
    /// mutation (<c>cocreationIntakeKeys</c>, the last 200 kept), so a repeat finds it. Two intakes of one variant at the
    /// same moment from two processes can both pass the check; the SDK books each production order from one place.
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or would take stock above <see cref="CoCreationLimits.MaxStock"/>; the reference or key is blank or too long.</exception>
    /// <exception cref="ResourceNotFoundException">No variant has the SKU: the product is not listed here yet.</exception>
    public async Task<StockLevel> ReceiveStockAsync(StockIntakeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.Quantity(request.Quantity, "StockIntakeRequest.Quantity");
        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Reference, "StockIntakeRequest.Reference"), 200, "StockIntakeRequest.Reference");
        var key = CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.IdempotencyKey, "StockIntakeRequest.IdempotencyKey"), 200, "StockIntakeRequest.IdempotencyKey");
        var variant = await StockVariantAsync(request.ProductId, cancellationToken).ConfigureAwait(false);
        var keys = IntakeKeys(variant);
        if (keys.Contains(key, StringComparer.Ordinal))
        {
            return ToStockLevel(variant);
        }

        var level = (variant["stockLevels"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault()
            ?? throw new VendureException(Name, "UpdateVariantStock", "NoStockLocation", $"Vendure keeps no stock level for the variant of product {request.ProductId}.");
        var onHand = (int)Long(level["stockOnHand"]);
        CoCreationGuard.StockLevel(onHand + request.Quantity, "StockIntakeRequest.Quantity");
        keys.Add(key);
        var updated = await UpdateStockAsync(new JsonObject
        {
            ["id"] = Text(variant["id"]),
            ["stockLevels"] = new JsonArray(new JsonObject { ["stockLocationId"] = Text(level["stockLocationId"]), ["stockOnHand"] = onHand + request.Quantity }),
            ["customFields"] = new JsonObject { ["cocreationIntakeKeys"] = JsonSerializer.Serialize(keys.TakeLast(MaxIntakeKeys).ToArray(), VendureJson.Default.StringArray) },
        }, cancellationToken).ConfigureAwait(false);
        return ToStockLevel(updated);
    }

    /// <summary>
    /// Checks every variant with a threshold: one at or below it whose alert is armed raises <see cref="CoCreationEventTypes.StockLow"/>
    /// (the alert is disarmed and counted on the variant first, so the event's id is stable); one above it is armed again.
    /// </summary>
    private async Task<List<CoCreationEvent>> LowStockEventsAsync(CancellationToken cancellationToken)
    {
        var events = new List<CoCreationEvent>();
        for (var page = 0; ; page++)
        {
            var data = await SendAsync(VendureDocuments.WatchedVariants, new JsonObject { ["skip"] = page * WatchedPageSize, ["take"] = WatchedPageSize }, cancellationToken).ConfigureAwait(false);
            var variants = (data["productVariants"]?["items"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            foreach (var variant in variants)
            {
                var level = ToStockLevel(variant);
                var fields = variant["customFields"] as JsonObject ?? [];
                var armed = fields["cocreationLowStockArmed"]?.GetValue<bool>() ?? true;
                if (level.IsLow && armed)
                {
                    var alerts = (int)Long(fields["cocreationLowStockAlerts"] ?? JsonValue.Create(0)) + 1;
                    await UpdateStockAsync(new JsonObject
                    {
                        ["id"] = Text(variant["id"]),
                        ["customFields"] = new JsonObject { ["cocreationLowStockArmed"] = false, ["cocreationLowStockAlerts"] = alerts },
                    }, cancellationToken).ConfigureAwait(false);
                    events.Add(LowStockEvent(variant, level, alerts));
                }
                else if (!level.IsLow && !armed)
                {
                    await UpdateStockAsync(new JsonObject
                    {
                        ["id"] = Text(variant["id"]),
                        ["customFields"] = new JsonObject { ["cocreationLowStockArmed"] = true },
                    }, cancellationToken).ConfigureAwait(false);
                }
            }

            if (variants.Count < WatchedPageSize)
            {
                return events;
            }
        }
    }

    private CoCreationEvent LowStockEvent(JsonObject variant, StockLevel level, int alerts)
    {
        var product = variant["product"] as JsonObject ?? [];
        var data = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        data[CoCreationEventData.ProductId] = level.ProductId;
        data[CoCreationEventData.ListingId] = Text(product["id"]) ?? "";
        data[CoCreationEventData.Title] = Text(product["name"]) ?? "";
        data[CoCreationEventData.OnHand] = level.OnHand.ToString(CultureInfo.InvariantCulture);
        data[CoCreationEventData.Threshold] = level.Threshold!.Value.ToString(CultureInfo.InvariantCulture);
        if (OwnerOf(product) is { } owner)
        {
            data[CoCreationEventData.OwnerAccountId] = owner;
        }

        return new CoCreationEvent
        {
            Id = $"vendure-stock-low-{Text(variant["id"])}-{alerts.ToString(CultureInfo.InvariantCulture)}",
            Source = _source,
            Type = CoCreationEventTypes.StockLow,
            Time = _time.GetUtcNow(),
            Subject = "products/" + level.ProductId,
            Data = data.ToImmutable(),
        };
    }

    private async Task<JsonObject> StockVariantAsync(string productId, CancellationToken cancellationToken)
    {
        var sku = CoCreationGuard.NotBlank(productId, nameof(productId));
        var data = await SendAsync(VendureDocuments.VariantStock, new JsonObject { ["sku"] = sku }, cancellationToken).ConfigureAwait(false);
        return (data["productVariants"]?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => Text(v["sku"]) == sku)
            ?? throw new ResourceNotFoundException(Name, "product", sku);
    }

    private async Task<JsonObject> UpdateStockAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var data = await SendAsync(VendureDocuments.UpdateVariantStock, new JsonObject { ["input"] = new JsonArray(input) }, cancellationToken).ConfigureAwait(false);
        return (data["updateProductVariants"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? throw BadAnswer("UpdateVariantStock");
    }

    private static StockLevel ToStockLevel(JsonObject variant)
    {
        var levels = (variant["stockLevels"] as JsonArray)?.OfType<JsonObject>() ?? [];
        var threshold = (variant["customFields"] as JsonObject)?["cocreationLowStockThreshold"];
        return new StockLevel
        {
            ProductId = Text(variant["sku"]) ?? "",
            OnHand = (int)levels.Sum(l => Long(l["stockOnHand"]) - Long(l["stockAllocated"])),
            Threshold = threshold is JsonValue ? (int)Long(threshold) : null,
        };
    }

    private static List<string> IntakeKeys(JsonObject variant)
    {
        var text = Text((variant["customFields"] as JsonObject)?["cocreationIntakeKeys"]);
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        try
        {
            return [.. JsonSerializer.Deserialize(text, VendureJson.Default.StringArray) ?? []];
        }
        catch (JsonException)
        {
            // Edited by hand into something else: the keys are lost, so a repeat would book again.
            return [];
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class VendureJson : System.Text.Json.Serialization.JsonSerializerContext;
