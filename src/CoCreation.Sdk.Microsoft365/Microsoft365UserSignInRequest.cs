namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// One started sign-in of a user (authorization code + PKCE): the address to send the browser to, and what the
/// redemption needs from the same request. Keep it server-side (for example in the session) until the user comes back.
/// </summary>
/// <remarks><see cref="CodeVerifier"/> is secret: it never appears in <see cref="ToString"/>, logs or exception messages.</remarks>
public sealed class Microsoft365UserSignInRequest
{
    /// <summary>Creates a request; <see cref="Microsoft365UserSignIn.StartAsync"/> is the usual way.</summary>
    /// <param name="authorizationUrl">The authorization endpoint address with every parameter of the request.</param>
    /// <param name="state">The opaque value the identity provider echoes back in the redirect.</param>
    /// <param name="codeVerifier">The PKCE code verifier whose S256 challenge is in <paramref name="authorizationUrl"/>.</param>
    /// <param name="scopes">The scopes asked for.</param>
    /// <param name="tenantId">The tenant signed in to, or <see langword="null"/> for the options' own tenant.</param>
    public Microsoft365UserSignInRequest(Uri authorizationUrl, string state, string codeVerifier, IReadOnlyList<string> scopes, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(authorizationUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(codeVerifier);
        ArgumentNullException.ThrowIfNull(scopes);
        AuthorizationUrl = authorizationUrl;
        State = state;
        CodeVerifier = codeVerifier;
        Scopes = scopes;
        TenantId = tenantId;
    }

    /// <summary>The address to send the user's browser to.</summary>
    public Uri AuthorizationUrl { get; }

    /// <summary>The opaque value the identity provider echoes back; the redirect is refused when it differs.</summary>
    public string State { get; }

    /// <summary>The PKCE code verifier (secret) that proves the redemption comes from whoever started the request.</summary>
    public string CodeVerifier { get; }

    /// <summary>The scopes asked for.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The tenant signed in to, or <see langword="null"/> for <see cref="Microsoft365Options.TenantId"/>.</summary>
    public string? TenantId { get; }

    /// <inheritdoc />
    public override string ToString() => $"Microsoft365UserSignInRequest(TenantId = {TenantId ?? "(default)"}, Scopes = {string.Join(' ', Scopes)})";
}
