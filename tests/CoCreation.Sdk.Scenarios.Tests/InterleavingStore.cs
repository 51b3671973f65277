namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// A store that waits a real millisecond before every call, so that concurrent callers interleave between
/// their reads and writes as they do against a database under load. Races that an in-process store's
/// synchronous answers hide show up here.
/// </summary>
internal sealed class InterleavingStore(ICoCreationStore inner) : ICoCreationStore
{
    private static Task Pause(CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);

    public async Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        await inner.ApplyAsync(changes, cancellationToken);
    }

    public async Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetParticipantAsync(participantId, cancellationToken);
    }

    public async Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetParticipantsAsync(participantIds, cancellationToken);
    }

    public async Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.FindParticipantBySnsAsync(network, subject, cancellationToken);
    }

    public async Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.FindParticipantByCloudAccountAsync(provider, accountId, cancellationToken);
    }

    public async Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.FindParticipantByEnterpriseAccountAsync(system, accountId, cancellationToken);
    }

    public async Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetGrantAsync(grantId, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetGrantsAsync(participantId, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetActiveGrantsExpiringByAsync(time, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetAuditAsync(participantId, cancellationToken);
    }

    public async Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetOutboxMessageAsync(deliveryKey, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetOutboxMessagesAsync(deliveryKeys, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetDueOutboxAsync(now, max, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetOutboxByStatusAsync(status, cancellationToken);
    }

    public async Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetCursorAsync(source, cancellationToken);
    }

    public async Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.GetDocumentAsync(collection, id, cancellationToken);
    }

    public async Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default)
    {
        await Pause(cancellationToken);
        return await inner.ListDocumentsAsync(collection, cancellationToken);
    }
}
