using System.Net;
using System.Security.Cryptography;
using System.Text;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Mastodon.Implementation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Mastodon;

/// <summary>
/// OAuth helpers for one Mastodon instance, so an integrator can get a member's token for sign-in and for posting
/// on the member's behalf: register an application, build the authorize URL with PKCE (S256), exchange the code,
/// revoke a token.
/// </summary>
/// <remarks>
/// Safe for concurrent use. <c>AddMastodon(name, …)</c> registers one as a keyed service under the connector's
/// name; create one yourself with <see cref="MastodonOAuth(HttpClient, Uri)"/> before any token exists.
/// Secrets (client secret, code verifier, tokens) never appear in exception messages or logs.
/// </remarks>
public sealed class MastodonOAuth
{
    /// <summary>The redirect URI that shows the code to the member instead of redirecting (for apps without a web server).</summary>
    public const string OutOfBandRedirectUri = "urn:ietf:wg:oauth:2.0:oob";

    private readonly Func<IMastodonApi> apiFactory;
    private readonly MastodonHttp http;

    /// <summary>Creates the helper over an <see cref="HttpClient"/> the caller owns.</summary>
    /// <param name="httpClient">The client; its <see cref="HttpClient.BaseAddress"/> is set to <paramref name="instance"/> when empty.</param>
    /// <param name="instance">The instance, for example <c>https://fashion.social/</c>.</param>
    /// <exception cref="CoCreationValidationException">The instance is not an absolute http(s) address.</exception>
    public MastodonOAuth(HttpClient httpClient, Uri instance)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        Instance = CheckInstance(instance);
        httpClient.BaseAddress ??= Instance;
        var api = MastodonRefit.Create(httpClient);
        apiFactory = () => api;
        http = new MastodonHttp(instance.Authority, TimeProvider.System, NullLogger.Instance);
    }

    internal MastodonOAuth(string name, Uri instance, Func<IMastodonApi> apiFactory, TimeProvider time, ILogger logger)
    {
        Instance = CheckInstance(instance);
        this.apiFactory = apiFactory;
        http = new MastodonHttp(name, time, logger);
    }

    /// <summary>Scopes the brand account's token needs for everything <see cref="MastodonConnector"/> does.</summary>
    public static IReadOnlyList<string> BrandScopes { get; } = ["read:statuses", "read:search", "read:notifications", "write:statuses"];

    /// <summary>
    /// Scopes a member's token needs for sign-in and for posting on the member's behalf. <c>profile</c> exists since
    /// Mastodon 4.3; on older instances ask for <c>read:accounts</c> instead.
    /// </summary>
    public static IReadOnlyList<string> MemberScopes { get; } = ["profile", "write:statuses"];

    /// <summary>The instance, ending with a slash.</summary>
    public Uri Instance { get; }

    /// <summary>Registers an OAuth application on the instance (<c>POST /api/v1/apps</c>).</summary>
    /// <param name="clientName">The name members see when they authorize it.</param>
    /// <param name="redirectUris">Where codes may be sent; <see cref="OutOfBandRedirectUri"/> shows the code instead.</param>
    /// <param name="scopes">The most the application may ask for, for example <see cref="MemberScopes"/>.</param>
    /// <param name="website">The application's home page, shown to members.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application with its client id and secret; store them.</returns>
    /// <exception cref="CoCreationValidationException">A value is blank or malformed.</exception>
    /// <exception cref="ProviderException">The instance refused or failed the registration.</exception>
    public async Task<MastodonApplication> RegisterApplicationAsync(string clientName, IReadOnlyList<string> redirectUris, IReadOnlyList<string> scopes, Uri? website = null, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(clientName, nameof(clientName));
        var uris = CheckList(redirectUris, nameof(redirectUris));
        var scopeList = CheckList(scopes, nameof(scopes));
        if (website is not null && !website.IsAbsoluteUri)
        {
            throw new CoCreationValidationException(nameof(website), "must be an absolute address.");
        }

        var body = new CreateAppRequestDto { ClientName = clientName.Trim(), RedirectUris = [.. uris], Scopes = string.Join(' ', scopeList), Website = website?.AbsoluteUri };
        var call = new HttpCall("POST /api/v1/apps", "no");
        var app = (await http.SendAsync(call, ct => Api.CreateAppAsync(body, ct), MastodonJsonContext.Default.CredentialApplicationDto, cancellationToken).ConfigureAwait(false)).Value;
        if (string.IsNullOrEmpty(app.ClientId) || string.IsNullOrEmpty(app.ClientSecret))
        {
            throw http.Malformed(call, null);
        }

        return new MastodonApplication(app.ClientId, app.ClientSecret)
        {
            Id = app.Id,
            Name = app.Name,
            RedirectUris = app.RedirectUris is { Count: > 0 } registered ? registered : uris,
            Scopes = app.Scopes is { Count: > 0 } granted ? granted : scopeList,
        };
    }

    /// <summary>Builds the URL that asks a member to authorize the application, with a fresh PKCE verifier (S256) and state.</summary>
    /// <param name="application">The registered application.</param>
    /// <param name="redirectUri">One of the application's redirect URIs.</param>
    /// <param name="scopes">The scopes to ask for, for example <see cref="MemberScopes"/>.</param>
    /// <param name="state">The state to round-trip; a random one when <see langword="null"/>.</param>
    /// <returns>The URL, the state and the verifier to keep until the member comes back.</returns>
    /// <exception cref="CoCreationValidationException">A value is blank or malformed.</exception>
    public MastodonAuthorizationRequest CreateAuthorizationRequest(MastodonApplication application, string redirectUri, IReadOnlyList<string> scopes, string? state = null)
    {
        ArgumentNullException.ThrowIfNull(application);
        CoCreationGuard.NotBlank(redirectUri, nameof(redirectUri));
        var scopeList = CheckList(scopes, nameof(scopes));
        var verifier = RandomToken(32);
        var actualState = string.IsNullOrWhiteSpace(state) ? RandomToken(16) : state;
        var query = new StringBuilder()
            .Append("response_type=code")
            .Append("&client_id=").Append(Uri.EscapeDataString(application.ClientId))
            .Append("&redirect_uri=").Append(Uri.EscapeDataString(redirectUri.Trim()))
            .Append("&scope=").Append(Uri.EscapeDataString(string.Join(' ', scopeList)))
            .Append("&state=").Append(Uri.EscapeDataString(actualState))
            .Append("&code_challenge=").Append(CodeChallenge(verifier))
            .Append("&code_challenge_method=S256");
        var url = new UriBuilder(new Uri(Instance, "oauth/authorize")) { Query = query.ToString() }.Uri;
        return new MastodonAuthorizationRequest(url, actualState, verifier, redirectUri.Trim(), scopeList);
    }

    /// <summary>Exchanges the code a member brought back for their access token (<c>POST /oauth/token</c>, authorization_code with PKCE).</summary>
    /// <param name="application">The registered application.</param>
    /// <param name="code">The code from the redirect.</param>
    /// <param name="redirectUri">The redirect URI used in the authorization request.</param>
    /// <param name="codeVerifier">The verifier of the authorization request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member's token.</returns>
    /// <exception cref="CoCreationValidationException">A value is blank.</exception>
    /// <exception cref="CredentialException">The code, verifier or client credentials were refused.</exception>
    /// <exception cref="ProviderException">The instance failed the call.</exception>
    public async Task<MastodonAccessToken> ExchangeCodeAsync(MastodonApplication application, string code, string redirectUri, string codeVerifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        CoCreationGuard.NotBlank(code, nameof(code));
        CoCreationGuard.NotBlank(redirectUri, nameof(redirectUri));
        CoCreationGuard.NotBlank(codeVerifier, nameof(codeVerifier));
        var body = new TokenRequestDto
        {
            GrantType = "authorization_code",
            Code = code.Trim(),
            ClientId = application.ClientId,
            ClientSecret = application.ClientSecret,
            RedirectUri = redirectUri.Trim(),
            CodeVerifier = codeVerifier,
        };
        var call = new HttpCall("POST /oauth/token", "client", Secrets: [application.ClientSecret]);
        TokenDto token;
        try
        {
            token = (await http.SendAsync(call, ct => Api.CreateTokenAsync(body, ct), MastodonJsonContext.Default.TokenDto, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.BadRequest && ex.ProviderErrorCode is "invalid_grant" or "invalid_client" or "unauthorized_client")
        {
            throw new CredentialException(ex.Provider, $"Mastodon refused the authorization code ({ex.ProviderErrorCode}): it is unknown, used, expired, or does not match the verifier, redirect URI or client.", ex);
        }

        if (string.IsNullOrEmpty(token.AccessToken))
        {
            throw http.Malformed(call, null);
        }

        var scopes = (token.Scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var createdAt = token.CreatedAt is { } seconds and > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds((long)seconds) : (DateTimeOffset?)null;
        return new MastodonAccessToken(token.AccessToken, string.IsNullOrEmpty(token.TokenType) ? "Bearer" : token.TokenType, scopes, createdAt);
    }

    /// <summary>Revokes a token (<c>POST /oauth/revoke</c>), for example when a member unlinks the account.</summary>
    /// <param name="application">The application that issued the token.</param>
    /// <param name="accessToken">The token to revoke.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the instance has revoked it.</returns>
    /// <exception cref="CoCreationValidationException">The token is blank.</exception>
    /// <exception cref="CredentialException">The client credentials were refused.</exception>
    /// <exception cref="ProviderException">The instance failed the call.</exception>
    public async Task RevokeTokenAsync(MastodonApplication application, string accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        CoCreationGuard.NotBlank(accessToken, nameof(accessToken));
        var body = new RevokeRequestDto { ClientId = application.ClientId, ClientSecret = application.ClientSecret, Token = accessToken };
        var call = new HttpCall("POST /oauth/revoke", "client", Secrets: [accessToken]);
        using var response = await http.SendRawAsync(call, ct => Api.RevokeTokenAsync(body, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The S256 code challenge of a verifier: base64url(SHA-256(verifier)) without padding (RFC 7636).</summary>
    internal static string CodeChallenge(string verifier) => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private IMastodonApi Api => apiFactory();

    private static string RandomToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Uri CheckInstance(Uri instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!instance.IsAbsoluteUri || (instance.Scheme != Uri.UriSchemeHttps && instance.Scheme != Uri.UriSchemeHttp))
        {
            throw new CoCreationValidationException(nameof(instance), "must be an absolute http or https address.");
        }

        return instance.AbsoluteUri.EndsWith('/') ? instance : new Uri(instance.AbsoluteUri + "/");
    }

    private static List<string> CheckList(IReadOnlyList<string>? values, string field)
    {
        if (values is null || values.Count == 0)
        {
            throw new CoCreationValidationException(field, "needs at least one value.");
        }

        var list = new List<string>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var value = CoCreationGuard.NotBlank(values[i], $"{field}[{i}]").Trim();
            if (value.Any(char.IsWhiteSpace))
            {
                throw new CoCreationValidationException($"{field}[{i}]", "must not contain spaces.");
            }

            list.Add(value);
        }

        return list;
    }
}
