using System.Net;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Vendure.Tests.Unit;

/// <summary>
/// How the adapter maps what a Vendure Admin API answers (a WireMock fake): the GraphQL <c>errors</c> array, mutation
/// <c>ErrorResult</c>s, 401 and <c>FORBIDDEN</c> (log in again once), 429 with Retry-After, and 5xx (queries retried by
/// the pipeline <c>AddVendure</c> sets up, mutations not); and that neither the password nor a session token reaches a log
/// line or an exception message.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class VendureGraphQLWireMockTests
{
    private const string Password = "p4ss-never-logged-9931";
    private const string FirstToken = "tok-first-1f2e3d4c5b6a";
    private const string SecondToken = "tok-second-a1b2c3d4e5f6";

    private WireMockServer _server = null!;

    [SetUp]
    public void SetUp() => _server = WireMockServer.Start();

    [TearDown]
    public void TearDown()
    {
        _server.Stop();
        _server.Dispose();
    }

    private static JsonObject Administrator(string id) => new()
    {
        ["id"] = id,
        ["emailAddress"] = "member-" + id,
        ["firstName"] = "Member",
        ["lastName"] = "(CoCreation)",
        ["user"] = new JsonObject { ["id"] = "9", ["roles"] = new JsonArray(new JsonObject { ["id"] = "3", ["code"] = $"cocreation-a{id}-account" }) },
    };

    private static string Data(JsonObject data) => new JsonObject { ["data"] = data }.ToJsonString();

    private IRequestBuilder Operation(string name)
        => Request.Create().WithPath("/admin-api").UsingPost().WithBody(new WildcardMatcher($"*{name}(*", ignoreCase: false));

    private void LoginAnswers(params string[] tokens)
    {
        for (var i = 0; i < tokens.Length; i++)
        {
            var given = _server.Given(Operation("mutation Login")).InScenario("login");
            (i == 0 ? given : given.WhenStateIs("login-" + i)).WillSetStateTo("login-" + (i + 1))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("vendure-auth-token", tokens[i])
                    .WithBody(Data(new JsonObject { ["login"] = new JsonObject { ["__typename"] = "CurrentUser", ["id"] = "1", ["identifier"] = "superadmin" } })));
        }
    }

    private VendureOptions Options() => new() { AdminApiUrl = new Uri(_server.Url + "/admin-api"), User = "superadmin", Password = Password };

    private VendureEnterpriseAdapter Direct(ILoggerFactory? logs = null)
    {
        var http = new HttpClient();
        return new VendureEnterpriseAdapter("vendure-fake", Options(), () => http, logger: logs?.CreateLogger<VendureEnterpriseAdapter>());
    }

    private ServiceProvider Host(Action<VendureOptions> tune)
    {
        var services = new ServiceCollection();
        services.AddCoCreation().AddVendure(o =>
        {
            o.AdminApiUrl = new Uri(_server.Url + "/admin-api");
            o.User = "superadmin";
            o.Password = Password;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            tune(o);
        });
        return services.BuildServiceProvider();
    }

    private int Count(string operation) => _server.LogEntries.Count(e => e.RequestMessage.Body?.Contains(operation + "(", StringComparison.Ordinal) == true);

    [Test]
    public void An_errors_array_is_a_vendure_exception_with_the_code_and_message()
    {
        LoginAnswers(FirstToken);
        _server.Given(Operation("query GetAdministrator")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("{\"errors\":[{\"message\":\"Variable \\\"$id\\\" got invalid value\",\"extensions\":{\"code\":\"BAD_USER_INPUT\"}}],\"data\":null}"));

        var ex = Assert.ThrowsAsync<VendureException>(() => Direct().GetAccountAsync("12"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("BAD_USER_INPUT"), "ErrorCode");
            Assert.That(ex.Operation, Is.EqualTo("GetAdministrator"), "Operation");
            Assert.That(ex.Message, Does.Contain("got invalid value"), "Vendure's message");
            Assert.That(ex.IsTransient, Is.False, "not transient");
        }
    }

    [Test]
    public void An_error_result_of_a_mutation_is_a_vendure_exception_with_its_error_code()
    {
        LoginAnswers(FirstToken);
        _server.Given(Operation("query GetOrder")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject
        {
            ["order"] = new JsonObject
            {
                ["id"] = "7",
                ["lines"] = new JsonArray(new JsonObject { ["id"] = "8", ["quantity"] = 2, ["orderPlacedQuantity"] = 2, ["unitPriceWithTax"] = 100000, ["productVariant"] = new JsonObject { ["id"] = "5", ["sku"] = "sku-1", ["productId"] = "4" } }),
                ["payments"] = new JsonArray(),
                ["fulfillments"] = new JsonArray(),
            },
        })));
        _server.Given(Operation("mutation AddFulfillmentToOrder")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject
        {
            ["addFulfillmentToOrder"] = new JsonObject { ["__typename"] = "InsufficientStockOnHandError", ["errorCode"] = "INSUFFICIENT_STOCK_ON_HAND_ERROR", ["message"] = "Cannot create a Fulfillment as 'Tee' has insufficient stockOnHand (0)" },
        })));

        var ex = Assert.ThrowsAsync<VendureException>(() => Direct().ShipAsync("7-8", new ShipmentRequest("CJ", "1")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("INSUFFICIENT_STOCK_ON_HAND_ERROR"), "ErrorCode");
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "StatusCode");
            Assert.That(ex.Message, Does.Contain("insufficient stockOnHand"), "Vendure's message");
            Assert.That(Count("mutation TransitionFulfillmentToState"), Is.Zero, "nothing sent after the refusal");
        }
    }

    [TestCase(401)]
    [TestCase(403)]
    public async Task A_refused_session_logs_in_again_once_and_repeats_the_call(int status)
    {
        LoginAnswers(FirstToken, SecondToken);
        _server.Given(Operation("query GetAdministrator").WithHeader("Authorization", "Bearer " + FirstToken))
            .RespondWith(Response.Create().WithStatusCode(status));
        _server.Given(Operation("query GetAdministrator").WithHeader("Authorization", "Bearer " + SecondToken))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject { ["administrator"] = Administrator("12") })));
        var adapter = Direct();

        var account = await adapter.GetAccountAsync("12");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(account.Login, Is.EqualTo("member-12"), "the repeated call's answer");
            Assert.That(account.IsActive, Is.True, "active");
            Assert.That(adapter.Api.LoginCount, Is.EqualTo(2), "logged in again once");
        }
    }

    [Test]
    public void A_forbidden_answer_after_a_new_login_is_a_credential_exception()
    {
        LoginAnswers(FirstToken, SecondToken);
        _server.Given(Operation("query GetAdministrator")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("{\"errors\":[{\"message\":\"You are not currently authorized to perform this action\",\"extensions\":{\"code\":\"FORBIDDEN\"}}],\"data\":null}"));

        var ex = Assert.ThrowsAsync<CredentialException>(() => Direct().GetAccountAsync("12"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("superadmin"), "names the administrator");
            Assert.That(Count("query GetAdministrator"), Is.EqualTo(2), "one repeat only");
            Assert.That(Count("mutation Login"), Is.EqualTo(2), "one new login only");
        }
    }

    [Test]
    public void A_refused_login_is_a_credential_exception_without_the_password()
    {
        _server.Given(Operation("mutation Login")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(Data(new JsonObject { ["login"] = new JsonObject { ["__typename"] = "InvalidCredentialsError", ["errorCode"] = "INVALID_CREDENTIALS_ERROR", ["message"] = "The provided credentials are invalid" } })));

        var ex = Assert.ThrowsAsync<CredentialException>(() => Direct().GetAccountAsync("12"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("INVALID_CREDENTIALS_ERROR"), "Vendure's code");
            Assert.That(ex.Message, Does.Not.Contain(Password), "no password");
        }
    }

    [Test]
    public void Too_many_requests_is_rate_limited_with_the_servers_retry_after()
    {
        LoginAnswers(FirstToken);
        _server.Given(Operation("query GetAdministrator")).RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "7"));
        using var provider = Host(o => o.MaxRetryAttempts = 0);
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("vendure");

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => adapter.GetAccountAsync("12"));

        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task A_query_answered_with_503_is_retried_by_the_pipeline()
    {
        LoginAnswers(FirstToken);
        _server.Given(Operation("query GetAdministrator")).InScenario("flaky").WillSetStateTo("once").RespondWith(Response.Create().WithStatusCode(503));
        _server.Given(Operation("query GetAdministrator")).InScenario("flaky").WhenStateIs("once").WillSetStateTo("twice").RespondWith(Response.Create().WithStatusCode(502));
        _server.Given(Operation("query GetAdministrator")).InScenario("flaky").WhenStateIs("twice")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject { ["administrator"] = Administrator("12") })));
        using var provider = Host(o => o.MaxRetryAttempts = 3);
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("vendure");

        var account = await adapter.GetAccountAsync("12");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(account.AccountId, Is.EqualTo("12"), "the third answer");
            Assert.That(Count("query GetAdministrator"), Is.EqualTo(3), "two retries");
        }
    }

    [Test]
    public void A_mutation_answered_with_503_is_not_repeated_and_is_transient()
    {
        LoginAnswers(FirstToken);
        _server.Given(Operation("query GetAdministrator")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject { ["administrator"] = Administrator("12") })));
        _server.Given(Operation("mutation UpdateAdministrator")).RespondWith(Response.Create().WithStatusCode(503));
        using var provider = Host(o => o.MaxRetryAttempts = 3);
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("vendure");

        var ex = Assert.ThrowsAsync<VendureException>(() => adapter.DeprovisionAccountAsync(new EnterpriseAccount { System = "vendure", AccountId = "12", Login = "member-12" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True, "transient");
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "status");
            Assert.That(Count("mutation UpdateAdministrator"), Is.EqualTo(1), "a write is sent once");
        }
    }

    [Test]
    public async Task Logs_and_errors_never_hold_the_password_or_a_session_token()
    {
        LoginAnswers(FirstToken, SecondToken);
        _server.Given(Operation("query GetAdministrator").WithHeader("Authorization", "Bearer " + FirstToken)).RespondWith(Response.Create().WithStatusCode(401));
        _server.Given(Operation("query GetAdministrator").WithHeader("Authorization", "Bearer " + SecondToken))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Data(new JsonObject { ["administrator"] = Administrator("12") })));
        // A server that echoes the secrets back in an error message.
        _server.Given(Operation("query FindAdministrator")).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["message"] = $"bad password {Password} for token {SecondToken}", ["extensions"] = new JsonObject { ["code"] = "INTERNAL_SERVER_ERROR" } }) }.ToJsonString()));
        using var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var adapter = Direct(factory);

        await adapter.GetAccountAsync("12");
        var ex = Assert.ThrowsAsync<VendureException>(() => adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "member-13", DisplayName = "M" }));
        var text = string.Join("\n", logs.Lines) + "\n" + ex!.ToString() + "\n" + Options();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(logs.Lines, Has.Some.Contains("logged in as superadmin"), "the log names the login");
            Assert.That(logs.Lines, Has.Some.Contains("logging in again"), "the log names the re-login");
            Assert.That(text, Does.Not.Contain(Password), "password");
            Assert.That(text, Does.Not.Contain(FirstToken), "first token");
            Assert.That(text, Does.Not.Contain(SecondToken), "second token");
            Assert.That(ex.Message, Does.Contain("***"), "echoed secrets are masked");
        }
    }

    [Test]
    public async Task Events_are_read_from_every_page_of_changed_orders_and_not_twice()
    {
        LoginAnswers(FirstToken);
        static JsonObject Line() => new()
        {
            ["id"] = "8",
            ["orderPlacedQuantity"] = 2,
            ["unitPriceWithTax"] = 1500000,
            ["productVariant"] = new JsonObject
            {
                ["id"] = "5",
                ["sku"] = "sku-1",
                ["productId"] = "4",
                ["product"] = new JsonObject { ["name"] = "Scarf", ["channels"] = new JsonArray(new JsonObject { ["code"] = "__default_channel__" }, new JsonObject { ["code"] = "cocreation-a12" }) },
            },
        };
        static JsonObject Order(string id, string updated, JsonObject entry, JsonArray fulfillments) => new()
        {
            ["id"] = id,
            ["code"] = "C" + id,
            ["updatedAt"] = updated,
            ["lines"] = new JsonArray(Line()),
            ["fulfillments"] = fulfillments,
            ["payments"] = new JsonArray(),
            ["history"] = new JsonObject { ["items"] = new JsonArray(entry) },
        };
        var settled = Order("7", "2026-03-01T10:00:00.000Z", new JsonObject { ["id"] = "31", ["type"] = "ORDER_STATE_TRANSITION", ["createdAt"] = "2026-03-01T10:00:00.000Z", ["data"] = new JsonObject { ["from"] = "ArrangingPayment", ["to"] = "PaymentSettled" } }, []);
        var shipped = Order("9", "2026-03-01T10:05:00.000Z", new JsonObject { ["id"] = "40", ["type"] = "ORDER_FULFILLMENT_TRANSITION", ["createdAt"] = "2026-03-01T10:05:00.000Z", ["data"] = new JsonObject { ["fulfillmentId"] = "2", ["from"] = "Pending", ["to"] = "Shipped" } },
            [new JsonObject { ["id"] = "2", ["method"] = "CJ", ["trackingCode"] = "T-1", ["lines"] = new JsonArray(new JsonObject { ["orderLineId"] = "8", ["quantity"] = 2 }) }]);
        foreach (var (skip, order) in new[] { (0, settled), (1, shipped) })
        {
            _server.Given(Request.Create().WithPath("/admin-api").UsingPost().WithBody(new WildcardMatcher($"*ChangedOrders(*\"skip\":{skip},*", ignoreCase: false)))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody(Data(new JsonObject { ["orders"] = new JsonObject { ["totalItems"] = 2, ["items"] = new JsonArray(order) } })));
        }

        _server.Given(Request.Create().WithPath("/admin-api").UsingPost().WithBody(new WildcardMatcher("*WatchedVariants(*", ignoreCase: false)))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(Data(new JsonObject { ["productVariants"] = new JsonObject { ["totalItems"] = 0, ["items"] = new JsonArray() } })));
        var http = new HttpClient();
        var options = Options();
        options.MaxOrdersPerEventPage = 1;
        var adapter = new VendureEnterpriseAdapter("vendure-fake", options, () => http);

        var first = await adapter.ReadEventsAsync(null);
        var again = await adapter.ReadEventsAsync(first.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Events.Select(e => e.Type), Is.EqualTo(new[] { CoCreationEventTypes.SaleCompleted, CoCreationEventTypes.ShipmentSent }), "both pages, oldest first");
            Assert.That(first.Events[0].Subject, Is.EqualTo("7-8"), "sale id");
            Assert.That(first.Events[0].GetData(CoCreationEventData.Amount), Is.EqualTo("30000"), "two pieces at 15,000 KRW");
            Assert.That(first.Events[1].GetData(CoCreationEventData.TrackingNumber), Is.EqualTo("T-1"), "tracking number");
            Assert.That(first.Events.Select(e => e.GetData(CoCreationEventData.OwnerAccountId)), Has.All.EqualTo("12"), "the owner is the account whose channel has the product");
            Assert.That(first.Events.Select(e => e.GetData(CoCreationEventData.Title)), Has.All.EqualTo("Scarf"), "the listing's title");
            Assert.That(first.HasMore, Is.False, "every page was read");
            Assert.That(again.Events, Is.Empty, "the same entries are not delivered twice");
            Assert.That(again.Cursor, Is.EqualTo(first.Cursor), "an empty read keeps the cursor");
        }
    }

    [Test]
    public void Ids_that_cannot_be_vendure_ids_are_not_found_without_a_call()
    {
        var adapter = Direct();

        using (Assert.EnterMultipleScope())
        {
            Assert.ThrowsAsync<ResourceNotFoundException>(() => adapter.GetAccountAsync("no-such"), "account");
            Assert.ThrowsAsync<ResourceNotFoundException>(() => adapter.GetListingAsync("12; drop"), "listing");
            Assert.ThrowsAsync<ResourceNotFoundException>(() => adapter.ShipAsync("7", new ShipmentRequest("CJ", "1")), "sale");
        }

        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
    }

    [Test]
    public void Listing_input_is_checked_before_anything_is_sent()
    {
        var adapter = Direct();
        var request = new ListingRequest { ProductId = "sku-1", OwnerAccountId = "3", Title = "Tee", Price = new Money(1000m, "KRW") };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.CreateListingAsync(request with { Price = new Money(10m, "USD") }))!.Field, Is.EqualTo("ListingRequest.Price.Currency"), "another currency");
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.CreateListingAsync(request with { Title = " " }))!.Field, Is.EqualTo("ListingRequest.Title"), "blank title");
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.CreateListingAsync(request with { Terms = new string('x', 5001) }))!.Field, Is.EqualTo("ListingRequest.Terms"), "terms too long");
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.ReadEventsAsync("not-a-cursor"))!.Field, Is.EqualTo("cursor"), "a foreign cursor");
        }

        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent");
    }
}
