using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.AppConfig;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Where MSAL signs in: an Entra authority (host + tenant) or a generic OpenID Connect issuer.</summary>
/// <param name="Uri">The authority address handed to MSAL.</param>
/// <param name="IsGeneric">Whether it is a generic OpenID Connect issuer (MSAL's OIDC authority, instance discovery off).</param>
internal sealed record MsalAuthority(Uri Uri, bool IsGeneric);

/// <summary>The app registration's credential: a secret or a certificate with its private key.</summary>
/// <remarks>The record's generated <c>ToString</c> would print the secret, so it is replaced.</remarks>
internal sealed record MsalCredential(string? Secret, X509Certificate2? Certificate)
{
    public override string ToString() => Certificate is null ? "MsalCredential(secret)" : $"MsalCredential(certificate {Certificate.Thumbprint})";
}

/// <summary>
/// Builds MSAL confidential clients from <see cref="Microsoft365Options"/>: the authority, the credential, HTTP through
/// the caller's <see cref="HttpClient"/> and MSAL's own logging off. Bad options are refused with
/// <see cref="CoCreationValidationException"/> before anything is sent.
/// </summary>
internal static class MsalClients
{
    /// <summary>The provider name the adapter's exceptions carry.</summary>
    public const string Provider = "microsoft365";

    /// <summary>
    /// Maps the options to MSAL's authority: <see cref="Microsoft365Options.GenericAuthority"/> when set (the tenant is
    /// then the issuer's business), otherwise <see cref="Microsoft365Options.AuthorityHost"/> followed by the tenant.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="tenantId">A tenant other than <see cref="Microsoft365Options.TenantId"/>, or <see langword="null"/>.</param>
    public static MsalAuthority Authority(Microsoft365Options options, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.GenericAuthority is { } generic)
        {
            if (!generic.IsAbsoluteUri || generic.Scheme != Uri.UriSchemeHttps)
            {
                throw new CoCreationValidationException(nameof(Microsoft365Options.GenericAuthority), "must be an absolute https address (MSAL refuses plain http authorities).");
            }

            var text = generic.AbsoluteUri;
            return new MsalAuthority(new Uri(text.EndsWith('/') ? text : text + "/"), IsGeneric: true);
        }

        var host = options.AuthorityHost;
        if (host is null || !host.IsAbsoluteUri || host.Scheme != Uri.UriSchemeHttps)
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.AuthorityHost), "must be an absolute https address, for example https://login.microsoftonline.com/.");
        }

        var tenant = tenantId ?? options.TenantId;
        if (string.IsNullOrWhiteSpace(tenant))
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.TenantId), "is required: the directory (tenant) id or domain of the Microsoft Entra tenant.");
        }

        if (tenant.Any(c => char.IsWhiteSpace(c) || c is '/' or '\\' or '?' or '#' or '%'))
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.TenantId), "must be a tenant id (a GUID) or a domain, without '/', '?', '#', '%' or spaces.");
        }

        var hostText = host.AbsoluteUri.EndsWith('/') ? host.AbsoluteUri : host.AbsoluteUri + "/";
        return new MsalAuthority(new Uri(new Uri(hostText), tenant.Trim() + "/"), IsGeneric: false);
    }

    /// <summary>Reads the credential the options give; a certificate file is loaded here, once.</summary>
    /// <param name="options">The options.</param>
    public static MsalCredential Credential(Microsoft365Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.ClientId), "is required: the application (client) id of the app registration.");
        }

        if (options.ClientCertificate is { } certificate)
        {
            if (!certificate.HasPrivateKey)
            {
                throw new CoCreationValidationException(nameof(Microsoft365Options.ClientCertificate), "has no private key; MSAL signs the client assertion with it.");
            }

            return new MsalCredential(null, certificate);
        }

        if (!string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return new MsalCredential(null, LoadCertificate(options.CertificatePath, options.CertificatePassword));
        }

        if (!string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            return new MsalCredential(options.ClientSecret, null);
        }

        throw new CoCreationValidationException(nameof(Microsoft365Options.ClientSecret), "or a certificate (ClientCertificate or CertificatePath) is required for the app registration.");
    }

    /// <summary>
    /// Builds one confidential client. Its in-memory user and app token caches live as long as the client, and MSAL keys
    /// the entries by authority (tenant), client id and scopes.
    /// </summary>
    /// <param name="options">The options (client id, authority).</param>
    /// <param name="credential">The credential from <see cref="Credential"/>.</param>
    /// <param name="httpClient">Gives the HttpClient every MSAL request goes through (discovery and token requests).</param>
    /// <param name="time">The clock a generic authority's client assertion is dated by.</param>
    /// <param name="tenantId">A tenant other than the options' own, or <see langword="null"/>.</param>
    /// <param name="redirectUri">The redirect address of the authorization code flow, or <see langword="null"/>.</param>
    public static IConfidentialClientApplication Build(Microsoft365Options options, MsalCredential credential, Func<HttpClient> httpClient, TimeProvider time, string? tenantId = null, Uri? redirectUri = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(httpClient);
        var authority = Authority(options, tenantId);
        var builder = ConfidentialClientApplicationBuilder.Create(options.ClientId)
            .WithHttpClientFactory(new MsalHttpClientFactory(httpClient))
            // MSAL's own log stays off: its messages may carry request details, and PII logging is never enabled.
            .WithLogging(static (_, _, _) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        builder = authority.IsGeneric
            ? builder.WithOidcAuthority(authority.Uri.AbsoluteUri).WithInstanceDiscovery(false)
            : builder.WithAuthority(authority.Uri.AbsoluteUri);
        if (credential.Certificate is { } certificate)
        {
            // Entra takes MSAL's own assertion; a generic provider gets one with numeric dates (see MsalClientAssertion).
            builder = authority.IsGeneric
                ? builder.WithClientAssertion((AssertionRequestOptions request) => Task.FromResult(MsalClientAssertion.Create(certificate, request.ClientID, request.TokenEndpoint, time.GetUtcNow())))
                : builder.WithCertificate(certificate, new CertificateOptions { SendX5C = false });
        }
        else
        {
            builder = builder.WithClientSecret(credential.Secret);
        }
        if (redirectUri is not null)
        {
            builder = builder.WithRedirectUri(redirectUri.AbsoluteUri);
        }

        return builder.Build();
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.CertificatePath), "names no file; give a PKCS#12 (.pfx) file with the certificate and its private key.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            // The loader's message never holds the password, but the type alone says enough.
            throw new CredentialException(Provider, "The certificate file (CertificatePath) could not be read: the password is wrong or the file is not a PKCS#12 (.pfx) file.", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new CoCreationValidationException(nameof(Microsoft365Options.CertificatePath), "holds a certificate without its private key; MSAL signs the client assertion with it.");
        }

        return certificate;
    }
}

/// <summary>Hands MSAL the caller's HttpClient, so that its handlers (trust, proxy, resilience) apply to sign-in too.</summary>
internal sealed class MsalHttpClientFactory(Func<HttpClient> httpClient) : IMsalHttpClientFactory
{
    public HttpClient GetHttpClient() => httpClient();
}
