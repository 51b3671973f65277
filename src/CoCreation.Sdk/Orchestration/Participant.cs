using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;

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

/// <summary>A signed-in participant: proof that they passed SNS login, and what they may do.</summary>
/// <remarks>
/// A session is a value, not a lock: every enterprise or shop operation re-checks the session's
/// grants in the store, so a grant revoked after sign-in stops the session at once.
/// </remarks>
public sealed record ParticipantSession
{
    /// <summary>The session id.</summary>
    public required string SessionId { get; init; }

    /// <summary>The participant as at sign-in.</summary>
    public required Participant Participant { get; init; }

    /// <summary>The identity that signed in.</summary>
    public required SnsIdentity Identity { get; init; }

    /// <summary>When the participant signed in.</summary>
    public required DateTimeOffset SignedInAt { get; init; }

    /// <summary>When the session stops being accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The grants active at sign-in (a snapshot; authorisation always reads the store).</summary>
    public IReadOnlyList<AccessGrant> Grants { get; init; } = [];

    /// <summary>The participant id.</summary>
    public string ParticipantId => Participant.Id;
}
