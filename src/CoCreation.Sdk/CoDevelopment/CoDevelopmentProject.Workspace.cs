namespace CoCreation.Sdk.CoDevelopment;

// Workspace: provisioning the shared workspace and sharing it by role.
public sealed partial class CoDevelopmentProject
{
    /// <summary>
    /// Creates the workspace (folder and project calendar) and the starter documents, then shares the workspace
    /// with every member in their role (as access grants) and tells them over SNS.
    /// </summary>
    /// <remarks>
    /// Resumes idempotently: when a provider call fails, the exception reaches the caller, what was created is
    /// kept in the store, and calling again with the same plan continues where it stopped. A provisioned project
    /// returns its workspace without calling the provider.
    /// </remarks>
    /// <param name="plan">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provisioned workspace.</returns>
    /// <exception cref="CoCreationValidationException">A name or title is blank or too long.</exception>
    /// <exception cref="CoCreationConflictException">An unfinished run used a different plan.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<ProvisionedWorkspace> ProvisionAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var name = plan.WorkspaceName ?? _options.ProjectName;
        CoCreationGuard.NotBlank(name, "ProvisioningPlan.WorkspaceName");
        CoCreationGuard.MaxLength(name, 200, "ProvisioningPlan.WorkspaceName");
        for (var i = 0; i < plan.StarterDocuments.Count; i++)
        {
            var document = plan.StarterDocuments[i] ?? throw new CoCreationValidationException($"ProvisioningPlan.StarterDocuments[{i}]", "must not be null.");
            CoCreationGuard.NotBlank(document.Title, $"ProvisioningPlan.StarterDocuments[{i}].Title");
            CoCreationGuard.MaxLength(document.Title, 200, $"ProvisioningPlan.StarterDocuments[{i}].Title");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "provisioning");
            if (state.Status == CoDevelopmentStatus.Active && state.Workspace is not null)
            {
                return new ProvisionedWorkspace { Workspace = state.Workspace, Documents = state.Documents, Members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList() };
            }

            if (state.Plan is not null && Serialize(state.Plan) != Serialize(plan))
            {
                throw new CoCreationConflictException($"Co-development project '{ProjectId}' has an unfinished provisioning run with a different plan; call ProvisionAsync again with the same plan to finish it.");
            }

            var workspace = CloudWorkspace;
            if (state.Plan is null)
            {
                state = state with { Status = CoDevelopmentStatus.Provisioning, Plan = plan };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            var folder = state.Workspace;
            if (folder is null)
            {
                folder = await workspace.CreateWorkspaceAsync(
                    new WorkspaceSpec { Name = name, Description = plan.Description, TimeZone = _options.TimeZone },
                    cancellationToken).ConfigureAwait(false);
                state = state with { Workspace = folder };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            for (var i = state.Documents.Count; i < plan.StarterDocuments.Count; i++)
            {
                var document = await workspace.CreateDocumentAsync(folder, plan.StarterDocuments[i], cancellationToken).ConfigureAwait(false);
                state = state with { Documents = [.. state.Documents, document] };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            var members = new List<CoDevelopmentMember>();
            foreach (var member in (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active))
            {
                members.Add(member.GrantId is null ? await ShareCoreAsync(state, member, cancellationToken).ConfigureAwait(false) : member);
            }

            // Provisioning's own changes (documents created, members added) were told to members directly; the
            // relay starts after them.
            var sourceName = ActivitySourceName(folder);
            var cursor = await _store.GetCursorAsync(sourceName, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var page = await workspace.GetActivityAsync(folder, cursor, cancellationToken).ConfigureAwait(false);
                cursor = page.Cursor;
                if (!page.HasMore || page.Items.Count == 0)
                {
                    break;
                }
            }

            state = state with { Status = CoDevelopmentStatus.Active };
            await _store.ApplyAsync(
                new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state)).SetCursor(sourceName, cursor!),
                cancellationToken).ConfigureAwait(false);
            return new ProvisionedWorkspace { Workspace = folder, Documents = state.Documents, Members = members };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Changes a member's workspace role: the old share is revoked at the provider and a new one granted.</summary>
    /// <param name="participantId">The member.</param>
    /// <param name="role">The new role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member.</returns>
    /// <exception cref="CoCreationValidationException">No such member, or the role is unknown.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<CoDevelopmentMember> ShareAsync(string participantId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        if (!Enum.IsDefined(role))
        {
            throw new CoCreationValidationException(nameof(role), $"{role} is not a workspace role.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "sharing");
            var json = await _store.GetDocumentAsync(MembersCollection, MemberId(participantId), cancellationToken).ConfigureAwait(false);
            var member = json is null ? null : Deserialize<CoDevelopmentMember>(json);
            if (member is not { Active: true })
            {
                throw new CoCreationValidationException(nameof(participantId), $"'{participantId}' is not a member of co-development project '{ProjectId}'.");
            }

            if (member.Role == role && (member.GrantId is not null || state.Status != CoDevelopmentStatus.Active))
            {
                return member;
            }

            if (member.GrantId is not null)
            {
                await _grants.RevokeAsync(member.GrantId, $"co-development {ProjectId}: role changed to {role}", cancellationToken).ConfigureAwait(false);
            }

            member = member with { Role = role, GrantId = null };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MembersCollection, MemberId(participantId), Serialize(member)), cancellationToken).ConfigureAwait(false);
            return state.Status == CoDevelopmentStatus.Active ? await ShareCoreAsync(state, member, cancellationToken).ConfigureAwait(false) : member;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<CoDevelopmentMember> ShareCoreAsync(ProjectState state, CoDevelopmentMember member, CancellationToken cancellationToken)
    {
        var workspace = state.Workspace!;
        var grant = await _grants.GrantAsync(
            new AccessGrantRequest
            {
                ParticipantId = member.ParticipantId,
                Target = WorkspaceTarget(workspace),
                Roles = [member.Role.ToString()],
                Workspace = workspace,
                Reason = $"co-development {ProjectId}: {member.Role}",
            },
            cancellationToken).ConfigureAwait(false);
        member = member with { GrantId = grant.Id };
        await _store.ApplyAsync(new StoreChanges().PutDocument(MembersCollection, MemberId(member.ParticipantId), Serialize(member)), cancellationToken).ConfigureAwait(false);
        await _relay.PublishAsync(
            ModuleEvent(
                CoDevelopmentEventTypes.Shared,
                $"{ProjectId}:shared:{grant.Id}",
                $"members/{member.ParticipantId}",
                Data(member.ParticipantId)
                    .Add("role", member.Role.ToString().ToLowerInvariant())
                    .Add("workspace", workspace.Name)
                    .Add("url", workspace.Url?.ToString() ?? workspace.Id)),
            cancellationToken).ConfigureAwait(false);
        return member;
    }

    private GrantTarget WorkspaceTarget(WorkspaceRef workspace) => new(GrantTargetKind.Workspace, _options.CloudWorkspace, workspace.Id);
}
