namespace CoCreation.Sdk;

/// <summary>Reads the audit trail from the store; the other services write it together with the change they audit.</summary>
internal sealed class AuditLog(ICoCreationStore store) : IAuditLog
{
    public Task<IReadOnlyList<AuditEntry>> QueryAsync(string? participantId = null, CancellationToken cancellationToken = default)
    {
        if (participantId is not null)
        {
            CoCreationGuard.NotBlank(participantId, nameof(participantId));
        }

        return store.GetAuditAsync(participantId, cancellationToken);
    }
}
