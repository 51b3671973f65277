using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>The adapter's log messages. None of them carries a key, token, channel token or document text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Google Workspace adapter '{Adapter}': the calendar sync token of workspace {WorkspaceId} expired (410 Gone); reading the calendar in full again.")]
    public static partial void CalendarResync(ILogger logger, string adapter, string workspaceId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Google Workspace adapter '{Adapter}': a push notification failed verification ({Reason}).")]
    public static partial void PushRejected(ILogger logger, string adapter, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Google Workspace adapter '{Adapter}': renewed {Count} push channel(s).")]
    public static partial void ChannelsRenewed(ILogger logger, string adapter, int count);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Google Workspace adapter '{Adapter}': renewing push channels failed; they are tried again on the next tick.")]
    public static partial void ChannelRenewalFailed(ILogger logger, string adapter, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Google Workspace adapter '{Adapter}': the calendar of a new workspace could not be created, so its folder {FolderId} is being removed again.")]
    public static partial void WorkspaceRolledBack(ILogger logger, string adapter, string folderId);
}
