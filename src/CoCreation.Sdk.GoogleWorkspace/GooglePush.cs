namespace CoCreation.Sdk.GoogleWorkspace;

/// <summary>What a push channel watches.</summary>
public enum GooglePushSource
{
    /// <summary>Drive's change feed (<c>changes.watch</c>); a notification means <see cref="Workspaces.ICloudWorkspace.GetActivityAsync"/> has something new.</summary>
    DriveChanges,

    /// <summary>A workspace calendar's events (<c>events.watch</c>).</summary>
    CalendarEvents,
}

/// <summary>A push channel the adapter opened at Google.</summary>
/// <param name="Id">The channel id (<c>X-Goog-Channel-ID</c> on notifications).</param>
/// <param name="ResourceId">Google's id of the watched resource, needed to stop the channel.</param>
/// <param name="Source">What it watches.</param>
/// <param name="WorkspaceId">The workspace (folder) it belongs to.</param>
/// <param name="Expiration">When Google stops sending on it; the adapter replaces it before then.</param>
public sealed record GooglePushChannel(string Id, string ResourceId, GooglePushSource Source, string WorkspaceId, DateTimeOffset Expiration);

/// <summary>A push notification that passed verification. It carries no data: read the activity feed to learn what changed.</summary>
public sealed record GooglePushNotification
{
    /// <summary>The channel it arrived on.</summary>
    public required GooglePushChannel Channel { get; init; }

    /// <summary><c>X-Goog-Resource-State</c>: <c>sync</c> (the channel is open), <c>change</c>, <c>exists</c>, <c>not_exists</c>, <c>update</c>….</summary>
    public required string ResourceState { get; init; }

    /// <summary><c>X-Goog-Message-Number</c>, where sent; it grows per channel.</summary>
    public long? MessageNumber { get; init; }

    /// <summary>Whether this is the <c>sync</c> message Google sends when a channel opens (nothing changed).</summary>
    public bool IsSync => string.Equals(ResourceState, "sync", StringComparison.Ordinal);
}

/// <summary>
/// Takes Google push notifications into the SDK's event pipeline (<c>IEventPipeline.ReceiveWebhookAsync</c> with
/// <see cref="Name"/>). <c>X-Goog-Channel-Token</c> is compared in constant time with every open channel's token
/// before any other header or the body is read; a forged notification is refused with
/// <see cref="WebhookVerificationException"/>. A verified change asks the pipeline to poll the workspace's activity
/// source (<see cref="CoCreationEventSources.WorkspaceActivitySourceName"/>), since Google's notifications carry no data.
/// </summary>
/// <remarks><c>AddGoogleWorkspace</c> registers one per adapter; the activity source itself is added with <c>AddWorkspaceActivitySource</c>, or offered by a co-development project once its workspace is provisioned.</remarks>
public sealed class GooglePushReceiver : WebhookReceiverBase
{
    private readonly string adapterName;
    private readonly Lazy<GoogleCloudWorkspace> workspace;

    /// <summary>Creates a receiver for the channels one adapter opened.</summary>
    /// <param name="workspace">The adapter.</param>
    public GooglePushReceiver(GoogleCloudWorkspace workspace)
        : this(workspace?.Metadata.Name ?? throw new ArgumentNullException(nameof(workspace)), () => workspace)
    {
    }

    // The adapter is resolved at the first request, so registering the receiver does not build the adapter early.
    internal GooglePushReceiver(string adapterName, Func<GoogleCloudWorkspace> workspace)
    {
        this.adapterName = adapterName;
        this.workspace = new Lazy<GoogleCloudWorkspace>(workspace);
        Name = ReceiverName(adapterName);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>The receiver name of the adapter registered under <paramref name="adapterName"/>: <c>google-push:{adapterName}</c>.</summary>
    /// <param name="adapterName">The adapter's registered name.</param>
    /// <returns>The receiver name.</returns>
    public static string ReceiverName(string adapterName) => "google-push:" + CoCreationGuard.NotBlank(adapterName, nameof(adapterName));

    /// <inheritdoc />
    /// <remarks>Reads headers only; the body (Google sends none that matters) is never read.</remarks>
    protected override ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<object?>(workspace.Value.VerifyPushNotification(request.Headers));
    }

    /// <inheritdoc />
    protected override Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
    {
        var notification = (GooglePushNotification)verified!;
        if (notification.IsSync)
        {
            return Task.FromResult(WebhookReceipt.Empty);
        }

        var source = CoCreationEventSources.WorkspaceActivitySourceName(adapterName, notification.Channel.WorkspaceId);
        return Task.FromResult(new WebhookReceipt([], [source]));
    }
}

/// <summary>Replaces an adapter's push channels before they expire; run by the SDK's scheduler every quarter of the renewal margin.</summary>
internal sealed class GooglePushChannelRenewal(Func<GoogleCloudWorkspace> adapter, TimeSpan renewBefore, Microsoft.Extensions.Logging.ILogger logger) : ICoCreationScheduledWork
{
    private readonly Lazy<GoogleCloudWorkspace> lazy = new(adapter);

    // A quarter of the renewal margin leaves three more chances before a channel expires.
    public TimeSpan? Period { get; } = renewBefore / 4;

    public async Task RunDueAsync(CancellationToken cancellationToken = default)
    {
        var workspace = lazy.Value;
        if (workspace.PushChannels.Count == 0)
        {
            return;
        }

        try
        {
            await workspace.RenewExpiringChannelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CoCreationException ex)
        {
            Implementation.Log.ChannelRenewalFailed(logger, workspace.Metadata.Name, ex);
        }
    }
}
