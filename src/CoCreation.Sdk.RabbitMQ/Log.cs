namespace CoCreation.Sdk.RabbitMQ;

/// <summary>The transport's log messages (event ids 1700–1799). None names a password: brokers are named by <see cref="RabbitMqRelayOptions.Endpoint"/>.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "RabbitMQ notifier connected to {Endpoint}.")]
    public static partial void NotifierConnected(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Debug, Message = "Sent a RabbitMQ notice of {Count} new deliveries to exchange {Exchange}.")]
    public static partial void NoticeSent(ILogger logger, int count, string exchange);

    [LoggerMessage(EventId = 1710, Level = LogLevel.Information, Message = "Relay worker {WorkerId} consumes queue {Queue} at {Endpoint} (prefetch {Prefetch}).")]
    public static partial void Consuming(ILogger logger, string workerId, string queue, string endpoint, int prefetch);

    [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "Relay worker {WorkerId} could not consume from {Endpoint} ({Reason}); connecting again in {Delay}. Due deliveries are still swept.")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string workerId, string endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1712, Level = LogLevel.Warning, Message = "Relay worker {WorkerId} lost its connection to {Endpoint} ({Reason}); connecting again in {Delay}.")]
    public static partial void ConnectionLost(ILogger logger, string workerId, string endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1713, Level = LogLevel.Debug, Message = "Relay worker {WorkerId} handled a notice of {Keys} deliveries: {Attempted} attempted.")]
    public static partial void NoticeHandled(ILogger logger, string workerId, int keys, int attempted);

    [LoggerMessage(EventId = 1714, Level = LogLevel.Warning, Message = "Relay worker {WorkerId} dropped notice {MessageId}: it is not a notice ({Reason}).")]
    public static partial void NoticeMalformed(ILogger logger, string workerId, string messageId, string reason);

    [LoggerMessage(EventId = 1715, Level = LogLevel.Warning, Message = "Relay worker {WorkerId} failed on notice {MessageId} (attempt {Attempt} of {MaxAttempts}); it goes back to the queue.")]
    public static partial void NoticeRequeued(ILogger logger, Exception exception, string workerId, string messageId, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 1716, Level = LogLevel.Error, Message = "Relay worker {WorkerId} dropped notice {MessageId} of {Keys} deliveries after {Attempts} failed attempts; the deliveries stay in the outbox for the sweep.")]
    public static partial void NoticeDropped(ILogger logger, Exception exception, string workerId, string messageId, int keys, int attempts);

    [LoggerMessage(EventId = 1717, Level = LogLevel.Warning, Message = "Relay worker {WorkerId}: the sweep of due deliveries failed; it runs again in {Interval}.")]
    public static partial void SweepFailed(ILogger logger, Exception exception, string workerId, TimeSpan interval);

    [LoggerMessage(EventId = 1718, Level = LogLevel.Warning, Message = "Relay worker {WorkerId}: the store does not implement IOutboxLeaseStore, so workers in several processes may send a delivery twice; use a store with leases (SQLite, PostgreSQL) for several workers.")]
    public static partial void NoLeases(ILogger logger, string workerId);

    [LoggerMessage(EventId = 1719, Level = LogLevel.Debug, Message = "Relay worker {WorkerId} could not acknowledge a notice ({Reason}); the broker will hand it out again.")]
    public static partial void AckFailed(ILogger logger, string workerId, string reason);
}
