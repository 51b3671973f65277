using CoCreation.Sdk.Bluesky.Implementation;
using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Bluesky;

/// <summary>The brand session's renewal and the credential health it reports.</summary>
public sealed partial class BlueskyConnector
{
    private readonly SingleFlightRefresher<BlueskySession> brandSessions = new();

    /// <summary>Where the brand credential's health is reported; the core's monitor when one is registered.</summary>
    internal ICredentialHealthReporter HealthReporter { get; init; } = NullCredentialHealthReporter.Instance;

    /// <summary>The brand's credential as health records name it: the connector, <c>bluesky</c> and the brand's identifier.</summary>
    internal CredentialRef BrandCredential => new(Metadata.Name, "bluesky", options.Identifier!.Trim());

    /// <summary>
    /// Renews the brand session: trades the refresh token (<c>refreshSession</c> rotates it), or signs in with the app
    /// password when there is no session yet or the refresh token has expired or was revoked. Runs once at a time.
    /// </summary>
    private async Task<BlueskySession> RenewBrandSessionAsync(BlueskySession? current, CancellationToken cancellationToken)
    {
        if (current is not null)
        {
            Log.RefreshingBrandSession(logger, Metadata.Name);
            try
            {
                return await RefreshSessionCoreAsync(current.RefreshJwt, "brand", cancellationToken).ConfigureAwait(false);
            }
            catch (CredentialException)
            {
                // The refresh token has expired or was revoked: sign in again with the app password.
            }
        }

        BlueskySession renewed;
        try
        {
            renewed = await CreateSessionCoreAsync(options.Identifier!.Trim(), options.AppPassword!, "brand", cancellationToken).ConfigureAwait(false);
        }
        catch (CredentialException ex) when (ex is not ReauthorizationRequiredException)
        {
            var reason = current is null
                ? "the app password was refused"
                : "the refresh token expired or was revoked and the app password was refused";
            throw new ReauthorizationRequiredException(
                BrandCredential,
                reason,
                $"Bluesky ({Metadata.Name}) needs the brand account {BrandCredential.Account} authorised again: {reason}. Create a new app password and put it in the settings.",
                ex);
        }

        Log.BrandSignedIn(logger, Metadata.Name, renewed.Did);
        return renewed;
    }
}
