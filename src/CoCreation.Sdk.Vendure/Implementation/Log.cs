using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Vendure.Implementation;

// Every message names the adapter, the user and the operation, never the password or the session token.
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Vendure adapter {Name}: logged in as {User}")]
    public static partial void LoggedIn(ILogger logger, string name, string user);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Vendure adapter {Name}: login of {User} refused ({ErrorCode})")]
    public static partial void LoginRefused(ILogger logger, string name, string user, string errorCode);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Vendure adapter {Name}: session no longer accepted during {Operation}; logging in again")]
    public static partial void SessionExpired(ILogger logger, string name, string operation);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Vendure adapter {Name}: session refused again during {Operation} after a new login")]
    public static partial void SessionRefused(ILogger logger, string name, string operation);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Vendure adapter {Name}: {Operation} failed before a response ({Failure})")]
    public static partial void TransportFailed(ILogger logger, string name, string operation, string failure);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Vendure adapter {Name}: {Operation} answered")]
    public static partial void Answered(ILogger logger, string name, string operation);
}
