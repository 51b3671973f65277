using Microsoft.Identity.Client;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>
/// Graph's bearer tokens for the company's app registration through an MSAL confidential client (client credentials,
/// with a secret or a certificate).
/// </summary>
/// <remarks>
/// <para>
/// Token cache: one instance is one tenant and one client id (the adapter keeps one per adapter name), and it holds
/// exactly one MSAL confidential client for them, built when the instance is created. Every call goes through that
/// client, so MSAL's in-memory app token cache is reused: a token is served from the cache until MSAL judges it due
/// for renewal, and only then is the identity provider asked again. Nothing is written to disk.
/// <c>forceRefresh</c> in <see cref="GetAccessTokenAsync"/> skips the cached token (MSAL's
/// <c>WithForceRefresh</c>); the new token replaces it in the cache.
/// </para>
/// <para>
/// Authority: <see cref="Microsoft365Options.AuthorityHost"/> + <see cref="Microsoft365Options.TenantId"/>, or
/// <see cref="Microsoft365Options.GenericAuthority"/> as MSAL's OpenID Connect authority with instance discovery off.
/// Every request MSAL makes (metadata and tokens) goes through the given HttpClient. MSAL's own logging is off.
/// Failures become <see cref="CredentialException"/> (refused credential, scope or authority) or a transient
/// <see cref="ProviderException"/> (429, 5xx, timeouts), with messages that never hold the secret, the client
/// assertion or a token.
/// </para>
/// </remarks>
internal sealed class MsalGraphAccessTokens : IGraphAccessTokens
{
    private readonly IConfidentialClientApplication client;
    private readonly string[] scopes;
    private readonly TimeProvider time;

    private MsalGraphAccessTokens(IConfidentialClientApplication client, string[] scopes, TimeProvider time)
    {
        this.client = client;
        this.scopes = scopes;
        this.time = time;
    }

    /// <summary>The authority MSAL signs in at (for diagnostics and tests).</summary>
    internal Uri Authority => new(client.Authority);

    /// <summary>Builds the confidential client the options describe; bad options throw before anything is sent.</summary>
    /// <param name="options">The adapter's options: client id, tenant or generic authority, secret or certificate, scopes.</param>
    /// <param name="httpClient">Gives the HttpClient MSAL sends every request through.</param>
    /// <param name="time">The adapter's clock: it dates a generic authority's client assertion, and a token MSAL hands out that this clock sees as expired is fetched again.</param>
    /// <returns>The token source.</returns>
    internal static MsalGraphAccessTokens Create(Microsoft365Options options, Func<HttpClient> httpClient, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(time);
        var scopes = Scopes(options);
        var credential = MsalClients.Credential(options);
        return new MsalGraphAccessTokens(MsalClients.Build(options, credential, httpClient, time), scopes, time);
    }

    /// <inheritdoc />
    public async ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var result = await AcquireAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
        if (!forceRefresh && result.ExpiresOn <= time.GetUtcNow())
        {
            // The adapter's clock is ahead of MSAL's view: ask once for a token that is current by both.
            result = await AcquireAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
        }

        return result.AccessToken;
    }

    private async Task<AuthenticationResult> AcquireAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        try
        {
            return await client.AcquireTokenForClient(scopes)
                .WithForceRefresh(forceRefresh)
                .ExecuteAsync(cancellationToken)
                .ConfigureAwait(false);
        }
        catch (MsalException ex)
        {
            throw MsalErrors.ForApp(ex);
        }
        catch (HttpRequestException ex)
        {
            throw MsalErrors.Unreachable(ex);
        }
    }

    internal static string[] Scopes(Microsoft365Options options)
    {
        var scopes = options.Scopes?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToArray() ?? [];
        if (scopes.Length == 0)
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.Scopes), "must hold at least one scope, for example https://graph.microsoft.com/.default.");
        }

        return scopes;
    }
}
