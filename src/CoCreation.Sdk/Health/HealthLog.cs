namespace CoCreation.Sdk.Health;

internal static partial class HealthLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Credential {Credential} needs re-authorisation: {Reason}.")]
    public static partial void NeedsReauth(ILogger logger, CredentialRef credential, string reason);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Credential {Credential} is healthy again.")]
    public static partial void Recovered(ILogger logger, CredentialRef credential);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Error, Message = "A credential health observer failed for {Credential}; the state is recorded.")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, CredentialRef credential);
}
