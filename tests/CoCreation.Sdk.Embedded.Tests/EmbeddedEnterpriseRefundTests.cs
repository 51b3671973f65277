using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>Refunds and returns in the embedded shop, in memory and on a database file.</summary>
[TestFixture(false)]
[TestFixture(true)]
[Category("Unit")]
public sealed class EmbeddedEnterpriseRefundTests(bool stored) : EmbeddedShopFixture(stored)
{
    [Test]
    public async Task Return_PutsStockBack_RaisesTheEvent_AndSurvivesARestart()
    {
        var shop = await ShopAsync(stock: 5);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 3);
        Time.Advance(TimeSpan.FromHours(2));

        var refund = await System.RefundAsync(sale.Id, Refund(2));
        Reopen();
        var refunds = await RefundsAsync(shop);
        var refunded = System.AllEvents.Single(e => e.Type == CoCreationEventTypes.SaleRefunded);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await OnHandAsync(shop), Is.EqualTo(4), "5 - 3 sold + 2 returned");
            Assert.That(refunds, Is.EqualTo(new[] { refund }), "read back after a restart");
            Assert.That(refund.Amount, Is.EqualTo(new Money(78000m, "KRW")));
            Assert.That(refund.RefundedAt, Is.EqualTo(Start.AddHours(2)));
            Assert.That(refunded.Subject, Is.EqualTo($"refunds/{refund.Id}"));
            Assert.That(refunded.GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(shop.Designer.AccountId), "the designer is the event's owner");
            Assert.That(refunded.GetData(CoCreationEventData.RefundId), Is.EqualTo(refund.Id));
            Assert.That(refunded.GetData(CoCreationEventData.SaleId), Is.EqualTo(sale.Id));
            Assert.That(refunded.GetData(CoCreationEventData.Quantity), Is.EqualTo("2"));
            Assert.That(refunded.GetData(CoCreationEventData.Amount), Is.EqualTo("78000"));
            Assert.That(refunded.GetData(CoCreationEventData.Currency), Is.EqualTo("KRW"));
            Assert.That(refunded.GetData(CoCreationEventData.Restocked), Is.EqualTo("true"));
            Assert.That(refunded.GetData(CoCreationEventData.OnHand), Is.EqualTo("4"));
            Assert.That(refunded.GetData(CoCreationEventData.Text), Is.EqualTo("Wrong size"));
            Assert.That(refunded.Data.Values, Has.None.EqualTo("Bob"), "the buyer's name stays out of events");
        }
    }

    [Test]
    public async Task SameKey_AfterARestart_ReturnsTheFirstRefund_AndRestocksOnce()
    {
        var shop = await ShopAsync(stock: 5);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 2);
        var first = await System.RefundAsync(sale.Id, Refund(1, key: "return-42"));
        Reopen();

        var again = await System.RefundAsync(sale.Id, Refund(1, key: "return-42"));

        Assert.That(again, Is.EqualTo(first));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(4));
        Assert.That(await RefundsAsync(shop), Has.Count.EqualTo(1));
        Assert.That(System.AllEvents.Count(e => e.Type == CoCreationEventTypes.SaleRefunded), Is.EqualTo(1));
    }

    [Test]
    public async Task ConcurrentRefunds_NeverRefundTwiceOrBeyondTheSale()
    {
        var shop = await ShopAsync(stock: 10);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 4);

        // 20 retries of one refund, and 20 different one-piece refunds racing for the 4 pieces sold.
        // Whichever wins, a refused one is refused for the quantity left.
        async Task<Refund?> TryRefund(string key)
        {
            try
            {
                return await System.RefundAsync(sale.Id, Refund(1, key: key));
            }
            catch (CoCreationValidationException ex) when (ex.Field == "RefundRequest.Quantity")
            {
                return null;
            }
        }

        var sameKey = Enumerable.Range(0, 20).Select(_ => Task.Run(() => TryRefund("retry")));
        var racing = Enumerable.Range(0, 20).Select(i => Task.Run(() => TryRefund($"race-{i}")));
        var all = await Task.WhenAll(sameKey.Concat(racing));
        var retried = all[..20].OfType<Refund>().ToList();
        var raced = all[20..].OfType<Refund>().ToList();
        Reopen();

        var refunds = await RefundsAsync(shop);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(retried.Select(r => r.Id).Distinct().Count(), Is.AtMost(1), "one refund for one key, however often it is retried");
            Assert.That(retried.Select(r => r.Id).Distinct().Count() + raced.Count, Is.EqualTo(4), "the keys share exactly the 4 pieces sold");
            Assert.That(refunds, Has.Count.EqualTo(4), "four refunds stored");
            Assert.That(refunds.Sum(r => r.Quantity), Is.EqualTo(4), "never more than sold");
            Assert.That(await OnHandAsync(shop), Is.EqualTo(10), "6 left + 4 returned, each once");
            Assert.That(System.AllEvents.Count(e => e.Type == CoCreationEventTypes.SaleRefunded), Is.EqualTo(4));
        }
    }

    [Test]
    public async Task Return_AboveTheThreshold_RearmsTheLowStockAlert()
    {
        var shop = await ShopAsync(stock: 5);
        await System.SetLowStockThresholdAsync(shop.ProductId, 2);
        var sale = System.PlaceOrder(shop.Listing.Id, "A", 3);                // 2: low, alert 1
        await System.RefundAsync(sale.Id, Refund(2));                         // 4: above, re-armed
        System.PlaceOrder(shop.Listing.Id, "B", 2);                           // 2: low again, alert 2

        Assert.That(System.AllEvents.Count(e => e.Type == CoCreationEventTypes.StockLow), Is.EqualTo(2));
    }

    [Test]
    public async Task RefundOfADelistedListingsSale_IsAllowed_AndListedByRefundTime()
    {
        var shop = await ShopAsync(stock: 5);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 1);
        await System.DelistAsync(shop.Listing.Id);
        Time.Advance(TimeSpan.FromDays(10));

        var refund = await System.RefundAsync(sale.Id, Refund(1, restock: false));
        var ofSaleDay = await System.GetRefundsAsync(shop.Listing.Id, Start, Start.AddDays(1));
        var ofRefundDay = await System.GetRefundsAsync(shop.Listing.Id, Start.AddDays(10), Start.AddDays(11));

        Assert.That(ofSaleDay, Is.Empty, "a refund belongs to the period it was made in");
        Assert.That(ofRefundDay.Select(r => r.Id), Is.EqualTo(new[] { refund.Id }));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(4), "no restock asked");
    }

    [Test]
    public async Task PayoutAboveGrossLessRefunds_IsRefused()
    {
        var shop = await ShopAsync(stock: 5);
        PayoutRequest Payout(decimal amount, decimal? refunds) => new()
        {
            OwnerAccountId = shop.Designer.AccountId,
            ListingId = shop.Listing.Id,
            PeriodStart = Start,
            PeriodEnd = Start.AddDays(1),
            Gross = new Money(100000m, "KRW"),
            Refunds = refunds is { } r ? new Money(r, "KRW") : null,
            Amount = new Money(amount, "KRW"),
            IdempotencyKey = Guid.NewGuid().ToString("N"),
        };

        AssertInvalid(() => System.RecordPayoutAsync(Payout(60001m, 40000m)), "PayoutRequest.Amount");
        AssertInvalid(() => System.RecordPayoutAsync(Payout(1m, 100001m)), "PayoutRequest.Amount");
        var paid = await System.RecordPayoutAsync(Payout(60000m, 40000m));

        Assert.That(System.GetPayouts(shop.Designer.AccountId).Single(), Is.EqualTo(paid));
        Assert.That(paid.Refunds, Is.EqualTo(new Money(40000m, "KRW")));
    }

    [Test]
    public async Task BadRequests_AreRefusedNamingTheField()
    {
        var shop = await ShopAsync(stock: 5);
        var sale = System.PlaceOrder(shop.Listing.Id, "Bob", 1);

        AssertInvalid(() => System.RefundAsync(" ", Refund(1)), "saleId");
        AssertInvalid(() => System.RefundAsync(sale.Id, Refund(1) with { IdempotencyKey = "" }), "RefundRequest.IdempotencyKey");
        AssertInvalid(() => System.RefundAsync(sale.Id, Refund(1) with { Reason = new string('x', 501) }), "RefundRequest.Reason");
        AssertInvalid(() => System.RefundAsync(sale.Id, Refund(-1)), "RefundRequest.Quantity");

        Assert.That(await RefundsAsync(shop), Is.Empty);
    }
}
