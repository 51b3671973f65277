using CoCreation.Sdk.Microsoft365.Notifications;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Microsoft365;

public sealed partial class Microsoft365CloudWorkspace
{
    private Func<GraphSubscriptionManager>? subscriptions;

    /// <summary>The change-notification subscriptions this adapter holds (in memory; call <see cref="WatchAsync"/> again after a restart).</summary>
    public IReadOnlyList<Microsoft365Subscription> Subscriptions => subscriptions?.Invoke().Subscriptions ?? [];

    /// <summary>
    /// Subscribes to Graph change notifications for a workspace's drive, with a fresh random <c>clientState</c>.
    /// Notifications only make the SDK poll the workspace's activity source; the delta feed stays the source of truth.
    /// </summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="CapabilityNotSupportedException"><see cref="Microsoft365Options.NotificationUrl"/> is not set.</exception>
    public Task<Microsoft365Subscription> WatchAsync(WorkspaceRef workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return Manager().WatchAsync(workspace.Id, driveId, cancellationToken);
    }

    /// <summary>Deletes the subscriptions of a workspace at Graph and forgets them.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many subscriptions were stopped.</returns>
    public Task<int> StopWatchingAsync(WorkspaceRef workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return Manager().StopAsync(workspace.Id, cancellationToken);
    }

    /// <summary>Renews the subscriptions within <see cref="Microsoft365Options.SubscriptionRenewBefore"/> of expiry; the SDK's scheduler calls this.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many subscriptions were renewed or recreated.</returns>
    public Task<int> RenewExpiringSubscriptionsAsync(CancellationToken cancellationToken = default)
        => subscriptions is null ? Task.FromResult(0) : Manager().RenewExpiringAsync(cancellationToken);

    internal void UseSubscriptions(Func<GraphSubscriptionManager> manager) => subscriptions = manager;

    private GraphSubscriptionManager Manager()
        => options.NotificationUrl is null || subscriptions is null
            ? throw new CapabilityNotSupportedException(Name, "change notifications (set Microsoft365Options.NotificationUrl)")
            : subscriptions();

    internal Microsoft.Graph.GraphServiceClient CreateGraphClient() => Graph();
}
