namespace CoCreation.Sdk;

/// <summary>
/// Where the orchestrator keeps participants, links, grants, audit, the relay outbox and delivery log,
/// source cursors and module data. Reads are single calls; every write goes through
/// <see cref="ApplyAsync"/> as one atomic <see cref="StoreChanges"/>, so a state change and the
/// events it causes are stored together or not at all. The batch reads (<see cref="GetParticipantsAsync"/>,
/// <see cref="GetOutboxMessagesAsync"/>) answer many ids in one call, so a caller with many records to read makes
/// one round trip instead of one per record.
/// </summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface ICoCreationStore
{
    /// <summary>Applies a set of changes atomically.</summary>
    /// <param name="changes">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the changes are stored.</returns>
    /// <exception cref="CoCreationConflictException">A participant's expected version did not match, or a link already belongs to another participant.</exception>
    Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default);

    /// <summary>Reads a participant.</summary>
    /// <param name="participantId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default);

    /// <summary>Reads many participants in one call.</summary>
    /// <param name="participantIds">The ids; an id given more than once is read once. Empty reads nothing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The participants that exist, each once, in no particular order; an unknown or erased id is left out. Match
    /// them to the ids by <see cref="Participant.Id"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="participantIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">An id is <see langword="null"/> or blank; nothing is read.</exception>
    Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default);

    /// <summary>Finds a participant by SNS identity.</summary>
    /// <param name="network">The connector name.</param>
    /// <param name="subject">The stable account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default);

    /// <summary>Finds a participant by cloud account.</summary>
    /// <param name="provider">The workspace adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Finds a participant by enterprise account.</summary>
    /// <param name="system">The enterprise adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Reads a grant.</summary>
    /// <param name="grantId">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grant, or <see langword="null"/>.</returns>
    Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default);

    /// <summary>Reads a participant's grants, oldest first.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grants.</returns>
    Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default);

    /// <summary>Reads grants stored as active whose expiry is at or before a time.</summary>
    /// <param name="time">The time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grants.</returns>
    Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>Reads audit entries, oldest first.</summary>
    /// <param name="participantId">Only this participant's; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default);

    /// <summary>Reads an outbox entry.</summary>
    /// <param name="deliveryKey">The delivery key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default);

    /// <summary>Reads many outbox entries in one call.</summary>
    /// <param name="deliveryKeys">The delivery keys; a key given more than once is read once. Empty reads nothing.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The entries that exist, each once, in no particular order; a key with no entry is left out. Match them to the
    /// keys by <see cref="OutboxMessage.DeliveryKey"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="deliveryKeys"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">A key is <see langword="null"/> or blank; nothing is read.</exception>
    Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the outbox entries whose delivery keys the outbox does not hold yet, together, and returns the entries
    /// already stored under the others, unchanged: a delivery enqueued twice (a repeated publish, two processes relaying
    /// one event) keeps its first entry and whatever became of it.
    /// </summary>
    /// <param name="messages">The new entries; each delivery key at most once. Empty stores nothing.</param>
    /// <param name="cancellationToken">Cancels the call; once the write has begun it completes.</param>
    /// <returns>
    /// The entries that were already stored, each once, in no particular order; for those keys nothing was written.
    /// Every other entry of <paramref name="messages"/> is now stored.
    /// </returns>
    /// <remarks>
    /// The built-in stores check and insert in one statement, so two callers enqueuing the same key at once store it
    /// once. This default reads the keys first and then applies the new entries with <see cref="ApplyAsync"/>: a store
    /// that can do better should override it.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">
    /// An entry is <see langword="null"/>, has a blank delivery key, or repeats another entry's key; nothing is written.
    /// </exception>
    async Task<IReadOnlyList<OutboxMessage>> EnqueueOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        var keys = StoreChanges.CheckNewOutbox(messages);
        if (keys.Count == 0)
        {
            return [];
        }

        var existing = await GetOutboxMessagesAsync(keys, cancellationToken).ConfigureAwait(false);
        var stored = existing.Select(m => m.DeliveryKey).ToHashSet(StringComparer.Ordinal);
        var changes = new StoreChanges();
        foreach (var message in messages)
        {
            if (!stored.Contains(message.DeliveryKey))
            {
                changes.PutOutbox(message);
            }
        }

        if (!changes.IsEmpty)
        {
            await ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
        }

        return existing;
    }

    /// <summary>Reads pending outbox entries due at or before a time, oldest due first.</summary>
    /// <param name="now">The time.</param>
    /// <param name="max">The most to return.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);

    /// <summary>Reads outbox entries in a status, oldest first.</summary>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default);

    /// <summary>Reads a source cursor.</summary>
    /// <param name="source">The source key, for example <c>enterprise:shop</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cursor, or <see langword="null"/>.</returns>
    Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default);

    /// <summary>Reads a module document (JSON).</summary>
    /// <param name="collection">The collection, for example <c>community-products.designs</c>.</param>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON, or <see langword="null"/>.</returns>
    Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default);

    /// <summary>Reads every document of a collection, ordered by id.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ids and their JSON.</returns>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default);
}

/// <summary>A set of writes that <see cref="ICoCreationStore.ApplyAsync"/> applies all together or not at all.</summary>
/// <remarks>Not thread-safe: build one per operation.</remarks>
public sealed class StoreChanges
{
    private readonly List<(Participant Participant, long? ExpectedVersion)> _participants = [];
    private readonly List<string> _deletedParticipants = [];
    private readonly List<AccessGrant> _grants = [];
    private readonly List<AuditEntry> _audit = [];
    private readonly List<OutboxMessage> _outbox = [];
    private readonly List<(string Source, string Cursor)> _cursors = [];
    private readonly List<(string Collection, string Id, string? Json)> _documents = [];
    private readonly List<(string AnonymousId, string ParticipantId)> _anonymisedAudit = [];
    private readonly List<PersonalDataRedaction> _redactions = [];

    /// <summary>Stores a participant (insert or replace). The store raises its version by one.</summary>
    /// <param name="participant">The participant.</param>
    /// <param name="expectedVersion">The version the caller read; <see langword="null"/> for a new participant.</param>
    /// <returns>This set.</returns>
    public StoreChanges PutParticipant(Participant participant, long? expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(participant);
        _participants.Add((participant, expectedVersion));
        return this;
    }

    /// <summary>Deletes a participant and its links.</summary>
    /// <param name="participantId">The id.</param>
    /// <returns>This set.</returns>
    public StoreChanges DeleteParticipant(string participantId)
    {
        _deletedParticipants.Add(participantId);
        return this;
    }

    /// <summary>Stores a grant (insert or replace).</summary>
    /// <param name="grant">The grant.</param>
    /// <returns>This set.</returns>
    public StoreChanges PutGrant(AccessGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        _grants.Add(grant);
        return this;
    }

    /// <summary>Appends an audit entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>This set.</returns>
    public StoreChanges AppendAudit(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        _audit.Add(entry);
        return this;
    }

    /// <summary>
    /// Replaces a participant id in every audit entry, grant and outbox entry (as recipient) with an anonymous id,
    /// and empties the event data of the outbox entries addressed to them (erasure).
    /// </summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="anonymousId">The id that replaces it.</param>
    /// <returns>This set.</returns>
    public StoreChanges AnonymiseAudit(string participantId, string anonymousId)
    {
        _anonymisedAudit.Add((anonymousId, participantId));
        return this;
    }

    /// <summary>
    /// Replaces an erased participant's personal values in every audit entry's target and detail and in every
    /// outbox entry's event (id, subject, data values) and last error, whoever the entry is addressed to (erasure).
    /// Applied after the rest of the set, so entries the same set adds are redacted too.
    /// </summary>
    /// <param name="redaction">The values and what replaces them.</param>
    /// <returns>This set.</returns>
    public StoreChanges RedactPersonalData(PersonalDataRedaction redaction)
    {
        ArgumentNullException.ThrowIfNull(redaction);
        _redactions.Add(redaction);
        return this;
    }

    /// <summary>Stores an outbox entry (insert or replace by delivery key).</summary>
    /// <param name="message">The entry.</param>
    /// <returns>This set.</returns>
    public StoreChanges PutOutbox(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _outbox.Add(message);
        return this;
    }

    /// <summary>Stores a source cursor.</summary>
    /// <param name="source">The source key.</param>
    /// <param name="cursor">The cursor.</param>
    /// <returns>This set.</returns>
    public StoreChanges SetCursor(string source, string cursor)
    {
        _cursors.Add((source, cursor));
        return this;
    }

    /// <summary>Stores a module document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The id.</param>
    /// <param name="json">The JSON.</param>
    /// <returns>This set.</returns>
    public StoreChanges PutDocument(string collection, string id, string json)
    {
        _documents.Add((collection, id, json));
        return this;
    }

    /// <summary>Deletes a module document.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="id">The id.</param>
    /// <returns>This set.</returns>
    public StoreChanges DeleteDocument(string collection, string id)
    {
        _documents.Add((collection, id, null));
        return this;
    }

    /// <summary>
    /// Checks the entries given to <see cref="ICoCreationStore.EnqueueOutboxAsync"/> as <see cref="Validate"/> checks
    /// outbox entries, and that no delivery key is given twice.
    /// </summary>
    /// <param name="messages">The entries.</param>
    /// <returns>Their delivery keys, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">An entry is <see langword="null"/>, is not valid, or repeats a key.</exception>
    public static IReadOnlyList<string> CheckNewOutbox(IReadOnlyList<OutboxMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var keys = new List<string>(messages.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new CoCreationValidationException(nameof(messages), "must not hold a null entry.");
            }

            CoCreationGuard.NotBlank(message.DeliveryKey, "OutboxMessage.DeliveryKey");
            CoCreationGuard.NotBlank(message.RecipientId, "OutboxMessage.RecipientId");
            if (!seen.Add(message.DeliveryKey))
            {
                throw new CoCreationValidationException(nameof(messages), $"gives the delivery key '{message.DeliveryKey}' more than once.");
            }

            keys.Add(message.DeliveryKey);
        }

        return keys;
    }

    /// <summary>
    /// Checks that every change names what it needs (ids, keys, collections). Stores call it before
    /// applying anything, so a malformed set is refused whole.
    /// </summary>
    /// <exception cref="CoCreationValidationException">A change lacks an id or key.</exception>
    public void Validate()
    {
        foreach (var (participant, expected) in _participants)
        {
            CoCreationGuard.NotBlank(participant.Id, "Participant.Id");
            if (expected is < 0)
            {
                throw new CoCreationValidationException("expectedVersion", $"must not be negative (was {expected}).");
            }
        }

        foreach (var id in _deletedParticipants)
        {
            CoCreationGuard.NotBlank(id, "participantId");
        }

        foreach (var grant in _grants)
        {
            CoCreationGuard.NotBlank(grant.Id, "AccessGrant.Id");
            CoCreationGuard.NotBlank(grant.ParticipantId, "AccessGrant.ParticipantId");
        }

        foreach (var entry in _audit)
        {
            CoCreationGuard.NotBlank(entry.Id, "AuditEntry.Id");
            CoCreationGuard.NotBlank(entry.ParticipantId, "AuditEntry.ParticipantId");
        }

        foreach (var (anonymousId, participantId) in _anonymisedAudit)
        {
            CoCreationGuard.NotBlank(anonymousId, "anonymousId");
            CoCreationGuard.NotBlank(participantId, "participantId");
        }

        foreach (var message in _outbox)
        {
            CoCreationGuard.NotBlank(message.DeliveryKey, "OutboxMessage.DeliveryKey");
            CoCreationGuard.NotBlank(message.RecipientId, "OutboxMessage.RecipientId");
        }

        foreach (var (source, cursor) in _cursors)
        {
            CoCreationGuard.NotBlank(source, "source");
            ArgumentNullException.ThrowIfNull(cursor);
        }

        foreach (var (collection, id, _) in _documents)
        {
            CoCreationGuard.NotBlank(collection, "collection");
            CoCreationGuard.NotBlank(id, "id");
        }
    }

    /// <summary>Whether the set holds no change.</summary>
    public bool IsEmpty => _participants.Count + _deletedParticipants.Count + _grants.Count + _audit.Count + _outbox.Count + _cursors.Count + _documents.Count + _anonymisedAudit.Count + _redactions.Count == 0;

    /// <summary>
    /// Whether the set erases personal data (deletes a participant, anonymises or redacts), after which a store that
    /// keeps files should also remove the old contents from them.
    /// </summary>
    public bool ErasesPersonalData => _deletedParticipants.Count + _anonymisedAudit.Count + _redactions.Count > 0;

    /// <summary>The redactions of erased participants' personal values.</summary>
    public IReadOnlyList<PersonalDataRedaction> Redactions => _redactions;

    /// <summary>The participants to store with their expected versions.</summary>
    public IReadOnlyList<(Participant Participant, long? ExpectedVersion)> Participants => _participants;

    /// <summary>The participants to delete.</summary>
    public IReadOnlyList<string> DeletedParticipants => _deletedParticipants;

    /// <summary>The grants to store.</summary>
    public IReadOnlyList<AccessGrant> Grants => _grants;

    /// <summary>The audit entries to append.</summary>
    public IReadOnlyList<AuditEntry> Audit => _audit;

    /// <summary>The participant ids to anonymise in the audit trail.</summary>
    public IReadOnlyList<(string AnonymousId, string ParticipantId)> AnonymisedAudit => _anonymisedAudit;

    /// <summary>The outbox entries to store.</summary>
    public IReadOnlyList<OutboxMessage> Outbox => _outbox;

    /// <summary>The cursors to store.</summary>
    public IReadOnlyList<(string Source, string Cursor)> Cursors => _cursors;

    /// <summary>The documents to store (<see langword="null"/> JSON deletes).</summary>
    public IReadOnlyList<(string Collection, string Id, string? Json)> Documents => _documents;
}
