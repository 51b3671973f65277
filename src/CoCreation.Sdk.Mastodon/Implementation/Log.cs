using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>The adapter's log messages. None of them carries a token or a post's text.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Mastodon connector '{Connector}' read the instance limits of {Instance}: {MaxCharacters} characters, {MaxPollOptions} poll options of {MaxPollOptionLength} characters.")]
    public static partial void CapabilitiesLoaded(ILogger logger, string connector, string instance, int maxCharacters, int maxPollOptions, int maxPollOptionLength);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Mastodon connector '{Connector}': {Instance} does not publish /api/v2/instance; using Mastodon's default limits.")]
    public static partial void CapabilitiesNotPublished(ILogger logger, string connector, string instance);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Mastodon connector '{Connector}' could not refresh the instance limits; keeping the ones read before.")]
    public static partial void CapabilitiesRefreshFailed(ILogger logger, string connector, Exception exception);
}
