namespace CoCreation.Sdk;

/// <summary>
/// An <see cref="ICoCreationStore"/> that keeps everything in process memory: the default of
/// <c>AddCoCreation()</c>, for tests, samples and single-process apps that may lose state on restart.
/// </summary>
/// <remarks>
/// Thread-safe: one lock guards all state, so <see cref="ApplyAsync"/> is atomic and reads never see half of
/// a change. Every change set is checked completely before any of it is applied. Reads return immutable
/// records and copies of lists, so callers cannot change what is stored.
/// </remarks>
public sealed partial class InMemoryCoCreationStore : ICoCreationStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Participant> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<LinkKey, string> _links = [];
    private readonly Dictionary<string, AccessGrant> _grants = new(StringComparer.Ordinal);
    private readonly List<string> _grantOrder = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly Dictionary<string, OutboxMessage> _outbox = new(StringComparer.Ordinal);
    private readonly List<string> _outboxOrder = [];

    // Relay workers' claims on outbox entries (IOutboxLeaseStore): the worker and when the claim runs out.
    private readonly Dictionary<string, (string Worker, DateTimeOffset Until)> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, string>> _documents = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">A change names a blank id.</exception>
    public Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        changes.Validate();
        lock (_gate)
        {
            var plan = Plan(changes);
            Commit(changes, plan);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        lock (_gate)
        {
            return Task.FromResult(_participants.GetValueOrDefault(participantId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadMany(_participants, CoCreationGuard.DistinctNotBlank(participantIds, nameof(participantIds))));

    /// <inheritdoc />
    public Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default)
        => FindAsync(LinkKey.Sns(CoCreationGuard.NotBlank(network, nameof(network)), CoCreationGuard.NotBlank(subject, nameof(subject))));

    /// <inheritdoc />
    public Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default)
        => FindAsync(LinkKey.Cloud(CoCreationGuard.NotBlank(provider, nameof(provider)), CoCreationGuard.NotBlank(accountId, nameof(accountId))));

    /// <inheritdoc />
    public Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default)
        => FindAsync(LinkKey.Enterprise(CoCreationGuard.NotBlank(system, nameof(system)), CoCreationGuard.NotBlank(accountId, nameof(accountId))));

    /// <inheritdoc />
    public Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(grantId, nameof(grantId));
        lock (_gate)
        {
            return Task.FromResult(_grants.GetValueOrDefault(grantId));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        lock (_gate)
        {
            IReadOnlyList<AccessGrant> result = _grantOrder.Select(id => _grants[id]).Where(g => g.ParticipantId == participantId).ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AccessGrant> result = _grantOrder
                .Select(id => _grants[id])
                .Where(g => g.Status == GrantStatus.Active && g.ExpiresAt is { } expiry && expiry <= time)
                .ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditEntry> result = participantId is null
                ? _audit.ToArray()
                : _audit.Where(a => a.ParticipantId == participantId).ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(deliveryKey, nameof(deliveryKey));
        lock (_gate)
        {
            return Task.FromResult(_outbox.GetValueOrDefault(deliveryKey));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadMany(_outbox, CoCreationGuard.DistinctNotBlank(deliveryKeys, nameof(deliveryKeys))));

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> EnqueueOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        StoreChanges.CheckNewOutbox(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var existing = new List<OutboxMessage>();
        lock (_gate)
        {
            foreach (var message in messages)
            {
                if (_outbox.TryGetValue(message.DeliveryKey, out var stored))
                {
                    existing.Add(stored);
                    continue;
                }

                _outbox.Add(message.DeliveryKey, message);
                _outboxOrder.Add(message.DeliveryKey);
            }
        }

        return Task.FromResult<IReadOnlyList<OutboxMessage>>(existing);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.Positive(max, nameof(max));
        lock (_gate)
        {
            IReadOnlyList<OutboxMessage> result = _outboxOrder
                .Select(key => _outbox[key])
                .Where(m => m.Status == DeliveryStatus.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt)
                .Take(max)
                .ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<OutboxMessage> result = _outboxOrder.Select(key => _outbox[key]).Where(m => m.Status == status).ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(source, nameof(source));
        lock (_gate)
        {
            return Task.FromResult(_cursors.GetValueOrDefault(source));
        }
    }

    /// <inheritdoc />
    public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        CoCreationGuard.NotBlank(id, nameof(id));
        lock (_gate)
        {
            return Task.FromResult(_documents.TryGetValue(collection, out var docs) ? docs.GetValueOrDefault(id) : null);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        lock (_gate)
        {
            IReadOnlyList<KeyValuePair<string, string>> result = _documents.TryGetValue(collection, out var docs) ? docs.ToArray() : [];
            return Task.FromResult(result);
        }
    }

    // The records are immutable, so they are handed out as they are stored.
    private IReadOnlyList<T> ReadMany<T>(Dictionary<string, T> records, IReadOnlyList<string> ids)
        where T : class
    {
        var found = new List<T>(ids.Count);
        lock (_gate)
        {
            foreach (var id in ids)
            {
                if (records.TryGetValue(id, out var record))
                {
                    found.Add(record);
                }
            }
        }

        return found;
    }

    private Task<Participant?> FindAsync(LinkKey key)
    {
        lock (_gate)
        {
            return Task.FromResult(_links.TryGetValue(key, out var id) ? _participants.GetValueOrDefault(id) : null);
        }
    }

    // Works out the participants' next state and the link index without touching stored state, so a
    // conflict anywhere leaves everything as it was. Deletions apply before puts.
    private ChangePlan Plan(StoreChanges changes)
    {
        var participants = new Dictionary<string, Participant?>(StringComparer.Ordinal);

        // Only the links this change touches are planned (null = removed); copying the whole index
        // would make every write, outbox entries included, cost as much as the participant base.
        var links = new Dictionary<LinkKey, string?>();
        bool TryGetOwner(LinkKey key, out string? owner)
        {
            if (links.TryGetValue(key, out owner))
            {
                return owner is not null;
            }

            return _links.TryGetValue(key, out owner);
        }

        Participant? Current(string id) => participants.TryGetValue(id, out var p) ? p : _participants.GetValueOrDefault(id);

        void RemoveLinks(Participant participant)
        {
            foreach (var key in LinkKey.Of(participant))
            {
                if (TryGetOwner(key, out var owner) && owner == participant.Id)
                {
                    links[key] = null;
                }
            }
        }

        foreach (var id in changes.DeletedParticipants)
        {
            if (Current(id) is { } existing)
            {
                RemoveLinks(existing);
            }

            participants[id] = null;
        }

        foreach (var (participant, expected) in changes.Participants)
        {
            var current = Current(participant.Id);
            if (expected is null && current is not null)
            {
                throw new CoCreationConflictException($"Participant {participant.Id} already exists (version {current.Version}); it was stored as new.");
            }

            if (expected is { } version && (current is null || current.Version != version))
            {
                throw new CoCreationConflictException(current is null
                    ? $"Participant {participant.Id} does not exist; it was expected at version {version}."
                    : $"Participant {participant.Id} is at version {current.Version}, not {version}: it changed since it was read.");
            }

            if (current is not null)
            {
                RemoveLinks(current);
            }

            foreach (var key in LinkKey.Of(participant))
            {
                if (TryGetOwner(key, out var owner) && owner != participant.Id)
                {
                    throw new CoCreationConflictException($"The {key.Describe()} is already linked to another participant.");
                }

                links[key] = participant.Id;
            }

            participants[participant.Id] = Freeze(participant) with { Version = (expected ?? 0) + 1 };
        }

        return new ChangePlan(participants, links);
    }

    private void Commit(StoreChanges changes, ChangePlan plan)
    {
        foreach (var (id, participant) in plan.Participants)
        {
            if (participant is null)
            {
                _participants.Remove(id);
            }
            else
            {
                _participants[id] = participant;
            }
        }

        foreach (var (key, owner) in plan.Links)
        {
            if (owner is null)
            {
                _links.Remove(key);
            }
            else
            {
                _links[key] = owner;
            }
        }

        foreach (var grant in changes.Grants)
        {
            if (!_grants.ContainsKey(grant.Id))
            {
                _grantOrder.Add(grant.Id);
            }

            _grants[grant.Id] = grant with { Roles = [.. grant.Roles] };
        }

        _audit.AddRange(changes.Audit);

        foreach (var (anonymousId, participantId) in changes.AnonymisedAudit)
        {
            for (var i = 0; i < _audit.Count; i++)
            {
                if (_audit[i].ParticipantId == participantId)
                {
                    _audit[i] = _audit[i] with { ParticipantId = anonymousId };
                }
            }

            foreach (var id in _grantOrder)
            {
                if (_grants[id].ParticipantId == participantId)
                {
                    _grants[id] = _grants[id] with { ParticipantId = anonymousId };
                }
            }

            foreach (var key in _outboxOrder)
            {
                if (_outbox[key].RecipientId == participantId)
                {
                    // The event's data may be about the recipient; a delivery that can no longer be made needs none of it.
                    var message = _outbox[key];
                    _outbox[key] = message with { RecipientId = anonymousId, Event = message.Event with { Data = ImmutableDictionary<string, string>.Empty } };
                    _leases.Remove(key);
                }
            }
        }

        foreach (var message in changes.Outbox)
        {
            if (!_outbox.ContainsKey(message.DeliveryKey))
            {
                _outboxOrder.Add(message.DeliveryKey);
            }

            _outbox[message.DeliveryKey] = message;
            _leases.Remove(message.DeliveryKey);
        }

        foreach (var (source, cursor) in changes.Cursors)
        {
            _cursors[source] = cursor;
        }

        foreach (var (collection, id, json) in changes.Documents)
        {
            if (json is null)
            {
                if (_documents.TryGetValue(collection, out var docs))
                {
                    docs.Remove(id);
                }
            }
            else
            {
                if (!_documents.TryGetValue(collection, out var docs))
                {
                    docs = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    _documents.Add(collection, docs);
                }

                docs[id] = json;
            }
        }

        foreach (var redaction in changes.Redactions)
        {
            for (var i = 0; i < _audit.Count; i++)
            {
                _audit[i] = redaction.Redact(_audit[i]);
            }

            foreach (var key in _outboxOrder)
            {
                var redacted = redaction.Redact(_outbox[key]);
                if (!ReferenceEquals(redacted, _outbox[key]))
                {
                    _outbox[key] = redacted;
                    _leases.Remove(key);
                }
            }
        }
    }

    // Callers may pass mutable lists; copying them keeps the stored record unchangeable from outside.
    private static Participant Freeze(Participant participant) => participant with
    {
        SnsLinks = participant.SnsLinks.ToImmutableArray(),
        CloudLinks = participant.CloudLinks.ToImmutableArray(),
        EnterpriseLinks = participant.EnterpriseLinks.ToImmutableArray(),
    };

    private sealed record ChangePlan(Dictionary<string, Participant?> Participants, Dictionary<LinkKey, string?> Links);

    private readonly record struct LinkKey(char Kind, string System, string Id)
    {
        public static LinkKey Sns(string network, string subject) => new('s', network, subject);

        public static LinkKey Cloud(string provider, string accountId) => new('c', provider, accountId);

        public static LinkKey Enterprise(string system, string accountId) => new('e', system, accountId);

        public static IEnumerable<LinkKey> Of(Participant participant)
        {
            foreach (var link in participant.SnsLinks)
            {
                yield return Sns(link.Network, link.Subject);
            }

            foreach (var link in participant.CloudLinks)
            {
                yield return Cloud(link.Provider, link.AccountId);
            }

            foreach (var link in participant.EnterpriseLinks)
            {
                yield return Enterprise(link.System, link.AccountId);
            }
        }

        // Names the kind and system but not the account, which is personal data.
        public string Describe() => Kind switch
        {
            's' => $"SNS identity on '{System}'",
            'c' => $"cloud account at '{System}'",
            _ => $"enterprise account at '{System}'",
        };
    }
}
