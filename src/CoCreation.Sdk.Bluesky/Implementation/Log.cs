using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>The adapter's log messages. None of them carries a token, a password or a post's text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Bluesky connector '{Connector}' signed in the brand account {Did}.")]
    public static partial void BrandSignedIn(ILogger logger, string connector, string did);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Bluesky connector '{Connector}': the brand's access token expired; refreshing the session.")]
    public static partial void RefreshingBrandSession(ILogger logger, string connector);
}
