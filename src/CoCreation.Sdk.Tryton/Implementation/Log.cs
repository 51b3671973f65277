using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Tryton.Implementation;

// Every message names the adapter, the user and the call, never the password or the session key.
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tryton adapter {Name}: logged in as {User} (uid {UserId})")]
    public static partial void LoggedIn(ILogger logger, string name, string user, long userId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Tryton adapter {Name}: login of {User} refused")]
    public static partial void LoginRefused(ILogger logger, string name, string user);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Tryton adapter {Name}: session expired during {Model}.{Method}; logging in again")]
    public static partial void SessionExpired(ILogger logger, string name, string model, string method);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Tryton adapter {Name}: session refused again during {Model}.{Method} after a new login")]
    public static partial void SessionRefused(ILogger logger, string name, string model, string method);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Tryton adapter {Name}: {Method} failed before a response ({Failure})")]
    public static partial void TransportFailed(ILogger logger, string name, string method, string failure);
}
