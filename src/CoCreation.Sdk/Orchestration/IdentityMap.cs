using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

/// <summary>
/// Links and finds participants. Every change is a read, a check and a versioned write: a concurrent change
/// to the same participant makes the write fail, and the change is checked again on the new state.
/// </summary>
internal sealed class IdentityMap : IIdentityMap
{
    private const int MaxStoreRetries = 3;

    private readonly ICoCreationStore _store;
    private readonly ICoCreationProviders _providers;
    private readonly IAccessGrants _grants;
    private readonly SessionBook _sessions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<IParticipantDataEraser> _erasers;

    public IdentityMap(ICoCreationStore store, ICoCreationProviders providers, IAccessGrants grants, SessionBook sessions, TimeProvider time, ILogger<IdentityMap>? logger = null, IEnumerable<IParticipantDataEraser>? erasers = null)
    {
        _store = store;
        _providers = providers;
        _grants = grants;
        _sessions = sessions;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _erasers = erasers?.ToArray() ?? [];
    }

    public Task<Participant?> GetAsync(string participantId, CancellationToken cancellationToken = default)
        => _store.GetParticipantAsync(CoCreationGuard.NotBlank(participantId, nameof(participantId)), cancellationToken);

    public Task<Participant?> FindBySnsAsync(string network, string subject, CancellationToken cancellationToken = default)
        => _store.FindParticipantBySnsAsync(CoCreationGuard.NotBlank(network, nameof(network)), CoCreationGuard.NotBlank(subject, nameof(subject)), cancellationToken);

    public Task<Participant?> FindByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default)
        => _store.FindParticipantByCloudAccountAsync(CoCreationGuard.NotBlank(provider, nameof(provider)), CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken);

    public Task<Participant?> FindByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default)
        => _store.FindParticipantByEnterpriseAccountAsync(CoCreationGuard.NotBlank(system, nameof(system)), CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken);

    public async Task<Participant> LinkSnsAsync(ParticipantSession session, string network, SnsCredential credential, CancellationToken cancellationToken = default)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null: linking needs a signed-in participant.");
        }

        CoCreationProviders.EnsureRegistered(_providers.SnsNetworks, network, nameof(network), "SNS connector");
        if (credential is null)
        {
            throw new CoCreationValidationException(nameof(credential), "must not be null.");
        }

        // Proof one: the session is one the SDK issued, unaltered and live, and its identity is still linked.
        var target = $"sns:{network}";
        await _grants.VerifySessionAsync(session, target, cancellationToken).ConfigureAwait(false);

        // Proof two: the network verifies the identity to add now.
        var identity = SnsSignIn.Normalise(
            await _providers.GetSns(network).VerifyCredentialsAsync(credential, cancellationToken).ConfigureAwait(false),
            network);

        return await UpdateAsync(session.ParticipantId, nameof(session), async (participant, now) =>
        {
            if (participant.SnsLinks.Any(l => l.Network == network && l.Subject == identity.Subject))
            {
                return null;
            }

            var owner = await _store.FindParticipantBySnsAsync(network, identity.Subject, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
            {
                throw new CoCreationConflictException($"That {network} identity is already linked to another participant.");
            }

            return (participant with { SnsLinks = [.. participant.SnsLinks, SnsLink.From(identity, now)] }, Linked(now, participant.Id, target, "second SNS identity, both credentials verified"));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> LinkCloudAccountAsync(string participantId, CloudAccount account, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        if (account is null)
        {
            throw new CoCreationValidationException(nameof(account), "must not be null.");
        }

        CoCreationGuard.NotBlank(account.Provider, "account.Provider");
        CoCreationGuard.NotBlank(account.AccountId, "account.AccountId");
        var email = CoCreationGuard.Email(account.Email, "account.Email");
        var target = $"cloud:{account.Provider}";
        return await UpdateAsync(participantId, nameof(participantId), async (participant, now) =>
        {
            if (participant.CloudLinks.Any(l => l.Provider == account.Provider && l.AccountId == account.AccountId))
            {
                return null;
            }

            var owner = await _store.FindParticipantByCloudAccountAsync(account.Provider, account.AccountId, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
            {
                throw new CoCreationConflictException($"That {account.Provider} account is already linked to another participant.");
            }

            var link = new CloudAccountLink(account.Provider, account.AccountId, email, now);
            return (participant with { CloudLinks = [.. participant.CloudLinks, link] }, Linked(now, participant.Id, target, "cloud account"));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> LinkEnterpriseAccountAsync(string participantId, EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        if (account is null)
        {
            throw new CoCreationValidationException(nameof(account), "must not be null.");
        }

        CoCreationGuard.NotBlank(account.System, "account.System");
        CoCreationGuard.NotBlank(account.AccountId, "account.AccountId");
        CoCreationGuard.NotBlank(account.Login, "account.Login");
        var target = $"enterprise:{account.System}";
        return await UpdateAsync(participantId, nameof(participantId), async (participant, now) =>
        {
            if (participant.EnterpriseLinks.Any(l => l.System == account.System && l.AccountId == account.AccountId))
            {
                return null;
            }

            if (participant.FindEnterpriseLink(account.System) is not null)
            {
                // Grants compute an account's roles per system; two accounts at one system would split them.
                throw new CoCreationConflictException($"The participant already has an account at {account.System}; unlink it first.");
            }

            var owner = await _store.FindParticipantByEnterpriseAccountAsync(account.System, account.AccountId, cancellationToken).ConfigureAwait(false);
            if (owner is not null)
            {
                throw new CoCreationConflictException($"That {account.System} account is already linked to another participant.");
            }

            var link = new EnterpriseAccountLink(account.System, account.AccountId, account.Login, now);
            return (participant with { EnterpriseLinks = [.. participant.EnterpriseLinks, link] }, Linked(now, participant.Id, target, "enterprise account"));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> UnlinkSnsAsync(string participantId, string network, string subject, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        CoCreationGuard.NotBlank(network, nameof(network));
        CoCreationGuard.NotBlank(subject, nameof(subject));
        return await UpdateAsync(participantId, nameof(participantId), (participant, now) =>
        {
            var link = participant.SnsLinks.FirstOrDefault(l => l.Network == network && l.Subject == subject);
            if (link is null)
            {
                return Task.FromResult<(Participant, AuditEntry?)?>(null);
            }

            if (participant.SnsLinks.Count == 1)
            {
                throw new CoCreationConflictException("That is the participant's last SNS identity, which signs them in; erase the participant instead.");
            }

            var links = participant.SnsLinks.Where(l => !ReferenceEquals(l, link)).ToArray();
            var preferred = participant.PreferredNetwork is { } p && links.Any(l => l.Network == p) ? p : null;
            return Task.FromResult<(Participant, AuditEntry?)?>(
                (participant with { SnsLinks = links, PreferredNetwork = preferred }, Unlinked(now, participant.Id, $"sns:{network}")));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> UnlinkCloudAccountAsync(string participantId, string provider, string accountId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        CoCreationGuard.NotBlank(provider, nameof(provider));
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        return await UpdateAsync(participantId, nameof(participantId), (participant, now) =>
        {
            var links = participant.CloudLinks.Where(l => !(l.Provider == provider && l.AccountId == accountId)).ToArray();
            return Task.FromResult<(Participant, AuditEntry?)?>(links.Length == participant.CloudLinks.Count
                ? null
                : (participant with { CloudLinks = links }, Unlinked(now, participant.Id, $"cloud:{provider}")));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> UnlinkEnterpriseAccountAsync(string participantId, string system, string accountId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        CoCreationGuard.NotBlank(system, nameof(system));
        CoCreationGuard.NotBlank(accountId, nameof(accountId));
        return await UpdateAsync(participantId, nameof(participantId), (participant, now) =>
        {
            var links = participant.EnterpriseLinks.Where(l => !(l.System == system && l.AccountId == accountId)).ToArray();
            return Task.FromResult<(Participant, AuditEntry?)?>(links.Length == participant.EnterpriseLinks.Count
                ? null
                : (participant with { EnterpriseLinks = links }, Unlinked(now, participant.Id, $"enterprise:{system}")));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Participant> SetPreferencesAsync(string participantId, string locale, string? preferredNetwork, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var canonical = SupportedLocales.Find(CoCreationGuard.NotBlank(locale, nameof(locale)))
            ?? throw new CoCreationValidationException(nameof(locale), $"'{locale}' is not a supported locale (supported: {string.Join(", ", SupportedLocales.All)}).");
        if (preferredNetwork is not null)
        {
            CoCreationGuard.NotBlank(preferredNetwork, nameof(preferredNetwork));
        }

        return await UpdateAsync(participantId, nameof(participantId), (participant, _) =>
        {
            if (preferredNetwork is not null && !participant.SnsLinks.Any(l => l.Network == preferredNetwork))
            {
                throw new CoCreationValidationException(nameof(preferredNetwork), $"'{preferredNetwork}' is not a network the participant is linked on.");
            }

            return Task.FromResult<(Participant, AuditEntry?)?>(participant.PreferredLocale == canonical && participant.PreferredNetwork == preferredNetwork
                ? null
                : (participant with { PreferredLocale = canonical, PreferredNetwork = preferredNetwork }, null));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task EraseAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var participant = await _store.GetParticipantAsync(participantId, cancellationToken).ConfigureAwait(false);
        if (participant is null)
        {
            return;
        }

        // Access is closed at every provider first, then the accounts the SDK provisioned are anonymised there, then
        // every module adds its changes. If any of that fails the participant is left whole and can be erased again:
        // each of these steps is idempotent.
        var revoked = await _grants.RevokeAllAsync(participantId, "participant erased", null, cancellationToken).ConfigureAwait(false);
        var (anonymisedAccounts, notSupported) = await ErasureAccounts.AnonymiseAsync(_providers, participant, cancellationToken).ConfigureAwait(false);
        var anonymousId = AnonymousId(participantId);
        var erasure = new ParticipantErasure(participant, anonymousId, _time.GetUtcNow());

        // Modules (and sessions, and anything the application registers) each remove or anonymise what they keep.
        foreach (var eraser in _erasers)
        {
            await eraser.EraseAsync(erasure, cancellationToken).ConfigureAwait(false);
        }

        // Her sessions go with her, in the same change set: their records name her participant id.
        var changes = erasure.Changes;
        await _sessions.DeleteAllAsync(participantId, changes, cancellationToken).ConfigureAwait(false);

        // Ended grants keep their dates and roles for the audit, but not the accounts they opened: an account id
        // (often the e-mail address) is personal data, and the access it names is closed already.
        foreach (var grant in await _store.GetGrantsAsync(participantId, cancellationToken).ConfigureAwait(false))
        {
            if (grant.Status != GrantStatus.Active && (grant.Share is not null || grant.EnterpriseAccountId is not null))
            {
                changes.PutGrant(grant with { Share = null, EnterpriseAccountId = null });
            }
        }

        var detail = $"participant erased; {revoked.Count} grants revoked; {anonymisedAccounts} provider accounts anonymised"
            + (notSupported.Count == 0 ? "" : $"; not anonymised (the provider cannot): {string.Join(", ", notSupported)}");
        await _store.ApplyAsync(
            changes
                .DeleteParticipant(participantId)
                .AnonymiseAudit(participantId, anonymousId)
                .RedactPersonalData(erasure.Redaction)
                .AppendAudit(Audit.Entry(erasure.At, AuditAction.Erased, anonymousId, detail: detail)),
            cancellationToken).ConfigureAwait(false);
        Log.Erased(_logger, revoked.Count, anonymousId);
    }

    internal static string AnonymousId(string participantId) => "erased-" + Hashing.Sha256Hex(participantId, 12);

    // Applies a change decided on the participant's current state; null from the change means nothing to do.
    private async Task<Participant> UpdateAsync(
        string participantId,
        string field,
        Func<Participant, DateTimeOffset, Task<(Participant Updated, AuditEntry? Audit)?>> change,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var participant = await _store.GetParticipantAsync(participantId, cancellationToken).ConfigureAwait(false)
                ?? throw new CoCreationValidationException(field, $"no participant '{participantId}' exists.");
            var now = _time.GetUtcNow();
            var result = await change(participant, now).ConfigureAwait(false);
            if (result is null)
            {
                return participant;
            }

            var (updated, audit) = result.Value;
            var changes = new StoreChanges().PutParticipant(updated, participant.Version);
            if (audit is not null)
            {
                changes.AppendAudit(audit);
            }

            try
            {
                await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            }
            catch (CoCreationConflictException) when (attempt < MaxStoreRetries)
            {
                // Changed by someone else since it was read; decide again on the new state.
                continue;
            }

            if (audit is not null)
            {
                Log.LinkChanged(_logger, participant.Id, audit.Action == AuditAction.Linked ? "added" : "removed", audit.Target ?? "");
            }

            return updated with { Version = participant.Version + 1 };
        }
    }

    private static AuditEntry Linked(DateTimeOffset now, string participantId, string target, string detail)
        => Audit.Entry(now, AuditAction.Linked, participantId, target, detail: detail);

    private static AuditEntry Unlinked(DateTimeOffset now, string participantId, string target)
        => Audit.Entry(now, AuditAction.Unlinked, participantId, target);
}
