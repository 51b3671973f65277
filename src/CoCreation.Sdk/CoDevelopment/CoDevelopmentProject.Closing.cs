namespace CoCreation.Sdk.CoDevelopment;

// Closing: revoking every share and ending the memberships.
public sealed partial class CoDevelopmentProject
{
    /// <summary>
    /// Closes the project: revokes every member's workspace share at the provider (through their access grants),
    /// ends every membership and tells each member over SNS. Held changes are dropped. Closing a closed project does
    /// nothing. When a revocation fails, the project stays open and calling again finishes the job.
    /// </summary>
    /// <param name="reason">Why, for the audit and the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was revoked and who was told.</returns>
    /// <exception cref="CoCreationValidationException">The reason is blank.</exception>
    public async Task<ProjectClosure> CloseAsync(string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(reason, nameof(reason));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.Status == CoDevelopmentStatus.Closed)
            {
                return new ProjectClosure { RevokedGrants = [], NotifiedParticipants = [] };
            }

            var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();
            var revoked = new List<AccessGrant>();
            if (state.Workspace is not null)
            {
                var target = WorkspaceTarget(state.Workspace);
                foreach (var member in members)
                {
                    foreach (var grant in await _grants.ListAsync(member.ParticipantId, includeInactive: false, cancellationToken).ConfigureAwait(false))
                    {
                        if (grant.Target == target)
                        {
                            revoked.Add(await _grants.RevokeAsync(grant.Id, $"co-development {ProjectId} closed: {reason}", cancellationToken).ConfigureAwait(false));
                        }
                    }
                }
            }

            var changes = new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state with { Status = CoDevelopmentStatus.Closed, ClosedAt = _time.GetUtcNow() }));
            foreach (var member in members)
            {
                changes.PutDocument(MembersCollection, MemberId(member.ParticipantId), Serialize(member with { Active = false }));
            }

            foreach (var (id, _) in await ListOwnAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
            {
                changes.DeleteDocument(RelayCollection, id);
            }

            foreach (var (id, _) in await ListOwnAsync(ConfirmationsCollection, cancellationToken).ConfigureAwait(false))
            {
                changes.DeleteDocument(ConfirmationsCollection, id);
            }

            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            foreach (var member in members)
            {
                await _relay.PublishAsync(
                    ModuleEvent(CoDevelopmentEventTypes.Closed, $"{ProjectId}:closed:{member.ParticipantId}", $"members/{member.ParticipantId}", Data(member.ParticipantId).Add(CoCreationEventData.Text, reason)),
                    cancellationToken).ConfigureAwait(false);
            }

            return new ProjectClosure { RevokedGrants = revoked, NotifiedParticipants = members.Select(m => m.ParticipantId).ToList() };
        }
        finally
        {
            _gate.Release();
        }
    }
}
