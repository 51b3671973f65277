using System.Security.Cryptography;
using CoCreation.Sdk.GoogleWorkspace.Implementation;
using CoCreation.Sdk.Http;

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
public sealed class GoogleWorkspaceOptions : HttpAdapterOptions
{
    /// <summary>
    /// Creates options with Google's defaults: 30 seconds per attempt, 2 minutes per call, and a <c>Retry-After</c> of
    /// up to 30 seconds waited out. Transient failures (5xx, 429, rate-limit 403, timeouts) are retried with Google's
    /// truncated exponential back-off; a POST only after a rate-limit answer.
    /// </summary>
    public GoogleWorkspaceOptions()
    {
        AttemptTimeout = TimeSpan.FromSeconds(30);
        TotalRequestTimeout = TimeSpan.FromMinutes(2);
        MaxRetryAfter = TimeSpan.FromSeconds(30);
    }

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
public sealed class GoogleWorkspaceOptionsValidator : AdapterOptionsValidator<GoogleWorkspaceOptions>
{
    private static readonly string[] SendUpdatesValues = ["all", "externalOnly", "none"];

    /// <inheritdoc />
    protected override string AdapterKind => "Google Workspace adapter";

    /// <inheritdoc />
    protected override void Check(GoogleWorkspaceOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.ApiBaseAddress, nameof(options.ApiBaseAddress));
        failures.RequireBaseAddress(options.TokenEndpoint, nameof(options.TokenEndpoint), required: false);
        failures.RequireBaseAddress(options.PushAddress, nameof(options.PushAddress), required: false, httpsOnly: true);
        CheckCredential(options, failures);
        failures.Require(options.Scopes is { Count: > 0 } scopes && !scopes.Any(string.IsNullOrWhiteSpace), nameof(options.Scopes), "must name at least one scope and no blank one.");
        if (!string.IsNullOrWhiteSpace(options.ParentFolderId) && !string.IsNullOrWhiteSpace(options.SharedDriveId))
        {
            failures.AddGeneral("set ParentFolderId or SharedDriveId, not both (a folder inside a shared drive is named by ParentFolderId alone).");
        }

        failures.Require(SendUpdatesValues.Contains(options.SendUpdates, StringComparer.Ordinal), nameof(options.SendUpdates), $"must be one of {string.Join(", ", SendUpdatesValues)} (was '{options.SendUpdates}').");
        failures.Require(options.PushChannelLifetime >= TimeSpan.FromMinutes(5) && options.PushChannelLifetime <= TimeSpan.FromDays(30), nameof(options.PushChannelLifetime), "must be between 5 minutes and 30 days.");
        failures.Require(options.PushChannelRenewBefore > TimeSpan.Zero && options.PushChannelRenewBefore < options.PushChannelLifetime, nameof(options.PushChannelRenewBefore), "must be positive and shorter than PushChannelLifetime.");
    }

    private static void CheckCredential(GoogleWorkspaceOptions options, OptionsFailures failures)
    {
        if (options.UsesServiceAccount && options.UsesUserTokens)
        {
            failures.AddGeneral("set either a service account or a user's OAuth tokens, not both.");
            return;
        }

        if (options.UsesServiceAccount)
        {
            var sources = new[] { !string.IsNullOrWhiteSpace(options.ServiceAccountKeyJson), !string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile), !string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || !string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey) }.Count(s => s);
            if (sources != 1)
            {
                failures.AddGeneral("set exactly one of ServiceAccountKeyJson, ServiceAccountKeyFile, or ServiceAccountEmail with ServiceAccountPrivateKey.");
                return;
            }

            if (!string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile) && !File.Exists(options.ServiceAccountKeyFile))
            {
                failures.AddGeneral("ServiceAccountKeyFile names a file that does not exist.");
            }
            else if (!string.IsNullOrWhiteSpace(options.ServiceAccountKeyJson) && !ServiceAccountKey.TryParse(options.ServiceAccountKeyJson, out _))
            {
                failures.AddGeneral("ServiceAccountKeyJson is not a service account JSON key (it needs type 'service_account', client_email and private_key).");
            }
            else if (!string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || !string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey))
            {
                if (string.IsNullOrWhiteSpace(options.ServiceAccountEmail) || string.IsNullOrWhiteSpace(options.ServiceAccountPrivateKey))
                {
                    failures.AddGeneral("ServiceAccountEmail and ServiceAccountPrivateKey go together.");
                }
                else if (!IsRsaPrivateKey(options.ServiceAccountPrivateKey))
                {
                    failures.AddGeneral("ServiceAccountPrivateKey is not an RSA private key in PEM.");
                }
            }

            if (!string.IsNullOrWhiteSpace(options.DelegatedUser) && !IsEmail(options.DelegatedUser))
            {
                failures.AddGeneral("DelegatedUser must be an e-mail address.");
            }

            return;
        }

        if (options.UsesUserTokens)
        {
            if (string.IsNullOrWhiteSpace(options.ClientId) || string.IsNullOrWhiteSpace(options.ClientSecret) || string.IsNullOrWhiteSpace(options.RefreshToken))
            {
                failures.AddGeneral("a user's OAuth tokens need ClientId, ClientSecret and RefreshToken (AccessToken is optional).");
            }

            if (!string.IsNullOrWhiteSpace(options.DelegatedUser))
            {
                failures.AddGeneral("DelegatedUser applies to service accounts only.");
            }

            return;
        }

        failures.AddGeneral("a credential is required: a service account key, or a user's ClientId, ClientSecret and RefreshToken.");
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
