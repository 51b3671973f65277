using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

/// <summary>
/// Grants and revokes access at the providers and in the store. Changes to one participant's grants are
/// serialised, because an enterprise account's roles are the union of all that participant's active grants
/// on the system and two concurrent changes would each compute it from a stale set.
/// </summary>
internal sealed class AccessGrants : IAccessGrants
{
    internal const string ExpiredReason = "expired";
    internal const string RevokedReason = "revoked";
    internal const string NoGrantReason = "no grant";
    internal const string SessionExpiredReason = "session expired";

    private readonly ICoCreationStore _store;
    private readonly SessionBook _sessions;
    private readonly ICoCreationProviders _providers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyedLock _participantLocks = new();

    public AccessGrants(ICoCreationStore store, SessionBook sessions, ICoCreationProviders providers, TimeProvider time, ILogger<AccessGrants>? logger = null)
    {
        _store = store;
        _sessions = sessions;
        _providers = providers;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<AccessGrant> GrantAsync(AccessGrantRequest request, CancellationToken cancellationToken = default)
    {
        var roles = Validate(request);
        using var activity = CoCreationDiagnostics.ActivitySource.StartActivity("cocreation.grant");
        activity?.SetTag(CoCreationDiagnostics.ProviderTag, request.Target.System);
        activity?.SetTag("cocreation.grant.target", request.Target.ToString());
        try
        {
            using var _ = await _participantLocks.AcquireAsync(request.ParticipantId, cancellationToken).ConfigureAwait(false);
            var participant = await _store.GetParticipantAsync(request.ParticipantId, cancellationToken).ConfigureAwait(false)
                ?? throw new CoCreationValidationException(nameof(AccessGrantRequest.ParticipantId), $"no participant '{request.ParticipantId}' exists.");
            if (request.IdempotencyKey is { } key)
            {
                // Checked under the participant's lock, so of any number of racing calls only the first grants.
                var earlier = (await _store.GetGrantsAsync(participant.Id, cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(g => g.IdempotencyKey == key);
                if (earlier is not null)
                {
                    if (earlier.Target != request.Target)
                    {
                        throw new CoCreationConflictException($"Idempotency key '{key}' was used for a grant on {earlier.Target}, not {request.Target}.");
                    }

                    return earlier;
                }
            }

            var grant = request.Target.Kind == GrantTargetKind.Enterprise
                ? await GrantEnterpriseAsync(request, roles, participant, cancellationToken).ConfigureAwait(false)
                : await GrantWorkspaceAsync(request, roles, participant, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("cocreation.grant.id", grant.Id);
            Log.Granted(_logger, grant.Id, grant.Target.ToString(), grant.ParticipantId);
            return grant;
        }
        catch (Exception ex)
        {
            activity.SetError(ex);
            throw;
        }
    }

    public async Task<AccessGrant> RevokeAsync(string grantId, string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(grantId, nameof(grantId));
        CoCreationGuard.NotBlank(reason, nameof(reason));
        var grant = await _store.GetGrantAsync(grantId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(grantId), $"no grant '{grantId}' exists.");
        using var _ = await _participantLocks.AcquireAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false);
        return await EndAsync(grantId, GrantStatus.Revoked, reason, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AccessGrant>> RevokeAllAsync(string participantId, string reason, string? system = null, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        CoCreationGuard.NotBlank(reason, nameof(reason));
        if (system is not null)
        {
            CoCreationGuard.NotBlank(system, nameof(system));
        }

        using var _ = await _participantLocks.AcquireAsync(participantId, cancellationToken).ConfigureAwait(false);
        var grants = await _store.GetGrantsAsync(participantId, cancellationToken).ConfigureAwait(false);
        var revoked = new List<AccessGrant>();

        // Stored-active grants past their expiry are ended too: their access at the provider is still open.
        foreach (var grant in grants.Where(g => g.Status == GrantStatus.Active && (system is null || g.Target.System == system)))
        {
            revoked.Add(await EndAsync(grant.Id, GrantStatus.Revoked, reason, cancellationToken).ConfigureAwait(false));
        }

        return revoked;
    }

    public async Task<AccessGrant> AuthorizeAsync(ParticipantSession session, GrantTarget target, string role, CancellationToken cancellationToken = default)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null: sign in first.");
        }

        if (target is null)
        {
            throw new CoCreationValidationException(nameof(target), "must not be null.");
        }

        CoCreationGuard.NotBlank(role, nameof(role));

        // The session is checked against the record the SDK stored when it issued it, never taken as presented.
        var participantId = (await _sessions.VerifyAsync(session, target.ToString(), cancellationToken).ConfigureAwait(false)).Id;
        var now = _time.GetUtcNow();

        var matching = (await _store.GetGrantsAsync(participantId, cancellationToken).ConfigureAwait(false))
            .Where(g => g.Target == target && g.Roles.Contains(role, StringComparer.Ordinal))
            .ToList();
        var allowed = matching.FirstOrDefault(g => g.IsActiveAt(now));
        if (allowed is not null)
        {
            await _store.ApplyAsync(
                new StoreChanges().AppendAudit(Audit.Entry(now, AuditAction.Used, participantId, target.ToString(), allowed.Id, $"role {role}")),
                cancellationToken).ConfigureAwait(false);
            return allowed;
        }

        var lapsed = matching.Where(g => g.Status == GrantStatus.Active).ToList();
        if (lapsed.Count > 0)
        {
            // Past its expiry but not yet enforced: close it at the provider now rather than wait for the next sweep.
            using (await _participantLocks.AcquireAsync(participantId, cancellationToken).ConfigureAwait(false))
            {
                foreach (var grant in lapsed)
                {
                    try
                    {
                        await EndAsync(grant.Id, GrantStatus.Expired, ExpiredReason, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        throw;
                    }
#pragma warning disable CA1031 // The caller is refused either way; the next expiry run closes it at the provider.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.ExpiryFailed(_logger, ex, grant.Id);
                    }
                }
            }

            throw await DenyAsync(participantId, target, role, ExpiredReason, lapsed[^1].Id, cancellationToken).ConfigureAwait(false);
        }

        var last = matching.LastOrDefault();
        var reason = last?.Status switch
        {
            GrantStatus.Revoked => RevokedReason,
            GrantStatus.Expired => ExpiredReason,
            _ => NoGrantReason,
        };
        throw await DenyAsync(participantId, target, role, reason, last?.Id, cancellationToken).ConfigureAwait(false);
    }

    public Task<Participant> VerifySessionAsync(ParticipantSession session, string target, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(target, nameof(target));
        return _sessions.VerifyAsync(session, target, cancellationToken);
    }

    public async Task<IReadOnlyList<AccessGrant>> ListAsync(string participantId, bool includeInactive = false, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var grants = await _store.GetGrantsAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (includeInactive)
        {
            return grants;
        }

        var now = _time.GetUtcNow();
        return grants.Where(g => g.IsActiveAt(now)).ToArray();
    }

    public async Task<IReadOnlyList<AccessGrant>> EnforceExpiryAsync(CancellationToken cancellationToken = default)
    {
        // Session records are kept a day past their expiry, so that a late replay is refused as "expired".
        await _sessions.PurgeExpiredAsync(_time.GetUtcNow() - TimeSpan.FromDays(1), cancellationToken).ConfigureAwait(false);
        var due = await _store.GetActiveGrantsExpiringByAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var expired = new List<AccessGrant>();
        foreach (var grant in due)
        {
            try
            {
                using var _ = await _participantLocks.AcquireAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false);
                var ended = await EndAsync(grant.Id, GrantStatus.Expired, ExpiredReason, cancellationToken).ConfigureAwait(false);
                if (ended.Status == GrantStatus.Expired && ended.EndedAt is not null)
                {
                    expired.Add(ended);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One provider being down must not keep other grants open.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ExpiryFailed(_logger, ex, grant.Id);
            }
        }

        return expired;
    }

    // ------------------------------------------------------------------ granting

    private IReadOnlyList<string> Validate(AccessGrantRequest request)
    {
        if (request is null)
        {
            throw new CoCreationValidationException(nameof(request), "must not be null.");
        }

        CoCreationGuard.NotBlank(request.ParticipantId, nameof(AccessGrantRequest.ParticipantId));
        if (request.Target is null)
        {
            throw new CoCreationValidationException(nameof(AccessGrantRequest.Target), "must not be null.");
        }

        CoCreationGuard.NotBlank(request.Target.System, "Target.System");
        CoCreationGuard.NotBlank(request.Target.Resource, "Target.Resource");
        if (request.Roles is null || request.Roles.Count == 0)
        {
            throw new CoCreationValidationException(nameof(AccessGrantRequest.Roles), "must name at least one role.");
        }

        for (var i = 0; i < request.Roles.Count; i++)
        {
            CoCreationGuard.NotBlank(request.Roles[i], $"Roles[{i}]");
        }

        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, nameof(AccessGrantRequest.IdempotencyKey));

        if (request.ExpiresAt is { } expiry && expiry <= _time.GetUtcNow())
        {
            throw new CoCreationValidationException(nameof(AccessGrantRequest.ExpiresAt), $"must be in the future (was {expiry:o}).");
        }

        switch (request.Target.Kind)
        {
            case GrantTargetKind.Enterprise:
            {
                CoCreationProviders.EnsureRegistered(_providers.EnterpriseSystems, request.Target.System, "Target.System", "enterprise system");
                var known = _providers.GetEnterprise(request.Target.System).Capabilities.Roles;
                for (var i = 0; i < request.Roles.Count; i++)
                {
                    if (!known.Contains(request.Roles[i], StringComparer.Ordinal))
                    {
                        throw new CoCreationValidationException($"Roles[{i}]", $"'{request.Roles[i]}' is not a role {request.Target.System} knows (known: {string.Join(", ", known)}).");
                    }
                }

                return request.Roles.Distinct(StringComparer.Ordinal).ToArray();
            }

            case GrantTargetKind.Workspace:
            {
                CoCreationProviders.EnsureRegistered(_providers.CloudWorkspaces, request.Target.System, "Target.System", "cloud workspace");
                if (request.Workspace is null)
                {
                    throw new CoCreationValidationException(nameof(AccessGrantRequest.Workspace), "is required for a workspace grant (sharing needs the workspace).");
                }

                if (request.Workspace.Id != request.Target.Resource)
                {
                    throw new CoCreationValidationException(nameof(AccessGrantRequest.Workspace), $"is workspace '{request.Workspace.Id}' but the target names '{request.Target.Resource}'.");
                }

                if (request.Roles.Count != 1)
                {
                    throw new CoCreationValidationException(nameof(AccessGrantRequest.Roles), $"a workspace grant has exactly one role (got {request.Roles.Count}).");
                }

                if (!Enum.TryParse<WorkspaceRole>(request.Roles[0], ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(request.Roles[0], out _))
                {
                    throw new CoCreationValidationException("Roles[0]", $"'{request.Roles[0]}' is not a workspace role ({string.Join(", ", Enum.GetNames<WorkspaceRole>())}).");
                }

                var supported = _providers.GetCloudWorkspace(request.Target.System).Capabilities.Roles;
                if (!supported.Contains(role))
                {
                    throw new CoCreationValidationException("Roles[0]", $"{role} is not a role {request.Target.System} supports.");
                }

                return [role.ToString()];
            }

            default:
                throw new CoCreationValidationException("Target.Kind", $"{request.Target.Kind} is not a grant target kind.");
        }
    }

    private async Task<AccessGrant> GrantEnterpriseAsync(AccessGrantRequest request, IReadOnlyList<string> roles, Participant participant, CancellationToken cancellationToken)
    {
        var system = request.Target.System;
        var adapter = _providers.GetEnterprise(system);
        var now = _time.GetUtcNow();
        var active = (await _store.GetGrantsAsync(participant.Id, cancellationToken).ConfigureAwait(false))
            .Where(g => g.IsActiveAt(now) && g.Target.Kind == GrantTargetKind.Enterprise && g.Target.System == system)
            .ToList();
        var previousRoles = RoleUnion(active);
        var union = previousRoles.Concat(roles).Distinct(StringComparer.Ordinal).ToArray();
        var link = participant.FindEnterpriseLink(system);
        var changes = new StoreChanges();

        EnterpriseAccount account;
        Func<Task> undo;
        if (link is null || active.Count == 0)
        {
            // No account yet, or the last grant's end deprovisioned it: provisioning (again) opens it with the roles.
            account = await adapter.ProvisionAccountAsync(
                new EnterpriseAccountRequest { Login = link?.Login ?? "p-" + participant.Id, DisplayName = participant.DisplayName, Roles = union },
                cancellationToken).ConfigureAwait(false);
            undo = () => adapter.DeprovisionAccountAsync(account, CancellationToken.None);
            if (link is null || link.AccountId != account.AccountId)
            {
                var links = participant.EnterpriseLinks.Where(l => l.System != system)
                    .Append(new EnterpriseAccountLink(system, account.AccountId, account.Login, now))
                    .ToArray();
                changes.PutParticipant(participant with { EnterpriseLinks = links }, participant.Version)
                    .AppendAudit(Audit.Entry(now, AuditAction.Linked, participant.Id, $"enterprise:{system}", detail: "account provisioned for a grant"));
            }
        }
        else
        {
            account = ToAccount(link, participant);
            await adapter.SetAccountRolesAsync(account, union, cancellationToken).ConfigureAwait(false);
            undo = () => adapter.SetAccountRolesAsync(account, previousRoles, CancellationToken.None);
        }

        var grant = new AccessGrant
        {
            Id = Guid.NewGuid().ToString("N"),
            ParticipantId = participant.Id,
            Target = request.Target,
            Roles = roles,
            GrantedAt = now,
            ExpiresAt = request.ExpiresAt,
            EnterpriseAccountId = account.AccountId,
            IdempotencyKey = request.IdempotencyKey,
        };
        changes.PutGrant(grant).AppendAudit(GrantedEntry(grant, request.Reason));
        await StoreOrUndoAsync(changes, undo, request.Target, cancellationToken).ConfigureAwait(false);
        return grant;
    }

    private async Task<AccessGrant> GrantWorkspaceAsync(AccessGrantRequest request, IReadOnlyList<string> roles, Participant participant, CancellationToken cancellationToken)
    {
        var provider = request.Target.System;
        var link = participant.FindCloudLink(provider)
            ?? throw new CoCreationValidationException(
                nameof(AccessGrantRequest.ParticipantId),
                $"participant '{participant.Id}' has no linked cloud account at '{provider}'; link one with IIdentityMap.LinkCloudAccountAsync before sharing a workspace.");
        var workspace = _providers.GetCloudWorkspace(provider);
        var role = Enum.Parse<WorkspaceRole>(roles[0]);
        var share = await workspace.ShareAsync(request.Workspace!, link.ToAccount(), role, cancellationToken).ConfigureAwait(false);
        var grant = new AccessGrant
        {
            Id = Guid.NewGuid().ToString("N"),
            ParticipantId = participant.Id,
            Target = request.Target,
            Roles = roles,
            GrantedAt = _time.GetUtcNow(),
            ExpiresAt = request.ExpiresAt,
            Share = share,
            IdempotencyKey = request.IdempotencyKey,
        };
        var changes = new StoreChanges().PutGrant(grant).AppendAudit(GrantedEntry(grant, request.Reason));
        await StoreOrUndoAsync(changes, () => workspace.RevokeShareAsync(share, CancellationToken.None), request.Target, cancellationToken).ConfigureAwait(false);
        return grant;
    }

    private static AuditEntry GrantedEntry(AccessGrant grant, string? reason)
        => Audit.Entry(grant.GrantedAt, AuditAction.Granted, grant.ParticipantId, grant.Target.ToString(), grant.Id,
            $"roles {string.Join(",", grant.Roles)}" + (grant.ExpiresAt is { } e ? $"; expires {e:o}" : "") + (string.IsNullOrWhiteSpace(reason) ? "" : $"; {reason}"));

    // The provider was changed first; if the store refuses, the provider change is undone so that neither
    // side holds access the other does not know about.
    private async Task StoreOrUndoAsync(StoreChanges changes, Func<Task> undo, GrantTarget target, CancellationToken cancellationToken)
    {
        try
        {
            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception storeError)
        {
            Log.Compensating(_logger, storeError, target.ToString());
            try
            {
                await undo().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The store's error is the one the caller needs; the undo failure is logged.
            catch (Exception undoError)
#pragma warning restore CA1031
            {
                Log.CompensationFailed(_logger, undoError, target.ToString());
            }

            throw;
        }
    }

    // ------------------------------------------------------------------ ending

    // Callers hold the participant's lock. Re-reads the grant so that an end that raced another is a no-op.
    private async Task<AccessGrant> EndAsync(string grantId, GrantStatus status, string reason, CancellationToken cancellationToken)
    {
        var grant = await _store.GetGrantAsync(grantId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(grantId), $"no grant '{grantId}' exists.");
        if (grant.Status != GrantStatus.Active)
        {
            return grant;
        }

        var now = _time.GetUtcNow();
        if (grant.Target.Kind == GrantTargetKind.Enterprise)
        {
            await CloseEnterpriseAccessAsync(grant, now, cancellationToken).ConfigureAwait(false);
        }
        else if (grant.Share is not null)
        {
            await _providers.GetCloudWorkspace(grant.Target.System).RevokeShareAsync(grant.Share, cancellationToken).ConfigureAwait(false);
        }

        var ended = grant with { Status = status, EndedAt = now, EndReason = reason };
        var action = status == GrantStatus.Expired ? AuditAction.Expired : AuditAction.Revoked;

        // No undo if this write fails: access stays closed at the provider (the safe side) and the grant,
        // still active in the store, is closed again by the next revoke or expiry run.
        await _store.ApplyAsync(
            new StoreChanges().PutGrant(ended).AppendAudit(Audit.Entry(now, action, grant.ParticipantId, grant.Target.ToString(), grant.Id, reason)),
            cancellationToken).ConfigureAwait(false);
        Log.GrantEnded(_logger, grant.Id, grant.Target.ToString(), status);
        return ended;
    }

    private async Task CloseEnterpriseAccessAsync(AccessGrant grant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var system = grant.Target.System;
        var participant = await _store.GetParticipantAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false);
        var link = participant?.FindEnterpriseLink(system);
        var accountId = grant.EnterpriseAccountId ?? link?.AccountId;
        if (accountId is null)
        {
            return;
        }

        var account = link is not null && link.AccountId == accountId
            ? ToAccount(link, participant!)
            : new EnterpriseAccount { System = system, AccountId = accountId, Login = link?.Login ?? "p-" + grant.ParticipantId };
        var remaining = (await _store.GetGrantsAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false))
            .Where(g => g.Id != grant.Id && g.IsActiveAt(now) && g.Target.Kind == GrantTargetKind.Enterprise && g.Target.System == system)
            .ToList();
        var adapter = _providers.GetEnterprise(system);
        if (remaining.Count == 0)
        {
            await adapter.DeprovisionAccountAsync(account, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await adapter.SetAccountRolesAsync(account, RoleUnion(remaining), cancellationToken).ConfigureAwait(false);
        }
    }

    private static string[] RoleUnion(IEnumerable<AccessGrant> grants)
        => grants.SelectMany(g => g.Roles).Distinct(StringComparer.Ordinal).ToArray();

    private static EnterpriseAccount ToAccount(EnterpriseAccountLink link, Participant participant) => new()
    {
        System = link.System,
        AccountId = link.AccountId,
        Login = link.Login,
        DisplayName = participant.DisplayName,
    };

    private async Task<AccessDeniedException> DenyAsync(string participantId, GrantTarget target, string role, string reason, string? grantId, CancellationToken cancellationToken)
    {
        await _store.ApplyAsync(
            new StoreChanges().AppendAudit(Audit.Entry(_time.GetUtcNow(), AuditAction.Denied, participantId, target.ToString(), grantId, $"role {role}: {reason}")),
            cancellationToken).ConfigureAwait(false);
        Log.Denied(_logger, target.ToString(), role, participantId, reason);
        return new AccessDeniedException(participantId, target.ToString(), reason);
    }
}
