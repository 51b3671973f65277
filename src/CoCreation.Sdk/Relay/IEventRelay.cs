namespace CoCreation.Sdk;

/// <summary>
/// Routes events to people over SNS: rules pick recipients, a channel and a localized template;
/// the relay delivers at least once through an outbox and de-duplicates per event, recipient and channel.
/// </summary>
/// <remarks>
/// Once running, the relay never throws for delivery failures: it returns results and records
/// failures (retry schedule, dead letters). It throws only for bad arguments.
/// </remarks>
public interface IEventRelay
{
    /// <summary>
    /// Routes an event, enqueues a delivery per recipient and tries each delivery now (or, with
    /// <see cref="RelayOptions.SendOnPublish"/> off, leaves them to the relay workers).
    /// </summary>
    /// <remarks>
    /// The event's new deliveries are enqueued in one store transaction; deliveries already in the outbox are not
    /// enqueued again. Where the network honours idempotency keys (<see cref="Sns.SnsCapabilities.SupportsIdempotencyKeys"/>)
    /// the outcomes are stored together after the sends; until then the deliveries stay pending, and if the process stops
    /// or the store fails first they are sent again with the same key, which the network drops. Where it does not, each
    /// outcome is stored right after its send. A store failure is thrown; cancellation stops the event, after the
    /// outcomes of the sends already made are stored.
    /// </remarks>
    /// <param name="event">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per recipient and channel.</returns>
    Task<RelayResult> PublishAsync(CoCreationEvent @event, CancellationToken cancellationToken = default);

    /// <summary>Reads every registered enterprise system's events from its stored cursor and publishes them.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The results of every event read.</returns>
    Task<IReadOnlyList<RelayResult>> PollSourcesAsync(CancellationToken cancellationToken = default);

    /// <summary>Tries every delivery whose retry time has come on the clock.</summary>
    /// <remarks>
    /// On a store that implements <see cref="IOutboxLeaseStore"/> the deliveries are claimed first, under a lease of
    /// <see cref="RelayOptions.LeaseDuration"/> in the name of <see cref="RelayOptions.WorkerId"/>, so relay workers in
    /// several processes on one store never try the same delivery at the same time, and a worker that dies leaves its
    /// deliveries to the others once its leases run out.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome of each attempt.</returns>
    Task<IReadOnlyList<DeliveryResult>> DeliverDueAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Tries the named deliveries among those that are pending and due (a broker's notice of new deliveries names them,
    /// say); the others (delivered, not due, held by another worker, unknown) are left alone and get no result.
    /// </summary>
    /// <param name="deliveryKeys">The delivery keys.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome of each attempt.</returns>
    /// <exception cref="CoCreationValidationException">A key is blank.</exception>
    Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default);

    /// <summary>Lists deliveries that gave up.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letters, oldest first.</returns>
    Task<IReadOnlyList<OutboxMessage>> GetDeadLettersAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Tries dead letters again now (after the provider recovered). Already-delivered ones are not sent again. With
    /// <see cref="RelayOptions.SendOnPublish"/> off they are made pending and due, and left to the relay workers.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome of each attempt.</returns>
    Task<IReadOnlyList<DeliveryResult>> ReplayDeadLettersAsync(CancellationToken cancellationToken = default);
}

/// <summary>Options of the event relay.</summary>
public sealed class RelayOptions
{
    /// <summary>Attempts per delivery before it becomes a dead letter. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry delay; doubled on each attempt (with jitter) unless the provider says how long to wait. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest retry delay. Default 10 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The culture used when a recipient has none. Default <c>ko-KR</c>.</summary>
    public string DefaultLocale { get; set; } = "ko-KR";

    /// <summary>How many events one source read fetches at most per poll. Default 500.</summary>
    public int MaxEventsPerPoll { get; set; } = 500;

    /// <summary>
    /// Whether a direct-message rule reaches a person on a network without direct messages (for example Bluesky without a
    /// chat service) as a public post by the brand that mentions them. Default <see langword="false"/>: such a network is
    /// skipped and the next linked network tried. Such posts are public, and what the rule's message says (sales figures,
    /// order numbers) can be read by anyone: turn it on only where that is acceptable, such as a closed test network.
    /// </summary>
    public bool MentionWhereNoDirectMessages { get; set; }

    /// <summary>
    /// Whether <see cref="IEventRelay.PublishAsync"/> tries the deliveries it enqueues at once. Default
    /// <see langword="true"/>. Turn it off where relay workers (other processes calling
    /// <see cref="IEventRelay.DeliverDueAsync"/> or <see cref="IEventRelay.DeliverAsync"/>) do the sending: publishing
    /// then only enqueues, returns the deliveries as pending, and tells every registered
    /// <see cref="IOutboxNotifier"/>.
    /// </summary>
    public bool SendOnPublish { get; set; } = true;

    /// <summary>
    /// The name this process claims deliveries under (see <see cref="IOutboxLeaseStore"/>); unique among the workers
    /// sharing a store. Default: the machine name, the process id and a random part.
    /// </summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// How long a claim on a delivery holds. A worker stops starting sends of a claim once 80% of it has passed and
    /// leaves the rest to the next claim; a worker that dies holds its deliveries this long at most. Default 1 min.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Rate limits by SNS connector name: the relay starts no more sends through that connector than the limit allows,
    /// counted across every relay worker sharing the store where it implements <see cref="IRateLimitStore"/> (the
    /// in-memory, SQLite and PostgreSQL stores do), else within this process. A connector named here overrides the
    /// published limit. See <see cref="SnsRateLimit"/>.
    /// </summary>
    public IDictionary<string, SnsRateLimit> RateLimits { get; } = new Dictionary<string, SnsRateLimit>(StringComparer.Ordinal);

    /// <summary>
    /// Whether a connector not named in <see cref="RateLimits"/> is held to the limit its network publishes, where the SDK
    /// knows one (<see cref="SnsRateLimit.Published"/>: Mastodon, Bluesky). Default <see langword="true"/>.
    /// </summary>
    public bool UsePublishedRateLimits { get; set; } = true;

    /// <summary>
    /// The longest a send waits for its rate limit. A delivery that would wait longer is left pending until its turn,
    /// without counting an attempt. The wait is also kept within a tenth of <see cref="LeaseDuration"/>, so a worker's
    /// send never starts after its claim ran out. Default 5 s; zero never waits.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Event kinds (<see cref="DeliveryKinds.Of"/>) that reach a person during their quiet hours
    /// (<see cref="DeliveryPreferences.QuietFrom"/>) as well. Default <c>access</c> (a grant given or revoked) and
    /// <c>settlement</c> (a payout). A person's <see cref="DeliveryMode.Digest"/> or <see cref="DeliveryMode.Off"/> for
    /// such a kind is still honoured: only the quiet hours are passed over.
    /// </summary>
    public ISet<string> UrgentKinds { get; } = new HashSet<string>(["access", "settlement"], StringComparer.Ordinal);

    /// <summary>
    /// The local time, in each person's own time zone (<see cref="DeliveryPreferences.TimeZone"/>), at which their daily
    /// digest windows end and their digests are sent (later when it falls in their quiet hours). Default 18:00.
    /// </summary>
    public TimeOnly DigestTime { get; set; } = new(18, 0);
}

/// <summary>
/// Told of deliveries once they are stored in the outbox, for a transport that wakes relay workers (a message broker,
/// say). The outbox stays the source of truth: a notice that is lost only delays the delivery until a worker's next
/// <see cref="IEventRelay.DeliverDueAsync"/>.
/// </summary>
public interface IOutboxNotifier
{
    /// <summary>Tells of deliveries stored as pending; called after the store committed them.</summary>
    /// <param name="deliveries">The new deliveries.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the notice is handed over.</returns>
    Task EnqueuedAsync(IReadOnlyList<OutboxMessage> deliveries, CancellationToken cancellationToken = default);
}
