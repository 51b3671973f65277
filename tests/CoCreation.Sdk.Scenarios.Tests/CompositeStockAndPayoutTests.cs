using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The composite's own work between its parts: goods made at the ERP (a real embedded system) booked into a shop's stock
/// once, waiting for the listing when they come first, and payouts recorded at a ledger part with the composite raising
/// <c>settlement.paid</c>. The shop part is a small in-memory shop written for these tests, since the embedded system
/// sells only what it made itself; the composite is the unit under test.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class CompositeStockAndPayoutTests
{
    private const string Composite = "dong-a";

    private static (ProgramHarness Harness, MemoryShop Shop, CompositeEnterpriseAdapter Composite) Build()
    {
        var harness = new ProgramHarness(enterpriseOptions: new EmbeddedEnterpriseOptions
        {
            Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.ProductionManager],
        });
        var shop = new MemoryShop();
        var options = new CompositeEnterpriseOptions
        {
            ProductionSystem = ProgramHarness.System,
            CommerceSystem = MemoryShop.Name,
            InventorySystem = MemoryShop.Name,
            PayoutSystem = MemoryShop.Name,
        };
        options.AccountSystems.Add(ProgramHarness.System);
        options.AccountSystems.Add(MemoryShop.Name);
        var composite = new CompositeEnterpriseAdapter(
            Composite,
            options,
            name => name == MemoryShop.Name ? shop : harness.Enterprise,
            harness.Services.GetRequiredService<ICoCreationStore>(),
            harness.Clock);
        return (harness, shop, composite);
    }

    private static async Task<(EnterpriseAccount Designer, Design Design, ProductionOrder Order)> ProducedAsync(CompositeEnterpriseAdapter composite, int quantity)
    {
        var designer = await composite.ProvisionAccountAsync(new EnterpriseAccountRequest
        {
            Login = "minji",
            DisplayName = "Minji",
            Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller],
        });
        var design = await composite.SubmitDesignAsync(designer, new DesignSubmission { Title = "Linen dress", Description = "Wrap dress" });
        design = await composite.ReviewDesignAsync(design.Id, new DesignReview(true));
        var order = await composite.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = quantity, Plan = "S/M/L" });
        order = await composite.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        return (designer, design, order);
    }

    [Test]
    public async Task Goods_made_before_the_listing_wait_and_are_booked_into_the_shop_once_when_it_is_listed()
    {
        var (h, shop, composite) = Build();
        await using var _ = h;
        var (designer, design, order) = await ProducedAsync(composite, 10);

        var first = await composite.ReadEventsAsync(null);
        Assert.That(first.Events.Select(e => e.Type), Does.Contain(CoCreationEventTypes.ProductionCompleted));
        Assert.That(first.Events.Select(e => e.Type), Does.Not.Contain(CoCreationEventTypes.StockReceived), "the ERP's own stock-in is not the shop's stock");
        Assert.That(shop.Stock.ContainsKey(design.ProductId!), Is.False, "nothing is stocked before the listing");

        await composite.CreateListingAsync(new ListingRequest { ProductId = design.ProductId!, OwnerAccountId = designer.AccountId, Title = "Linen dress", Price = new Money(39000m, "KRW") });
        var second = await composite.ReadEventsAsync(first.Cursor);

        // A relay that stopped before storing the second cursor reads from the first again; then it stores the second.
        var replayed = await composite.ReadEventsAsync(first.Cursor);
        var third = await composite.ReadEventsAsync(second.Cursor);
        var store = h.Services.GetRequiredService<ICoCreationStore>();

        var stocked = second.Events.Single(e => e.Type == CoCreationEventTypes.StockReceived);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(shop.Stock[design.ProductId!], Is.EqualTo(10), "the shop holds what the ERP made");
            Assert.That(shop.Intakes, Is.EqualTo(1), "booked once however often events are read");
            Assert.That(stocked.Id, Is.EqualTo("intake:" + order.Id));
            Assert.That(stocked.Source, Is.EqualTo(CoCreationEventSources.Enterprise(Composite)));
            Assert.That(stocked.GetData(CoCreationEventData.OnHand), Is.EqualTo("10"));
            Assert.That(stocked.GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(designer.AccountId), "the owner as the programme knows her");
            Assert.That(third.Events, Is.Empty, "given out once the cursor moved past it");
            Assert.That(replayed.Events.Where(e => e.Type == CoCreationEventTypes.StockReceived).Select(e => e.Id), Is.EqualTo(new[] { stocked.Id }),
                "a cursor from before is given the event again with the same id (at least once; the relay drops the repeat)");
            Assert.That(await store.ListDocumentsAsync($"enterprise.{Composite}.raised"), Is.Empty, "reading with the stored cursor acknowledged the event: it is gone from the store");
            Assert.That(await store.ListDocumentsAsync($"enterprise.{Composite}.intakes-waiting"), Is.Empty, "nothing is left waiting");
            var booked = System.Text.Json.JsonDocument.Parse((await store.GetDocumentAsync($"enterprise.{Composite}.intakes", order.Id))!).RootElement;
            Assert.That(booked.GetProperty("ownerAccountId").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null), "the booked record keeps no owner");
            Assert.That(booked.GetProperty("state").ToString(), Is.Not.EqualTo("0"), "the record says it was booked");
        }
    }

    [Test]
    public async Task A_second_run_is_booked_on_the_next_read_and_adds_to_the_shops_stock()
    {
        var (h, shop, composite) = Build();
        await using var _ = h;
        var (designer, design, _) = await ProducedAsync(composite, 10);
        await composite.CreateListingAsync(new ListingRequest { ProductId = design.ProductId!, OwnerAccountId = designer.AccountId, Title = "Linen dress", Price = new Money(39000m, "KRW") });
        var page = await composite.ReadEventsAsync(null);
        shop.Sell(design.ProductId!, 7);

        var again = await composite.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 6, Plan = "M" });
        await composite.ReportProgressAsync(again.Id, new ProductionProgressUpdate(100, "done"));
        var next = await composite.ReadEventsAsync(page.Cursor);

        Assert.That(shop.Stock[design.ProductId!], Is.EqualTo(10 - 7 + 6), "made less sold");
        Assert.That(next.Events.Single(e => e.Type == CoCreationEventTypes.StockReceived).GetData(CoCreationEventData.OnHand), Is.EqualTo("9"));
    }

    [Test]
    public async Task A_payout_at_the_ledger_part_raises_settlement_paid_with_the_listings_title()
    {
        var (h, shop, composite) = Build();
        await using var _ = h;
        var (designer, design, _) = await ProducedAsync(composite, 10);
        var listing = await composite.CreateListingAsync(new ListingRequest { ProductId = design.ProductId!, OwnerAccountId = designer.AccountId, Title = "Linen dress", Price = new Money(39000m, "KRW") });
        var cursor = (await composite.ReadEventsAsync(null)).Cursor;
        var request = new PayoutRequest
        {
            OwnerAccountId = designer.AccountId,
            ListingId = listing.Id,
            PeriodStart = h.Clock.GetUtcNow().AddDays(-30),
            PeriodEnd = h.Clock.GetUtcNow(),
            Gross = new Money(390000m, "KRW"),
            Amount = new Money(58500m, "KRW"),
            IdempotencyKey = "settle-march",
        };

        var payout = await composite.RecordPayoutAsync(request);
        var events = (await composite.ReadEventsAsync(cursor)).Events;
        var stranger = await composite.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "stranger", DisplayName = "Stranger" });
        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => composite.RecordPayoutAsync(request with { OwnerAccountId = stranger.AccountId, IdempotencyKey = "other" }));

        var paid = events.Single(e => e.Type == CoCreationEventTypes.SettlementPaid);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(payout.OwnerAccountId, Is.EqualTo(designer.AccountId), "the composite's id comes back");
            Assert.That(shop.Payouts.Single().OwnerAccountId, Is.Not.EqualTo(designer.AccountId), "the ledger holds its own account id for her");
            Assert.That(paid.GetData(CoCreationEventData.Title), Is.EqualTo("Linen dress"));
            Assert.That(paid.GetData(CoCreationEventData.Amount), Is.EqualTo("58500"));
            Assert.That(paid.GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(designer.AccountId));
            Assert.That(refused!.Field, Is.EqualTo("PayoutRequest.OwnerAccountId"), "a payee who does not own the listing");
            Assert.That(shop.Payouts, Has.Count.EqualTo(1), "nothing was recorded for the refused payout");
        }
    }

    /// <summary>A minimal shop kept in memory: accounts with the seller role, listings, stock with intakes, and a payout ledger.</summary>
    private sealed class MemoryShop : IEnterpriseAdapter, ICommerceSystem, IInventorySystem, IStockIntake, IPayoutLedger
    {
        public const string Name = "shop";
        private readonly Dictionary<string, EnterpriseAccount> _accounts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Listing> _listings = new(StringComparer.Ordinal);
        private readonly HashSet<string> _intakeKeys = new(StringComparer.Ordinal);

        public Dictionary<string, int> Stock { get; } = new(StringComparer.Ordinal);

        public int Intakes { get; private set; }

        public List<Payout> Payouts { get; } = [];

        public EnterpriseSystemMetadata Metadata { get; } = new(Name, "memory", "Memory shop");

        public EnterpriseCapabilities Capabilities { get; } = new() { Roles = [EnterpriseRoles.Seller] };

        public void Sell(string productId, int pieces) => Stock[productId] -= pieces;

        public Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default)
        {
            // Ids unlike the ERP's, so a mix-up of the two shows.
            var account = new EnterpriseAccount { System = Name, AccountId = "shop-" + (_accounts.Count + 1), Login = request.Login, DisplayName = request.DisplayName, Roles = request.Roles };
            _accounts[account.AccountId] = account;
            return Task.FromResult(account);
        }

        public Task<EnterpriseAccount> SetAccountRolesAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
            => Task.FromResult(_accounts[account.AccountId] = _accounts[account.AccountId] with { Roles = [.. roles] });

        public Task DeprovisionAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
        {
            _accounts[account.AccountId] = _accounts[account.AccountId] with { Roles = [], IsActive = false };
            return Task.CompletedTask;
        }

        public Task<EnterpriseAccount> GetAccountAsync(string accountId, CancellationToken cancellationToken = default)
            => _accounts.TryGetValue(accountId, out var account) ? Task.FromResult(account) : throw new ResourceNotFoundException(Name, "account", accountId);

        public Task<EventPage> ReadEventsAsync(string? cursor, CancellationToken cancellationToken = default)
            => Task.FromResult(new EventPage([], cursor ?? "", false));

        public Task<Listing> CreateListingAsync(ListingRequest request, CancellationToken cancellationToken = default)
        {
            if (!_accounts.ContainsKey(request.OwnerAccountId))
            {
                throw new ResourceNotFoundException(Name, "account", request.OwnerAccountId);
            }

            var listing = new Listing { Id = "listing-" + (_listings.Count + 1), ProductId = request.ProductId, OwnerAccountId = request.OwnerAccountId, Title = request.Title, Price = request.Price, Terms = request.Terms, Status = ListingStatus.Active };
            _listings[listing.Id] = listing;
            Stock.TryAdd(request.ProductId, 0);
            return Task.FromResult(listing);
        }

        public Task<Listing> GetListingAsync(string listingId, CancellationToken cancellationToken = default)
            => _listings.TryGetValue(listingId, out var listing) ? Task.FromResult(listing) : throw new ResourceNotFoundException(Name, "listing", listingId);

        public Task<Listing> UpdateListingAsync(EnterpriseAccount actor, string listingId, ListingUpdate update, CancellationToken cancellationToken = default)
            => Task.FromResult(_listings[listingId] = _listings[listingId] with { Price = update.Price, Terms = update.Terms });

        public Task<Listing> DelistAsync(string listingId, CancellationToken cancellationToken = default)
            => Task.FromResult(_listings[listingId] = _listings[listingId] with { Status = ListingStatus.Delisted });

        public Task<IReadOnlyList<SaleRecord>> GetSalesAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<SaleRecord>>([]);

        public Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
            => throw new ResourceNotFoundException(Name, "sale", saleId);

        public Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
            => throw new ResourceNotFoundException(Name, "sale", saleId);

        public Task<IReadOnlyList<Refund>> GetRefundsAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<Refund>>([]);

        Task<Payout> ICommerceSystem.RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken)
            => throw new CapabilityNotSupportedException(Name, "payouts through the shop");

        public Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default)
        {
            PayoutRules.Check(request);
            var payout = new Payout { Id = "payout-" + (Payouts.Count + 1), OwnerAccountId = request.OwnerAccountId, ListingId = request.ListingId, Gross = request.Gross, Refunds = request.Refunds, Amount = request.Amount, PaidAt = DateTimeOffset.UnixEpoch };
            Payouts.Add(payout);
            return Task.FromResult(payout);
        }

        public Task<IReadOnlyList<Payout>> GetPayoutsAsync(string ownerAccountId, CancellationToken cancellationToken = default)
            => Task.FromResult<IReadOnlyList<Payout>>([.. Payouts.Where(p => p.OwnerAccountId == ownerAccountId)]);

        public Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default)
            => Stock.TryGetValue(productId, out var onHand) ? Task.FromResult(new StockLevel { ProductId = productId, OnHand = onHand }) : throw new ResourceNotFoundException(Name, "product", productId);

        public Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
            => GetStockAsync(productId, cancellationToken);

        public Task<StockLevel> ReceiveStockAsync(StockIntakeRequest request, CancellationToken cancellationToken = default)
        {
            if (!Stock.ContainsKey(request.ProductId))
            {
                throw new ResourceNotFoundException(Name, "product", request.ProductId);
            }

            if (_intakeKeys.Add(request.IdempotencyKey))
            {
                Stock[request.ProductId] += request.Quantity;
                Intakes++;
            }

            return GetStockAsync(request.ProductId, cancellationToken);
        }
    }
}
