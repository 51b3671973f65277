using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Vendure.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Vendure.Tests.Integration;

/// <summary>
/// What the adapter does, read back from the real Vendure (eng/peers/vendure) with the test's own GraphQL client:
/// products and prices, stock, order and fulfillment state, refunds, roles and log-in of deprovisioned accounts, events.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class VendureReadBackTests
{
    private VendureEnterpriseAdapter _adapter = null!;
    private VendureTestClient _client = null!;

    [SetUp]
    public void SetUp()
    {
        _adapter = new VendureEnterpriseAdapter("vendure-readback", VendurePeer.Options(), () => VendurePeer.Http);
        _client = VendurePeer.Client();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<(EnterpriseAccount Owner, Listing Listing)> ListedAsync(decimal price, string terms = "Ships in 2 days")
    {
        var owner = await _adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = Unique("readback"), DisplayName = "Read Back", Roles = [EnterpriseRoles.Member, EnterpriseRoles.Seller] });
        var listing = await _adapter.CreateListingAsync(new ListingRequest
        {
            ProductId = Unique("sku"),
            OwnerAccountId = owner.AccountId,
            Title = Unique("Linen shirt"),
            Price = new Money(price, "KRW"),
            Terms = terms,
        });
        return (owner, listing);
    }

    [Test]
    public async Task A_listing_is_a_product_with_one_variant_priced_with_tax_in_the_owners_channel()
    {
        var (owner, listing) = await ListedAsync(39000m, "Ships in 3 days");
        await _adapter.UpdateListingAsync(owner, listing.Id, new ListingUpdate(new Money(45000m, "KRW"), "Free returns"));

        var read = await _client.AdminAsync("query($id: ID!) { product(id: $id) { name description enabled channels { code } variants { sku priceWithTax currencyCode } } }", new JsonObject { ["id"] = listing.Id });
        var product = read["product"]!;
        var delisted = await _adapter.DelistAsync(listing.Id);
        var variant = await _client.VariantAsync(listing.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(product["name"]!.GetValue<string>(), Is.EqualTo(listing.Title), "product name");
            Assert.That(product["description"]!.GetValue<string>(), Is.EqualTo("Free returns"), "terms are the description");
            Assert.That(product["enabled"]!.GetValue<bool>(), Is.True, "enabled while listed");
            Assert.That(product["variants"]!.AsArray(), Has.Count.EqualTo(1), "one variant");
            Assert.That(product["variants"]![0]!["sku"]!.GetValue<string>(), Is.EqualTo(listing.ProductId), "the SKU is the SDK product id");
            Assert.That(product["variants"]![0]!["priceWithTax"]!.GetValue<long>(), Is.EqualTo(4500000), "45,000 KRW with tax, in Vendure's minor units (precision 2)");
            Assert.That(product["variants"]![0]!["currencyCode"]!.GetValue<string>(), Is.EqualTo("KRW"), "currency");
            Assert.That(product["channels"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()), Does.Contain("cocreation-a" + owner.AccountId), "assigned to the owner's channel");
            Assert.That(delisted.Status, Is.EqualTo(ListingStatus.Delisted), "delisted");
            Assert.That(variant.Enabled, Is.False, "read back: a delisted product is disabled");
        }
    }

    [Test]
    public async Task A_sale_allocates_stock_shipping_records_tracking_and_a_restocking_refund_settles_and_releases_stock()
    {
        var (_, listing) = await ListedAsync(32000m);
        await _client.AddStockAsync(listing, 5);
        var orderId = await _client.BuyAsync(listing, 3);
        var now = DateTimeOffset.UtcNow;
        var sale = (await _adapter.GetSalesAsync(listing.Id, now.AddHours(-1), now.AddHours(1))).Single();
        var afterSale = await _client.VariantAsync(listing.Id);

        var refund = await _adapter.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Too small", Restock = true, IdempotencyKey = Guid.NewGuid().ToString("N") });
        var afterRefund = await _client.VariantAsync(listing.Id);
        var shipment = await _adapter.ShipAsync(sale.Id, new ShipmentRequest("CJ Logistics", "6789012345"));
        var order = (await _client.AdminAsync("query($id: ID!) { order(id: $id) { state lines { quantity } fulfillments { state method trackingCode } payments { refunds { total state reason } } } }", new JsonObject { ["id"] = orderId }))["order"]!;
        var afterShipping = await _client.VariantAsync(listing.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sale.Quantity, Is.EqualTo(3), "sale quantity");
            Assert.That(sale.UnitPrice, Is.EqualTo(new Money(32000m, "KRW")), "unit price with tax");
            Assert.That(afterSale.OnHand, Is.EqualTo(5), "read back: on hand after the sale");
            Assert.That(afterSale.Allocated, Is.EqualTo(3), "read back: the sold pieces are allocated");
            Assert.That(refund.Amount, Is.EqualTo(new Money(32000m, "KRW")), "refund amount");
            Assert.That(afterRefund.Allocated, Is.EqualTo(2), "read back: the restocked piece is released");
            Assert.That(order["payments"]![0]!["refunds"]![0]!["total"]!.GetValue<long>(), Is.EqualTo(3200000), "read back: refund total in minor units");
            Assert.That(order["payments"]![0]!["refunds"]![0]!["state"]!.GetValue<string>(), Is.EqualTo("Settled"), "read back: refund settled");
            Assert.That(order["payments"]![0]!["refunds"]![0]!["reason"]!.GetValue<string>(), Does.StartWith("Too small"), "read back: reason");
            Assert.That(order["fulfillments"]![0]!["trackingCode"]!.GetValue<string>(), Is.EqualTo("6789012345"), "read back: tracking code");
            Assert.That(order["fulfillments"]![0]!["method"]!.GetValue<string>(), Is.EqualTo("CJ Logistics"), "read back: carrier");
            Assert.That(order["fulfillments"]![0]!["state"]!.GetValue<string>(), Is.EqualTo("Shipped"), "read back: fulfillment shipped");
            Assert.That(order["state"]!.GetValue<string>(), Is.EqualTo("Shipped"), "read back: order shipped");
            Assert.That(shipment.TrackingNumber, Is.EqualTo("6789012345"), "shipment");
            Assert.That(afterShipping.OnHand, Is.EqualTo(3), "read back: two shipped pieces left the stock");
        }
    }

    [Test]
    public async Task A_deprovisioned_account_loses_its_roles_and_can_no_longer_log_in()
    {
        var account = await _adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = Unique("leaver"), DisplayName = "Leaver", Roles = [EnterpriseRoles.Seller] });
        const string Password = "known-only-to-this-test-7781";
        await _client.AdminAsync("mutation($input: UpdateAdministratorInput!) { updateAdministrator(input: $input) { id } }", new JsonObject { ["input"] = new JsonObject { ["id"] = account.AccountId, ["password"] = Password } });
        var before = await _client.LoginAsync(account.Login, Password);
        var roles = (await _client.AdminAsync("query($id: ID!) { administrator(id: $id) { user { roles { code permissions channels { code } } } } }", new JsonObject { ["id"] = account.AccountId }))["administrator"]!["user"]!["roles"]!.AsArray();

        await _adapter.DeprovisionAccountAsync(account);
        var after = await _client.LoginAsync(account.Login, Password);
        var rolesAfter = (await _client.AdminAsync("query($id: ID!) { administrator(id: $id) { user { roles { code } } } }", new JsonObject { ["id"] = account.AccountId }))["administrator"]!["user"]!["roles"]!.AsArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.Not.Null, "the account could log in before");
            Assert.That(roles.Select(r => r!["channels"]![0]!["code"]!.GetValue<string>()), Is.All.EqualTo("cocreation-a" + account.AccountId), "every role is scoped to the account's own channel");
            Assert.That(roles.SelectMany(r => r!["permissions"]!.AsArray().Select(p => p!.GetValue<string>())), Does.Contain("UpdateProduct"), "the seller role may update products");
            Assert.That(after, Is.Null, "a deprovisioned account cannot log in");
            Assert.That(rolesAfter, Is.Empty, "read back: no roles left");
        }
    }

    [Test]
    public async Task Sales_shipments_and_refunds_arrive_as_events_once()
    {
        var (_, start) = await AllEventsAsync(null);
        var (_, listing) = await ListedAsync(21000m);
        await _client.AddStockAsync(listing, 2);
        await _client.BuyAsync(listing, 2);
        var now = DateTimeOffset.UtcNow;
        var sale = (await _adapter.GetSalesAsync(listing.Id, now.AddHours(-1), now.AddHours(1))).Single();
        await _adapter.ShipAsync(sale.Id, new ShipmentRequest("Hanjin", "HJ-123"));
        var refund = await _adapter.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Stain", IdempotencyKey = Guid.NewGuid().ToString("N") });

        var (events, cursor) = await AllEventsAsync(start);
        var again = await _adapter.ReadEventsAsync(cursor);
        var mine = events.Where(e => e.Subject == sale.Id).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mine.Select(e => e.Type), Is.EquivalentTo(new[] { CoCreationEventTypes.SaleCompleted, CoCreationEventTypes.ShipmentSent, CoCreationEventTypes.SaleRefunded }), "one event each");
            Assert.That(mine.Single(e => e.Type == CoCreationEventTypes.SaleCompleted).GetData(CoCreationEventData.Amount), Is.EqualTo("42000"), "sale amount");
            Assert.That(mine.Single(e => e.Type == CoCreationEventTypes.ShipmentSent).GetData(CoCreationEventData.TrackingNumber), Is.EqualTo("HJ-123"), "tracking number");
            Assert.That(mine.Single(e => e.Type == CoCreationEventTypes.SaleRefunded).GetData(CoCreationEventData.RefundId), Is.EqualTo(refund.Id), "refund id");
            Assert.That(mine.Single(e => e.Type == CoCreationEventTypes.SaleRefunded).GetData(CoCreationEventData.ListingId), Is.EqualTo(listing.Id), "listing id");
            Assert.That(again.Events, Is.Empty, "nothing is delivered twice");
        }
    }

    [Test]
    public async Task The_logs_of_real_calls_hold_neither_the_password_nor_a_session_token()
    {
        using var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var options = VendurePeer.Options();
        var adapter = new VendureEnterpriseAdapter("vendure-logs", options, () => VendurePeer.Http, logger: factory.CreateLogger<VendureEnterpriseAdapter>());

        var account = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = Unique("logged"), DisplayName = "Logged", Roles = [EnterpriseRoles.Seller] });
        await adapter.GetAccountAsync(account.AccountId);
        Assert.ThrowsAsync<ResourceNotFoundException>(() => adapter.GetAccountAsync("999999"));
        var text = string.Join("\n", logs.Lines);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(logs.Lines, Has.Some.Contains("logged in as " + options.User), "the login is logged");
            Assert.That(logs.Lines, Has.Some.Contains("CreateAdministrator"), "operations are logged");
            Assert.That(text, Does.Not.Contain(options.Password), "no password");
            Assert.That(Regex.IsMatch(text, "[0-9a-f]{40,}"), Is.False, "no session token (Vendure's are long hex strings)");
        }
    }

    [Test]
    public async Task A_session_ended_at_vendure_is_replaced_by_a_new_login()
    {
        var capture = new TokenCapture { InnerHandler = new SocketsHttpHandler { UseCookies = false } };
        using var http = new HttpClient(capture);
        var adapter = new VendureEnterpriseAdapter("vendure-relogin", VendurePeer.Options(), () => http);
        var account = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = Unique("relogin"), DisplayName = "Relogin", Roles = [EnterpriseRoles.Member] });
        var token = capture.LastToken ?? throw new AssertionException("the adapter's login returned a session token");

        // End the adapter's session at Vendure, as an expiry or an administrator's sign-out would.
        using (var logout = new HttpRequestMessage(HttpMethod.Post, VendurePeer.Options().AdminApiUrl) { Content = new StringContent("{\"query\":\"mutation { logout { success } }\"}", System.Text.Encoding.UTF8, "application/json") })
        {
            logout.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var answer = await VendurePeer.Http.SendAsync(logout);
            Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("\"success\":true"), "the session was ended");
        }

        var read = await adapter.GetAccountAsync(account.AccountId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.Login, Is.EqualTo(account.Login), "the call succeeded after a new login");
            Assert.That(adapter.Api.LoginCount, Is.EqualTo(2), "one new login");
            Assert.That(capture.LastToken, Is.Not.EqualTo(token), "with a new session token");
        }
    }

    [Test]
    public void Payouts_are_not_a_vendure_capability()
    {
        var ex = Assert.ThrowsAsync<CapabilityNotSupportedException>(() => _adapter.RecordPayoutAsync(new PayoutRequest
        {
            OwnerAccountId = "1",
            ListingId = "1",
            PeriodStart = DateTimeOffset.UtcNow.AddDays(-30),
            PeriodEnd = DateTimeOffset.UtcNow,
            Gross = new Money(10000m, "KRW"),
            Amount = new Money(7000m, "KRW"),
            IdempotencyKey = "payout-1",
        }));

        Assert.That(ex!.Capability, Is.EqualTo("payouts"));
    }

    private async Task<(List<CoCreationEvent> Events, string Cursor)> AllEventsAsync(string? cursor)
    {
        var events = new List<CoCreationEvent>();
        for (var i = 0; i < 100; i++)
        {
            var page = await _adapter.ReadEventsAsync(cursor);
            events.AddRange(page.Events);
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                break;
            }
        }

        return (events, cursor!);
    }

    /// <summary>Remembers the last session token Vendure issued to the client it sits in.</summary>
    private sealed class TokenCapture : DelegatingHandler
    {
        public string? LastToken { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("vendure-auth-token", out var values))
            {
                LastToken = values.First();
            }

            return response;
        }
    }

    [Test]
    public async Task An_intake_adds_the_pieces_once_however_often_it_is_sent()
    {
        var (_, listing) = await ListedAsync(39000m);
        var before = await _client.VariantAsync(listing.Id);
        var key = Unique("production");
        var intake = new StockIntakeRequest { ProductId = listing.ProductId, Quantity = 100, Reference = "erp production 7", IdempotencyKey = key };

        var first = await _adapter.ReceiveStockAsync(intake);
        var again = await _adapter.ReceiveStockAsync(intake);
        var other = await _adapter.ReceiveStockAsync(intake with { Quantity = 60, IdempotencyKey = Unique("production") });
        var after = await _client.VariantAsync(listing.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.OnHand, Is.EqualTo(before.OnHand + 100), "the first intake");
            Assert.That(again.OnHand, Is.EqualTo(first.OnHand), "a repeat changes nothing");
            Assert.That(other.OnHand, Is.EqualTo(first.OnHand + 60), "another key books again");
            Assert.That(after.OnHand, Is.EqualTo(before.OnHand + 160), "Vendure's stock on hand, read back");
        }

        Assert.ThrowsAsync<ResourceNotFoundException>(() => _adapter.ReceiveStockAsync(intake with { ProductId = Unique("unlisted") }));
        var zero = Assert.ThrowsAsync<CoCreationValidationException>(() => _adapter.ReceiveStockAsync(intake with { Quantity = 0, IdempotencyKey = Unique("k") }));
        Assert.That(zero!.Field, Is.EqualTo("StockIntakeRequest.Quantity"));
        Assert.That((await _client.VariantAsync(listing.Id)).OnHand, Is.EqualTo(before.OnHand + 160), "refused intakes changed nothing");
    }

    [Test]
    public async Task A_sale_that_takes_stock_to_the_threshold_raises_one_low_stock_alert_for_the_owner()
    {
        var (owner, listing) = await ListedAsync(10000m);
        await _adapter.ReceiveStockAsync(new StockIntakeRequest { ProductId = listing.ProductId, Quantity = 10, Reference = "erp production 8", IdempotencyKey = Unique("production") });
        var threshold = await _adapter.SetLowStockThresholdAsync(listing.ProductId, 6);
        var start = await _adapter.ReadEventsAsync(null);
        var cursor = start.Cursor;
        while (start.HasMore)
        {
            start = await _adapter.ReadEventsAsync(cursor);
            cursor = start.Cursor;
        }

        await _client.BuyAsync(listing, 5);
        var alerts = new List<CoCreationEvent>();
        for (var read = 0; read < 3; read++)
        {
            var page = await _adapter.ReadEventsAsync(cursor);
            cursor = page.Cursor;
            alerts.AddRange(page.Events.Where(e => e.Type == CoCreationEventTypes.StockLow && e.GetData(CoCreationEventData.ProductId) == listing.ProductId));
        }

        var stock = await _adapter.GetStockAsync(listing.ProductId);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(threshold.Threshold, Is.EqualTo(6));
            Assert.That(stock.OnHand, Is.EqualTo(5), "ten stocked, five sold");
            Assert.That(alerts, Has.Count.EqualTo(1), "one alert for the crossing, however often events are read");
            Assert.That(alerts[0].GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(owner.AccountId));
            Assert.That(alerts[0].GetData(CoCreationEventData.OnHand), Is.EqualTo("5"));
            Assert.That(alerts[0].GetData(CoCreationEventData.Threshold), Is.EqualTo("6"));
        }
    }
}
