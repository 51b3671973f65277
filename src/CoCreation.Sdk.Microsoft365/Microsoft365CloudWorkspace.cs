using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Drives.Item.Items.Item.CreateUploadSession;
using Microsoft.Graph.Drives.Item.Items.Item.Invite;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using GraphCalendar = Microsoft.Graph.Models.Calendar;

namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// An <see cref="ICloudWorkspace"/> on Microsoft Graph v1.0: a workspace is a folder in a SharePoint document library or
/// OneDrive (<see cref="Microsoft365Options.DriveId"/>) plus a calendar; documents are Word, Excel and PowerPoint files
/// in the folder; a share is a drive permission on the folder (<c>invite</c>) plus, on a user's calendar, a calendar
/// permission; activity comes from the drive's <c>delta</c> feed.
/// </summary>
/// <remarks>
/// <para>
/// Calendars: with <see cref="Microsoft365Options.CalendarUserId"/>, every workspace gets a calendar of its own in that
/// user's mailbox, shared per member with a calendar permission. With <see cref="Microsoft365Options.CalendarGroupId"/>,
/// every workspace uses the group's calendar; who sees it is decided by group membership, so a share covers the folder only.
/// </para>
/// <para>
/// Accounts: an address is looked up in the tenant (<c>mail</c> or <c>userPrincipalName</c>); a tenant user's account id
/// is the user's object id, any other address is an external account whose id is the lower-cased address (Graph's
/// <c>invite</c> shares with external addresses).
/// </para>
/// <para>
/// Roles: Graph's <c>invite</c> grants <c>read</c> or <c>write</c>; it has no comment-only role, so
/// <see cref="WorkspaceRole.Commenter"/> is not offered.
/// </para>
/// <para>Every call goes through the Graph SDK with the adapter's resilient <see cref="HttpClient"/>. Safe for concurrent use.</para>
/// </remarks>
public sealed partial class Microsoft365CloudWorkspace : CloudWorkspaceBase
{
    /// <summary>The provider kind in <see cref="CloudWorkspaceMetadata.Provider"/>.</summary>
    public const string ProviderKind = "microsoft365";

    /// <summary>Files up to this size are uploaded in one <c>PUT …/content</c>; larger ones through an upload session.</summary>
    internal const int SimpleUploadLimit = 4 * 1024 * 1024;

    /// <summary>The size of one upload-session chunk: a multiple of 320 KiB, as Graph requires.</summary>
    internal const int UploadChunkSize = 10 * 320 * 1024;

    private const string ConflictBehavior = "@microsoft.graph.conflictBehavior";
    private const int MaxPages = 1000;
    private static readonly char[] IllegalNameCharacters = ['"', '*', ':', '<', '>', '?', '/', '\\', '|'];

    private static readonly CloudWorkspaceCapabilities GraphCapabilities = new()
    {
        SupportsCalendar = true,
        SupportsRevisions = true,
        SupportsPushNotifications = false,
        Roles = [WorkspaceRole.Viewer, WorkspaceRole.Editor],
        DocumentKinds = [DocumentKind.Document, DocumentKind.Spreadsheet, DocumentKind.Presentation],
    };

    private static readonly CloudWorkspaceCapabilities GraphCapabilitiesWithNotifications = GraphCapabilities with { SupportsPushNotifications = true };

    private readonly Microsoft365Options options;
    private readonly Func<HttpClient> httpClient;
    private readonly GraphHttp http;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string baseUrl;
    private readonly string driveId;

    internal Microsoft365CloudWorkspace(string name, Microsoft365Options options, Func<HttpClient> httpClient, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.httpClient = httpClient;
        this.time = time;
        this.logger = logger;
        http = new GraphHttp(name, time, logger);
        baseUrl = options.GraphBaseAddress.AbsoluteUri.TrimEnd('/');
        driveId = options.DriveId ?? throw new CoCreationValidationException(nameof(options.DriveId), "is required.");
        Metadata = new CloudWorkspaceMetadata(name, ProviderKind, $"Microsoft 365 ({name})");
    }

    /// <inheritdoc />
    public override CloudWorkspaceMetadata Metadata { get; }

    /// <inheritdoc />
    public override CloudWorkspaceCapabilities Capabilities => options.NotificationUrl is null ? GraphCapabilities : GraphCapabilitiesWithNotifications;

    private string Name => Metadata.Name;

    private string Drive => Segment(driveId);

    /// <inheritdoc />
    /// <remarks>
    /// Sends <c>GET /users?$filter=mail eq '…' or userPrincipalName eq '…'</c>. A tenant user's id is the object id; an
    /// address the tenant does not know is an external account keyed by the lower-cased address.
    /// </remarks>
    protected override async Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken)
    {
        var literal = email.Replace("'", "''", StringComparison.Ordinal);
        var graph = Graph();
        var users = await http.CallAsync(
            new GraphCall("GET /users"),
            ct => graph.Users.GetAsync(
                r =>
                {
                    r.QueryParameters.Filter = $"mail eq '{literal}' or userPrincipalName eq '{literal}'";
                    r.QueryParameters.Select = ["id", "displayName", "mail", "userPrincipalName"];
                    r.QueryParameters.Top = 2;
                },
                ct),
            cancellationToken).ConfigureAwait(false);
        var user = users?.Value?.FirstOrDefault(u => !string.IsNullOrEmpty(u.Id));
        return user is null
            ? new CloudAccount { Provider = Name, AccountId = email.ToLowerInvariant(), Email = email }
            : new CloudAccount { Provider = Name, AccountId = user.Id!, Email = email, DisplayName = user.DisplayName };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Creates the folder (<c>POST /drives/{drive}/items/{parent}/children</c>, conflict behaviour <c>fail</c>; when the
    /// name is taken, once more with <c>rename</c>, so the returned name may differ), then, for a user calendar, the
    /// workspace's calendar. When the calendar fails, the folder is deleted again before the error is thrown.
    /// </remarks>
    protected override async Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken)
    {
        CheckName(spec.Name, "WorkspaceSpec.Name");
        var graph = Graph();
        DriveItem? folder;
        try
        {
            folder = await CreateFolderAsync(graph, spec.Name, "fail", cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
        {
            Log.FolderNameTaken(logger, Name);
            folder = await CreateFolderAsync(graph, spec.Name, "rename", cancellationToken).ConfigureAwait(false);
        }

        var folderId = Required(folder?.Id, "POST /drives/{drive-id}/items/{item-id}/children");
        string? calendarId = null;
        if (!string.IsNullOrWhiteSpace(options.CalendarUserId))
        {
            try
            {
                var calendar = await http.CallAsync(
                    new GraphCall("POST /users/{user-id}/calendars"),
                    ct => graph.Users[options.CalendarUserId].Calendars.PostAsync(new GraphCalendar { Name = folder?.Name ?? spec.Name }, cancellationToken: ct),
                    cancellationToken).ConfigureAwait(false);
                calendarId = Required(calendar?.Id, "POST /users/{user-id}/calendars");
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                Log.WorkspaceRolledBack(logger, Name, folderId);
                await DeleteQuietlyAsync(graph, folderId).ConfigureAwait(false);
                throw;
            }
        }

        return new WorkspaceRef
        {
            Provider = Name,
            Id = folderId,
            Name = folder?.Name ?? spec.Name,
            CalendarId = new CalendarRef(calendarId, spec.TimeZone).Format(),
            Url = Link(folder?.WebUrl),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The file is <see cref="Microsoft365Options.Templates"/>' file for the kind, uploaded as it is (the starter body is
    /// not merged into a template), or else a blank Office document holding the title and the starter body. It is named
    /// <c>{Title}.docx</c>, <c>.xlsx</c> or <c>.pptx</c> and uploaded with conflict behaviour <c>fail</c>: a title taken in
    /// the workspace is refused (409) rather than overwritten. Files up to 4 MiB go in one
    /// <c>PUT /drives/{drive}/items/{folder}:/{name}:/content</c>; larger ones through <c>createUploadSession</c> and
    /// chunked PUTs to the session's pre-authenticated URL (which gets no bearer token).
    /// </remarks>
    protected override async Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken)
    {
        CheckName(spec.Title, "DocumentSpec.Title");
        var fileName = spec.Title.Trim() + OfficeStarterDocuments.Extension(spec.Kind);
        var bytes = options.Templates.TryGetValue(spec.Kind, out var template) && !string.IsNullOrWhiteSpace(template)
            ? await File.ReadAllBytesAsync(template, cancellationToken).ConfigureAwait(false)
            : OfficeStarterDocuments.Create(spec.Kind, spec.Title, spec.InitialContent);
        var graph = Graph();
        var path = $"{baseUrl}/drives/{Drive}/items/{Segment(workspace.Id)}:/{Uri.EscapeDataString(fileName)}:";
        (string? Id, string? Name, string? WebUrl) item;
        if (bytes.Length <= SimpleUploadLimit)
        {
            var call = new GraphCall("PUT /drives/{drive-id}/items/{item-id}:/{file-name}:/content", "workspace folder", workspace.Id);
            var uploaded = await http.CallAsync(
                call,
                ct => graph.Drives[driveId].Items[workspace.Id].Content.WithUrl(path + "/content?" + ConflictBehavior + "=fail").PutAsync(new MemoryStream(bytes, false), cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
            item = (uploaded?.Id, uploaded?.Name, uploaded?.WebUrl);
        }
        else
        {
            item = await UploadInSessionAsync(graph, workspace, path, bytes, cancellationToken).ConfigureAwait(false);
        }

        return new DocumentRef
        {
            Id = Required(item.Id, "PUT /drives/{drive-id}/items/{item-id}:/{file-name}:/content"),
            WorkspaceId = workspace.Id,
            Title = spec.Title,
            Kind = spec.Kind,
            Revision = 1,
            Url = Link(item.WebUrl),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the folder's permissions first: a member who has one already gets its roles changed (<c>PATCH</c>), anyone
    /// else is invited (<c>POST …/invite</c> with <c>requireSignIn</c> and <see cref="Microsoft365Options.SendInvitation"/>).
    /// On a user calendar the same is done with a calendar permission (<c>read</c> or <c>write</c>). Sharing again keeps the ids.
    /// </remarks>
    protected override async Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
    {
        var calendar = CalendarRef.Parse(workspace.CalendarId);
        var graph = Graph();
        var driveRole = role == WorkspaceRole.Editor ? "write" : "read";
        var items = graph.Drives[driveId].Items[workspace.Id];
        var existing = await http.CallAsync(
            new GraphCall("GET /drives/{drive-id}/items/{item-id}/permissions", "workspace folder", workspace.Id),
            ct => items.Permissions.GetAsync(cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        var permission = existing?.Value?.FirstOrDefault(p => IsGrantedTo(p, member));
        string permissionId;
        if (permission?.Id is { } id)
        {
            permissionId = id;
            if (permission.Roles is not { Count: 1 } roles || roles[0] != driveRole)
            {
                await http.CallAsync(
                    new GraphCall("PATCH /drives/{drive-id}/items/{item-id}/permissions/{permission-id}", "permission", id),
                    ct => items.Permissions[id].PatchAsync(new Permission { Roles = [driveRole] }, cancellationToken: ct),
                    cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var invited = await http.CallAsync(
                new GraphCall("POST /drives/{drive-id}/items/{item-id}/invite", "workspace folder", workspace.Id),
                ct => items.Invite.PostAsInvitePostResponseAsync(
                    new InvitePostRequestBody
                    {
                        Recipients = [new DriveRecipient { Email = member.Email }],
                        Roles = [driveRole],
                        RequireSignIn = true,
                        SendInvitation = options.SendInvitation,
                    },
                    cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
            permissionId = Required(invited?.Value?.FirstOrDefault()?.Id, "POST /drives/{drive-id}/items/{item-id}/invite");
        }

        string? calendarPermissionId = null;
        if (calendar.UserCalendarId is { } calendarId)
        {
            calendarPermissionId = await ShareCalendarAsync(graph, calendarId, member, role, cancellationToken).ConfigureAwait(false);
        }

        return new ShareRef
        {
            Id = new ShareId(permissionId, calendar.UserCalendarId, calendarPermissionId).Format(),
            WorkspaceId = workspace.Id,
            AccountId = member.AccountId,
            Role = role,
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Deletes the drive permission and the calendar permission in one <c>POST /$batch</c>. A part answering 404 was
    /// already gone and counts as done; any other failing part is thrown after the batch.
    /// </remarks>
    protected override async Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken)
    {
        var id = ShareId.Parse(share.Id);
        var graph = Graph();
        var permission = graph.Drives[driveId].Items[share.WorkspaceId].Permissions[id.PermissionId];
        var permissionCall = new GraphCall("DELETE /drives/{drive-id}/items/{item-id}/permissions/{permission-id}");
        if (id.CalendarId is null || id.CalendarPermissionId is null)
        {
            try
            {
                await http.CallAsync(permissionCall, ct => permission.DeleteAsync(cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone: revoking is idempotent.
            }

            return;
        }

        var calendarPermission = graph.Users[options.CalendarUserId].Calendars[id.CalendarId].CalendarPermissions[id.CalendarPermissionId];
        var calendarCall = new GraphCall("DELETE /users/{user-id}/calendars/{calendar-id}/calendarPermissions/{calendarPermission-id}");
        var batch = new BatchRequestContentCollection(graph);
        var steps = new[]
        {
            (Call: permissionCall, Step: await batch.AddBatchRequestStepAsync(permission.ToDeleteRequestInformation()).ConfigureAwait(false)),
            (Call: calendarCall, Step: await batch.AddBatchRequestStepAsync(calendarPermission.ToDeleteRequestInformation()).ConfigureAwait(false)),
        };
        var batchCall = new GraphCall("POST /$batch");
        var responses = await http.CallAsync(batchCall, ct => graph.Batch.PostAsync(batch, ct), cancellationToken).ConfigureAwait(false);
        var statuses = await http.CallAsync(batchCall, _ => responses.GetResponsesStatusCodesAsync(), cancellationToken).ConfigureAwait(false);
        foreach (var (call, step) in steps)
        {
            if (!statuses.TryGetValue(step, out var status))
            {
                throw http.Malformed(batchCall);
            }

            if ((int)status is >= 200 and < 300 || status == HttpStatusCode.NotFound)
            {
                continue;
            }

            using var response = await responses.GetResponseByIdAsync(step).ConfigureAwait(false);
            var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var retryAfter = GraphHttp.RetryAfter(response.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase), time.GetUtcNow());
            throw http.MapStatus(call, status, body, retryAfter);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Creates an event (<c>POST …/calendars/{id}/events</c>, or the group calendar's <c>events</c>) with the attendees as
    /// required attendees; start and end are given as wall-clock times in the workspace's time zone.
    /// </remarks>
    protected override async Task<ScheduleEntry> ScheduleCoreAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken)
    {
        var calendar = CalendarRef.Parse(workspace.CalendarId);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(calendar.TimeZone);
        var graphZone = TimeZoneInfo.TryConvertIanaIdToWindowsId(calendar.TimeZone, out var windows) ? windows : calendar.TimeZone;
        var body = new Event
        {
            Subject = spec.Title,
            Body = spec.Description is null ? null : new ItemBody { ContentType = BodyType.Text, Content = spec.Description },
            Start = new DateTimeTimeZone { DateTime = WallClock(spec.Start, zone), TimeZone = graphZone },
            End = new DateTimeTimeZone { DateTime = WallClock(spec.End, zone), TimeZone = graphZone },
            Attendees = [.. spec.Attendees.Select(a => new Attendee { EmailAddress = new EmailAddress { Address = a.Trim() }, Type = AttendeeType.Required })],
        };
        var graph = Graph();
        Event? created;
        if (calendar.UserCalendarId is { } calendarId)
        {
            created = await http.CallAsync(
                new GraphCall("POST /users/{user-id}/calendars/{calendar-id}/events", "calendar", calendarId),
                ct => graph.Users[options.CalendarUserId].Calendars[calendarId].Events.PostAsync(body, cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            created = await http.CallAsync(
                new GraphCall("POST /groups/{group-id}/calendar/events", "group", options.CalendarGroupId),
                ct => graph.Groups[options.CalendarGroupId].Calendar.Events.PostAsync(body, cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
        }

        return new ScheduleEntry
        {
            Id = Required(created?.Id, "POST …/events"),
            WorkspaceId = workspace.Id,
            Title = created?.Subject ?? spec.Title,
            Start = FromWallClock(created?.Start, graphZone, zone) ?? spec.Start,
            End = FromWallClock(created?.End, graphZone, zone) ?? spec.End,
            Attendees = created?.Attendees?.Select(a => a.EmailAddress?.Address).OfType<string>().ToList() ?? [.. spec.Attendees],
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// The feed is the drive's <c>delta</c>, filtered to files directly in the workspace folder. Without a cursor it
    /// starts at the drive's current position (<c>GET /drives/{drive}/root/delta?token=latest</c>) and lists what the
    /// folder already holds; with one, it follows the stored next or delta link. A file whose creation and modification
    /// times are equal is reported as created, otherwise as edited (by <c>lastModifiedBy</c>). An activity's id is made
    /// from the file id and its modification time, so the same change always has the same id.
    /// </para>
    /// <para>
    /// When Graph answers 410 Gone (<c>resyncRequired</c>: the delta link expired), the drive is enumerated again from the
    /// start (<c>GET /drives/{drive}/root/delta</c>, every page) and only files modified at or after the cursor's
    /// watermark (the latest modification time the feed reported) are reported. Nothing is lost, since every change
    /// after the last read is newer than the watermark, and nothing is repeated under a new id: a change at the watermark
    /// itself comes back with the id it had, so a consumer that de-duplicates by id sees it once.
    /// </para>
    /// </remarks>
    protected override async Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken)
    {
        var position = cursor is null ? null : ActivityCursor.Parse(cursor);
        if (position is not null && !position.Link.StartsWith(baseUrl + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new CoCreationValidationException("cursor", "is not a cursor this adapter issued.");
        }

        var graph = Graph();
        var items = new List<WorkspaceActivity>();
        if (position is null)
        {
            var latest = await DeltaAsync(graph, $"{baseUrl}/drives/{Drive}/root/delta?token=latest", cancellationToken).ConfigureAwait(false);
            var link = latest.OdataDeltaLink ?? throw http.Malformed(new GraphCall("GET /drives/{drive-id}/root/delta"));
            var watermark = await ListFolderAsync(graph, workspace, items, cancellationToken).ConfigureAwait(false);
            watermark = Max(watermark, await CollectCalendarAsync(graph, workspace, items, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false));
            return Page(items, new ActivityCursor(link, watermark), false);
        }

        Microsoft.Graph.Drives.Item.Items.Item.Delta.DeltaGetResponse page;
        try
        {
            page = await DeltaAsync(graph, position.Link, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.Gone)
        {
            Log.DeltaResync(logger, Name, workspace.Id);
            return await ResyncAsync(graph, workspace, position, cancellationToken).ConfigureAwait(false);
        }

        var mark = Collect(workspace, page.Value, items, position.Watermark, DateTimeOffset.MinValue);
        var next = page.OdataNextLink ?? page.OdataDeltaLink ?? throw http.Malformed(new GraphCall("GET /drives/{drive-id}/root/delta"));
        mark = Max(mark, await CollectCalendarAsync(graph, workspace, items, position.Watermark, cancellationToken).ConfigureAwait(false));

        // An empty read keeps the old link, so the cursor stays put when nothing changed.
        var cursorOut = page.Value is { Count: > 0 } || page.OdataNextLink is not null ? new ActivityCursor(next, mark) : position with { Watermark = mark };
        return Page(items, cursorOut, page.OdataNextLink is not null);
    }

    private static ActivityPage Page(List<WorkspaceActivity> items, ActivityCursor cursor, bool hasMore)
        => new([.. items.OrderBy(a => a.OccurredAt).ThenBy(a => a.Id, StringComparer.Ordinal)], cursor.Format(), hasMore);

    private static Uri? Link(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string WallClock(DateTimeOffset at, TimeZoneInfo zone)
        => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static DateTimeOffset? FromWallClock(DateTimeTimeZone? value, string sentZone, TimeZoneInfo zone)
    {
        if (value?.DateTime is not { } text || !string.Equals(value.TimeZone, sentZone, StringComparison.OrdinalIgnoreCase)
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    private static void CheckName(string name, string field)
    {
        if (name.IndexOfAny(IllegalNameCharacters) >= 0 || name.Trim().EndsWith('.') || name.Trim().StartsWith('~'))
        {
            throw new CoCreationValidationException(field, "may not contain \" * : < > ? / \\ | or start with ~ or end with a dot (OneDrive and SharePoint refuse such names).");
        }
    }

    private static bool IsGrantedTo(Permission permission, CloudAccount member)
    {
        if (permission.Roles?.Contains("owner") == true)
        {
            return false;
        }

        var user = permission.GrantedToV2?.User;
        return string.Equals(permission.Invitation?.Email, member.Email, StringComparison.OrdinalIgnoreCase)
            || (user?.Id is { } id && string.Equals(id, member.AccountId, StringComparison.OrdinalIgnoreCase))
            || (user?.AdditionalData is { } extra && extra.TryGetValue("email", out var email) && string.Equals(email as string, member.Email, StringComparison.OrdinalIgnoreCase));
    }

    private GraphServiceClient Graph() => new(httpClient(), new AnonymousAuthenticationProvider(), baseUrl);

    private string Required(string? value, string operation)
        => string.IsNullOrEmpty(value) ? throw http.Malformed(new GraphCall(operation)) : value;

    private Task<DriveItem?> CreateFolderAsync(GraphServiceClient graph, string name, string conflictBehavior, CancellationToken cancellationToken)
        => http.CallAsync(
            new GraphCall("POST /drives/{drive-id}/items/{item-id}/children", "parent folder", options.ParentItemId),
            ct => graph.Drives[driveId].Items[options.ParentItemId].Children.PostAsync(
                new DriveItem { Name = name.Trim(), Folder = new Folder(), AdditionalData = new Dictionary<string, object> { [ConflictBehavior] = conflictBehavior } },
                cancellationToken: ct),
            cancellationToken);

    private async Task DeleteQuietlyAsync(GraphServiceClient graph, string folderId)
    {
        try
        {
            await http.CallAsync(new GraphCall("DELETE /drives/{drive-id}/items/{item-id}"), ct => graph.Drives[driveId].Items[folderId].DeleteAsync(cancellationToken: ct), CancellationToken.None).ConfigureAwait(false);
        }
        catch (CoCreationException)
        {
            // The original failure is what the caller needs to see; the orphaned empty folder is logged above.
        }
    }

    private async Task<string> ShareCalendarAsync(GraphServiceClient graph, string calendarId, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
    {
        var calendarRole = role == WorkspaceRole.Editor ? CalendarRoleType.Write : CalendarRoleType.Read;
        var permissions = graph.Users[options.CalendarUserId].Calendars[calendarId].CalendarPermissions;
        var existing = await http.CallAsync(
            new GraphCall("GET /users/{user-id}/calendars/{calendar-id}/calendarPermissions", "calendar", calendarId),
            ct => permissions.GetAsync(cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        var current = existing?.Value?.FirstOrDefault(p => string.Equals(p.EmailAddress?.Address, member.Email, StringComparison.OrdinalIgnoreCase));
        if (current?.Id is { } id)
        {
            if (current.Role != calendarRole)
            {
                await http.CallAsync(
                    new GraphCall("PATCH /users/{user-id}/calendars/{calendar-id}/calendarPermissions/{calendarPermission-id}", "calendar permission", id),
                    ct => permissions[id].PatchAsync(new CalendarPermission { Role = calendarRole }, cancellationToken: ct),
                    cancellationToken).ConfigureAwait(false);
            }

            return id;
        }

        var created = await http.CallAsync(
            new GraphCall("POST /users/{user-id}/calendars/{calendar-id}/calendarPermissions", "calendar", calendarId),
            ct => permissions.PostAsync(
                new CalendarPermission
                {
                    EmailAddress = new EmailAddress { Address = member.Email },
                    Role = calendarRole,
                    IsInsideOrganization = !string.Equals(member.AccountId, member.Email.ToLowerInvariant(), StringComparison.Ordinal),
                    IsRemovable = true,
                },
                cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        return Required(created?.Id, "POST /users/{user-id}/calendars/{calendar-id}/calendarPermissions");
    }

    private async Task<(string? Id, string? Name, string? WebUrl)> UploadInSessionAsync(GraphServiceClient graph, WorkspaceRef workspace, string path, byte[] bytes, CancellationToken cancellationToken)
    {
        Log.UploadSession(logger, Name, bytes.Length);
        var session = await http.CallAsync(
            new GraphCall("POST /drives/{drive-id}/items/{item-id}:/{file-name}:/createUploadSession", "workspace folder", workspace.Id),
            ct => graph.Drives[driveId].Items[workspace.Id].CreateUploadSession.WithUrl(path + "/createUploadSession").PostAsync(
                new CreateUploadSessionPostRequestBody { Item = new DriveItemUploadableProperties { AdditionalData = new Dictionary<string, object> { [ConflictBehavior] = "fail" } } },
                cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        if (!Uri.TryCreate(session?.UploadUrl, UriKind.Absolute, out var uploadUrl))
        {
            throw http.Malformed(new GraphCall("POST …/createUploadSession"));
        }

        var client = httpClient();
        var call = new GraphCall("PUT {uploadUrl}");
        for (var offset = 0; offset < bytes.Length; offset += UploadChunkSize)
        {
            var length = Math.Min(UploadChunkSize, bytes.Length - offset);
            var start = offset;
            using var response = await http.SendRawAsync(
                call,
                ct =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(bytes, start, length) };
                    request.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, start + length - 1, bytes.Length);
                    return client.SendAsync(request, ct);
                },
                cancellationToken).ConfigureAwait(false);
            if (start + length < bytes.Length)
            {
                continue;
            }

            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var document = JsonDocument.Parse(json);
                var root = document.RootElement;
                return (Text(root, "id"), Text(root, "name"), Text(root, "webUrl"));
            }
            catch (JsonException ex)
            {
                throw http.Malformed(call, ex);
            }
        }

        throw http.Malformed(call);

        static string? Text(JsonElement element, string name) => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    private Task<Microsoft.Graph.Drives.Item.Items.Item.Delta.DeltaGetResponse> DeltaAsync(GraphServiceClient graph, string link, CancellationToken cancellationToken)
        => http.CallAsync(
            new GraphCall("GET /drives/{drive-id}/root/delta"),
            async ct => await graph.Drives[driveId].Items["root"].Delta.WithUrl(link).GetAsDeltaGetResponseAsync(cancellationToken: ct).ConfigureAwait(false)
                ?? throw http.Malformed(new GraphCall("GET /drives/{drive-id}/root/delta")),
            cancellationToken);

    private async Task<DateTimeOffset> ListFolderAsync(GraphServiceClient graph, WorkspaceRef workspace, List<WorkspaceActivity> items, CancellationToken cancellationToken)
    {
        var watermark = DateTimeOffset.MinValue;
        string? next = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var link = next;
            var children = await http.CallAsync(
                new GraphCall("GET /drives/{drive-id}/items/{item-id}/children", "workspace folder", workspace.Id),
                ct => link is null
                    ? graph.Drives[driveId].Items[workspace.Id].Children.GetAsync(cancellationToken: ct)
                    : graph.Drives[driveId].Items[workspace.Id].Children.WithUrl(link).GetAsync(cancellationToken: ct),
                cancellationToken).ConfigureAwait(false);
            foreach (var child in children?.Value ?? [])
            {
                if (child.Id is null || child.Folder is not null || child.Deleted is not null)
                {
                    continue;
                }

                var created = child.CreatedDateTime ?? child.LastModifiedDateTime ?? time.GetUtcNow();
                watermark = Max(watermark, child.LastModifiedDateTime ?? created);
                items.Add(new WorkspaceActivity
                {
                    Id = $"drive:{child.Id}:created",
                    Kind = WorkspaceActivityKind.DocumentCreated,
                    ActorAccountId = Actor(child.CreatedBy),
                    TargetId = child.Id,
                    TargetName = child.Name,
                    OccurredAt = created,
                });
            }

            next = children?.OdataNextLink;
            if (next is null)
            {
                return watermark == DateTimeOffset.MinValue ? time.GetUtcNow() : watermark;
            }
        }

        throw new ProviderException(Name, $"Microsoft Graph ({Name}) returned more than {MaxPages} pages of folder children.", null, "too_many_pages");
    }

    private async Task<ActivityPage> ResyncAsync(GraphServiceClient graph, WorkspaceRef workspace, ActivityCursor position, CancellationToken cancellationToken)
    {
        var items = new List<WorkspaceActivity>();
        var mark = position.Watermark;
        var link = $"{baseUrl}/drives/{Drive}/root/delta";
        for (var page = 0; page < MaxPages; page++)
        {
            var response = await DeltaAsync(graph, link, cancellationToken).ConfigureAwait(false);
            mark = Collect(workspace, response.Value, items, mark, position.Watermark);
            if (response.OdataNextLink is { } next)
            {
                link = next;
                continue;
            }

            var delta = response.OdataDeltaLink ?? throw http.Malformed(new GraphCall("GET /drives/{drive-id}/root/delta"));
            return Page(items, new ActivityCursor(delta, mark), false);
        }

        throw new ProviderException(Name, $"Microsoft Graph ({Name}) returned more than {MaxPages} delta pages while enumerating the drive again.", null, "too_many_pages");
    }

    /// <summary>
    /// Adds the entries of the workspace's own calendar (a user calendar; a group calendar holds the group's other events
    /// too and is left out) created or changed at or after <paramref name="since"/>: created as scheduled, changed as
    /// moved, under ids that repeat for the same change. Reads the first 100 entries; returns the new watermark.
    /// </summary>
    private async Task<DateTimeOffset> CollectCalendarAsync(GraphServiceClient graph, WorkspaceRef workspace, List<WorkspaceActivity> items, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.CalendarUserId) || workspace.CalendarId is null || CalendarRef.Parse(workspace.CalendarId) is not { IsGroupCalendar: false } calendar)
        {
            return since;
        }

        var events = await http.CallAsync(
            new GraphCall("GET /users/{user-id}/calendars/{calendar-id}/events", "workspace calendar", workspace.Id),
            ct => graph.Users[options.CalendarUserId].Calendars[calendar.UserCalendarId].Events.GetAsync(
                r =>
                {
                    r.QueryParameters.Select = ["id", "subject", "createdDateTime", "lastModifiedDateTime"];
                    r.QueryParameters.Top = 100;
                },
                ct),
            cancellationToken).ConfigureAwait(false);
        var mark = since;
        foreach (var entry in events?.Value ?? [])
        {
            if (entry.Id is null || (entry.LastModifiedDateTime ?? entry.CreatedDateTime) is not { } modified || modified < since)
            {
                continue;
            }

            var created = entry.CreatedDateTime == modified;
            mark = Max(mark, modified);
            items.Add(new WorkspaceActivity
            {
                Id = created ? $"event:{entry.Id}:created" : $"event:{entry.Id}:{modified.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
                Kind = created ? WorkspaceActivityKind.EventScheduled : WorkspaceActivityKind.EventMoved,
                TargetId = entry.Id,
                TargetName = entry.Subject,
                OccurredAt = modified,
            });
        }

        return mark;
    }

    /// <summary>Adds the files of <paramref name="page"/> that sit directly in the workspace folder and changed at or after <paramref name="since"/>; returns the new watermark.</summary>
    private DateTimeOffset Collect(WorkspaceRef workspace, List<DriveItem>? page, List<WorkspaceActivity> items, DateTimeOffset watermark, DateTimeOffset since)
    {
        foreach (var item in page ?? [])
        {
            if (item.Id is null || item.Folder is not null || item.Deleted is not null || item.Root is not null
                || !string.Equals(item.ParentReference?.Id, workspace.Id, StringComparison.Ordinal))
            {
                continue;
            }

            var modified = item.LastModifiedDateTime ?? item.CreatedDateTime ?? time.GetUtcNow();
            if (modified < since)
            {
                continue;
            }

            var created = item.CreatedDateTime is { } c && c == modified;
            watermark = Max(watermark, modified);
            items.Add(new WorkspaceActivity
            {
                Id = created ? $"drive:{item.Id}:created" : $"drive:{item.Id}:{modified.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
                Kind = created ? WorkspaceActivityKind.DocumentCreated : WorkspaceActivityKind.DocumentEdited,
                ActorAccountId = Actor(item.LastModifiedBy),
                TargetId = item.Id,
                TargetName = item.Name,
                OccurredAt = modified,
            });
        }

        return watermark;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>A tenant user's object id, else the lower-cased address of an external user.</summary>
    private static string? Actor(IdentitySet? by)
    {
        var user = by?.User;
        if (user is null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(user.Id))
        {
            return user.Id;
        }

        return user.AdditionalData is { } extra && extra.TryGetValue("email", out var email) && email is string address ? address.ToLowerInvariant() : null;
    }
}
