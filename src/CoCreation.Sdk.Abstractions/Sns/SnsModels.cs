namespace CoCreation.Sdk.Sns;

/// <summary>Which network and instance a connector talks to.</summary>
/// <param name="Name">The name the app registered the connector under; identities and posts read through it carry this name.</param>
/// <param name="Network">The network kind, for example <c>mastodon</c>, <c>bluesky</c> or <c>embedded</c>.</param>
/// <param name="Instance">The server, for example <c>mastodon.social</c>; <see langword="null"/> for a single-instance network.</param>
/// <param name="DisplayName">A name for people.</param>
public sealed record SnsConnectorMetadata(string Name, string Network, string? Instance, string DisplayName);

/// <summary>What a network can do. The SDK reads these rather than guessing.</summary>
public sealed record SnsCapabilities
{
    /// <summary>The longest post, in characters (grapheme clusters where the network counts those).</summary>
    public required int MaxPostLength { get; init; }

    /// <summary>Whether the network has native polls.</summary>
    public bool SupportsPolls { get; init; }

    /// <summary>The most options a poll may have.</summary>
    public int MaxPollOptions { get; init; }

    /// <summary>The longest poll option, in characters.</summary>
    public int MaxPollOptionLength { get; init; }

    /// <summary>The shortest poll duration.</summary>
    public TimeSpan MinPollDuration { get; init; }

    /// <summary>The longest poll duration.</summary>
    public TimeSpan MaxPollDuration { get; init; }

    /// <summary>Whether a poll may allow several choices.</summary>
    public bool SupportsMultipleChoicePolls { get; init; }

    /// <summary>Whether the brand can send direct messages.</summary>
    public bool SupportsDirectMessages { get; init; }

    /// <summary>Whether public posts can be searched.</summary>
    public bool SupportsSearch { get; init; }

    /// <summary>Whether replies to a post can be read.</summary>
    public bool SupportsReplies { get; init; }

    /// <summary>Whether the network honours idempotency keys (a repeated key returns the first result).</summary>
    public bool SupportsIdempotencyKeys { get; init; }

    /// <summary>Whether posts can be published with a member's own credential.</summary>
    public bool SupportsMemberPosting { get; init; }
}

/// <summary>A member's credential for a network: an access token or app password.</summary>
/// <remarks><see cref="ToString"/> never shows the secret.</remarks>
public sealed class SnsCredential
{
    /// <summary>Creates a credential.</summary>
    /// <param name="accessToken">The token.</param>
    /// <exception cref="CoCreationValidationException">The token is empty.</exception>
    public SnsCredential(string accessToken)
    {
        if (string.IsNullOrWhiteSpace(accessToken))
        {
            throw new CoCreationValidationException(nameof(AccessToken), "an SNS credential needs a non-empty token.");
        }

        AccessToken = accessToken;
    }

    /// <summary>The token. Never log it.</summary>
    public string AccessToken { get; }

    /// <summary>Returns a redacted description.</summary>
    /// <returns>Text without the token.</returns>
    public override string ToString() => "SnsCredential(***)";
}

/// <summary>A verified account on a network.</summary>
public sealed record SnsIdentity
{
    /// <summary>The name of the connector the identity was verified with (the network as the app registered it).</summary>
    public required string Network { get; init; }

    /// <summary>The stable account id on that network (a DID, an account id); never the handle, which can change.</summary>
    public required string Subject { get; init; }

    /// <summary>The current handle, for example <c>minji@fashion.social</c>.</summary>
    public required string Handle { get; init; }

    /// <summary>The display name, where the network has one.</summary>
    public string? DisplayName { get; init; }

    /// <summary>When the account was created, where the network says.</summary>
    public DateTimeOffset? AccountCreatedAt { get; init; }

    /// <summary>The account's language preference (BCP 47), where the network says.</summary>
    public string? Locale { get; init; }
}

/// <summary>Who may see a post.</summary>
public enum PostVisibility
{
    /// <summary>Everyone, and listed in public timelines and search.</summary>
    Public,
    /// <summary>Everyone with the link, not listed.</summary>
    Unlisted,
    /// <summary>Followers only.</summary>
    Followers,
}

/// <summary>A post to publish.</summary>
public sealed record PostRequest
{
    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>The post this replies to.</summary>
    public string? InReplyToId { get; init; }

    /// <summary>Handles to mention (without the leading <c>@</c>); the adapter adds them as the network wants.</summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>Who may see it.</summary>
    public PostVisibility Visibility { get; init; } = PostVisibility.Public;

    /// <summary>Publishes as this member instead of the brand.</summary>
    public SnsCredential? Author { get; init; }

    /// <summary>A key that makes a retry return the first post instead of posting twice.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The language of the text (BCP 47).</summary>
    public string? Language { get; init; }
}

/// <summary>A published post.</summary>
public sealed record SnsPost
{
    /// <summary>The post id on its network.</summary>
    public required string Id { get; init; }

    /// <summary>The connector name the post was read through.</summary>
    public required string Network { get; init; }

    /// <summary>The author's stable account id.</summary>
    public required string AuthorSubject { get; init; }

    /// <summary>The author's handle.</summary>
    public required string AuthorHandle { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>When it was published.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The post it replies to.</summary>
    public string? InReplyToId { get; init; }

    /// <summary>The poll attached to it.</summary>
    public string? PollId { get; init; }

    /// <summary>A link for people.</summary>
    public Uri? Url { get; init; }

    /// <summary>When the author's account was created, where the network says; <see langword="null"/> when it does not.</summary>
    /// <remarks>Moderation uses it to hold back posts from very new accounts.</remarks>
    public DateTimeOffset? AuthorAccountCreatedAt { get; init; }
}

/// <summary>A native poll to publish.</summary>
public sealed record PollRequest
{
    /// <summary>The question, which becomes the post's text.</summary>
    public required string Question { get; init; }

    /// <summary>The options, at least two.</summary>
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>How long the poll stays open.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Whether a voter may choose several options.</summary>
    public bool AllowMultiple { get; init; }

    /// <summary>Publishes as this member instead of the brand.</summary>
    public SnsCredential? Author { get; init; }

    /// <summary>A key that makes a retry return the first poll instead of posting twice.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A published poll.</summary>
public sealed record SnsPoll
{
    /// <summary>The poll id.</summary>
    public required string Id { get; init; }

    /// <summary>The post that carries it.</summary>
    public required SnsPost Post { get; init; }

    /// <summary>The options.</summary>
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>When voting closes.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Whether a voter may choose several options.</summary>
    public bool AllowMultiple { get; init; }
}

/// <summary>The count of one poll option.</summary>
/// <param name="Title">The option.</param>
/// <param name="Votes">Votes for it.</param>
public sealed record PollOptionResult(string Title, int Votes);

/// <summary>A poll's counts.</summary>
public sealed record PollResults
{
    /// <summary>The poll id.</summary>
    public required string PollId { get; init; }

    /// <summary>Counts per option, in the poll's order.</summary>
    public required IReadOnlyList<PollOptionResult> Options { get; init; }

    /// <summary>How many people voted, where the network says.</summary>
    public int? VotersCount { get; init; }

    /// <summary>When voting closes or closed.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Whether voting has closed.</summary>
    public required bool IsClosed { get; init; }
}

/// <summary>A direct message from the brand to one member.</summary>
public sealed record DirectMessageRequest
{
    /// <summary>The recipient's stable account id.</summary>
    public required string RecipientSubject { get; init; }

    /// <summary>The recipient's handle, which some networks need to address the message.</summary>
    public string? RecipientHandle { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>A key that makes a retry return the first message instead of sending twice.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>A sent direct message.</summary>
public sealed record SnsMessage
{
    /// <summary>The message id.</summary>
    public required string Id { get; init; }

    /// <summary>The connector name it was sent through.</summary>
    public required string Network { get; init; }

    /// <summary>The recipient's stable account id.</summary>
    public required string RecipientSubject { get; init; }

    /// <summary>The text.</summary>
    public required string Text { get; init; }

    /// <summary>When it was sent.</summary>
    public required DateTimeOffset SentAt { get; init; }
}

/// <summary>A search of public posts.</summary>
public sealed record SearchQuery
{
    /// <summary>Words to find, or a hashtag with its <c>#</c>.</summary>
    public required string Text { get; init; }

    /// <summary>Only posts published at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
}
