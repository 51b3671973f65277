using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>
/// The OpenID Connect provider peer (eng/peers/oidc): where it listens, its clients, and HttpClients that trust its
/// self-signed certificate and nothing else. A missing peer fails the test under COCREATION_REQUIRE_PEERS=1.
/// </summary>
internal sealed class OidcPeer
{
    private const string StartHint = "export COCREATION_PEERS_DIR=$PWD/artifacts/peers; bash eng/peers/oidc/up.sh; set -a; . artifacts/peers/oidc.env; set +a";

    private OidcPeer()
    {
        Issuer = Peers.Get("COCREATION_OIDC_ISSUER", StartHint);
        CaCertificate = X509CertificateLoader.LoadCertificateFromFile(Peers.Get("COCREATION_OIDC_CA_CERT", StartHint));
        Audience = Peers.Get("COCREATION_OIDC_AUDIENCE", StartHint);
        Scope = Peers.Get("COCREATION_OIDC_SCOPE", StartHint);
        ClientId = Peers.Get("COCREATION_OIDC_CLIENT_ID", StartHint);
        ClientSecret = Peers.Get("COCREATION_OIDC_CLIENT_SECRET", StartHint);
        CertClientId = Peers.Get("COCREATION_OIDC_CERT_CLIENT_ID", StartHint);
        ClientCertificatePath = Peers.Get("COCREATION_OIDC_CLIENT_CERT", StartHint);
        ClientCertificatePassword = Peers.Get("COCREATION_OIDC_CLIENT_CERT_PASSWORD", StartHint);
        WebClientId = Peers.Get("COCREATION_OIDC_WEB_CLIENT_ID", StartHint);
        WebClientSecret = Peers.Get("COCREATION_OIDC_WEB_CLIENT_SECRET", StartHint);
        RedirectUri = new Uri(Peers.Get("COCREATION_OIDC_REDIRECT_URI", StartHint));
    }

    public static OidcPeer Require() => new();

    public string Issuer { get; }

    public X509Certificate2 CaCertificate { get; }

    public string Audience { get; }

    public string Scope { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public string CertClientId { get; }

    public string ClientCertificatePath { get; }

    public string ClientCertificatePassword { get; }

    public string WebClientId { get; }

    public string WebClientSecret { get; }

    public Uri RedirectUri { get; }

    /// <summary>Options for the client-credentials client with the secret, at the generic authority.</summary>
    public Microsoft365Options SecretOptions() => new()
    {
        GenericAuthority = new Uri(Issuer),
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        Scopes = [Scope],
    };

    /// <summary>A handler that trusts the peer's certificate only (a custom root store), never the machine's roots.</summary>
    public SocketsHttpHandler TrustingHandler(bool allowRedirects = true, System.Net.CookieContainer? cookies = null)
    {
        var ca = CaCertificate;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = allowRedirects,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new System.Net.CookieContainer(),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
    }

    /// <summary>An HttpClient for MSAL that trusts the peer and counts the token requests it sends.</summary>
    public HttpClient TrustedClient(TokenRequestCounter counter) => new(new CountingHandler(counter) { InnerHandler = TrustingHandler() });

    private sealed class CountingHandler(TokenRequestCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) == true)
            {
                counter.Increment();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>How many token requests reached the identity provider.</summary>
internal sealed class TokenRequestCounter
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Increment() => Interlocked.Increment(ref count);
}
