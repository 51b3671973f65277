using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Mastodon;

/// <summary>An OAuth application registered on a Mastodon instance (<c>POST /api/v1/apps</c>).</summary>
/// <remarks>Store it once per instance and reuse it. <see cref="ToString"/> never shows <see cref="ClientSecret"/>.</remarks>
public sealed class MastodonApplication
{
    /// <summary>Creates an application from stored credentials.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret.</param>
    /// <exception cref="CoCreationValidationException">A value is blank.</exception>
    public MastodonApplication(string clientId, string clientSecret)
    {
        ClientId = CoCreationGuard.NotBlank(clientId, nameof(ClientId));
        ClientSecret = CoCreationGuard.NotBlank(clientSecret, nameof(ClientSecret));
    }

    /// <summary>The client id (public).</summary>
    public string ClientId { get; }

    /// <summary>The client secret. Never log it.</summary>
    public string ClientSecret { get; }

    /// <summary>The application's id on the instance, where known.</summary>
    public string? Id { get; init; }

    /// <summary>The name people see when they authorize it, where known.</summary>
    public string? Name { get; init; }

    /// <summary>The redirect URIs it was registered with.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>The scopes it was registered with.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Returns a description without the secret.</summary>
    /// <returns>The client id and name.</returns>
    public override string ToString() => $"MastodonApplication(ClientId = {ClientId}, Name = {Name}, ClientSecret = ***)";
}

/// <summary>
/// An authorization request to send a member to (<c>GET /oauth/authorize</c>) with PKCE (S256). Keep
/// <see cref="State"/> and <see cref="CodeVerifier"/> on the server side until the member comes back.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="CodeVerifier"/>.</remarks>
public sealed class MastodonAuthorizationRequest
{
    internal MastodonAuthorizationRequest(Uri authorizeUrl, string state, string codeVerifier, string redirectUri, IReadOnlyList<string> scopes)
    {
        AuthorizeUrl = authorizeUrl;
        State = state;
        CodeVerifier = codeVerifier;
        RedirectUri = redirectUri;
        Scopes = scopes;
    }

    /// <summary>Where to send the member's browser.</summary>
    public Uri AuthorizeUrl { get; }

    /// <summary>The value the instance returns with the code; compare it before exchanging the code.</summary>
    public string State { get; }

    /// <summary>The PKCE verifier to pass to <see cref="MastodonOAuth.ExchangeCodeAsync"/>. Never log it or send it to the browser.</summary>
    public string CodeVerifier { get; }

    /// <summary>The redirect URI the code will be sent to.</summary>
    public string RedirectUri { get; }

    /// <summary>The scopes requested.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Returns a description without the verifier.</summary>
    /// <returns>The URL and state.</returns>
    public override string ToString() => $"MastodonAuthorizationRequest(AuthorizeUrl = {AuthorizeUrl}, State = {State}, CodeVerifier = ***)";
}

/// <summary>An access token issued by <c>POST /oauth/token</c>.</summary>
/// <remarks><see cref="ToString"/> never shows <see cref="AccessToken"/>.</remarks>
public sealed class MastodonAccessToken
{
    internal MastodonAccessToken(string accessToken, string tokenType, IReadOnlyList<string> scopes, DateTimeOffset? createdAt)
    {
        AccessToken = accessToken;
        TokenType = tokenType;
        Scopes = scopes;
        CreatedAt = createdAt;
    }

    /// <summary>The token. Never log it; store it encrypted.</summary>
    public string AccessToken { get; }

    /// <summary>The token type, <c>Bearer</c>.</summary>
    public string TokenType { get; }

    /// <summary>The scopes granted, which may be fewer than requested.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>When the instance issued it, where it said.</summary>
    public DateTimeOffset? CreatedAt { get; }

    /// <summary>Wraps the token as a credential for <see cref="ISnsConnector.VerifyCredentialsAsync"/> and <see cref="PostRequest.Author"/>.</summary>
    /// <returns>The credential.</returns>
    public SnsCredential ToCredential() => new(AccessToken);

    /// <summary>Returns a description without the token.</summary>
    /// <returns>The type and scopes.</returns>
    public override string ToString() => $"MastodonAccessToken({TokenType}, Scopes = {string.Join(' ', Scopes)}, AccessToken = ***)";
}
