using System.Text;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Health;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Tryton.Tests.Health;

/// <summary>
/// A refused Tryton login (a changed password) moves the credential to NeedsReauth once, however often calls fail,
/// and the alert reaches the admin's inbox through the relay; an expired session costs one new login and stays healthy.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class TrytonLoginHealthTests
{
    private const string Password = "old-password-never-logged";
    private const string Path = "/testdb/";
    private const string SessionKey = "session-key-never-logged-0123";

    private WireMockServer server = null!;
    private CollectingLoggerProvider logs = null!;
    private EmbeddedSnsNetwork network = null!;

    [SetUp]
    public void SetUp()
    {
        server = WireMockServer.Start();
        logs = new CollectingLoggerProvider();
        network = new EmbeddedSnsNetwork();
    }

    [TearDown]
    public void TearDown()
    {
        network.Dispose();
        logs.Dispose();
        server.Stop();
        server.Dispose();
    }

    [Test]
    public async Task RefusedLogin_NeedsReauthOnce_AndTheAdminReadsTheAlertAsync()
    {
        server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*common.db.login*")))
            .RespondWith(Response.Create().WithStatusCode(401));
        var brand = network.RegisterAccount("brand");
        var admin = network.RegisterAccount("erp-admin", "ERP Admin", "ko-KR");
        string? adminId = null;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddCoCreation()
            .AddEmbeddedSns("social", network, brand.Credential)
            .AddCredentialHealthAlerts(new RecipientSelector((_, _, _) => Task.FromResult<IReadOnlyList<string>>(adminId is null ? [] : [adminId])))
            .AddTryton(o =>
            {
                o.Url = new Uri(server.Url! + "/");
                o.Database = "testdb";
                o.Password = Password;
                o.MaxRetryAttempts = 0;
            });
        await using var provider = services.BuildServiceProvider();
        adminId = (await provider.GetRequiredService<ISnsSignIn>().SignInAsync("social", admin.Credential)).ParticipantId;
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("tryton");

        var failures = new List<ReauthorizationRequiredException>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add(Assert.ThrowsAsync<ReauthorizationRequiredException>(() => adapter.GetAccountAsync("7"))!);
        }

        var record = provider.GetRequiredService<ICredentialHealth>().Find("tryton", "admin@testdb");
        var inbox = network.GetInbox(admin.Subject).Select(m => m.Text).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(record?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(inbox, Has.Count.EqualTo(1), "one alert per transition, not per failing call");
            Assert.That(inbox[0], Does.Contain("tryton").And.Contain("admin@testdb").And.Contain("재인증"), "the admin's locale picks the Korean text");
            Assert.That(server.LogEntries.Count(e => e.RequestMessage.Body!.Contains("common.db.login", StringComparison.Ordinal)), Is.EqualTo(3), "a refused login is not cached");
            Assert.That(failures.Select(f => f.Message), Has.None.Contains(Password));
            Assert.That(inbox[0], Does.Not.Contain(Password));
            Assert.That(logs.Lines, Has.None.Contains(Password));
        }
    }

    [Test]
    public async Task ExpiredSession_CostsOneNewLogin_AndStaysHealthyAsync()
    {
        // The first session expires (401 on the call), the second login's session works.
        server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*common.db.login*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($"{{\"id\":1,\"result\":[1,\"{SessionKey}\"]}}"));
        server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*get_preferences*")))
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"id\":2,\"result\":{\"company\":1,\"language\":\"en\"}}"));
        server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .InScenario("expiry").WillSetStateTo("expired")
            .RespondWith(Response.Create().WithStatusCode(401));
        server.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*model.res.user.search_read*")))
            .InScenario("expiry").WhenStateIs("expired")
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"id\":3,\"result\":[]}"));
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddCoCreation().AddTryton(o =>
        {
            o.Url = new Uri(server.Url! + "/");
            o.Database = "testdb";
            o.Password = Password;
            o.MaxRetryAttempts = 0;
        });
        await using var provider = services.BuildServiceProvider();
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("tryton");

        Assert.ThrowsAsync<ResourceNotFoundException>(() => adapter.GetAccountAsync("7"));

        var session = Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:1:{SessionKey}"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(server.LogEntries.Count(e => e.RequestMessage.Body!.Contains("common.db.login", StringComparison.Ordinal)), Is.EqualTo(2), "one login, then one more after the expiry");
            Assert.That(provider.GetRequiredService<ICredentialHealth>().Find("tryton", "admin@testdb")?.State, Is.EqualTo(CredentialState.Healthy));
            Assert.That(logs.Lines, Has.None.Contains(Password).And.None.Contains(SessionKey).And.None.Contains(session));
        }
    }
}
