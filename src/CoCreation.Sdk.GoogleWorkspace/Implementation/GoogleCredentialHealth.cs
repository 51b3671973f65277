using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>How a Google Workspace adapter's credential is named in health records and alerts.</summary>
internal static class GoogleCredentialHealth
{
    public const string Platform = "google-workspace";

    /// <summary>The token endpoint's answer that means the refresh token or key will never work again.</summary>
    public const string InvalidGrant = "invalid_grant";

    /// <summary>
    /// The service account's email for a service account, else the OAuth client id for user tokens: names a person can
    /// look up in the Google console, never a key or token. The delegated user is left out as personal data.
    /// </summary>
    public static CredentialRef For(string name, GoogleWorkspaceOptions options)
    {
        string account;
        if (!options.UsesServiceAccount)
        {
            account = "oauth-client " + (options.ClientId ?? "(none)");
        }
        else if (!string.IsNullOrWhiteSpace(options.ServiceAccountEmail))
        {
            account = options.ServiceAccountEmail;
        }
        else
        {
            var json = options.ServiceAccountKeyJson;
            if (string.IsNullOrWhiteSpace(json) && !string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile) && File.Exists(options.ServiceAccountKeyFile))
            {
                json = File.ReadAllText(options.ServiceAccountKeyFile);
            }

            account = json is not null && ServiceAccountKey.TryParse(json, out var key) ? key!.ClientEmail : "service-account";
        }

        return new CredentialRef(name, Platform, account.Trim());
    }
}
