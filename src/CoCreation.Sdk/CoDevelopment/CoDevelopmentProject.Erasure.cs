namespace CoCreation.Sdk.CoDevelopment;

// Erasure: removing a person from every co-development project in the store.
public sealed partial class CoDevelopmentProject
{
    /// <summary>The account id an erased applicant's record is kept under: a one-way hash, naming no one.</summary>
    internal static string ErasedSubject(string network, string subject) => "erased-" + Hashing.Sha256Hex($"{network}\n{subject}", 24);

    /// <summary>
    /// Erasure, across every co-development project in the store. Applications keep their place (sequence and status,
    /// so the cap and the waitlist stay as they were) under a hashed account id, without handle or reply text, so that
    /// the reply is not collected again. Membership, the pending e-mail confirmation and the person's activity queue are
    /// deleted; their discussion posts keep their place without author handle or text; their addresses leave the
    /// milestones' attendee lists; other members' queued activity no longer names them.
    /// </summary>
    internal static async Task EraseParticipantAsync(ICoCreationStore store, ParticipantErasure erasure, CancellationToken cancellationToken)
    {
        var participantId = erasure.Participant.Id;
        var changes = erasure.Changes;
        var addresses = new HashSet<string>(erasure.Participant.CloudLinks.Select(l => l.Email), StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.Ordinal) { erasure.Participant.DisplayName };

        foreach (var (id, json) in await store.ListDocumentsAsync(MembersCollection, cancellationToken).ConfigureAwait(false))
        {
            var member = Deserialize<CoDevelopmentMember>(json);
            if (member.ParticipantId == participantId)
            {
                addresses.Add(member.Email);
                names.Add(member.DisplayName);
                erasure.AddPersonalValue(member.Email);
                erasure.AddPersonalValue(member.DisplayName);
                erasure.AddPersonalValue(member.CloudAccountId);
                changes.DeleteDocument(MembersCollection, id);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ConfirmationsCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                erasure.AddPersonalValue(Deserialize<PendingConfirmation>(json).Email);
                changes.DeleteDocument(ConfirmationsCollection, id);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ApplicantsCollection, cancellationToken).ConfigureAwait(false))
        {
            var applicant = Deserialize<RecruitmentApplicant>(json);
            if (applicant.ParticipantId != participantId && !erasure.IsOwnIdentity(applicant.Network, applicant.Subject))
            {
                continue;
            }

            erasure.AddPersonalValue(applicant.Handle);
            var project = id[..id.IndexOf(':', StringComparison.Ordinal)];
            var subject = ErasedSubject(applicant.Network, applicant.Subject);
            changes.DeleteDocument(ApplicantsCollection, id);
            changes.PutDocument(
                ApplicantsCollection,
                $"{project}:{applicant.Network}:{subject}",
                Serialize(applicant with { Subject = subject, Handle = "", ReplyText = null, ParticipantId = null }));
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(DiscussionCollection, cancellationToken).ConfigureAwait(false))
        {
            var entry = Deserialize<DiscussionEntry>(json);
            if (entry.ParticipantId == participantId)
            {
                erasure.AddPersonalValue(entry.AuthorHandle);
                changes.PutDocument(DiscussionCollection, id, Serialize(entry with
                {
                    ParticipantId = erasure.AnonymousId,
                    AuthorHandle = "",
                    Text = "",
                    FilterReason = erasure.Redact(entry.FilterReason),
                }));
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(MilestonesCollection, cancellationToken).ConfigureAwait(false))
        {
            var milestone = Deserialize<Milestone>(json);
            if (milestone.Attendees.Any(addresses.Contains))
            {
                changes.PutDocument(MilestonesCollection, id, Serialize(milestone with { Attendees = milestone.Attendees.Where(a => !addresses.Contains(a)).ToList() }));
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                changes.DeleteDocument(RelayCollection, id);
                continue;
            }

            var relayState = Deserialize<RecipientRelayState>(json);
            string? Neutral(string? name) => name is not null && names.Contains(name) ? ErasedPerson.NameFor(name) : name;
            if (relayState.Pending.Any(c => (c.ActorName is { } a && names.Contains(a)) || (c.TargetName is { } t && names.Contains(t))))
            {
                changes.PutDocument(RelayCollection, id, Serialize(relayState with
                {
                    Pending = relayState.Pending.Select(c => c with { ActorName = Neutral(c.ActorName), TargetName = Neutral(c.TargetName) }).ToList(),
                }));
            }
        }
    }

    /// <summary>
    /// Export, across every project: the places erasure looks at, with the person's own entries only — their
    /// membership, pending e-mail confirmation (without the code's hash), applications, discussion posts, the
    /// milestones they attend (with their own address only) and their activity queue (without other members' names).
    /// </summary>
    internal static async Task ExportParticipantAsync(ICoCreationStore store, ParticipantExportBuilder export, CancellationToken cancellationToken)
    {
        var participant = export.Participant;
        var participantId = participant.Id;
        var addresses = new HashSet<string>(participant.CloudLinks.Select(l => l.Email), StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.Ordinal) { participant.DisplayName };
        var otherNames = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (id, json) in await store.ListDocumentsAsync(MembersCollection, cancellationToken).ConfigureAwait(false))
        {
            var member = Deserialize<CoDevelopmentMember>(json);
            if (member.ParticipantId == participantId)
            {
                addresses.Add(member.Email);
                names.Add(member.DisplayName);
                export.Add(ModuleName, MembersCollection, id, member);
            }
            else
            {
                otherNames.Add(member.DisplayName);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ConfirmationsCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                var confirmation = Deserialize<PendingConfirmation>(json);
                export.Add(ModuleName, ConfirmationsCollection, id, new { confirmation.Email, confirmation.ExpiresAt, confirmation.FailedAttempts });
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ApplicantsCollection, cancellationToken).ConfigureAwait(false))
        {
            var applicant = Deserialize<RecruitmentApplicant>(json);
            if (applicant.ParticipantId == participantId || export.IsOwnIdentity(applicant.Network, applicant.Subject))
            {
                export.Add(ModuleName, ApplicantsCollection, id, applicant);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(DiscussionCollection, cancellationToken).ConfigureAwait(false))
        {
            var entry = Deserialize<DiscussionEntry>(json);
            if (entry.ParticipantId == participantId)
            {
                export.Add(ModuleName, DiscussionCollection, id, entry);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(MilestonesCollection, cancellationToken).ConfigureAwait(false))
        {
            var milestone = Deserialize<Milestone>(json);
            var own = milestone.Attendees.Where(addresses.Contains).ToList();
            if (own.Count > 0)
            {
                export.Add(ModuleName, MilestonesCollection, id, new { milestone.Id, milestone.Title, milestone.Start, milestone.End, Attendees = own });
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                var relayState = Deserialize<RecipientRelayState>(json);
                string? Own(string? name) => name is not null && names.Contains(name) ? name : null;
                export.Add(ModuleName, RelayCollection, id, new
                {
                    relayState.LastSentAt,
                    Pending = relayState.Pending.Select(c => new { c.ActivityId, Kind = c.Kind.ToString(), c.OccurredAt, ActorName = Own(c.ActorName), TargetName = c.TargetName is { } t && otherNames.Contains(t) && !names.Contains(t) ? null : c.TargetName }).ToList(),
                });
            }
        }
    }
}
