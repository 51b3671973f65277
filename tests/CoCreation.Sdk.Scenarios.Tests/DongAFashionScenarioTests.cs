using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using DongAFashion;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The paper's 17 steps, one test each. Every test runs a fresh story up to its step and then checks
/// that step's effect on the providers themselves (inboxes, accounts, orders, stock, payouts).
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed class DongAFashionScenarioTests
{
    private DongAFashionScenario _scenario = null!;

    [SetUp]
    public void SetUp() => _scenario = new DongAFashionScenario("en");

    [TearDown]
    public async Task TearDown() => await _scenario.DisposeAsync();

    private async Task RunThroughAsync(int step)
    {
        var results = await _scenario.RunThroughAsync(step);
        Assert.That(results.Where(r => !r.Passed).Select(r => $"step {r.Number}: {r.Check} — {r.Failure}"), Is.Empty);
        Assert.That(_scenario.Completed, Is.EqualTo(step));
    }

    private IReadOnlyList<string> MinjiInbox => DongAFashionScenario.InboxTexts(_scenario.SocialNetwork, _scenario.Minji);

    [Test]
    public async Task Step01_company_promotes_the_programme_on_every_network()
    {
        await RunThroughAsync(1);

        Assert.That(_scenario.SocialNetwork.GetPostsBy(_scenario.SocialBrand.Subject).Select(p => p.Text), Has.One.Contains("#내가만든옷"));
        Assert.That(_scenario.MicroNetwork.GetPostsBy(_scenario.MicroBrand.Subject).Select(p => p.Text), Has.One.Contains("#내가만든옷"));
    }

    [Test]
    public async Task Step02_consumer_signs_up_with_sns_login_and_submits_a_design()
    {
        await RunThroughAsync(2);

        var participant = await _scenario.Identities.FindBySnsAsync(DongAFashionScenario.Social, _scenario.Minji.Subject);
        Assert.That(participant, Is.Not.Null);
        var account = await _scenario.MinjiAccountAsync();
        Assert.That(account.IsActive, Is.True);
        Assert.That(account.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member }));
        var design = await _scenario.Enterprise.GetDesignAsync(_scenario.Design!.Id);
        Assert.That(design.DesignerAccountId, Is.EqualTo(account.AccountId));
        Assert.That(design.Status, Is.EqualTo(DesignStatus.Submitted));
    }

    [Test]
    public async Task Step03_company_accepts_and_grants_production_access_linked_to_the_sns_login()
    {
        await RunThroughAsync(3);

        var account = await _scenario.MinjiAccountAsync();
        Assert.That(account.Roles, Does.Contain(EnterpriseRoles.ProductionRequester));
        var audit = await _scenario.Audit.QueryAsync(_scenario.MinjiSession!.ParticipantId);
        Assert.That(audit.Where(a => a.Action == AuditAction.Granted).Select(a => a.Detail ?? ""), Has.Some.Contains("accepted"));
        Assert.That(MinjiInbox, Has.Some.Contains("was selected for production"));
    }

    [Test]
    public async Task Step04_consumer_writes_the_plan_and_requests_production_with_her_sns_session()
    {
        await RunThroughAsync(4);

        var order = await _scenario.Enterprise.GetProductionOrderAsync(_scenario.FirstOrder!.Id);
        Assert.That(order.RequesterAccountId, Is.EqualTo((await _scenario.MinjiAccountAsync()).AccountId));
        Assert.That(order.Quantity, Is.EqualTo(100));
        Assert.That(order.Plan, Does.Contain("XL 15"));
        var uses = await _scenario.Audit.QueryAsync(_scenario.MinjiSession!.ParticipantId);
        Assert.That(uses.Any(a => a.Action == AuditAction.Used), Is.True, "the grant use is audited");
    }

    [Test]
    public async Task Step05_the_requester_receives_production_progress_by_dm()
    {
        await RunThroughAsync(5);

        var progress = MinjiInbox.Where(t => t.Contains("production:", StringComparison.Ordinal)).ToList();
        Assert.That(progress, Has.Count.EqualTo(2));
        Assert.That(progress[0], Does.Contain("30%").And.Contain("cutting"));
        Assert.That(progress[1], Does.Contain("70%").And.Contain("sewing"));
    }

    [Test]
    public async Task Step06_completion_is_announced_and_the_shop_accepts_her_sns_login()
    {
        await RunThroughAsync(6);

        Assert.That(MinjiInbox, Has.Some.Contains("Production of 'Linen wrap dress' is complete"));
        Assert.That(MinjiInbox, Has.Some.Contains("is listed in the shop at KRW 39,000."), "won grouped, with the ISO code in English");
        var listing = await _scenario.Enterprise.GetListingAsync(_scenario.Listing!.Id);
        Assert.That(listing.Status, Is.EqualTo(ListingStatus.Active));
        var account = await _scenario.MinjiAccountAsync();
        Assert.That(account.Roles, Does.Contain(EnterpriseRoles.Seller));
        Assert.That((await _scenario.Enterprise.GetStockAsync(listing.ProductId)).OnHand, Is.EqualTo(100));
    }

    [Test]
    public async Task Step07_consumer_sets_price_and_terms_in_the_shop()
    {
        await RunThroughAsync(7);

        var listing = await _scenario.Enterprise.GetListingAsync(_scenario.Listing!.Id);
        Assert.That(listing.Price, Is.EqualTo(new Money(45000m, "KRW")));
        Assert.That(listing.Terms, Does.Contain("free returns"));
    }

    [Test]
    public async Task Step08_consumer_promotes_the_product_from_her_own_account()
    {
        await RunThroughAsync(8);

        var posts = _scenario.SocialNetwork.GetPostsBy(_scenario.Minji.Subject);
        Assert.That(posts, Has.Count.EqualTo(1));
        Assert.That(posts[0].Text, Does.Contain("Linen wrap dress").And.Contain("#내가만든옷"));
    }

    [Test]
    public async Task Step09_sales_and_buyer_opinions_reach_the_designer_over_sns()
    {
        await RunThroughAsync(9);

        Assert.That(MinjiInbox.Count(t => t.Contains(" of 'Linen wrap dress' sold (KRW ", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(MinjiInbox, Has.Some.Contains("Fits perfectly and the linen is soft.").And.Contains("5/5"));
    }

    [Test]
    public async Task Step10_each_shipment_reaches_the_designer_with_its_tracking_number()
    {
        await RunThroughAsync(10);

        Assert.That(_scenario.Shipments, Has.Count.EqualTo(3));
        foreach (var shipment in _scenario.Shipments)
        {
            Assert.That(MinjiInbox.Count(t => t.Contains(shipment.TrackingNumber, StringComparison.Ordinal)), Is.EqualTo(1));
        }

        var sales = await _scenario.Enterprise.GetSalesAsync(_scenario.Listing!.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.That(sales.All(s => s.Shipped), Is.True);
    }

    [Test]
    public async Task Step11_a_daily_report_carries_the_days_sales_and_stock()
    {
        await RunThroughAsync(11);

        Assert.That(_scenario.Reports, Has.Count.EqualTo(1));
        var report = _scenario.Reports[0];
        // The daily report covers the whole day before 09:00: the 6 pieces of step 9 and the 9 sold after subscribing.
        Assert.That(report.UnitsSold, Is.EqualTo(15));
        Assert.That(report.Revenue, Is.EqualTo(new Money(15 * 45000m, "KRW")));
        Assert.That(report.OnHand, Is.EqualTo(100 - 6 - 9));
        Assert.That(report.PeriodEnd.ToOffset(TimeSpan.FromHours(9)).Hour, Is.EqualTo(9));
        Assert.That(report.Delivery.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(MinjiInbox.Where(t => t.Contains("Daily report", StringComparison.Ordinal)), Has.Some.Matches<string>(t => DongAFashionScenario.Mentions(t, 15) && DongAFashionScenario.Mentions(t, 85)));
    }

    [Test]
    public async Task Step12_low_stock_alerts_the_production_manager_and_the_requester_once()
    {
        await RunThroughAsync(12);

        var stock = await _scenario.Enterprise.GetStockAsync(_scenario.Listing!.ProductId);
        Assert.That(stock.OnHand, Is.EqualTo(13));
        Assert.That(stock.IsLow, Is.True);
        Assert.That(MinjiInbox.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1));
        var junho = DongAFashionScenario.InboxTexts(_scenario.MicroNetwork, _scenario.Junho);
        Assert.That(junho.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(junho.Single(t => t.Contains("Low stock", StringComparison.Ordinal)), Does.Contain("threshold 20"));
    }

    [Test]
    public async Task Step13_consumer_requests_re_production()
    {
        await RunThroughAsync(13);

        var reorder = await _scenario.Enterprise.GetProductionOrderAsync(_scenario.Reorder!.Id);
        Assert.That(reorder.Quantity, Is.EqualTo(60));
        Assert.That(reorder.Id, Is.Not.EqualTo(_scenario.FirstOrder!.Id));
        Assert.That(reorder.Status, Is.EqualTo(ProductionStatus.Requested));
    }

    [Test]
    public async Task Step14_re_production_progress_reaches_the_requester()
    {
        await RunThroughAsync(14);

        Assert.That(MinjiInbox, Has.Some.Contains("50%").And.Contains("production"));
        Assert.That((await _scenario.Enterprise.GetProductionOrderAsync(_scenario.Reorder!.Id)).Percent, Is.EqualTo(50));
    }

    [Test]
    public async Task Step15_re_production_is_stocked_in_and_announced()
    {
        await RunThroughAsync(15);

        var stock = await _scenario.Enterprise.GetStockAsync(_scenario.Listing!.ProductId);
        Assert.That(stock.OnHand, Is.EqualTo(13 + 60));
        Assert.That(MinjiInbox, Has.Some.Contains("60 pieces").And.Contains("Stock on hand: 73"));
    }

    [Test]
    public async Task Step16_settlement_pays_the_designers_share_of_gross_sales()
    {
        await RunThroughAsync(16);

        var settlement = _scenario.Settlement!;
        var units = _scenario.Sales.Sum(s => s.Quantity);
        Assert.That(units, Is.EqualTo(87));
        Assert.That(settlement.Gross, Is.EqualTo(new Money(87 * 45000m, "KRW")));
        Assert.That(settlement.Share, Is.EqualTo(new Money(587250m, "KRW")));
        var payout = _scenario.Enterprise.GetPayouts(_scenario.Listing!.OwnerAccountId).Single();
        Assert.That(payout.Amount, Is.EqualTo(settlement.Share));
        Assert.That(MinjiInbox, Has.Some.Contains("of KRW 3,915,000 gross sales, your share of KRW 587,250 was paid"));

        // Settling the same period again pays nothing twice.
        var again = await _scenario.Program.SettleAsync(settlement.ListingId, settlement.PeriodStart, settlement.PeriodEnd);
        Assert.That(again.PayoutId, Is.EqualTo(settlement.PayoutId));
        Assert.That(_scenario.Enterprise.GetPayouts(_scenario.Listing.OwnerAccountId), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Step17_end_of_sales_denies_every_call_and_deprovisions_the_account()
    {
        await RunThroughAsync(17);

        var session = _scenario.MinjiSession!;
        var listingId = _scenario.Listing!.Id;
        Assert.ThrowsAsync<AccessDeniedException>(() => _scenario.Program.SetPriceAndTermsAsync(session, listingId, new Money(1000m, "KRW"), "x"));
        Assert.ThrowsAsync<AccessDeniedException>(() => _scenario.Program.RequestProductionAsync(session, new ProductionRequest { DesignId = _scenario.Design!.Id, Quantity = 1, Plan = "x" }));
        Assert.ThrowsAsync<AccessDeniedException>(() => _scenario.Program.PromoteListingAsync(session, _scenario.Minji.Credential, listingId, "x"));
        Assert.ThrowsAsync<AccessDeniedException>(() => _scenario.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "t", Description = "d" }));
        Assert.That(_scenario.DeniedAfterClosure, Has.Count.EqualTo(4).And.All.InstanceOf<AccessDeniedException>());

        // Revoked at the provider, not only in the SDK.
        var account = await _scenario.MinjiAccountAsync();
        Assert.That(account.IsActive, Is.False);
        Assert.That(account.Roles, Is.Empty);
        var provider = Assert.ThrowsAsync<ProviderException>(() => _scenario.Enterprise.UpdateListingAsync(account, listingId, new ListingUpdate(new Money(1000m, "KRW"), "x")));
        Assert.That(provider!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
        Assert.That(MinjiInbox, Has.Some.Contains("access to the production system and shop was removed"));
        var grants = await _scenario.Grants.ListAsync(session.ParticipantId);
        Assert.That(grants, Is.Empty);
    }
}
