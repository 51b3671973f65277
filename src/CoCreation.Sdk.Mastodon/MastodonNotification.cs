using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Mastodon;

/// <summary>The kinds of notification <see cref="MastodonConnector.ReadNotificationsAsync"/> returns.</summary>
public enum MastodonNotificationKind
{
    /// <summary>Someone mentioned the brand account (this includes direct messages to it and replies).</summary>
    Mention,

    /// <summary>A poll the brand account created or voted in has ended.</summary>
    PollEnded,
}

/// <summary>One notification of the brand account.</summary>
public sealed record MastodonNotification
{
    /// <summary>The notification id; ids grow with time.</summary>
    public required string Id { get; init; }

    /// <summary>What happened.</summary>
    public required MastodonNotificationKind Kind { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who caused it: the account that mentioned the brand, or the poll's author.</summary>
    public required SnsIdentity Account { get; init; }

    /// <summary>The status that mentions the brand, or that carries the ended poll.</summary>
    public SnsPost? Post { get; init; }

    /// <summary>The poll that ended, for <see cref="MastodonNotificationKind.PollEnded"/>.</summary>
    public string? PollId { get; init; }
}

/// <summary>Notifications read after a cursor, and the cursor to read the next ones from.</summary>
/// <param name="Notifications">The notifications, oldest first.</param>
/// <param name="Cursor">Pass this to the next read; it is the given cursor again when nothing new arrived.</param>
/// <param name="HasMore">Whether more notifications were already waiting; read again at once to get them.</param>
public sealed record MastodonNotificationPage(IReadOnlyList<MastodonNotification> Notifications, string? Cursor, bool HasMore);
