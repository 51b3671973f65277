using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Vendure;

// Listings (products with one variant), sales (order lines), shipments (fulfillments) and refunds.
public sealed partial class VendureEnterpriseAdapter
{
    private const int MaxTitleLength = 200;
    private const int MaxTermsLength = 5000;
    private const int OrderPageSize = 100;

    // Keys of refunds this adapter made, for keys reused on another sale; the refund's tag catches repeats on the same order.
    private readonly ConcurrentDictionary<string, Refund> _refundsByKey = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>
    /// A product variant with the SKU <see cref="ListingRequest.ProductId"/> that already exists is adopted (its product
    /// renamed, priced, enabled and assigned to the owner's channel); otherwise a product with one variant is created.
    /// </remarks>
    public async Task<Listing> CreateListingAsync(ListingRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sku = CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.ProductId, "ListingRequest.ProductId"), MaxTitleLength, "ListingRequest.ProductId");
        CoCreationGuard.NotBlank(request.OwnerAccountId, "ListingRequest.OwnerAccountId");
        var title = CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Title, "ListingRequest.Title"), MaxTitleLength, "ListingRequest.Title");
        CheckPrice(request.Price, "ListingRequest.Price");
        var terms = CoCreationGuard.MaxLength(request.Terms ?? "", MaxTermsLength, "ListingRequest.Terms");

        await AdministratorAsync(request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var channelId = await AccountChannelAsync(request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var found = await SendAsync(VendureDocuments.FindVariant, new JsonObject { ["sku"] = sku }, cancellationToken).ConfigureAwait(false);
        var variant = (found["productVariants"]?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(v => Text(v["sku"]) == sku);
        string productId;
        if (variant is null)
        {
            var created = await SendAsync(VendureDocuments.CreateProduct, new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["enabled"] = true,
                    ["translations"] = Translation(title, terms, "cocreation-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))),
                },
            }, cancellationToken).ConfigureAwait(false);
            productId = Text(created["createProduct"]?["id"]) ?? throw BadAnswer("CreateProduct");
            await SendAsync(VendureDocuments.CreateProductVariants, new JsonObject
            {
                ["input"] = new JsonArray(new JsonObject
                {
                    ["productId"] = productId,
                    ["sku"] = sku,
                    ["price"] = ToMinor(request.Price),
                    ["enabled"] = true,
                    ["translations"] = new JsonArray(new JsonObject { ["languageCode"] = _options.LanguageCode, ["name"] = title }),
                }),
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            productId = Text(variant["productId"]) ?? throw BadAnswer("FindVariant");
            await SendAsync(VendureDocuments.UpdateProduct, new JsonObject
            {
                ["input"] = new JsonObject { ["id"] = productId, ["enabled"] = true, ["translations"] = Translation(title, terms, null) },
            }, cancellationToken).ConfigureAwait(false);
            await SendAsync(VendureDocuments.UpdateProductVariants, new JsonObject
            {
                ["input"] = new JsonArray(new JsonObject { ["id"] = Text(variant["id"]), ["price"] = ToMinor(request.Price), ["enabled"] = true }),
            }, cancellationToken).ConfigureAwait(false);
        }

        await SendAsync(VendureDocuments.AssignProductsToChannel, new JsonObject
        {
            ["input"] = new JsonObject { ["productIds"] = new JsonArray(productId), ["channelId"] = channelId },
        }, cancellationToken).ConfigureAwait(false);
        return await GetListingAsync(productId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>The actor must be the listing's owner, active, and hold the <c>seller</c> role where the adapter knows it.</remarks>
    public async Task<Listing> UpdateListingAsync(EnterpriseAccount actor, string listingId, ListingUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(update);
        CheckPrice(update.Price, "ListingUpdate.Price");
        var terms = CoCreationGuard.MaxLength(update.Terms ?? "", MaxTermsLength, "ListingUpdate.Terms");
        var (listing, product) = await ListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        var current = ToAccount(await AdministratorAsync(actor.AccountId, cancellationToken).ConfigureAwait(false));
        if (!current.IsActive)
        {
            throw Forbidden($"Account {actor.AccountId} is not active at {Name}; it may not change listing {listingId}.");
        }

        if (!string.Equals(listing.OwnerAccountId, actor.AccountId, StringComparison.Ordinal))
        {
            throw Forbidden($"Account {actor.AccountId} does not own listing {listingId}.");
        }

        if (Capabilities.Roles.Contains(EnterpriseRoles.Seller, StringComparer.Ordinal) && !current.Roles.Contains(EnterpriseRoles.Seller, StringComparer.Ordinal))
        {
            throw Forbidden($"Account {actor.AccountId} lacks the {EnterpriseRoles.Seller} role needed to change listing {listingId}.");
        }

        var variantId = Text(((JsonArray)product["variants"]!)[0]!["id"]);
        await SendAsync(VendureDocuments.UpdateProductVariants, new JsonObject
        {
            ["input"] = new JsonArray(new JsonObject { ["id"] = variantId, ["price"] = ToMinor(update.Price) }),
        }, cancellationToken).ConfigureAwait(false);
        var updated = await SendAsync(VendureDocuments.UpdateProduct, new JsonObject
        {
            ["input"] = new JsonObject { ["id"] = listingId, ["translations"] = Translation(listing.Title, terms, null) },
        }, cancellationToken).ConfigureAwait(false);
        return ToListing(updated["updateProduct"] as JsonObject ?? throw BadAnswer("UpdateProduct"), listingId);
    }

    /// <inheritdoc />
    public async Task<Listing> GetListingAsync(string listingId, CancellationToken cancellationToken = default)
        => (await ListingAsync(listingId, cancellationToken).ConfigureAwait(false)).Listing;

    /// <inheritdoc />
    /// <remarks>Disables the product; it stays in Vendure with its orders.</remarks>
    public async Task<Listing> DelistAsync(string listingId, CancellationToken cancellationToken = default)
    {
        var (listing, _) = await ListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        if (listing.Status == ListingStatus.Delisted)
        {
            return listing;
        }

        var updated = await SendAsync(VendureDocuments.UpdateProduct, new JsonObject { ["input"] = new JsonObject { ["id"] = listingId, ["enabled"] = false } }, cancellationToken).ConfigureAwait(false);
        return ToListing(updated["updateProduct"] as JsonObject ?? throw BadAnswer("UpdateProduct"), listingId);
    }

    /// <inheritdoc />
    /// <remarks>Reads the orders placed in the period, page by page, and keeps the lines of the listing's variant.</remarks>
    public async Task<IReadOnlyList<SaleRecord>> GetSalesAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var (listing, product) = await ListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        var variantId = Text(((JsonArray)product["variants"]!)[0]!["id"]);
        var sales = new List<SaleRecord>();
        await foreach (var order in OrdersPlacedAsync(from, to, cancellationToken).ConfigureAwait(false))
        {
            var placed = Time(order["orderPlacedAt"]);
            if (placed < from || placed >= to)
            {
                continue;
            }

            foreach (var line in Lines(order).Where(l => Text(l["productVariant"]?["id"]) == variantId))
            {
                sales.Add(ToSale(order, line, listing.Id, listing.ProductId));
            }
        }

        return [.. sales.OrderBy(s => s.SoldAt).ThenBy(s => s.Id, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    /// <remarks>Adds a fulfillment of the line's unfulfilled pieces (handler <c>manual-fulfillment</c>, the carrier as its method) and moves it to <c>Shipped</c>.</remarks>
    public async Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var carrier = CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Carrier, "ShipmentRequest.Carrier"), MaxTitleLength, "ShipmentRequest.Carrier");
        var tracking = CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.TrackingNumber, "ShipmentRequest.TrackingNumber"), MaxTitleLength, "ShipmentRequest.TrackingNumber");
        var (order, line) = await SaleAsync(saleId, cancellationToken).ConfigureAwait(false);
        var lineId = Text(line["id"])!;
        var fulfilled = Fulfillments(order).Where(f => Text(f["state"]) != "Cancelled")
            .SelectMany(f => (f["lines"] as JsonArray)?.OfType<JsonObject>() ?? []).Where(l => Text(l["orderLineId"]) == lineId).Sum(l => (int)Long(l["quantity"]));
        var open = (int)Long(line["quantity"]) - fulfilled;
        if (open <= 0)
        {
            throw new CoCreationConflictException($"Sale {saleId} has no pieces left to ship.");
        }

        var added = await SendAsync(VendureDocuments.AddFulfillmentToOrder, new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["lines"] = new JsonArray(new JsonObject { ["orderLineId"] = lineId, ["quantity"] = open }),
                ["handler"] = new JsonObject
                {
                    ["code"] = "manual-fulfillment",
                    ["arguments"] = new JsonArray(
                        new JsonObject { ["name"] = "method", ["value"] = carrier },
                        new JsonObject { ["name"] = "trackingCode", ["value"] = tracking }),
                },
            },
        }, cancellationToken).ConfigureAwait(false);
        var fulfillment = Result(added, "addFulfillmentToOrder", "AddFulfillmentToOrder");
        var fulfillmentId = Text(fulfillment["id"])!;
        var moved = await SendAsync(VendureDocuments.TransitionFulfillmentToState, new JsonObject { ["id"] = fulfillmentId, ["state"] = "Shipped" }, cancellationToken).ConfigureAwait(false);
        var shipped = Result(moved, "transitionFulfillmentToState", "TransitionFulfillmentToState");
        return new Shipment { Id = fulfillmentId, SaleId = saleId, Carrier = carrier, TrackingNumber = tracking, ShippedAt = Time(shipped["updatedAt"]) };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Refunds the pieces' amount (at the sale's unit price with tax) from a settled payment of the order with Vendure's
    /// <c>refundOrder</c> (<c>paymentId</c>, <c>amount</c>, <c>reason</c>); with <see cref="RefundRequest.Restock"/> it
    /// then cancels that many pieces of the order line (<c>cancelOrder</c>), which puts them back into saleable stock.
    /// </remarks>
    public async Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (_refundsByKey.TryGetValue(request.IdempotencyKey, out var known))
        {
            return known.SaleId == saleId ? known : throw KeyReused(request.IdempotencyKey);
        }

        var (order, line) = await SaleAsync(saleId, cancellationToken).ConfigureAwait(false);
        var lineId = Text(line["id"])!;
        var keyHash = KeyHash(request.IdempotencyKey);
        var refunds = OrderRefunds(order).ToList();
        if (refunds.FirstOrDefault(r => r.Tag.KeyHash == keyHash) is { } earlier)
        {
            return earlier.Tag.LineId == lineId ? Remember(request.IdempotencyKey, ToRefund(order, earlier, line)) : throw KeyReused(request.IdempotencyKey);
        }

        var left = (int)Long(line["orderPlacedQuantity"]) - refunds.Where(r => r.Tag.LineId == lineId).Sum(r => r.Tag.Quantity);
        if (request.Quantity > left)
        {
            throw new CoCreationValidationException("RefundRequest.Quantity", $"must be at most what is left unrefunded of sale {saleId} ({left}); was {request.Quantity}.");
        }

        var amount = Long(line["unitPriceWithTax"]) * request.Quantity;
        var payment = ((order["payments"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(p => Text(p["state"]) == "Settled")
            .FirstOrDefault(p => Long(p["amount"]) - ((p["refunds"] as JsonArray)?.OfType<JsonObject>() ?? []).Where(r => Text(r["state"]) != "Failed").Sum(r => Long(r["total"])) >= amount)
            ?? throw new CoCreationConflictException($"Sale {saleId} has no settled payment with {ToMoney(amount)} left to refund.");
        var tag = new RefundTag(lineId, request.Quantity, request.Restock, keyHash);
        var refunded = await SendAsync(VendureDocuments.RefundOrder, new JsonObject
        {
            // amount is the current input; Vendure 3.7 still writes the deprecated shipping and adjustment columns
            // (NOT NULL) from the input, so they are sent as 0: the refunded total is the amount alone.
            ["input"] = new JsonObject { ["paymentId"] = Text(payment["id"]), ["amount"] = amount, ["reason"] = tag.Append(request.Reason), ["shipping"] = 0, ["adjustment"] = 0 },
        }, cancellationToken).ConfigureAwait(false);
        var refund = Result(refunded, "refundOrder", "RefundOrder");
        if (request.Restock)
        {
            var cancelled = await SendAsync(VendureDocuments.CancelOrder, new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["orderId"] = Text(order["id"]),
                    ["lines"] = new JsonArray(new JsonObject { ["orderLineId"] = lineId, ["quantity"] = request.Quantity }),
                    ["reason"] = "Restocked with refund " + Text(refund["id"]),
                    ["cancelShipping"] = false,
                },
            }, cancellationToken).ConfigureAwait(false);
            Result(cancelled, "cancelOrder", "CancelOrder");
        }

        return Remember(request.IdempotencyKey, ToRefund(order, new TaggedRefund(refund, tag), line));
    }

    /// <inheritdoc />
    /// <remarks>Reads the orders placed from <see cref="VendureOptions.OrderScanWindow"/> before <paramref name="from"/> up to <paramref name="to"/>, and keeps the refunds made in the period.</remarks>
    public async Task<IReadOnlyList<Refund>> GetRefundsAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var (_, product) = await ListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        var variantId = Text(((JsonArray)product["variants"]!)[0]!["id"]);
        var refunds = new List<Refund>();
        await foreach (var order in OrdersPlacedAsync(from - _options.OrderScanWindow, to, cancellationToken).ConfigureAwait(false))
        {
            var lines = Lines(order).Where(l => Text(l["productVariant"]?["id"]) == variantId).ToDictionary(l => Text(l["id"])!, StringComparer.Ordinal);
            foreach (var tagged in OrderRefunds(order))
            {
                var at = Time(tagged.Refund["createdAt"]);
                if (at >= from && at < to && lines.TryGetValue(tagged.Tag.LineId, out var line))
                {
                    refunds.Add(ToRefund(order, tagged, line));
                }
            }
        }

        return [.. refunds.OrderBy(r => r.RefundedAt).ThenBy(r => Long(JsonValue.Create(r.Id)))];
    }

    /// <inheritdoc />
    /// <exception cref="CapabilityNotSupportedException">Always: Vendure has no payouts to record.</exception>
    public Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        throw new CapabilityNotSupportedException(Name, "payouts");
    }

    // ---------------------------------------------------------------- reading

    private void CheckPrice(Money price, string field)
    {
        CoCreationGuard.PositivePrice(price, field);
        if (!string.Equals(price.Currency, _options.Currency, StringComparison.Ordinal))
        {
            throw new CoCreationValidationException(field + ".Currency", $"must be {_options.Currency}, the shop's currency (was {price.Currency}).");
        }
    }

    private JsonArray Translation(string name, string description, string? slug)
    {
        var translation = new JsonObject { ["languageCode"] = _options.LanguageCode, ["name"] = name, ["description"] = description };
        if (slug is not null)
        {
            translation["slug"] = slug;
        }

        return new JsonArray(translation);
    }

    private async Task<(Listing Listing, JsonObject Product)> ListingAsync(string listingId, CancellationToken cancellationToken)
    {
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        if (!IsId(listingId))
        {
            throw new ResourceNotFoundException(Name, "listing", listingId);
        }

        await SetupAsync(cancellationToken).ConfigureAwait(false);
        var data = await SendAsync(VendureDocuments.GetProduct, new JsonObject { ["id"] = listingId }, cancellationToken).ConfigureAwait(false);
        var product = data["product"] as JsonObject;
        if (product?["variants"] is not JsonArray { Count: > 0 })
        {
            throw new ResourceNotFoundException(Name, "listing", listingId);
        }

        return (ToListing(product, listingId), product);
    }

    private Listing ToListing(JsonObject product, string listingId)
    {
        var variant = ((JsonArray)product["variants"]!)[0]!;
        return new Listing
        {
            Id = listingId,
            ProductId = Text(variant["sku"]) ?? "",
            OwnerAccountId = OwnerOf(product) ?? "",
            Title = Text(product["name"]) ?? "",
            Price = ToMoney(Long(variant[PricesIncludeTax ? "priceWithTax" : "price"])),
            Terms = Text(product["description"]) ?? "",
            Status = product["enabled"]?.GetValue<bool>() == true ? ListingStatus.Active : ListingStatus.Delisted,
        };
    }

    /// <summary>The account whose own channel a product is assigned to, or <see langword="null"/>.</summary>
    private static string? OwnerOf(JsonObject product)
        => ((product["channels"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(c => Text(c["code"]) ?? "")
            .Where(c => c.StartsWith(ChannelPrefix, StringComparison.Ordinal) && IsId(c[ChannelPrefix.Length..]))
            .Select(c => c[ChannelPrefix.Length..])
            .FirstOrDefault();

    private async Task<(JsonObject Order, JsonObject Line)> SaleAsync(string saleId, CancellationToken cancellationToken)
    {
        CoCreationGuard.NotBlank(saleId, nameof(saleId));
        var parts = saleId.Split('-');
        if (parts.Length != 2 || !IsId(parts[0]) || !IsId(parts[1]))
        {
            throw new ResourceNotFoundException(Name, "sale", saleId);
        }

        var data = await SendAsync(VendureDocuments.GetOrder, new JsonObject { ["id"] = parts[0] }, cancellationToken).ConfigureAwait(false);
        var order = data["order"] as JsonObject ?? throw new ResourceNotFoundException(Name, "sale", saleId);
        var line = Lines(order).FirstOrDefault(l => Text(l["id"]) == parts[1]) ?? throw new ResourceNotFoundException(Name, "sale", saleId);
        return (order, line);
    }

    private async IAsyncEnumerable<JsonObject> OrdersPlacedAsync(DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var skip = 0; ; skip += OrderPageSize)
        {
            var data = await SendAsync(VendureDocuments.OrdersPlaced, new JsonObject
            {
                ["start"] = IsoTime(from),
                ["end"] = IsoTime(to),
                ["skip"] = skip,
                ["take"] = OrderPageSize,
            }, cancellationToken).ConfigureAwait(false);
            var items = (data["orders"]?["items"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
            foreach (var order in items)
            {
                yield return order;
            }

            if (items.Count < OrderPageSize)
            {
                yield break;
            }
        }
    }

    private SaleRecord ToSale(JsonObject order, JsonObject line, string listingId, string productId)
    {
        var lineId = Text(line["id"])!;
        var shipped = Fulfillments(order).Where(f => Text(f["state"]) is "Shipped" or "Delivered")
            .SelectMany(f => (f["lines"] as JsonArray)?.OfType<JsonObject>() ?? []).Any(l => Text(l["orderLineId"]) == lineId);
        return new SaleRecord
        {
            Id = Text(order["id"]) + "-" + lineId,
            ListingId = listingId,
            ProductId = productId,
            Quantity = (int)Long(line["orderPlacedQuantity"]),
            UnitPrice = ToMoney(Long(line["unitPriceWithTax"])),
            SoldAt = Time(order["orderPlacedAt"]),
            Shipped = shipped,
        };
    }

    private Refund ToRefund(JsonObject order, TaggedRefund tagged, JsonObject line) => new()
    {
        Id = Text(tagged.Refund["id"])!,
        SaleId = Text(order["id"]) + "-" + tagged.Tag.LineId,
        ListingId = Text(line["productVariant"]?["productId"]) ?? "",
        ProductId = Text(line["productVariant"]?["sku"]) ?? "",
        Quantity = tagged.Tag.Quantity,
        Amount = ToMoney(Long(tagged.Refund["total"])),
        Reason = RefundTag.Strip(Text(tagged.Refund["reason"]) ?? ""),
        Restocked = tagged.Tag.Restock,
        RefundedAt = Time(tagged.Refund["createdAt"]),
    };

    private Refund Remember(string key, Refund refund) => _refundsByKey.GetOrAdd(key, refund);

    private static CoCreationConflictException KeyReused(string key)
        => new($"The idempotency key '{key}' was already used for the refund of another sale.");

    private static IEnumerable<JsonObject> Lines(JsonObject order) => (order["lines"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static IEnumerable<JsonObject> Fulfillments(JsonObject order) => (order["fulfillments"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static IEnumerable<TaggedRefund> OrderRefunds(JsonObject order)
        => ((order["payments"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .SelectMany(p => (p["refunds"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(r => Text(r["state"]) != "Failed")
            .Select(r => RefundTag.Parse(Text(r["reason"])) is { } tag ? new TaggedRefund(r, tag) : null)
            .OfType<TaggedRefund>();

    private static string KeyHash(string key)
        => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..22].Replace('+', '-').Replace('/', '_');

    private static string IsoTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed record TaggedRefund(JsonObject Refund, RefundTag Tag);

    /// <summary>What the adapter keeps at the end of a Vendure refund's reason: the sale's line, pieces, restocking and the hashed key.</summary>
    internal sealed partial record RefundTag(string LineId, int Quantity, bool Restock, string KeyHash)
    {
        public string Append(string reason)
            => string.Create(CultureInfo.InvariantCulture, $"{reason} [cocreation:v1 line={LineId} qty={Quantity} restock={(Restock ? 1 : 0)} key={KeyHash}]");

        public static RefundTag? Parse(string? reason)
        {
            var match = reason is null ? Match.Empty : Pattern().Match(reason);
            return match.Success
                ? new RefundTag(match.Groups["line"].Value, int.Parse(match.Groups["qty"].Value, CultureInfo.InvariantCulture), match.Groups["restock"].Value == "1", match.Groups["key"].Value)
                : null;
        }

        public static string Strip(string reason)
        {
            var match = Pattern().Match(reason);
            return match.Success ? reason[..match.Index] : reason;
        }

        [GeneratedRegex(@" \[cocreation:v1 line=(?<line>[0-9]+) qty=(?<qty>[0-9]+) restock=(?<restock>[01]) key=(?<key>[A-Za-z0-9_-]+)\]$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
        private static partial Regex Pattern();
    }
}
