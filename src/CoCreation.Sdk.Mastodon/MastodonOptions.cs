using CoCreation.Sdk.Http;

namespace CoCreation.Sdk.Mastodon;

/// <summary>
/// Settings of one Mastodon connector (one account on one instance), registered under a name with
/// <c>AddMastodon(name, …)</c>. Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks>
/// Timeouts and retries are inherited from <see cref="HttpAdapterOptions"/>; only reads, and posts that carry an
/// idempotency key, are ever retried. <see cref="ToString"/> never shows <see cref="AccessToken"/>. Instances are read by the options system;
/// do not change them after the app has started.
/// </remarks>
public sealed class MastodonOptions : HttpAdapterOptions
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

    /// <summary>Returns a description without the token.</summary>
    /// <returns>The instance and whether a token is set.</returns>
    public override string ToString() => $"MastodonOptions(Instance = {Instance}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="MastodonOptions"/> when the app starts (and when a connector is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the token.</remarks>
public sealed class MastodonOptionsValidator : AdapterOptionsValidator<MastodonOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "Mastodon connector";

    /// <inheritdoc />
    protected override void Check(MastodonOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.Instance, nameof(options.Instance), example: "https://fashion.social/");
        failures.RequireValue(options.AccessToken, nameof(options.AccessToken), "the brand account's token");
        failures.Require(options.CapabilitiesRefreshInterval > TimeSpan.Zero, nameof(options.CapabilitiesRefreshInterval), "must be positive.");
    }
}
