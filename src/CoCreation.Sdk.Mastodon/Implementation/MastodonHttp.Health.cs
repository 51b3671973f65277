using CoCreation.Sdk.Http;
using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>
/// The brand token's health. Mastodon access tokens do not expire and have no refresh token, so a 401 on a brand call
/// means the token was revoked or is invalid (<c>invalid_token</c>): nothing but a new authorisation helps.
/// </summary>
internal sealed partial class MastodonHttp
{
    /// <summary>Where the brand token's health is reported.</summary>
    public ICredentialHealthReporter Health { get; set; } = NullCredentialHealthReporter.Instance;

    /// <summary>The brand credential, where this client sends with one; <see langword="null"/> for OAuth flows.</summary>
    public CredentialRef? BrandCredential { get; set; }

    private Task BrandTokenAcceptedAsync(HttpCall call)
        => call.CredentialOwner == "brand" && BrandCredential is { } brand
            ? Health.ReportHealthyAsync(brand, CancellationToken.None)
            : Task.CompletedTask;

    private async Task<Exception> BrandTokenCheckedAsync(HttpCall call, CredentialException mapped)
    {
        // The shared layer maps a 401 (and only that) to CredentialException; a member's refused token says nothing of the brand's.
        if (call.CredentialOwner != "brand" || BrandCredential is not { } brand)
        {
            return mapped;
        }

        const string reason = "the instance refused the brand access token (invalid_token: revoked or unknown)";
        await Health.ReportNeedsReauthAsync(brand, reason, CancellationToken.None).ConfigureAwait(false);
        return new ReauthorizationRequiredException(brand, reason, mapped.Message + " Authorise the brand account again and put the new access token in the settings.", mapped);
    }
}
