namespace CoCreation.Sdk.Tests.Fakes;

/// <summary>An in-memory store whose writes can be made to fail, to test what is undone when storing fails.</summary>
public sealed class FlakyStore : ICoCreationStore
{
    private Func<StoreChanges, bool>? _failWhen;

    public InMemoryCoCreationStore Inner { get; } = new();

    /// <summary>Fails every write the predicate picks, until cleared with <see langword="null"/>.</summary>
    public void FailWhen(Func<StoreChanges, bool>? predicate) => _failWhen = predicate;

    public Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
        => _failWhen is { } fail && fail(changes)
            ? throw new InvalidOperationException("The store is unavailable.")
            : Inner.ApplyAsync(changes, cancellationToken);

    public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default) => Inner.GetParticipantAsync(participantId, cancellationToken);

    public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default) => Inner.GetParticipantsAsync(participantIds, cancellationToken);

    public Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default) => Inner.FindParticipantBySnsAsync(network, subject, cancellationToken);

    public Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default) => Inner.FindParticipantByCloudAccountAsync(provider, accountId, cancellationToken);

    public Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default) => Inner.FindParticipantByEnterpriseAccountAsync(system, accountId, cancellationToken);

    public Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default) => Inner.GetGrantAsync(grantId, cancellationToken);

    public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default) => Inner.GetGrantsAsync(participantId, cancellationToken);

    public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default) => Inner.GetActiveGrantsExpiringByAsync(time, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default) => Inner.GetAuditAsync(participantId, cancellationToken);

    public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default) => Inner.GetOutboxMessageAsync(deliveryKey, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default) => Inner.GetOutboxMessagesAsync(deliveryKeys, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) => Inner.GetDueOutboxAsync(now, max, cancellationToken);

    public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default) => Inner.GetOutboxByStatusAsync(status, cancellationToken);

    public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default) => Inner.GetCursorAsync(source, cancellationToken);

    public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default) => Inner.GetDocumentAsync(collection, id, cancellationToken);

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default) => Inner.ListDocumentsAsync(collection, cancellationToken);
}
