using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Implementation;
using static CoCreation.Sdk.Tryton.Implementation.TrytonValues;

namespace CoCreation.Sdk.Tryton;

// Events: records changed since the cursor (by write_date, else create_date), turned into CoCreation events.
public sealed partial class TrytonEnterpriseAdapter
{
    private static readonly string[] SaleStates = ["confirmed", "processing", "done"];

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Reads productions, the adapter's notes, confirmed sales (<c>sale.sale</c>) and done customer shipments
    /// (<c>stock.shipment.out</c>) whose <c>write_date</c> (or, never written, <c>create_date</c>) is at or after the
    /// cursor's time, oldest first, and turns them into events: production requested, progress, completed and stocked
    /// in; design submitted and reviewed; low stock; sale completed; shipment sent. Only records that concern a design
    /// made through the adapter become events (they name the designer as owner). Before reading, low-stock thresholds
    /// are checked against current stock, so stock moved in Tryton itself raises the alert too.
    /// </para>
    /// <para>
    /// The cursor is opaque: the change time read up to and the records at exactly that time already delivered.
    /// A record changed again later is read again with its new state (a production's progress, say), as a new event;
    /// sales, shipments and alerts keep one event id per occurrence, so a relay drops repeats.
    /// </para>
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The cursor was not issued by a Tryton adapter.</exception>
    protected override async Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken)
    {
        var position = ParseCursor(cursor);
        await CheckLowStockAsync(null, cancellationToken).ConfigureAwait(false);
        var since = new DateTimeOffset(position.Ticks, TimeSpan.Zero);
        var limit = _options.MaxRecordsPerEventPage + position.Seen.Count + 1;
        var seen = position.Seen.ToHashSet(StringComparer.Ordinal);

        var sources = new (string Model, JsonArray Domain, string[] Fields)[]
        {
            ("production", Domain(), ProductionFields),
            ("ir.note", Domain(Clause("message", "like", NotePrefix + "%")), ["id", "resource", "message", "create_date", "write_date"]),
            ("sale.sale", Domain(Clause("state", "in", Fields(SaleStates))), ["id", "number", "state", "create_date", "write_date"]),
            ("stock.shipment.out", Domain(Clause("state", "=", "done")), ["id", "number", "reference", "create_date", "write_date"]),
        };

        var changes = new Dictionary<string, Change>(StringComparer.Ordinal);
        DateTimeOffset? horizon = null;
        foreach (var (model, domain, fields) in sources)
        {
            foreach (var dateField in new[] { "create_date", "write_date" })
            {
                var filter = (JsonArray)domain.DeepClone();
                filter.Add(Clause(dateField, ">=", TrytonValues.DateTime(since)));
                var found = Records(await CallAsync(model, "search_read", Args(
                    filter, 0, limit, new JsonArray(new JsonArray(dateField, "ASC"), new JsonArray("id", "ASC")), Fields(fields)), Inactive, cancellationToken).ConfigureAwait(false)).ToList();
                foreach (var record in found)
                {
                    var change = new Change(model, Long(record["id"]), Stamp(record), record);
                    if (change.Stamp < since || (change.Stamp == since && seen.Contains(change.Key)))
                    {
                        continue;
                    }

                    changes[change.Key] = change;
                }

                if (found.Count == limit && ReadDateTime(found[^1][dateField]) is { } last && (horizon is null || last < horizon))
                {
                    // Records past this one were not fetched; nothing later than it may be delivered in this page.
                    horizon = last;
                }
            }
        }

        var ordered = changes.Values
            .Where(c => horizon is null || c.Stamp <= horizon)
            .OrderBy(c => c.Stamp).ThenBy(c => c.Model, StringComparer.Ordinal).ThenBy(c => c.Id)
            .ToList();
        var page = ordered.Take(_options.MaxRecordsPerEventPage).ToList();
        var hasMore = ordered.Count > page.Count || horizon is not null;
        if (page.Count == 0)
        {
            return new EventPage([], cursor ?? FormatCursor(position), hasMore);
        }

        var events = await ToEventsAsync(page, cancellationToken).ConfigureAwait(false);
        var lastStamp = page[^1].Stamp;
        var nextSeen = page.Where(c => c.Stamp == lastStamp).Select(c => c.Key);
        if (lastStamp == since)
        {
            nextSeen = nextSeen.Concat(position.Seen);
        }

        var next = new EventCursor { Ticks = lastStamp.UtcTicks, Seen = [.. nextSeen.Distinct(StringComparer.Ordinal)] };
        return new EventPage(events, FormatCursor(next), hasMore);
    }

    private async Task<List<CoCreationEvent>> ToEventsAsync(List<Change> page, CancellationToken cancellationToken)
    {
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var productions = page.Where(c => c.Model == "production").ToList();
        var notes = page.Where(c => c.Model == "ir.note").ToList();
        var sales = page.Where(c => c.Model == "sale.sale").ToList();
        var shipments = page.Where(c => c.Model == "stock.shipment.out").ToList();

        var productionNotes = await ReadNotesAsync(ProductionKind, productions.Select(p => $"production,{Inv(p.Id)}"), TrytonJsonContext.Default.ProductionNote, cancellationToken).ConfigureAwait(false);
        var saleLines = sales.Count == 0 ? [] : Records(await CallAsync("sale.line", "search_read", Args(
            Domain(Clause("sale", "in", Ids([.. sales.Select(s => s.Id)])), Clause("type", "=", "line")), 0, null, null,
            Fields("id", "sale", "product", "quantity", "unit_price")), null, cancellationToken).ConfigureAwait(false)).ToList();
        var shipmentMoves = shipments.Count == 0 ? [] : Records(await CallAsync("stock.move", "search_read", Args(
            Domain(Clause("shipment", "in", Fields([.. shipments.Select(s => $"stock.shipment.out,{Inv(s.Id)}")])), Clause("to_location.type", "=", "customer")), 0, null, null,
            Fields("id", "shipment", "product", "quantity", "origin")), null, cancellationToken).ConfigureAwait(false)).ToList();

        var lineIds = shipmentMoves.Select(m => String(m["origin"])).Where(o => o is not null && o.StartsWith("sale.line,", StringComparison.Ordinal))
            .Select(o => long.Parse(o!.AsSpan("sale.line,".Length), CultureInfo.InvariantCulture)).Distinct().ToArray();
        var saleOfLine = lineIds.Length == 0 ? [] : Records(await CallAsync("sale.line", "search_read", Args(
            Domain(Clause("id", "in", Ids(lineIds))), 0, null, null, Fields("id", "sale")), null, cancellationToken).ConfigureAwait(false))
            .ToDictionary(l => $"sale.line,{Inv(Long(l["id"]))}", l => Inv(Long(l["sale"])), StringComparer.Ordinal);

        var productIds = new HashSet<long>();
        productIds.UnionWith(productions.Select(p => Long(p.Record["product"])));
        productIds.UnionWith(saleLines.Select(l => Long(l["product"])));
        productIds.UnionWith(shipmentMoves.Select(m => Long(m["product"])));
        var templateIds = new HashSet<long>();
        var stockProducts = new Dictionary<long, StockNote>();
        var designNotes = new Dictionary<long, DesignNote>();
        foreach (var note in notes)
        {
            var resource = String(note.Record["resource"]) ?? "";
            var id = resource.Contains(',', StringComparison.Ordinal) && long.TryParse(resource.AsSpan(resource.IndexOf(',', StringComparison.Ordinal) + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            if (resource.StartsWith("product.product,", StringComparison.Ordinal) && ParseNote(note.Record, StockKind, TrytonJsonContext.Default.StockNote) is { } stock)
            {
                productIds.Add(id);
                stockProducts[note.Id] = stock;
            }
            else if (resource.StartsWith("product.template,", StringComparison.Ordinal) && ParseNote(note.Record, DesignKind, TrytonJsonContext.Default.DesignNote) is { } design)
            {
                templateIds.Add(id);
                designNotes[note.Id] = design;
            }
        }

        var products = await DescribeProductsAsync(productIds, cancellationToken).ConfigureAwait(false);
        var templates = await DescribeTemplatesAsync(templateIds, cancellationToken).ConfigureAwait(false);
        var needStock = productions.Where(p => String(p.Record["state"]) == "done").Select(p => Long(p.Record["product"])).ToArray();
        var onHand = needStock.Length == 0 ? [] : await OnHandAsync(needStock, cancellationToken).ConfigureAwait(false);
        var thresholds = needStock.Length == 0 ? [] : await ReadNotesAsync(StockKind, needStock.Select(ProductResource), TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);

        var events = new List<CoCreationEvent>();
        foreach (var change in page)
        {
            var record = change.Record;
            var tag = change.Stamp.UtcTicks.ToString(CultureInfo.InvariantCulture);
            switch (change.Model)
            {
                case "production" when productionNotes.TryGetValue($"production,{Inv(change.Id)}", out var note):
                {
                    var productId = Long(record["product"]);
                    var title = products.TryGetValue(productId, out var p) ? p.Title : "";
                    var owner = Inv(note.Value.Requester);
                    var orderId = Inv(change.Id);
                    var subject = $"production-orders/{orderId}";
                    var quantity = Inv(Long(record["quantity"]));
                    var (percent, stage) = Progress(record);
                    switch (String(record["state"]))
                    {
                        case "request" or "draft" when record["write_date"] is null:
                            events.Add(Event($"production-{orderId}-requested", CoCreationEventTypes.ProductionRequested, subject, change.Stamp, owner,
                                (CoCreationEventData.OrderId, orderId), (CoCreationEventData.DesignId, Inv(note.Value.Design)),
                                (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, title), (CoCreationEventData.Quantity, quantity)));
                            break;
                        case "waiting" or "assigned" or "running":
                            events.Add(Event($"production-{orderId}-{tag}", CoCreationEventTypes.ProductionProgress, subject, change.Stamp, owner,
                                (CoCreationEventData.OrderId, orderId), (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, title),
                                (CoCreationEventData.Percent, Inv(percent)), (CoCreationEventData.Stage, stage)));
                            break;
                        case "done":
                            events.Add(Event($"production-{orderId}-completed", CoCreationEventTypes.ProductionCompleted, subject, change.Stamp, owner,
                                (CoCreationEventData.OrderId, orderId), (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, title),
                                (CoCreationEventData.Percent, "100"), (CoCreationEventData.Stage, stage), (CoCreationEventData.Quantity, quantity)));
                            events.Add(Event($"production-{orderId}-stocked-in", CoCreationEventTypes.StockReceived, $"products/{Inv(productId)}", change.Stamp, owner,
                                (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, title), (CoCreationEventData.OrderId, orderId),
                                (CoCreationEventData.Quantity, quantity),
                                (CoCreationEventData.OnHand, onHand.TryGetValue(productId, out var stock) ? Inv(stock) : null),
                                (CoCreationEventData.Threshold, thresholds.TryGetValue(ProductResource(productId), out var t) ? Inv(t.Value.Threshold) : null)));
                            break;
                    }

                    break;
                }

                case "ir.note" when designNotes.TryGetValue(change.Id, out var design):
                {
                    var resource = String(record["resource"]) ?? "";
                    var templateId = long.Parse(resource.AsSpan(resource.IndexOf(',', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
                    if (!templates.TryGetValue(templateId, out var template))
                    {
                        break;
                    }

                    var designId = Inv(templateId);
                    if (design.Status == "submitted" && record["write_date"] is null)
                    {
                        events.Add(Event($"design-{designId}-submitted", CoCreationEventTypes.DesignSubmitted, $"designs/{designId}", change.Stamp, Inv(design.Designer),
                            (CoCreationEventData.DesignId, designId), (CoCreationEventData.Title, template.Title)));
                    }
                    else if (design.Status is "accepted" or "declined")
                    {
                        var accepted = design.Status == "accepted";
                        events.Add(Event($"design-{designId}-reviewed", CoCreationEventTypes.DesignReviewed, $"designs/{designId}", change.Stamp, Inv(design.Designer),
                            (CoCreationEventData.DesignId, designId), (CoCreationEventData.Title, template.Title), ("accepted", accepted ? "true" : "false"),
                            (CoCreationEventData.ProductId, accepted && template.Product != 0 ? Inv(template.Product) : null), (CoCreationEventData.Text, design.ReviewNote)));
                    }

                    break;
                }

                case "ir.note" when stockProducts.TryGetValue(change.Id, out var stockNote) && stockNote.Raised:
                {
                    var resource = String(record["resource"]) ?? "";
                    var productId = long.Parse(resource.AsSpan(resource.IndexOf(',', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
                    if (products.TryGetValue(productId, out var product) && product.Owner is { } owner)
                    {
                        events.Add(Event($"stock-low-{Inv(productId)}-{tag}", CoCreationEventTypes.StockLow, $"products/{Inv(productId)}", change.Stamp, Inv(owner),
                            (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, product.Title),
                            (CoCreationEventData.OnHand, Inv(stockNote.OnHand)), (CoCreationEventData.Threshold, Inv(stockNote.Threshold))));
                    }

                    break;
                }

                case "sale.sale":
                    foreach (var line in saleLines.Where(l => Long(l["sale"]) == change.Id))
                    {
                        var productId = Long(line["product"]);
                        if (!products.TryGetValue(productId, out var product) || product.Owner is not { } owner)
                        {
                            continue;
                        }

                        var quantity = Long(line["quantity"]);
                        var unitPrice = Decimal(line["unit_price"]);
                        var saleId = Inv(change.Id);
                        events.Add(Event($"sale-{saleId}-line-{Inv(Long(line["id"]))}", CoCreationEventTypes.SaleCompleted, $"sales/{saleId}", change.Stamp, Inv(owner),
                            (CoCreationEventData.SaleId, saleId), (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, product.Title),
                            (CoCreationEventData.Quantity, Inv(quantity)), (CoCreationEventData.Amount, (unitPrice * quantity).ToString(CultureInfo.InvariantCulture)),
                            (CoCreationEventData.Currency, setup.CurrencyCode)));
                    }

                    break;

                case "stock.shipment.out":
                    foreach (var move in shipmentMoves.Where(m => String(m["shipment"]) == $"stock.shipment.out,{Inv(change.Id)}"))
                    {
                        var productId = Long(move["product"]);
                        if (!products.TryGetValue(productId, out var product) || product.Owner is not { } owner)
                        {
                            continue;
                        }

                        var shipmentId = Inv(change.Id);
                        var saleId = String(move["origin"]) is { } origin && saleOfLine.TryGetValue(origin, out var sale) ? sale : null;
                        events.Add(Event($"shipment-{shipmentId}-move-{Inv(Long(move["id"]))}", CoCreationEventTypes.ShipmentSent, $"shipments/{shipmentId}", change.Stamp, Inv(owner),
                            (CoCreationEventData.SaleId, saleId ?? shipmentId), (CoCreationEventData.ProductId, Inv(productId)), (CoCreationEventData.Title, product.Title),
                            (CoCreationEventData.Quantity, Inv(Long(move["quantity"]))), (CoCreationEventData.Carrier, "shipment"),
                            (CoCreationEventData.TrackingNumber, String(record["reference"]) ?? String(record["number"]) ?? shipmentId)));
                    }

                    break;
            }
        }

        return events;
    }

    /// <summary>Title and owner (the designer, where the product comes from a design) of products.</summary>
    private async Task<Dictionary<long, (string Title, long? Owner)>> DescribeProductsAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, (string, long?)>();
        if (productIds.Count == 0)
        {
            return result;
        }

        var products = Records(await CallAsync("product.product", "search_read", Args(
            Domain(Clause("id", "in", Ids([.. productIds]))), 0, null, null, Fields("id", "template")), Inactive, cancellationToken).ConfigureAwait(false)).ToList();
        var templates = await DescribeTemplatesAsync(products.Select(p => Long(p["template"])).ToHashSet(), cancellationToken).ConfigureAwait(false);
        foreach (var product in products)
        {
            if (templates.TryGetValue(Long(product["template"]), out var template))
            {
                result[Long(product["id"])] = (template.Title, template.Owner);
            }
        }

        return result;
    }

    private async Task<Dictionary<long, (string Title, long? Owner, long Product)>> DescribeTemplatesAsync(IReadOnlyCollection<long> templateIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<long, (string, long?, long)>();
        if (templateIds.Count == 0)
        {
            return result;
        }

        var templates = Records(await CallAsync("product.template", "search_read", Args(
            Domain(Clause("id", "in", Ids([.. templateIds]))), 0, null, null, Fields("id", "name", "products")), Inactive, cancellationToken).ConfigureAwait(false)).ToList();
        var notes = await ReadNotesAsync(DesignKind, templates.Select(t => $"product.template,{Inv(Long(t["id"]))}"), TrytonJsonContext.Default.DesignNote, cancellationToken).ConfigureAwait(false);
        foreach (var template in templates)
        {
            var id = Long(template["id"]);
            long? owner = notes.TryGetValue($"product.template,{Inv(id)}", out var note) ? note.Value.Designer : null;
            result[id] = (String(template["name"]) ?? "", owner, IdList(template["products"]).Order().FirstOrDefault());
        }

        return result;
    }

    private CoCreationEvent Event(string id, string type, string subject, DateTimeOffset time, string owner, params ReadOnlySpan<(string Key, string? Value)> data)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        builder[CoCreationEventData.OwnerAccountId] = owner;
        foreach (var (key, value) in data)
        {
            if (value is not null)
            {
                builder[key] = value;
            }
        }

        return new CoCreationEvent { Id = id, Source = _source, Type = type, Time = time, Subject = subject, Data = builder.ToImmutable() };
    }

    private static decimal Decimal(JsonNode? node) => node switch
    {
        JsonObject o when String(o["decimal"]) is { } text => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<double>(out var d) => (decimal)d,
        _ => 0m,
    };

    private const string CursorPrefix = "tryton1.";

    private static string FormatCursor(EventCursor cursor)
        => CursorPrefix + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(cursor, TrytonJsonContext.Default.EventCursor)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static EventCursor ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return new EventCursor { Ticks = DateTimeOffset.UnixEpoch.UtcTicks };
        }

        try
        {
            if (cursor.StartsWith(CursorPrefix, StringComparison.Ordinal))
            {
                var text = cursor[CursorPrefix.Length..].Replace('-', '+').Replace('_', '/');
                text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
                if (JsonSerializer.Deserialize(Convert.FromBase64String(text), TrytonJsonContext.Default.EventCursor) is { } parsed && parsed.Ticks >= 0)
                {
                    return parsed;
                }
            }
        }
        catch (FormatException)
        {
        }
        catch (JsonException)
        {
        }

        throw new CoCreationValidationException("cursor", "is not a cursor a Tryton adapter issued.");
    }

    private sealed record Change(string Model, long Id, DateTimeOffset Stamp, JsonObject Record)
    {
        public string Key => $"{Model}:{Inv(Id)}";
    }
}
