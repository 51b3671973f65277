using CoCreation.Sdk.Http;

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
/// <remarks>Timeouts and retries are inherited from <see cref="HttpAdapterOptions"/>; only queries (GETs) are ever retried, procedures (POSTs) never. <see cref="ToString"/> never shows <see cref="AppPassword"/>. Do not change an instance after the app has started.</remarks>
public sealed class BlueskyOptions : HttpAdapterOptions
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

    /// <summary>Returns a description without the app password.</summary>
    /// <returns>The service, identifier and whether a password is set.</returns>
    public override string ToString()
        => $"BlueskyOptions(Service = {Service}, Identifier = {Identifier}, AppPassword = {(string.IsNullOrEmpty(AppPassword) ? "(none)" : "***")}, ReadMode = {ReadMode})";
}

/// <summary>Validates <see cref="BlueskyOptions"/> when the app starts (and when a connector is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the app password.</remarks>
public sealed class BlueskyOptionsValidator : AdapterOptionsValidator<BlueskyOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "Bluesky connector";

    /// <inheritdoc />
    protected override void Check(BlueskyOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.Service, nameof(options.Service), example: "https://bsky.social/ (the brand account's PDS)");
        failures.RequireValue(options.Identifier, nameof(options.Identifier), "the brand account's handle or DID");
        failures.RequireValue(options.AppPassword, nameof(options.AppPassword), "an app password of the brand account");
        failures.Require(
            options.ChatService is not { } chat || (chat.StartsWith("did:", StringComparison.Ordinal) && chat.IndexOf('#', StringComparison.Ordinal) >= 5 && !chat.EndsWith('#') && !chat.Any(char.IsWhiteSpace)),
            nameof(options.ChatService),
            "must be a DID and a service id, for example did:web:api.bsky.chat#bsky_chat.");
        failures.Require(Enum.IsDefined(options.ReadMode), nameof(options.ReadMode), $"'{options.ReadMode}' is not known.");
    }
}
