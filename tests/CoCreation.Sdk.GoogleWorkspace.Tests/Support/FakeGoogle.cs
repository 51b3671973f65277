using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Tests.Shared;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Support;

/// <summary>
/// A stateful stand-in for Drive v3 and Calendar v3 on WireMock.Net: files and folders with multipart uploads,
/// permissions, a change feed with page tokens, calendars with ACL rules and events with sync tokens, push channels.
/// Requests and responses follow the discovery documents (the contract check proves it after every test). Every
/// request goes through one callback, so the fake counts requests per method and tests can inject faults.
/// </summary>
internal sealed partial class FakeGoogle : IDisposable
{
    public const string DeliberatelyInvalidHeader = "X-Fake-Deliberately-Invalid";

    private readonly object gate = new();
    private readonly List<Route> routes = [];
    private readonly List<Interceptor> interceptors = [];
    private readonly HashSet<string> accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeFile> files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakePermission>> permissions = new(StringComparer.Ordinal);
    private readonly List<(long Number, string FileId, DateTimeOffset Time)> changes = [];
    private readonly Dictionary<string, FakeCalendar> calendars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> requestCounts = new(StringComparer.Ordinal);
    private DateTimeOffset clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private long nextId = 1000;
    private int totalRequests;

    public FakeGoogle()
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = 5000,
        });
        Url = new Uri(Server.Url! + "/");
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(DispatchAsync));
        MapRoutes();
    }

    public WireMockServer Server { get; }

    public Uri Url { get; }

    /// <summary>The account the adapter acts as (a service account or the user behind the OAuth tokens).</summary>
    public string Owner { get; set; } = "cocreation-bot@fake-project.iam.gserviceaccount.test";

    /// <summary>Set to make every sync token the fake issued so far answer 410 Gone.</summary>
    public bool SyncTokensExpired { get; set; }

    public int TotalRequests => Volatile.Read(ref totalRequests);

    public int RequestsTo(string methodId)
    {
        lock (gate)
        {
            return requestCounts.GetValueOrDefault(methodId);
        }
    }

    /// <summary>Makes an access token valid for every call.</summary>
    public string IssueAccessToken(string? token = null)
    {
        token ??= "ya29.fake-" + Guid.NewGuid().ToString("N");
        lock (gate)
        {
            accessTokens.Add(token);
        }

        return token;
    }

    public IReadOnlyList<string> AuthorizationHeaders()
        => WaitForLog().Select(e => Header(e.RequestMessage, "Authorization") ?? string.Empty).ToList();

    /// <summary>Forgets every request, fault and count; keeps content unless <paramref name="content"/> is set.</summary>
    public void Reset(bool content = false)
    {
        WaitForLog();
        lock (gate)
        {
            interceptors.Clear();
            requestCounts.Clear();
            totalRequests = 0;
            SyncTokensExpired = false;
            if (content)
            {
                accessTokens.Clear();
                files.Clear();
                permissions.Clear();
                changes.Clear();
                calendars.Clear();
                channels.Clear();
            }
        }

        Server.ResetLogEntries();
    }

    /// <summary>
    /// Answers requests to a method (its discovery id, for example <c>drive.changes.list</c>) with <paramref name="respond"/>
    /// where it returns a response; <see langword="null"/> lets the fake answer. The attempt number counts from 1.
    /// </summary>
    public void Intercept(string methodId, Func<IRequestMessage, int, IResponseMessage?> respond)
    {
        lock (gate)
        {
            interceptors.Add(new Interceptor(methodId, respond));
        }
    }

    public IReadOnlyList<ILogEntry> WaitForLog()
    {
        SpinWait.SpinUntil(() => Server.LogEntries.Count() >= TotalRequests, TimeSpan.FromSeconds(5));
        return Server.LogEntries.ToList();
    }

    public IReadOnlyList<FakePermission> Permissions(string fileId)
    {
        lock (gate)
        {
            return permissions.TryGetValue(fileId, out var list) ? [.. list] : [];
        }
    }

    public IReadOnlyList<JsonObject> AclRules(string calendarId)
    {
        lock (gate)
        {
            return calendars[calendarId].Acl.Values.Select(r => (JsonObject)r.DeepClone()).ToList();
        }
    }

    /// <summary>Every file the fake holds (folders too), trashed ones included.</summary>
    public IReadOnlyList<FakeFile> Files()
    {
        lock (gate)
        {
            return [.. files.Values];
        }
    }

    /// <summary>The ids of every calendar the fake holds.</summary>
    public IReadOnlyList<string> CalendarIds()
    {
        lock (gate)
        {
            return [.. calendars.Keys];
        }
    }

    public FakeFile File(string id)
    {
        lock (gate)
        {
            return files[id];
        }
    }

    public IReadOnlyList<JsonObject> Events(string calendarId)
    {
        lock (gate)
        {
            return calendars[calendarId].Events.Values.Select(e => (JsonObject)e.Json.DeepClone()).ToList();
        }
    }

    public IReadOnlyList<JsonObject> Channels()
    {
        lock (gate)
        {
            return channels.Values.Select(c => (JsonObject)c.DeepClone()).ToList();
        }
    }

    /// <summary>Edits a file as a member would in the Docs editor: a new version, a new modification time and a change.</summary>
    public void EditAsMember(string fileId, string email, string content)
    {
        lock (gate)
        {
            var file = files[fileId];
            var canEdit = permissions.TryGetValue(fileId, out var own) && own.Any(p => p.Email == email && p.Role == "writer")
                || file.Parents.Any(parent => permissions.TryGetValue(parent, out var inherited) && inherited.Any(p => p.Email == email && p.Role == "writer"));
            if (!canEdit)
            {
                throw new ProviderException("fake-google", $"{email} may not edit {fileId}.", HttpStatusCode.Forbidden, "insufficientFilePermissions");
            }

            file.Content = content;
            file.Version++;
            file.ModifiedTime = Tick();
            file.LastModifyingUser = email;
            RecordChange(fileId);
        }
    }

    /// <summary>Moves an event as a member would in Calendar: a new update time and a calendar change.</summary>
    public void MoveEvent(string calendarId, string eventId, TimeSpan by)
    {
        lock (gate)
        {
            var calendar = calendars[calendarId];
            var entry = calendar.Events[eventId];
            foreach (var key in new[] { "start", "end" })
            {
                var at = DateTimeOffset.Parse(entry.Json[key]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture) + by;
                entry.Json[key]!["dateTime"] = Rfc3339(at);
            }

            entry.Json["updated"] = Rfc3339(Tick().AddSeconds(5));
            entry.Sequence = ++calendar.Sequence;
        }
    }

    public void Dispose() => Server.Stop();

    public static ResponseMessage Json(int status, JsonNode body) => WireMockResponses.Json(status, body, "application/json; charset=UTF-8");

    public static ResponseMessage NoContent() => WireMockResponses.NoContent();

    /// <summary>Google's error envelope.</summary>
    public static ResponseMessage Error(int status, string reason, string message, string? statusName = null, TimeSpan? retryAfter = null)
    {
        var response = Json(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = status,
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["domain"] = "global", ["reason"] = reason, ["message"] = message }),
                ["status"] = statusName ?? StatusName(status),
            },
        });
        if (retryAfter is { } wait)
        {
            response.AddHeader("Retry-After", ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    /// <summary>A response that does not fit the schema on purpose, marked so the contract check skips it.</summary>
    public static ResponseMessage Deliberately(ResponseMessage response)
    {
        response.AddHeader(DeliberatelyInvalidHeader, "yes");
        return response;
    }

    public static string? Header(IRequestMessage request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static string StatusName(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        410 => "FAILED_PRECONDITION",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        _ => status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION",
    };

    private static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string NewId(string prefix) => prefix + (++nextId).ToString(CultureInfo.InvariantCulture);

    private DateTimeOffset Tick() => clock = clock.AddSeconds(1);

    private string StartPageToken => (changes.Count + 1).ToString(CultureInfo.InvariantCulture);

    private void RecordChange(string fileId) => changes.Add((changes.Count + 1, fileId, files[fileId].ModifiedTime));

    private Task<IResponseMessage> DispatchAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref totalRequests);
        var method = request.Method.ToUpperInvariant();
        var route = routes.FirstOrDefault(r => r.Method == method && r.Pattern.IsMatch(request.AbsolutePath));
        if (route is null)
        {
            return Task.FromResult<IResponseMessage>(Error(404, "notFound", "Not Found"));
        }

        Interceptor[] active;
        int attempt;
        lock (gate)
        {
            attempt = requestCounts[route.Id] = requestCounts.GetValueOrDefault(route.Id) + 1;
            active = interceptors.Where(i => i.MethodId == route.Id).ToArray();
        }

        foreach (var interceptor in active)
        {
            if (interceptor.Respond(request, attempt) is { } intercepted)
            {
                return Task.FromResult(intercepted);
            }
        }

        var authorization = Header(request, "Authorization");
        lock (gate)
        {
            if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !accessTokens.Contains(authorization["Bearer ".Length..]))
            {
                return Task.FromResult<IResponseMessage>(Error(401, "authError", "Request had invalid authentication credentials.", "UNAUTHENTICATED"));
            }

            return Task.FromResult(route.Handle(new Call(request, route.Pattern.Match(request.AbsolutePath))));
        }
    }

    private void MapRoutes()
    {
        Map("drive.files.create", "POST", "/drive/v3/files", CreateFile);
        Map("drive.files.create", "POST", "/upload/drive/v3/files", CreateFile);
        Map("drive.files.delete", "DELETE", "/drive/v3/files/{fileId}", DeleteFile);
        Map("drive.files.list", "GET", "/drive/v3/files", ListFiles);
        Map("drive.permissions.create", "POST", "/drive/v3/files/{fileId}/permissions", CreatePermission);
        Map("drive.permissions.update", "PATCH", "/drive/v3/files/{fileId}/permissions/{permissionId}", UpdatePermission);
        Map("drive.permissions.delete", "DELETE", "/drive/v3/files/{fileId}/permissions/{permissionId}", DeletePermission);
        Map("drive.changes.getStartPageToken", "GET", "/drive/v3/changes/startPageToken", _ => Json(200, new JsonObject { ["kind"] = "drive#startPageToken", ["startPageToken"] = StartPageToken }));
        Map("drive.changes.list", "GET", "/drive/v3/changes", ListChanges);
        Map("drive.changes.watch", "POST", "/drive/v3/changes/watch", c => Watch(c, "https://www.googleapis.com/drive/v3/changes"));
        Map("drive.channels.stop", "POST", "/drive/v3/channels/stop", StopChannel);
        Map("calendar.calendars.insert", "POST", "/calendar/v3/calendars", InsertCalendar);
        Map("calendar.acl.insert", "POST", "/calendar/v3/calendars/{calendarId}/acl", InsertAcl);
        Map("calendar.acl.delete", "DELETE", "/calendar/v3/calendars/{calendarId}/acl/{ruleId}", DeleteAcl);
        Map("calendar.events.insert", "POST", "/calendar/v3/calendars/{calendarId}/events", InsertEvent);
        Map("calendar.events.list", "GET", "/calendar/v3/calendars/{calendarId}/events", ListEvents);
        Map("calendar.events.watch", "POST", "/calendar/v3/calendars/{calendarId}/events/watch", c => calendars.ContainsKey(c.Path("calendarId")) ? Watch(c, "https://www.googleapis.com/calendar/v3/calendars/" + c.Path("calendarId") + "/events") : Error(404, "notFound", "Not Found"));
        Map("calendar.channels.stop", "POST", "/calendar/v3/channels/stop", StopChannel);
    }

    private void Map(string id, string method, string template, Func<Call, IResponseMessage> handle)
    {
        var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{(\w+)}", "(?<$1>[^/]+)") + "$";
        routes.Add(new Route(id, method, new Regex(pattern), handle));
    }

    private IResponseMessage CreateFile(Call call)
    {
        JsonObject? metadata;
        string? content = null;
        if (call.Request.AbsolutePath.StartsWith("/upload/", StringComparison.Ordinal))
        {
            if (call.Query("uploadType") != "multipart")
            {
                return Error(400, "badRequest", "Only multipart uploads are supported by this fake.");
            }

            var parts = MultipartParts(call.Request);
            if (parts is null || parts.Count != 2)
            {
                return Error(400, "badRequest", "A multipart upload needs metadata and media.");
            }

            metadata = Parse(parts[0]) as JsonObject;
            content = parts[1];
        }
        else
        {
            metadata = Parse(call.Request.Body) as JsonObject;
        }

        if (metadata is null)
        {
            return Error(400, "parseError", "Parse Error");
        }

        var parents = (metadata["parents"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToList() ?? ["root"];
        foreach (var parent in parents.Where(p => p != "root"))
        {
            if (!files.ContainsKey(parent) && !parent.StartsWith("shared", StringComparison.Ordinal) && !parent.StartsWith("parent", StringComparison.Ordinal))
            {
                return Error(404, "notFound", $"File not found: {parent}.");
            }
        }

        var now = Tick();
        var file = new FakeFile(NewId("file"), metadata["name"]?.GetValue<string>() ?? "Untitled", metadata["mimeType"]?.GetValue<string>() ?? "application/octet-stream", parents)
        {
            Description = metadata["description"]?.GetValue<string>(),
            Content = content,
            CreatedTime = now,
            ModifiedTime = now,
            LastModifyingUser = Owner,
        };
        files[file.Id] = file;
        RecordChange(file.Id);
        return Json(200, FileJson(file));
    }

    private IResponseMessage DeleteFile(Call call)
        => files.Remove(call.Path("fileId")) ? NoContent() : Error(404, "notFound", "File not found.");

    private IResponseMessage ListFiles(Call call)
    {
        var match = Regex.Match(call.Query("q") ?? string.Empty, @"^'(?<id>[^']+)' in parents and trashed = false$");
        if (!match.Success)
        {
            return Error(400, "invalid", "Invalid Value");
        }

        var folder = match.Groups["id"].Value;
        var list = new JsonArray(files.Values.Where(f => f.Parents.Contains(folder) && !f.Trashed).Select(f => (JsonNode)FileJson(f)).ToArray());
        return Json(200, new JsonObject { ["kind"] = "drive#fileList", ["incompleteSearch"] = false, ["files"] = list });
    }

    private IResponseMessage CreatePermission(Call call)
    {
        var fileId = call.Path("fileId");
        if (!files.ContainsKey(fileId))
        {
            return Error(404, "notFound", $"File not found: {fileId}.");
        }

        if (Parse(call.Request.Body) is not JsonObject body || body["type"]?.GetValue<string>() != "user" || body["emailAddress"]?.GetValue<string>() is not { } email || body["role"]?.GetValue<string>() is not { } role)
        {
            return Error(400, "invalidSharingRequest", "Bad Request.");
        }

        var list = permissions.TryGetValue(fileId, out var existing) ? existing : permissions[fileId] = [];
        var permission = list.FirstOrDefault(p => p.Email == email);
        if (permission is null)
        {
            permission = new FakePermission("perm" + ((uint)email.GetHashCode(StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture), email, role, call.Query("sendNotificationEmail") != "false");
            list.Add(permission);
        }
        else if (Rank(role) > Rank(permission.Role))
        {
            // Like Drive: a new permission for an address that already has one only ever raises its role.
            permission.Role = role;
        }

        return Json(200, PermissionJson(permission));
    }

    private IResponseMessage UpdatePermission(Call call)
    {
        var permission = permissions.GetValueOrDefault(call.Path("fileId"))?.FirstOrDefault(p => p.Id == call.Path("permissionId"));
        if (permission is null)
        {
            return Error(404, "notFound", "Permission not found.");
        }

        if (Parse(call.Request.Body)?["role"]?.GetValue<string>() is { } role)
        {
            permission.Role = role;
        }

        return Json(200, PermissionJson(permission));
    }

    private IResponseMessage DeletePermission(Call call)
    {
        var list = permissions.GetValueOrDefault(call.Path("fileId"));
        var removed = list?.RemoveAll(p => p.Id == call.Path("permissionId")) ?? 0;
        return removed > 0 ? NoContent() : Error(404, "notFound", "Permission not found.");
    }

    private IResponseMessage ListChanges(Call call)
    {
        if (!long.TryParse(call.Query("pageToken"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var from) || from < 1)
        {
            return Error(400, "invalid", "Invalid Value");
        }

        var size = int.TryParse(call.Query("pageSize"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 100;
        var page = changes.Where(c => c.Number >= from).Take(size + 1).ToList();
        var more = page.Count > size;
        var items = new JsonArray(page.Take(size).Select(c =>
        {
            var change = new JsonObject
            {
                ["kind"] = "drive#change",
                ["changeType"] = "file",
                ["fileId"] = c.FileId,
                ["removed"] = !files.ContainsKey(c.FileId),
                ["time"] = Rfc3339(c.Time),
            };
            if (files.TryGetValue(c.FileId, out var f))
            {
                change["file"] = FileJson(f);
            }

            return (JsonNode)change;
        }).ToArray());
        var body = new JsonObject { ["kind"] = "drive#changeList", ["changes"] = items };
        if (more)
        {
            body["nextPageToken"] = page[size].Number.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            body["newStartPageToken"] = StartPageToken;
        }

        return Json(200, body);
    }

    private IResponseMessage Watch(Call call, string resourceUri)
    {
        if (Parse(call.Request.Body) is not JsonObject body || body["id"]?.GetValue<string>() is not { } id || body["type"]?.GetValue<string>() != "web_hook" || body["address"] is null)
        {
            return Error(400, "invalid", "Invalid channel.");
        }

        var channel = new JsonObject
        {
            ["kind"] = "api#channel",
            ["id"] = id,
            ["resourceId"] = NewId("resource"),
            ["resourceUri"] = resourceUri,
            ["token"] = body["token"]?.GetValue<string>(),
            ["expiration"] = body["expiration"]?.GetValue<string>(),
            ["address"] = body["address"]!.GetValue<string>(),
            ["type"] = "web_hook",
        };
        channels[id] = channel;
        return Json(200, channel.DeepClone());
    }

    private IResponseMessage StopChannel(Call call)
    {
        var body = Parse(call.Request.Body);
        var id = body?["id"]?.GetValue<string>();
        return id is not null && channels.Remove(id) ? NoContent() : Error(404, "notFound", "Channel not found.");
    }

    private IResponseMessage InsertCalendar(Call call)
    {
        if (Parse(call.Request.Body) is not JsonObject body || body["summary"]?.GetValue<string>() is not { } summary)
        {
            return Error(400, "required", "Missing title.");
        }

        var calendar = new FakeCalendar(NewId("c") + "@group.calendar.google.com", summary, body["timeZone"]?.GetValue<string>() ?? "UTC", body["description"]?.GetValue<string>());
        calendars[calendar.Id] = calendar;
        var json = new JsonObject { ["kind"] = "calendar#calendar", ["etag"] = "\"1\"", ["id"] = calendar.Id, ["summary"] = calendar.Summary, ["timeZone"] = calendar.TimeZone };
        if (calendar.Description is not null)
        {
            json["description"] = calendar.Description;
        }

        return Json(200, json);
    }

    private IResponseMessage InsertAcl(Call call)
    {
        if (!calendars.TryGetValue(call.Path("calendarId"), out var calendar))
        {
            return Error(404, "notFound", "Not Found");
        }

        if (Parse(call.Request.Body) is not JsonObject body || body["scope"]?["type"]?.GetValue<string>() != "user" || body["scope"]?["value"]?.GetValue<string>() is not { } email || body["role"]?.GetValue<string>() is not { } role)
        {
            return Error(400, "invalid", "Invalid Value");
        }

        var rule = new JsonObject
        {
            ["kind"] = "calendar#aclRule",
            ["etag"] = "\"" + Tick().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "\"",
            ["id"] = "user:" + email,
            ["scope"] = new JsonObject { ["type"] = "user", ["value"] = email },
            ["role"] = role,
        };
        calendar.Acl["user:" + email] = rule;
        return Json(200, rule.DeepClone());
    }

    private IResponseMessage DeleteAcl(Call call)
    {
        if (!calendars.TryGetValue(call.Path("calendarId"), out var calendar) || !calendar.Acl.Remove(call.Path("ruleId")))
        {
            return Error(404, "notFound", "Not Found");
        }

        return NoContent();
    }

    private IResponseMessage InsertEvent(Call call)
    {
        if (!calendars.TryGetValue(call.Path("calendarId"), out var calendar))
        {
            return Error(404, "notFound", "Not Found");
        }

        if (Parse(call.Request.Body) is not JsonObject body || body["start"]?["dateTime"] is null || body["end"]?["dateTime"] is null)
        {
            return Error(400, "required", "Missing end time.");
        }

        var now = Tick();
        var id = NewId("evt");
        var json = new JsonObject
        {
            ["kind"] = "calendar#event",
            ["etag"] = "\"" + now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "\"",
            ["id"] = id,
            ["status"] = "confirmed",
            ["htmlLink"] = "https://calendar.google.test/event?eid=" + id,
            ["created"] = Rfc3339(now),
            ["updated"] = Rfc3339(now),
            ["summary"] = body["summary"]?.GetValue<string>(),
            ["creator"] = new JsonObject { ["email"] = Owner },
            ["start"] = new JsonObject { ["dateTime"] = Rfc3339(DateTimeOffset.Parse(body["start"]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)) },
            ["end"] = new JsonObject { ["dateTime"] = Rfc3339(DateTimeOffset.Parse(body["end"]!["dateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)) },
        };
        if (body["description"] is not null)
        {
            json["description"] = body["description"]!.GetValue<string>();
        }

        if (body["attendees"] is JsonArray attendees)
        {
            json["attendees"] = new JsonArray(attendees.Select(a => (JsonNode)new JsonObject { ["email"] = a!["email"]!.GetValue<string>(), ["responseStatus"] = "needsAction" }).ToArray());
        }

        calendar.Events[id] = new FakeEvent(json) { Sequence = ++calendar.Sequence };
        calendar.LastUpdateBy[id] = call.Query("sendUpdates") ?? "false";
        return Json(200, json.DeepClone());
    }

    private IResponseMessage ListEvents(Call call)
    {
        if (!calendars.TryGetValue(call.Path("calendarId"), out var calendar))
        {
            return Error(404, "notFound", "Not Found");
        }

        var sync = call.Query("syncToken");
        long since = 0;
        if (sync is not null)
        {
            if (SyncTokensExpired || !sync.StartsWith("sync-", StringComparison.Ordinal) || !long.TryParse(sync["sync-".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out since))
            {
                return Error(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", "FAILED_PRECONDITION");
            }
        }

        var items = calendar.Events.Values.Where(e => e.Sequence > since).OrderBy(e => e.Sequence).Select(e => e.Json.DeepClone()).ToArray();
        return Json(200, new JsonObject
        {
            ["kind"] = "calendar#events",
            ["etag"] = "\"" + calendar.Sequence.ToString(CultureInfo.InvariantCulture) + "\"",
            ["summary"] = calendar.Summary,
            ["timeZone"] = calendar.TimeZone,
            ["accessRole"] = "owner",
            ["items"] = new JsonArray(items),
            ["nextSyncToken"] = "sync-" + calendar.Sequence.ToString(CultureInfo.InvariantCulture),
        });
    }

    private JsonObject FileJson(FakeFile file)
    {
        var json = new JsonObject
        {
            ["kind"] = "drive#file",
            ["id"] = file.Id,
            ["name"] = file.Name,
            ["mimeType"] = file.MimeType,
            ["parents"] = new JsonArray(file.Parents.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["createdTime"] = Rfc3339(file.CreatedTime),
            ["modifiedTime"] = Rfc3339(file.ModifiedTime),
            ["version"] = file.Version.ToString(CultureInfo.InvariantCulture),
            ["webViewLink"] = $"https://docs.google.test/{file.Id}/edit",
            ["trashed"] = file.Trashed,
            ["lastModifyingUser"] = new JsonObject { ["kind"] = "drive#user", ["emailAddress"] = file.LastModifyingUser, ["displayName"] = file.LastModifyingUser.Split('@')[0] },
        };
        if (file.Description is not null)
        {
            json["description"] = file.Description;
        }

        return json;
    }

    private static JsonObject PermissionJson(FakePermission permission) => new()
    {
        ["kind"] = "drive#permission",
        ["id"] = permission.Id,
        ["type"] = "user",
        ["role"] = permission.Role,
        ["emailAddress"] = permission.Email,
    };

    private static int Rank(string role) => role switch { "reader" => 1, "commenter" => 2, "writer" => 3, _ => 4 };

    private static JsonNode? Parse(string? body)
    {
        try
        {
            return string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string>? MultipartParts(IRequestMessage request)
    {
        if (!MediaTypeHeaderValue.TryParse(Header(request, "Content-Type"), out var type) || type.MediaType != "multipart/related")
        {
            return null;
        }

        var boundary = type.Parameters.FirstOrDefault(p => p.Name == "boundary")?.Value?.Trim('"');
        if (boundary is null || request.Body is null)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var chunk in request.Body.Split("--" + boundary).Skip(1))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var split = chunk.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split >= 0)
            {
                var content = chunk[(split + 4)..];
                parts.Add(content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2] : content);
            }
        }

        return parts;
    }

    private sealed record Route(string Id, string Method, Regex Pattern, Func<Call, IResponseMessage> Handle);

    private sealed record Interceptor(string MethodId, Func<IRequestMessage, int, IResponseMessage?> Respond);

    private sealed record Call(IRequestMessage Request, Match Match)
    {
        private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> query = ContractRequest.ParseQuery(Request.RawQuery);

        public string Path(string name) => Uri.UnescapeDataString(Match.Groups[name].Value);

        public string? Query(string name) => query.TryGetValue(name, out var values) ? values[^1] : null;
    }
}

internal sealed class FakeFile(string id, string name, string mimeType, List<string> parents)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string MimeType { get; } = mimeType;

    public List<string> Parents { get; } = parents;

    public string? Description { get; set; }

    public string? Content { get; set; }

    public long Version { get; set; } = 1;

    public DateTimeOffset CreatedTime { get; set; }

    public DateTimeOffset ModifiedTime { get; set; }

    public bool Trashed { get; set; }

    public string LastModifyingUser { get; set; } = string.Empty;
}

internal sealed class FakePermission(string id, string email, string role, bool notified)
{
    public string Id { get; } = id;

    public string Email { get; } = email;

    public string Role { get; set; } = role;

    public bool Notified { get; } = notified;
}

internal sealed class FakeCalendar(string id, string summary, string timeZone, string? description)
{
    public string Id { get; } = id;

    public string Summary { get; } = summary;

    public string TimeZone { get; } = timeZone;

    public string? Description { get; } = description;

    public long Sequence { get; set; }

    public Dictionary<string, JsonObject> Acl { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeEvent> Events { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> LastUpdateBy { get; } = new(StringComparer.Ordinal);
}

internal sealed class FakeEvent(JsonObject json)
{
    public JsonObject Json { get; } = json;

    public long Sequence { get; set; }
}
