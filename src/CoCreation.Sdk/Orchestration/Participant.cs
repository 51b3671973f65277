namespace CoCreation.Sdk;

/// <summary>One person across systems: their SNS identities, cloud accounts and enterprise accounts.</summary>
/// <remarks>Immutable; changes go through <see cref="IIdentityMap"/>, which stores a new version.</remarks>
public sealed record Participant
{
    /// <summary>The participant id, assigned by the SDK.</summary>
    public required string Id { get; init; }

    /// <summary>A name for people, taken from the first SNS identity.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The language messages are written in (<c>ko-KR</c>, <c>en-US</c>).</summary>
    public string PreferredLocale { get; init; } = "ko-KR";

    /// <summary>The network messages go to first; <see langword="null"/> for the first linked one.</summary>
    public string? PreferredNetwork { get; init; }

    /// <summary>The participant's delivery preferences: per event kind, time zone and quiet hours.</summary>
    public DeliveryPreferences Delivery { get; init; } = DeliveryPreferences.Default;

    /// <summary>When the participant first signed in.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The store's version, raised by every change; used to refuse lost updates.</summary>
    public long Version { get; init; }

    /// <summary>Linked SNS identities.</summary>
    public IReadOnlyList<SnsLink> SnsLinks { get; init; } = [];

    /// <summary>Linked cloud accounts.</summary>
    public IReadOnlyList<CloudAccountLink> CloudLinks { get; init; } = [];

    /// <summary>Linked enterprise accounts.</summary>
    public IReadOnlyList<EnterpriseAccountLink> EnterpriseLinks { get; init; } = [];

    /// <summary>The linked enterprise account at a system, if any.</summary>
    /// <param name="system">The enterprise adapter's name.</param>
    /// <returns>The link, or <see langword="null"/>.</returns>
    public EnterpriseAccountLink? FindEnterpriseLink(string system) => EnterpriseLinks.FirstOrDefault(l => l.System == system);

    /// <summary>The linked cloud account at a provider, if any.</summary>
    /// <param name="provider">The workspace adapter's name.</param>
    /// <returns>The link, or <see langword="null"/>.</returns>
    public CloudAccountLink? FindCloudLink(string provider) => CloudLinks.FirstOrDefault(l => l.Provider == provider);
}

/// <summary>A verified SNS identity linked to a participant.</summary>
/// <param name="Network">The connector name.</param>
/// <param name="Subject">The stable account id.</param>
/// <param name="Handle">The handle when linked.</param>
/// <param name="LinkedAt">When it was linked.</param>
public sealed record SnsLink(string Network, string Subject, string Handle, DateTimeOffset LinkedAt)
{
    /// <summary>Creates a link from a verified identity.</summary>
    /// <param name="identity">The identity.</param>
    /// <param name="linkedAt">When.</param>
    /// <returns>The link.</returns>
    public static SnsLink From(SnsIdentity identity, DateTimeOffset linkedAt)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return new(identity.Network, identity.Subject, identity.Handle, linkedAt);
    }
}

/// <summary>A cloud account linked to a participant.</summary>
/// <param name="Provider">The workspace adapter's name.</param>
/// <param name="AccountId">The account id.</param>
/// <param name="Email">The confirmed address.</param>
/// <param name="LinkedAt">When it was linked.</param>
public sealed record CloudAccountLink(string Provider, string AccountId, string Email, DateTimeOffset LinkedAt)
{
    /// <summary>The account as the workspace adapter knows it.</summary>
    /// <returns>The account.</returns>
    public CloudAccount ToAccount() => new() { Provider = Provider, AccountId = AccountId, Email = Email };
}

/// <summary>An enterprise account linked to a participant.</summary>
/// <param name="System">The enterprise adapter's name.</param>
/// <param name="AccountId">The account id.</param>
/// <param name="Login">The login name.</param>
/// <param name="LinkedAt">When it was linked.</param>
public sealed record EnterpriseAccountLink(string System, string AccountId, string Login, DateTimeOffset LinkedAt);

/// <summary>
/// A signed-in participant: the SDK's proof that they passed SNS login. Only the SDK issues sessions
/// (<see cref="ISnsSignIn.SignInAsync"/> and <see cref="ISnsSignIn.ResumeAsync"/>); callers can neither
/// construct nor alter one.
/// </summary>
/// <remarks>
/// <para>
/// Every authorised call verifies the session against the record the SDK stored when it issued it: the
/// token's hash, the participant, the identity, the sign-in time and the expiry must all match, the session
/// must not be signed out, and the identity must still be linked to the participant. A session changed by
/// reflection, built by hand, carried to another store, used after <see cref="ISnsSignIn.SignOutAsync"/> or
/// after its expiry is refused with <see cref="AccessDeniedException"/> and the attempt is audited.
/// </para>
/// <para>
/// A session is a value, not a lock: the grants are read from the store on every call, so a grant revoked
/// after sign-in stops the session at once. <see cref="Token"/> is a bearer secret: keep it like a password
/// (for example in an HTTP-only cookie) and bring the session back with <see cref="ISnsSignIn.ResumeAsync"/>.
/// </para>
/// </remarks>
public sealed class ParticipantSession
{
    internal ParticipantSession(
        string sessionId,
        string token,
        Participant participant,
        SnsIdentity identity,
        DateTimeOffset signedInAt,
        DateTimeOffset expiresAt,
        IReadOnlyList<AccessGrant> grants)
    {
        SessionId = sessionId;
        Token = token;
        Participant = participant;
        Identity = identity;
        SignedInAt = signedInAt;
        ExpiresAt = expiresAt;
        Grants = grants;
    }

    /// <summary>The session id (not a secret; it names the session in the audit trail).</summary>
    public string SessionId { get; }

    /// <summary>
    /// The session's bearer token: whoever holds it acts as the participant until the session expires or
    /// is signed out. Never log it; it is left out of <see cref="ToString"/>.
    /// </summary>
    public string Token { get; }

    /// <summary>The participant as at sign-in.</summary>
    public Participant Participant { get; }

    /// <summary>The identity that signed in.</summary>
    public SnsIdentity Identity { get; }

    /// <summary>When the participant signed in.</summary>
    public DateTimeOffset SignedInAt { get; }

    /// <summary>When the session stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>The grants active at sign-in (a snapshot; authorisation always reads the store).</summary>
    public IReadOnlyList<AccessGrant> Grants { get; }

    /// <summary>The participant id.</summary>
    public string ParticipantId => Participant.Id;

    /// <summary>Describes the session without its token.</summary>
    /// <returns>The session id, participant and expiry.</returns>
    public override string ToString() => $"ParticipantSession {SessionId} of participant {ParticipantId} until {ExpiresAt:o}";
}
