using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.GoogleWorkspace.Implementation;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.GoogleWorkspace;

/// <summary>
/// An <see cref="ICloudWorkspace"/> on Google Drive v3 and Calendar v3: a workspace is a Drive folder plus a calendar;
/// documents are Google Docs, Sheets and Slides in the folder; a share is one Drive permission on the folder plus one
/// calendar ACL rule; activity comes from Drive's change feed and the calendar's incremental sync.
/// </summary>
/// <remarks>
/// <para>
/// Google accounts are e-mail addresses: <see cref="CloudWorkspaceBase.ResolveAccountAsync"/> checks the address and
/// returns it (lower-cased) as the account id without calling Google, since Drive shares by address.
/// </para>
/// <para>
/// Push: <see cref="WatchAsync"/> opens a Drive and a Calendar channel for a workspace; <see cref="VerifyPushNotification"/>
/// checks <c>X-Goog-Channel-Token</c> in constant time before it reads anything else; channels are replaced before they
/// expire by scheduled work the SDK's scheduler runs (the adapter starts no timer of its own); a
/// <see cref="GooglePushReceiver"/> takes notifications into the event pipeline. Channels are kept in memory: after a restart, call
/// <see cref="WatchAsync"/> again.
/// </para>
/// <para>Safe for concurrent use.</para>
/// </remarks>
public sealed class GoogleCloudWorkspace : CloudWorkspaceBase, IDisposable
{
    /// <summary>The provider kind in <see cref="CloudWorkspaceMetadata.Provider"/>.</summary>
    public const string ProviderKind = "google-workspace";

    internal const string FolderMimeType = "application/vnd.google-apps.folder";
    private const string FileFields = "id,name,mimeType,parents,createdTime,modifiedTime,version,webViewLink";
    private const string ChangeFields = "nextPageToken,newStartPageToken,changes(changeType,fileId,removed,time,file(id,name,mimeType,parents,createdTime,modifiedTime,version,trashed,lastModifyingUser(emailAddress,displayName)))";
    private const string ChannelTokenHeader = "X-Goog-Channel-Token";
    private const string ChannelIdHeader = "X-Goog-Channel-ID";
    private const int ChangesPageSize = 100;
    private const int EventsPageSize = 250;
    private const int MaxCalendarPages = 40;

    private static readonly CloudWorkspaceCapabilities GoogleCapabilities = new()
    {
        SupportsCalendar = true,
        SupportsRevisions = true,
        SupportsPushNotifications = true,
        Roles = [WorkspaceRole.Viewer, WorkspaceRole.Commenter, WorkspaceRole.Editor],
        DocumentKinds = [DocumentKind.Document, DocumentKind.Spreadsheet, DocumentKind.Presentation],
    };

    private readonly GoogleWorkspaceOptions options;
    private readonly Func<IGoogleApi> api;
    private readonly GoogleHttp http;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, ChannelState> channels = new(StringComparer.Ordinal);

    internal GoogleCloudWorkspace(string name, GoogleWorkspaceOptions options, Func<IGoogleApi> api, TimeProvider time, ILogger logger)
    {
        this.options = options;
        this.api = api;
        this.time = time;
        this.logger = logger;
        http = new GoogleHttp(name, time, logger);
        Metadata = new CloudWorkspaceMetadata(name, ProviderKind, $"Google Workspace ({name})");
    }

    /// <inheritdoc />
    public override CloudWorkspaceMetadata Metadata { get; }

    /// <inheritdoc />
    public override CloudWorkspaceCapabilities Capabilities => GoogleCapabilities;

    /// <summary>The push channels currently open.</summary>
    public IReadOnlyList<GooglePushChannel> PushChannels => channels.Values.Select(c => c.Channel).OrderBy(c => c.Expiration).ToList();

    private string Name => Metadata.Name;

    /// <summary>
    /// Opens push channels for a workspace: one on Drive's change feed (<c>changes.watch</c>) and one on its calendar
    /// (<c>events.watch</c>), each with its own random channel token, sent to <see cref="GoogleWorkspaceOptions.PushAddress"/>.
    /// </summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The channels opened.</returns>
    /// <exception cref="CapabilityNotSupportedException">No <see cref="GoogleWorkspaceOptions.PushAddress"/> is configured.</exception>
    /// <exception cref="ProviderException">Google refused a channel.</exception>
    public async Task<IReadOnlyList<GooglePushChannel>> WatchAsync(WorkspaceRef workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (options.PushAddress is null)
        {
            throw new CapabilityNotSupportedException(Name, "push notifications without a PushAddress");
        }

        var opened = new List<GooglePushChannel> { await OpenChannelAsync(GooglePushSource.DriveChanges, workspace.Id, workspace.CalendarId, cancellationToken).ConfigureAwait(false) };
        if (workspace.CalendarId is not null)
        {
            opened.Add(await OpenChannelAsync(GooglePushSource.CalendarEvents, workspace.Id, workspace.CalendarId, cancellationToken).ConfigureAwait(false));
        }

        return opened;
    }

    /// <summary>Stops every push channel of a workspace (<c>channels.stop</c>) and forgets their tokens.</summary>
    /// <param name="workspace">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the channels are stopped.</returns>
    public async Task StopWatchingAsync(WorkspaceRef workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        foreach (var state in channels.Values.Where(c => c.Channel.WorkspaceId == workspace.Id).ToList())
        {
            await StopChannelAsync(state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replaces every channel that expires within <see cref="GoogleWorkspaceOptions.PushChannelRenewBefore"/> on the
    /// adapter's clock: a new channel is opened first, then the old one is stopped. The SDK's scheduler calls this every
    /// quarter of <see cref="GoogleWorkspaceOptions.PushChannelRenewBefore"/> (work registered by <c>AddGoogleWorkspace</c>);
    /// call it yourself to renew at a time of your choosing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many channels were replaced.</returns>
    public async Task<int> RenewExpiringChannelsAsync(CancellationToken cancellationToken = default)
    {
        var due = time.GetUtcNow() + options.PushChannelRenewBefore;
        var renewed = 0;
        foreach (var state in channels.Values.Where(c => c.Channel.Expiration <= due).ToList())
        {
            await OpenChannelAsync(state.Channel.Source, state.Channel.WorkspaceId, state.CalendarId, cancellationToken).ConfigureAwait(false);
            await StopChannelAsync(state, cancellationToken).ConfigureAwait(false);
            renewed++;
        }

        if (renewed > 0)
        {
            Log.ChannelsRenewed(logger, Name, renewed);
        }

        return renewed;
    }

    /// <summary>
    /// Verifies a push notification by its headers and returns what it says. <c>X-Goog-Channel-Token</c> is compared in
    /// constant time with the token of every open channel before any other header is read; only then is the channel id
    /// checked and the rest parsed.
    /// </summary>
    /// <param name="headers">The request headers (names in any case).</param>
    /// <returns>The verified notification.</returns>
    /// <exception cref="WebhookVerificationException">The token is missing or matches no open channel, or the channel id does not match it.</exception>
    public GooglePushNotification VerifyPushNotification(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var list = headers as IReadOnlyCollection<KeyValuePair<string, string>> ?? headers.ToList();
        var presented = Header(list, ChannelTokenHeader);
        if (string.IsNullOrEmpty(presented))
        {
            throw Rejected(WebhookRefusalReason.Missing, "no channel token");
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        ChannelState? match = null;
        foreach (var state in channels.Values)
        {
            // Every channel is compared, so the time taken does not tell which (or whether one) matched.
            if (CryptographicOperations.FixedTimeEquals(presentedBytes, state.TokenBytes))
            {
                match = state;
            }
        }

        if (match is null)
        {
            throw Rejected(WebhookRefusalReason.BadSignature, "the channel token matches no open channel");
        }

        if (!string.Equals(Header(list, ChannelIdHeader), match.Channel.Id, StringComparison.Ordinal))
        {
            throw Rejected(WebhookRefusalReason.BadSignature, "the channel id does not belong to the token");
        }

        var resourceState = Header(list, "X-Goog-Resource-State");
        if (string.IsNullOrWhiteSpace(resourceState))
        {
            throw Rejected(WebhookRefusalReason.Missing, "no resource state");
        }

        var number = long.TryParse(Header(list, "X-Goog-Message-Number"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : (long?)null;
        return new GooglePushNotification { Channel = match.Channel, ResourceState = resourceState.Trim(), MessageNumber = number };
    }

    /// <summary>Releases nothing: channel renewal runs on the SDK's scheduler now. Kept so that existing <c>using</c> statements compile.</summary>
    public void Dispose()
    {
    }

    /// <inheritdoc />
    /// <remarks>Nothing is sent: Google shares by address, so the lower-cased address is the account id.</remarks>
    protected override Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new CloudAccount { Provider = Name, AccountId = email.ToLowerInvariant(), Email = email });
    }

    /// <inheritdoc />
    /// <remarks>
    /// Creates the folder (in <see cref="GoogleWorkspaceOptions.ParentFolderId"/> or <see cref="GoogleWorkspaceOptions.SharedDriveId"/>
    /// where set), then the calendar. When the calendar fails, the folder is deleted again before the error is thrown.
    /// </remarks>
    protected override async Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken)
    {
        var parent = !string.IsNullOrWhiteSpace(options.ParentFolderId) ? options.ParentFolderId : options.SharedDriveId;
        var folder = await http.SendAsync(
            new GoogleCall("drive.files.create"),
            ct => api().CreateFileAsync(new DriveFileDto { Name = spec.Name, MimeType = FolderMimeType, Description = spec.Description, Parents = string.IsNullOrWhiteSpace(parent) ? null : [parent] }, "true", FileFields, ct),
            GoogleJsonContext.Default.DriveFileDto,
            cancellationToken).ConfigureAwait(false);
        var folderId = Required(folder.Id, "drive.files.create");

        CalendarDto calendar;
        try
        {
            calendar = await http.SendAsync(
                new GoogleCall("calendar.calendars.insert"),
                ct => api().InsertCalendarAsync(new CalendarDto { Summary = spec.Name, Description = spec.Description, TimeZone = spec.TimeZone }, ct),
                GoogleJsonContext.Default.CalendarDto,
                cancellationToken).ConfigureAwait(false);
            Required(calendar.Id, "calendar.calendars.insert");
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            Log.WorkspaceRolledBack(logger, Name, folderId);
            await DeleteQuietlyAsync(folderId).ConfigureAwait(false);
            throw;
        }

        return new WorkspaceRef
        {
            Provider = Name,
            Id = folderId,
            Name = folder.Name ?? spec.Name,
            CalendarId = calendar.Id,
            Url = Link(folder.WebViewLink),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Documents and spreadsheets with a starter body are uploaded in one multipart request and converted by Drive
    /// (text for Docs, CSV for Sheets). Drive cannot convert text to Slides, so a presentation's starter body becomes
    /// the file's description.
    /// </remarks>
    protected override async Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken)
    {
        var (mimeType, contentType) = spec.Kind switch
        {
            DocumentKind.Document => ("application/vnd.google-apps.document", "text/plain"),
            DocumentKind.Spreadsheet => ("application/vnd.google-apps.spreadsheet", "text/csv"),
            _ => ("application/vnd.google-apps.presentation", (string?)null),
        };
        var metadata = new DriveFileDto { Name = spec.Title, MimeType = mimeType, Parents = [workspace.Id] };
        DriveFileDto file;
        var call = new GoogleCall("drive.files.create", "workspace folder", workspace.Id);
        if (string.IsNullOrEmpty(spec.InitialContent) || contentType is null)
        {
            metadata.Description = spec.InitialContent;
            file = await http.SendAsync(call, ct => api().CreateFileAsync(metadata, "true", FileFields, ct), GoogleJsonContext.Default.DriveFileDto, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            file = await http.SendAsync(
                call,
                ct => api().UploadFileAsync(Multipart(metadata, spec.InitialContent, contentType), "multipart", "true", FileFields, ct),
                GoogleJsonContext.Default.DriveFileDto,
                cancellationToken).ConfigureAwait(false);
        }

        return new DocumentRef
        {
            Id = Required(file.Id, "drive.files.create"),
            WorkspaceId = workspace.Id,
            Title = file.Name ?? spec.Title,
            Kind = spec.Kind,
            Revision = 1,
            Url = Link(file.WebViewLink),
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// One share is a Drive permission on the folder (reader, commenter or writer) and, where the workspace has a
    /// calendar, an ACL rule on it (reader, or writer for editors). Sharing again changes both roles and keeps the ids.
    /// A share that failed halfway can be repeated: both calls are keyed by the address.
    /// </remarks>
    protected override async Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
    {
        var email = CoCreationGuard.Email(member.Email, "member.Email");
        var driveRole = role switch
        {
            WorkspaceRole.Viewer => "reader",
            WorkspaceRole.Commenter => "commenter",
            _ => "writer",
        };
        var notify = options.SendNotificationEmail ? "true" : "false";
        var call = new GoogleCall("drive.permissions.create", "workspace folder", workspace.Id);
        var permission = await http.SendAsync(
            call,
            ct => api().CreatePermissionAsync(workspace.Id, new DrivePermissionDto { Type = "user", Role = driveRole, EmailAddress = email }, notify, "true", "id,type,role,emailAddress", ct),
            GoogleJsonContext.Default.DrivePermissionDto,
            cancellationToken).ConfigureAwait(false);
        var permissionId = Required(permission.Id, "drive.permissions.create");
        if (!string.Equals(permission.Role, driveRole, StringComparison.Ordinal))
        {
            // Drive may keep a higher role when a permission for the address already exists; set the asked-for one.
            await http.SendAsync(
                new GoogleCall("drive.permissions.update", "permission", permissionId),
                ct => api().UpdatePermissionAsync(workspace.Id, permissionId, new DrivePermissionDto { Role = driveRole }, "true", "id,role", ct),
                GoogleJsonContext.Default.DrivePermissionDto,
                cancellationToken).ConfigureAwait(false);
        }

        string? ruleId = null;
        if (workspace.CalendarId is { } calendarId)
        {
            var rule = await http.SendAsync(
                new GoogleCall("calendar.acl.insert", "calendar", calendarId),
                ct => api().InsertAclAsync(calendarId, new AclRuleDto { Role = role == WorkspaceRole.Editor ? "writer" : "reader", Scope = new AclScopeDto { Type = "user", Value = email } }, notify, ct),
                GoogleJsonContext.Default.AclRuleDto,
                cancellationToken).ConfigureAwait(false);
            ruleId = Required(rule.Id, "calendar.acl.insert");
        }

        return new ShareRef
        {
            Id = ShareId.Format(permissionId, workspace.CalendarId, ruleId),
            WorkspaceId = workspace.Id,
            AccountId = member.AccountId,
            Role = role,
        };
    }

    /// <inheritdoc />
    /// <remarks>Deletes the Drive permission and the calendar ACL rule; either being gone already (404, 410) counts as done.</remarks>
    protected override async Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken)
    {
        var (permissionId, calendarId, ruleId) = ShareId.Parse(share.Id);
        await DeleteIgnoringGoneAsync(new GoogleCall("drive.permissions.delete"), ct => api().DeletePermissionAsync(share.WorkspaceId, permissionId, "true", ct), cancellationToken).ConfigureAwait(false);
        if (calendarId is not null && ruleId is not null)
        {
            await DeleteIgnoringGoneAsync(new GoogleCall("calendar.acl.delete"), ct => api().DeleteAclAsync(calendarId, ruleId, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>Invitations go out as <see cref="GoogleWorkspaceOptions.SendUpdates"/> says.</remarks>
    protected override async Task<ScheduleEntry> ScheduleCoreAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken)
    {
        var calendarId = workspace.CalendarId ?? throw new CoCreationValidationException("workspace.CalendarId", "the workspace has no calendar.");
        var body = new EventDto
        {
            Summary = spec.Title,
            Description = spec.Description,
            Start = new EventDateTimeDto { DateTime = spec.Start },
            End = new EventDateTimeDto { DateTime = spec.End },
            Attendees = spec.Attendees.Count == 0 ? null : spec.Attendees.Select(a => new EventAttendeeDto { Email = a.Trim() }).ToList(),
        };
        var created = await http.SendAsync(
            new GoogleCall("calendar.events.insert", "calendar", calendarId),
            ct => api().InsertEventAsync(calendarId, body, options.SendUpdates, ct),
            GoogleJsonContext.Default.EventDto,
            cancellationToken).ConfigureAwait(false);
        return new ScheduleEntry
        {
            Id = Required(created.Id, "calendar.events.insert"),
            WorkspaceId = workspace.Id,
            Title = created.Summary ?? spec.Title,
            Start = created.Start?.DateTime ?? spec.Start,
            End = created.End?.DateTime ?? spec.End,
            Attendees = created.Attendees?.Select(a => a.Email).OfType<string>().ToList() ?? [.. spec.Attendees],
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// The cursor holds Drive's page token and the calendar's sync token. Without a cursor, the feed starts at Drive's
    /// current start page token and lists what the folder and calendar already hold. Drive changes outside the folder
    /// are skipped (only files directly in the folder count). A file whose creation and modification times are equal
    /// is reported as created, otherwise as edited by <c>lastModifyingUser</c>.
    /// </para>
    /// <para>
    /// When Google answers 410 Gone to the calendar's sync token (it expired), the calendar is read in full again and
    /// its entries are reported again with the same activity ids, so a consumer that de-duplicates by id sees nothing twice.
    /// </para>
    /// </remarks>
    protected override async Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken)
    {
        var position = cursor is null ? null : ActivityCursor.Parse(cursor);
        var items = new List<WorkspaceActivity>();
        string driveToken;
        var hasMore = false;
        if (position is null)
        {
            var start = await http.SendAsync(
                new GoogleCall("drive.changes.getStartPageToken"),
                ct => api().GetStartPageTokenAsync("true", options.SharedDriveId, ct),
                GoogleJsonContext.Default.DriveStartPageTokenDto,
                cancellationToken).ConfigureAwait(false);
            driveToken = Required(start.StartPageToken, "drive.changes.getStartPageToken");
            await ListFolderAsync(workspace, items, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var changes = await http.SendAsync(
                new GoogleCall("drive.changes.list"),
                ct => api().ListChangesAsync(position.DriveToken, ChangesPageSize, "true", "true", options.SharedDriveId, ChangeFields, ct),
                GoogleJsonContext.Default.DriveChangeListDto,
                cancellationToken).ConfigureAwait(false);
            foreach (var change in changes.Changes ?? [])
            {
                if (ToActivity(workspace, change) is { } activity)
                {
                    items.Add(activity);
                }
            }

            hasMore = changes.NextPageToken is not null;
            driveToken = changes.NextPageToken ?? Required(changes.NewStartPageToken, "drive.changes.list");
        }

        string? syncToken = null;
        if (workspace.CalendarId is { } calendarId)
        {
            syncToken = await ReadCalendarAsync(workspace, calendarId, position?.CalendarSyncToken, items, cancellationToken).ConfigureAwait(false);
        }

        var ordered = items.OrderBy(a => a.OccurredAt).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        return new ActivityPage(ordered, ActivityCursor.Format(driveToken, syncToken), hasMore);
    }

    private static Uri? Link(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;

    private static string? Header(IEnumerable<KeyValuePair<string, string>> headers, string name)
        => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static MultipartContent Multipart(DriveFileDto metadata, string body, string contentType)
    {
        var content = new MultipartContent("related", "cocreation-" + Guid.NewGuid().ToString("N"));
        var json = new StringContent(JsonSerializer.Serialize(metadata, GoogleJsonContext.Default.DriveFileDto), Encoding.UTF8);
        json.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };
        var media = new StringContent(body, Encoding.UTF8);
        media.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = "UTF-8" };
        content.Add(json);
        content.Add(media);
        return content;
    }

    private string Required(string? value, string operation)
        => string.IsNullOrEmpty(value) ? throw http.Malformed(new GoogleCall(operation), null) : value;

    private WebhookVerificationException Rejected(WebhookRefusalReason kind, string reason)
    {
        Log.PushRejected(logger, Name, reason);
        return new WebhookVerificationException(Name, kind, $"Google push notification for '{Name}' rejected: {reason}.");
    }

    private async Task ListFolderAsync(WorkspaceRef workspace, List<WorkspaceActivity> items, CancellationToken cancellationToken)
    {
        string? pageToken = null;
        var query = $"'{workspace.Id.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}' in parents and trashed = false";
        do
        {
            var token = pageToken;
            var page = await http.SendAsync(
                new GoogleCall("drive.files.list"),
                ct => api().ListFilesAsync(query, token, ChangesPageSize, "true", "true", "nextPageToken,files(" + FileFields + ",lastModifyingUser(emailAddress))", ct),
                GoogleJsonContext.Default.DriveFileListDto,
                cancellationToken).ConfigureAwait(false);
            foreach (var file in page.Files ?? [])
            {
                if (file.Id is not null && file.MimeType != FolderMimeType)
                {
                    items.Add(new WorkspaceActivity
                    {
                        Id = $"drive:{file.Id}:created",
                        Kind = WorkspaceActivityKind.DocumentCreated,
                        TargetId = file.Id,
                        TargetName = file.Name,
                        OccurredAt = file.CreatedTime ?? file.ModifiedTime ?? time.GetUtcNow(),
                    });
                }
            }

            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);
    }

    private WorkspaceActivity? ToActivity(WorkspaceRef workspace, DriveChangeDto change)
    {
        var file = change.File;
        if (change.Removed == true || file?.Id is null || file.Trashed == true || file.MimeType == FolderMimeType
            || file.Parents is null || !file.Parents.Contains(workspace.Id, StringComparer.Ordinal))
        {
            return null;
        }

        var created = file.CreatedTime is not null && file.CreatedTime == file.ModifiedTime;
        var at = file.ModifiedTime ?? change.Time ?? time.GetUtcNow();
        return new WorkspaceActivity
        {
            Id = created ? $"drive:{file.Id}:created" : $"drive:{file.Id}:v{file.Version ?? at.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
            Kind = created ? WorkspaceActivityKind.DocumentCreated : WorkspaceActivityKind.DocumentEdited,
            ActorAccountId = file.LastModifyingUser?.EmailAddress?.ToLowerInvariant(),
            TargetId = file.Id,
            TargetName = file.Name,
            OccurredAt = at,
        };
    }

    private async Task<string?> ReadCalendarAsync(WorkspaceRef workspace, string calendarId, string? syncToken, List<WorkspaceActivity> items, CancellationToken cancellationToken)
    {
        var found = new List<WorkspaceActivity>();
        string? pageToken = null;
        for (var page = 0; page < MaxCalendarPages; page++)
        {
            EventsDto events;
            try
            {
                var (sync, next) = (pageToken is null ? syncToken : null, pageToken);
                events = await http.SendAsync(
                    new GoogleCall("calendar.events.list", "calendar", calendarId),
                    ct => api().ListEventsAsync(calendarId, sync, next, "true", EventsPageSize, ct),
                    GoogleJsonContext.Default.EventsDto,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.Gone && syncToken is not null)
            {
                // The sync token expired: Google asks for a full read, which reports every entry again under the same ids.
                Log.CalendarResync(logger, Name, workspace.Id);
                syncToken = null;
                pageToken = null;
                found.Clear();
                continue;
            }

            foreach (var item in events.Items ?? [])
            {
                if (item.Id is null || item.Status == "cancelled")
                {
                    continue;
                }

                var created = item.Created ?? item.Updated ?? time.GetUtcNow();
                var updated = item.Updated ?? created;
                var moved = updated - created > TimeSpan.FromSeconds(2);
                found.Add(new WorkspaceActivity
                {
                    Id = moved ? $"calendar:{item.Id}:{updated.UtcTicks.ToString(CultureInfo.InvariantCulture)}" : $"calendar:{item.Id}:created",
                    Kind = moved ? WorkspaceActivityKind.EventMoved : WorkspaceActivityKind.EventScheduled,
                    ActorAccountId = moved ? null : item.Creator?.Email?.ToLowerInvariant(),
                    TargetId = item.Id,
                    TargetName = item.Summary,
                    OccurredAt = updated,
                });
            }

            if (events.NextPageToken is null)
            {
                items.AddRange(found);

                // An empty read keeps the old token so the cursor stays put when nothing changed.
                return found.Count == 0 && syncToken is not null ? syncToken : events.NextSyncToken ?? syncToken;
            }

            pageToken = events.NextPageToken;
        }

        throw new ProviderException(Name, $"Google ({Name}) returned more than {MaxCalendarPages} pages of calendar entries in one read.", null, "too_many_pages");
    }

    private async Task DeleteIgnoringGoneAsync(GoogleCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await http.SendRawAsync(call, send, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            // Already gone: revoking is idempotent.
        }
    }

    private async Task DeleteQuietlyAsync(string folderId)
    {
        try
        {
            using var _ = await http.SendRawAsync(new GoogleCall("drive.files.delete"), ct => api().DeleteFileAsync(folderId, "true", ct), CancellationToken.None).ConfigureAwait(false);
        }
        catch (CoCreationException)
        {
            // The original failure is what the caller needs to see; an orphaned empty folder is logged above.
        }
    }

    private async Task<GooglePushChannel> OpenChannelAsync(GooglePushSource source, string workspaceId, string? calendarId, CancellationToken cancellationToken)
    {
        var tokenBytes = RandomNumberGenerator.GetBytes(32);
        var token = Base64Url.EncodeToString(tokenBytes);
        var expiration = time.GetUtcNow() + options.PushChannelLifetime;
        var request = new ChannelDto
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = "web_hook",
            Address = options.PushAddress!.AbsoluteUri,
            Token = token,
            Expiration = expiration.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        ChannelDto opened;
        if (source == GooglePushSource.DriveChanges)
        {
            var start = await http.SendAsync(
                new GoogleCall("drive.changes.getStartPageToken"),
                ct => api().GetStartPageTokenAsync("true", options.SharedDriveId, ct),
                GoogleJsonContext.Default.DriveStartPageTokenDto,
                cancellationToken).ConfigureAwait(false);
            var pageToken = Required(start.StartPageToken, "drive.changes.getStartPageToken");
            opened = await http.SendAsync(
                new GoogleCall("drive.changes.watch"),
                ct => api().WatchChangesAsync(request, pageToken, "true", "true", options.SharedDriveId, ct),
                GoogleJsonContext.Default.ChannelDto,
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            opened = await http.SendAsync(
                new GoogleCall("calendar.events.watch", "calendar", calendarId!),
                ct => api().WatchEventsAsync(calendarId!, request, ct),
                GoogleJsonContext.Default.ChannelDto,
                cancellationToken).ConfigureAwait(false);
        }

        // Google may shorten the lifetime; its answer is what counts.
        var granted = long.TryParse(opened.Expiration, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : expiration;
        var channel = new GooglePushChannel(request.Id, Required(opened.ResourceId, source == GooglePushSource.DriveChanges ? "drive.changes.watch" : "calendar.events.watch"), source, workspaceId, granted);
        channels[channel.Id] = new ChannelState(channel, calendarId, Encoding.UTF8.GetBytes(token));
        return channel;
    }

    private async Task StopChannelAsync(ChannelState state, CancellationToken cancellationToken)
    {
        // Forget the token first: a notification on a channel being stopped is no longer trusted.
        channels.TryRemove(state.Channel.Id, out _);
        var body = new ChannelDto { Id = state.Channel.Id, ResourceId = state.Channel.ResourceId };
        var call = new GoogleCall("channels.stop");
        await DeleteIgnoringGoneAsync(call, ct => state.Channel.Source == GooglePushSource.DriveChanges ? api().StopDriveChannelAsync(body, ct) : api().StopCalendarChannelAsync(body, ct), cancellationToken).ConfigureAwait(false);
    }

    private sealed record ChannelState(GooglePushChannel Channel, string? CalendarId, byte[] TokenBytes)
    {
        // Never print the token, whatever a future field adds to the generated ToString.
        public override string ToString() => $"ChannelState({Channel.Id})";
    }
}
