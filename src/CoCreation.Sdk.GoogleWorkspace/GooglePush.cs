namespace CoCreation.Sdk.GoogleWorkspace;

/// <summary>What a push channel watches.</summary>
public enum GooglePushSource
{
    /// <summary>Drive's change feed (<c>changes.watch</c>); a notification means <see cref="Workspaces.ICloudWorkspace.GetActivityAsync"/> has something new.</summary>
    DriveChanges,

    /// <summary>A workspace calendar's events (<c>events.watch</c>).</summary>
    CalendarEvents,
}

/// <summary>A push channel the adapter opened at Google.</summary>
/// <param name="Id">The channel id (<c>X-Goog-Channel-ID</c> on notifications).</param>
/// <param name="ResourceId">Google's id of the watched resource, needed to stop the channel.</param>
/// <param name="Source">What it watches.</param>
/// <param name="WorkspaceId">The workspace (folder) it belongs to.</param>
/// <param name="Expiration">When Google stops sending on it; the adapter replaces it before then.</param>
public sealed record GooglePushChannel(string Id, string ResourceId, GooglePushSource Source, string WorkspaceId, DateTimeOffset Expiration);

/// <summary>A push notification that passed verification. It carries no data: read the activity feed to learn what changed.</summary>
public sealed record GooglePushNotification
{
    /// <summary>The channel it arrived on.</summary>
    public required GooglePushChannel Channel { get; init; }

    /// <summary><c>X-Goog-Resource-State</c>: <c>sync</c> (the channel is open), <c>change</c>, <c>exists</c>, <c>not_exists</c>, <c>update</c>….</summary>
    public required string ResourceState { get; init; }

    /// <summary><c>X-Goog-Message-Number</c>, where sent; it grows per channel.</summary>
    public long? MessageNumber { get; init; }

    /// <summary>Whether this is the <c>sync</c> message Google sends when a channel opens (nothing changed).</summary>
    public bool IsSync => string.Equals(ResourceState, "sync", StringComparison.Ordinal);
}
