namespace CoCreation.Sdk;

/// <summary>Where a delivery stands.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Pending,
    /// <summary>Delivered.</summary>
    Delivered,
    /// <summary>Already delivered before; nothing was sent again.</summary>
    Duplicate,
    /// <summary>Gave up after the allowed attempts, or no network could take it.</summary>
    DeadLettered,
    /// <summary>The recipient has no linked network to reach them on.</summary>
    Unreachable,
    /// <summary>Not sent: the recipient turned messages of this kind off (<see cref="DeliveryMode.Off"/>).</summary>
    Suppressed,
}

/// <summary>One delivery in the outbox: an event for one recipient over one channel.</summary>
public sealed record OutboxMessage
{
    /// <summary>The delivery key: event × recipient × channel; also the idempotency key sent to networks.</summary>
    public required string DeliveryKey { get; init; }

    /// <summary>The event.</summary>
    public required CoCreationEvent Event { get; init; }

    /// <summary>The rule that routed it.</summary>
    public required string RuleName { get; init; }

    /// <summary>The recipient.</summary>
    public required string RecipientId { get; init; }

    /// <summary>The channel.</summary>
    public required RelayChannel Channel { get; init; }

    /// <summary>Where it stands.</summary>
    public required DeliveryStatus Status { get; init; }

    /// <summary>Attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due.</summary>
    public DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Networks that failed for good for this delivery.</summary>
    public ImmutableArray<string> FailedNetworks { get; init; } = [];

    /// <summary>The last error, without secrets.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The outcome of one delivery attempt.</summary>
public sealed record DeliveryResult
{
    /// <summary>The delivery key.</summary>
    public required string DeliveryKey { get; init; }

    /// <summary>The recipient.</summary>
    public required string RecipientId { get; init; }

    /// <summary>The channel.</summary>
    public required RelayChannel Channel { get; init; }

    /// <summary>The outcome.</summary>
    public required DeliveryStatus Status { get; init; }

    /// <summary>The network it went to, when delivered.</summary>
    public string? Network { get; init; }

    /// <summary>The message or post id at the network, when delivered.</summary>
    public string? MessageId { get; init; }

    /// <summary>The text that was sent, when delivered.</summary>
    public string? Text { get; init; }

    /// <summary>Attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due, for pending deliveries.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The last error, without secrets.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// The idempotency key of the digest this delivery went out in, when the recipient gets its kind as a digest
    /// (<see cref="DeliveryMode.Digest"/>); <see langword="null"/> for a delivery sent on its own.
    /// </summary>
    public string? DigestKey { get; init; }
}

/// <summary>The outcome of relaying one event.</summary>
/// <param name="Event">The event.</param>
/// <param name="Deliveries">One result per recipient and channel; empty when no rule matched.</param>
public sealed record RelayResult(CoCreationEvent Event, IReadOnlyList<DeliveryResult> Deliveries);
