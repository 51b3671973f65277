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

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Webhook receiver '{Receiver}': secrets replaced from its options (previous secret still accepted: {PreviousAccepted}).")]
    public static partial void WebhookSecretsRotated(ILogger logger, string receiver, bool previousAccepted);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Webhook receiver '{Receiver}': changed options refused ({Option} is not valid); the secrets in force stay.")]
    public static partial void WebhookRotationRefused(ILogger logger, string receiver, string option);
}
