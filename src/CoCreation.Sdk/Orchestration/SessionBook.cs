using System.Security.Cryptography;
using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

/// <summary>
/// Issues, verifies, resumes and ends participant sessions. A session is valid only while the store holds
/// the record written when it was issued: the token's secret is kept as a SHA-256 hash, the identity's
/// subject as a hash too, and every field the session carries must match the record.
/// </summary>
internal sealed class SessionBook
{
    internal const string Collection = "cocreation.sessions";

    // "cps1.<session id>.<secret>": the version prefix lets the format change without breaking old tokens' refusal.
    private const string TokenPrefix = "cps1";
    private const int SecretBytes = 32;
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _nextPurgeTicks;

    public SessionBook(ICoCreationStore store, TimeProvider time, ILogger<SessionBook>? logger = null)
    {
        _store = store;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Issues a session and stores its record.</summary>
    public async Task<ParticipantSession> IssueAsync(Participant participant, SnsIdentity identity, TimeSpan lifetime, IReadOnlyList<AccessGrant> grants, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(SecretBytes));
        var record = new SessionRecord(participant.Id, identity.Network, SubjectHash(identity.Network, identity.Subject), SecretHash(secret), now, now + lifetime, null, null);
        await _store.ApplyAsync(new StoreChanges().PutDocument(Collection, sessionId, JsonSerializer.Serialize(record, Json)), cancellationToken).ConfigureAwait(false);
        return new ParticipantSession(sessionId, $"{TokenPrefix}.{sessionId}.{secret}", participant, identity, record.SignedInAt, record.ExpiresAt, grants);
    }

    /// <summary>
    /// Verifies a session for a call on <paramref name="target"/>; returns the participant as stored now.
    /// Refusals are audited and thrown as <see cref="AccessDeniedException"/>.
    /// </summary>
    public async Task<Participant> VerifyAsync(ParticipantSession? session, string target, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null: sign in first.");
        }

        // A session built without the SDK's constructor may have nulls anywhere; treat them as a forgery.
        var claimedParticipant = session.Participant?.Id;
        var (id, secret) = ParseToken(session.Token);
        var record = id is null ? null : await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || secret is null || !HashEquals(record.SecretHash, SecretHash(secret)))
        {
            throw await DenyAsync(claimedParticipant, target, "the session was not issued by this SDK", cancellationToken).ConfigureAwait(false);
        }

        var identity = session.Identity;
        if (session.SessionId != id
            || claimedParticipant != record.ParticipantId
            || identity?.Network != record.Network
            || identity.Subject is null
            || !HashEquals(record.SubjectHash, SubjectHash(identity.Network, identity.Subject))
            || session.SignedInAt != record.SignedInAt
            || session.ExpiresAt != record.ExpiresAt)
        {
            // Audited under the participant the token belongs to: it is their session someone tampered with.
            throw await DenyAsync(record.ParticipantId, target, "the session was altered after it was issued", cancellationToken).ConfigureAwait(false);
        }

        return await CheckLiveAsync(record, target, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings back a session from its token.</summary>
    public async Task<ParticipantSession> ResumeAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CoCreationValidationException(nameof(token), "must not be blank.");
        }

        const string target = "session";
        var (id, secret) = ParseToken(token);
        var record = id is null ? null : await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || secret is null || !HashEquals(record.SecretHash, SecretHash(secret)))
        {
            throw await DenyAsync(null, target, "the session was not issued by this SDK", cancellationToken).ConfigureAwait(false);
        }

        var participant = await CheckLiveAsync(record, target, cancellationToken).ConfigureAwait(false);
        var link = FindLink(participant, record)!;
        var identity = new SnsIdentity { Network = link.Network, Subject = link.Subject, Handle = link.Handle, DisplayName = participant.DisplayName };
        var grants = (await _store.GetGrantsAsync(participant.Id, cancellationToken).ConfigureAwait(false))
            .Where(g => g.IsActiveAt(_time.GetUtcNow()))
            .ToArray();
        return new ParticipantSession(id!, token, participant, identity, record.SignedInAt, record.ExpiresAt, grants);
    }

    /// <summary>Ends a session (sign-out); its token is refused from now on. Ending an ended session does nothing.</summary>
    public async Task EndAsync(ParticipantSession? session, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null.");
        }

        var (id, secret) = ParseToken(session.Token);
        var record = id is null ? null : await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || secret is null || !HashEquals(record.SecretHash, SecretHash(secret)))
        {
            throw await DenyAsync(session.Participant?.Id, "session", "the session was not issued by this SDK", cancellationToken).ConfigureAwait(false);
        }

        if (record.EndedAt is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        await _store.ApplyAsync(
            new StoreChanges()
                .PutDocument(Collection, id!, JsonSerializer.Serialize(record with { EndedAt = now, EndReason = "signed out" }, Json))
                .AppendAudit(Audit.Entry(now, AuditAction.SignedOut, record.ParticipantId, $"sns:{record.Network}", detail: $"session {id}")),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the deletion of every session record of a participant to <paramref name="changes"/>.</summary>
    public async Task<int> DeleteAllAsync(string participantId, StoreChanges changes, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var (id, json) in await _store.ListDocumentsAsync(Collection, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(json)?.ParticipantId == participantId)
            {
                changes.DeleteDocument(Collection, id);
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Deletes the records of sessions that expired before <paramref name="before"/>. Runs at most once an hour: it
    /// reads the whole collection, and the expiry run that calls it comes round every relay cycle.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        // Of concurrent callers only the one that moves the next purge time on does the work.
        var now = _time.GetUtcNow();
        var due = Interlocked.Read(ref _nextPurgeTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPurgeTicks, (now + PurgeInterval).UtcTicks, due) != due)
        {
            return 0;
        }

        var changes = new StoreChanges();
        var count = 0;
        foreach (var (id, json) in await _store.ListDocumentsAsync(Collection, cancellationToken).ConfigureAwait(false))
        {
            if (Deserialize(json) is not { } record || record.ExpiresAt < before)
            {
                changes.DeleteDocument(Collection, id);
                count++;
            }
        }

        if (count > 0)
        {
            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
        }

        return count;
    }

    // Signed out, expired, participant gone or identity unlinked: refused whatever the session says.
    private async Task<Participant> CheckLiveAsync(SessionRecord record, string target, CancellationToken cancellationToken)
    {
        if (record.EndedAt is not null)
        {
            throw await DenyAsync(record.ParticipantId, target, "the session was signed out", cancellationToken).ConfigureAwait(false);
        }

        if (record.ExpiresAt <= _time.GetUtcNow())
        {
            throw await DenyAsync(record.ParticipantId, target, AccessGrants.SessionExpiredReason, cancellationToken).ConfigureAwait(false);
        }

        var participant = await _store.GetParticipantAsync(record.ParticipantId, cancellationToken).ConfigureAwait(false);
        if (participant is null || FindLink(participant, record) is null)
        {
            throw await DenyAsync(record.ParticipantId, target, "the session's identity is no longer linked to the participant", cancellationToken).ConfigureAwait(false);
        }

        return participant;
    }

    private static SnsLink? FindLink(Participant participant, SessionRecord record)
        => participant.SnsLinks.FirstOrDefault(l => l.Network == record.Network && HashEquals(record.SubjectHash, SubjectHash(l.Network, l.Subject)));

    private async Task<SessionRecord?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var json = await _store.GetDocumentAsync(Collection, id, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Deserialize(json);
    }

    internal static SessionRecord? Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<SessionRecord>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<AccessDeniedException> DenyAsync(string? participantId, string target, string reason, CancellationToken cancellationToken)
    {
        var who = string.IsNullOrEmpty(participantId) ? SnsSignIn.NoParticipant : participantId;
        await _store.ApplyAsync(
            new StoreChanges().AppendAudit(Audit.Entry(_time.GetUtcNow(), AuditAction.Denied, who, target, detail: $"session refused: {reason}")),
            cancellationToken).ConfigureAwait(false);
        Log.SessionRefused(_logger, target, who, reason);
        return new AccessDeniedException(who, target, reason);
    }

    internal static (string? Id, string? Secret) ParseToken(string? token)
    {
        if (token is null || token.Length > 200)
        {
            return (null, null);
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != TokenPrefix || parts[1].Length != 32 || parts[2].Length == 0 || !parts[1].All(char.IsAsciiHexDigitLower))
        {
            return (null, null);
        }

        return (parts[1], parts[2]);
    }

    private static string SecretHash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string SubjectHash(string network, string subject) => Hashing.Sha256Hex($"{network}\n{subject}", 64);

    private static bool HashEquals(string stored, string computed)
        => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(computed));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal sealed record SessionRecord(
        string ParticipantId,
        string Network,
        string SubjectHash,
        string SecretHash,
        DateTimeOffset SignedInAt,
        DateTimeOffset ExpiresAt,
        DateTimeOffset? EndedAt,
        string? EndReason);
}
