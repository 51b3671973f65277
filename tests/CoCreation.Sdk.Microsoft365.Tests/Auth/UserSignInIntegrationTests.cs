using System.Net;
using CoCreation.Sdk.Health;
using CoCreation.Sdk.Microsoft365.Tests.Support;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>
/// The authorization code + PKCE sign-in against the real OpenID Connect provider peer: the test plays the browser
/// through the provider's development login and consent pages, then the SDK redeems the code.
/// </summary>
[Category("Integration")]
public sealed class UserSignInIntegrationTests
{
    private OidcPeer peer = null!;

    [SetUp]
    public void RequirePeer() => peer = OidcPeer.Require();

    [Test]
    public async Task Code_with_pkce_is_redeemed_the_token_verifies_and_is_then_served_from_the_per_tenant_cache()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var signIn = SignIn(http);

        var request = await signIn.StartAsync(askForConsent: true);
        Assert.Multiple(() =>
        {
            Assert.That(Query(request.AuthorizationUrl, "code_challenge_method"), Is.EqualTo("S256"));
            Assert.That(Query(request.AuthorizationUrl, "code_challenge"), Is.Not.Empty);
            Assert.That(Query(request.AuthorizationUrl, "state"), Is.EqualTo(request.State));
            Assert.That(request.AuthorizationUrl.ToString(), Does.Not.Contain(request.CodeVerifier), "only the challenge travels through the browser");
            Assert.That(request.ToString(), Does.Not.Contain(request.CodeVerifier));
        });

        var redirectedTo = await BrowseAsync(request.AuthorizationUrl, "alice");
        var user = await signIn.CompleteAsync(request, redirectedTo);
        var verified = await new JwksTokenVerifier(http, peer.Issuer, peer.Audience).VerifyAsync(user.AccessToken);

        Assert.Multiple(() =>
        {
            Assert.That(verified.Claim("sub"), Is.EqualTo("alice"));
            Assert.That(verified.Claim("client_id"), Is.EqualTo(peer.WebClientId));
            Assert.That(user.UserName, Is.EqualTo("alice@example.test"));
            Assert.That(user.FromCache, Is.False);
            Assert.That(user.ToString(), Does.Not.Contain(user.AccessToken));
            Assert.That(counter.Count, Is.EqualTo(1));
        });

        var again = await signIn.GetAccessTokenAsync(user.AccountId);
        Assert.Multiple(() =>
        {
            Assert.That(again.AccessToken, Is.EqualTo(user.AccessToken));
            Assert.That(again.FromCache, Is.True);
            Assert.That(counter.Count, Is.EqualTo(1), "served from the user token cache");
        });

        var refreshed = await signIn.GetAccessTokenAsync(user.AccountId, forceRefresh: true);
        Assert.Multiple(() =>
        {
            Assert.That(refreshed.AccessToken, Is.Not.EqualTo(user.AccessToken), "renewed with the refresh token");
            Assert.That(refreshed.FromCache, Is.False);
            Assert.That(counter.Count, Is.EqualTo(2));
        });
        Assert.That((await new JwksTokenVerifier(http, peer.Issuer, peer.Audience).VerifyAsync(refreshed.AccessToken)).Claim("sub"), Is.EqualTo("alice"));

        Assert.That(await signIn.SignOutAsync(user.AccountId), Is.True);
        var ex = Assert.ThrowsAsync<ReauthorizationRequiredException>(async () => await signIn.GetAccessTokenAsync(user.AccountId));
        Assert.That(ex!.Credential.Account, Is.EqualTo(user.AccountId));
    }

    [Test]
    public async Task A_code_is_good_once()
    {
        using var http = peer.TrustedClient(new TokenRequestCounter());
        var signIn = SignIn(http);
        var request = await signIn.StartAsync();
        var redirectedTo = await BrowseAsync(request.AuthorizationUrl, "bob");
        await signIn.CompleteAsync(request, redirectedTo);

        var ex = Assert.ThrowsAsync<CredentialException>(async () => await signIn.CompleteAsync(request, redirectedTo));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("invalid_grant"));
            Assert.That(ex.ToString(), Does.Not.Contain(Query(redirectedTo, "code")));
            Assert.That(ex.ToString(), Does.Not.Contain(peer.WebClientSecret));
        });
    }

    [Test]
    public async Task The_provider_refuses_a_code_redeemed_with_another_pkce_verifier()
    {
        using var http = peer.TrustedClient(new TokenRequestCounter());
        var signIn = SignIn(http);
        var request = await signIn.StartAsync();
        var redirectedTo = await BrowseAsync(request.AuthorizationUrl, "carol");
        var forged = new Microsoft365UserSignInRequest(request.AuthorizationUrl, request.State, new string('x', 43), request.Scopes, request.TenantId);

        var ex = Assert.ThrowsAsync<CredentialException>(async () => await signIn.CompleteAsync(forged, redirectedTo));

        Assert.That(ex!.Message, Does.Contain("invalid_grant"));
    }

    [Test]
    public async Task A_redirect_with_another_state_is_refused_before_anything_is_sent()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var signIn = SignIn(http);
        var request = await signIn.StartAsync();
        var redirectedTo = await BrowseAsync(request.AuthorizationUrl, "dave");
        var forged = new UriBuilder(redirectedTo) { Query = $"code={Uri.EscapeDataString(Query(redirectedTo, "code"))}&state=forged" }.Uri;

        Assert.ThrowsAsync<CoCreationValidationException>(async () => await signIn.CompleteAsync(request, forged));

        Assert.That(counter.Count, Is.Zero);
    }

    [Test]
    public async Task A_denied_sign_in_becomes_a_credential_exception_naming_the_provider_error()
    {
        using var http = peer.TrustedClient(new TokenRequestCounter());
        var signIn = SignIn(http);
        var request = await signIn.StartAsync();
        var denied = new Uri($"{peer.RedirectUri}?error=access_denied&error_description=nope&state={request.State}");

        var ex = Assert.ThrowsAsync<CredentialException>(async () => await signIn.CompleteAsync(request, denied));

        Assert.That(ex!.Message, Does.Contain("access_denied"));
    }

    private Microsoft365UserSignIn SignIn(HttpClient http) => new(
        new Microsoft365Options
        {
            GenericAuthority = new Uri(peer.Issuer),
            ClientId = peer.WebClientId,
            ClientSecret = peer.WebClientSecret,
            Scopes = [peer.Scope],
        },
        peer.RedirectUri,
        () => http);

    /// <summary>
    /// Plays the browser through oidc-provider's development interactions: the authorization request, the login form,
    /// the consent form, and back to the redirect address (which nothing serves; the test reads the code from it).
    /// </summary>
    private async Task<Uri> BrowseAsync(Uri authorizationUrl, string login)
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(peer.TrustingHandler(allowRedirects: false, cookies));
        var next = authorizationUrl;
        for (var step = 0; step < 10; step++)
        {
            if (next.GetLeftPart(UriPartial.Path) == peer.RedirectUri.GetLeftPart(UriPartial.Path))
            {
                return next;
            }

            HttpResponseMessage response;
            if (next.AbsolutePath.StartsWith("/interaction/", StringComparison.Ordinal))
            {
                using var page = await browser.GetAsync(next);
                var html = await page.Content.ReadAsStringAsync();
                var form = html.Contains("name=\"login\"", StringComparison.Ordinal)
                    ? new Dictionary<string, string> { ["prompt"] = "login", ["login"] = login, ["password"] = "any" }
                    : new Dictionary<string, string> { ["prompt"] = "consent" };
                response = await browser.PostAsync(next, new FormUrlEncodedContent(form));
            }
            else
            {
                response = await browser.GetAsync(next);
            }

            using (response)
            {
                Assert.That(response.Headers.Location, Is.Not.Null, $"step {step}: {(int)response.StatusCode} from {next.AbsolutePath} without a redirect");
                next = response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location : new Uri(next, response.Headers.Location);
            }
        }

        Assert.Fail("the sign-in did not reach the redirect address in 10 steps");
        return null!;
    }

    private static string Query(Uri uri, string name)
        => uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p[1])).FirstOrDefault() ?? string.Empty;
}
