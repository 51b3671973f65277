using System.Security.Cryptography.X509Certificates;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Microsoft365.Tests.Support;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>MSAL's confidential client against the real OpenID Connect provider peer (client credentials).</summary>
[Category("Integration")]
public sealed class MsalGraphAccessTokensIntegrationTests
{
    private OidcPeer peer = null!;

    [SetUp]
    public void RequirePeer() => peer = OidcPeer.Require();

    [Test]
    public async Task Secret_token_is_issued_verified_against_the_jwks_and_then_served_from_the_cache()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var tokens = MsalGraphAccessTokens.Create(peer.SecretOptions(), () => http, TimeProvider.System);

        var first = await tokens.GetAccessTokenAsync(forceRefresh: false, CancellationToken.None);
        var verified = await Verifier(http).VerifyAsync(first);
        Assert.Multiple(() =>
        {
            Assert.That(verified.Algorithm, Is.EqualTo("RS256"));
            Assert.That(verified.Claim("client_id"), Is.EqualTo(peer.ClientId));
            Assert.That(verified.Claim("scope"), Is.EqualTo(peer.Scope));
            Assert.That(counter.Count, Is.EqualTo(1));
        });

        var second = await tokens.GetAccessTokenAsync(forceRefresh: false, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "the second call is answered from MSAL's app token cache");
            Assert.That(counter.Count, Is.EqualTo(1), "no second token request reached the provider");
        });
    }

    [Test]
    public async Task Force_refresh_bypasses_the_cache_and_the_new_token_is_cached_in_turn()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var tokens = MsalGraphAccessTokens.Create(peer.SecretOptions(), () => http, TimeProvider.System);

        var cached = await tokens.GetAccessTokenAsync(false, CancellationToken.None);
        var refreshed = await tokens.GetAccessTokenAsync(true, CancellationToken.None);
        var afterwards = await tokens.GetAccessTokenAsync(false, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(refreshed, Is.Not.EqualTo(cached));
            Assert.That(afterwards, Is.EqualTo(refreshed));
            Assert.That(counter.Count, Is.EqualTo(2));
        });
        await Verifier(http).VerifyAsync(refreshed);
    }

    [Test]
    public async Task A_token_that_the_adapter_clock_sees_as_expired_is_fetched_again()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));
        var tokens = MsalGraphAccessTokens.Create(peer.SecretOptions(), () => http, clock);

        await tokens.GetAccessTokenAsync(false, CancellationToken.None);

        // The first token comes from the provider; the adapter's clock, two hours ahead, sees it as expired, so it is
        // fetched once more with forceRefresh.
        Assert.That(counter.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Certificate_from_a_pfx_file_signs_a_client_assertion_the_provider_accepts()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var options = new Microsoft365Options
        {
            GenericAuthority = new Uri(peer.Issuer),
            ClientId = peer.CertClientId,
            CertificatePath = peer.ClientCertificatePath,
            CertificatePassword = peer.ClientCertificatePassword,
            Scopes = [peer.Scope],
        };
        var tokens = MsalGraphAccessTokens.Create(options, () => http, TimeProvider.System);

        var token = await tokens.GetAccessTokenAsync(false, CancellationToken.None);
        var verified = await Verifier(http).VerifyAsync(token);

        Assert.Multiple(() =>
        {
            Assert.That(verified.Algorithm, Is.EqualTo("ES256"), "the peer signs the certificate client's tokens with its EC key");
            Assert.That(verified.Claim("client_id"), Is.EqualTo(peer.CertClientId));
            Assert.That(counter.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Certificate_object_works_as_well()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        using var certificate = X509CertificateLoader.LoadPkcs12FromFile(peer.ClientCertificatePath, peer.ClientCertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
        var options = new Microsoft365Options
        {
            GenericAuthority = new Uri(peer.Issuer),
            ClientId = peer.CertClientId,
            ClientCertificate = certificate,
            Scopes = [peer.Scope],
        };

        var token = await MsalGraphAccessTokens.Create(options, () => http, TimeProvider.System).GetAccessTokenAsync(false, CancellationToken.None);

        Assert.That((await Verifier(http).VerifyAsync(token)).Claim("client_id"), Is.EqualTo(peer.CertClientId));
    }

    [Test]
    public async Task A_certificate_the_provider_does_not_know_is_refused_with_a_credential_exception()
    {
        using var http = peer.TrustedClient(new TokenRequestCounter());
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new CertificateRequest("CN=stranger", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var options = new Microsoft365Options { GenericAuthority = new Uri(peer.Issuer), ClientId = peer.CertClientId, ClientCertificate = stranger, Scopes = [peer.Scope] };

        var ex = Assert.ThrowsAsync<AppCredentialRefusedException>(async () => await MsalGraphAccessTokens.Create(options, () => http, TimeProvider.System).GetAccessTokenAsync(false, CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("invalid_client"));
        Assert.That(ex.Code, Is.EqualTo("invalid_client"), "a refused credential, which credential health reports as needing re-authorisation");
    }

    [Test]
    public void Wrong_secret_becomes_a_credential_exception_without_the_secret()
    {
        var counter = new TokenRequestCounter();
        using var http = peer.TrustedClient(counter);
        var options = peer.SecretOptions();
        options.ClientSecret = "wrong-" + Guid.NewGuid().ToString("N");
        var tokens = MsalGraphAccessTokens.Create(options, () => http, TimeProvider.System);

        var ex = Assert.ThrowsAsync<AppCredentialRefusedException>(async () => await tokens.GetAccessTokenAsync(false, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("invalid_client"));
            Assert.That(ex.Provider, Is.EqualTo("microsoft365"));
            Assert.That(ex.ToString(), Does.Not.Contain(options.ClientSecret));
            Assert.That(ex.ToString(), Does.Not.Contain(peer.ClientSecret));
            Assert.That(counter.Count, Is.EqualTo(1), "the provider really refused it, and a refusal is not retried");
        });
    }

    [Test]
    public void Without_the_trusting_HttpClient_the_self_signed_provider_is_not_trusted()
    {
        using var http = new HttpClient();
        var tokens = MsalGraphAccessTokens.Create(peer.SecretOptions(), () => http, TimeProvider.System);

        var ex = Assert.ThrowsAsync<ProviderException>(async () => await tokens.GetAccessTokenAsync(false, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("SecureConnectionError"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.ToString(), Does.Not.Contain(peer.ClientSecret));
        });
    }

    private JwksTokenVerifier Verifier(HttpClient http) => new(http, peer.Issuer, peer.Audience);
}
