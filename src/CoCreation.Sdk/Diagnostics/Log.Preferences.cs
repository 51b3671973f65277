namespace CoCreation.Sdk.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(EventId = 1360, Level = LogLevel.Information, Message = "Delivery {DeliveryKey} is held until {NotBefore:o} ({Reason}).")]
    public static partial void DeliveryHeld(ILogger logger, string deliveryKey, DateTimeOffset notBefore, string reason);

    [LoggerMessage(EventId = 1361, Level = LogLevel.Information, Message = "Delivery {DeliveryKey} is not sent: participant {ParticipantId} turned {Kind} messages off.")]
    public static partial void DeliverySuppressed(ILogger logger, string deliveryKey, string participantId, string kind);

    [LoggerMessage(EventId = 1362, Level = LogLevel.Warning, Message = "Participant {ParticipantId} has a time zone this host does not know; their quiet hours and digests are reckoned in UTC.")]
    public static partial void UnknownTimeZone(ILogger logger, string participantId);

    [LoggerMessage(EventId = 1363, Level = LogLevel.Information, Message = "Digest {DigestKey} of {Count} deliveries ({Kind}) for participant {ParticipantId}: {Status}.")]
    public static partial void DigestAttempted(ILogger logger, string digestKey, int count, string kind, string participantId, DeliveryStatus status);

    [LoggerMessage(EventId = 1364, Level = LogLevel.Information, Message = "Digest {DigestKey} was already composed; {Count} later deliveries wait for the next digest at {NotBefore:o}.")]
    public static partial void DigestLateArrivals(ILogger logger, string digestKey, int count, DateTimeOffset notBefore);

    [LoggerMessage(EventId = 1365, Level = LogLevel.Debug, Message = "Digest of {Kind} for participant {ParticipantId} handed back: another worker holds some of its deliveries.")]
    public static partial void DigestHandedBack(ILogger logger, string kind, string participantId);

    [LoggerMessage(EventId = 1366, Level = LogLevel.Warning, Message = "Digests need an outbox store that claims deliveries (IOutboxLeaseStore); delivery {DeliveryKey} is sent on its own.")]
    public static partial void DigestWithoutLeases(ILogger logger, string deliveryKey);
}
