namespace CoCreation.Sdk.Diagnostics;

/// <summary>
/// The orchestrator's log messages. Participant ids are opaque SDK ids; handles, message texts and
/// anything else a person wrote or is called are logged only at Trace.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Participant {ParticipantId} signed in through {Network} (new: {Created}).")]
    public static partial void SignedIn(ILogger logger, string participantId, string network, bool created);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Sign-in through {Network} refused: the credential did not verify.")]
    public static partial void SignInRefused(ILogger logger, string network);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Trace, Message = "Sign-in through {Network} resolved handle {Handle} to participant {ParticipantId}.")]
    public static partial void SignInIdentity(ILogger logger, string network, string handle, string participantId);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Participant {ParticipantId}: link {Change} at {Target}.")]
    public static partial void LinkChanged(ILogger logger, string participantId, string change, string target);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Participant erased; {GrantCount} grants revoked; audit kept as {AnonymousId}.")]
    public static partial void Erased(ILogger logger, int grantCount, string anonymousId);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Grant {GrantId} on {Target} given to participant {ParticipantId}.")]
    public static partial void Granted(ILogger logger, string grantId, string target, string participantId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Grant {GrantId} on {Target} ended ({Status}).")]
    public static partial void GrantEnded(ILogger logger, string grantId, string target, GrantStatus status);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Access to {Target} in role {Role} denied for participant {ParticipantId}: {Reason}.")]
    public static partial void Denied(ILogger logger, string target, string role, string participantId, string reason);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Session refused on {Target} for participant {ParticipantId}: {Reason}.")]
    public static partial void SessionRefused(ILogger logger, string target, string participantId, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "Storing the grant on {Target} failed after the provider call; undoing the provider change.")]
    public static partial void Compensating(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Undoing the provider change on {Target} failed; the provider may hold access the store does not know about.")]
    public static partial void CompensationFailed(ILogger logger, Exception exception, string target);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Error, Message = "Expiring grant {GrantId} failed; it stays active in the store and is tried again on the next run.")]
    public static partial void ExpiryFailed(ILogger logger, Exception exception, string grantId);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Delivery {DeliveryKey} ({Rule}) delivered to participant {RecipientId} via {Network} on attempt {Attempts}.")]
    public static partial void Delivered(ILogger logger, string deliveryKey, string rule, string recipientId, string network, int attempts);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Trace, Message = "Delivery {DeliveryKey} text: {Text}")]
    public static partial void DeliveryText(ILogger logger, string deliveryKey, string text);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Debug, Message = "Delivery {DeliveryKey} already delivered; nothing sent.")]
    public static partial void Duplicate(ILogger logger, string deliveryKey);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Delivery {DeliveryKey} failed transiently on attempt {Attempts} ({ErrorType}); next attempt at {NextAttemptAt:o}.")]
    public static partial void RetryScheduled(ILogger logger, string deliveryKey, int attempts, string errorType, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Delivery {DeliveryKey} failed for good on {Network} ({ErrorType}); trying the next linked network.")]
    public static partial void NetworkFailed(ILogger logger, string deliveryKey, string network, string errorType);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Warning, Message = "Delivery {DeliveryKey} dead-lettered after {Attempts} attempts.")]
    public static partial void DeadLettered(ILogger logger, string deliveryKey, int attempts);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "Delivery {DeliveryKey}: participant {RecipientId} cannot be reached ({Why}).")]
    public static partial void Unreachable(ILogger logger, string deliveryKey, string recipientId, string why);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Error, Message = "Relay rule {Rule} failed on event type {EventType}; the rule was skipped for this event.")]
    public static partial void RuleFailed(ILogger logger, Exception exception, string rule, string eventType);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Error, Message = "Reading events from {System} failed; its cursor was not moved and the next poll reads again.")]
    public static partial void PollFailed(ILogger logger, Exception exception, string system);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Debug, Message = "Read {Count} events from {System}.")]
    public static partial void Polled(ILogger logger, int count, string system);

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Dead letter {DeliveryKey} replayed.")]
    public static partial void Replayed(ILogger logger, string deliveryKey);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Skipped an event from {System} that is not valid ({Field}).")]
    public static partial void InvalidEvent(ILogger logger, string system, string field);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Storing {Count} delivery outcomes failed after the relay stopped on {FailureType}; those deliveries stay pending and are sent again with the same idempotency keys.")]
    public static partial void OutcomesNotStored(ILogger logger, Exception exception, int count, string failureType);

    [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Worker {WorkerId} no longer held delivery {DeliveryKey} when its outcome was ready (its lease ran out and another worker claimed it, or it was rewritten); the outcome was not stored.")]
    public static partial void ClaimLost(ILogger logger, string deliveryKey, string workerId);

    [LoggerMessage(EventId = 1314, Level = LogLevel.Information, Message = "Worker {WorkerId} handed {Count} claimed deliveries back unsent: most of its lease had passed.")]
    public static partial void ClaimHandedBack(ILogger logger, int count, string workerId);

    [LoggerMessage(EventId = 1315, Level = LogLevel.Warning, Message = "Outbox notifier {Notifier} failed for {Count} new deliveries; they stay in the outbox for the workers' next poll.")]
    public static partial void NotifierFailed(ILogger logger, Exception exception, string notifier, int count);

    [LoggerMessage(EventId = 1400, Level = LogLevel.Error, Message = "Relay worker cycle failed; the worker continues after its interval.")]
    public static partial void WorkerCycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Relay worker started with an interval of {Interval}.")]
    public static partial void WorkerStarted(ILogger logger, TimeSpan interval);

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Composite enterprise system {System} could not deprovision the account it had just opened at {Part} ({Failure}) after provisioning failed ({Cause}); that account holds no grant in the SDK.")]
    public static partial void CompositeUndoFailed(ILogger logger, string system, string part, string failure, string cause);
}
