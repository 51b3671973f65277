using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

/// <summary>
/// The outbox relay. Every delivery is stored before it is tried, tried under a per-key lock (so two callers
/// never send the same delivery at once), and its outcome stored after: a crash between sending and storing
/// leads to a retry with the same idempotency key, never to a lost message.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="PublishAsync"/> commits per event, not per delivery. All new deliveries of an event are enqueued in one
/// <see cref="ICoCreationStore.ApplyAsync"/>. Outcomes of sends to networks that honour idempotency keys
/// (<see cref="SnsCapabilities.SupportsIdempotencyKeys"/>) are held and stored together, at most
/// <see cref="MaxHeldOutcomes"/> at a time: losing them in a crash only leaves the deliveries pending, and their
/// re-send carries the same key, which the network drops.
/// </para>
/// <para>
/// An outcome of a send to a network without idempotency keys is stored right after the send (with any held
/// outcomes, in the same commit): there a re-send would be a second message, so the window between sending and
/// recording is kept as short as the store allows.
/// </para>
/// </remarks>
internal sealed partial class EventRelay : IEventRelay, IEventPipeline
{
    internal const int DueBatchSize = 200;

    /// <summary>The most delivery outcomes <see cref="PublishAsync"/> holds before it stores them.</summary>
    internal const int MaxHeldOutcomes = 100;

    private readonly ICoCreationStore _store;
    private readonly ICoCreationProviders _providers;
    private readonly IIdentityMap _identities;
    private readonly IReadOnlyList<RelayRule> _rules;
    private readonly Dictionary<string, RelayRule> _rulesByName;
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly KeyedLock _locks = new();

    // One poll of a source at a time: two overlapping polls would start from the same stored cursor and hand the same
    // events to consumers twice (webhook notifications arriving together each ask for a poll).
    private readonly KeyedLock _pollLocks = new();
    private readonly IReadOnlyDictionary<string, IEventSource> _sources;
    private readonly IReadOnlyDictionary<string, IWebhookReceiver> _receivers;
    private readonly IReadOnlyList<IEventSourceProvider> _sourceProviders;
    private readonly IReadOnlyList<IEventConsumer> _consumers;
    private readonly IReadOnlyList<IOutboxNotifier> _notifiers;

    public EventRelay(
        ICoCreationStore store,
        ICoCreationProviders providers,
        IIdentityMap identities,
        IEnumerable<RelayRule> rules,
        IOptions<CoCreationOptions> options,
        TimeProvider time,
        IEnumerable<IEventSource> sources,
        IEnumerable<IWebhookReceiver> receivers,
        IEnumerable<IEventSourceProvider> sourceProviders,
        IEnumerable<IEventConsumer> consumers,
        IEnumerable<IOutboxNotifier> notifiers,
        ILogger<EventRelay>? logger = null)
        : this(store, providers, identities, rules, options, time, logger, Random.Shared, sources, receivers, sourceProviders, consumers, notifiers)
    {
    }

    internal EventRelay(
        ICoCreationStore store,
        ICoCreationProviders providers,
        IIdentityMap identities,
        IEnumerable<RelayRule> rules,
        IOptions<CoCreationOptions> options,
        TimeProvider time,
        ILogger<EventRelay>? logger,
        Random random,
        IEnumerable<IEventSource>? sources = null,
        IEnumerable<IWebhookReceiver>? receivers = null,
        IEnumerable<IEventSourceProvider>? sourceProviders = null,
        IEnumerable<IEventConsumer>? consumers = null,
        IEnumerable<IOutboxNotifier>? notifiers = null)
    {
        _notifiers = [.. notifiers ?? []];
        _sourceProviders = [.. sourceProviders ?? []];
        _consumers = [.. consumers ?? []];
        _sources = CheckNames(sources ?? [], s => s.Name, "IEventSource.Name");
        _receivers = CheckNames(receivers ?? [], r => r.Name, "IWebhookReceiver.Name");
        _store = store;
        _providers = providers;
        _identities = identities;
        _rules = RelayRuleChecks.CheckAll(rules);
        _rulesByName = _rules.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _options = options.Value.Relay;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _random = random;
    }

    public async Task<RelayResult> PublishAsync(CoCreationEvent @event, CancellationToken cancellationToken = default)
    {
        // Published on its own, the event is a batch of one.
        var batch = new HashSet<IEventConsumer>(ReferenceEqualityComparer.Instance);
        var result = await PublishInBatchAsync(@event, batch, cancellationToken).ConfigureAwait(false);
        await CompleteAsync(batch, cancellationToken).ConfigureAwait(false);
        return result;
    }

    // Consumers that took an event of a batch are told when the batch ends (a source's poll, a webhook).
    private static async Task CompleteAsync(HashSet<IEventConsumer> batch, CancellationToken cancellationToken)
    {
        foreach (var consumer in batch)
        {
            await consumer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<RelayResult> PublishInBatchAsync(CoCreationEvent @event, HashSet<IEventConsumer> batch, CancellationToken cancellationToken)
    {
        Validate(@event);
        using var activity = CoCreationDiagnostics.ActivitySource.StartActivity("cocreation.relay.publish");
        activity?.SetTag("cocreation.event.type", @event.Type);
        activity?.SetTag("cocreation.event.source", @event.Source.OriginalString);
        foreach (var consumer in _consumers)
        {
            if (consumer.Accepts(@event))
            {
                await consumer.ConsumeAsync(@event, cancellationToken).ConfigureAwait(false);
                batch.Add(consumer);
            }
        }

        var routed = new List<Routed>();
        var eventKey = @event.Key;
        var keyPrefix = EventKeyPrefix(eventKey);
        foreach (var rule in _rules)
        {
            var recipients = await ResolveAsync(rule, @event, cancellationToken).ConfigureAwait(false);
            foreach (var recipient in recipients)
            {
                routed.Add(new Routed(DeliveryKey(eventKey, keyPrefix, recipient, rule.Channel), rule, recipient));
            }
        }

        if (routed.Count == 0)
        {
            return new RelayResult(@event, []);
        }

        // Every key of the event stays locked until its outcome is stored, so no other caller in this process
        // reads a delivery as pending while this one is sending it or holding its outcome.
        using var locks = await _locks.AcquireAllAsync(routed.Select(r => r.Key), cancellationToken).ConfigureAwait(false);
        return new RelayResult(@event, await DeliverEventAsync(@event, routed, cancellationToken).ConfigureAwait(false));
    }

    public async Task<IReadOnlyList<DeliveryResult>> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        if (_store is IOutboxLeaseStore leases)
        {
            return await ClaimAndDeliverDueAsync(leases, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var due = await _store.GetDueOutboxAsync(now, DueBatchSize, cancellationToken).ConfigureAwait(false);
        var results = new List<DeliveryResult>(due.Count);
        foreach (var candidate in due)
        {
            using var _ = await _locks.AcquireAsync(candidate.DeliveryKey, cancellationToken).ConfigureAwait(false);

            // Read again under the lock: a concurrent publish or replay may have delivered it meanwhile.
            var message = await _store.GetOutboxMessageAsync(candidate.DeliveryKey, cancellationToken).ConfigureAwait(false);
            if (message is { Status: DeliveryStatus.Pending } && message.NextAttemptAt <= now)
            {
                results.Add(await AttemptAsync(message, null, cancellationToken).ConfigureAwait(false));
            }
        }

        return results;
    }

    private DeliveryResult Duplicate(string deliveryKey, DeliveryResult delivered)
    {
        Log.Duplicate(_logger, deliveryKey);
        CoCreationDiagnostics.RecordDelivery(DeliveryStatus.Duplicate, null, 0);
        return delivered with { Status = DeliveryStatus.Duplicate };
    }

    // Callers hold the delivery key's lock. Without a batch the outcome is stored at once.
    private Task<DeliveryResult> AttemptAsync(OutboxMessage message, OutcomeBatch? batch, CancellationToken cancellationToken)
        => AttemptAsync(message, batch, null, cancellationToken);

    // As above; recipients, when given, are the participants already read by id, so the recipient is not read again.
    private async Task<DeliveryResult> AttemptAsync(OutboxMessage message, OutcomeBatch? batch, IReadOnlyDictionary<string, Participant>? recipients, CancellationToken cancellationToken)
    {
        using var activity = CoCreationDiagnostics.ActivitySource.StartActivity("cocreation.relay.attempt");
        activity?.SetTag("cocreation.delivery.key", message.DeliveryKey);
        activity?.SetTag("cocreation.relay.rule", message.RuleName);
        activity?.SetTag("cocreation.relay.channel", message.Channel.ToString());
        var started = _time.GetTimestamp();
        var attempt = await AttemptCoreAsync(message, recipients, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            await _store.ApplyAsync(new StoreChanges().PutOutbox(attempt.Outcome), CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await batch.AddAsync(attempt.Outcome, storeNow: attempt.SentWithoutKey).ConfigureAwait(false);
        }

        var result = attempt.Result;
        activity?.SetTag(CoCreationDiagnostics.OutcomeTag, CoCreationDiagnostics.OutcomeName(result.Status));
        activity?.SetTag(CoCreationDiagnostics.ProviderTag, attempt.Network);
        CoCreationDiagnostics.RecordDelivery(result.Status, attempt.Network, _time.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    /// <summary>Tries one delivery, reading its recipient, and returns the outcome to store; it stores nothing itself.</summary>
    private Task<Attempt> AttemptCoreAsync(OutboxMessage message, CancellationToken cancellationToken)
        => AttemptCoreAsync(message, null, cancellationToken);

    /// <summary>
    /// Tries one delivery and returns the outcome to store; it stores nothing itself. The recipient is looked up in
    /// <paramref name="recipients"/> when given (absent there means unknown or erased), else read here.
    /// </summary>
    private async Task<Attempt> AttemptCoreAsync(OutboxMessage message, IReadOnlyDictionary<string, Participant>? recipients, CancellationToken cancellationToken)
    {
        if (!_rulesByName.TryGetValue(message.RuleName, out var rule))
        {
            return Attempt.Of(message with
            {
                Status = DeliveryStatus.DeadLettered,
                Attempts = message.Attempts + 1,
                LastError = $"no relay rule named '{message.RuleName}' is registered any more",
            });
        }

        var participant = recipients is null
            ? await _identities.GetAsync(message.RecipientId, cancellationToken).ConfigureAwait(false)
            : recipients.GetValueOrDefault(message.RecipientId);
        if (participant is null)
        {
            Log.Unreachable(_logger, message.DeliveryKey, message.RecipientId, "no such participant");
            return Attempt.Of(message with
            {
                Status = DeliveryStatus.Unreachable,
                LastError = "the recipient is not a participant (unknown or erased)",
            });
        }

        // Quiet hours, digests and kinds turned off: held, left for the digest, or not sent (EventRelay.Preferences.cs).
        if (ApplyPreferences(message, participant) is { } preferred)
        {
            return preferred;
        }

        var (locale, template) = MessageRenderer.Choose(rule.Template, participant.PreferredLocale, _options.DefaultLocale);
        var text = MessageRenderer.Fill(template, message.Event, locale);
        return await SendToParticipantAsync(message, participant, text, locale, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <paramref name="text"/> to the participant on their networks in turn, with the entry's delivery key as
    /// idempotency key, and returns the outcome to store; it stores nothing itself.
    /// </summary>
    private async Task<Attempt> SendToParticipantAsync(OutboxMessage message, Participant participant, string text, string locale, CancellationToken cancellationToken)
    {
        var failed = message.FailedNetworks.ToBuilder();
        var candidates = Candidates(participant, message.FailedNetworks);
        if (candidates.Count == 0)
        {
            return Attempt.Of(GiveUp(message, failed.ToImmutable(), message.LastError, participant));
        }

        var lastError = message.LastError;
        var sentWithoutKey = false;
        foreach (var link in candidates)
        {
            var network = link.Network;
            if (!_providers.SnsNetworks.Contains(network, StringComparer.Ordinal))
            {
                failed.Add(network);
                lastError = $"no SNS connector is registered under '{network}'";
                continue;
            }

            try
            {
                var connector = _providers.GetSns(network);
                if (await TakeRateLimitTokenAsync(connector, network, cancellationToken).ConfigureAwait(false) is { } notBefore)
                {
                    return Postponed(message, failed.ToImmutable(), network, notBefore, sentWithoutKey);
                }

                var capabilities = connector.Capabilities;
                sentWithoutKey |= !capabilities.SupportsIdempotencyKeys;
                var mention = message.Channel == RelayChannel.Mention || (_options.MentionWhereNoDirectMessages && !capabilities.SupportsDirectMessages);
                var messageId = await SendAsync(connector, message, link, text, locale, mention, cancellationToken).ConfigureAwait(false);
                var delivered = message with
                {
                    Status = DeliveryStatus.Delivered,
                    Attempts = message.Attempts + 1,
                    FailedNetworks = failed.ToImmutable(),
                    LastError = null,
                };
                Log.Delivered(_logger, message.DeliveryKey, message.RuleName, message.RecipientId, network, delivered.Attempts);
                Log.DeliveryText(_logger, message.DeliveryKey, text);
                return new Attempt(delivered, ResultOf(delivered, network, messageId, text), network, sentWithoutKey);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (IsPermanent(ex))
            {
                // Failed for good on this network only: fall back to the next one within this attempt.
                failed.Add(network);
                lastError = $"{network}: {ErrorText.Describe(ex)}";
                Log.NetworkFailed(_logger, message.DeliveryKey, network, ex.GetType().Name);
            }
#pragma warning disable CA1031 // Anything else may pass: retried on the schedule, recorded, never thrown.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await BlockRateLimitAsync(network, ex).ConfigureAwait(false);
                var retryAfter = ex is ProviderException { RetryAfter: { } wait } ? wait : (TimeSpan?)null;
                var later = RetryLater(message, failed.ToImmutable(), $"{network}: {ErrorText.Describe(ex)}", retryAfter, ex.GetType().Name);
                return new Attempt(later, ResultOf(later), network, sentWithoutKey);
            }
        }

        return Attempt.Of(GiveUp(message, failed.ToImmutable(), lastError, participant), sentWithoutKey);
    }

    private static bool IsPermanent(Exception exception) => exception switch
    {
        ProviderException provider => !provider.IsTransient,
        CapabilityNotSupportedException or CredentialException or CoCreationValidationException => true,
        _ => false,
    };

    private static async Task<string> SendAsync(ISnsConnector connector, OutboxMessage message, SnsLink link, string text, string locale, bool mention, CancellationToken cancellationToken)
    {
        if (mention)
        {
            var post = await connector.PublishAsync(
                new PostRequest
                {
                    Text = text,
                    Mentions = [link.Handle.TrimStart('@')],
                    IdempotencyKey = message.DeliveryKey,
                    Language = locale,
                },
                cancellationToken).ConfigureAwait(false);
            return post.Id;
        }

        var sent = await connector.SendDirectMessageAsync(
            new DirectMessageRequest
            {
                RecipientSubject = link.Subject,
                RecipientHandle = link.Handle,
                Text = text,
                IdempotencyKey = message.DeliveryKey,
            },
            cancellationToken).ConfigureAwait(false);
        return sent.Id;
    }

    // The preferred network first, then the others in the order they were linked; one account per network, none that
    // failed for good before.
    private static List<SnsLink> Candidates(Participant participant, ImmutableArray<string> failed)
    {
        var links = participant.SnsLinks;
        var candidates = new List<SnsLink>(links.Count);
        if (participant.PreferredNetwork is { } preferred)
        {
            AddCandidates(candidates, links, failed, preferred, preferred: true);
            AddCandidates(candidates, links, failed, preferred, preferred: false);
        }
        else
        {
            AddCandidates(candidates, links, failed, null, preferred: false);
        }

        return candidates;
    }

    private static void AddCandidates(List<SnsLink> candidates, IReadOnlyList<SnsLink> links, ImmutableArray<string> failed, string? preferredNetwork, bool preferred)
    {
        for (var i = 0; i < links.Count; i++)
        {
            var link = links[i];
            if (string.Equals(link.Network, preferredNetwork, StringComparison.Ordinal) == preferred
                && !failed.Contains(link.Network, StringComparer.Ordinal)
                && !HasNetwork(candidates, link.Network))
            {
                candidates.Add(link);
            }
        }
    }

    private static bool HasNetwork(List<SnsLink> links, string network)
    {
        foreach (var link in links)
        {
            if (string.Equals(link.Network, network, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private OutboxMessage RetryLater(OutboxMessage message, ImmutableArray<string> failed, string error, TimeSpan? retryAfter, string errorType)
    {
        var attempts = message.Attempts + 1;
        if (attempts >= _options.MaxAttempts)
        {
            Log.DeadLettered(_logger, message.DeliveryKey, attempts);
            return message with { Status = DeliveryStatus.DeadLettered, Attempts = attempts, FailedNetworks = failed, LastError = error };
        }

        var delay = retryAfter is { } wait ? (wait < TimeSpan.Zero ? TimeSpan.Zero : wait) : Backoff(attempts);
        var next = _time.GetUtcNow() + delay;
        Log.RetryScheduled(_logger, message.DeliveryKey, attempts, errorType, next);
        return message with { Status = DeliveryStatus.Pending, Attempts = attempts, NextAttemptAt = next, FailedNetworks = failed, LastError = error };
    }

    private OutboxMessage GiveUp(OutboxMessage message, ImmutableArray<string> failed, string? lastError, Participant participant)
    {
        if (failed.IsEmpty)
        {
            Log.Unreachable(_logger, message.DeliveryKey, message.RecipientId, "no linked network");
            return message with { Status = DeliveryStatus.Unreachable, LastError = "the recipient has no linked SNS identity" };
        }

        var attempts = message.Attempts + 1;
        Log.DeadLettered(_logger, message.DeliveryKey, attempts);
        return message with
        {
            Status = DeliveryStatus.DeadLettered,
            Attempts = attempts,
            FailedNetworks = failed,
            LastError = lastError ?? $"every linked network ({participant.SnsLinks.Count}) failed for good",
        };
    }

    /// <summary>The delay before retry number <paramref name="attempts"/>: doubling from the base delay, capped, with ±20% jitter.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var exponential = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(_options.MaxDelay.TotalMilliseconds, exponential);
        double jitter;
        lock (_randomGate)
        {
            jitter = 0.8 + (_random.NextDouble() * 0.4);
        }

        return TimeSpan.FromMilliseconds(Math.Min(_options.MaxDelay.TotalMilliseconds, capped * jitter));
    }

    private static DeliveryResult ResultOf(OutboxMessage message, string? network = null, string? messageId = null, string? text = null) => new()
    {
        DeliveryKey = message.DeliveryKey,
        RecipientId = message.RecipientId,
        Channel = message.Channel,
        Status = message.Status,
        Attempts = message.Attempts,
        NextAttemptAt = message.Status == DeliveryStatus.Pending ? message.NextAttemptAt : null,
        Error = message.LastError,
        Network = network,
        MessageId = messageId,
        Text = text,
    };

    /// <summary>One attempt: the outbox entry to store, the result to return, and whether a network without idempotency keys was called.</summary>
    private readonly record struct Attempt(OutboxMessage Outcome, DeliveryResult Result, string? Network, bool SentWithoutKey)
    {
        /// <summary>
        /// Whether the delivery belongs to a digest whose window is over: nothing was sent, the entry is unchanged, and a
        /// relay worker composes the digest (<see cref="DeliverDigestsAsync"/>).
        /// </summary>
        public bool DigestDue { get; init; }

        public static Attempt Of(OutboxMessage outcome, bool sentWithoutKey = false) => new(outcome, ResultOf(outcome), null, sentWithoutKey);
    }
}
