using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Health;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Health;

/// <summary>
/// A refresh token that Google refuses with <c>invalid_grant</c> moves the credential to NeedsReauth once, however often
/// calls fail, and the alert reaches the admin's inbox on the (embedded) SNS through the relay.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GoogleTokenHealthTests
{
    private const string ClientSecret = "client-secret-never-logged";
    private const string RevokedRefreshToken = "refresh-revoked-never-logged";
    private const string ExpiredAccessToken = "ya29.expired-never-logged";

    private FakeGoogle fake = null!;
    private FakeTokenServer tokens = null!;
    private CollectingLoggerProvider logs = null!;
    private EmbeddedSnsNetwork network = null!;

    [SetUp]
    public void SetUp()
    {
        fake = new FakeGoogle();
        tokens = new FakeTokenServer(fake);

        // Google knows only a newer refresh token: the configured one was revoked.
        tokens.ExpectedRefresh = ("client-1", ClientSecret, "refresh-current");
        logs = new CollectingLoggerProvider();
        network = new EmbeddedSnsNetwork();
    }

    [TearDown]
    public void TearDown()
    {
        network.Dispose();
        logs.Dispose();
        tokens.Dispose();
        fake.Dispose();
    }

    [Test]
    public async Task InvalidGrant_FlipsToNeedsReauth_AndAlertsTheAdminOnce_HoweverOftenCallsFailAsync()
    {
        var brand = network.RegisterAccount("brand");
        var admin = network.RegisterAccount("ops-admin", "Ops Admin", "en-US");
        string? adminId = null;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddCoCreation()
            .AddEmbeddedSns("social", network, brand.Credential)
            .AddCredentialHealthAlerts(new RecipientSelector((_, _, _) => Task.FromResult<IReadOnlyList<string>>(adminId is null ? [] : [adminId])))
            .AddGoogleWorkspace(GoogleTestHost.Name, o =>
            {
                GoogleTestHost.Fast(o, fake);
                o.ClientId = "client-1";
                o.ClientSecret = ClientSecret;
                o.RefreshToken = RevokedRefreshToken;
                o.AccessToken = ExpiredAccessToken;
                o.AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-5);
                o.TokenEndpoint = tokens.TokenEndpoint;
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        adminId = (await provider.GetRequiredService<ISnsSignIn>().SignInAsync("social", admin.Credential)).ParticipantId;
        var workspace = provider.Workspace();

        var failures = new List<ReauthorizationRequiredException>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add(Assert.ThrowsAsync<ReauthorizationRequiredException>(() => workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" }))!);
        }

        var record = provider.GetRequiredService<ICredentialHealth>().Find(GoogleTestHost.Name, "oauth-client client-1");
        var inbox = network.GetInbox(admin.Subject).Select(m => m.Text).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tokens.Rejections, Has.Count.EqualTo(3), "every call asked Google again: a refused refresh is not cached");
            Assert.That(record?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(record!.Reason, Does.Contain("invalid_grant"));
            Assert.That(failures.Select(f => f.Credential.Platform), Is.All.EqualTo("google-workspace"));
            Assert.That(inbox, Has.Count.EqualTo(1), "one alert per transition, not per failing call");
            Assert.That(inbox[0], Does.Contain("google-workspace").And.Contain("oauth-client client-1").And.Contain("invalid_grant"));
            Assert.That(fake.WaitForLog(), Is.Empty, "nothing reached Drive without a token");
            foreach (var secret in new[] { ClientSecret, RevokedRefreshToken, ExpiredAccessToken })
            {
                Assert.That(failures.Select(f => f.Message), Has.None.Contains(secret));
                Assert.That(inbox[0], Does.Not.Contain(secret));
                Assert.That(logs.Lines, Has.None.Contains(secret));
            }
        }

        // Re-authorised (Google accepts the token again): the state recovers, and a later refusal alerts again.
        tokens.ExpectedRefresh = ("client-1", ClientSecret, RevokedRefreshToken);
        await workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        Assert.That(provider.GetRequiredService<ICredentialHealth>().Find(GoogleTestHost.Name, "oauth-client client-1")?.State, Is.EqualTo(CredentialState.Healthy));
    }
}
