using Refit;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>
/// The Drive v3 and Calendar v3 methods the adapter calls, relative to the discovery documents' <c>rootUrl</c>. Each
/// returns the raw response so the adapter maps Google's error body itself. Paths and parameters follow
/// <c>drive.v3.json</c> and <c>calendar.v3.json</c>; the contract tests check every request against them.
/// </summary>
internal interface IGoogleApi
{
    // files.create (metadata only)
    [Post("/drive/v3/files")]
    Task<HttpResponseMessage> CreateFileAsync([Body] DriveFileDto file, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // files.create through the media upload path, multipart/related (metadata + content)
    [Post("/upload/drive/v3/files")]
    Task<HttpResponseMessage> UploadFileAsync([Body] HttpContent content, [AliasAs("uploadType")] string uploadType, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // files.delete
    [Delete("/drive/v3/files/{fileId}")]
    Task<HttpResponseMessage> DeleteFileAsync(string fileId, [AliasAs("supportsAllDrives")] string supportsAllDrives, CancellationToken cancellationToken);

    // files.list
    [Get("/drive/v3/files")]
    Task<HttpResponseMessage> ListFilesAsync([AliasAs("q")] string query, [AliasAs("pageToken")] string? pageToken, [AliasAs("pageSize")] int pageSize, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("includeItemsFromAllDrives")] string includeItemsFromAllDrives, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // permissions.create
    [Post("/drive/v3/files/{fileId}/permissions")]
    Task<HttpResponseMessage> CreatePermissionAsync(string fileId, [Body] DrivePermissionDto permission, [AliasAs("sendNotificationEmail")] string sendNotificationEmail, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // permissions.update
    [Patch("/drive/v3/files/{fileId}/permissions/{permissionId}")]
    Task<HttpResponseMessage> UpdatePermissionAsync(string fileId, string permissionId, [Body] DrivePermissionDto permission, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // permissions.delete
    [Delete("/drive/v3/files/{fileId}/permissions/{permissionId}")]
    Task<HttpResponseMessage> DeletePermissionAsync(string fileId, string permissionId, [AliasAs("supportsAllDrives")] string supportsAllDrives, CancellationToken cancellationToken);

    // changes.getStartPageToken
    [Get("/drive/v3/changes/startPageToken")]
    Task<HttpResponseMessage> GetStartPageTokenAsync([AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("driveId")] string? driveId, CancellationToken cancellationToken);

    // changes.list
    [Get("/drive/v3/changes")]
    Task<HttpResponseMessage> ListChangesAsync([AliasAs("pageToken")] string pageToken, [AliasAs("pageSize")] int pageSize, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("includeItemsFromAllDrives")] string includeItemsFromAllDrives, [AliasAs("driveId")] string? driveId, [AliasAs("fields")] string fields, CancellationToken cancellationToken);

    // changes.watch
    [Post("/drive/v3/changes/watch")]
    Task<HttpResponseMessage> WatchChangesAsync([Body] ChannelDto channel, [AliasAs("pageToken")] string pageToken, [AliasAs("supportsAllDrives")] string supportsAllDrives, [AliasAs("includeItemsFromAllDrives")] string includeItemsFromAllDrives, [AliasAs("driveId")] string? driveId, CancellationToken cancellationToken);

    // channels.stop (Drive)
    [Post("/drive/v3/channels/stop")]
    Task<HttpResponseMessage> StopDriveChannelAsync([Body] ChannelDto channel, CancellationToken cancellationToken);

    // calendars.insert
    [Post("/calendar/v3/calendars")]
    Task<HttpResponseMessage> InsertCalendarAsync([Body] CalendarDto calendar, CancellationToken cancellationToken);

    // acl.insert
    [Post("/calendar/v3/calendars/{calendarId}/acl")]
    Task<HttpResponseMessage> InsertAclAsync(string calendarId, [Body] AclRuleDto rule, [AliasAs("sendNotifications")] string sendNotifications, CancellationToken cancellationToken);

    // acl.delete
    [Delete("/calendar/v3/calendars/{calendarId}/acl/{ruleId}")]
    Task<HttpResponseMessage> DeleteAclAsync(string calendarId, string ruleId, CancellationToken cancellationToken);

    // events.insert
    [Post("/calendar/v3/calendars/{calendarId}/events")]
    Task<HttpResponseMessage> InsertEventAsync(string calendarId, [Body] EventDto calendarEvent, [AliasAs("sendUpdates")] string sendUpdates, CancellationToken cancellationToken);

    // events.list (incremental with syncToken, or a full sync without it)
    [Get("/calendar/v3/calendars/{calendarId}/events")]
    Task<HttpResponseMessage> ListEventsAsync(string calendarId, [AliasAs("syncToken")] string? syncToken, [AliasAs("pageToken")] string? pageToken, [AliasAs("showDeleted")] string showDeleted, [AliasAs("maxResults")] int maxResults, CancellationToken cancellationToken);

    // events.watch
    [Post("/calendar/v3/calendars/{calendarId}/events/watch")]
    Task<HttpResponseMessage> WatchEventsAsync(string calendarId, [Body] ChannelDto channel, CancellationToken cancellationToken);

    // channels.stop (Calendar)
    [Post("/calendar/v3/channels/stop")]
    Task<HttpResponseMessage> StopCalendarChannelAsync([Body] ChannelDto channel, CancellationToken cancellationToken);
}
