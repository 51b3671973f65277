using CoCreation.Sdk.Moderation;

namespace CoCreation.Sdk.Opinions;

/// <summary>Where an idea stands.</summary>
/// <remarks>
/// The way through: <see cref="Submitted"/> → <see cref="UnderReview"/> → <see cref="Accepted"/> or
/// <see cref="Declined"/>; <see cref="Accepted"/> → <see cref="InDevelopment"/> → <see cref="Launched"/>.
/// A submitted idea may also be declined at once. <see cref="Merged"/> is reached only by
/// <see cref="IdeaBoard.MergeAsync"/> and is final.
/// </remarks>
public enum IdeaStage
{
    /// <summary>Submitted, gathering support.</summary>
    Submitted,

    /// <summary>The company is reviewing it.</summary>
    UnderReview,

    /// <summary>The company will do it.</summary>
    Accepted,

    /// <summary>The company will not do it.</summary>
    Declined,

    /// <summary>Being built.</summary>
    InDevelopment,

    /// <summary>Done and available.</summary>
    Launched,

    /// <summary>Merged into another idea as a duplicate; final.</summary>
    Merged,
}

/// <summary>Where an idea came from.</summary>
public enum IdeaSource
{
    /// <summary>Submitted through the API.</summary>
    Api,

    /// <summary>Taken from a public post.</summary>
    Post,

    /// <summary>Taken from a reply.</summary>
    Reply,
}

/// <summary>
/// A person as given to the idea board: a signed-in participant (<see cref="SignedIn"/>), a participant the
/// company names, or an SNS account.
/// </summary>
/// <remarks>
/// Use <see cref="SignedIn"/> for whatever a person does through your application: the board verifies the
/// session (<see cref="IAccessGrants.VerifySessionAsync"/>) and acts as its participant, so nobody can support,
/// comment or submit as someone else. <see cref="Participant"/> and <see cref="Sns"/> are for what the company
/// itself records (ideas and support it read on SNS, or entered for someone).
/// </remarks>
public sealed record IdeaPersonRef
{
    /// <summary>The signed-in person's session; when set, the other fields are ignored.</summary>
    public ParticipantSession? Session { get; init; }

    /// <summary>The participant id; when set, the SNS fields are optional.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>The connector name of the SNS account.</summary>
    public string? Network { get; init; }

    /// <summary>The account's stable id.</summary>
    public string? Subject { get; init; }

    /// <summary>The account's handle, needed to tell an unlinked supporter about stage changes.</summary>
    public string? Handle { get; init; }

    /// <summary>A signed-in participant, acting through your application.</summary>
    /// <param name="session">The session the SDK issued at sign-in.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="CoCreationValidationException">The session is null.</exception>
    public static IdeaPersonRef SignedIn(ParticipantSession session)
        => new() { Session = session ?? throw new CoCreationValidationException(nameof(session), "must not be null: sign in first.") };

    /// <summary>A participant.</summary>
    /// <param name="participantId">The participant id.</param>
    /// <returns>The reference.</returns>
    public static IdeaPersonRef Participant(string participantId) => new() { ParticipantId = participantId };

    /// <summary>An SNS account.</summary>
    /// <param name="network">The connector name.</param>
    /// <param name="subject">The stable account id.</param>
    /// <param name="handle">The handle.</param>
    /// <returns>The reference.</returns>
    public static IdeaPersonRef Sns(string network, string subject, string? handle = null) => new() { Network = network, Subject = subject, Handle = handle };
}

/// <summary>A person on the idea board, resolved through the identity map.</summary>
public sealed record IdeaPerson
{
    /// <summary>Who it is, for counting once: the participant id when linked, else <c>sns:{network}:{subject}</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The participant, when linked.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>The connector name of the account they acted with.</summary>
    public string? Network { get; init; }

    /// <summary>The account's stable id.</summary>
    public string? Subject { get; init; }

    /// <summary>The account's handle.</summary>
    public string? Handle { get; init; }
}

/// <summary>One support vote.</summary>
/// <param name="Person">Who.</param>
/// <param name="At">When.</param>
public sealed record IdeaSupport(IdeaPerson Person, DateTimeOffset At);

/// <summary>A comment on an idea; comments moderation held back are kept with the reason and not shown.</summary>
public sealed record IdeaComment
{
    /// <summary>The comment id.</summary>
    public required string Id { get; init; }

    /// <summary>Who wrote it.</summary>
    public required IdeaPerson Author { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The moderation outcome.</summary>
    public ModerationVerdict Moderation { get; init; } = ModerationVerdict.Accept;
}

/// <summary>One move between stages.</summary>
public sealed record IdeaStageChange
{
    /// <summary>The stage before.</summary>
    public required IdeaStage From { get; init; }

    /// <summary>The stage after.</summary>
    public required IdeaStage To { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Why (a threshold rule, a decision).</summary>
    public required string Reason { get; init; }
}

/// <summary>An idea: its text, authors, supporters, comments and stage.</summary>
public sealed record Idea
{
    /// <summary>The idea id.</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The idea in the author's words.</summary>
    public required string Text { get; init; }

    /// <summary>The authors: one, or more after a merge (both authors are credited).</summary>
    public required IReadOnlyList<IdeaPerson> Authors { get; init; }

    /// <summary>Where it came from.</summary>
    public IdeaSource Source { get; init; }

    /// <summary>The network of the post it came from.</summary>
    public string? SourceNetwork { get; init; }

    /// <summary>The post it came from.</summary>
    public string? SourcePostId { get; init; }

    /// <summary>Where it stands.</summary>
    public IdeaStage Stage { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>The moderation outcome of the idea's text; held-back ideas are kept but not listed by default.</summary>
    public ModerationVerdict Moderation { get; init; } = ModerationVerdict.Accept;

    /// <summary>Support votes, one per person.</summary>
    public IReadOnlyList<IdeaSupport> Supporters { get; init; } = [];

    /// <summary>Comments, held-back ones included.</summary>
    public IReadOnlyList<IdeaComment> Comments { get; init; } = [];

    /// <summary>Every stage change, oldest first.</summary>
    public IReadOnlyList<IdeaStageChange> History { get; init; } = [];

    /// <summary>The idea this one was merged into.</summary>
    public string? MergedInto { get; init; }

    /// <summary>The ideas merged into this one.</summary>
    public IReadOnlyList<string> MergedFrom { get; init; } = [];

    /// <summary>The number of support votes.</summary>
    public int SupportCount => Supporters.Count;
}

/// <summary>A new idea.</summary>
public sealed record IdeaSubmission
{
    /// <summary>The title (at most 200 characters).</summary>
    public required string Title { get; init; }

    /// <summary>The idea.</summary>
    public required string Text { get; init; }

    /// <summary>Who submits it.</summary>
    public required IdeaPersonRef Author { get; init; }
}

/// <summary>
/// A rule on the clock: an idea in <see cref="From"/> that gathers <see cref="Supporters"/> support votes
/// within <see cref="Within"/> of its submission moves to <see cref="To"/>, and its supporters are told.
/// Support that arrives after the window does not count towards the rule.
/// </summary>
public sealed record IdeaThresholdRule
{
    /// <summary>The stage the rule applies to. Default <see cref="IdeaStage.Submitted"/>.</summary>
    public IdeaStage From { get; init; } = IdeaStage.Submitted;

    /// <summary>The stage it moves to. Default <see cref="IdeaStage.UnderReview"/>.</summary>
    public IdeaStage To { get; init; } = IdeaStage.UnderReview;

    /// <summary>How many supporters are needed.</summary>
    public required int Supporters { get; init; }

    /// <summary>Within how long of submission.</summary>
    public required TimeSpan Within { get; init; }

    internal void Validate(string field)
    {
        CoCreationGuard.Positive(Supporters, field + ".Supporters");
        if (Within <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(field + ".Within", "must be longer than zero.");
        }

        if (!IdeaBoard.IsAllowed(From, To))
        {
            throw new CoCreationValidationException(field + ".To", $"an idea cannot move from {From} to {To}.");
        }
    }
}

/// <summary>The outcome of a support vote.</summary>
public sealed record IdeaSupportResult
{
    /// <summary>The idea after the vote.</summary>
    public required Idea Idea { get; init; }

    /// <summary>Whether the vote was new (a person supports an idea once).</summary>
    public required bool Added { get; init; }

    /// <summary>The stage change a threshold rule made, if any.</summary>
    public IdeaStageOutcome? StageChange { get; init; }
}

/// <summary>A stage change and how the supporters were told.</summary>
public sealed record IdeaStageOutcome
{
    /// <summary>The idea after the change.</summary>
    public required Idea Idea { get; init; }

    /// <summary>The change.</summary>
    public required IdeaStageChange Change { get; init; }

    /// <summary>
    /// Supporters told through the event relay (participants) or a mention post (unlinked accounts). A participant who
    /// turned these messages off (<see cref="DeliveryMode.Off"/>) is not told and is not a failure either.
    /// </summary>
    public int Notified { get; init; }

    /// <summary>Supporters who could not be told, with the reason; the stage change stands.</summary>
    public IReadOnlyList<string> NotificationFailures { get; init; } = [];
}

/// <summary>The outcome of a merge.</summary>
/// <param name="Target">The idea that remains, with the votes, authors and comments of both.</param>
/// <param name="Duplicate">The merged idea, now in <see cref="IdeaStage.Merged"/>.</param>
public sealed record IdeaMergeResult(Idea Target, Idea Duplicate);

/// <summary>The event types the opinions module raises.</summary>
public static class OpinionEventTypes
{
    /// <summary>An idea moved to another stage; one event per supporter who is a participant.</summary>
    public const string IdeaStageChanged = "com.cocreation.idea.stage-changed";
}
