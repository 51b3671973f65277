using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ;

/// <summary>
/// Options of the RabbitMQ relay transport: where the broker is, the exchange and queue that carry the notices, and how
/// the relay workers consume them and sweep the outbox.
/// </summary>
/// <remarks>
/// The broker only carries notices ("these deliveries are due"); the store's outbox stays the source of truth. A lost
/// notice only delays a delivery until the next sweep (<see cref="SweepInterval"/>).
/// </remarks>
public sealed class RabbitMqRelayOptions
{
    /// <summary>The default exchange: <c>cocreation.relay</c>.</summary>
    public const string DefaultExchange = "cocreation.relay";

    /// <summary>The default queue: <c>cocreation.relay.deliveries</c>.</summary>
    public const string DefaultQueue = "cocreation.relay.deliveries";

    /// <summary>The default routing key: <c>deliveries</c>.</summary>
    public const string DefaultRoutingKey = "deliveries";

    /// <summary>
    /// The broker, as an AMQP URI: <c>amqp://user:password@host:5672/vhost</c> (or <c>amqps://</c> for TLS). Required.
    /// The password is never written to logs or exception messages: they name the host, port and virtual host only.
    /// </summary>
    public Uri? Uri { get; set; }

    /// <summary>
    /// Adjusts the connection factory after <see cref="Uri"/> is applied (TLS settings, heartbeat, a credentials
    /// provider). Optional.
    /// </summary>
    public Action<ConnectionFactory>? ConfigureConnectionFactory { get; set; }

    /// <summary>The durable direct exchange the notices are published to. Default <see cref="DefaultExchange"/>.</summary>
    public string Exchange { get; set; } = DefaultExchange;

    /// <summary>The durable queue the workers consume, bound to <see cref="Exchange"/>. Default <see cref="DefaultQueue"/>.</summary>
    public string Queue { get; set; } = DefaultQueue;

    /// <summary>The routing key binding <see cref="Queue"/> to <see cref="Exchange"/>. Default <see cref="DefaultRoutingKey"/>.</summary>
    public string RoutingKey { get; set; } = DefaultRoutingKey;

    /// <summary>
    /// How many notices a worker holds unacknowledged at once (the channel's prefetch count), and so handles at the same
    /// time, 1 to 65535. Default 4.
    /// </summary>
    public int Prefetch { get; set; } = 4;

    /// <summary>
    /// How often a worker also claims every due delivery (<see cref="IEventRelay.DeliverDueAsync"/>): retries whose
    /// time has come and deliveries whose notice was lost. The first sweep runs when the worker starts. Default 30 s.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most delivery keys one notice carries, 1 to 10000; a publish with more sends several notices. Default 100.</summary>
    public int MaxKeysPerNotice { get; set; } = 100;

    /// <summary>
    /// How often a worker tries a notice whose handling fails (the store is down, say) before it drops the notice and
    /// logs it; the deliveries stay in the outbox for the sweep. At least 1. Default 3.
    /// </summary>
    public int MaxNoticeAttempts { get; set; } = 3;

    /// <summary>How long a notifier waits for the broker to confirm a notice. Default 10 s.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first wait before a worker connects again after the connection was lost or could not be made (doubled on each
    /// failure up to 30 s), and before a failed notice is handed back to the queue. Default 1 s.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether this process runs a <see cref="RabbitMqRelayWorker"/>. Default <see langword="true"/>; turn it off in a
    /// process that only publishes (a web front end), so that only the worker processes send.
    /// </summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>The most a worker waits between two connection attempts: 30 s.</summary>
    internal static TimeSpan MaxRetryDelay { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks every option; throws for the first bad one.</summary>
    /// <exception cref="CoCreationValidationException">An option is missing or out of range; the message names it.</exception>
    internal void ThrowIfInvalid()
    {
        const string prefix = nameof(RabbitMqRelayOptions) + ".";
        if (Uri is null)
        {
            throw new CoCreationValidationException(prefix + nameof(Uri), "must be set to the broker's AMQP URI (amqp://user:password@host:port/vhost).");
        }

        if (!Uri.IsAbsoluteUri || (Uri.Scheme != "amqp" && Uri.Scheme != "amqps"))
        {
            throw new CoCreationValidationException(prefix + nameof(Uri), $"must be an absolute amqp:// or amqps:// URI (was {Describe(Uri)}).");
        }

        if (string.IsNullOrWhiteSpace(Uri.Host))
        {
            throw new CoCreationValidationException(prefix + nameof(Uri), $"names no host (was {Describe(Uri)}).");
        }

        if (Uri.AbsolutePath.Count(c => c == '/') > 1)
        {
            throw new CoCreationValidationException(prefix + nameof(Uri), $"has more than one path segment; the path is the virtual host, with '/' written as %2F (was {Describe(Uri)}).");
        }

        CoCreationGuard.NotBlank(Exchange, prefix + nameof(Exchange));
        CoCreationGuard.NotBlank(Queue, prefix + nameof(Queue));
        CoCreationGuard.NotBlank(RoutingKey, prefix + nameof(RoutingKey));
        foreach (var (name, value) in new[] { (nameof(Exchange), Exchange), (nameof(Queue), Queue), (nameof(RoutingKey), RoutingKey) })
        {
            if (value.Length > 255)
            {
                throw new CoCreationValidationException(prefix + name, $"must be at most 255 characters (was {value.Length}).");
            }
        }

        if (Queue.StartsWith("amq.", StringComparison.Ordinal))
        {
            throw new CoCreationValidationException(prefix + nameof(Queue), "must not start with 'amq.' (reserved by the broker).");
        }

        if (Prefetch is < 1 or > ushort.MaxValue)
        {
            throw new CoCreationValidationException(prefix + nameof(Prefetch), $"must be between 1 and {ushort.MaxValue} (was {Prefetch}).");
        }

        if (SweepInterval <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(prefix + nameof(SweepInterval), $"must be longer than zero (was {SweepInterval}).");
        }

        if (MaxKeysPerNotice is < 1 or > 10_000)
        {
            throw new CoCreationValidationException(prefix + nameof(MaxKeysPerNotice), $"must be between 1 and 10000 (was {MaxKeysPerNotice}).");
        }

        if (MaxNoticeAttempts < 1)
        {
            throw new CoCreationValidationException(prefix + nameof(MaxNoticeAttempts), $"must be at least 1 (was {MaxNoticeAttempts}).");
        }

        if (PublishTimeout <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(prefix + nameof(PublishTimeout), $"must be longer than zero (was {PublishTimeout}).");
        }

        if (RetryDelay <= TimeSpan.Zero || RetryDelay > MaxRetryDelay)
        {
            throw new CoCreationValidationException(prefix + nameof(RetryDelay), $"must be longer than zero and at most {MaxRetryDelay} (was {RetryDelay}).");
        }
    }

    /// <summary>The broker as logs and messages name it: scheme, host, port and virtual host, never the user information.</summary>
    internal string Endpoint => Uri is null ? "(no URI)" : Describe(Uri);

    /// <summary>A URI without its user information (which may hold a password) and without query or fragment.</summary>
    internal static string Describe(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return "a relative URI";
        }

        var port = uri.IsDefaultPort || uri.Port < 0 ? string.Empty : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        return $"{uri.Scheme}://{uri.Host}{port}{uri.AbsolutePath}";
    }
}
