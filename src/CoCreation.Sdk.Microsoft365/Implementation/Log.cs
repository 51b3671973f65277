using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>The adapter's log messages. None of them carries a token, secret or document text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': Graph refused the cached access token (401); asking for a new one and sending once more.")]
    public static partial void TokenRefused(ILogger logger, string adapter);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': the delta link of workspace {WorkspaceId} is no longer valid (410 Gone); enumerating the drive again.")]
    public static partial void DeltaResync(ILogger logger, string adapter, string workspaceId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Microsoft 365 adapter '{Adapter}': the calendar of a new workspace could not be created, so its folder {FolderId} is being removed again.")]
    public static partial void WorkspaceRolledBack(ILogger logger, string adapter, string folderId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Microsoft 365 adapter '{Adapter}': a folder with the workspace's name exists already; Graph picks a new name.")]
    public static partial void FolderNameTaken(ILogger logger, string adapter);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Microsoft 365 adapter '{Adapter}': uploading {Bytes} bytes in an upload session.")]
    public static partial void UploadSession(ILogger logger, string adapter, long bytes);
}
