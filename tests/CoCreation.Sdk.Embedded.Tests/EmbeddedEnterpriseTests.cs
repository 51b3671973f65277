using System.Net;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

[TestFixture]
[Category("Unit")]
public sealed class EmbeddedEnterpriseTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private EmbeddedEnterpriseSystem _system = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _system = new EmbeddedEnterpriseSystem("dong-a", timeProvider: _time);
    }

    // ------------------------------------------------------------ lifecycle

    [Test]
    public async Task FullLifecycle_FromAccountToPayout_RaisesEveryEventWithItsData()
    {
        // Step 2: a consumer signs up on the homepage and registers a design.
        var designer = await _system.ProvisionAccountAsync(new EnterpriseAccountRequest
        {
            Login = "sns:mastodon:alice",
            DisplayName = "Alice",
            Email = "alice@example.com",
            Roles = [EnterpriseRoles.Member],
        });
        var design = await _system.SubmitDesignAsync(designer, new DesignSubmission
        {
            Title = "Linen summer shirt",
            Description = "Loose cut, natural linen, mother-of-pearl buttons.",
            Attachments = [new Uri("https://example.com/sketch.png")],
        });
        Assert.That(design.Status, Is.EqualTo(DesignStatus.Submitted));
        Assert.That(design.SubmittedAt, Is.EqualTo(Start));
        Assert.That(_system.GetDesignAttachments(design.Id), Has.Count.EqualTo(1));

        // Step 3: the company accepts it and grants production access.
        var reviewed = await _system.ReviewDesignAsync(design.Id, new DesignReview(true, "Let's make it."));
        Assert.That(reviewed.Status, Is.EqualTo(DesignStatus.Accepted));
        Assert.That(reviewed.ProductId, Is.Not.Null.And.Not.EqualTo(design.Id));
        var productId = reviewed.ProductId!;
        designer = await _system.SetAccountRolesAsync(designer, [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester]);

        // Steps 4-6: production plan, progress, completion and stock-in.
        var order = await _system.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 50, Plan = "S/M/L 15/20/15, delivery in 3 weeks" });
        Assert.That(order.Status, Is.EqualTo(ProductionStatus.Requested));
        Assert.That(order.ProductId, Is.EqualTo(productId));
        _time.Advance(TimeSpan.FromDays(3));
        order = await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(30, "cutting"));
        Assert.That(order.Status, Is.EqualTo(ProductionStatus.InProgress));
        order = await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(70, "sewing"));
        _time.Advance(TimeSpan.FromDays(5));
        var completedAt = _time.GetUtcNow();
        order = await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "packed"));
        Assert.That(order.Status, Is.EqualTo(ProductionStatus.Completed));
        Assert.That(order.CompletedAt, Is.EqualTo(completedAt));
        Assert.That((await _system.GetStockAsync(productId)).OnHand, Is.EqualTo(50));

        // The SDK's typed event data reads the progress events the system emitted, stage by stage.
        var progress = (await _system.ReadEventsAsync(null)).Events
            .Where(e => e.Type == CoCreationEventTypes.ProductionProgress)
            .Select(e => e.GetData<ProductionProgressData>())
            .Select(d => (d.OrderId, d.Percent, d.Stage, d.ProductId))
            .ToList();
        Assert.That(progress, Is.EqualTo(new[] { (order.Id, 30m, "cutting", productId), (order.Id, 70m, "sewing", productId) }), "completion is its own event");

        // Steps 6-7: listing, then the designer sets the price as a seller.
        var listing = await _system.CreateListingAsync(new ListingRequest
        {
            ProductId = productId,
            OwnerAccountId = designer.AccountId,
            Title = "Alice's linen shirt",
            Price = new Money(39000m, "KRW"),
            Terms = "Free returns within 14 days",
        });
        designer = await _system.SetAccountRolesAsync(designer, [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller]);
        listing = await _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(42000m, "KRW"), "Free returns within 30 days"));
        Assert.That(listing.Price, Is.EqualTo(new Money(42000m, "KRW")));

        // Steps 9-10: a sale at the current price with a review, then shipping.
        _time.Advance(TimeSpan.FromHours(1));
        var soldAt = _time.GetUtcNow();
        var sale = _system.PlaceOrder(listing.Id, "Bob Buyer", 2, "Fits perfectly", 5);
        Assert.That(sale.UnitPrice, Is.EqualTo(new Money(42000m, "KRW")));
        Assert.That(sale.Total, Is.EqualTo(new Money(84000m, "KRW")));
        Assert.That((await _system.GetStockAsync(productId)).OnHand, Is.EqualTo(48));
        var shipment = await _system.ShipAsync(sale.Id, new ShipmentRequest("CJ Logistics", "CJ-123456"));
        Assert.That(shipment.SaleId, Is.EqualTo(sale.Id));
        var sales = await _system.GetSalesAsync(listing.Id, soldAt, soldAt.AddTicks(1));
        Assert.That(sales.Select(s => s.Id), Is.EqualTo(new[] { sale.Id }));
        Assert.That(sales[0].Shipped, Is.True);
        Assert.That(await _system.GetSalesAsync(listing.Id, Start, soldAt), Is.Empty, "the end of the period is exclusive");

        // Step 16: settlement, retried with the same idempotency key.
        var payoutRequest = new PayoutRequest
        {
            OwnerAccountId = designer.AccountId,
            ListingId = listing.Id,
            PeriodStart = Start,
            PeriodEnd = Start.AddDays(30),
            Gross = new Money(84000m, "KRW"),
            Amount = new Money(12600m, "KRW"),
            IdempotencyKey = "settle-2026-03",
        };
        var payout = await _system.RecordPayoutAsync(payoutRequest);
        var eventsAfterPayout = _system.AllEvents.Count;
        var retried = await _system.RecordPayoutAsync(payoutRequest);
        Assert.That(retried, Is.EqualTo(payout));
        Assert.That(_system.AllEvents, Has.Count.EqualTo(eventsAfterPayout));
        Assert.That(_system.GetPayouts(designer.AccountId), Is.EqualTo(new[] { payout }));

        var events = _system.AllEvents;
        Assert.That(events.Select(e => e.Type), Is.EqualTo(new[]
        {
            CoCreationEventTypes.DesignSubmitted,
            CoCreationEventTypes.DesignReviewed,
            CoCreationEventTypes.ProductionRequested,
            CoCreationEventTypes.ProductionProgress,
            CoCreationEventTypes.ProductionProgress,
            CoCreationEventTypes.ProductionCompleted,
            CoCreationEventTypes.StockReceived,
            CoCreationEventTypes.ListingPublished,
            CoCreationEventTypes.ListingUpdated,
            CoCreationEventTypes.SaleCompleted,
            CoCreationEventTypes.ReviewPosted,
            CoCreationEventTypes.ShipmentSent,
            CoCreationEventTypes.SettlementPaid,
        }));
        Assert.Multiple(() =>
        {
            Assert.That(events.Select(e => e.Id), Is.EqualTo(Enumerable.Range(1, events.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(events.Select(e => e.Source).Distinct(), Is.EqualTo(new[] { CoCreationEventSources.Enterprise("dong-a") }));
            Assert.That(events.Select(e => e.GetData(CoCreationEventData.OwnerAccountId)), Is.All.EqualTo(designer.AccountId));
            Assert.That(events.Select(e => e.GetData(CoCreationEventData.Title)), Is.All.Not.Null);

            var submitted = events[0];
            Assert.That(submitted.Subject, Is.EqualTo($"designs/{design.Id}"));
            Assert.That(submitted.Time, Is.EqualTo(Start));
            Assert.That(submitted.GetData(CoCreationEventData.Title), Is.EqualTo("Linen summer shirt"));

            Assert.That(events[1].GetData("accepted"), Is.EqualTo("true"));
            Assert.That(events[1].GetData(CoCreationEventData.ProductId), Is.EqualTo(productId));

            Assert.That(events[2].Subject, Is.EqualTo($"production-orders/{order.Id}"));
            Assert.That(events[2].GetData(CoCreationEventData.Quantity), Is.EqualTo("50"));

            Assert.That(events[3].GetData(CoCreationEventData.Percent), Is.EqualTo("30"));
            Assert.That(events[3].GetData(CoCreationEventData.Stage), Is.EqualTo("cutting"));
            Assert.That(events[4].GetData(CoCreationEventData.Percent), Is.EqualTo("70"));

            Assert.That(events[5].GetData(CoCreationEventData.OrderId), Is.EqualTo(order.Id));
            Assert.That(events[5].Time, Is.EqualTo(completedAt));
            Assert.That(events[6].GetData(CoCreationEventData.Quantity), Is.EqualTo("50"));
            Assert.That(events[6].GetData(CoCreationEventData.OnHand), Is.EqualTo("50"));

            Assert.That(events[7].GetData(CoCreationEventData.Amount), Is.EqualTo("39000"));
            Assert.That(events[8].GetData(CoCreationEventData.Amount), Is.EqualTo("42000"));
            Assert.That(events[8].GetData(CoCreationEventData.Currency), Is.EqualTo("KRW"));

            var saleEvent = events[9];
            Assert.That(saleEvent.GetData(CoCreationEventData.SaleId), Is.EqualTo(sale.Id));
            Assert.That(saleEvent.GetData(CoCreationEventData.Quantity), Is.EqualTo("2"));
            Assert.That(saleEvent.GetData(CoCreationEventData.Amount), Is.EqualTo("84000"));
            Assert.That(saleEvent.GetData(CoCreationEventData.Currency), Is.EqualTo("KRW"));
            Assert.That(saleEvent.GetData(CoCreationEventData.ListingId), Is.EqualTo(listing.Id));
            Assert.That(saleEvent.GetData(CoCreationEventData.ProductId), Is.EqualTo(productId));
            Assert.That(saleEvent.Data.Values, Has.None.Contains("Bob Buyer"), "buyers' names stay out of events");

            Assert.That(events[10].GetData(CoCreationEventData.Text), Is.EqualTo("Fits perfectly"));
            Assert.That(events[10].GetData(CoCreationEventData.Rating), Is.EqualTo("5"));

            Assert.That(events[11].GetData(CoCreationEventData.Carrier), Is.EqualTo("CJ Logistics"));
            Assert.That(events[11].GetData(CoCreationEventData.TrackingNumber), Is.EqualTo("CJ-123456"));

            Assert.That(events[12].GetData(CoCreationEventData.Amount), Is.EqualTo("12600"));
            Assert.That(events[12].GetData(CoCreationEventData.Currency), Is.EqualTo("KRW"));
            Assert.That(events[12].GetData("gross"), Is.EqualTo("84000"));
        });
    }

    [Test]
    public async Task Amounts_AreWrittenInInvariantCulture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var (_, listing, _) = await ListedProductAsync(stock: 5, price: new Money(19.90m, "EUR"));
            _system.PlaceOrder(listing.Id, "Bob", 3);
            var sale = _system.AllEvents.Single(e => e.Type == CoCreationEventTypes.SaleCompleted);
            Assert.That(sale.GetData(CoCreationEventData.Amount), Is.EqualTo("59.70"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    // ------------------------------------------------------------ accounts

    [Test]
    public async Task ProvisionAccount_SameLoginAgain_KeepsTheIdAndTakesTheNewRoles()
    {
        var first = await _system.ProvisionAccountAsync(Request("sns:bob", EnterpriseRoles.Member));
        var again = await _system.ProvisionAccountAsync(Request("SNS:BOB", EnterpriseRoles.Member, EnterpriseRoles.Seller));

        Assert.That(again.AccountId, Is.EqualTo(first.AccountId));
        Assert.That(again.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member, EnterpriseRoles.Seller }));
        Assert.That(again.System, Is.EqualTo("dong-a"));
        Assert.That((await _system.GetAccountAsync(first.AccountId)).Roles, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Deprovision_DeactivatesIdempotently_KeepsRecords_AndReprovisionRevivesTheSameAccount()
    {
        var (designer, design, _) = await AcceptedDesignAsync();

        await _system.DeprovisionAccountAsync(designer);
        await _system.DeprovisionAccountAsync(designer);

        var stored = await _system.GetAccountAsync(designer.AccountId);
        Assert.That(stored.IsActive, Is.False);
        Assert.That(stored.Roles, Is.Empty);
        Assert.That((await _system.GetDesignAsync(design.Id)).DesignerAccountId, Is.EqualTo(designer.AccountId));

        var revived = await _system.ProvisionAccountAsync(Request(designer.Login, EnterpriseRoles.Member));
        Assert.That(revived.AccountId, Is.EqualTo(designer.AccountId));
        Assert.That(revived.IsActive, Is.True);
        Assert.That(revived.Roles, Is.EqualTo(new[] { EnterpriseRoles.Member }));
    }

    [Test]
    public async Task SetAccountRoles_ReplacesTheRoles()
    {
        var account = await _system.ProvisionAccountAsync(Request("sns:carol", EnterpriseRoles.Member, EnterpriseRoles.Seller));

        var updated = await _system.SetAccountRolesAsync(account, [EnterpriseRoles.ProductionRequester]);

        Assert.That(updated.Roles, Is.EqualTo(new[] { EnterpriseRoles.ProductionRequester }));
        Assert.That((await _system.GetAccountAsync(account.AccountId)).Roles, Is.EqualTo(new[] { EnterpriseRoles.ProductionRequester }));
    }

    [Test]
    public void AccountOperations_OnUnknownAccount_AreNotFound()
    {
        var ghost = new EnterpriseAccount { System = "dong-a", AccountId = "9999", Login = "ghost" };

        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.SetAccountRolesAsync(ghost, [EnterpriseRoles.Member]));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.DeprovisionAccountAsync(ghost));
        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.GetAccountAsync("9999"));
        Assert.That(ex!.ResourceKind, Is.EqualTo("account"));
        Assert.Throws<ResourceNotFoundException>(() => _system.GetPayouts("9999"));
    }

    [Test]
    public void ProvisionAccount_WithARoleTheSystemDoesNotKnow_IsRefused()
    {
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => _system.ProvisionAccountAsync(Request("sns:dave", "admin")));
        Assert.That(ex!.Field, Is.EqualTo("EnterpriseAccountRequest.Roles"));
    }

    [Test]
    public void MetadataAndCapabilities_ComeFromNameAndOptions()
    {
        var system = new EmbeddedEnterpriseSystem("shop", new EmbeddedEnterpriseOptions { Roles = [EnterpriseRoles.Member, EnterpriseRoles.Seller] }, _time);

        Assert.That(system.Metadata.Name, Is.EqualTo("shop"));
        Assert.That(system.Metadata.Provider, Is.EqualTo("embedded"));
        Assert.That(system.Metadata.DisplayName, Is.Not.Empty);
        Assert.That(system.Capabilities.Roles, Is.EqualTo(new[] { EnterpriseRoles.Member, EnterpriseRoles.Seller }));
        Assert.That(system.EventSource, Is.EqualTo(CoCreationEventSources.Enterprise("shop")));
    }

    [Test]
    public void Options_AreValidated()
    {
        var paging = Assert.Throws<CoCreationValidationException>(() => _ = new EmbeddedEnterpriseSystem("x", new EmbeddedEnterpriseOptions { MaxEventsPerPage = 0 }));
        Assert.That(paging!.Field, Is.EqualTo("EmbeddedEnterpriseOptions.MaxEventsPerPage"));
        var roles = Assert.Throws<CoCreationValidationException>(() => _ = new EmbeddedEnterpriseSystem("x", new EmbeddedEnterpriseOptions { Roles = [] }));
        Assert.That(roles!.Field, Is.EqualTo("EmbeddedEnterpriseOptions.Roles"));
        Assert.Throws<CoCreationValidationException>(() => _ = new EmbeddedEnterpriseSystem(" "));
    }

    // ------------------------------------------------------------ access enforced by the system

    [Test]
    public async Task DeactivatedAccount_IsForbiddenEverywhere_EvenWithAStaleCopyThatLooksActive()
    {
        var (designer, design, productId) = await AcceptedDesignAsync(EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller);
        var listing = await _system.CreateListingAsync(ListingFor(productId, designer.AccountId));
        await _system.DeprovisionAccountAsync(designer);
        var before = _system.AllEvents.Count;

        // "designer" is the copy from before deprovisioning: it still says active with roles.
        AssertForbidden(() => _system.SubmitDesignAsync(designer, Submission()));
        AssertForbidden(() => _system.RequestProductionAsync(designer, Production(design.Id)));
        AssertForbidden(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(1000m, "KRW"), "")));
        Assert.That(_system.AllEvents, Has.Count.EqualTo(before));

        // Roles given to a deactivated account do not bring it back: only provisioning does.
        var withRoles = await _system.SetAccountRolesAsync(designer, [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller]);
        Assert.That(withRoles.IsActive, Is.False);
        AssertForbidden(() => _system.SubmitDesignAsync(withRoles, Submission()));
        AssertForbidden(() => _system.RequestProductionAsync(withRoles, Production(design.Id)));
        Assert.That(_system.AllEvents, Has.Count.EqualTo(before));
    }

    [Test]
    public void UnknownActor_IsForbidden()
    {
        var ghost = new EnterpriseAccount { System = "dong-a", AccountId = "4242", Login = "ghost", Roles = [EnterpriseRoles.Member] };

        AssertForbidden(() => _system.SubmitDesignAsync(ghost, Submission()));
    }

    [Test]
    public async Task MissingRole_IsForbidden()
    {
        var noMember = await _system.ProvisionAccountAsync(Request("sns:erin", EnterpriseRoles.Seller));
        AssertForbidden(() => _system.SubmitDesignAsync(noMember, Submission()));

        var (designer, design, productId) = await AcceptedDesignAsync(EnterpriseRoles.Member);
        AssertForbidden(() => _system.RequestProductionAsync(designer, Production(design.Id)));

        var listing = await _system.CreateListingAsync(ListingFor(productId, designer.AccountId));
        AssertForbidden(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(1000m, "KRW"), "")));
    }

    [Test]
    public async Task OnlyTheDesignerMayRequestProduction_AndOnlyTheOwnerMayChangeTheListing()
    {
        var (designer, design, productId) = await AcceptedDesignAsync();
        var other = await _system.ProvisionAccountAsync(Request("sns:frank", EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller));
        var listing = await _system.CreateListingAsync(ListingFor(productId, designer.AccountId));

        AssertForbidden(() => _system.RequestProductionAsync(other, Production(design.Id)));
        AssertForbidden(() => _system.UpdateListingAsync(other, listing.Id, new ListingUpdate(new Money(1m, "KRW"), "")));
        Assert.That((await _system.GetListingAsync(listing.Id)).Price, Is.EqualTo(listing.Price));
    }

    // ------------------------------------------------------------ designs

    [TestCase("", "A description", "DesignSubmission.Title")]
    [TestCase("   ", "A description", "DesignSubmission.Title")]
    [TestCase("A title", "", "DesignSubmission.Description")]
    [TestCase("A title", " ", "DesignSubmission.Description")]
    public async Task SubmitDesign_WithBlankText_NamesTheField(string title, string description, string field)
    {
        var designer = await _system.ProvisionAccountAsync(Request("sns:gina", EnterpriseRoles.Member));

        AssertInvalid(() => _system.SubmitDesignAsync(designer, new DesignSubmission { Title = title, Description = description }), field);
        Assert.That(_system.AllEvents, Is.Empty);
    }

    [Test]
    public async Task SubmitDesign_TitleIsLimitedTo100Characters()
    {
        var designer = await _system.ProvisionAccountAsync(Request("sns:gina", EnterpriseRoles.Member));

        AssertInvalid(() => _system.SubmitDesignAsync(designer, new DesignSubmission { Title = new string('a', 101), Description = "d" }), "DesignSubmission.Title");
        var design = await _system.SubmitDesignAsync(designer, new DesignSubmission { Title = new string('a', 100), Description = "d" });
        Assert.That(design.Title, Has.Length.EqualTo(100));
    }

    [Test]
    public async Task ReviewDesign_Twice_IsAConflict_AndDeclinedDesignsCannotBeProduced()
    {
        var designer = await _system.ProvisionAccountAsync(Request("sns:hana", EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester));
        var design = await _system.SubmitDesignAsync(designer, Submission());

        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.RequestProductionAsync(designer, Production(design.Id)), "not yet reviewed");
        var declined = await _system.ReviewDesignAsync(design.Id, new DesignReview(false, "Too close to an existing line."));
        Assert.That(declined.Status, Is.EqualTo(DesignStatus.Declined));
        Assert.That(declined.ProductId, Is.Null);
        Assert.That(_system.AllEvents[^1].GetData("accepted"), Is.EqualTo("false"));

        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.ReviewDesignAsync(design.Id, new DesignReview(true)));
        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.RequestProductionAsync(designer, Production(design.Id)));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.ReviewDesignAsync("777", new DesignReview(true)));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.GetDesignAsync("777"));
    }

    // ------------------------------------------------------------ production

    [Test]
    public async Task RequestProduction_ValidatesQuantityAndPlan()
    {
        var (designer, design, _) = await AcceptedDesignAsync();

        AssertInvalid(() => _system.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 0, Plan = "p" }), "ProductionRequest.Quantity");
        AssertInvalid(() => _system.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = -3, Plan = "p" }), "ProductionRequest.Quantity");
        AssertInvalid(() => _system.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = " " }), "ProductionRequest.Plan");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.RequestProductionAsync(designer, Production("777")));
    }

    [Test]
    public async Task ReportProgress_RefusesBadPercentBlankStageAndCompletedOrders()
    {
        var (designer, design, productId) = await AcceptedDesignAsync();
        var order = await _system.RequestProductionAsync(designer, Production(design.Id, quantity: 10));
        await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(40, "sewing"));

        AssertInvalid(() => _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(101, "x")), "ProductionProgressUpdate.Percent");
        AssertInvalid(() => _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(-1, "x")), "ProductionProgressUpdate.Percent");
        AssertInvalid(() => _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(39, "x")), "ProductionProgressUpdate.Percent");
        AssertInvalid(() => _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(50, " ")), "ProductionProgressUpdate.Stage");
        Assert.That((await _system.GetProductionOrderAsync(order.Id)).Percent, Is.EqualTo(40));

        await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "again")));
        Assert.That((await _system.GetStockAsync(productId)).OnHand, Is.EqualTo(10), "stock is received once");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.ReportProgressAsync("777", new ProductionProgressUpdate(10, "x")));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.GetProductionOrderAsync("777"));
    }

    [Test]
    public async Task ReProduction_AddsToStock()
    {
        var (designer, design, productId) = await AcceptedDesignAsync();
        await ProduceAsync(designer, design.Id, 10);
        await ProduceAsync(designer, design.Id, 15);

        Assert.That((await _system.GetStockAsync(productId)).OnHand, Is.EqualTo(25));
        var received = _system.AllEvents.Where(e => e.Type == CoCreationEventTypes.StockReceived).Select(e => e.GetData(CoCreationEventData.OnHand));
        Assert.That(received, Is.EqualTo(new[] { "10", "25" }));
    }

    // ------------------------------------------------------------ shop

    [Test]
    public async Task CreateListing_ChecksProductOwnerPriceAndTitle()
    {
        var (designer, _, productId) = await AcceptedDesignAsync();

        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.CreateListingAsync(ListingFor("777", designer.AccountId)));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.CreateListingAsync(ListingFor(productId, "777")));
        AssertInvalid(() => _system.CreateListingAsync(ListingFor(productId, designer.AccountId) with { Price = new Money(0m, "KRW") }), "ListingRequest.Price.Amount");
        AssertInvalid(() => _system.CreateListingAsync(ListingFor(productId, designer.AccountId) with { Price = new Money(100.5m, "KRW") }), "ListingRequest.Price.Amount");
        AssertInvalid(() => _system.CreateListingAsync(ListingFor(productId, designer.AccountId) with { Title = " " }), "ListingRequest.Title");
        Assert.That(_system.AllEvents.Where(e => e.Type == CoCreationEventTypes.ListingPublished), Is.Empty);
    }

    [Test]
    public async Task UpdateListing_ValidatesPriceAndTerms_AndRefusesDelistedListings()
    {
        var (designer, listing, _) = await ListedProductAsync(stock: 0);

        AssertInvalid(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(-1m, "KRW"), "")), "ListingUpdate.Price.Amount");
        AssertInvalid(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(1000m, "KRW"), new string('t', 2001))), "ListingUpdate.Terms");
        AssertInvalid(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(10m, "USD"), "")), "ListingUpdate.Price.Currency");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.UpdateListingAsync(designer, "777", new ListingUpdate(new Money(1000m, "KRW"), "")));

        var updated = await _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(1000m, "KRW"), new string('t', 2000)));
        Assert.That(updated.Terms, Has.Length.EqualTo(2000));

        await _system.DelistAsync(listing.Id);
        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(2000m, "KRW"), "")));
    }

    [Test]
    public async Task Delist_IsIdempotent_AndRaisesOneEvent()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 3);

        var first = await _system.DelistAsync(listing.Id);
        var second = await _system.DelistAsync(listing.Id);

        Assert.That(first.Status, Is.EqualTo(ListingStatus.Delisted));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(_system.AllEvents.Count(e => e.Type == CoCreationEventTypes.ListingDelisted), Is.EqualTo(1));
        Assert.Throws<CoCreationConflictException>(() => _system.PlaceOrder(listing.Id, "Bob", 1));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.DelistAsync("777"));
    }

    [Test]
    public async Task PlaceOrder_RefusesBadInputAndInsufficientStock_WithoutTouchingStock()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 3);

        Assert.That(Assert.Throws<CoCreationValidationException>(() => _system.PlaceOrder(listing.Id, "Bob", 0))!.Field, Is.EqualTo("quantity"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => _system.PlaceOrder(listing.Id, " ", 1))!.Field, Is.EqualTo("buyerName"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => _system.PlaceOrder(listing.Id, "Bob", 1, "ok", 6))!.Field, Is.EqualTo("rating"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => _system.PlaceOrder(listing.Id, "Bob", 1, "ok", 0))!.Field, Is.EqualTo("rating"));
        var conflict = Assert.Throws<CoCreationConflictException>(() => _system.PlaceOrder(listing.Id, "Bob", 4));
        Assert.That(conflict!.Message, Does.Contain("insufficient stock"));
        Assert.Throws<ResourceNotFoundException>(() => _system.PlaceOrder("777", "Bob", 1));

        Assert.That((await _system.GetStockAsync(listing.ProductId)).OnHand, Is.EqualTo(3));
        Assert.That(_system.AllEvents.Where(e => e.Type == CoCreationEventTypes.SaleCompleted), Is.Empty);
        Assert.That(_system.PlaceOrder(listing.Id, "Bob", 3).Quantity, Is.EqualTo(3));
    }

    [Test]
    public async Task PlaceOrder_WithoutReview_RaisesNoReviewEvent()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 3);

        _system.PlaceOrder(listing.Id, "Bob", 1);

        Assert.That(_system.AllEvents.Where(e => e.Type == CoCreationEventTypes.ReviewPosted), Is.Empty);
    }

    [Test]
    public async Task Ship_RefusesBlankFieldsUnknownSalesAndShippingTwice()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 3);
        var sale = _system.PlaceOrder(listing.Id, "Bob", 1);

        AssertInvalid(() => _system.ShipAsync(sale.Id, new ShipmentRequest(" ", "T1")), "ShipmentRequest.Carrier");
        AssertInvalid(() => _system.ShipAsync(sale.Id, new ShipmentRequest("CJ", "")), "ShipmentRequest.TrackingNumber");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.ShipAsync("777", new ShipmentRequest("CJ", "T1")));
        await _system.ShipAsync(sale.Id, new ShipmentRequest("CJ", "T1"));
        Assert.ThrowsAsync<CoCreationConflictException>(() => _system.ShipAsync(sale.Id, new ShipmentRequest("CJ", "T2")));
        Assert.That(_system.AllEvents.Count(e => e.Type == CoCreationEventTypes.ShipmentSent), Is.EqualTo(1));
    }

    [Test]
    public async Task GetSales_ReturnsThePeriodFromInclusiveToExclusive()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 10);
        var first = _system.PlaceOrder(listing.Id, "A", 1);
        _time.Advance(TimeSpan.FromDays(1));
        var second = _system.PlaceOrder(listing.Id, "B", 1);
        _time.Advance(TimeSpan.FromDays(1));
        var third = _system.PlaceOrder(listing.Id, "C", 1);

        var middle = await _system.GetSalesAsync(listing.Id, second.SoldAt, third.SoldAt);
        var all = await _system.GetSalesAsync(listing.Id, Start, third.SoldAt.AddSeconds(1));

        Assert.That(middle.Select(s => s.Id), Is.EqualTo(new[] { second.Id }));
        Assert.That(all.Select(s => s.Id), Is.EqualTo(new[] { first.Id, second.Id, third.Id }));
        AssertInvalid(() => _system.GetSalesAsync(listing.Id, third.SoldAt, first.SoldAt), "to");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.GetSalesAsync("777", Start, third.SoldAt));
    }

    [Test]
    public async Task RecordPayout_ValidatesAmountsAndPayee()
    {
        var (designer, listing, _) = await ListedProductAsync(stock: 1);
        var valid = new PayoutRequest
        {
            OwnerAccountId = designer.AccountId,
            ListingId = listing.Id,
            PeriodStart = Start,
            PeriodEnd = Start.AddDays(7),
            Gross = new Money(10000m, "KRW"),
            Amount = new Money(1500m, "KRW"),
            IdempotencyKey = "k1",
        };

        AssertInvalid(() => _system.RecordPayoutAsync(valid with { Amount = new Money(-1m, "KRW") }), "PayoutRequest.Amount.Amount");
        AssertInvalid(() => _system.RecordPayoutAsync(valid with { Amount = new Money(10m, "USD") }), "PayoutRequest.Amount.Currency");
        AssertInvalid(() => _system.RecordPayoutAsync(valid with { Amount = new Money(10001m, "KRW") }), "PayoutRequest.Amount");
        AssertInvalid(() => _system.RecordPayoutAsync(valid with { IdempotencyKey = " " }), "PayoutRequest.IdempotencyKey");
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.RecordPayoutAsync(valid with { OwnerAccountId = "777" }));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.RecordPayoutAsync(valid with { ListingId = "777" }));
        var stranger = await _system.ProvisionAccountAsync(Request("sns:ivan", EnterpriseRoles.Member));
        AssertInvalid(() => _system.RecordPayoutAsync(valid with { OwnerAccountId = stranger.AccountId }), "PayoutRequest.OwnerAccountId");
        Assert.That(_system.GetPayouts(designer.AccountId), Is.Empty);

        var zero = await _system.RecordPayoutAsync(valid with { Amount = new Money(0m, "KRW") });
        var second = await _system.RecordPayoutAsync(valid with { IdempotencyKey = "k2" });
        Assert.That(zero.Id, Is.Not.EqualTo(second.Id));
        Assert.That(_system.GetPayouts(designer.AccountId), Has.Count.EqualTo(2));
        Assert.That(_system.AllEvents.Count(e => e.Type == CoCreationEventTypes.SettlementPaid), Is.EqualTo(2));
    }

    // ------------------------------------------------------------ inventory

    [Test]
    public async Task StockLow_IsRaisedExactlyOncePerCrossing_AndRestockingReArmsIt()
    {
        var (designer, listing, designId) = await ListedProductAsync(stock: 10);
        var level = await _system.SetLowStockThresholdAsync(listing.ProductId, 3);
        Assert.That(level.IsLow, Is.False);
        Assert.That(LowEvents(), Is.Empty);

        _system.PlaceOrder(listing.Id, "A", 4); // 6
        Assert.That(LowEvents(), Is.Empty);
        _system.PlaceOrder(listing.Id, "B", 3); // 3: crosses
        _system.PlaceOrder(listing.Id, "C", 1); // 2: still low
        _system.PlaceOrder(listing.Id, "D", 2); // 0: still low
        var low = LowEvents();
        Assert.That(low, Has.Count.EqualTo(1));
        Assert.That(low[0].GetData(CoCreationEventData.OnHand), Is.EqualTo("3"));
        Assert.That(low[0].GetData(CoCreationEventData.Threshold), Is.EqualTo("3"));
        Assert.That(low[0].GetData(CoCreationEventData.ProductId), Is.EqualTo(listing.ProductId));
        Assert.That(low[0].GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(designer.AccountId));
        Assert.That(low[0].Subject, Is.EqualTo($"products/{listing.ProductId}"));

        await ProduceAsync(designer, designId, 2); // 2: restocked but still low, no new alert
        Assert.That(LowEvents(), Has.Count.EqualTo(1));
        await ProduceAsync(designer, designId, 8); // 10: above, re-armed
        Assert.That(LowEvents(), Has.Count.EqualTo(1));
        _system.PlaceOrder(listing.Id, "E", 8); // 2: crosses again
        Assert.That(LowEvents(), Has.Count.EqualTo(2));
        Assert.That(LowEvents()[1].GetData(CoCreationEventData.OnHand), Is.EqualTo("2"));
        Assert.That((await _system.GetStockAsync(listing.ProductId)).IsLow, Is.True);
    }

    [Test]
    public async Task SetLowStockThreshold_AtOrAboveCurrentStock_AlertsAtOnce()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 5);

        var level = await _system.SetLowStockThresholdAsync(listing.ProductId, 5);

        Assert.That(level.IsLow, Is.True);
        Assert.That(level.Threshold, Is.EqualTo(5));
        Assert.That(LowEvents(), Has.Count.EqualTo(1));
        await _system.SetLowStockThresholdAsync(listing.ProductId, 5);
        Assert.That(LowEvents(), Has.Count.EqualTo(1), "the same low spell is alerted once");
    }

    [Test]
    public void Inventory_RefusesUnknownProductsAndNegativeThresholds()
    {
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.GetStockAsync("777"));
        Assert.ThrowsAsync<ResourceNotFoundException>(() => _system.SetLowStockThresholdAsync("777", 1));
        AssertInvalid(() => _system.SetLowStockThresholdAsync("777", -1), "threshold");
    }

    // ------------------------------------------------------------ events

    [Test]
    public async Task ReadEvents_PagesResumeWithoutDuplicatesOrGaps()
    {
        _system = new EmbeddedEnterpriseSystem("dong-a", new EmbeddedEnterpriseOptions { MaxEventsPerPage = 3 }, _time);
        var empty = await _system.ReadEventsAsync(null);
        Assert.That(empty.Events, Is.Empty);
        Assert.That(empty.HasMore, Is.False);

        var (_, listing, _) = await ListedProductAsync(stock: 4); // 6 events
        var seen = new List<string>();
        var cursor = empty.Cursor;
        EventPage page;
        do
        {
            page = await _system.ReadEventsAsync(cursor);
            Assert.That(page.Events, Has.Count.LessThanOrEqualTo(3));
            seen.AddRange(page.Events.Select(e => e.Id));
            cursor = page.Cursor;
        }
        while (page.HasMore);

        var idle = await _system.ReadEventsAsync(cursor);
        Assert.That(idle.Events, Is.Empty);
        Assert.That(idle.Cursor, Is.EqualTo(cursor), "an empty page keeps the position");
        Assert.That(idle.HasMore, Is.False);

        _system.PlaceOrder(listing.Id, "Bob", 1);
        var resumed = await _system.ReadEventsAsync(cursor);
        seen.AddRange(resumed.Events.Select(e => e.Id));

        Assert.That(seen, Is.EqualTo(_system.AllEvents.Select(e => e.Id)));
        Assert.That(seen, Is.Unique);
        Assert.That(resumed.Events.Select(e => e.Type), Is.EqualTo(new[] { CoCreationEventTypes.SaleCompleted }));
    }

    [TestCase("abc")]
    [TestCase("-1")]
    [TestCase("1.5")]
    [TestCase("")]
    [TestCase("99")]
    public async Task ReadEvents_WithAForeignOrFutureCursor_IsRefused(string cursor)
    {
        await ListedProductAsync(stock: 1);

        AssertInvalid(() => _system.ReadEventsAsync(cursor), "cursor");
    }

    [Test]
    public async Task Events_DuringConcurrentOrders_StockNeverGoesNegativeAndIdsStayDense()
    {
        var (_, listing, _) = await ListedProductAsync(stock: 40);
        var before = _system.AllEvents.Count;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
        {
            try
            {
                _system.PlaceOrder(listing.Id, $"buyer {i}", 1);
                return true;
            }
            catch (CoCreationConflictException)
            {
                return false;
            }
        })));

        Assert.That(outcomes.Count(ok => ok), Is.EqualTo(40));
        Assert.That((await _system.GetStockAsync(listing.ProductId)).OnHand, Is.Zero);
        var events = _system.AllEvents;
        Assert.That(events.Count(e => e.Type == CoCreationEventTypes.SaleCompleted), Is.EqualTo(40));
        Assert.That(events.Select(e => int.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(1, events.Count)));
        Assert.That(events.Count, Is.EqualTo(before + 40));
    }

    [Test]
    public void CancelledCalls_DoNothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await _system.ProvisionAccountAsync(Request("sns:z", EnterpriseRoles.Member), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(async () => await _system.GetAccountAsync("1"), Throws.InstanceOf<ResourceNotFoundException>(), "nothing was created");
    }

    // ------------------------------------------------------------ helpers

    private List<CoCreationEvent> LowEvents() => [.. _system.AllEvents.Where(e => e.Type == CoCreationEventTypes.StockLow)];

    private static EnterpriseAccountRequest Request(string login, params string[] roles)
        => new() { Login = login, DisplayName = login, Roles = roles };

    private static DesignSubmission Submission() => new() { Title = "Wool coat", Description = "Double-breasted, grey wool." };

    private static ProductionRequest Production(string designId, int quantity = 20) => new() { DesignId = designId, Quantity = quantity, Plan = "One size, two weeks." };

    private static ListingRequest ListingFor(string productId, string ownerAccountId) => new()
    {
        ProductId = productId,
        OwnerAccountId = ownerAccountId,
        Title = "Wool coat by a customer",
        Price = new Money(120000m, "KRW"),
    };

    private async Task<(EnterpriseAccount Designer, Design Design, string ProductId)> AcceptedDesignAsync(params string[] roles)
    {
        if (roles.Length == 0)
        {
            roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller];
        }

        var designer = await _system.ProvisionAccountAsync(Request("sns:designer", roles));
        var design = await _system.SubmitDesignAsync(designer, Submission());
        var reviewed = await _system.ReviewDesignAsync(design.Id, new DesignReview(true));
        return (designer, reviewed, reviewed.ProductId!);
    }

    private async Task ProduceAsync(EnterpriseAccount designer, string designId, int quantity)
    {
        var order = await _system.RequestProductionAsync(designer, Production(designId, quantity));
        await _system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
    }

    /// <summary>An accepted design produced into <paramref name="stock"/> pieces (when above zero) and listed.</summary>
    private async Task<(EnterpriseAccount Designer, Listing Listing, string DesignId)> ListedProductAsync(int stock, Money? price = null)
    {
        var (designer, design, productId) = await AcceptedDesignAsync();
        if (stock > 0)
        {
            await ProduceAsync(designer, design.Id, stock);
        }

        var listing = await _system.CreateListingAsync(ListingFor(productId, designer.AccountId) with { Price = price ?? new Money(120000m, "KRW") });
        return (designer, listing, design.Id);
    }

    private static void AssertInvalid(Func<Task> call, string field)
    {
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(call);
        Assert.That(ex!.Field, Is.EqualTo(field));
    }

    private static void AssertForbidden(Func<Task> call)
    {
        var ex = Assert.ThrowsAsync<ProviderException>(call);
        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("forbidden"));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Provider, Is.EqualTo("dong-a"));
    }
}
