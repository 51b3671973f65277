using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// Refunds through the community-products programme: the company refunds, the embedded shop records it, the designer
/// hears of it over SNS, and settlement nets it in the period it was made in.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class CommunityProductRefundTests
{
    private static readonly Money Price = new(39000m, "KRW");

    [Test]
    public async Task Refund_RestocksAtTheShop_AndReachesTheDesignersInbox()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(Price);
        var sale = h.Enterprise.PlaceOrder(listing.Id, "buyer", 3);
        await h.Program.SyncAsync();
        var inboxBefore = h.DesignerInbox.Count;

        var refund = await h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Wrong size", Restock = true, IdempotencyKey = "return-1" });
        var again = await h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Wrong size", Restock = true, IdempotencyKey = "return-1" });
        await h.Program.SyncAsync();

        var now = h.Clock.GetUtcNow();
        var refunds = await h.Enterprise.GetRefundsAsync(listing.Id, now.AddDays(-1), now.AddDays(1));
        var messages = h.DesignerInbox.Skip(inboxBefore).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again, Is.EqualTo(refund), "the same key refunds once");
            Assert.That(refunds.Select(r => r.Id), Is.EqualTo(new[] { refund.Id }), "the shop holds one refund");
            Assert.That((await h.Enterprise.GetStockAsync(listing.ProductId)).OnHand, Is.EqualTo(8), "10 produced - 3 sold + 1 returned");
            Assert.That(messages, Has.Count.EqualTo(1), "one message about the refund");
            Assert.That(messages.Single(), Does.Contain("refunded").And.Contain(sale.Id).And.Contain("Wrong size").And.Contain("Scarf"), "the designer's inbox on the embedded network");
        }
    }

    [Test]
    public async Task Refund_MoreThanLeft_IsRefused_AndNothingReachesTheShopOrTheDesigner()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(Price);
        var sale = h.Enterprise.PlaceOrder(listing.Id, "buyer", 2);
        await h.Program.SyncAsync();
        var inboxBefore = h.DesignerInbox.Count;

        var tooMany = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 3, Reason = "All of it", IdempotencyKey = "r-1" }));
        var none = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 0, Reason = "None", IdempotencyKey = "r-2" }));
        var noSale = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.RefundAsync(" ", new RefundRequest { Quantity = 1, Reason = "?", IdempotencyKey = "r-3" }));
        await h.Program.SyncAsync();

        var now = h.Clock.GetUtcNow();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tooMany!.Field, Is.EqualTo("RefundRequest.Quantity"));
            Assert.That(none!.Field, Is.EqualTo("RefundRequest.Quantity"));
            Assert.That(noSale!.Field, Is.EqualTo("saleId"));
            Assert.That(await h.Enterprise.GetRefundsAsync(listing.Id, now.AddDays(-1), now.AddDays(1)), Is.Empty);
            Assert.That((await h.Enterprise.GetStockAsync(listing.ProductId)).OnHand, Is.EqualTo(8));
            Assert.That(h.DesignerInbox.Count, Is.EqualTo(inboxBefore), "no message");
        }
    }

    [Test]
    public async Task Settlement_NetsTheRefundsOfThePeriod()
    {
        await using var h = new ProgramHarness(o => o.DesignerShare = 0.15m);
        var (_, _, listing) = await h.ListedProductAsync(Price);
        var from = h.Clock.GetUtcNow();
        var sale = h.Enterprise.PlaceOrder(listing.Id, "buyer", 3);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Faulty seam", IdempotencyKey = "r-1" });
        h.Clock.Advance(TimeSpan.FromHours(1));

        var settlement = await h.Program.SettleAsync(listing.Id, from, h.Clock.GetUtcNow());
        var payout = h.Enterprise.GetPayouts(listing.OwnerAccountId).Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(settlement.SalesCount, Is.EqualTo(1));
            Assert.That(settlement.Gross, Is.EqualTo(new Money(117000m, "KRW")));
            Assert.That(settlement.RefundCount, Is.EqualTo(1));
            Assert.That(settlement.Refunds, Is.EqualTo(new Money(39000m, "KRW")));
            Assert.That(settlement.Net, Is.EqualTo(new Money(78000m, "KRW")));
            Assert.That(settlement.Share, Is.EqualTo(new Money(11700m, "KRW")), "15 % of the net");
            Assert.That(payout.Amount, Is.EqualTo(new Money(11700m, "KRW")), "the payout the shop recorded");
            Assert.That(payout.Gross, Is.EqualTo(new Money(117000m, "KRW")));
            Assert.That(payout.Refunds, Is.EqualTo(new Money(39000m, "KRW")));
        }

        // The designer (en-US) reads the netting in her inbox once the payout event is relayed.
        await h.Program.SyncAsync();
        Assert.That(h.DesignerInbox, Has.Some.Contains("of KRW 117,000 gross sales less KRW 39,000 refunded, your share of KRW 11,700 was paid"));
    }

    [Test]
    public async Task RefundAfterItsPeriodWasSettled_IsNettedInTheNextSettlement()
    {
        await using var h = new ProgramHarness(o => o.DesignerShare = 0.10m);
        var (_, _, listing) = await h.ListedProductAsync(Price);
        var day1 = h.Clock.GetUtcNow();
        var sale = h.Enterprise.PlaceOrder(listing.Id, "buyer", 2);
        h.Clock.Advance(TimeSpan.FromDays(1));
        var day2 = h.Clock.GetUtcNow();
        var first = await h.Program.SettleAsync(listing.Id, day1, day2);

        // The next day: a return of one piece of the settled sale, and a new sale of three.
        h.Clock.Advance(TimeSpan.FromHours(3));
        await h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Returned", Restock = true, IdempotencyKey = "r-1" });
        h.Enterprise.PlaceOrder(listing.Id, "buyer 2", 3);
        h.Clock.Advance(TimeSpan.FromDays(1));
        var day3 = h.Clock.GetUtcNow();
        var second = await h.Program.SettleAsync(listing.Id, day2, day3);
        var firstAgain = await h.Program.SettleAsync(listing.Id, day1, day2);
        var payouts = h.Enterprise.GetPayouts(listing.OwnerAccountId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Net, Is.EqualTo(new Money(78000m, "KRW")), "day 1: two pieces, no refunds yet");
            Assert.That(first.Share, Is.EqualTo(new Money(7800m, "KRW")));
            Assert.That(second.Gross, Is.EqualTo(new Money(117000m, "KRW")), "day 2: three pieces sold");
            Assert.That(second.Refunds, Is.EqualTo(new Money(39000m, "KRW")), "day 2 nets the return of a day-1 sale");
            Assert.That(second.Net, Is.EqualTo(new Money(78000m, "KRW")));
            Assert.That(second.Share, Is.EqualTo(new Money(7800m, "KRW")));
            Assert.That(firstAgain.PayoutId, Is.EqualTo(first.PayoutId), "settling day 1 again pays nothing twice");
            Assert.That(firstAgain.Refunds, Is.EqualTo(Money.Zero("KRW")), "the later refund does not change a settled period");
            Assert.That(payouts.Select(p => p.Amount), Is.EqualTo(new[] { new Money(7800m, "KRW"), new Money(7800m, "KRW") }), "the payouts the shop recorded");
        }
    }

    [Test]
    public async Task PeriodWithMoreRefundsThanSales_PaysNothing()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(Price);
        var sale = h.Enterprise.PlaceOrder(listing.Id, "buyer", 2);
        h.Clock.Advance(TimeSpan.FromDays(1));
        var from = h.Clock.GetUtcNow();
        await h.Program.RefundAsync(sale.Id, new RefundRequest { Quantity = 2, Reason = "Both returned", IdempotencyKey = "r-1" });
        h.Clock.Advance(TimeSpan.FromHours(1));

        var settlement = await h.Program.SettleAsync(listing.Id, from, h.Clock.GetUtcNow());

        Assert.That(settlement.Net, Is.EqualTo(new Money(-78000m, "KRW")));
        Assert.That(settlement.Share, Is.EqualTo(Money.Zero("KRW")));
        Assert.That(h.Enterprise.GetPayouts(listing.OwnerAccountId).Single().Amount, Is.EqualTo(Money.Zero("KRW")));
    }

    [Test]
    public async Task SettlementAboveTheAmountLimit_IsATypedErrorNamingTheField_AndPaysNothing()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(new Money(CoCreationLimits.MaxAmount, "KRW"));
        var from = h.Clock.GetUtcNow();
        h.Enterprise.PlaceOrder(listing.Id, "buyer", 1);
        h.Enterprise.PlaceOrder(listing.Id, "buyer", 1);
        h.Clock.Advance(TimeSpan.FromHours(1));

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SettleAsync(listing.Id, from, h.Clock.GetUtcNow()));

        Assert.That(ex!.Field, Is.EqualTo("Settlement.Gross"));
        Assert.That(h.Enterprise.GetPayouts(listing.OwnerAccountId), Is.Empty);
    }

    [Test]
    public async Task PricesAboveTheLimit_AreRefusedByTheProgramme()
    {
        await using var h = new ProgramHarness();
        var (session, design, listing) = await h.ListedProductAsync(Price);

        var onList = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.ListProductAsync(design.Id, new Money(decimal.MaxValue, "KRW"), "terms"));
        var onPrice = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SetPriceAndTermsAsync(session, listing.Id, new Money(CoCreationLimits.MaxAmount + 1m, "KRW"), "terms"));

        Assert.That(onList!.Field, Is.EqualTo("openingPrice.Amount"));
        Assert.That(onPrice!.Field, Is.EqualTo("price.Amount"));
        Assert.That((await h.Enterprise.GetListingAsync(listing.Id)).Price, Is.EqualTo(Price));
    }
}
