using System.Text.Json.Serialization;
using CoCreation.Sdk.Moderation;

namespace CoCreation.Sdk.Opinions;

/// <summary>One question of a campaign: the text people read and the options they choose from.</summary>
public sealed record OpinionQuestion
{
    /// <summary>The question.</summary>
    public required string Text { get; init; }

    /// <summary>The options, at least two, none repeated.</summary>
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>Whether a respondent may choose several options.</summary>
    public bool AllowMultiple { get; init; }

    /// <summary>How long voting stays open; <see cref="OpinionOptions.DefaultVotingDuration"/> when <see langword="null"/>.</summary>
    public TimeSpan? Duration { get; init; }
}

/// <summary>How a multi-question survey reaches people.</summary>
public enum SurveyDelivery
{
    /// <summary>Every question is published on every network; numbered-reply questions follow each other in one thread.</summary>
    Thread,

    /// <summary>
    /// The survey goes as one direct message to each opted-in participant, on the first campaign network
    /// they are linked on that has direct messages. Answers come back through <see cref="OpinionCampaigns.SubmitResponseAsync"/>
    /// (the connector contract cannot read a member's direct messages).
    /// </summary>
    DirectMessages,
}

/// <summary>What to start: the questions, the networks and what to listen for.</summary>
public sealed record OpinionCampaignRequest
{
    /// <summary>A title for people and reports.</summary>
    public required string Title { get; init; }

    /// <summary>The questions, at least one; a single question is a poll, several are a survey.</summary>
    public required IReadOnlyList<OpinionQuestion> Questions { get; init; }

    /// <summary>The connector names to run on; every registered SNS network when empty.</summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Hashtags (with <c>#</c>) or keywords whose public posts are collected as opinions, on networks that can search.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>How a survey reaches people. Default <see cref="SurveyDelivery.Thread"/>.</summary>
    public SurveyDelivery Delivery { get; init; } = SurveyDelivery.Thread;

    /// <summary>The participants who opted in to direct-message surveys; required for <see cref="SurveyDelivery.DirectMessages"/>.</summary>
    public IReadOnlyList<string> OptedInParticipants { get; init; } = [];

    /// <summary>The language of the posts (<c>ko</c> or <c>en</c>); decides the words of the numbered-reply instructions. Default <c>ko</c>.</summary>
    public string Language { get; init; } = "ko";
}

/// <summary>How votes for a question are taken on one network.</summary>
public enum VoteMethod
{
    /// <summary>A native poll; the network counts, anonymously.</summary>
    NativePoll,

    /// <summary>A post listing numbered options; people reply with a number and the SDK counts the replies.</summary>
    NumberedReplies,

    /// <summary>A direct message to opted-in participants; answers arrive through the API.</summary>
    DirectMessage,
}

/// <summary>Where a campaign stands.</summary>
public enum CampaignStatus
{
    /// <summary>Collecting answers.</summary>
    Open,

    /// <summary>Closed; answers after <see cref="OpinionCampaign.ClosedAt"/> are not counted.</summary>
    Closed,
}

/// <summary>One question as published on one network.</summary>
public sealed record CampaignPublication
{
    /// <summary>The connector name.</summary>
    public required string Network { get; init; }

    /// <summary>The question's index in <see cref="OpinionCampaign.Questions"/>.</summary>
    public required int QuestionIndex { get; init; }

    /// <summary>How votes are taken there.</summary>
    public required VoteMethod Method { get; init; }

    /// <summary>The post that carries the question (the poll's post for a native poll); <see langword="null"/> for direct messages.</summary>
    public string? PostId { get; init; }

    /// <summary>The native poll id.</summary>
    public string? PollId { get; init; }

    /// <summary>Why this method was chosen, for people (for example why a network fell back to numbered replies).</summary>
    public required string Reason { get; init; }

    /// <summary>The account that published the question (the brand), whose own replies are not responses.</summary>
    public string? BrandSubject { get; init; }

    /// <summary>How many direct messages were sent, for <see cref="VoteMethod.DirectMessage"/>.</summary>
    public int MessagesSent { get; init; }
}

/// <summary>A campaign: its questions, where they were published and whether it is open.</summary>
public sealed record OpinionCampaign
{
    /// <summary>The campaign id.</summary>
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The questions, in order.</summary>
    public required IReadOnlyList<OpinionQuestion> Questions { get; init; }

    /// <summary>The connector names it runs on.</summary>
    public required IReadOnlyList<string> Networks { get; init; }

    /// <summary>Keywords and hashtags collected as opinions.</summary>
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>How the survey reaches people.</summary>
    public SurveyDelivery Delivery { get; init; }

    /// <summary>The language of the posts.</summary>
    public string Language { get; init; } = "ko";

    /// <summary>Every question on every network.</summary>
    public IReadOnlyList<CampaignPublication> Publications { get; init; } = [];

    /// <summary>Where it stands.</summary>
    public CampaignStatus Status { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When voting ends on its own (the longest question duration after the start).</summary>
    public required DateTimeOffset ClosesAt { get; init; }

    /// <summary>When it was closed early, if it was.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The end of voting: the earlier of <see cref="ClosesAt"/> and <see cref="ClosedAt"/>.</summary>
    [JsonIgnore]
    public DateTimeOffset VotingEndsAt => ClosedAt is { } closed && closed < ClosesAt ? closed : ClosesAt;
}

/// <summary>What kind of item a response came from.</summary>
public enum ResponseKind
{
    /// <summary>A reply with an option number to a numbered-reply question.</summary>
    Vote,

    /// <summary>A reply that is an opinion in words, not a vote.</summary>
    Reply,

    /// <summary>A public post found by a campaign keyword or hashtag.</summary>
    SearchHit,

    /// <summary>An answer submitted through the API (for example from a direct-message survey).</summary>
    Submitted,
}

/// <summary>
/// One collected item of a campaign, tied to a person: a vote, a reply, a search hit or a submitted answer.
/// Items held back by moderation are kept, with the reason, and not counted.
/// </summary>
public sealed record OpinionResponse
{
    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The question it answers; <see langword="null"/> for search hits that belong to no question.</summary>
    public int? QuestionIndex { get; init; }

    /// <summary>The connector name it came from.</summary>
    public required string Network { get; init; }

    /// <summary>The post id at the network (or an id the SDK gave a submitted answer).</summary>
    public required string ItemId { get; init; }

    /// <summary>What kind of item it is.</summary>
    public required ResponseKind Kind { get; init; }

    /// <summary>The author's stable account id at the network.</summary>
    public required string AuthorSubject { get; init; }

    /// <summary>The author's handle.</summary>
    public string? AuthorHandle { get; init; }

    /// <summary>The participant the author's identity is linked to, when it is.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>
    /// Who the response counts for: the participant id when the identity is linked, else
    /// <c>sns:{network}:{subject}</c>. Two responses with the same key are one person.
    /// </summary>
    public required string RespondentKey { get; init; }

    /// <summary>The chosen options (zero-based) of a vote; empty otherwise.</summary>
    public IReadOnlyList<int> OptionIndexes { get; init; } = [];

    /// <summary>The text.</summary>
    public string Text { get; init; } = "";

    /// <summary>When it was written.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The moderation outcome.</summary>
    public ModerationVerdict Moderation { get; init; } = ModerationVerdict.Accept;
}

/// <summary>A native poll's counts as the network reported them. Native poll votes are anonymous.</summary>
public sealed record PollTally
{
    /// <summary>The connector name.</summary>
    public required string Network { get; init; }

    /// <summary>The question.</summary>
    public required int QuestionIndex { get; init; }

    /// <summary>The poll id.</summary>
    public required string PollId { get; init; }

    /// <summary>Votes per option, in the question's order.</summary>
    public required IReadOnlyList<int> Counts { get; init; }

    /// <summary>How many accounts voted, where the network says.</summary>
    public int? VotersCount { get; init; }

    /// <summary>When the counts were read.</summary>
    public required DateTimeOffset ReadAt { get; init; }

    /// <summary>Whether the poll had closed when read.</summary>
    public bool IsClosed { get; init; }
}

/// <summary>An answer that reached the company outside the public thread (a direct-message survey, a web form).</summary>
public sealed record SubmittedAnswer
{
    /// <summary>The question.</summary>
    public required int QuestionIndex { get; init; }

    /// <summary>The chosen options (zero-based).</summary>
    public required IReadOnlyList<int> OptionIndexes { get; init; }

    /// <summary>The connector name the person answered on.</summary>
    public required string Network { get; init; }

    /// <summary>The person's stable account id there.</summary>
    public required string AuthorSubject { get; init; }

    /// <summary>The person's handle.</summary>
    public string? AuthorHandle { get; init; }

    /// <summary>Free text that came with the answer.</summary>
    public string? Text { get; init; }
}

/// <summary>What one collection run did.</summary>
public sealed record CollectionReport
{
    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Responses read for the first time.</summary>
    public int NewResponses { get; init; }

    /// <summary>Of those, how many moderation held back.</summary>
    public int NewlyFiltered { get; init; }

    /// <summary>Native polls whose counts were read.</summary>
    public int PollsRead { get; init; }

    /// <summary>Pages read across all sources.</summary>
    public int PagesRead { get; init; }

    /// <summary>Whether some source stopped at the page limit and has more to read.</summary>
    public bool HasMore { get; init; }

    /// <summary>Sources that could not be read, with the reason (the others were read).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}
