using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Mastodon.Tests.Unit;

/// <summary>Registering an app, PKCE authorization, code exchange and revocation against the fake instance.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MastodonOAuthTests
{
    private FakeMastodon fake = null!;

    [OneTimeSetUp]
    public void StartInstance() => fake = new FakeMastodon();

    [OneTimeTearDown]
    public void StopInstance() => fake.Dispose();

    [SetUp]
    public void ResetInstance() => fake.Reset(content: true);

    [TearDown]
    public void TrafficFitsTheSpec() => Assert.That(MastodonSpec.Check(fake.WaitForLog()), Is.Empty);

    [Test]
    public void CodeChallenge_IsS256_AsRfc7636Says()
        => Assert.That(MastodonOAuth.CodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), Is.EqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));

    [Test]
    public void AuthorizationRequest_CarriesPkceAndState_AndHidesTheVerifier()
    {
        using var http = new HttpClient();
        var oauth = new MastodonOAuth(http, new Uri("https://fashion.social"));
        var app = new MastodonApplication("client-1", "secret-1");

        var first = oauth.CreateAuthorizationRequest(app, "https://donga.example/callback", ["profile", "write:statuses"]);
        var second = oauth.CreateAuthorizationRequest(app, "https://donga.example/callback", ["profile"], "my-state");
        var query = first.AuthorizeUrl.Query;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.AuthorizeUrl.GetLeftPart(UriPartial.Path), Is.EqualTo("https://fashion.social/oauth/authorize"));
            Assert.That(query, Does.Contain("response_type=code").And.Contain("client_id=client-1").And.Contain("scope=profile%20write%3Astatuses"));
            Assert.That(query, Does.Contain("redirect_uri=https%3A%2F%2Fdonga.example%2Fcallback"));
            Assert.That(query, Does.Contain("code_challenge_method=S256").And.Contain("code_challenge=" + MastodonOAuth.CodeChallenge(first.CodeVerifier)));
            Assert.That(query, Does.Not.Contain(first.CodeVerifier), "the verifier never goes to the browser");
            Assert.That(first.CodeVerifier, Has.Length.EqualTo(43));
            Assert.That(first.State, Is.Not.Empty.And.Not.EqualTo(second.State));
            Assert.That(second.State, Is.EqualTo("my-state"));
            Assert.That(first.CodeVerifier, Is.Not.EqualTo(second.CodeVerifier));
            Assert.That(first.ToString(), Does.Not.Contain(first.CodeVerifier));
            Assert.That(app.ToString(), Does.Not.Contain("secret-1"));
        }
    }

    [Test]
    public async Task FullFlow_GivesAMemberTokenThatSignsIn_AndRevokingItEndsThatAsync()
    {
        var (_, brandToken) = fake.AddAccount("fashionbrand");
        var (member, _) = fake.AddAccount("minji");
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var oauth = provider.GetRequiredKeyedService<MastodonOAuth>(MastodonTestHost.Name);
        var connector = provider.Connector();

        var app = await oauth.RegisterApplicationAsync("DongA Fashion", [MastodonOAuth.OutOfBandRedirectUri], MastodonOAuth.MemberScopes);
        var request = oauth.CreateAuthorizationRequest(app, MastodonOAuth.OutOfBandRedirectUri, MastodonOAuth.MemberScopes);
        var code = fake.Approve(request.AuthorizeUrl, member.Id);
        var token = await oauth.ExchangeCodeAsync(app, code, request.RedirectUri, request.CodeVerifier);
        var identity = await connector.VerifyCredentialsAsync(token.ToCredential());
        await oauth.RevokeTokenAsync(app, token.AccessToken);
        var afterRevoke = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(token.ToCredential()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.Name, Is.EqualTo("DongA Fashion"));
            Assert.That(app.Scopes, Is.EqualTo(MastodonOAuth.MemberScopes));
            Assert.That(app.RedirectUris, Is.EqualTo(new[] { MastodonOAuth.OutOfBandRedirectUri }));
            Assert.That(token.TokenType, Is.EqualTo("Bearer"));
            Assert.That(token.Scopes, Is.EqualTo(MastodonOAuth.MemberScopes));
            Assert.That(token.CreatedAt, Is.Not.Null);
            Assert.That(token.ToString(), Does.Not.Contain(token.AccessToken));
            Assert.That(identity.Subject, Is.EqualTo(member.Id));
            Assert.That(afterRevoke!.Message, Does.Contain("revoked").And.Not.Contain(token.AccessToken));
        }
    }

    [Test]
    public async Task Exchange_WithTheWrongVerifier_IsACredentialExceptionAsync()
    {
        var (member, _) = fake.AddAccount("minji");
        using var http = new HttpClient();
        var oauth = new MastodonOAuth(http, fake.Url);
        var app = await oauth.RegisterApplicationAsync("DongA Fashion", ["https://donga.example/callback"], ["profile"], new Uri("https://donga.example/"));
        var request = oauth.CreateAuthorizationRequest(app, "https://donga.example/callback", ["profile"]);
        var code = fake.Approve(request.AuthorizeUrl, member.Id);

        var ex = Assert.ThrowsAsync<CredentialException>(() => oauth.ExchangeCodeAsync(app, code, request.RedirectUri, "not-the-verifier"));

        Assert.That(ex!.Message, Does.Contain("invalid_grant").And.Not.Contain(app.ClientSecret));
        Assert.That(fake.RequestsTo("POST", "/oauth/token"), Is.EqualTo(1));
    }

    [Test]
    public void BadInput_IsRefusedBeforeAnythingIsSent()
    {
        using var http = new HttpClient();
        var oauth = new MastodonOAuth(http, fake.Url);
        var app = new MastodonApplication("client-1", "secret-1");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => oauth.RegisterApplicationAsync(" ", ["urn:ietf:wg:oauth:2.0:oob"], ["profile"]))!.Field, Is.EqualTo("clientName"));
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => oauth.RegisterApplicationAsync("app", [], ["profile"]))!.Field, Is.EqualTo("redirectUris"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => oauth.CreateAuthorizationRequest(app, "urn:ietf:wg:oauth:2.0:oob", ["read write"]))!.Field, Is.EqualTo("scopes[0]"));
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => oauth.ExchangeCodeAsync(app, "", "urn:ietf:wg:oauth:2.0:oob", "v"))!.Field, Is.EqualTo("code"));
            Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => oauth.RevokeTokenAsync(app, " "))!.Field, Is.EqualTo("accessToken"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => new MastodonOAuth(http, new Uri("file:///tmp/x")))!.Field, Is.EqualTo("instance"));
            Assert.That(fake.TotalRequests, Is.Zero);
        }
    }

    [Test]
    public void Credential_FromAToken_KeepsTheTokenOutOfToString()
    {
        var credential = new SnsCredential("tok-abc");

        Assert.That(credential.ToString(), Does.Not.Contain("tok-abc"));
    }
}
