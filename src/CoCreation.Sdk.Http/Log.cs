using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Http;

internal static partial class Log
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "{Service} adapter '{Provider}': {Operation} failed with HTTP {StatusCode} ({Error}).")]
    public static partial void RequestFailed(ILogger logger, string service, string provider, string operation, int statusCode, string error);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "{Service} adapter '{Provider}': {Operation} failed before a response arrived ({Reason}).")]
    public static partial void TransportFailed(ILogger logger, string service, string provider, string operation, string reason);

    [LoggerMessage(EventId = 110, Level = LogLevel.Debug, Message = "Webhook receiver '{Receiver}' refused a request ({Reason}).")]
    public static partial void WebhookRefused(ILogger logger, string receiver, WebhookRefusalReason reason);
}
