using CoCreation.Sdk.Microsoft365.Tests.Auth;
using CoCreation.Sdk.Microsoft365.Tests.Contract;
using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.Microsoft365.Tests.Samples;

/// <summary>
/// The co-development sample switched to Microsoft 365 through configuration alone: MSAL signs in at the real local
/// OpenID Connect provider with the client secret (its private certificate authority named in configuration), and the
/// Graph fake accepts only tokens whose signature, issuer, audience and expiry check out against that provider's JWKS.
/// The sample's checks read the fake through <see cref="FakeGraphInspector"/>, and this test reads the fake's final
/// state itself: the folder, its documents, the shares added and removed, the calendar's permissions and the milestone.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class CoDevelopmentSampleTests
{
    [Test]
    public async Task ConfiguredForMicrosoft365_ProvisionsSharesSchedulesAndRevokesAtTheGraphFakeAsync()
    {
        var peer = OidcPeer.Require();
        using var jwksHttp = new HttpClient(peer.TrustingHandler());
        var verifier = new JwksTokenVerifier(jwksHttp, peer.Issuer, peer.Audience);
        var accepted = 0;
        using var fake = new FakeGraph(token =>
        {
            try
            {
                verifier.VerifyAsync(token).GetAwaiter().GetResult();
                Interlocked.Increment(ref accepted);
                return true;
            }
            catch (TokenRejectedException)
            {
                return false;
            }
        });
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CoDevelopment:Providers:CloudWorkspace"] = "microsoft365",
                ["CoDevelopment:Microsoft365:GraphBaseAddress"] = fake.GraphBase.AbsoluteUri,
                ["CoDevelopment:Microsoft365:GenericAuthority"] = peer.Issuer,
                ["CoDevelopment:Microsoft365:TrustedAuthorityCertificatePath"] = Environment.GetEnvironmentVariable("COCREATION_OIDC_CA_CERT"),
                ["CoDevelopment:Microsoft365:TenantId"] = "dong-a-living",
                ["CoDevelopment:Microsoft365:ClientId"] = peer.ClientId,
                ["CoDevelopment:Microsoft365:ClientSecret"] = peer.ClientSecret,
                ["CoDevelopment:Microsoft365:Scopes:0"] = peer.Scope,
                ["CoDevelopment:Microsoft365:DriveId"] = fake.DriveId,
                ["CoDevelopment:Microsoft365:CalendarUserId"] = fake.Owner.Id,
                ["CoDevelopment:Microsoft365:SendInvitation"] = "false",
            })
            .Build();

        var (exit, transcript) = await RunAsync(configuration, new FakeGraphInspector(fake));

        var log = fake.WaitForLog();
        var folder = fake.Items().Single(i => i.IsFolder && i.ParentId == FakeGraph.RootId);
        var documents = fake.Items().Where(i => !i.IsFolder && i.ParentId == folder.Id).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, transcript);
            Assert.That(transcript, Does.Contain("✔ the provider holds the three starter documents in the workspace"));
            Assert.That(transcript, Does.Contain("✔ every member holds a share in their role at the workspace, and no one else"));
            Assert.That(transcript, Does.Contain("✔ the workspace has no member share left at the provider"));
            Assert.That(transcript, Does.Not.Contain("not checked"));
            Assert.That(accepted, Is.GreaterThan(0), "the fake verified MSAL's tokens against the provider's JWKS");

            Assert.That(folder.Name, Is.EqualTo("Chair 2027 co-development"));
            Assert.That(documents.Select(d => Path.GetFileNameWithoutExtension(d.Name)), Is.EquivalentTo(new[] { "Requirements", "Sketches", "Cost sheet" }));
            Assert.That(fake.Permissions(folder.Id).Where(p => !p.Roles.Contains("owner")), Is.Empty, "every member share was removed on close");
            Assert.That(log.Count(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path.EndsWith("/invite", StringComparison.Ordinal) && e.ResponseMessage.StatusCode is 200), Is.EqualTo(Members.Length), "each member's share was really added at the drive before it was removed");
            Assert.That(fake.Calendars().SelectMany(c => c.Permissions).Select(p => p["emailAddress"]?["address"]?.GetValue<string>()), Has.None.AnyOf(Members), "no member keeps access to the calendar");
            Assert.That(fake.Calendars().SelectMany(c => c.Events).Select(e => e["subject"]!.GetValue<string>()), Is.EqualTo(new[] { "Prototype review" }));
            Assert.That(GraphContract.Check(log), Is.Empty, "every request the sample made fits the Graph v1.0 metadata");
            Assert.That(transcript, Does.Not.Contain(peer.ClientSecret));
        }
    }

    private static readonly string[] Members = ["minji@example.com", "jun@example.com", "sora@example.com", "hyun@example.com", "yuna@example.com"];

    private static async Task<(int Exit, string Transcript)> RunAsync(IConfiguration configuration, IWorkspaceInspector inspector)
    {
        var transcript = new StringWriter();
        var original = Console.Out;
        Console.SetOut(transcript);
        try
        {
            return (await SampleApp.RunAsync(configuration, inspector), transcript.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
