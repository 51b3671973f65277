using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Unit;

/// <summary>
/// Credentials through Google.Apis.Auth, end to end: a service account's signed JWT is verified by a token endpoint
/// with the public half of a key generated here, and Drive then sees the issued token; a user's expired access token is
/// refreshed; refused credentials become <see cref="CredentialException"/> without a secret in any message or log.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GoogleAuthTests
{
    private const string ServiceAccount = "cocreation-bot@fake-project.iam.gserviceaccount.test";

    private FakeGoogle fake = null!;
    private FakeTokenServer tokens = null!;
    private RSA key = null!;
    private CollectingLoggerProvider logs = null!;

    [SetUp]
    public void SetUp()
    {
        fake = new FakeGoogle();
        tokens = new FakeTokenServer(fake);
        key = RSA.Create(2048);
        tokens.PublicKey = key;
        tokens.ExpectedIssuer = ServiceAccount;
        tokens.ExpectedScope = string.Join(' ', GoogleWorkspaceOptions.DefaultScopes);
        logs = new CollectingLoggerProvider();
    }

    [TearDown]
    public void TearDown()
    {
        key.Dispose();
        tokens.Dispose();
        fake.Dispose();
    }

    [Test]
    public async Task ServiceAccountKeyJson_WithDelegation_SignsAVerifiedJwt_AndDriveGetsTheIssuedTokenAsync()
    {
        tokens.ExpectedSubject = "owner@example.test";
        var privateKey = key.ExportPkcs8PrivateKeyPem();
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "fake-project",
            ["private_key_id"] = "k1",
            ["private_key"] = privateKey,
            ["client_email"] = ServiceAccount,
            ["client_id"] = "1234",
            ["token_uri"] = tokens.TokenEndpoint.AbsoluteUri,
        }.ToJsonString();
        using var provider = GoogleTestHost.BuildWith(o => { GoogleTestHost.Fast(o, fake); o.ServiceAccountKeyJson = json; o.DelegatedUser = "owner@example.test"; }, logs);
        var adapter = provider.Workspace();

        await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        await adapter.GetActivityAsync(await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Table" }), null);

        var claims = tokens.AcceptedClaims;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(tokens.Rejections, Is.Empty, "the token endpoint accepted the assertion");
            Assert.That(claims, Has.Count.EqualTo(1), "one token serves every call until it expires");
            Assert.That(claims[0]["sub"]!.GetValue<string>(), Is.EqualTo("owner@example.test"), "domain-wide delegation subject");
            Assert.That(claims[0]["iss"]!.GetValue<string>(), Is.EqualTo(ServiceAccount));
            Assert.That(claims[0]["scope"]!.GetValue<string>(), Is.EqualTo(string.Join(' ', GoogleWorkspaceOptions.DefaultScopes)));
            Assert.That(fake.AuthorizationHeaders(), Has.Count.GreaterThanOrEqualTo(5).And.All.EqualTo("Bearer " + tokens.Issued.Single()), "every Drive and Calendar call carries the issued token");
            Assert.That(logs.Lines.Where(l => l.Contains("PRIVATE KEY", StringComparison.Ordinal) || l.Contains(tokens.Issued.Single(), StringComparison.Ordinal)), Is.Empty, "no key or token in the logs");
        }
    }

    [Test]
    public async Task ServiceAccountEmailAndKey_WithoutDelegation_SendsNoSubjectAsync()
    {
        using var provider = GoogleTestHost.BuildWith(o =>
        {
            GoogleTestHost.Fast(o, fake);
            o.ServiceAccountEmail = ServiceAccount;
            o.ServiceAccountPrivateKey = key.ExportPkcs8PrivateKeyPem();
            o.TokenEndpoint = tokens.TokenEndpoint;
        });

        var ws = await provider.Workspace().CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ws.Id, Is.Not.Empty);
            Assert.That(tokens.AcceptedClaims.Single()["sub"], Is.Null, "no subject without delegation");
        }
    }

    [Test]
    public async Task ServiceAccount_SignedWithAnotherKey_IsACredentialException_AndDriveIsNotCalledAsync()
    {
        using var other = RSA.Create(2048);
        var pem = other.ExportPkcs8PrivateKeyPem();
        using var provider = GoogleTestHost.BuildWith(o =>
        {
            GoogleTestHost.Fast(o, fake);
            o.ServiceAccountEmail = ServiceAccount;
            o.ServiceAccountPrivateKey = pem;
            o.TokenEndpoint = tokens.TokenEndpoint;
        }, logs);

        var ex = Assert.CatchAsync<CredentialException>(() => provider.Workspace().CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" }));

        await Task.Yield();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("invalid_grant").And.Not.Contain("PRIVATE KEY"));
            Assert.That(tokens.Rejections, Has.Some.Contains("signature does not verify"));
            Assert.That(fake.WaitForLog(), Is.Empty, "nothing reaches Drive without a token");
        }
    }

    [Test]
    public async Task UserTokens_ExpiredAccessToken_IsRefreshedByTheLibraryAsync()
    {
        tokens.ExpectedRefresh = ("client-1", "client-secret-xyz", "refresh-abc");
        using var provider = GoogleTestHost.BuildWith(o =>
        {
            GoogleTestHost.Fast(o, fake);
            o.ClientId = "client-1";
            o.ClientSecret = "client-secret-xyz";
            o.RefreshToken = "refresh-abc";
            o.AccessToken = "ya29.expired";
            o.AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-5);
            o.TokenEndpoint = tokens.TokenEndpoint;
        }, logs);

        await provider.Workspace().CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tokens.Issued, Has.Count.EqualTo(1), "one refresh");
            Assert.That(fake.AuthorizationHeaders(), Has.All.EqualTo("Bearer " + tokens.Issued[0]), "the refreshed token, never the expired one");
            Assert.That(logs.Lines.Where(l => l.Contains("client-secret-xyz", StringComparison.Ordinal) || l.Contains("refresh-abc", StringComparison.Ordinal)), Is.Empty);
        }
    }

    [Test]
    public void UserTokens_RevokedRefreshToken_IsACredentialExceptionWithoutSecrets()
    {
        tokens.ExpectedRefresh = ("client-1", "client-secret-xyz", "another-refresh-token");
        using var provider = GoogleTestHost.BuildWith(o =>
        {
            GoogleTestHost.Fast(o, fake);
            o.ClientId = "client-1";
            o.ClientSecret = "client-secret-xyz";
            o.RefreshToken = "refresh-abc";
            o.TokenEndpoint = tokens.TokenEndpoint;
        });

        var ex = Assert.CatchAsync<CredentialException>(() => provider.Workspace().CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Provider, Is.EqualTo(GoogleTestHost.Name));
            Assert.That(ex.Message, Does.Not.Contain("client-secret-xyz").And.Not.Contain("refresh-abc"));
        }
    }

    [Test]
    public void Options_ToString_HidesEverySecret()
    {
        var options = new GoogleWorkspaceOptions { ClientId = "id", ClientSecret = "secret-1", RefreshToken = "refresh-1", AccessToken = "access-1", ServiceAccountPrivateKey = "key-1" };

        Assert.That(options.ToString(), Does.Not.Contain("secret-1").And.Not.Contain("refresh-1").And.Not.Contain("access-1").And.Not.Contain("key-1"));
    }
}
