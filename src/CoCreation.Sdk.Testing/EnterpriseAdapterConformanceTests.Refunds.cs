using CoCreation.Sdk.Enterprise;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

// Refunds and returns (ICommerceSystem.RefundAsync and GetRefundsAsync).
public abstract partial class EnterpriseAdapterConformanceTests
{
    /// <summary>
    /// Sells pieces of an active listing as a buyer of the shop would, for the refund tests: whatever the system needs
    /// (stock, a paid order) is up to the hook. Adapters with <see cref="ICommerceSystem"/> must override it; the default
    /// throws, so a shop adapter whose fixture forgets it fails its refund tests instead of skipping them.
    /// </summary>
    /// <param name="adapter">The adapter under test.</param>
    /// <param name="listing">The listing, owned by an active account with the seller role.</param>
    /// <param name="quantity">How many pieces.</param>
    /// <returns>The sale, as <see cref="ICommerceSystem.GetSalesAsync"/> reports it.</returns>
    /// <exception cref="NotSupportedException">The hook was not overridden.</exception>
    protected virtual Task<SaleRecord> SellAsync(IEnterpriseAdapter adapter, Listing listing, int quantity)
        => throw new NotSupportedException("Override SellAsync: the refund tests need a paid sale of a listing.");

    /// <summary>
    /// A partial refund with restocking is recorded, read back by period, puts the pieces back into stock, and a repeat with
    /// the same idempotency key returns the same refund without refunding or restocking twice.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_Refund_IsRecordedOnceAndRestocksAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var (listing, sale) = await SoldListingAsync(commerce, 3).ConfigureAwait(false);
        var inventory = Adapter as IInventorySystem;
        var stockBefore = inventory is null ? null : await inventory.GetStockAsync(listing.ProductId).ConfigureAwait(false);
        var request = new RefundRequest { Quantity = 2, Reason = "Wrong size", Restock = true, IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") };

        var refund = await commerce.RefundAsync(sale.Id, request).ConfigureAwait(false);
        var repeated = await commerce.RefundAsync(sale.Id, request).ConfigureAwait(false);
        var now = TimeProvider.GetUtcNow();
        var refunds = await commerce.RefundsOfAsync(listing.Id, now).ConfigureAwait(false);
        var stockAfter = inventory is null ? null : await inventory.GetStockAsync(listing.ProductId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.Id, Is.Not.Null.And.Not.Empty, "Id");
            Assert.That(refund.SaleId, Is.EqualTo(sale.Id), "SaleId");
            Assert.That(refund.ListingId, Is.EqualTo(listing.Id), "ListingId");
            Assert.That(refund.ProductId, Is.EqualTo(listing.ProductId), "ProductId");
            Assert.That(refund.Quantity, Is.EqualTo(2), "Quantity");
            Assert.That(refund.Amount, Is.EqualTo(sale.UnitPrice.Multiply(2)), "Amount: the refunded pieces at the sale's unit price");
            Assert.That(refund.Restocked, Is.True, "Restocked");
            Assert.That(refund.Reason, Is.EqualTo("Wrong size"), "Reason");
            Assert.That(repeated, Is.EqualTo(refund), "the same key returns the first refund");
            Assert.That(refunds.Select(r => r.Id), Is.EqualTo(new[] { refund.Id }), "read back: one refund, not two");
            if (stockBefore is not null)
            {
                Assert.That(stockAfter!.OnHand, Is.EqualTo(stockBefore.OnHand + 2), "the returned pieces are back on hand, once");
            }
        }
    }

    /// <summary>A refund without restocking leaves stock as it was.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_RefundWithoutRestock_LeavesStockAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var (listing, sale) = await SoldListingAsync(commerce, 2).ConfigureAwait(false);
        var inventory = Adapter as IInventorySystem;
        var stockBefore = inventory is null ? null : await inventory.GetStockAsync(listing.ProductId).ConfigureAwait(false);

        var refund = await commerce.RefundAsync(sale.Id, new RefundRequest { Quantity = 2, Reason = "Damaged in transit", IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") }).ConfigureAwait(false);
        var stockAfter = inventory is null ? null : await inventory.GetStockAsync(listing.ProductId).ConfigureAwait(false);
        var refunds = await commerce.RefundsOfAsync(listing.Id, TimeProvider.GetUtcNow()).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refund.Restocked, Is.False, "Restocked");
            Assert.That(refunds.Select(r => r.Id), Is.EqualTo(new[] { refund.Id }), "read back");
            if (stockBefore is not null)
            {
                Assert.That(stockAfter!.OnHand, Is.EqualTo(stockBefore.OnHand), "stock unchanged");
            }
        }
    }

    /// <summary>
    /// Refunding more than is left unrefunded of a sale (at once or in parts), no pieces, or more than the quantity limit
    /// is refused naming <c>RefundRequest.Quantity</c>, and nothing is refunded.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_RefundBeyondTheSale_IsRefusedAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var (listing, sale) = await SoldListingAsync(commerce, 2).ConfigureAwait(false);
        RefundRequest Request(int quantity) => new() { Quantity = quantity, Reason = "Changed mind", Restock = true, IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") };

        var tooMany = Assert.CatchAsync<CoCreationValidationException>(() => commerce.RefundAsync(sale.Id, Request(3)));
        var none = Assert.CatchAsync<CoCreationValidationException>(() => commerce.RefundAsync(sale.Id, Request(0)));
        var overLimit = Assert.CatchAsync<CoCreationValidationException>(() => commerce.RefundAsync(sale.Id, Request(CoCreationLimits.MaxQuantity + 1)));
        var blankReason = Assert.CatchAsync<CoCreationValidationException>(() => commerce.RefundAsync(sale.Id, Request(1) with { Reason = " " }));
        var first = await commerce.RefundAsync(sale.Id, Request(1)).ConfigureAwait(false);
        var second = await commerce.RefundAsync(sale.Id, Request(1)).ConfigureAwait(false);
        var third = Assert.CatchAsync<CoCreationValidationException>(() => commerce.RefundAsync(sale.Id, Request(1)));
        var refunds = await commerce.RefundsOfAsync(listing.Id, TimeProvider.GetUtcNow()).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tooMany!.Field, Is.EqualTo("RefundRequest.Quantity"), "more than sold");
            Assert.That(none!.Field, Is.EqualTo("RefundRequest.Quantity"), "no pieces");
            Assert.That(overLimit!.Field, Is.EqualTo("RefundRequest.Quantity"), "over the quantity limit");
            Assert.That(blankReason!.Field, Is.EqualTo("RefundRequest.Reason"), "blank reason");
            Assert.That(third!.Field, Is.EqualTo("RefundRequest.Quantity"), "more than is left after two partial refunds");
            Assert.That(refunds.Select(r => r.Id), Is.EqualTo(new[] { first.Id, second.Id }), "only the two accepted refunds exist");
            Assert.That(refunds.Sum(r => r.Quantity), Is.EqualTo(sale.Quantity), "never more than sold");
        }
    }

    /// <summary>A refund of a sale that does not exist is not found; an idempotency key used for one sale is refused for another.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_RefundOfUnknownSaleOrReusedKey_IsRefusedAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var (listing, sale) = await SoldListingAsync(commerce, 1).ConfigureAwait(false);
        var other = await SellAsync(Adapter, listing, 1).ConfigureAwait(false);
        var request = new RefundRequest { Quantity = 1, Reason = "Late delivery", IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") };
        await commerce.RefundAsync(sale.Id, request).ConfigureAwait(false);

        var unknown = Assert.CatchAsync<ResourceNotFoundException>(() => commerce.RefundAsync("no-such-sale-" + Guid.NewGuid().ToString("N"), request with { IdempotencyKey = "refund-" + Guid.NewGuid().ToString("N") }));
        var reused = Assert.CatchAsync<CoCreationConflictException>(() => commerce.RefundAsync(other.Id, request));
        var refunds = await commerce.RefundsOfAsync(listing.Id, TimeProvider.GetUtcNow()).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown, Is.Not.Null, "unknown sale");
            Assert.That(reused, Is.Not.Null, "a key reused for another sale");
            Assert.That(refunds.Select(r => r.SaleId), Is.EqualTo(new[] { sale.Id }), "the other sale was not refunded");
        }
    }

    private async Task<(Listing Listing, SaleRecord Sale)> SoldListingAsync(ICommerceSystem commerce, int quantity)
    {
        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member, EnterpriseRoles.Seller)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        var listing = await commerce.CreateListingAsync(new ListingRequest { ProductId = productId, OwnerAccountId = owner.AccountId, Title = UniqueName("Refundable shirt"), Price = Price(32000m) }).ConfigureAwait(false);
        var sale = await SellAsync(Adapter, listing, quantity).ConfigureAwait(false);
        Assert.That(sale.Quantity, Is.EqualTo(quantity), "SellAsync sold the pieces asked for");
        return (listing, sale);
    }
}

/// <summary>Reads of the refund tests.</summary>
internal static class ConformanceRefundReads
{
    /// <summary>Reads a listing's refunds of the day around a moment.</summary>
    public static Task<IReadOnlyList<Refund>> RefundsOfAsync(this ICommerceSystem commerce, string listingId, DateTimeOffset now)
        => commerce.GetRefundsAsync(listingId, now.AddDays(-1), now.AddDays(1));
}
