namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>
/// Remembers the message ids a receiver accepted, so the same signed request sent again is refused. An id needs to
/// be remembered only until its timestamp leaves the tolerance window: after that the timestamp check refuses it.
/// </summary>
/// <remarks>Implement it over a shared store (a cache, a database) when several instances of a host take the same webhooks.</remarks>
public interface IWebhookReplayGuard
{
    /// <summary>Records a message id unless it is already recorded and not expired.</summary>
    /// <param name="receiver">The receiver's name; ids of different receivers never collide.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="expiresAt">When the id may be forgotten.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the id was new (now recorded); <see langword="false"/> when it was seen before.</returns>
    ValueTask<bool> TryRecordAsync(string receiver, string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}

/// <summary>
/// An <see cref="IWebhookReplayGuard"/> in memory, for one process: it holds at most <see cref="Capacity"/> ids and
/// forgets each when it expires. When full of unexpired ids it forgets the oldest first.
/// </summary>
/// <remarks>Thread-safe. Size <see cref="Capacity"/> above the number of webhooks a receiver takes within twice the tolerance.</remarks>
public sealed class InMemoryWebhookReplayGuard : IWebhookReplayGuard
{
    /// <summary>The default <see cref="Capacity"/>: 10,000 ids.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly TimeProvider time;
    private readonly Dictionary<(string Receiver, string Id), DateTimeOffset> seen = [];
    private readonly Queue<(string Receiver, string Id, DateTimeOffset ExpiresAt)> order = new();
    private readonly Lock gate = new();

    /// <summary>Creates the guard.</summary>
    /// <param name="capacity">The most ids held; at least 1.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="CoCreationValidationException"><paramref name="capacity"/> is below 1.</exception>
    public InMemoryWebhookReplayGuard(int capacity = DefaultCapacity, TimeProvider? time = null)
    {
        if (capacity < 1)
        {
            throw new CoCreationValidationException(nameof(capacity), $"must be at least 1 (was {capacity}).");
        }

        Capacity = capacity;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>The most ids held.</summary>
    public int Capacity { get; }

    /// <summary>How many ids are held now (expired ones may still count until the next call).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return seen.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRecordAsync(string receiver, string messageId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(messageId);
        var now = time.GetUtcNow();
        var key = (receiver, messageId);
        lock (gate)
        {
            if (seen.TryGetValue(key, out var until) && until > now)
            {
                return ValueTask.FromResult(false);
            }

            // Forget what has expired at the front, then the oldest while full. The queue is in order of arrival;
            // an entry replaced later (same key, new expiry) is skipped when its stale copy reaches the front.
            while (order.Count > 0 && (order.Peek().ExpiresAt <= now || seen.Count >= Capacity))
            {
                var (r, id, expires) = order.Dequeue();
                if (seen.TryGetValue((r, id), out var held) && held == expires)
                {
                    seen.Remove((r, id));
                }
            }

            seen[key] = expiresAt;
            order.Enqueue((receiver, messageId, expiresAt));
            return ValueTask.FromResult(true);
        }
    }
}
