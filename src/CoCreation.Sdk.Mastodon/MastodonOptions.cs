using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Mastodon;

/// <summary>
/// Settings of one Mastodon connector (one account on one instance), registered under a name with
/// <c>AddMastodon(name, …)</c>. Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks>
/// <see cref="ToString"/> never shows <see cref="AccessToken"/>. Instances are read by the options system;
/// do not change them after the app has started.
/// </remarks>
public sealed class MastodonOptions
{
    /// <summary>The instance's base address, for example <c>https://fashion.social/</c>. Required.</summary>
    public Uri? Instance { get; set; }

    /// <summary>
    /// The brand account's access token (scopes <c>read:statuses read:search read:notifications write:statuses</c>).
    /// Required. Keep it in a secret store, not in a checked-in file.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>How long instance limits read from <c>GET /api/v2/instance</c> are reused before they are read again. Default: 1 hour.</summary>
    public TimeSpan CapabilitiesRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one HTTP attempt may take. Default: 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with all its retries. Default: 30 seconds.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a failed call is retried (0 to 10). Default: 3. Only reads, and posts that carry an
    /// idempotency key, are ever retried.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay when the server does not say how long to wait; later ones grow exponentially with jitter. Default: 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait a server may ask for (<c>Retry-After</c> or <c>X-RateLimit-Reset</c>) that a call still
    /// waits out and retries. A longer one fails the call at once with <see cref="RateLimitedException"/> or a
    /// transient <see cref="ProviderException"/> carrying the wait, for the caller to reschedule. Default: 10 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Returns a description without the token.</summary>
    /// <returns>The instance and whether a token is set.</returns>
    public override string ToString() => $"MastodonOptions(Instance = {Instance}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="MastodonOptions"/> when the app starts (and when a connector is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the token.</remarks>
public sealed class MastodonOptionsValidator : IValidateOptions<MastodonOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MastodonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"Mastodon connector '{name}': ";
        var failures = new List<string>();
        if (options.Instance is null)
        {
            failures.Add(prefix + "Instance is required (for example https://fashion.social/).");
        }
        else if (!options.Instance.IsAbsoluteUri || (options.Instance.Scheme != Uri.UriSchemeHttps && options.Instance.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add(prefix + "Instance must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(options.Instance.Query) || !string.IsNullOrEmpty(options.Instance.Fragment))
        {
            failures.Add(prefix + "Instance must not have a query or fragment.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            failures.Add(prefix + "AccessToken is required (the brand account's token).");
        }

        if (options.CapabilitiesRefreshInterval <= TimeSpan.Zero)
        {
            failures.Add(prefix + "CapabilitiesRefreshInterval must be positive.");
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
