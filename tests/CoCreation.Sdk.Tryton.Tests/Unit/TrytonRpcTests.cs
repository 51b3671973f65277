using System.Net;
using System.Text;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Tryton.Tests.Unit;

/// <summary>Session handling and error mapping of the JSON-RPC client, against a stand-in server.</summary>
[TestFixture]
[Category("Unit")]
public sealed class TrytonRpcTests
{
    private const string Password = "s3cret-admin-pass";
    private const string FirstKey = "first-session-key-0123456789";
    private const string SecondKey = "second-session-key-9876543210";
    private const string Path = "/testdb/";

    private WireMockServer _server = null!;
    private HttpClient _http = null!;
    private ListLogger _log = null!;

    [SetUp]
    public void SetUp()
    {
        _server = WireMockServer.Start();
        _http = new HttpClient();
        _log = new ListLogger();
    }

    [TearDown]
    public void TearDown()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    private TrytonEnterpriseAdapter Adapter() => new("erp", new TrytonOptions
    {
        Url = new Uri(_server.Url! + "/"),
        Database = "testdb",
        User = "admin",
        Password = Password,
    }, () => _http, TimeProvider.System, _log);

    private static string Session(string key) => "Session " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:1:{key}"));

    private void GivenLogins(params string[] keys)
    {
        // Each login hands out the next key, as a server does after the old session expired.
        for (var i = 0; i < keys.Length; i++)
        {
            var step = _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*common.db.login*")))
                .InScenario("logins");
            step = i == 0 ? step.WillSetStateTo("1") : step.WhenStateIs(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).WillSetStateTo((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            step.RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($"{{\"id\":1,\"result\":[1,\"{keys[i]}\"]}}"));
        }

        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*get_preferences*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"id\":2,\"result\":{\"company\":1,\"language\":\"en\"}}"));
    }

    private void GivenUserRead(string key, int status, string body = "{\"id\":3,\"result\":[{\"id\":7,\"login\":\"ann\",\"name\":\"Ann\",\"active\":true,\"groups\":[5]}]}")
        => _server.Given(Request.Create().WithPath(Path).UsingPost().WithHeader("Authorization", Session(key)).WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(status == 200 ? body : ""));

    private void GivenSetup(string key)
    {
        Reply(key, "model.res.group.search_read", "[{\"id\":5,\"name\":\"Product Administration\"},{\"id\":6,\"name\":\"Production\"},{\"id\":8,\"name\":\"Sales\"},{\"id\":9,\"name\":\"Production Administration\"}]");
        Reply(key, "model.stock.location.search_read", "[{\"id\":5,\"storage_location\":3,\"production_location\":9}]");
        Reply(key, "model.product.uom.search_read", "[{\"id\":1}]");
        Reply(key, "model.company.company.search_read", "[{\"id\":1,\"currency\":1}]");
        Reply(key, "model.currency.currency.search_read", "[{\"id\":1,\"code\":\"KRW\"}]");
    }

    private void Reply(string key, string method, string result)
        => _server.Given(Request.Create().WithPath(Path).UsingPost().WithHeader("Authorization", Session(key)).WithBody(new WildcardMatcher($"*\"{method}\"*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($"{{\"id\":9,\"result\":{result}}}"));

    [Test]
    public async Task An_expired_session_logs_in_again_once_and_the_call_succeeds()
    {
        GivenLogins(FirstKey, SecondKey);
        GivenSetup(FirstKey);
        GivenSetup(SecondKey);
        GivenUserRead(FirstKey, 401);
        GivenUserRead(SecondKey, 200);
        var adapter = Adapter();

        var account = await adapter.GetAccountAsync("7");

        Assert.That(account.Login, Is.EqualTo("ann"));
        Assert.That(account.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member }));
        Assert.That(adapter.Rpc.LoginCount, Is.EqualTo(2), "one login, then one more after the 401");
        Assert.That(_server.LogEntries.Count(e => e.RequestMessage.Body!.Contains("common.db.login", StringComparison.Ordinal)), Is.EqualTo(2));
    }

    [Test]
    public void A_session_refused_again_after_a_new_login_is_a_credential_failure_without_secrets()
    {
        GivenLogins(FirstKey, SecondKey, "third-key-never-used");
        GivenSetup(FirstKey);
        GivenUserRead(FirstKey, 401);
        GivenUserRead(SecondKey, 401);
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<CredentialException>(() => adapter.GetAccountAsync("7"));

        Assert.That(adapter.Rpc.LoginCount, Is.EqualTo(2), "re-login happens once, not in a loop");
        Assert.That(error!.Message, Does.Contain("res.user.search_read"));
        AssertNoSecrets(error.ToString());
        AssertNoSecrets(string.Join("\n", _log.Lines));
    }

    [Test]
    public void A_refused_login_is_a_credential_failure_that_names_the_user_but_not_the_password()
    {
        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*common.db.login*")))
            .RespondWith(Response.Create().WithStatusCode(401));
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<Sdk.Health.ReauthorizationRequiredException>(() => adapter.GetAccountAsync("7"));

        Assert.That(error!.Message, Does.Contain("'admin'").And.Contain("testdb"));
        AssertNoSecrets(error.ToString());
        AssertNoSecrets(string.Join("\n", _log.Lines));
        Assert.That(_log.Lines, Has.Some.Contains("login of admin refused"));
    }

    [Test]
    public void A_user_error_is_a_tryton_exception_naming_model_and_method()
    {
        GivenLogins(FirstKey);
        GivenSetup(FirstKey);
        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($"{{\"id\":3,\"error\":[\"UserError\",[\"The value for field \\\"Login\\\" is not valid ({Password}).\",\"\",null]]}}"));
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("7"));

        Assert.That(error!.Model, Is.EqualTo("res.user"));
        Assert.That(error.Method, Is.EqualTo("model.res.user.search_read"));
        Assert.That(error.ErrorType, Is.EqualTo("UserError"));
        Assert.That(error.ProviderErrorCode, Is.EqualTo("UserError"));
        Assert.That(error.Message, Does.Contain("res.user.search_read").And.Contain("is not valid"));
        AssertNoSecrets(error.Message);
    }

    [Test]
    public void An_access_error_is_forbidden_and_a_server_fault_keeps_only_its_first_line()
    {
        GivenLogins(FirstKey);
        GivenSetup(FirstKey);
        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("{\"id\":3,\"error\":[\"AccessError\",[\"You are not allowed to read res.user.\",\"\"]]}"));
        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.production.search_read*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody("{\"id\":4,\"error\":[\"KeyError: 'x'\",\"Traceback (most recent call last):\\n  File secret.py\"]}"));
        var adapter = Adapter();

        var denied = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("7"));
        var fault = Assert.ThrowsAsync<TrytonException>(() => adapter.GetProductionOrderAsync("12"));

        Assert.That(denied!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(denied.Message, Does.Contain("res.user.search_read"));
        Assert.That(fault!.ErrorType, Is.EqualTo("ServerError"));
        Assert.That(fault.Model, Is.EqualTo("production"));
        Assert.That(fault.Message, Does.Contain("KeyError").And.Not.Contain("secret.py"));
    }

    [Test]
    public void A_server_failure_is_transient_and_names_the_method()
    {
        GivenLogins(FirstKey);
        GivenSetup(FirstKey);
        _server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .RespondWith(Response.Create().WithStatusCode(503));
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("7"));

        Assert.That(error!.IsTransient, Is.True);
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(error.Method, Is.EqualTo("model.res.user.search_read"));
    }

    [Test]
    public void Sent_requests_carry_the_session_but_no_log_line_does()
    {
        GivenLogins(FirstKey);
        GivenSetup(FirstKey);
        GivenUserRead(FirstKey, 200);
        var adapter = Adapter();

        Assert.DoesNotThrowAsync(() => adapter.GetAccountAsync("7"));

        var read = _server.LogEntries.Single(e => e.RequestMessage.Body!.Contains("model.res.user.search_read", StringComparison.Ordinal));
        Assert.That(read.RequestMessage.Headers!["Authorization"].Single(), Is.EqualTo(Session(FirstKey)));
        Assert.That(_log.Lines, Has.Some.Contains("logged in as admin"));
        AssertNoSecrets(string.Join("\n", _log.Lines));
    }

    [Test]
    public void Options_are_checked_and_their_description_hides_the_password()
    {
        var options = new TrytonOptions { Url = new Uri("ftp://erp.example.com/"), Database = "", Password = Password, MaxRecordsPerEventPage = 0 };
        options.RoleGroups["seller"] = [];

        var error = Assert.Throws<CoCreationValidationException>(() => _ = new TrytonEnterpriseAdapter("erp", options, () => _http));

        Assert.That(error!.Message, Does.Contain("Url").And.Contain("Database").And.Contain("RoleGroups['seller']").And.Contain("MaxRecordsPerEventPage"));
        AssertNoSecrets(error.Message);
        Assert.That(options.ToString(), Does.Not.Contain(Password).And.Contain("***"));
    }

    [Test]
    public void AddTryton_registers_the_adapter_and_validates_its_options_on_resolve()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().AddTryton(o =>
        {
            o.Url = new Uri(_server.Url! + "/");
            o.Database = "testdb";
            o.Password = Password;
        });
        services.AddCoCreation().AddTryton("broken", o => o.Database = "x");
        using var provider = services.BuildServiceProvider();

        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("tryton");
        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<TrytonOptions>>().Get("broken"));

        Assert.That(adapter, Is.InstanceOf<TrytonEnterpriseAdapter>());
        Assert.That(adapter.Metadata.Provider, Is.EqualTo("tryton"));
        Assert.That(failure!.Message, Does.Contain("Url is required").And.Contain("Password is required"));
        Assert.Throws<CoCreationValidationException>(() => services.AddCoCreation().AddTryton(o => o.Database = "y"), "a second adapter under the same name");
    }

    [Test]
    public async Task An_unknown_cursor_is_refused_naming_the_field()
    {
        GivenLogins(FirstKey);
        GivenSetup(FirstKey);
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.ReadEventsAsync("not-a-cursor"));

        Assert.That(error!.Field, Is.EqualTo("cursor"));
        await Task.CompletedTask;
    }

    private static void AssertNoSecrets(string text)
    {
        Assert.That(text, Does.Not.Contain(Password), "the password");
        Assert.That(text, Does.Not.Contain(FirstKey), "the first session key");
        Assert.That(text, Does.Not.Contain(SecondKey), "the second session key");
        Assert.That(text, Does.Not.Contain(Session(FirstKey)["Session ".Length..]), "the first session token");
        Assert.That(text, Does.Not.Contain(Session(SecondKey)["Session ".Length..]), "the second session token");
    }

    private sealed class ListLogger : ILogger<TrytonEnterpriseAdapter>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + (exception is null ? "" : "\n" + exception));
            }
        }
    }
}
