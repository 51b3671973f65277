namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Gives the bearer token Graph requests carry. The MSAL confidential client is the production implementation.</summary>
internal interface IGraphAccessTokens
{
    /// <summary>Returns a current access token, from the cache unless <paramref name="forceRefresh"/> is set.</summary>
    /// <param name="forceRefresh">Skip the cache (after Graph answered 401 to the cached token).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The access token; never logged.</returns>
    ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken);
}
