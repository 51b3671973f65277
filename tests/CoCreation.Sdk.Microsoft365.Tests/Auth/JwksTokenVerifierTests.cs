using System.Buffers.Text;
using System.Text;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Microsoft365.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>The test verifier refuses what a resource server must refuse, on real tokens from the provider peer.</summary>
[Category("Integration")]
public sealed class JwksTokenVerifierTests
{
    private OidcPeer peer = null!;
    private HttpClient http = null!;
    private string token = null!;

    [SetUp]
    public async Task GetRealToken()
    {
        peer = OidcPeer.Require();
        http = peer.TrustedClient(new TokenRequestCounter());
        token = await MsalGraphAccessTokens.Create(peer.SecretOptions(), () => http, TimeProvider.System).GetAccessTokenAsync(false, CancellationToken.None);
    }

    [TearDown]
    public void Dispose() => http?.Dispose();

    [Test]
    public async Task The_untouched_token_verifies()
        => Assert.That((await Verifier().VerifyAsync(token)).Claim("iss"), Is.EqualTo(peer.Issuer));

    [Test]
    public void A_token_with_a_changed_claim_is_refused()
    {
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace(peer.ClientId, "someone-else", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var ex = Assert.ThrowsAsync<TokenRejectedException>(async () => await Verifier().VerifyAsync(tampered));

        Assert.That(ex!.Reason, Is.EqualTo("bad signature"));
    }

    [Test]
    public void A_token_with_its_algorithm_set_to_none_is_refused()
    {
        var parts = token.Split('.');
        var none = $"{Base64Url.EncodeToString("{\"alg\":\"none\"}"u8)}.{parts[1]}.{parts[2]}";

        Assert.ThrowsAsync<TokenRejectedException>(async () => await Verifier().VerifyAsync(none));
    }

    [Test]
    public void A_token_for_another_audience_is_refused()
    {
        var ex = Assert.ThrowsAsync<TokenRejectedException>(async () => await new JwksTokenVerifier(http, peer.Issuer, "urn:another:api").VerifyAsync(token));

        Assert.That(ex!.Reason, Is.EqualTo("wrong audience"));
    }

    [Test]
    public void A_verifier_for_another_issuer_finds_no_keys_to_accept_the_token_with()
        => Assert.ThrowsAsync<HttpRequestException>(async () => await new JwksTokenVerifier(http, peer.Issuer + "/other", peer.Audience).VerifyAsync(token));

    [Test]
    public void An_expired_token_is_refused()
    {
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(2));

        var ex = Assert.ThrowsAsync<TokenRejectedException>(async () => await new JwksTokenVerifier(http, peer.Issuer, peer.Audience, later).VerifyAsync(token));

        Assert.That(ex!.Reason, Does.StartWith("expired"));
    }

    private JwksTokenVerifier Verifier() => new(http, peer.Issuer, peer.Audience);
}
