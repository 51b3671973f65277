using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>
/// Renews an adapter's Graph subscriptions before they expire; run by the SDK's scheduler every quarter of
/// <see cref="Microsoft365Options.SubscriptionRenewBefore"/>, which leaves three more chances before one expires.
/// </summary>
internal sealed class GraphSubscriptionRenewal(Func<GraphSubscriptionManager> manager, ILogger logger) : ICoCreationScheduledWork
{
    private readonly Lazy<GraphSubscriptionManager> lazy = new(manager);

    // Unusable margins are refused by options validation; the scheduler's own interval is the fallback, never a zero period.
    public TimeSpan? Period => lazy.Value.Options.SubscriptionRenewBefore > TimeSpan.Zero ? lazy.Value.Options.SubscriptionRenewBefore / 4 : null;

    public async Task RunDueAsync(CancellationToken cancellationToken = default)
    {
        var subscriptions = lazy.Value;
        if (subscriptions.Subscriptions.Count == 0)
        {
            return;
        }

        try
        {
            await subscriptions.RenewExpiringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CoCreationException ex)
        {
            // Logged per subscription already; the next period tries again.
            NotificationLog.ScheduledRenewalFailed(logger, subscriptions.AdapterName, ex);
        }
    }
}
