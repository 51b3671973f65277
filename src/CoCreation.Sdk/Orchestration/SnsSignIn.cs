using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

internal sealed class SnsSignIn : ISnsSignIn
{
    // Audit lines of refused sign-ins name no participant: none exists, and the token must not be kept.
    internal const string NoParticipant = "-";

    private const int MaxStoreRetries = 3;

    private readonly ICoCreationStore _store;
    private readonly SessionBook _sessions;
    private readonly ICoCreationProviders _providers;
    private readonly TimeProvider _time;
    private readonly CoCreationOptions _options;
    private readonly ILogger _logger;

    public SnsSignIn(
        ICoCreationStore store,
        SessionBook sessions,
        ICoCreationProviders providers,
        TimeProvider time,
        IOptions<CoCreationOptions> options,
        ILogger<SnsSignIn>? logger = null)
    {
        _store = store;
        _sessions = sessions;
        _providers = providers;
        _time = time;
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task<ParticipantSession> SignInAsync(string network, SnsCredential credential, CancellationToken cancellationToken = default)
    {
        CoCreationProviders.EnsureRegistered(_providers.SnsNetworks, network, nameof(network), "SNS connector");
        if (credential is null)
        {
            throw new CoCreationValidationException(nameof(credential), "must not be null.");
        }

        using var activity = CoCreationDiagnostics.ActivitySource.StartActivity("cocreation.signin");
        activity?.SetTag(CoCreationDiagnostics.ProviderTag, network);
        try
        {
            var connector = _providers.GetSns(network);
            SnsIdentity identity;
            try
            {
                identity = await connector.VerifyCredentialsAsync(credential, cancellationToken).ConfigureAwait(false);
            }
            catch (CredentialException)
            {
                await _store.ApplyAsync(
                    new StoreChanges().AppendAudit(Audit.Entry(_time.GetUtcNow(), AuditAction.SignInRefused, NoParticipant, $"sns:{network}", detail: "the credential did not verify")),
                    cancellationToken).ConfigureAwait(false);
                Log.SignInRefused(_logger, network);
                throw;
            }

            identity = Normalise(identity, network);
            var (participant, created) = await FindOrCreateAsync(identity, cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            var grants = await _store.GetGrantsAsync(participant.Id, cancellationToken).ConfigureAwait(false);
            var session = await _sessions.IssueAsync(participant, identity, _options.SessionLifetime, grants.Where(g => g.IsActiveAt(now)).ToArray(), cancellationToken).ConfigureAwait(false);
            Log.SignedIn(_logger, participant.Id, network, created);
            Log.SignInIdentity(_logger, network, identity.Handle, participant.Id);
            return session;
        }
        catch (Exception ex)
        {
            activity.SetError(ex);
            throw;
        }
    }

    public Task<ParticipantSession> ResumeAsync(string token, CancellationToken cancellationToken = default)
        => _sessions.ResumeAsync(token, cancellationToken);

    public Task SignOutAsync(ParticipantSession session, CancellationToken cancellationToken = default)
        => _sessions.EndAsync(session, cancellationToken);

    internal static SnsIdentity Normalise(SnsIdentity identity, string network)
    {
        if (identity is null || string.IsNullOrWhiteSpace(identity.Subject))
        {
            throw new ProviderException(network, $"{network} verified the credential but returned no account id.");
        }

        // Links and deliveries name the connector as registered, whatever the adapter calls itself.
        return identity.Network == network ? identity : identity with { Network = network };
    }

    private async Task<(Participant Participant, bool Created)> FindOrCreateAsync(SnsIdentity identity, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var target = $"sns:{identity.Network}";
            var existing = await _store.FindParticipantBySnsAsync(identity.Network, identity.Subject, cancellationToken).ConfigureAwait(false);
            var changes = new StoreChanges();
            Participant stored;
            if (existing is null)
            {
                var participant = new Participant
                {
                    Id = Guid.NewGuid().ToString("N"),
                    DisplayName = string.IsNullOrWhiteSpace(identity.DisplayName) ? identity.Handle : identity.DisplayName,
                    PreferredLocale = SupportedLocales.Find(identity.Locale) ?? _options.DefaultLocale,
                    CreatedAt = now,
                    SnsLinks = [SnsLink.From(identity, now)],
                };
                changes.PutParticipant(participant, null)
                    .AppendAudit(Audit.Entry(now, AuditAction.Linked, participant.Id, target, detail: "first SNS identity, at sign-in"));
                stored = participant with { Version = 1 };
            }
            else
            {
                stored = existing;
                var link = existing.SnsLinks.First(l => l.Network == identity.Network && l.Subject == identity.Subject);
                if (link.Handle != identity.Handle)
                {
                    // Handles change; messages must address the current one.
                    var links = existing.SnsLinks.Select(l => ReferenceEquals(l, link) ? l with { Handle = identity.Handle } : l).ToArray();
                    changes.PutParticipant(existing with { SnsLinks = links }, existing.Version);
                    stored = existing with { SnsLinks = links, Version = existing.Version + 1 };
                }
            }

            changes.AppendAudit(Audit.Entry(now, AuditAction.SignedIn, stored.Id, target));
            try
            {
                await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                return (stored, existing is null);
            }
            catch (CoCreationConflictException) when (attempt < MaxStoreRetries)
            {
                // A concurrent sign-in of the same identity created or changed the participant first; read it again.
            }
        }
    }
}
