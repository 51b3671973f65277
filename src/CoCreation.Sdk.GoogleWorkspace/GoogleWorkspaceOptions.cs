using System.Security.Cryptography;
using CoCreation.Sdk.GoogleWorkspace.Implementation;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.GoogleWorkspace;

/// <summary>
/// Settings of one Google Workspace adapter, registered under a name with <c>AddGoogleWorkspace(name, …)</c>.
/// Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one credential is set: a service account (<see cref="ServiceAccountKeyJson"/>, <see cref="ServiceAccountKeyFile"/>,
/// or <see cref="ServiceAccountEmail"/> with <see cref="ServiceAccountPrivateKey"/>; optionally <see cref="DelegatedUser"/>
/// for domain-wide delegation), or a user's OAuth tokens (<see cref="ClientId"/>, <see cref="ClientSecret"/> and
/// <see cref="RefreshToken"/>, optionally a current <see cref="AccessToken"/>). Google.Apis.Auth fetches and refreshes
/// access tokens.
/// </para>
/// <para><see cref="ToString"/> never shows a key, secret or token. Do not change an instance after the app has started.</para>
/// </remarks>
public sealed class GoogleWorkspaceOptions
{
    /// <summary>The scopes the adapter needs when it creates its own folders and calendars: <c>drive.file</c>, <c>calendar.app.created</c> and <c>calendar.acls</c>.</summary>
    public static IReadOnlyList<string> DefaultScopes { get; } =
    [
        "https://www.googleapis.com/auth/drive.file",
        "https://www.googleapis.com/auth/calendar.app.created",
        "https://www.googleapis.com/auth/calendar.acls",
    ];

    /// <summary>Where Drive v3 and Calendar v3 are served (their discovery <c>rootUrl</c>). Default: <c>https://www.googleapis.com/</c>.</summary>
    public Uri ApiBaseAddress { get; set; } = new("https://www.googleapis.com/");

    /// <summary>The OAuth token endpoint. Default: the key file's <c>token_uri</c>, else <c>https://oauth2.googleapis.com/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>A service account's JSON key (the file's content). Keep it in a secret store.</summary>
    public string? ServiceAccountKeyJson { get; set; }

    /// <summary>The path of a service account's JSON key file.</summary>
    public string? ServiceAccountKeyFile { get; set; }

    /// <summary>A service account's e-mail address, used with <see cref="ServiceAccountPrivateKey"/>.</summary>
    public string? ServiceAccountEmail { get; set; }

    /// <summary>A service account's RSA private key in PEM (<c>-----BEGIN PRIVATE KEY-----</c>), used with <see cref="ServiceAccountEmail"/>.</summary>
    public string? ServiceAccountPrivateKey { get; set; }

    /// <summary>The user a service account acts as through domain-wide delegation (the JWT's <c>sub</c>); none by default.</summary>
    public string? DelegatedUser { get; set; }

    /// <summary>The OAuth client id, for a user's tokens.</summary>
    public string? ClientId { get; set; }

    /// <summary>The OAuth client secret, for a user's tokens.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The user's refresh token.</summary>
    public string? RefreshToken { get; set; }

    /// <summary>The user's current access token, used until it expires (see <see cref="AccessTokenExpiresAt"/>); optional.</summary>
    public string? AccessToken { get; set; }

    /// <summary>When <see cref="AccessToken"/> expires. Without it the token is treated as fresh for an hour from start.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    /// <summary>The OAuth scopes asked for. Default: <see cref="DefaultScopes"/>.</summary>
    public IList<string> Scopes { get; set; } = [.. DefaultScopes];

    /// <summary>The Drive folder new workspace folders are created in; the account's root (or <see cref="SharedDriveId"/>) when unset.</summary>
    public string? ParentFolderId { get; set; }

    /// <summary>The shared drive new workspace folders are created in, when <see cref="ParentFolderId"/> is unset.</summary>
    public string? SharedDriveId { get; set; }

    /// <summary>Whether Drive e-mails members when a folder is shared with them (<c>sendNotificationEmail</c>). Default: <see langword="true"/>.</summary>
    public bool SendNotificationEmail { get; set; } = true;

    /// <summary>Who Calendar e-mails about new entries (<c>sendUpdates</c>): <c>all</c>, <c>externalOnly</c> or <c>none</c>. Default: <c>all</c>.</summary>
    public string SendUpdates { get; set; } = "all";

    /// <summary>The HTTPS address Google sends push notifications to (<c>changes.watch</c>, <c>events.watch</c>); push is off when unset.</summary>
    public Uri? PushAddress { get; set; }

    /// <summary>How long a push channel is asked to live. Default: 1 day (Google caps it at about a week).</summary>
    public TimeSpan PushChannelLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long before its expiry a push channel is replaced. Default: 1 hour.</summary>
    public TimeSpan PushChannelRenewBefore { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one HTTP attempt may take. Default: 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take with all its retries. Default: 2 minutes.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many times a transient failure (5xx, 429, rate-limit 403, timeout) is retried (0 to 10). Default: 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay; later ones grow exponentially with jitter (Google's truncated exponential back-off). Default: 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> a call still waits out; a longer one fails the call with <see cref="RateLimitedException"/> at once. Default: 30 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    internal bool UsesServiceAccount
        => !string.IsNullOrWhiteSpace(ServiceAccountKeyJson) || !string.IsNullOrWhiteSpace(ServiceAccountKeyFile)
            || !string.IsNullOrWhiteSpace(ServiceAccountEmail) || !string.IsNullOrWhiteSpace(ServiceAccountPrivateKey);

    internal bool UsesUserTokens
        => !string.IsNullOrWhiteSpace(ClientId) || !string.IsNullOrWhiteSpace(ClientSecret) || !string.IsNullOrWhiteSpace(RefreshToken) || !string.IsNullOrWhiteSpace(AccessToken);

    /// <summary>Returns a description without keys, secrets or tokens.</summary>
    /// <returns>The base address, the kind of credential and the parent folder.</returns>
    public override string ToString()
        => $"GoogleWorkspaceOptions(ApiBaseAddress = {ApiBaseAddress}, Credential = {(UsesServiceAccount ? "service account" : UsesUserTokens ? "user tokens" : "(none)")}, DelegatedUser = {(string.IsNullOrEmpty(DelegatedUser) ? "(none)" : "set")}, ParentFolderId = {ParentFolderId ?? "(root)"})";
}

/// <summary>Validates <see cref="GoogleWorkspaceOptions"/> when the app starts (and when the adapter is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain a key, secret or token.</remarks>
public sealed class GoogleWorkspaceOptionsValidator : IValidateOptions<GoogleWorkspaceOptions>
{
    private static readonly string[] SendUpdatesValues = ["all", "externalOnly", "none"];

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, GoogleWorkspaceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"Google Workspace adapter '{name}': ";
        var failures = new List<string>();
        CheckAddress(options.ApiBaseAddress, "ApiBaseAddress", required: true, httpsOnly: false, prefix, failures);
        CheckAddress(options.TokenEndpoint, "TokenEndpoint", required: false, httpsOnly: false, prefix, failures);
        CheckAddress(options.PushAddress, "PushAddress", required: false, httpsOnly: true, prefix, failures);
        CheckCredential(options, prefix, failures);

        if (options.Scopes is null || options.Scopes.Count == 0 || options.Scopes.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add(prefix + "Scopes must name at least one scope and no blank one.");
        }

        if (!string.IsNullOrWhiteSpace(options.ParentFolderId) && !string.IsNullOrWhiteSpace(options.SharedDriveId))
        {
            failures.Add(prefix + "set ParentFolderId or SharedDriveId, not both (a folder inside a shared drive is named by ParentFolderId alone).");
        }

        if (!SendUpdatesValues.Contains(options.SendUpdates, StringComparer.Ordinal))
        {
            failures.Add(prefix + $"SendUpdates must be one of {string.Join(", ", SendUpdatesValues)} (was '{options.SendUpdates}').");
        }

        if (options.PushChannelLifetime < TimeSpan.FromMinutes(5) || options.PushChannelLifetime > TimeSpan.FromDays(30))
        {
            failures.Add(prefix + "PushChannelLifetime must be between 5 minutes and 30 days.");
        }

        if (options.PushChannelRenewBefore <= TimeSpan.Zero || options.PushChannelRenewBefore >= options.PushChannelLifetime)
        {
            failures.Add(prefix + "PushChannelRenewBefore must be positive and shorter than PushChannelLifetime.");
        }

        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10))
        {
            failures.Add(prefix + "AttemptTimeout must be at least 10 ms.");
        }

        if (options.TotalRequestTimeout < options.AttemptTimeout)
        {
            failures.Add(prefix + "TotalRequestTimeout must be at least AttemptTimeout.");
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add(prefix + $"MaxRetryAttempts must be between 0 and 10 (was {options.MaxRetryAttempts}).");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromDays(1))
        {
            failures.Add(prefix + "RetryBaseDelay must be between 0 and 1 day.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add(prefix + "MaxRetryAfter must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAddress(Uri? address, string field, bool required, bool httpsOnly, string prefix, List<string> failures)
    {
        if (address is null)
        {
            if (required)
            {
                failures.Add(prefix + $"{field} is required.");
            }

            return;
        }

        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && (httpsOnly || address.Scheme != Uri.UriSchemeHttp)))
        {
            failures.Add(prefix + (httpsOnly ? $"{field} must be an absolute https address (Google only pushes to HTTPS)." : $"{field} must be an absolute http or https address."));
        }
    }

    private static void CheckCredential(GoogleWorkspaceOptions options, string prefix, List<string> failures)
    {
        if (options.UsesServiceAccount && options.UsesUserTokens)
        {
            failures.Add(prefix + "set either a service account or a user's OAuth tokens, not both.");
            return;
        }

        if (options.UsesServiceAccount)
        {
            var sources = new[] { !string.IsNullOrWhiteSpace(options.ServiceAccountKeyJson), !string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile), !string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || !string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey) }.Count(s => s);
            if (sources != 1)
            {
                failures.Add(prefix + "set exactly one of ServiceAccountKeyJson, ServiceAccountKeyFile, or ServiceAccountEmail with ServiceAccountPrivateKey.");
                return;
            }

            if (!string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile) && !File.Exists(options.ServiceAccountKeyFile))
            {
                failures.Add(prefix + "ServiceAccountKeyFile names a file that does not exist.");
            }
            else if (!string.IsNullOrWhiteSpace(options.ServiceAccountKeyJson) && !ServiceAccountKey.TryParse(options.ServiceAccountKeyJson, out _))
            {
                failures.Add(prefix + "ServiceAccountKeyJson is not a service account JSON key (it needs type 'service_account', client_email and private_key).");
            }
            else if (!string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || !string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey))
            {
                if (string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey))
                {
                    failures.Add(prefix + "ServiceAccountEmail and ServiceAccountPrivateKey go together.");
                }
                else if (!IsRsaPrivateKey(options.ServiceAccountPrivateKey))
                {
                    failures.Add(prefix + "ServiceAccountPrivateKey is not an RSA private key in PEM.");
                }
            }

            if (!string.IsNullOrWhiteSpace(options.DelegatedUser) && !IsEmail(options.DelegatedUser))
            {
                failures.Add(prefix + "DelegatedUser must be an e-mail address.");
            }

            return;
        }

        if (options.UsesUserTokens)
        {
            if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret) || string.IsNullOrWhiteSpace(options.RefreshToken))
            {
                failures.Add(prefix + "a user's OAuth tokens need ClientId, ClientSecret and RefreshToken (AccessToken is optional).");
            }

            if (!string.IsNullOrWhiteSpace(options.DelegatedUser))
            {
                failures.Add(prefix + "DelegatedUser applies to service accounts only.");
            }

            return;
        }

        failures.Add(prefix + "a credential is required: a service account key, or a user's ClientId, ClientSecret and RefreshToken.");
    }

    internal static bool IsRsaPrivateKey(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static bool IsEmail(string value)
    {
        try
        {
            CoCreationGuard.Email(value, "DelegatedUser");
            return true;
        }
        catch (CoCreationValidationException)
        {
            return false;
        }
    }
}
