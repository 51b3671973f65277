using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Vendure;

// Events: order history entries (payment settled, fulfillment shipped, refund settled) read by polling.
public sealed partial class VendureEnterpriseAdapter
{
    private const string CursorVersion = "v1";
    private const int MaxEventPages = 20;

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Polls the orders changed since the cursor's moment (less <see cref="VendureOptions.EventLookback"/>) with their
    /// history entries, and turns entries into events: an order reaching <c>PaymentSettled</c> gives one
    /// <see cref="CoCreationEventTypes.SaleCompleted"/> per order line, a fulfillment reaching <c>Shipped</c> one
    /// <see cref="CoCreationEventTypes.ShipmentSent"/> per line it ships, and a refund reaching <c>Settled</c> one
    /// <see cref="CoCreationEventTypes.SaleRefunded"/>. The cursor holds the moment and the ids of the entries seen
    /// within the look-back window, so an entry is delivered once even when it is read again.
    /// </para>
    /// <para>
    /// Limits: an entry is found through its order's <c>updatedAt</c>, so a change that writes history without touching
    /// the order is seen only with the order's next change; 100 entries per order and 20 pages of
    /// <see cref="VendureOptions.MaxOrdersPerEventPage"/> changed orders are read per call at most
    /// (<see cref="EventPage.HasMore"/> says when to read again).
    /// </para>
    /// </remarks>
    protected override async Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken)
    {
        var (watermark, seen) = ParseCursor(cursor);
        var after = watermark - _options.EventLookback;
        if (after < DateTimeOffset.UnixEpoch)
        {
            after = DateTimeOffset.UnixEpoch;
        }

        // Every order changed in the window is read, page by page, up to MaxEventPages pages; past that the read stops at
        // the last order read and says HasMore, and the next read starts from that order's change.
        var entries = new List<(string Id, DateTimeOffset At, JsonObject Entry, JsonObject Order)>();
        var more = false;
        DateTimeOffset? lastOrderChange = null;
        for (var page = 0; ; page++)
        {
            var data = await SendAsync(VendureDocuments.ChangedOrders, new JsonObject
            {
                ["after"] = IsoTime(after),
                ["skip"] = page * _options.MaxOrdersPerEventPage,
                ["take"] = _options.MaxOrdersPerEventPage,
            }, cancellationToken).ConfigureAwait(false);
            var orders = (data["orders"]?["items"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            var total = data["orders"]?["totalItems"] is { } t ? Long(t) : orders.Count;
            foreach (var order in orders)
            {
                lastOrderChange = Time(order["updatedAt"]);
                foreach (var entry in (order["history"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    var at = Time(entry["createdAt"]);
                    if (at > after)
                    {
                        entries.Add((Text(entry["id"])!, at, entry, order));
                    }
                }
            }

            var read = (long)(page + 1) * _options.MaxOrdersPerEventPage;
            if (orders.Count < _options.MaxOrdersPerEventPage || read >= total)
            {
                break;
            }

            if (page + 1 >= MaxEventPages)
            {
                more = true;
                break;
            }
        }

        var fresh = entries.Where(e => !seen.Contains(e.Id)).OrderBy(e => e.At).ThenBy(e => Long(JsonValue.Create(e.Id))).ToList();
        if (fresh.Count == 0)
        {
            return new EventPage(await LowStockEventsAsync(cancellationToken).ConfigureAwait(false), cursor ?? FormatCursor(watermark, []), false);
        }

        var events = fresh.SelectMany(e => ToEvents(e.Entry, e.Order)).ToList();
        events.AddRange(await LowStockEventsAsync(cancellationToken).ConfigureAwait(false));
        var newWatermark = more && lastOrderChange is { } last && last < entries.Max(e => e.At) ? last : entries.Max(e => e.At);
        if (newWatermark < watermark)
        {
            newWatermark = watermark;
        }

        var keep = entries.Where(e => e.At >= newWatermark - _options.EventLookback).Select(e => e.Id);
        return new EventPage(events, FormatCursor(newWatermark, keep), more);
    }

    private IEnumerable<CoCreationEvent> ToEvents(JsonObject entry, JsonObject order)
    {
        var entryId = Text(entry["id"])!;
        var at = Time(entry["createdAt"]);
        var type = Text(entry["type"]);
        var details = entry["data"] as JsonObject ?? [];
        var orderId = Text(order["id"])!;
        var lines = Lines(order).ToDictionary(l => Text(l["id"])!, StringComparer.Ordinal);
        switch (type)
        {
            case "ORDER_STATE_TRANSITION" when Text(details["to"]) == "PaymentSettled":
                foreach (var line in lines.Values)
                {
                    var quantity = Long(line["orderPlacedQuantity"]);
                    yield return Event($"vendure-history-{entryId}-{Text(line["id"])}", CoCreationEventTypes.SaleCompleted, at, orderId + "-" + Text(line["id"]), line, new Dictionary<string, string>
                    {
                        [CoCreationEventData.OrderId] = orderId,
                        [CoCreationEventData.Quantity] = quantity.ToString(CultureInfo.InvariantCulture),
                        [CoCreationEventData.Amount] = ToMoney(Long(line["unitPriceWithTax"]) * quantity).Amount.ToString(CultureInfo.InvariantCulture),
                        [CoCreationEventData.Currency] = _options.Currency,
                    });
                }

                break;
            case "ORDER_FULFILLMENT_TRANSITION" when Text(details["to"]) == "Shipped":
                var fulfillment = Fulfillments(order).FirstOrDefault(f => Text(f["id"]) == Text(details["fulfillmentId"]));
                foreach (var shipped in (fulfillment?["lines"] as JsonArray)?.OfType<JsonObject>() ?? [])
                {
                    if (lines.TryGetValue(Text(shipped["orderLineId"]) ?? "", out var line))
                    {
                        yield return Event($"vendure-history-{entryId}-{Text(line["id"])}", CoCreationEventTypes.ShipmentSent, at, orderId + "-" + Text(line["id"]), line, new Dictionary<string, string>
                        {
                            [CoCreationEventData.OrderId] = orderId,
                            [CoCreationEventData.Quantity] = Long(shipped["quantity"]).ToString(CultureInfo.InvariantCulture),
                            [CoCreationEventData.Carrier] = Text(fulfillment!["method"]) ?? "",
                            [CoCreationEventData.TrackingNumber] = Text(fulfillment["trackingCode"]) ?? "",
                        });
                    }
                }

                break;
            case "ORDER_REFUND_TRANSITION" when Text(details["to"]) == "Settled":
                var refund = ((order["payments"] as JsonArray)?.OfType<JsonObject>() ?? [])
                    .SelectMany(p => (p["refunds"] as JsonArray)?.OfType<JsonObject>() ?? [])
                    .FirstOrDefault(r => Text(r["id"]) == Text(details["refundId"]));
                var tag = RefundTag.Parse(Text(refund?["reason"]));
                if (refund is not null && tag is not null && lines.TryGetValue(tag.LineId, out var refundedLine))
                {
                    yield return Event($"vendure-history-{entryId}", CoCreationEventTypes.SaleRefunded, at, orderId + "-" + tag.LineId, refundedLine, new Dictionary<string, string>
                    {
                        [CoCreationEventData.OrderId] = orderId,
                        [CoCreationEventData.RefundId] = Text(refund["id"])!,
                        [CoCreationEventData.Quantity] = tag.Quantity.ToString(CultureInfo.InvariantCulture),
                        [CoCreationEventData.Amount] = ToMoney(Long(refund["total"])).Amount.ToString(CultureInfo.InvariantCulture),
                        [CoCreationEventData.Currency] = _options.Currency,
                        [CoCreationEventData.Restocked] = tag.Restock ? "true" : "false",
                    });
                }

                break;
        }
    }

    private CoCreationEvent Event(string id, string type, DateTimeOffset at, string saleId, JsonObject line, Dictionary<string, string> data)
    {
        data[CoCreationEventData.SaleId] = saleId;
        data[CoCreationEventData.ListingId] = Text(line["productVariant"]?["productId"]) ?? "";
        data[CoCreationEventData.ProductId] = Text(line["productVariant"]?["sku"]) ?? "";
        if (line["productVariant"]?["product"] is JsonObject product)
        {
            data[CoCreationEventData.Title] = Text(product["name"]) ?? "";
            if (OwnerOf(product) is { } owner)
            {
                data[CoCreationEventData.OwnerAccountId] = owner;
            }
        }

        return new CoCreationEvent { Id = id, Source = _source, Type = type, Time = at, Subject = saleId, Data = data.ToImmutableDictionary(StringComparer.Ordinal) };
    }

    private static (DateTimeOffset Watermark, HashSet<string> Seen) ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return (DateTimeOffset.UnixEpoch, new HashSet<string>(StringComparer.Ordinal));
        }

        var parts = cursor.Split(':');
        if (parts.Length != 3 || parts[0] != CursorVersion
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            throw new CoCreationValidationException("cursor", "is not a cursor of the Vendure adapter.");
        }

        var seen = parts[2].Length == 0 ? [] : parts[2].Split(',');
        if (seen.Any(s => !IsId(s)))
        {
            throw new CoCreationValidationException("cursor", "is not a cursor of the Vendure adapter.");
        }

        return (DateTimeOffset.FromUnixTimeMilliseconds(ms), new HashSet<string>(seen, StringComparer.Ordinal));
    }

    private static string FormatCursor(DateTimeOffset watermark, IEnumerable<string> seen)
        => string.Create(CultureInfo.InvariantCulture, $"{CursorVersion}:{watermark.ToUnixTimeMilliseconds()}:{string.Join(',', seen.Distinct(StringComparer.Ordinal).OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal))}");
}
