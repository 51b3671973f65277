namespace CoCreation.Sdk.Microsoft365;

/// <summary>A signed-in user's access token and who the user is.</summary>
/// <remarks><see cref="AccessToken"/> is secret: it never appears in <see cref="ToString"/>, logs or exception messages.</remarks>
public sealed class Microsoft365UserSignInResult
{
    /// <summary>Creates a result; <see cref="Microsoft365UserSignIn"/> is the usual way.</summary>
    /// <param name="accountId">The account id that finds the user's tokens in the cache again.</param>
    /// <param name="userName">The user's sign-in name, where the identity provider gave one.</param>
    /// <param name="tenantId">The tenant signed in to, or <see langword="null"/> for the options' own tenant.</param>
    /// <param name="accessToken">The bearer token.</param>
    /// <param name="expiresOn">When the token expires.</param>
    /// <param name="scopes">The scopes the token was granted.</param>
    /// <param name="fromCache">Whether the token came from the cache rather than the identity provider.</param>
    public Microsoft365UserSignInResult(string accountId, string? userName, string? tenantId, string accessToken, DateTimeOffset expiresOn, IReadOnlyList<string> scopes, bool fromCache)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        ArgumentNullException.ThrowIfNull(scopes);
        AccountId = accountId;
        UserName = userName;
        TenantId = tenantId;
        AccessToken = accessToken;
        ExpiresOn = expiresOn;
        Scopes = scopes;
        FromCache = fromCache;
    }

    /// <summary>The account id (MSAL's home account id) that finds the user's tokens in the cache again.</summary>
    public string AccountId { get; }

    /// <summary>The user's sign-in name, where the identity provider gave one.</summary>
    public string? UserName { get; }

    /// <summary>The tenant signed in to, or <see langword="null"/> for <see cref="Microsoft365Options.TenantId"/>.</summary>
    public string? TenantId { get; }

    /// <summary>The bearer token for Graph requests made on the user's behalf; never log it.</summary>
    public string AccessToken { get; }

    /// <summary>When <see cref="AccessToken"/> expires.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>The scopes the token was granted.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Whether the token came from the cache rather than from the identity provider.</summary>
    public bool FromCache { get; }

    /// <inheritdoc />
    public override string ToString() => $"Microsoft365UserSignInResult(AccountId = {AccountId}, UserName = {UserName ?? "(none)"}, ExpiresOn = {ExpiresOn:O}, FromCache = {FromCache})";
}
