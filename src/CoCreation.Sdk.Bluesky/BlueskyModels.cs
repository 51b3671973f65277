using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Bluesky;

/// <summary>A signed-in Bluesky session (<c>com.atproto.server.createSession</c> or <c>refreshSession</c>).</summary>
/// <remarks><see cref="ToString"/> never shows the tokens. Pass <see cref="AccessJwt"/> as an <see cref="SnsCredential"/> to act as the account.</remarks>
public sealed record BlueskySession
{
    /// <summary>The account's DID: its stable id.</summary>
    public required string Did { get; init; }

    /// <summary>The account's current handle.</summary>
    public required string Handle { get; init; }

    /// <summary>The short-lived access token. Never log it.</summary>
    public required string AccessJwt { get; init; }

    /// <summary>The longer-lived token that <see cref="BlueskyConnector.RefreshSessionAsync"/> trades for a new session. Never log it.</summary>
    public required string RefreshJwt { get; init; }

    /// <summary>The access token as a credential for the connector's member calls.</summary>
    /// <returns>A credential carrying <see cref="AccessJwt"/>.</returns>
    public SnsCredential ToCredential() => new(AccessJwt);

    /// <summary>Returns a description without the tokens.</summary>
    /// <returns>The DID and handle.</returns>
    public override string ToString() => $"BlueskySession(Did = {Did}, Handle = {Handle}, AccessJwt = ***, RefreshJwt = ***)";
}

/// <summary>The kinds of notification <see cref="BlueskyConnector.ReadNotificationsAsync"/> returns.</summary>
public enum BlueskyNotificationKind
{
    /// <summary>A post mentioned the brand account.</summary>
    Mention,

    /// <summary>A post replied to one of the brand's posts.</summary>
    Reply,

    /// <summary>A post quoted one of the brand's posts.</summary>
    Quote,
}

/// <summary>One notification of the brand account.</summary>
public sealed record BlueskyNotification
{
    /// <summary>The AT URI of the post that caused it; it is also the post's <see cref="SnsPost.Id"/>.</summary>
    public required string Id { get; init; }

    /// <summary>What happened.</summary>
    public required BlueskyNotificationKind Kind { get; init; }

    /// <summary>When the server indexed it.</summary>
    public required DateTimeOffset IndexedAt { get; init; }

    /// <summary>Whether the brand has seen it in a Bluesky app.</summary>
    public bool IsRead { get; init; }

    /// <summary>Who wrote the post.</summary>
    public required SnsIdentity Author { get; init; }

    /// <summary>The post that mentions, replies to or quotes the brand.</summary>
    public required SnsPost Post { get; init; }
}

/// <summary>One page of notifications, newest first, and the cursor to the older ones.</summary>
/// <param name="Notifications">The notifications, newest first.</param>
/// <param name="Cursor">Pass this to the next read for the older notifications; <see langword="null"/> when there are none.</param>
public sealed record BlueskyNotificationPage(IReadOnlyList<BlueskyNotification> Notifications, string? Cursor);
