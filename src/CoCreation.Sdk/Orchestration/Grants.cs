namespace CoCreation.Sdk;

/// <summary>What kind of system a grant opens.</summary>
public enum GrantTargetKind
{
    /// <summary>An enterprise system (homepage, shop, ERP, production).</summary>
    Enterprise,
    /// <summary>A cloud workspace.</summary>
    Workspace,
}

/// <summary>What a grant opens: a system and a resource in it.</summary>
/// <param name="Kind">The kind of system.</param>
/// <param name="System">The adapter's registered name.</param>
/// <param name="Resource">The resource: a programme id for enterprise grants, a workspace id for workspace grants.</param>
public sealed record GrantTarget(GrantTargetKind Kind, string System, string Resource)
{
    /// <summary>Formats as <c>kind:system/resource</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{System}/{Resource}";
}

/// <summary>A grant to create.</summary>
public sealed record AccessGrantRequest
{
    /// <summary>Who gets access.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>What it opens.</summary>
    public required GrantTarget Target { get; init; }

    /// <summary>The roles: enterprise role names (<see cref="Enterprise.EnterpriseRoles"/>), or one <see cref="WorkspaceRole"/> name.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>When access ends by itself; <see langword="null"/> for no expiry.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The workspace, for workspace grants (sharing needs its calendar id too).</summary>
    public WorkspaceRef? Workspace { get; init; }

    /// <summary>Why, for the audit.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Makes the grant happen once: while a grant of the participant with this key exists (active, revoked
    /// or expired), granting again with the key returns that grant and changes nothing, however many calls
    /// race. <see langword="null"/> grants every time. At most 200 characters.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Where a grant stands.</summary>
public enum GrantStatus
{
    /// <summary>In force.</summary>
    Active,
    /// <summary>Taken back.</summary>
    Revoked,
    /// <summary>Ran out.</summary>
    Expired,
}

/// <summary>A participant's access to a target in some roles.</summary>
public sealed record AccessGrant
{
    /// <summary>The grant id.</summary>
    public required string Id { get; init; }

    /// <summary>Who has access.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>What it opens.</summary>
    public required GrantTarget Target { get; init; }

    /// <summary>The roles.</summary>
    public required IReadOnlyList<string> Roles { get; init; }

    /// <summary>When it was granted.</summary>
    public required DateTimeOffset GrantedAt { get; init; }

    /// <summary>When it runs out.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Where it stands as stored (an active grant past <see cref="ExpiresAt"/> counts as expired: see <see cref="IsActiveAt"/>).</summary>
    public GrantStatus Status { get; init; } = GrantStatus.Active;

    /// <summary>When it was revoked or expired.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why it ended.</summary>
    public string? EndReason { get; init; }

    /// <summary>The enterprise account provisioned for it.</summary>
    public string? EnterpriseAccountId { get; init; }

    /// <summary>The workspace share provisioned for it.</summary>
    public ShareRef? Share { get; init; }

    /// <summary>The idempotency key it was granted under, if any (<see cref="AccessGrantRequest.IdempotencyKey"/>).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Whether the grant is in force at a time.</summary>
    /// <param name="now">The time.</param>
    /// <returns><see langword="true"/> when active and not past its expiry.</returns>
    public bool IsActiveAt(DateTimeOffset now) => Status == GrantStatus.Active && (ExpiresAt is null || now < ExpiresAt);
}

/// <summary>What an audit entry records.</summary>
public enum AuditAction
{
    /// <summary>A participant signed in.</summary>
    SignedIn,
    /// <summary>A sign-in was refused.</summary>
    SignInRefused,
    /// <summary>An identity or account was linked.</summary>
    Linked,
    /// <summary>An identity or account was unlinked.</summary>
    Unlinked,
    /// <summary>Access was granted.</summary>
    Granted,
    /// <summary>A grant was used.</summary>
    Used,
    /// <summary>Access was refused.</summary>
    Denied,
    /// <summary>A grant was revoked.</summary>
    Revoked,
    /// <summary>A grant expired.</summary>
    Expired,
    /// <summary>A participant was erased.</summary>
    Erased,
    /// <summary>Two ideas were merged as duplicates (irreversible).</summary>
    IdeasMerged,
    /// <summary>A participant signed out; the session's token is refused from then on.</summary>
    SignedOut,
    /// <summary>A participant's delivery preferences, language or preferred network changed.</summary>
    PreferencesChanged,
}

/// <summary>One line of the audit trail.</summary>
public sealed record AuditEntry
{
    /// <summary>The entry id.</summary>
    public required string Id { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What.</summary>
    public required AuditAction Action { get; init; }

    /// <summary>Who; an anonymised id after erasure.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The target, for example <c>enterprise:shop/dong-a</c>.</summary>
    public string? Target { get; init; }

    /// <summary>The grant concerned.</summary>
    public string? GrantId { get; init; }

    /// <summary>Details, never secrets.</summary>
    public string? Detail { get; init; }
}
