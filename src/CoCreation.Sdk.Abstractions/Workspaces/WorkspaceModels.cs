namespace CoCreation.Sdk.Workspaces;

/// <summary>Which cloud service a workspace adapter talks to.</summary>
/// <param name="Name">The name the app registered the adapter under.</param>
/// <param name="Provider">The service kind, for example <c>google-workspace</c> or <c>embedded</c>.</param>
/// <param name="DisplayName">A name for people.</param>
public sealed record CloudWorkspaceMetadata(string Name, string Provider, string DisplayName);

/// <summary>What a cloud workspace can do.</summary>
public sealed record CloudWorkspaceCapabilities
{
    /// <summary>Whether workspaces have a calendar.</summary>
    public bool SupportsCalendar { get; init; }

    /// <summary>Whether documents keep revisions.</summary>
    public bool SupportsRevisions { get; init; }

    /// <summary>Whether the service pushes change notifications.</summary>
    public bool SupportsPushNotifications { get; init; }

    /// <summary>Whether the adapter anonymises accounts of erased participants (it implements <see cref="ICloudAccountErasure"/>).</summary>
    public bool SupportsAccountErasure { get; init; }

    /// <summary>The roles a share can have.</summary>
    public IReadOnlyList<WorkspaceRole> Roles { get; init; } = [WorkspaceRole.Viewer, WorkspaceRole.Commenter, WorkspaceRole.Editor];

    /// <summary>The document kinds the service can create.</summary>
    public IReadOnlyList<DocumentKind> DocumentKinds { get; init; } = [DocumentKind.Document];
}

/// <summary>An account at a cloud service.</summary>
public sealed record CloudAccount
{
    /// <summary>The name of the adapter the account belongs to.</summary>
    public required string Provider { get; init; }

    /// <summary>The stable account id.</summary>
    public required string AccountId { get; init; }

    /// <summary>The account's e-mail address.</summary>
    public required string Email { get; init; }

    /// <summary>A name for people.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>A workspace to create.</summary>
public sealed record WorkspaceSpec
{
    /// <summary>The workspace name.</summary>
    public required string Name { get; init; }

    /// <summary>A description.</summary>
    public string? Description { get; init; }

    /// <summary>The IANA time zone of its calendar, for example <c>Asia/Seoul</c>.</summary>
    public string TimeZone { get; init; } = "UTC";
}

/// <summary>A created workspace.</summary>
public sealed record WorkspaceRef
{
    /// <summary>The adapter name.</summary>
    public required string Provider { get; init; }

    /// <summary>The workspace (folder) id.</summary>
    public required string Id { get; init; }

    /// <summary>The workspace name.</summary>
    public required string Name { get; init; }

    /// <summary>Its calendar's id, where the service has calendars.</summary>
    public string? CalendarId { get; init; }

    /// <summary>A link for people.</summary>
    public Uri? Url { get; init; }
}

/// <summary>The kind of a document.</summary>
public enum DocumentKind
{
    /// <summary>A text document.</summary>
    Document,
    /// <summary>A spreadsheet.</summary>
    Spreadsheet,
    /// <summary>A slide deck.</summary>
    Presentation,
}

/// <summary>A document to create.</summary>
public sealed record DocumentSpec
{
    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The kind.</summary>
    public DocumentKind Kind { get; init; } = DocumentKind.Document;

    /// <summary>A starter body (plain text).</summary>
    public string? InitialContent { get; init; }
}

/// <summary>A created document.</summary>
public sealed record DocumentRef
{
    /// <summary>The document id.</summary>
    public required string Id { get; init; }

    /// <summary>The workspace it is in.</summary>
    public required string WorkspaceId { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The kind.</summary>
    public required DocumentKind Kind { get; init; }

    /// <summary>The revision number, where the service keeps revisions.</summary>
    public int Revision { get; init; }

    /// <summary>A link for people.</summary>
    public Uri? Url { get; init; }
}

/// <summary>What a member may do in a workspace.</summary>
public enum WorkspaceRole
{
    /// <summary>Read documents and the calendar.</summary>
    Viewer,
    /// <summary>Read and comment.</summary>
    Commenter,
    /// <summary>Read, comment, edit documents and the calendar.</summary>
    Editor,
}

/// <summary>A share of a workspace with one account.</summary>
public sealed record ShareRef
{
    /// <summary>The share id (the permission id; for two-part shares, the ids joined as the adapter chooses).</summary>
    public required string Id { get; init; }

    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }

    /// <summary>The account it was shared with.</summary>
    public required string AccountId { get; init; }

    /// <summary>The role.</summary>
    public required WorkspaceRole Role { get; init; }
}

/// <summary>A calendar entry to create.</summary>
public sealed record ScheduleEntrySpec
{
    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>When it starts.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When it ends; after <see cref="Start"/>.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>The attendees' e-mail addresses.</summary>
    public IReadOnlyList<string> Attendees { get; init; } = [];

    /// <summary>A description.</summary>
    public string? Description { get; init; }
}

/// <summary>A created calendar entry.</summary>
public sealed record ScheduleEntry
{
    /// <summary>The entry id.</summary>
    public required string Id { get; init; }

    /// <summary>The workspace.</summary>
    public required string WorkspaceId { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>When it starts.</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>When it ends.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>The attendees' e-mail addresses.</summary>
    public required IReadOnlyList<string> Attendees { get; init; }
}

/// <summary>What kind of change happened in a workspace.</summary>
public enum WorkspaceActivityKind
{
    /// <summary>A document was created.</summary>
    DocumentCreated,
    /// <summary>A document was edited.</summary>
    DocumentEdited,
    /// <summary>A document was commented on.</summary>
    DocumentCommented,
    /// <summary>A calendar entry was created.</summary>
    EventScheduled,
    /// <summary>A calendar entry was moved or changed.</summary>
    EventMoved,
    /// <summary>A member was added.</summary>
    MemberAdded,
    /// <summary>A member was removed.</summary>
    MemberRemoved,
}

/// <summary>One change in a workspace.</summary>
public sealed record WorkspaceActivity
{
    /// <summary>The change id, unique within the workspace.</summary>
    public required string Id { get; init; }

    /// <summary>What happened.</summary>
    public required WorkspaceActivityKind Kind { get; init; }

    /// <summary>The account that did it, where known.</summary>
    public string? ActorAccountId { get; init; }

    /// <summary>The document, entry or member it concerns.</summary>
    public required string TargetId { get; init; }

    /// <summary>The target's title or name.</summary>
    public string? TargetName { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>Changes since a cursor.</summary>
/// <param name="Items">The changes, oldest first.</param>
/// <param name="Cursor">The cursor to pass next time (never <see langword="null"/>: an empty page keeps the position).</param>
/// <param name="HasMore">Whether more changes are waiting right now.</param>
public sealed record ActivityPage(IReadOnlyList<WorkspaceActivity> Items, string Cursor, bool HasMore);
