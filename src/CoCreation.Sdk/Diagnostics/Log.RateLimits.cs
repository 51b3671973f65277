namespace CoCreation.Sdk.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(EventId = 1350, Level = LogLevel.Information, Message = "Delivery {DeliveryKey} waits for the rate limit of {Network} until {NotBefore:o}.")]
    public static partial void RateLimitPostponed(ILogger logger, string deliveryKey, string network, DateTimeOffset notBefore);

    [LoggerMessage(EventId = 1351, Level = LogLevel.Warning, Message = "{Network} answered 429: no relay worker sends through it before {Until:o}.")]
    public static partial void RateLimitBlocked(ILogger logger, string network, DateTimeOffset until);

    [LoggerMessage(EventId = 1352, Level = LogLevel.Warning, Message = "The 429 of {Network} could not be recorded for the other relay workers.")]
    public static partial void RateLimitBlockNotStored(ILogger logger, Exception exception, string network);
}
