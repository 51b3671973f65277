using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>Log messages of change notifications. None carries a <c>clientState</c>, a token or a notification body.</summary>
internal static partial class NotificationLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Microsoft 365 adapter '{Adapter}': a change notification was refused before parsing ({Reason}).")]
    public static partial void Refused(ILogger logger, string adapter, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': subscription {SubscriptionId} created for workspace {WorkspaceId}, expiring {Expiration:O}.")]
    public static partial void Created(ILogger logger, string adapter, string subscriptionId, string workspaceId, DateTimeOffset expiration);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': renewed {Count} subscription(s).")]
    public static partial void Renewed(ILogger logger, string adapter, int count);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': subscription {SubscriptionId} is gone at Graph ({Why}); creating a new one for workspace {WorkspaceId}.")]
    public static partial void Recreating(ILogger logger, string adapter, string subscriptionId, string why, string workspaceId);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Microsoft 365 adapter '{Adapter}': renewing subscription {SubscriptionId} failed.")]
    public static partial void RenewalFailed(ILogger logger, string adapter, string subscriptionId, Exception exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Microsoft 365 adapter '{Adapter}': scheduled subscription renewal failed.")]
    public static partial void ScheduledRenewalFailed(ILogger logger, string adapter, Exception exception);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': lifecycle notification '{LifecycleEvent}' on subscription {SubscriptionId}.")]
    public static partial void Lifecycle(ILogger logger, string adapter, string lifecycleEvent, string subscriptionId);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': subscription {SubscriptionId} reauthorized.")]
    public static partial void Reauthorized(ILogger logger, string adapter, string subscriptionId);
}
