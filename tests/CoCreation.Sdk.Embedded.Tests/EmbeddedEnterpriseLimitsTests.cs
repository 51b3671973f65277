using System.Net;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>
/// The limits of <see cref="CoCreationLimits"/> in the embedded shop, and its all-or-nothing writes: a refused or failed
/// write leaves stock, sales, refunds, payouts and events as they were, in memory and in the file.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
[Category("Unit")]
public sealed class EmbeddedEnterpriseLimitsTests(bool stored) : EmbeddedShopFixture(stored)
{
    [Test]
    public async Task PriceOfDecimalMaxValue_IsRefused_AndNothingIsListed()
    {
        var shop = await ShopAsync(stock: 5);
        var events = System.AllEvents.Count;

        AssertInvalid(
            () => System.CreateListingAsync(new ListingRequest { ProductId = shop.ProductId, OwnerAccountId = shop.Designer.AccountId, Title = "Gold shirt", Price = new Money(decimal.MaxValue, "KRW") }),
            "ListingRequest.Price.Amount");
        AssertInvalid(() => System.UpdateListingAsync(shop.Designer, shop.Listing.Id, new ListingUpdate(new Money(decimal.MaxValue, "KRW"), "")), "ListingUpdate.Price.Amount");
        Reopen();

        Assert.That(System.AllEvents, Has.Count.EqualTo(events), "no event of a refused listing or price");
        Assert.That((await System.GetListingAsync(shop.Listing.Id)).Price, Is.EqualTo(new Money(39000m, "KRW")));
    }

    [Test]
    public async Task OrderWhoseTotalIsAboveTheLimit_IsRefused_BeforeStockOrSalesChange()
    {
        var shop = await ShopAsync(stock: 5, price: CoCreationLimits.MaxAmount);
        var events = System.AllEvents.Count;

        var ex = Assert.Throws<CoCreationValidationException>(() => System.PlaceOrder(shop.Listing.Id, "Bob", 2));
        Reopen();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("quantity"));
            Assert.That(await OnHandAsync(shop), Is.EqualTo(5), "stock untouched");
            Assert.That(await SalesAsync(shop), Is.Empty, "no sale stored");
            Assert.That(System.AllEvents, Has.Count.EqualTo(events), "no events");
        }

        // One piece at the largest price is a sale at the limit, and its total is exact.
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 1);
        Assert.That(sale.Total, Is.EqualTo(new Money(CoCreationLimits.MaxAmount, "KRW")));
    }

    [Test]
    public async Task OrderAboveTheQuantityLimit_IsRefused()
    {
        var shop = await ShopAsync(stock: 5);

        var ex = Assert.Throws<CoCreationValidationException>(() => System.PlaceOrder(shop.Listing.Id, "Bob", CoCreationLimits.MaxQuantity + 1));

        Assert.That(ex!.Field, Is.EqualTo("quantity"));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(5));
    }

    [Test]
    public async Task ProducingIntMaxValuePieces_IsRefused_AndStockNeverWraps()
    {
        var shop = await ShopAsync(stock: 9);
        var events = System.AllEvents.Count;

        AssertInvalid(() => System.RequestProductionAsync(shop.Designer, new ProductionRequest { DesignId = shop.DesignId, Quantity = int.MaxValue, Plan = "All of it" }), "ProductionRequest.Quantity");
        Reopen();

        Assert.That(await OnHandAsync(shop), Is.EqualTo(9));
        Assert.That(System.AllEvents, Has.Count.EqualTo(events), "no production order was created");
    }

    [Test]
    public async Task StockCeiling_RefusesCompletionAndRestocking_AndStockStaysAtTheCeiling()
    {
        var shop = await ShopAsync(stock: 0);
        var orders = CoCreationLimits.MaxStock / CoCreationLimits.MaxQuantity;
        for (var i = 0; i < orders; i++)
        {
            await ProduceAsync(shop, CoCreationLimits.MaxQuantity);
        }

        Assert.That(await OnHandAsync(shop), Is.EqualTo(CoCreationLimits.MaxStock), "stock reached the ceiling exactly");
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 2);
        var order = await System.RequestProductionAsync(shop.Designer, new ProductionRequest { DesignId = shop.DesignId, Quantity = 3, Plan = "Three more" });

        var completion = Assert.ThrowsAsync<CoCreationValidationException>(() => System.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done")));
        await ProduceAsync(shop, 2);
        AssertInvalid(() => System.RefundAsync(sale.Id, Refund(1)), "RefundRequest.Restock");
        Reopen();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(completion!.Field, Is.EqualTo("ProductionOrder.Quantity"));
            Assert.That(await OnHandAsync(shop), Is.EqualTo(CoCreationLimits.MaxStock), "stock is at the ceiling, not above and not wrapped");
            Assert.That((await System.GetProductionOrderAsync(order.Id)).Status, Is.EqualTo(ProductionStatus.Requested), "the refused order did not complete");
            Assert.That(await RefundsAsync(shop), Is.Empty, "no refund was recorded");
        }
    }

    [Test]
    public async Task ThresholdAboveTheStockCeiling_IsRefused()
    {
        var shop = await ShopAsync(stock: 3);

        AssertInvalid(() => System.SetLowStockThresholdAsync(shop.ProductId, CoCreationLimits.MaxStock + 1), "threshold");

        Assert.That((await System.GetStockAsync(shop.ProductId)).Threshold, Is.Null);
    }

    [Test]
    public async Task PayoutAboveTheLimit_IsRefused()
    {
        var shop = await ShopAsync(stock: 3);
        PayoutRequest Payout(decimal gross, decimal amount) => new()
        {
            OwnerAccountId = shop.Designer.AccountId,
            ListingId = shop.Listing.Id,
            PeriodStart = Start.AddDays(-1),
            PeriodEnd = Start,
            Gross = new Money(gross, "KRW"),
            Amount = new Money(amount, "KRW"),
            IdempotencyKey = Guid.NewGuid().ToString("N"),
        };

        AssertInvalid(() => System.RecordPayoutAsync(Payout(decimal.MaxValue, 1m)), "PayoutRequest.Gross.Amount");
        AssertInvalid(() => System.RecordPayoutAsync(Payout(1000m, CoCreationLimits.MaxAmount + 1)), "PayoutRequest.Amount.Amount");

        Assert.That(System.GetPayouts(shop.Designer.AccountId), Is.Empty);
    }

    // ------------------------------------------------------------ atomic writes

    [Test]
    public async Task OrderFailingMidway_LeavesStockSalesAndEventsAsTheyWere()
    {
        var shop = await ShopAsync(stock: 10);
        await System.SetLowStockThresholdAsync(shop.ProductId, 8);
        var events = System.AllEvents.Count;

        System.FailNextWrites(1);
        var ex = Assert.Throws<ProviderException>(() => System.PlaceOrder(shop.Listing.Id, "Bob", 3, "Lovely", 5));
        var afterFailure = (OnHand: await OnHandAsync(shop), Sales: await SalesAsync(shop), Events: System.AllEvents.Count);
        Reopen();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("storage_failed"));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(afterFailure.OnHand, Is.EqualTo(10), "stock as it was, in memory");
            Assert.That(afterFailure.Sales, Is.Empty, "no sale, in memory");
            Assert.That(afterFailure.Events, Is.EqualTo(events), "no sale, review or low-stock event, in memory");
            Assert.That(await OnHandAsync(shop), Is.EqualTo(10), "stock as it was, after reopening");
            Assert.That(await SalesAsync(shop), Is.Empty, "no sale, after reopening");
        }

        // The system goes on as if the failed order never happened: the retry sells, and the low-stock alert fires once.
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 3, "Lovely", 5);
        Assert.That((await SalesAsync(shop)).Select(s => s.Id), Is.EqualTo(new[] { sale.Id }));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(7));
        Assert.That(System.AllEvents.Count(e => e.Type == CoCreationEventTypes.StockLow), Is.EqualTo(1));
        Assert.That(System.AllEvents.Select(e => e.Id), Is.Unique);
    }

    [Test]
    public async Task CompletionFailingMidway_LeavesStockAndOrderAsTheyWere()
    {
        var shop = await ShopAsync(stock: 4);
        var order = await System.RequestProductionAsync(shop.Designer, new ProductionRequest { DesignId = shop.DesignId, Quantity = 6, Plan = "Six" });

        System.FailNextWrites(1);
        Assert.ThrowsAsync<ProviderException>(() => System.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done")));
        Reopen();

        Assert.That(await OnHandAsync(shop), Is.EqualTo(4));
        Assert.That((await System.GetProductionOrderAsync(order.Id)).Status, Is.EqualTo(ProductionStatus.Requested));
    }

    [Test]
    public async Task RefundAndPayoutFailingMidway_LeaveNothingBehind()
    {
        var shop = await ShopAsync(stock: 4);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 2);
        var payout = new PayoutRequest
        {
            OwnerAccountId = shop.Designer.AccountId,
            ListingId = shop.Listing.Id,
            PeriodStart = Start.AddDays(-1),
            PeriodEnd = Start.AddDays(1),
            Gross = sale.Total,
            Amount = new Money(1000m, "KRW"),
            IdempotencyKey = "settle-1",
        };

        System.FailNextWrites(2);
        Assert.ThrowsAsync<ProviderException>(() => System.RefundAsync(sale.Id, Refund(1, key: "r-1")));
        Assert.ThrowsAsync<ProviderException>(() => System.RecordPayoutAsync(payout));
        Reopen();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await OnHandAsync(shop), Is.EqualTo(2), "the failed return put nothing back");
            Assert.That(await RefundsAsync(shop), Is.Empty, "no refund");
            Assert.That(System.GetPayouts(shop.Designer.AccountId), Is.Empty, "no payout");
        }

        // The same keys work afterwards: a failed write did not use them up.
        var refund = await System.RefundAsync(sale.Id, Refund(1, key: "r-1"));
        var paid = await System.RecordPayoutAsync(payout);
        Assert.That(await OnHandAsync(shop), Is.EqualTo(3));
        Assert.That((await RefundsAsync(shop)).Single().Id, Is.EqualTo(refund.Id));
        Assert.That(System.GetPayouts(shop.Designer.AccountId).Single().Id, Is.EqualTo(paid.Id));
    }

    [Test]
    public async Task RefusedInput_DoesNotUseUpAForcedFailure()
    {
        var shop = await ShopAsync(stock: 4);
        System.FailNextWrites(1);

        Assert.Throws<CoCreationValidationException>(() => System.PlaceOrder(shop.Listing.Id, "Bob", 0));
        Assert.Throws<ProviderException>(() => System.PlaceOrder(shop.Listing.Id, "Bob", 1));
        System.PlaceOrder(shop.Listing.Id, "Bob", 1);

        Assert.That(await OnHandAsync(shop), Is.EqualTo(3));
    }
}
