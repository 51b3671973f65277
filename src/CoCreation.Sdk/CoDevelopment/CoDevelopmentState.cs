namespace CoCreation.Sdk.CoDevelopment;

// Stored shapes of the module. They are internal so that the stored form can change without an API change.

internal sealed record ProjectState
{
    public CoDevelopmentStatus Status { get; init; }

    public RecruitmentCall? Call { get; init; }

    public List<DiscussionThread> CallPosts { get; init; } = [];

    public int Applications { get; init; }

    public ProvisioningPlan? Plan { get; init; }

    public WorkspaceRef? Workspace { get; init; }

    public List<DocumentRef> Documents { get; init; } = [];

    public DateTimeOffset? ClosedAt { get; init; }
}

internal sealed record PendingConfirmation
{
    public required string Email { get; init; }

    public required string CodeHash { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public int FailedAttempts { get; init; }
}

internal sealed record PendingChange
{
    public required string ActivityId { get; init; }

    public required WorkspaceActivityKind Kind { get; init; }

    public string? TargetName { get; init; }

    public string? ActorName { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

internal sealed record RecipientRelayState
{
    public DateTimeOffset? LastSentAt { get; init; }

    public List<PendingChange> Pending { get; init; } = [];
}
