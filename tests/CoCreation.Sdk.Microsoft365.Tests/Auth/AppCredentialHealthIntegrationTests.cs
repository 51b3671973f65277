using CoCreation.Sdk.Health;
using CoCreation.Sdk.Microsoft365.Tests.Support;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>
/// The app's credential refused by the real OpenID Connect provider moves credential health to NeedsReauth, and the
/// call fails with <see cref="ReauthorizationRequiredException"/> before anything reaches Graph; an accepted one does not.
/// </summary>
[Category("Integration")]
public sealed class AppCredentialHealthIntegrationTests
{
    private OidcPeer peer = null!;

    [SetUp]
    public void RequirePeer() => peer = OidcPeer.Require();

    [Test]
    public async Task A_refused_client_secret_is_reported_as_needing_reauthorisation_and_nothing_reaches_Graph()
    {
        using var fake = new FakeGraph(acceptToken: _ => true);
        var reporter = new RecordingHealthReporter();
        var wrongSecret = "expired-" + Guid.NewGuid().ToString("N");
        await using var provider = Build(fake, reporter, wrongSecret);
        var workspace = provider.GetRequiredKeyedService<ICloudWorkspace>("m365");

        var ex = Assert.ThrowsAsync<ReauthorizationRequiredException>(() => workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" }));
        var again = Assert.ThrowsAsync<ReauthorizationRequiredException>(() => workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Credential, Is.EqualTo(new CredentialRef("m365", "microsoft365", $"app {peer.ClientId} in tenant dong-a-living")));
            Assert.That(ex.Reason, Does.Contain("invalid_client"));
            Assert.That(reporter.NeedsReauth.Select(r => r.Credential), Is.EqualTo(new[] { ex.Credential, again!.Credential }), "each refused call reports; the monitor raises the transition once");
            Assert.That(reporter.Healthy, Is.Empty);
            Assert.That(fake.TotalRequests, Is.Zero, "no request went to Graph without a token");
            Assert.That(ex.ToString() + string.Join(' ', reporter.NeedsReauth.Select(r => r.Reason)), Does.Not.Contain(wrongSecret).And.Not.Contain(peer.ClientSecret));
        }
    }

    [Test]
    public async Task An_accepted_client_secret_is_reported_healthy_and_never_as_needing_reauthorisation()
    {
        using var fake = new FakeGraph(acceptToken: _ => true);
        var reporter = new RecordingHealthReporter();
        await using var provider = Build(fake, reporter, peer.ClientSecret);

        await provider.GetRequiredKeyedService<ICloudWorkspace>("m365").CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reporter.NeedsReauth, Is.Empty);
            Assert.That(reporter.Healthy, Is.Not.Empty);
            Assert.That(fake.TotalRequests, Is.GreaterThan(0));
        }
    }

    private ServiceProvider Build(FakeGraph fake, RecordingHealthReporter reporter, string secret)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICredentialHealthReporter>(reporter);
        new TestCoCreationBuilder(services).AddMicrosoft365("m365", o =>
        {
            GraphTestHost.Configure(o, fake);
            o.TenantId = "dong-a-living";
            o.GenericAuthority = new Uri(peer.Issuer);
            o.TrustedAuthorityCertificatePath = Environment.GetEnvironmentVariable("COCREATION_OIDC_CA_CERT");
            o.ClientId = peer.ClientId;
            o.ClientSecret = secret;
            o.Scopes = [peer.Scope];
        });
        return services.BuildServiceProvider();
    }
}
