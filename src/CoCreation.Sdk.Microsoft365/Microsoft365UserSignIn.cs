using System.Collections.Concurrent;
using System.Security.Cryptography;
using CoCreation.Sdk.Microsoft365.Implementation;
using Microsoft.Identity.Client;

namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// Signs a user in to Microsoft 365 with the authorization code flow and PKCE, through the company's app registration
/// (an MSAL confidential client), and keeps the user's tokens in an in-memory cache per tenant.
/// </summary>
/// <remarks>
/// <para>
/// The flow: <see cref="StartAsync"/> builds the authorization address with a PKCE challenge (S256) and a fresh
/// <c>state</c>; the host sends the browser there and keeps the returned <see cref="Microsoft365UserSignInRequest"/>.
/// When the identity provider redirects back to <see cref="RedirectUri"/>, <see cref="CompleteAsync(Microsoft365UserSignInRequest, Uri, CancellationToken)"/>
/// checks the <c>state</c>, redeems the code with the PKCE verifier and caches the user's tokens.
/// <see cref="GetAccessTokenAsync"/> then returns the cached token, renewed with the refresh token when it is due.
/// </para>
/// <para>
/// Token cache: one MSAL confidential client per tenant (the options' tenant, or another one named in
/// <see cref="StartAsync"/>), each with its own in-memory user token cache, so that a user's tokens in one tenant never
/// answer for another. The cache lives as long as this object; keep one instance for the application's lifetime.
/// With <see cref="Microsoft365Options.GenericAuthority"/> there is one issuer and therefore one cache.
/// </para>
/// <para>
/// The options' client id, credential (secret or certificate) and authority are used as the adapter uses them. Failures
/// become <see cref="CredentialException"/>, <see cref="Health.ReauthorizationRequiredException"/> (the user has to
/// sign in again) or a transient <see cref="ProviderException"/>; no message holds a secret, a code, the PKCE verifier
/// or a token. MSAL's own logging is off.
/// </para>
/// </remarks>
public sealed class Microsoft365UserSignIn
{
    private static readonly HttpClient SharedHttpClient = new();

    private readonly Microsoft365Options options;
    private readonly MsalCredential credential;
    private readonly Func<HttpClient> httpClient;
    private readonly string[] defaultScopes;
    private readonly ConcurrentDictionary<string, Lazy<IConfidentialClientApplication>> clients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the sign-in helper; bad options throw <see cref="CoCreationValidationException"/> here.</summary>
    /// <param name="options">The company's app registration: client id, secret or certificate, tenant or generic authority, scopes.</param>
    /// <param name="redirectUri">The address registered for the app that the identity provider redirects the browser back to.</param>
    /// <param name="httpClient">Gives the HttpClient MSAL sends its requests through (for example from <c>IHttpClientFactory</c>); <see langword="null"/> uses a shared default one.</param>
    public Microsoft365UserSignIn(Microsoft365Options options, Uri redirectUri, Func<HttpClient>? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(redirectUri);
        if (!redirectUri.IsAbsoluteUri || (redirectUri.Scheme != Uri.UriSchemeHttps && !redirectUri.IsLoopback))
        {
            throw new CoCreationValidationException(nameof(redirectUri), "must be an absolute https address (plain http only for a loopback address).");
        }

        _ = MsalClients.Authority(options);
        defaultScopes = MsalGraphAccessTokens.Scopes(options);
        credential = MsalClients.Credential(options);
        this.options = options;
        this.httpClient = httpClient ?? (static () => SharedHttpClient);
        RedirectUri = redirectUri;
    }

    /// <summary>The address the identity provider redirects the browser back to.</summary>
    public Uri RedirectUri { get; }

    /// <summary>Starts a sign-in: builds the authorization address with a PKCE challenge and a fresh <c>state</c>.</summary>
    /// <param name="scopes">The scopes to ask for; <see langword="null"/> uses <see cref="Microsoft365Options.Scopes"/>.</param>
    /// <param name="loginHint">The user's sign-in name, to fill in the sign-in page; optional.</param>
    /// <param name="tenantId">Another tenant than <see cref="Microsoft365Options.TenantId"/> (a multi-tenant app); not with a generic authority.</param>
    /// <param name="askForConsent">Whether the user is asked to consent again (<c>prompt=consent</c>), for example after the app asks for new scopes.</param>
    /// <param name="cancellationToken">Cancels the call (the identity provider's metadata may be fetched).</param>
    /// <returns>The request; send the browser to its <see cref="Microsoft365UserSignInRequest.AuthorizationUrl"/> and keep it for <see cref="CompleteAsync(Microsoft365UserSignInRequest, Uri, CancellationToken)"/>.</returns>
    public async Task<Microsoft365UserSignInRequest> StartAsync(IEnumerable<string>? scopes = null, string? loginHint = null, string? tenantId = null, bool askForConsent = false, CancellationToken cancellationToken = default)
    {
        var asked = ScopesOrDefault(scopes);
        var client = Client(tenantId);
        var builder = client.GetAuthorizationRequestUrl(asked)
            .WithRedirectUri(RedirectUri.AbsoluteUri)
            .WithPkce(out var verifier);
        if (!string.IsNullOrWhiteSpace(loginHint))
        {
            builder = builder.WithLoginHint(loginHint);
        }

        if (askForConsent)
        {
            builder = builder.WithPrompt(Prompt.Consent);
        }
        else if (options.GenericAuthority is not null)
        {
            // MSAL asks for prompt=select_account by default, which Entra knows and many OpenID Connect providers refuse.
            builder = builder.WithPrompt(Prompt.NoPrompt);
        }

        var state = QueryValue(await RunAsync(() => builder.ExecuteAsync(cancellationToken), account: null).ConfigureAwait(false), "state", out var url);
        if (state is null)
        {
            state = Base64Url(RandomNumberGenerator.GetBytes(32));
            url = new UriBuilder(url) { Query = url.Query.TrimStart('?') + "&state=" + state }.Uri;
        }

        return new Microsoft365UserSignInRequest(url, state, verifier, asked, tenantId);
    }

    /// <summary>
    /// Completes a sign-in from the address the browser was redirected to: checks <c>state</c>, reads the code (or the
    /// identity provider's error) and redeems it with the request's PKCE verifier.
    /// </summary>
    /// <param name="request">The request <see cref="StartAsync"/> returned for this browser.</param>
    /// <param name="redirectedTo">The full address the browser came back with (<see cref="RedirectUri"/> with <c>code</c> and <c>state</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user's token, now cached.</returns>
    public async Task<Microsoft365UserSignInResult> CompleteAsync(Microsoft365UserSignInRequest request, Uri redirectedTo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(redirectedTo);
        if (!redirectedTo.IsAbsoluteUri || !string.Equals(redirectedTo.GetLeftPart(UriPartial.Path), RedirectUri.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            throw new CoCreationValidationException(nameof(redirectedTo), "is not the redirect address this sign-in was started with.");
        }

        var error = QueryValue(redirectedTo, "error", out _);
        if (error is not null)
        {
            // The provider's error code says why (access_denied, consent_required) and holds nothing secret.
            throw new CredentialException(MsalClients.Provider, $"The user's sign-in did not finish: the identity provider answered {MsalErrors.SafeCode(error)}.");
        }

        return await RedeemCodeAsync(request, QueryValue(redirectedTo, "code", out _) ?? string.Empty, QueryValue(redirectedTo, "state", out _), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes a sign-in from the <c>code</c> and <c>state</c> the redirect carried; redeems the code with the request's PKCE verifier.</summary>
    /// <param name="request">The request <see cref="StartAsync"/> returned for this browser.</param>
    /// <param name="code">The authorization code.</param>
    /// <param name="state">The <c>state</c> the redirect carried; it must equal the request's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user's token, now cached.</returns>
    public async Task<Microsoft365UserSignInResult> RedeemCodeAsync(Microsoft365UserSignInRequest request, string code, string? state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(code))
        {
            throw new CoCreationValidationException(nameof(code), "is missing: the redirect carried no authorization code.");
        }

        if (state is null || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(state), System.Text.Encoding.UTF8.GetBytes(request.State)))
        {
            throw new CoCreationValidationException(nameof(state), "does not match the sign-in request; the redirect may be forged or belong to another browser.");
        }

        var client = Client(request.TenantId);
        var result = await RunAsync(
            () => client.AcquireTokenByAuthorizationCode(request.Scopes, code).WithPkceCodeVerifier(request.CodeVerifier).ExecuteAsync(cancellationToken),
            account: null).ConfigureAwait(false);
        return Result(result, request.TenantId);
    }

    /// <summary>
    /// Returns a signed-in user's access token from the cache, renewed with the refresh token when it is due (or when
    /// <paramref name="forceRefresh"/> is set).
    /// </summary>
    /// <param name="accountId">The <see cref="Microsoft365UserSignInResult.AccountId"/> of the user's sign-in.</param>
    /// <param name="scopes">The scopes; <see langword="null"/> uses <see cref="Microsoft365Options.Scopes"/>.</param>
    /// <param name="tenantId">The tenant of the sign-in, or <see langword="null"/> for the options' own.</param>
    /// <param name="forceRefresh">Skip the cached access token (after Graph answered 401 to it).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user's current token.</returns>
    /// <exception cref="Health.ReauthorizationRequiredException">The user is not in the cache or has to sign in again.</exception>
    public async Task<Microsoft365UserSignInResult> GetAccessTokenAsync(string accountId, IEnumerable<string>? scopes = null, string? tenantId = null, bool forceRefresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        var asked = ScopesOrDefault(scopes);
        var client = Client(tenantId);
        var account = await client.GetAccountAsync(accountId).ConfigureAwait(false)
            ?? throw new Health.ReauthorizationRequiredException(
                new Health.CredentialRef(MsalClients.Provider, "microsoft365", accountId),
                "not_signed_in",
                "The user is not signed in here (no cached sign-in for this account and tenant). Start the authorization code flow.");
        var result = await RunAsync(
            () => client.AcquireTokenSilent(asked, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken),
            accountId).ConfigureAwait(false);
        return Result(result, tenantId);
    }

    /// <summary>Removes a user's tokens from the cache.</summary>
    /// <param name="accountId">The <see cref="Microsoft365UserSignInResult.AccountId"/> of the user's sign-in.</param>
    /// <param name="tenantId">The tenant of the sign-in, or <see langword="null"/> for the options' own.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the user was signed in.</returns>
    public async Task<bool> SignOutAsync(string accountId, string? tenantId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        var client = Client(tenantId);
        var account = await client.GetAccountAsync(accountId).ConfigureAwait(false);
        if (account is null)
        {
            return false;
        }

        await client.RemoveAsync(account).ConfigureAwait(false);
        return true;
    }

    private IConfidentialClientApplication Client(string? tenantId)
    {
        if (tenantId is not null && options.GenericAuthority is not null)
        {
            throw new CoCreationValidationException(nameof(tenantId), "cannot be chosen with GenericAuthority: the generic issuer is the only authority.");
        }

        // Validates the tenant before anything is cached or sent.
        _ = MsalClients.Authority(options, tenantId);
        var key = options.GenericAuthority is not null ? string.Empty : tenantId ?? options.TenantId!;
        return clients.GetOrAdd(key, _ => new Lazy<IConfidentialClientApplication>(() => MsalClients.Build(options, credential, httpClient, TimeProvider.System, tenantId, RedirectUri))).Value;
    }

    private string[] ScopesOrDefault(IEnumerable<string>? scopes)
    {
        if (scopes is null)
        {
            return defaultScopes;
        }

        var asked = scopes.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        return asked.Length > 0 ? asked : throw new CoCreationValidationException(nameof(scopes), "must hold at least one scope.");
    }

    private static async Task<T> RunAsync<T>(Func<Task<T>> call, string? account)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (MsalException ex)
        {
            throw MsalErrors.ForUser(ex, account);
        }
        catch (HttpRequestException ex)
        {
            throw MsalErrors.Unreachable(ex);
        }
    }

    private static Microsoft365UserSignInResult Result(AuthenticationResult result, string? tenantId)
        => new(
            result.Account?.HomeAccountId?.Identifier ?? throw new CredentialException(MsalClients.Provider, "The identity provider issued a token without an ID token, so the user cannot be told apart; ask for the openid scope."),
            result.Account.Username,
            tenantId,
            result.AccessToken,
            result.ExpiresOn,
            [.. result.Scopes],
            result.AuthenticationResultMetadata?.TokenSource == TokenSource.Cache);

    private static string? QueryValue(Uri uri, string name, out Uri same)
    {
        same = uri;
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((equals < 0 ? part : part[..equals]).Replace('+', ' '));
            if (key == name)
            {
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(part[(equals + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
