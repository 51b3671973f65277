namespace CoCreation.Sdk.Tests.Fakes;

/// <summary>One call to <see cref="ICoCreationStore.ApplyAsync"/> as the recording store saw it.</summary>
/// <param name="Outbox">The outbox entries the call wrote, in order.</param>
/// <param name="OtherChanges">How many changes of other kinds it held (participants, grants, audit, cursors, documents).</param>
/// <param name="Probe">The value of <see cref="RecordingStore.Probe"/> when the call was made, for example the sends made so far.</param>
/// <param name="Stored">Whether the call stored the changes; <see langword="false"/> when it was made to fail.</param>
public sealed record RecordedApply(IReadOnlyList<OutboxMessage> Outbox, int OtherChanges, int Probe, bool Stored);

/// <summary>
/// The in-memory store with a record of every <see cref="ApplyAsync"/> call (one call is one transaction, one commit
/// in a durable store), a count of the participant and outbox reads (one call is one query in a durable store), and
/// writes that can be made to fail.
/// </summary>
public sealed class RecordingStore : ICoCreationStore
{
    private readonly Lock _gate = new();
    private readonly List<RecordedApply> _applies = [];
    private readonly List<int> _participantBatchReads = [];
    private readonly List<int> _outboxBatchReads = [];
    private Func<StoreChanges, bool>? _failWhen;
    private int _participantReads;
    private int _outboxReads;

    public InMemoryCoCreationStore Inner { get; } = new();

    /// <summary>Read at every call and kept with it.</summary>
    public Func<int>? Probe { get; set; }

    /// <summary>Every call since the last <see cref="Forget"/>, failed ones included.</summary>
    public IReadOnlyList<RecordedApply> Applies
    {
        get
        {
            lock (_gate)
            {
                return _applies.ToArray();
            }
        }
    }

    /// <summary>The calls that stored their changes.</summary>
    public IReadOnlyList<RecordedApply> Commits => Applies.Where(a => a.Stored).ToArray();

    /// <summary>Calls to <see cref="GetParticipantAsync"/> since the last <see cref="Forget"/>.</summary>
    public int ParticipantReads => Volatile.Read(ref _participantReads);

    /// <summary>Calls to <see cref="GetOutboxMessageAsync"/> since the last <see cref="Forget"/>.</summary>
    public int OutboxReads => Volatile.Read(ref _outboxReads);

    /// <summary>How many ids each call to <see cref="GetParticipantsAsync"/> asked for, in order, since the last <see cref="Forget"/>.</summary>
    public IReadOnlyList<int> ParticipantBatchReads
    {
        get
        {
            lock (_gate)
            {
                return _participantBatchReads.ToArray();
            }
        }
    }

    /// <summary>How many keys each call to <see cref="GetOutboxMessagesAsync"/> asked for, in order, since the last <see cref="Forget"/>.</summary>
    public IReadOnlyList<int> OutboxBatchReads
    {
        get
        {
            lock (_gate)
            {
                return _outboxBatchReads.ToArray();
            }
        }
    }

    /// <summary>Forgets the calls made so far, for example those of signing members in.</summary>
    public void Forget()
    {
        lock (_gate)
        {
            _applies.Clear();
            _participantBatchReads.Clear();
            _outboxBatchReads.Clear();
            _participantReads = 0;
            _outboxReads = 0;
        }
    }

    /// <summary>Fails every write the predicate picks (nothing of it is stored), until cleared with <see langword="null"/>.</summary>
    public void FailWhen(Func<StoreChanges, bool>? predicate) => _failWhen = predicate;

    public async Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var fails = _failWhen is { } fail && fail(changes);
        var others = changes.Participants.Count + changes.DeletedParticipants.Count + changes.Grants.Count + changes.Audit.Count
            + changes.AnonymisedAudit.Count + changes.Cursors.Count + changes.Documents.Count;
        var stored = false;
        try
        {
            if (fails)
            {
                throw new InvalidOperationException("The store is unavailable.");
            }

            await Inner.ApplyAsync(changes, cancellationToken);
            stored = true;
        }
        finally
        {
            lock (_gate)
            {
                _applies.Add(new RecordedApply(changes.Outbox.ToArray(), others, Probe?.Invoke() ?? 0, stored));
            }
        }
    }

    public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _participantReads);
        return Inner.GetParticipantAsync(participantId, cancellationToken);
    }

    public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _participantBatchReads.Add(participantIds.Count);
        }

        return Inner.GetParticipantsAsync(participantIds, cancellationToken);
    }

    public Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default) => Inner.FindParticipantBySnsAsync(network, subject, cancellationToken);

    public Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default) => Inner.FindParticipantByCloudAccountAsync(provider, accountId, cancellationToken);

    public Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default) => Inner.FindParticipantByEnterpriseAccountAsync(system, accountId, cancellationToken);

    public Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default) => Inner.GetGrantAsync(grantId, cancellationToken);

    public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default) => Inner.GetGrantsAsync(participantId, cancellationToken);

    public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default) => Inner.GetActiveGrantsExpiringByAsync(time, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default) => Inner.GetAuditAsync(participantId, cancellationToken);

    public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _outboxReads);
        return Inner.GetOutboxMessageAsync(deliveryKey, cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _outboxBatchReads.Add(deliveryKeys.Count);
        }

        return Inner.GetOutboxMessagesAsync(deliveryKeys, cancellationToken);
    }

    public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) => Inner.GetDueOutboxAsync(now, max, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default) => Inner.GetOutboxByStatusAsync(status, cancellationToken);

    public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default) => Inner.GetCursorAsync(source, cancellationToken);

    public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default) => Inner.GetDocumentAsync(collection, id, cancellationToken);

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default) => Inner.ListDocumentsAsync(collection, cancellationToken);
}
