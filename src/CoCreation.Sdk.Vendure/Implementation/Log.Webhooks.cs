using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Vendure.Implementation;

// Webhook messages name the receiver, the message id and the notification type; never a secret, a signature or the body.
internal static partial class Log
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Vendure webhook receiver {Name}: notification {MessageId} ({Type}) verified; polling {Source}")]
    public static partial void NotificationVerified(ILogger logger, string name, string messageId, string type, string source);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Vendure webhook receiver {Name}: notification {MessageId} was verified but is not a Vendure notification ({Problem})")]
    public static partial void NotificationInvalid(ILogger logger, string name, string messageId, string problem);
}
