namespace CoCreation.Sdk.CoDevelopment;

/// <summary>Where a co-development project stands.</summary>
public enum CoDevelopmentStatus
{
    /// <summary>Nothing has happened yet.</summary>
    Draft,
    /// <summary>The call for participants is out.</summary>
    Recruiting,
    /// <summary>Provisioning started and has not finished (a failed run resumes where it stopped).</summary>
    Provisioning,
    /// <summary>The workspace is ready and shared with the members.</summary>
    Active,
    /// <summary>Closed: every share was revoked.</summary>
    Closed,
}

/// <summary>A call for participants (recruitment).</summary>
public sealed record RecruitmentCall
{
    /// <summary>The text in Korean.</summary>
    public required string KoreanText { get; init; }

    /// <summary>The text in English; published after the Korean text in the same post when given.</summary>
    public string? EnglishText { get; init; }

    /// <summary>How many participants are selected at most.</summary>
    public required int Cap { get; init; }
}

/// <summary>How an applicant applied.</summary>
public enum ApplicationChannel
{
    /// <summary>By replying to the call on SNS.</summary>
    Reply,
    /// <summary>By signing in with their SNS account.</summary>
    SignIn,
}

/// <summary>Where an application stands.</summary>
public enum ApplicantStatus
{
    /// <summary>Selected: may be admitted.</summary>
    Selected,
    /// <summary>Eligible, but the cap was reached.</summary>
    Waitlisted,
    /// <summary>Refused by the selection rule.</summary>
    Declined,
}

/// <summary>Someone who answered the call for participants.</summary>
public sealed record RecruitmentApplicant
{
    /// <summary>The network they applied on.</summary>
    public required string Network { get; init; }

    /// <summary>Their stable account id on that network.</summary>
    public required string Subject { get; init; }

    /// <summary>Their handle.</summary>
    public required string Handle { get; init; }

    /// <summary>How they applied.</summary>
    public required ApplicationChannel Channel { get; init; }

    /// <summary>The reply they applied with, for <see cref="ApplicationChannel.Reply"/>.</summary>
    public string? ReplyText { get; init; }

    /// <summary>The participant, when they applied by signing in.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>When they applied.</summary>
    public required DateTimeOffset AppliedAt { get; init; }

    /// <summary>The order of application within the project, from 1.</summary>
    public int Sequence { get; init; }

    /// <summary>Where the application stands.</summary>
    public ApplicantStatus Status { get; init; }
}

/// <summary>The call for participants as published.</summary>
public sealed record Recruitment
{
    /// <summary>The call.</summary>
    public required RecruitmentCall Call { get; init; }

    /// <summary>One post per network.</summary>
    public required IReadOnlyList<SnsPost> Posts { get; init; }
}

/// <summary>An e-mail confirmation that was sent and waits for its code.</summary>
public sealed record EmailConfirmation
{
    /// <summary>The participant.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The address to confirm.</summary>
    public required string Email { get; init; }

    /// <summary>When the code stops being accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A one-time code to deliver to a participant.</summary>
public sealed record ConfirmationCodeMessage
{
    /// <summary>The project.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The project's name.</summary>
    public required string ProjectName { get; init; }

    /// <summary>The participant.</summary>
    public required Participant Participant { get; init; }

    /// <summary>The identity they signed in with.</summary>
    public required SnsIdentity Identity { get; init; }

    /// <summary>The address being confirmed.</summary>
    public required string Email { get; init; }

    /// <summary>The code (six digits). Never log it.</summary>
    public required string Code { get; init; }

    /// <summary>When the code stops being accepted.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Describes the message without the code, so that logging it leaks nothing.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"ConfirmationCodeMessage {{ ProjectId = {ProjectId}, ParticipantId = {Participant.Id}, Email = {Email}, Code = ***, ExpiresAt = {ExpiresAt:o} }}";
}

/// <summary>An admitted member of a project.</summary>
public sealed record CoDevelopmentMember
{
    /// <summary>The participant.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>A name for people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The confirmed address.</summary>
    public required string Email { get; init; }

    /// <summary>Their account at the cloud workspace.</summary>
    public required string CloudAccountId { get; init; }

    /// <summary>Their role in the workspace.</summary>
    public required WorkspaceRole Role { get; init; }

    /// <summary>When they were admitted.</summary>
    public required DateTimeOffset AdmittedAt { get; init; }

    /// <summary>The access grant of their workspace share, once shared.</summary>
    public string? GrantId { get; init; }

    /// <summary>Whether they are still a member (closing the project ends every membership).</summary>
    public bool Active { get; init; } = true;
}

/// <summary>What provisioning creates.</summary>
public sealed record ProvisioningPlan
{
    /// <summary>The workspace (folder and calendar) name; the project name when <see langword="null"/>.</summary>
    public string? WorkspaceName { get; init; }

    /// <summary>A description of the workspace.</summary>
    public string? Description { get; init; }

    /// <summary>The starter documents.</summary>
    public IReadOnlyList<DocumentSpec> StarterDocuments { get; init; } = [];
}

/// <summary>The provisioned workspace of a project.</summary>
public sealed record ProvisionedWorkspace
{
    /// <summary>The workspace (folder and calendar).</summary>
    public required WorkspaceRef Workspace { get; init; }

    /// <summary>The starter documents, in plan order.</summary>
    public required IReadOnlyList<DocumentRef> Documents { get; init; }

    /// <summary>The members it is shared with.</summary>
    public required IReadOnlyList<CoDevelopmentMember> Members { get; init; }
}

/// <summary>A milestone to put on the project calendar.</summary>
public sealed record MilestoneSpec
{
    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>When it starts.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When it ends; after <see cref="Start"/>.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }
}

/// <summary>An SNS post that a milestone's discussion hangs under.</summary>
/// <param name="Network">The connector name.</param>
/// <param name="PostId">The post id.</param>
public sealed record DiscussionThread(string Network, string PostId);

/// <summary>A milestone on the project calendar with its SNS discussion threads.</summary>
public sealed record Milestone
{
    /// <summary>The milestone id (the calendar entry id).</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>When it starts, as scheduled.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When it ends, as scheduled.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>The attendees' addresses.</summary>
    public required IReadOnlyList<string> Attendees { get; init; }

    /// <summary>One thread per discussion network.</summary>
    public IReadOnlyList<DiscussionThread> Threads { get; init; } = [];
}

/// <summary>Whether a discussion entry passed moderation.</summary>
public enum DiscussionStatus
{
    /// <summary>Accepted.</summary>
    Accepted,
    /// <summary>Filtered by the moderation hook; kept with the reason.</summary>
    Filtered,
}

/// <summary>One participant's reply in a milestone thread.</summary>
public sealed record DiscussionEntry
{
    /// <summary>The milestone.</summary>
    public required string MilestoneId { get; init; }

    /// <summary>The participant.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The network.</summary>
    public required string Network { get; init; }

    /// <summary>The reply's post id.</summary>
    public required string PostId { get; init; }

    /// <summary>The author's handle.</summary>
    public required string AuthorHandle { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>When it was posted.</summary>
    public required DateTimeOffset PostedAt { get; init; }

    /// <summary>Whether it passed moderation.</summary>
    public DiscussionStatus Status { get; init; } = DiscussionStatus.Accepted;

    /// <summary>Why it was filtered.</summary>
    public string? FilterReason { get; init; }
}

/// <summary>The end of a project.</summary>
public sealed record ProjectClosure
{
    /// <summary>The grants (workspace shares) revoked at the provider.</summary>
    public required IReadOnlyList<AccessGrant> RevokedGrants { get; init; }

    /// <summary>The members told.</summary>
    public required IReadOnlyList<string> NotifiedParticipants { get; init; }
}

/// <summary>What one activity sync did.</summary>
public sealed record ActivitySync
{
    /// <summary>How many workspace changes were read.</summary>
    public required int ChangesRead { get; init; }

    /// <summary>The messages sent (single changes and digests).</summary>
    public required IReadOnlyList<RelayResult> Relayed { get; init; }

    /// <summary>Discussion entries collected now.</summary>
    public required IReadOnlyList<DiscussionEntry> Discussion { get; init; }
}

/// <summary>The event types the co-development module raises.</summary>
public static class CoDevelopmentEventTypes
{
    /// <summary>A participant was admitted.</summary>
    public const string Admitted = "com.cocreation.codevelopment.admitted";
    /// <summary>The workspace was shared with a member.</summary>
    public const string Shared = "com.cocreation.codevelopment.shared";
    /// <summary>One workspace change, for one recipient.</summary>
    public const string Activity = "com.cocreation.codevelopment.activity";
    /// <summary>Several workspace changes in one message, for one recipient.</summary>
    public const string Digest = "com.cocreation.codevelopment.digest";
    /// <summary>The project closed and the member's access ended.</summary>
    public const string Closed = "com.cocreation.codevelopment.closed";
}

/// <summary>An operation on a closed co-development project.</summary>
public sealed class ProjectClosedException : CoCreationConflictException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="projectId">The project.</param>
    /// <param name="operation">What was tried.</param>
    public ProjectClosedException(string projectId, string operation)
        : base($"Co-development project '{projectId}' is closed; {operation} is no longer possible.")
    {
        ProjectId = projectId;
        Operation = operation;
    }

    /// <summary>The project.</summary>
    public string ProjectId { get; }

    /// <summary>What was tried.</summary>
    public string Operation { get; }
}
