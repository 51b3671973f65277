namespace CoCreation.Sdk.Sqlite;

/// <summary>The checks of a change set that need no stored state, run before the transaction starts.</summary>
internal static class StoreChecks
{
    public static void CheckShape(StoreChanges changes)
    {
        foreach (var (participant, expected) in changes.Participants)
        {
            CoCreationGuard.NotBlank(participant.Id, "Participant.Id");
            if (expected is < 0)
            {
                throw new CoCreationValidationException("expectedVersion", $"must not be negative (was {expected}).");
            }
        }

        foreach (var id in changes.DeletedParticipants)
        {
            CoCreationGuard.NotBlank(id, "participantId");
        }

        foreach (var grant in changes.Grants)
        {
            CoCreationGuard.NotBlank(grant.Id, "AccessGrant.Id");
            CoCreationGuard.NotBlank(grant.ParticipantId, "AccessGrant.ParticipantId");
        }

        foreach (var entry in changes.Audit)
        {
            CoCreationGuard.NotBlank(entry.Id, "AuditEntry.Id");
            CoCreationGuard.NotBlank(entry.ParticipantId, "AuditEntry.ParticipantId");
        }

        foreach (var (anonymousId, participantId) in changes.AnonymisedAudit)
        {
            CoCreationGuard.NotBlank(anonymousId, "anonymousId");
            CoCreationGuard.NotBlank(participantId, "participantId");
        }

        foreach (var message in changes.Outbox)
        {
            CoCreationGuard.NotBlank(message.DeliveryKey, "OutboxMessage.DeliveryKey");
            CoCreationGuard.NotBlank(message.RecipientId, "OutboxMessage.RecipientId");
        }

        foreach (var (source, cursor) in changes.Cursors)
        {
            CoCreationGuard.NotBlank(source, "source");
            ArgumentNullException.ThrowIfNull(cursor);
        }

        foreach (var (collection, id, _) in changes.Documents)
        {
            CoCreationGuard.NotBlank(collection, "collection");
            CoCreationGuard.NotBlank(id, "id");
        }
    }
}
