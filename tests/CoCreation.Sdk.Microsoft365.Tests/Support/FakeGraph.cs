using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Tests.Shared;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace CoCreation.Sdk.Microsoft365.Tests.Support;

/// <summary>
/// A stateful stand-in for Microsoft Graph v1.0 on WireMock.Net: one drive with folders and files (simple uploads and
/// upload sessions), permissions (<c>invite</c>, <c>PATCH</c>, <c>DELETE</c>), tenant users (<c>$filter</c> on mail and
/// userPrincipalName), user calendars with calendar permissions and events, a group calendar, the drive's <c>delta</c>
/// with delta links (and a switch that makes every link issued so far answer 410 Gone), and <c>$batch</c>.
/// Every request under <c>/v1.0</c> must carry a bearer token the fake accepts; upload-session URLs are
/// pre-authenticated, as in Graph, and are refused when they carry one. Requests are counted per route, and tests can
/// intercept any route (inside a <c>$batch</c> too).
/// </summary>
internal sealed class FakeGraph : IDisposable
{
    public const string Version = "/v1.0";
    public const string RootId = "01ROOTFAKEDRIVEROOT";

    private readonly object gate = new();
    private readonly Func<string, bool> acceptToken;
    private readonly List<Route> routes = [];
    private readonly List<Interceptor> interceptors = [];
    private readonly HashSet<string> issuedTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeItem> items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeGraphPermission>> permissions = new(StringComparer.Ordinal);
    private readonly List<(long Seq, string ItemId)> changes = [];
    private readonly Dictionary<string, FakeUser> users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeGraphCalendar> calendars = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UploadSession> sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> requestCounts = new(StringComparer.Ordinal);
    private DateTimeOffset clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private long nextId = 1000;
    private int epoch;
    private int totalRequests;

    public FakeGraph(Func<string, bool>? acceptToken = null)
    {
        this.acceptToken = acceptToken ?? IsIssued;
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = 5000,
        });
        Url = new Uri(Server.Url! + "/");
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(DispatchAsync));
        MapRoutes();
        Seed();
    }

    public WireMockServer Server { get; }

    public Uri Url { get; }

    /// <summary>Graph's address with the version segment, for <c>GraphBaseAddress</c>.</summary>
    public Uri GraphBase => new(Url, "v1.0/");

    public string DriveId => "b!fake-drive-1";

    public string GroupId => "group-0001";

    /// <summary>The mailbox whose calendars hold milestones, and the owner of the drive.</summary>
    public FakeUser Owner { get; private set; } = null!;

    /// <summary>How many items a delta or children page holds at most.</summary>
    public int PageSize { get; set; } = 200;

    public int TotalRequests => Volatile.Read(ref totalRequests);

    public int RequestsTo(string routeId)
    {
        lock (gate)
        {
            return requestCounts.GetValueOrDefault(routeId);
        }
    }

    /// <summary>Makes an access token valid (for the default token check).</summary>
    public string IssueAccessToken(string? token = null)
    {
        token ??= "eyJfake." + Guid.NewGuid().ToString("N") + ".sig";
        lock (gate)
        {
            issuedTokens.Add(token);
        }

        return token;
    }

    /// <summary>Adds a user to the tenant.</summary>
    public FakeUser AddUser(string email, string? displayName = null)
    {
        lock (gate)
        {
            var user = new FakeUser(NewId("user-"), email, email, displayName ?? email.Split('@')[0]);
            users[user.Id] = user;
            return user;
        }
    }

    /// <summary>The tenant user with this mail or principal name, if any.</summary>
    public FakeUser? TenantUser(string address)
    {
        lock (gate)
        {
            return UserByAddress(address);
        }
    }

    /// <summary>Makes every delta link issued so far answer 410 Gone (<c>resyncRequired</c>); links issued later work.</summary>
    public void ExpireDeltaLinks()
    {
        lock (gate)
        {
            epoch++;
        }
    }

    public void Reset(bool content = false)
    {
        WaitForLog();
        lock (gate)
        {
            interceptors.Clear();
            requestCounts.Clear();
            totalRequests = 0;
            if (content)
            {
                issuedTokens.Clear();
                items.Clear();
                permissions.Clear();
                changes.Clear();
                users.Clear();
                calendars.Clear();
                sessions.Clear();
                epoch = 0;
                Seed();
            }
        }

        Server.ResetLogEntries();
    }

    /// <summary>Answers a route (for example <c>POST invite</c>) with <paramref name="respond"/> where it returns a response; the attempt counts from 1.</summary>
    public void Intercept(string routeId, Func<int, ResponseMessage?> respond)
    {
        lock (gate)
        {
            interceptors.Add(new Interceptor(routeId, respond));
        }
    }

    public IReadOnlyList<ILogEntry> WaitForLog()
    {
        SpinWait.SpinUntil(() => Server.LogEntries.Count() >= TotalRequests, TimeSpan.FromSeconds(5));
        return Server.LogEntries.ToList();
    }

    public FakeItem Item(string id)
    {
        lock (gate)
        {
            return items[id];
        }
    }

    /// <summary>Every item of the drive (root and folders too), deleted ones included.</summary>
    public IReadOnlyList<FakeItem> Items()
    {
        lock (gate)
        {
            return [.. items.Values];
        }
    }

    public IReadOnlyList<FakeGraphPermission> Permissions(string itemId)
    {
        lock (gate)
        {
            return permissions.TryGetValue(itemId, out var list) ? [.. list] : [];
        }
    }

    public FakeGraphCalendar Calendar(string calendarId)
    {
        lock (gate)
        {
            return calendars[calendarId];
        }
    }

    public IReadOnlyList<FakeGraphCalendar> Calendars()
    {
        lock (gate)
        {
            return [.. calendars.Values];
        }
    }

    /// <summary>Edits a file as a member would in Word: refused (403) unless the member has <c>write</c> on the folder.</summary>
    public void EditAsMember(string itemId, string email)
    {
        lock (gate)
        {
            var item = items[itemId];
            var user = UserByAddress(email);
            var canWrite = permissions.TryGetValue(item.ParentId!, out var list) && list.Any(p => p.Roles.Contains("write") && p.IsFor(email, user?.Id));
            if (!canWrite)
            {
                throw new ProviderException("fake-graph", $"{email} may not edit {itemId}.", HttpStatusCode.Forbidden, "accessDenied");
            }

            item.Content = [.. item.Content, .. Encoding.UTF8.GetBytes(" edited")];
            item.LastModified = Tick();
            item.LastModifiedBy = Identity(email, user);
            RecordChange(item.Id);
        }
    }

    /// <summary>Adds a file to a folder directly (as another client would), for feeds that must skip it or see it.</summary>
    public FakeItem AddFile(string parentId, string name)
    {
        lock (gate)
        {
            var now = Tick();
            var item = new FakeItem(NewId("01FILE"), name, parentId, false) { Created = now, LastModified = now, CreatedBy = Identity(Owner.Mail, Owner), LastModifiedBy = Identity(Owner.Mail, Owner) };
            items[item.Id] = item;
            RecordChange(item.Id);
            return item;
        }
    }

    public void Dispose() => Server.Stop();

    public static ResponseMessage Json(int status, JsonNode body) => WireMockResponses.Json(status, body);

    public static ResponseMessage NoContent() => WireMockResponses.NoContent();

    /// <summary>Graph's error envelope.</summary>
    public static ResponseMessage Error(int status, string code, string message, TimeSpan? retryAfter = null)
    {
        var response = Json(status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject { ["date"] = "2026-01-01T00:00:00", ["request-id"] = Guid.NewGuid().ToString(), ["client-request-id"] = Guid.NewGuid().ToString() },
            },
        });
        if (retryAfter is { } wait)
        {
            response.AddHeader("Retry-After", ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    public static string? Header(IRequestMessage request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Identity(string email, FakeUser? user)
        => user is null
            ? new JsonObject { ["user"] = new JsonObject { ["displayName"] = email, ["email"] = email } }
            : new JsonObject { ["user"] = new JsonObject { ["id"] = user.Id, ["displayName"] = user.DisplayName, ["email"] = user.Mail } };

    private bool IsIssued(string token)
    {
        lock (gate)
        {
            return issuedTokens.Contains(token);
        }
    }

    private void Seed()
    {
        Owner = new FakeUser("user-owner", "owner@contoso.test", "owner@contoso.test", "CoCreation Owner");
        users[Owner.Id] = Owner;
        var now = Tick();
        items[RootId] = new FakeItem(RootId, "root", null, true) { Created = now, LastModified = now, CreatedBy = Identity(Owner.Mail, Owner), LastModifiedBy = Identity(Owner.Mail, Owner) };
        calendars["group:" + GroupId] = new FakeGraphCalendar("group:" + GroupId, "Group calendar", GroupId);
    }

    private string NewId(string prefix) => prefix + (++nextId).ToString(CultureInfo.InvariantCulture);

    private DateTimeOffset Tick() => clock = clock.AddSeconds(1);

    private void RecordChange(string itemId) => changes.Add((changes.Count + 1, itemId));

    private FakeUser? UserByAddress(string address)
        => users.Values.FirstOrDefault(u => string.Equals(u.Mail, address, StringComparison.OrdinalIgnoreCase) || string.Equals(u.UserPrincipalName, address, StringComparison.OrdinalIgnoreCase));

    private FakeUser? UserByKey(string key) => users.TryGetValue(key, out var user) ? user : UserByAddress(key);

    private string? ResolveItemId(string id) => id == "root" ? RootId : items.TryGetValue(id, out var item) && !item.Deleted ? item.Id : null;

    private Task<IResponseMessage> DispatchAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref totalRequests);
        var call = new FakeRequest(request.Method.ToUpperInvariant(), request.AbsolutePath, request.RawQuery, request.Body, request.BodyAsBytes, name => Header(request, name));
        if (request.AbsolutePath.StartsWith("/upload/", StringComparison.Ordinal))
        {
            lock (gate)
            {
                // Upload URLs are pre-authenticated; Graph may refuse a request that carries a bearer token.
                return Task.FromResult<IResponseMessage>(Header(request, "Authorization") is not null
                    ? Error(401, "InvalidAuthenticationToken", "Upload URLs do not take an Authorization header.")
                    : UploadChunk(call));
            }
        }

        var authorization = Header(request, "Authorization");
        lock (gate)
        {
            var route = Match(call);
            if (route is not null && Intercepted(route.Value.Route) is { } intercepted)
            {
                return Task.FromResult<IResponseMessage>(intercepted);
            }

            if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !acceptToken(authorization["Bearer ".Length..]))
            {
                return Task.FromResult<IResponseMessage>(Error(401, "InvalidAuthenticationToken", "Access token is empty or invalid."));
            }

            return Task.FromResult<IResponseMessage>(route is { } r ? r.Route.Handle(call with { Match = r.Match }) : Error(400, "BadRequest", $"Resource not found for the segment '{request.AbsolutePath}'."));
        }
    }

    private (Route Route, Match Match)? Match(FakeRequest call)
    {
        foreach (var route in routes)
        {
            if (route.Method == call.Method && route.Pattern.Match(call.Path) is { Success: true } match)
            {
                return (route, match);
            }
        }

        return null;
    }

    private ResponseMessage? Intercepted(Route route)
    {
        var attempt = requestCounts[route.Id] = requestCounts.GetValueOrDefault(route.Id) + 1;
        foreach (var interceptor in interceptors.Where(i => i.RouteId == route.Id).ToList())
        {
            if (interceptor.Respond(attempt) is { } response)
            {
                return response;
            }
        }

        return null;
    }

    private void MapRoutes()
    {
        const string item = "/v1.0/drives/{drive}/items/{item}";
        Map("POST children", "POST", item + "/children", CreateFolder);
        Map("GET children", "GET", item + "/children", ListChildren);
        Map("DELETE item", "DELETE", item, DeleteItem);
        Map("PUT content", "PUT", item + ":/{name}:/content", PutContent);
        Map("POST createUploadSession", "POST", item + ":/{name}:/createUploadSession", CreateUploadSession);
        Map("GET permissions", "GET", item + "/permissions", ListPermissions);
        Map("POST invite", "POST", item + "/invite", Invite);
        Map("PATCH permission", "PATCH", item + "/permissions/{permission}", UpdatePermission);
        Map("DELETE permission", "DELETE", item + "/permissions/{permission}", DeletePermission);
        Map("GET delta", "GET", "/v1.0/drives/{drive}/root/delta", Delta);
        Map("GET delta", "GET", "/v1.0/drives/{drive}/items/root/delta", Delta);
        Map("GET users", "GET", "/v1.0/users", ListUsers);
        Map("POST calendars", "POST", "/v1.0/users/{user}/calendars", CreateCalendar);
        Map("GET calendarPermissions", "GET", "/v1.0/users/{user}/calendars/{calendar}/calendarPermissions", ListCalendarPermissions);
        Map("POST calendarPermissions", "POST", "/v1.0/users/{user}/calendars/{calendar}/calendarPermissions", CreateCalendarPermission);
        Map("PATCH calendarPermission", "PATCH", "/v1.0/users/{user}/calendars/{calendar}/calendarPermissions/{permission}", UpdateCalendarPermission);
        Map("DELETE calendarPermission", "DELETE", "/v1.0/users/{user}/calendars/{calendar}/calendarPermissions/{permission}", DeleteCalendarPermission);
        Map("POST events", "POST", "/v1.0/users/{user}/calendars/{calendar}/events", c => CreateEvent(c, UserCalendar(c)));
        Map("GET events", "GET", "/v1.0/users/{user}/calendars/{calendar}/events", c => UserCalendar(c) is { } calendar
            ? Json(200, new JsonObject { ["value"] = new JsonArray([.. calendar.Events.Select(e => (JsonNode)new JsonObject { ["id"] = e["id"]!.DeepClone(), ["subject"] = e["subject"]!.DeepClone(), ["createdDateTime"] = e["createdDateTime"]!.DeepClone(), ["lastModifiedDateTime"] = e["lastModifiedDateTime"]!.DeepClone() })]) })
            : Error(404, "ErrorItemNotFound", "The specified object was not found in the store."));
        Map("POST events", "POST", "/v1.0/groups/{group}/calendar/events", c => CreateEvent(c, c.PathValue("group") == GroupId ? calendars["group:" + GroupId] : null));
        Map("POST $batch", "POST", "/v1.0/$batch", Batch);
    }

    private void Map(string id, string method, string template, Func<FakeRequest, ResponseMessage> handle)
    {
        var pattern = "^" + Regex.Replace(Regex.Escape(template).Replace(":", ":", StringComparison.Ordinal), @"\\\{(\w+)}", "(?<$1>[^/:]+)") + "$";
        routes.Add(new Route(id, method, new Regex(pattern), handle));
    }

    private static JsonObject? Body(FakeRequest call)
    {
        try
        {
            return call.Body is null ? null : JsonNode.Parse(call.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ResponseMessage? CheckItem(FakeRequest call)
        => CheckDrive(call) ?? (ResolveItemId(call.PathValue("item")) is null ? Error(404, "itemNotFound", "The resource could not be found.") : null);

    private ResponseMessage? CheckDrive(FakeRequest call)
        => call.PathValue("drive") == DriveId ? null : Error(404, "itemNotFound", "The drive does not exist.");

    private ResponseMessage CreateFolder(FakeRequest call)
    {
        if (CheckDrive(call) is { } bad)
        {
            return bad;
        }

        if (ResolveItemId(call.PathValue("item")) is not { } parent)
        {
            return Error(404, "itemNotFound", "The resource could not be found.");
        }

        var body = Body(call);
        var name = body?["name"]?.GetValue<string>();
        if (body is null || string.IsNullOrWhiteSpace(name) || body["folder"] is not JsonObject)
        {
            return Error(400, "invalidRequest", "A folder needs a name and a folder facet.");
        }

        var behavior = body["@microsoft.graph.conflictBehavior"]?.GetValue<string>() ?? "fail";
        if (Children(parent).Any(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            if (behavior == "fail")
            {
                return Error(409, "nameAlreadyExists", "The specified item name already exists.");
            }

            var n = 1;
            while (Children(parent).Any(i => string.Equals(i.Name, $"{name} {n}", StringComparison.OrdinalIgnoreCase)))
            {
                n++;
            }

            name = $"{name} {n}";
        }

        var now = Tick();
        var folder = new FakeItem(NewId("01FOLDER"), name, parent, true) { Created = now, LastModified = now, CreatedBy = Identity(Owner.Mail, Owner), LastModifiedBy = Identity(Owner.Mail, Owner) };
        items[folder.Id] = folder;
        permissions[folder.Id] = [new FakeGraphPermission(NewId("perm-owner-"), ["owner"], Owner.Mail, Owner.Id, false)];
        RecordChange(folder.Id);
        return Json(201, ItemJson(folder));
    }

    private IEnumerable<FakeItem> Children(string parentId) => items.Values.Where(i => i.ParentId == parentId && !i.Deleted);

    private ResponseMessage ListChildren(FakeRequest call)
    {
        if (CheckItem(call) is { } bad)
        {
            return bad;
        }

        var all = Children(ResolveItemId(call.PathValue("item"))!).OrderBy(i => i.Created).ToList();
        var skip = int.TryParse(call.Query("$skiptoken"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = all.Skip(skip).Take(PageSize).ToList();
        var body = new JsonObject { ["value"] = new JsonArray([.. page.Select(i => (JsonNode)ItemJson(i))]) };
        if (skip + page.Count < all.Count)
        {
            body["@odata.nextLink"] = $"{GraphBase}drives/{DriveId}/items/{call.PathValue("item")}/children?$skiptoken={skip + page.Count}";
        }

        return Json(200, body);
    }

    private ResponseMessage DeleteItem(FakeRequest call)
    {
        if (CheckDrive(call) is { } bad)
        {
            return bad;
        }

        if (ResolveItemId(call.PathValue("item")) is not { } id)
        {
            return Error(404, "itemNotFound", "The resource could not be found.");
        }

        items[id].Deleted = true;
        RecordChange(id);
        return NoContent();
    }

    private ResponseMessage PutContent(FakeRequest call)
    {
        if (CheckItem(call) is { } bad)
        {
            return bad;
        }

        var bytes = call.Bytes ?? Encoding.UTF8.GetBytes(call.Body ?? string.Empty);
        if (bytes.Length > 4 * 1024 * 1024)
        {
            return Error(413, "requestTooLarge", "Simple uploads take at most 4 MB; use an upload session.");
        }

        return StoreFile(ResolveItemId(call.PathValue("item"))!, call.PathValue("name"), call.Query("@microsoft.graph.conflictBehavior") ?? "replace", bytes);
    }

    private ResponseMessage StoreFile(string parent, string name, string behavior, byte[] bytes)
    {
        var existing = Children(parent).FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
        var now = Tick();
        if (existing is not null)
        {
            if (behavior == "fail")
            {
                return Error(409, "nameAlreadyExists", "The specified item name already exists.");
            }

            existing.Content = bytes;
            existing.LastModified = now;
            RecordChange(existing.Id);
            return Json(200, ItemJson(existing));
        }

        var file = new FakeItem(NewId("01FILE"), name, parent, false) { Created = now, LastModified = now, Content = bytes, CreatedBy = Identity(Owner.Mail, Owner), LastModifiedBy = Identity(Owner.Mail, Owner) };
        items[file.Id] = file;
        RecordChange(file.Id);
        return Json(201, ItemJson(file));
    }

    private ResponseMessage CreateUploadSession(FakeRequest call)
    {
        if (CheckItem(call) is { } bad)
        {
            return bad;
        }

        var body = Body(call);
        var behavior = body?["item"]?["@microsoft.graph.conflictBehavior"]?.GetValue<string>() ?? "replace";
        var id = Guid.NewGuid().ToString("N");
        sessions[id] = new UploadSession(ResolveItemId(call.PathValue("item"))!, call.PathValue("name"), behavior);
        return Json(200, new JsonObject
        {
            ["uploadUrl"] = new Uri(Url, "upload/sessions/" + id).AbsoluteUri,
            ["expirationDateTime"] = Iso(clock.AddHours(1)),
        });
    }

    private ResponseMessage UploadChunk(FakeRequest call)
    {
        var id = call.Path.Split('/').Last();
        if (call.Method != "PUT" || !sessions.TryGetValue(id, out var session))
        {
            return Error(404, "itemNotFound", "The upload session does not exist.");
        }

        var range = call.Header("Content-Range");
        var match = range is null ? null : Regex.Match(range, @"^bytes (\d+)-(\d+)/(\d+)$");
        var bytes = call.Bytes ?? [];
        if (match is not { Success: true }
            || long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) != session.Received.Count
            || long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) - long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1 != bytes.Length)
        {
            return Error(416, "invalidRange", "The Content-Range does not fit the next expected range.");
        }

        session.Chunks++;
        session.Received.AddRange(bytes);
        var total = long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
        if (session.Received.Count < total)
        {
            return Json(202, new JsonObject { ["expirationDateTime"] = Iso(clock.AddHours(1)), ["nextExpectedRanges"] = new JsonArray($"{session.Received.Count}-") });
        }

        sessions.Remove(id);
        LastUploadChunks = session.Chunks;
        return StoreFile(session.ParentId, session.Name, session.Behavior, [.. session.Received]);
    }

    /// <summary>How many chunks the last completed upload session took.</summary>
    public int LastUploadChunks { get; private set; }

    private ResponseMessage ListPermissions(FakeRequest call)
    {
        if (CheckItem(call) is { } bad)
        {
            return bad;
        }

        var list = permissions.GetValueOrDefault(ResolveItemId(call.PathValue("item"))!) ?? [];
        return Json(200, new JsonObject { ["value"] = new JsonArray([.. list.Select(p => (JsonNode)PermissionJson(p))]) });
    }

    private ResponseMessage Invite(FakeRequest call)
    {
        if (CheckItem(call) is { } bad)
        {
            return bad;
        }

        var body = Body(call);
        var recipients = (body?["recipients"] as JsonArray)?.Select(r => r?["email"]?.GetValue<string>()).ToList();
        var roles = (body?["roles"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList();
        if (recipients is not { Count: 1 } || recipients[0] is null || roles is not { Count: 1 } || roles[0] is not ("read" or "write")
            || body!["requireSignIn"]?.GetValue<bool>() is null || body["sendInvitation"]?.GetValue<bool>() is null)
        {
            return Error(400, "invalidRequest", "invite needs one recipient, one role (read or write), requireSignIn and sendInvitation.");
        }

        var id = ResolveItemId(call.PathValue("item"))!;
        var email = recipients[0]!;
        var user = UserByAddress(email);
        var list = permissions.TryGetValue(id, out var l) ? l : permissions[id] = [];
        var permission = list.FirstOrDefault(p => p.IsFor(email, user?.Id) && !p.Roles.Contains("owner"));
        if (permission is null)
        {
            permission = new FakeGraphPermission(NewId("perm-"), roles, email, user?.Id, body["sendInvitation"]!.GetValue<bool>());
            list.Add(permission);
        }
        else
        {
            permission.Roles = roles;
        }

        return Json(200, new JsonObject { ["value"] = new JsonArray(PermissionJson(permission)) });
    }

    private ResponseMessage UpdatePermission(FakeRequest call)
    {
        var permission = FindPermission(call);
        var roles = (Body(call)?["roles"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList();
        if (permission is null)
        {
            return Error(404, "itemNotFound", "The permission does not exist.");
        }

        if (roles is not { Count: 1 } || roles[0] is not ("read" or "write"))
        {
            return Error(400, "invalidRequest", "roles must be [read] or [write].");
        }

        permission.Roles = roles;
        return Json(200, PermissionJson(permission));
    }

    private ResponseMessage DeletePermission(FakeRequest call)
    {
        var permission = FindPermission(call);
        if (permission is null)
        {
            return Error(404, "itemNotFound", "The permission does not exist.");
        }

        permissions[ResolveItemId(call.PathValue("item"))!].Remove(permission);
        return NoContent();
    }

    private FakeGraphPermission? FindPermission(FakeRequest call)
        => call.PathValue("drive") == DriveId && ResolveItemId(call.PathValue("item")) is { } id && permissions.TryGetValue(id, out var list)
            ? list.FirstOrDefault(p => p.Id == call.PathValue("permission"))
            : null;

    private ResponseMessage Delta(FakeRequest call)
    {
        if (CheckDrive(call) is { } bad)
        {
            return bad;
        }

        var token = call.Query("token");
        var upTo = changes.Count;
        if (token == "latest")
        {
            return Json(200, new JsonObject { ["value"] = new JsonArray(), ["@odata.deltaLink"] = DeltaLink(upTo) });
        }

        long since = 0;
        if (token is not null)
        {
            var parts = token.Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var issuedIn)
                || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out since) || since > changes.Count)
            {
                return Error(400, "invalidRequest", "Invalid delta token.");
            }

            if (issuedIn != epoch)
            {
                return Error(410, "resyncRequired", "The delta token is no longer valid; enumerate the drive again.");
            }
        }

        if (call.Query("upto") is { } u)
        {
            upTo = int.Parse(u, CultureInfo.InvariantCulture);
        }

        var changed = token is null
            ? items.Values.OrderBy(i => i.Created).ToList()
            : changes.Where(c => c.Seq > since && c.Seq <= upTo).Select(c => c.ItemId).Distinct().Select(id => items[id]).ToList();
        var skip = int.TryParse(call.Query("skip"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = changed.Skip(skip).Take(PageSize).ToList();
        var body = new JsonObject { ["value"] = new JsonArray([.. page.Select(i => (JsonNode)ItemJson(i))]) };
        if (skip + page.Count < changed.Count)
        {
            body["@odata.nextLink"] = $"{GraphBase}drives/{DriveId}/root/delta?{(token is null ? string.Empty : "token=" + token + "&")}upto={upTo}&skip={skip + page.Count}";
        }
        else
        {
            body["@odata.deltaLink"] = DeltaLink(upTo);
        }

        return Json(200, body);
    }

    private string DeltaLink(long upTo) => $"{GraphBase}drives/{DriveId}/root/delta?token={epoch}-{upTo}";

    private ResponseMessage ListUsers(FakeRequest call)
    {
        var filter = call.Query("$filter");
        if (filter is null)
        {
            return Error(400, "Request_BadRequest", "This fake answers filtered user queries only.");
        }

        var match = Regex.Match(filter, @"^mail eq '((?:[^']|'')*)' or userPrincipalName eq '((?:[^']|'')*)'$");
        if (!match.Success || match.Groups[1].Value != match.Groups[2].Value)
        {
            return Error(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause.");
        }

        var address = match.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
        var found = users.Values.Where(u => string.Equals(u.Mail, address, StringComparison.OrdinalIgnoreCase) || string.Equals(u.UserPrincipalName, address, StringComparison.OrdinalIgnoreCase));
        return Json(200, new JsonObject
        {
            ["@odata.context"] = $"{GraphBase}$metadata#users(id,displayName,mail,userPrincipalName)",
            ["value"] = new JsonArray([.. found.Select(u => (JsonNode)new JsonObject { ["id"] = u.Id, ["displayName"] = u.DisplayName, ["mail"] = u.Mail, ["userPrincipalName"] = u.UserPrincipalName })]),
        });
    }

    private ResponseMessage CreateCalendar(FakeRequest call)
    {
        if (UserByKey(call.PathValue("user")) is not { } user)
        {
            return Error(404, "ErrorInvalidUser", "The requested user is invalid.");
        }

        var name = Body(call)?["name"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            return Error(400, "ErrorInvalidRequest", "A calendar needs a name.");
        }

        if (calendars.Values.Any(c => c.OwnerId == user.Id && c.Name == name))
        {
            return Error(409, "ErrorFolderExists", "A folder with the specified name already exists.");
        }

        var calendar = new FakeGraphCalendar(NewId("AAMkCal"), name, user.Id);
        calendars[calendar.Id] = calendar;
        return Json(201, new JsonObject { ["id"] = calendar.Id, ["name"] = name, ["canEdit"] = true, ["canShare"] = true, ["owner"] = new JsonObject { ["name"] = user.DisplayName, ["address"] = user.Mail } });
    }

    private FakeGraphCalendar? UserCalendar(FakeRequest call)
        => UserByKey(call.PathValue("user")) is { } user && calendars.TryGetValue(call.PathValue("calendar"), out var calendar) && calendar.OwnerId == user.Id ? calendar : null;

    private ResponseMessage ListCalendarPermissions(FakeRequest call)
        => UserCalendar(call) is { } calendar
            ? Json(200, new JsonObject { ["value"] = new JsonArray([.. calendar.Permissions.Select(p => (JsonNode)p.DeepClone())]) })
            : Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");

    private ResponseMessage CreateCalendarPermission(FakeRequest call)
    {
        if (UserCalendar(call) is not { } calendar)
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        var body = Body(call);
        var address = body?["emailAddress"]?["address"]?.GetValue<string>();
        var role = body?["role"]?.GetValue<string>();
        if (address is null || role is not ("read" or "write" or "freeBusyRead" or "limitedRead"))
        {
            return Error(400, "ErrorInvalidRequest", "A calendar permission needs emailAddress.address and a role.");
        }

        if (calendar.Permissions.Any(p => string.Equals(p["emailAddress"]!["address"]!.GetValue<string>(), address, StringComparison.OrdinalIgnoreCase)))
        {
            return Error(409, "ErrorItemAlreadyExists", "The recipient already has a permission on this calendar.");
        }

        var permission = new JsonObject
        {
            ["id"] = NewId("RGVmYXVsdA"),
            ["emailAddress"] = new JsonObject { ["address"] = address, ["name"] = address },
            ["role"] = role,
            ["isInsideOrganization"] = body!["isInsideOrganization"]?.GetValue<bool>() ?? false,
            ["isRemovable"] = true,
            ["allowedRoles"] = new JsonArray("none", "freeBusyRead", "limitedRead", "read", "write"),
        };
        calendar.Permissions.Add(permission);
        return Json(201, permission.DeepClone());
    }

    private ResponseMessage UpdateCalendarPermission(FakeRequest call)
    {
        var permission = UserCalendar(call)?.Permissions.FirstOrDefault(p => p["id"]!.GetValue<string>() == call.PathValue("permission"));
        var role = Body(call)?["role"]?.GetValue<string>();
        if (permission is null)
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        if (role is not ("read" or "write"))
        {
            return Error(400, "ErrorInvalidRequest", "role must be read or write.");
        }

        permission["role"] = role;
        return Json(200, permission.DeepClone());
    }

    private ResponseMessage DeleteCalendarPermission(FakeRequest call)
    {
        var calendar = UserCalendar(call);
        var permission = calendar?.Permissions.FirstOrDefault(p => p["id"]!.GetValue<string>() == call.PathValue("permission"));
        if (permission is null)
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        calendar!.Permissions.Remove(permission);
        return NoContent();
    }

    private ResponseMessage CreateEvent(FakeRequest call, FakeGraphCalendar? calendar)
    {
        if (calendar is null)
        {
            return Error(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }

        var body = Body(call);
        if (body?["subject"]?.GetValue<string>() is null || body["start"]?["dateTime"] is null || body["start"]?["timeZone"] is null || body["end"]?["dateTime"] is null)
        {
            return Error(400, "ErrorInvalidRequest", "An event needs subject, start and end with dateTime and timeZone.");
        }

        var json = (JsonObject)body.DeepClone();
        json.Remove("@odata.type");
        json["id"] = NewId("AAMkEvt");
        json["createdDateTime"] = Iso(Tick());
        json["lastModifiedDateTime"] = json["createdDateTime"]!.DeepClone();
        json["organizer"] = new JsonObject { ["emailAddress"] = new JsonObject { ["address"] = Owner.Mail, ["name"] = Owner.DisplayName } };
        foreach (var attendee in (json["attendees"] as JsonArray ?? []).OfType<JsonObject>())
        {
            attendee["status"] = new JsonObject { ["response"] = "none", ["time"] = "0001-01-01T00:00:00Z" };
        }

        calendar.Events.Add(json);
        return Json(201, json.DeepClone());
    }

    private ResponseMessage Batch(FakeRequest call)
    {
        var requests = Body(call)?["requests"] as JsonArray;
        if (requests is null || requests.Count is 0 or > 20)
        {
            return Error(400, "BadRequest", "A batch holds 1 to 20 requests.");
        }

        var responses = new JsonArray();
        foreach (var request in requests.OfType<JsonObject>())
        {
            var id = request["id"]?.GetValue<string>();
            var method = request["method"]?.GetValue<string>()?.ToUpperInvariant();
            var url = request["url"]?.GetValue<string>();
            if (id is null || method is null || url is null || !url.StartsWith('/'))
            {
                return Error(400, "BadRequest", "Every batch request needs id, method and a relative url.");
            }

            var query = url.IndexOf('?', StringComparison.Ordinal);
            var inner = new FakeRequest(method, Version + (query < 0 ? url : url[..query]), query < 0 ? null : url[query..], request["body"]?.ToJsonString(), null, _ => null);
            ResponseMessage answer;
            if (Match(inner) is { } route)
            {
                answer = Intercepted(route.Route) ?? route.Route.Handle(inner with { Match = route.Match });
            }
            else
            {
                answer = Error(400, "BadRequest", "Unknown batch request url.");
            }

            var headers = new JsonObject();
            foreach (var header in answer.Headers ?? new Dictionary<string, WireMockList<string>>())
            {
                headers[header.Key] = header.Value.FirstOrDefault();
            }

            var entry = new JsonObject { ["id"] = id, ["status"] = answer.StatusCode is int code ? code : 200, ["headers"] = headers };
            if (answer.BodyData?.BodyAsString is { Length: > 0 } text)
            {
                entry["body"] = JsonNode.Parse(text);
            }

            responses.Add(entry);
        }

        return Json(200, new JsonObject { ["responses"] = responses });
    }

    private JsonObject ItemJson(FakeItem item)
    {
        var json = new JsonObject
        {
            ["id"] = item.Id,
            ["name"] = item.Name,
            ["createdDateTime"] = Iso(item.Created),
            ["lastModifiedDateTime"] = Iso(item.LastModified),
            ["eTag"] = $"\"{{{item.Id}}},{changes.Count(c => c.ItemId == item.Id)}\"",
            ["webUrl"] = $"https://contoso.sharepoint.test/sites/cocreation/Shared%20Documents/{Uri.EscapeDataString(item.Name)}",
            ["size"] = item.Content.Length,
            ["createdBy"] = item.CreatedBy.DeepClone(),
            ["lastModifiedBy"] = item.LastModifiedBy.DeepClone(),
            ["parentReference"] = item.ParentId is null ? new JsonObject { ["driveId"] = DriveId, ["driveType"] = "documentLibrary" } : new JsonObject { ["driveId"] = DriveId, ["driveType"] = "documentLibrary", ["id"] = item.ParentId },
        };
        if (item.IsFolder)
        {
            json["folder"] = new JsonObject { ["childCount"] = Children(item.Id).Count() };
        }
        else
        {
            json["file"] = new JsonObject { ["mimeType"] = MimeType(item.Name) };
        }

        if (item.Id == RootId)
        {
            json["root"] = new JsonObject();
        }

        if (item.Deleted)
        {
            json["deleted"] = new JsonObject { ["state"] = "deleted" };
        }

        return json;
    }

    private static string MimeType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    };

    private JsonObject PermissionJson(FakeGraphPermission permission)
    {
        var user = permission.UserId is null ? null : users.GetValueOrDefault(permission.UserId);
        var json = new JsonObject
        {
            ["id"] = permission.Id,
            ["roles"] = new JsonArray([.. permission.Roles.Select(r => (JsonNode)r)]),
            ["grantedToV2"] = Identity(permission.Email, user),
        };
        if (!permission.Roles.Contains("owner"))
        {
            json["invitation"] = new JsonObject { ["email"] = permission.Email, ["signInRequired"] = true };
        }

        return json;
    }

    private sealed record Route(string Id, string Method, Regex Pattern, Func<FakeRequest, ResponseMessage> Handle);

    private sealed record Interceptor(string RouteId, Func<int, ResponseMessage?> Respond);

    private sealed class UploadSession(string parentId, string name, string behavior)
    {
        public string ParentId { get; } = parentId;

        public string Name { get; } = name;

        public string Behavior { get; } = behavior;

        public List<byte> Received { get; } = [];

        public int Chunks { get; set; }
    }
}

/// <summary>One request as the fake's routes see it (a WireMock request, or one part of a <c>$batch</c>).</summary>
internal sealed record FakeRequest(string Method, string Path, string? RawQuery, string? Body, byte[]? Bytes, Func<string, string?> Header)
{
    private IReadOnlyDictionary<string, IReadOnlyList<string>>? query;

    public Match? Match { get; init; }

    public string PathValue(string name) => Uri.UnescapeDataString(Match!.Groups[name].Value);

    public string? Query(string name)
    {
        query ??= ContractRequest.ParseQuery(RawQuery);
        return query.TryGetValue(name, out var values) ? values[^1] : null;
    }
}

internal sealed class FakeItem(string id, string name, string? parentId, bool isFolder)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string? ParentId { get; } = parentId;

    public bool IsFolder { get; } = isFolder;

    public byte[] Content { get; set; } = [];

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset LastModified { get; set; }

    public JsonObject CreatedBy { get; set; } = [];

    public JsonObject LastModifiedBy { get; set; } = [];

    public bool Deleted { get; set; }
}

internal sealed class FakeGraphPermission(string id, List<string> roles, string email, string? userId, bool invitationSent)
{
    public string Id { get; } = id;

    public List<string> Roles { get; set; } = roles;

    public string Email { get; } = email;

    public string? UserId { get; } = userId;

    public bool InvitationSent { get; } = invitationSent;

    public bool IsFor(string email, string? userId)
        => string.Equals(Email, email, StringComparison.OrdinalIgnoreCase) || (userId is not null && UserId == userId);
}

internal sealed record FakeUser(string Id, string Mail, string UserPrincipalName, string DisplayName);

internal sealed class FakeGraphCalendar(string id, string name, string ownerId)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string OwnerId { get; } = ownerId;

    public List<JsonObject> Permissions { get; } = [];

    public List<JsonObject> Events { get; } = [];
}
