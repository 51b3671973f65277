using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Bluesky;

/// <summary>Where a connector reads threads from.</summary>
public enum BlueskyReadMode
{
    /// <summary>
    /// Through the PDS's AppView (<c>app.bsky.feed.getPostThread</c>, <c>app.bsky.feed.searchPosts</c>,
    /// <c>app.bsky.notification.listNotifications</c>). The normal mode on the Bluesky network.
    /// </summary>
    AppView,

    /// <summary>
    /// Straight from the repositories the PDS hosts (<c>com.atproto.sync.listRepos</c> and
    /// <c>com.atproto.repo.listRecords</c>), for a self-hosted PDS without an AppView. Replies are found only among
    /// accounts on that PDS; search and notifications are not available. Each thread read scans every repository,
    /// so keep this mode to small community servers.
    /// </summary>
    PdsRepositories,
}

/// <summary>
/// Settings of one Bluesky connector (one brand account on one PDS), registered under a name with
/// <c>AddBluesky(name, …)</c>. Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="AppPassword"/>. Do not change an instance after the app has started.</remarks>
public sealed class BlueskyOptions
{
    /// <summary>The brand account's PDS, for example <c>https://bsky.social/</c>. Required.</summary>
    public Uri? Service { get; set; }

    /// <summary>The brand account's handle (<c>brand.bsky.social</c>) or DID. Required.</summary>
    public string? Identifier { get; set; }

    /// <summary>An app password of the brand account (never the main password). Required; keep it in a secret store.</summary>
    public string? AppPassword { get; set; }

    /// <summary>
    /// The chat service that direct messages are proxied to, as the value of the <c>atproto-proxy</c> header: a DID
    /// and a service id, for example <c>did:web:api.bsky.chat#bsky_chat</c>. When unset the connector reports no
    /// direct-message support. The app password must be allowed to use direct messages.
    /// </summary>
    public string? ChatService { get; set; }

    /// <summary>Where threads are read from. Default: <see cref="BlueskyReadMode.AppView"/>.</summary>
    public BlueskyReadMode ReadMode { get; set; } = BlueskyReadMode.AppView;

    /// <summary>How long one HTTP attempt may take. Default: 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with all its retries. Default: 30 seconds.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times a failed query (a GET) is retried (0 to 10). Default: 3. Procedures (POSTs) are never retried.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay when the server does not say how long to wait; later ones grow exponentially with jitter. Default: 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait a server may ask for (<c>Retry-After</c> or <c>RateLimit-Reset</c>) that a call still waits out
    /// and retries. A longer one fails the call at once with <see cref="RateLimitedException"/>, carrying the wait.
    /// Default: 10 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Returns a description without the app password.</summary>
    /// <returns>The service, identifier and whether a password is set.</returns>
    public override string ToString()
        => $"BlueskyOptions(Service = {Service}, Identifier = {Identifier}, AppPassword = {(string.IsNullOrEmpty(AppPassword) ? "(none)" : "***")}, ReadMode = {ReadMode})";
}

/// <summary>Validates <see cref="BlueskyOptions"/> when the app starts (and when a connector is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the app password.</remarks>
public sealed class BlueskyOptionsValidator : IValidateOptions<BlueskyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BlueskyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"Bluesky connector '{name}': ";
        var failures = new List<string>();
        if (options.Service is null)
        {
            failures.Add(prefix + "Service is required (the brand account's PDS, for example https://bsky.social/).");
        }
        else if (!options.Service.IsAbsoluteUri || (options.Service.Scheme != Uri.UriSchemeHttps && options.Service.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add(prefix + "Service must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(options.Service.Query) || !string.IsNullOrEmpty(options.Service.Fragment))
        {
            failures.Add(prefix + "Service must not have a query or fragment.");
        }

        if (string.IsNullOrWhiteSpace(options.Identifier))
        {
            failures.Add(prefix + "Identifier is required (the brand account's handle or DID).");
        }

        if (string.IsNullOrWhiteSpace(options.AppPassword))
        {
            failures.Add(prefix + "AppPassword is required (an app password of the brand account).");
        }

        if (options.ChatService is { } chat && (!chat.StartsWith("did:", StringComparison.Ordinal) || chat.IndexOf('#', StringComparison.Ordinal) is < 5 || chat.EndsWith('#') || chat.Any(char.IsWhiteSpace)))
        {
            failures.Add(prefix + "ChatService must be a DID and a service id, for example did:web:api.bsky.chat#bsky_chat.");
        }

        if (!Enum.IsDefined(options.ReadMode))
        {
            failures.Add(prefix + $"ReadMode '{options.ReadMode}' is not known.");
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
}
