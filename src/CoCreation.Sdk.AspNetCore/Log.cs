using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.AspNetCore;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Webhook for '{Receiver}' refused with HTTP {StatusCode} ({Reason}).")]
    public static partial void Refused(ILogger logger, string receiver, int statusCode, WebhookRefusalReason reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Webhook handshake for '{Receiver}' answered with HTTP {StatusCode}.")]
    public static partial void Handshake(ILogger logger, string receiver, int statusCode);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Webhook for '{Receiver}' accepted: {Events} event(s) relayed.")]
    public static partial void Accepted(ILogger logger, string receiver, int events);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Webhook request for a receiver that is not registered answered with HTTP 404.")]
    public static partial void UnknownReceiver(ILogger logger);
}
