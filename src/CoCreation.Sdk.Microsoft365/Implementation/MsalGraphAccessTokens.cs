namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>The MSAL confidential client behind <see cref="IGraphAccessTokens"/>. Placeholder until the MSAL sign-in lands.</summary>
internal sealed class MsalGraphAccessTokens : IGraphAccessTokens
{
    private MsalGraphAccessTokens()
    {
    }

    /// <summary>Creates the token source of one adapter.</summary>
    /// <param name="options">The adapter's options.</param>
    /// <param name="httpClient">Creates the HTTP client MSAL talks to the authority with.</param>
    /// <param name="time">The clock.</param>
    /// <returns>The token source.</returns>
    public static MsalGraphAccessTokens Create(Microsoft365Options options, Func<HttpClient> httpClient, TimeProvider time)
        => throw new NotSupportedException("MSAL sign-in is being built (issue 16).");

    /// <inheritdoc />
    public ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
        => throw new NotSupportedException("MSAL sign-in is being built (issue 16).");
}
