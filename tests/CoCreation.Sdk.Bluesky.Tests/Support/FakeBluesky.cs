using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
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

namespace CoCreation.Sdk.Bluesky.Tests.Support;

/// <summary>
/// A stateful stand-in for a PDS with an AppView and a chat service behind it, on WireMock.Net: accounts, sessions
/// (access and refresh tokens), post records, threads, search, notifications and chat. Every request goes through one
/// callback, so the fake counts requests per method and tests can inject faults per method.
/// </summary>
internal sealed class FakeBluesky : IDisposable
{
    public const string ChatProxy = "did:web:chat.fake.test#bsky_chat";
    private const string PostCollection = "app.bsky.feed.post";
    private const string Base32 = "234567abcdefghijklmnopqrstuvwxyz";

    private readonly object gate = new();
    private readonly Dictionary<string, Func<Call, IResponseMessage>> routes = new(StringComparer.Ordinal);
    private readonly List<(string Method, Func<IRequestMessage, int, IResponseMessage?> Respond)> interceptors = [];
    private readonly Dictionary<string, FakeAccount> accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeToken> accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> refreshTokens = new(StringComparer.Ordinal);
    private readonly List<FakePost> posts = [];
    private readonly List<FakeMessage> messages = [];
    private readonly Dictionary<string, int> requestCounts = new(StringComparer.Ordinal);
    private long sequence = 1;
    private DateTimeOffset clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private int totalRequests;

    public FakeBluesky()
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = 5000,
        });
        Url = new Uri(Server.Url! + "/");
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Dispatch));
        MapRoutes();
    }

    public WireMockServer Server { get; }

    public Uri Url { get; }

    public int TotalRequests => Volatile.Read(ref totalRequests);

    public int RequestsTo(string nsid)
    {
        lock (gate)
        {
            return requestCounts.GetValueOrDefault(nsid);
        }
    }

    /// <summary>Forgets requests, faults and counts; also accounts and content when <paramref name="content"/> is set.</summary>
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
                accounts.Clear();
                accessTokens.Clear();
                refreshTokens.Clear();
                posts.Clear();
                messages.Clear();
            }
        }

        Server.ResetLogEntries();
    }

    /// <summary>Answers requests to a method with <paramref name="respond"/> where it returns a response; the attempt counts from 1.</summary>
    public void Intercept(string nsid, Func<IRequestMessage, int, IResponseMessage?> respond)
    {
        lock (gate)
        {
            interceptors.Add((nsid, respond));
        }
    }

    /// <summary>Waits (bounded) until WireMock has logged every answered request; it logs after responding.</summary>
    public IReadOnlyList<ILogEntry> WaitForLog()
    {
        SpinWait.SpinUntil(() => Server.LogEntries.Count() >= TotalRequests, TimeSpan.FromSeconds(5));
        return Server.LogEntries.ToList();
    }

    /// <summary>Creates an account; returns it with a password that <c>createSession</c> accepts.</summary>
    public FakeAccount AddAccount(string handle, string? password = null)
    {
        lock (gate)
        {
            var account = new FakeAccount("did:plc:" + Random(24), handle, password ?? "app-" + Random(16), Tick());
            accounts[account.Did] = account;
            return account;
        }
    }

    /// <summary>Issues an access token for an account, as a sign-in would.</summary>
    public string IssueAccessToken(string did)
    {
        lock (gate)
        {
            var token = "acc-" + Random(32);
            accessTokens[token] = new FakeToken(did);
            return token;
        }
    }

    /// <summary>Makes every access token issued so far expired; refresh tokens stay valid.</summary>
    public void ExpireAccessTokens()
    {
        lock (gate)
        {
            foreach (var token in accessTokens.Values)
            {
                token.Expired = true;
            }
        }
    }

    public void RevokeRefreshTokens()
    {
        lock (gate)
        {
            refreshTokens.Clear();
        }
    }

    /// <summary>Writes a post straight into an account's repository, as another app would.</summary>
    public FakePost AddPost(string did, string text, string? replyToUri = null)
    {
        lock (gate)
        {
            var record = new JsonObject { ["$type"] = PostCollection, ["text"] = text, ["createdAt"] = Iso(Tick()) };
            if (replyToUri is not null)
            {
                var parent = posts.Single(p => p.Uri == replyToUri);
                var root = parent.Record["reply"]?["root"]?.DeepClone() ?? new JsonObject { ["uri"] = parent.Uri, ["cid"] = parent.Cid };
                record["reply"] = new JsonObject { ["root"] = root, ["parent"] = new JsonObject { ["uri"] = parent.Uri, ["cid"] = parent.Cid } };
            }

            return StoreLocked(did, record);
        }
    }

    public IReadOnlyList<FakePost> Posts()
    {
        lock (gate)
        {
            return [.. posts];
        }
    }

    public IReadOnlyList<string> InboxOf(string did)
    {
        lock (gate)
        {
            return messages.Where(m => m.Recipient == did).Select(m => m.Text).ToList();
        }
    }

    public void Dispose() => Server.Stop();

    public static ResponseMessage Json(int status, JsonNode body) => WireMockResponses.Json(status, body);

    public static ResponseMessage Error(int status, string error, string? message = null)
    {
        var body = new JsonObject { ["error"] = error };
        if (message is not null)
        {
            body["message"] = message;
        }

        return Json(status, body);
    }

    public static ResponseMessage Malformed()
    {
        var response = Json(200, new JsonObject());
        response.BodyData = new BodyData { BodyAsString = "{\"uri\": <html>oops", DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 };
        return response;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Random(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        return new string(bytes.Select(b => Base32[b % 32]).ToArray());
    }

    private IResponseMessage Dispatch(IRequestMessage request)
    {
        Interlocked.Increment(ref totalRequests);
        const string prefix = "/xrpc/";
        var nsid = request.AbsolutePath.StartsWith(prefix, StringComparison.Ordinal) ? request.AbsolutePath[prefix.Length..] : string.Empty;
        (string Method, Func<IRequestMessage, int, IResponseMessage?> Respond)[] active;
        int attempt;
        lock (gate)
        {
            attempt = requestCounts[nsid] = requestCounts.GetValueOrDefault(nsid) + 1;
            active = interceptors.Where(i => i.Method == nsid).ToArray();
        }

        foreach (var (_, respond) in active)
        {
            if (respond(request, attempt) is { } intercepted)
            {
                return intercepted;
            }
        }

        if (!routes.TryGetValue(nsid, out var handle))
        {
            return Error(501, "MethodNotImplemented", $"Method Not Implemented: {nsid}");
        }

        lock (gate)
        {
            return WithRateLimit(handle(new Call(request, ContractRequest.ParseQuery(request.RawQuery), Authenticate(request))));
        }
    }

    private (FakeAccount? Account, IResponseMessage? Failure) Authenticate(IRequestMessage request)
    {
        var header = Header(request, "Authorization");
        if (header is null)
        {
            return (null, Error(401, "AuthenticationRequired", "Authentication Required"));
        }

        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (null, Error(400, "InvalidToken", "Malformed token"));
        }

        lock (gate)
        {
            var value = header["Bearer ".Length..];
            if (!accessTokens.TryGetValue(value, out var token))
            {
                return (null, Error(400, "InvalidToken", "Token could not be verified"));
            }

            return token.Expired ? (null, Error(400, "ExpiredToken", "Token has expired")) : (accounts[token.Did], null);
        }
    }

    private void MapRoutes()
    {
        routes["com.atproto.server.createSession"] = CreateSession;
        routes["com.atproto.server.refreshSession"] = RefreshSession;
        routes["com.atproto.server.getSession"] = c => Authed(c, a => Json(200, new JsonObject { ["did"] = a.Did, ["handle"] = a.Handle, ["active"] = true }));
        routes["com.atproto.identity.resolveHandle"] = ResolveHandle;
        routes["com.atproto.repo.createRecord"] = c => Authed(c, a => CreateRecord(c, a));
        routes["com.atproto.repo.getRecord"] = GetRecord;
        routes["com.atproto.repo.listRecords"] = ListRecords;
        routes["com.atproto.repo.describeRepo"] = c => accounts.TryGetValue(c.Query("repo") ?? string.Empty, out var a)
            ? Json(200, new JsonObject { ["handle"] = a.Handle, ["did"] = a.Did, ["didDoc"] = new JsonObject(), ["collections"] = new JsonArray(PostCollection), ["handleIsCorrect"] = true })
            : Error(400, "RepoNotFound", "Could not find repo");
        routes["com.atproto.sync.listRepos"] = _ => Json(200, new JsonObject { ["repos"] = new JsonArray(accounts.Values.Select(a => (JsonNode)new JsonObject { ["did"] = a.Did, ["head"] = "bafyrei" + Random(40), ["rev"] = Random(13), ["active"] = true }).ToArray()) });
        routes["app.bsky.feed.getPostThread"] = c => Authed(c, _ => Thread(c));
        routes["app.bsky.feed.searchPosts"] = c => Authed(c, _ => Search(c));
        routes["app.bsky.notification.listNotifications"] = c => Authed(c, a => Notifications(c, a));
        routes["chat.bsky.convo.getConvoForMembers"] = c => Chat(c, a => ConvoForMembers(c, a));
        routes["chat.bsky.convo.sendMessage"] = c => Chat(c, a => SendMessage(c, a));
    }

    private static IResponseMessage Authed(Call call, Func<FakeAccount, IResponseMessage> handle)
        => call.Auth.Account is { } account ? handle(account) : call.Auth.Failure!;

    private static IResponseMessage Chat(Call call, Func<FakeAccount, IResponseMessage> handle)
    {
        // A PDS proxies chat.bsky.* only when the client names the chat service; without it there is nowhere to send it.
        if (Header(call.Request, "atproto-proxy") != ChatProxy)
        {
            return Error(400, "InvalidRequest", "No service configured for " + call.Request.AbsolutePath["/xrpc/".Length..]);
        }

        return Authed(call, handle);
    }

    private IResponseMessage CreateSession(Call call)
    {
        var body = JsonBody(call.Request);
        var identifier = body?["identifier"]?.GetValue<string>();
        var password = body?["password"]?.GetValue<string>();
        var account = accounts.Values.FirstOrDefault(a => a.Did == identifier || a.Handle == identifier);
        if (account is null || account.Password != password)
        {
            return Error(401, "AuthenticationRequired", "Invalid identifier or password");
        }

        return Json(200, SessionJson(account));
    }

    private IResponseMessage RefreshSession(Call call)
    {
        var header = Header(call.Request, "Authorization");
        var token = header?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? header["Bearer ".Length..] : null;
        if (token is null || !refreshTokens.Remove(token, out var did))
        {
            return Error(400, "ExpiredToken", "Token has been revoked");
        }

        return Json(200, SessionJson(accounts[did]));
    }

    private JsonObject SessionJson(FakeAccount account)
    {
        var access = "acc-" + Random(32);
        var refresh = "ref-" + Random(32);
        accessTokens[access] = new FakeToken(account.Did);
        refreshTokens[refresh] = account.Did;
        return new JsonObject { ["did"] = account.Did, ["handle"] = account.Handle, ["accessJwt"] = access, ["refreshJwt"] = refresh, ["active"] = true };
    }

    private IResponseMessage ResolveHandle(Call call)
    {
        var handle = call.Query("handle");
        var account = accounts.Values.FirstOrDefault(a => a.Handle == handle);
        return account is null ? Error(400, "InvalidRequest", "Unable to resolve handle") : Json(200, new JsonObject { ["did"] = account.Did });
    }

    private IResponseMessage CreateRecord(Call call, FakeAccount caller)
    {
        var body = JsonBody(call.Request) as JsonObject;
        if (body?["record"] is not JsonObject record || body["collection"]?.GetValue<string>() != PostCollection)
        {
            return Error(400, "InvalidRequest", "Input must have the properties collection and record");
        }

        var repo = body["repo"]?.GetValue<string>();
        if (repo != caller.Did && repo != caller.Handle)
        {
            return Error(403, "InvalidRequest", "Unauthorized repo");
        }

        var text = record["text"]?.GetValue<string>() ?? string.Empty;
        if (new StringInfo(text).LengthInTextElements > 300 || Encoding.UTF8.GetByteCount(text) > 3000)
        {
            return Error(400, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes");
        }

        var post = StoreLocked(caller.Did, (JsonObject)record.DeepClone());
        return Json(200, new JsonObject { ["uri"] = post.Uri, ["cid"] = post.Cid, ["validationStatus"] = "valid" });
    }

    private FakePost StoreLocked(string did, JsonObject record)
    {
        var rkey = Tid();
        var post = new FakePost($"at://{did}/{PostCollection}/{rkey}", "bafyrei" + Random(52), did, record, Tick());
        posts.Add(post);
        return post;
    }

    private IResponseMessage GetRecord(Call call)
    {
        var repo = call.Query("repo");
        var rkey = call.Query("rkey");
        var post = posts.FirstOrDefault(p => p.Did == repo && p.Uri.EndsWith("/" + rkey, StringComparison.Ordinal));
        return post is null
            ? Error(400, "RecordNotFound", $"Could not locate record: at://{repo}/{call.Query("collection")}/{rkey}")
            : Json(200, new JsonObject { ["uri"] = post.Uri, ["cid"] = post.Cid, ["value"] = post.Record.DeepClone() });
    }

    private IResponseMessage ListRecords(Call call)
    {
        var repo = call.Query("repo");
        var limit = int.Parse(call.Query("limit") ?? "50", CultureInfo.InvariantCulture);
        var offset = int.Parse(call.Query("cursor") ?? "0", CultureInfo.InvariantCulture);
        var own = posts.Where(p => p.Did == repo).Reverse().ToList();
        var page = own.Skip(offset).Take(limit).ToList();
        var result = new JsonObject { ["records"] = new JsonArray(page.Select(p => (JsonNode)new JsonObject { ["uri"] = p.Uri, ["cid"] = p.Cid, ["value"] = p.Record.DeepClone() }).ToArray()) };
        if (offset + page.Count < own.Count)
        {
            result["cursor"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return Json(200, result);
    }

    private IResponseMessage Thread(Call call)
    {
        var uri = call.Query("uri");
        var root = posts.FirstOrDefault(p => p.Uri == uri);
        if (root is null)
        {
            return Error(400, "NotFound", $"Post not found: {uri}");
        }

        var depth = int.Parse(call.Query("depth") ?? "6", CultureInfo.InvariantCulture);
        return Json(200, new JsonObject { ["thread"] = ThreadJson(root, depth) });
    }

    private JsonObject ThreadJson(FakePost post, int depth)
    {
        var node = new JsonObject { ["$type"] = "app.bsky.feed.defs#threadViewPost", ["post"] = PostView(post) };
        if (depth > 0)
        {
            var children = posts.Where(p => p.Record["reply"]?["parent"]?["uri"]?.GetValue<string>() == post.Uri).Select(p => (JsonNode)ThreadJson(p, depth - 1)).ToArray();
            node["replies"] = new JsonArray(children);
        }

        return node;
    }

    private IResponseMessage Search(Call call)
    {
        var q = call.Query("q") ?? string.Empty;
        var limit = int.Parse(call.Query("limit") ?? "25", CultureInfo.InvariantCulture);
        var offset = int.Parse(call.Query("cursor") ?? "0", CultureInfo.InvariantCulture);
        var since = call.Query("since") is { } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
        var hits = posts
            .Where(p => (p.Record["text"]?.GetValue<string>() ?? string.Empty).Contains(q, StringComparison.OrdinalIgnoreCase) && p.IndexedAt >= since)
            .OrderByDescending(p => p.IndexedAt)
            .ToList();
        var page = hits.Skip(offset).Take(limit).ToList();
        var result = new JsonObject { ["posts"] = new JsonArray(page.Select(p => (JsonNode)PostView(p)).ToArray()), ["hitsTotal"] = hits.Count };
        if (offset + page.Count < hits.Count)
        {
            result["cursor"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return Json(200, result);
    }

    private IResponseMessage Notifications(Call call, FakeAccount caller)
    {
        var limit = int.Parse(call.Query("limit") ?? "50", CultureInfo.InvariantCulture);
        var offset = int.Parse(call.Query("cursor") ?? "0", CultureInfo.InvariantCulture);
        var reasons = call.Values("reasons");
        var found = new List<(FakePost Post, string Reason)>();
        foreach (var post in posts.Where(p => p.Did != caller.Did).OrderByDescending(p => p.IndexedAt))
        {
            var parent = post.Record["reply"]?["parent"]?["uri"]?.GetValue<string>();
            var mentions = (post.Record["facets"] as JsonArray ?? []).SelectMany(f => f?["features"] as JsonArray ?? []).Any(f => f?["did"]?.GetValue<string>() == caller.Did);
            var reason = parent is not null && parent.StartsWith($"at://{caller.Did}/", StringComparison.Ordinal) ? "reply" : mentions ? "mention" : null;
            if (reason is not null && (reasons.Count == 0 || reasons.Contains(reason)))
            {
                found.Add((post, reason));
            }
        }

        var page = found.Skip(offset).Take(limit).ToList();
        var result = new JsonObject
        {
            ["notifications"] = new JsonArray(page.Select(n => (JsonNode)new JsonObject
            {
                ["uri"] = n.Post.Uri,
                ["cid"] = n.Post.Cid,
                ["author"] = Profile(accounts[n.Post.Did]),
                ["reason"] = n.Reason,
                ["record"] = n.Post.Record.DeepClone(),
                ["isRead"] = false,
                ["indexedAt"] = Iso(n.Post.IndexedAt),
            }).ToArray()),
        };
        if (offset + page.Count < found.Count)
        {
            result["cursor"] = (offset + page.Count).ToString(CultureInfo.InvariantCulture);
        }

        return Json(200, result);
    }

    private IResponseMessage ConvoForMembers(Call call, FakeAccount caller)
    {
        var members = call.Values("members");
        if (members.Count == 0 || members.Any(m => !accounts.ContainsKey(m)))
        {
            return Error(400, "InvalidRequest", "Unknown member");
        }

        var all = members.Append(caller.Did).Distinct().Order(StringComparer.Ordinal);
        var id = "convo-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", all))))[..16].ToLowerInvariant();
        return Json(200, new JsonObject { ["convo"] = new JsonObject { ["id"] = id, ["rev"] = "1", ["members"] = new JsonArray(), ["muted"] = false, ["unreadCount"] = 0 } });
    }

    private IResponseMessage SendMessage(Call call, FakeAccount caller)
    {
        var body = JsonBody(call.Request);
        var convoId = body?["convoId"]?.GetValue<string>();
        var text = body?["message"]?["text"]?.GetValue<string>();
        if (convoId is null || text is null)
        {
            return Error(400, "InvalidRequest", "convoId and message are required");
        }

        var recipient = accounts.Keys.FirstOrDefault(did => did != caller.Did && ConvoFor(caller.Did, did) == convoId);
        if (recipient is null)
        {
            return Error(400, "InvalidRequest", "Convo not found");
        }

        var message = new FakeMessage("msg-" + Random(12), caller.Did, recipient, text, Tick());
        messages.Add(message);
        return Json(200, new JsonObject { ["id"] = message.Id, ["rev"] = "2", ["text"] = text, ["sender"] = new JsonObject { ["did"] = caller.Did }, ["sentAt"] = Iso(message.SentAt) });
    }

    private static string ConvoFor(string one, string two)
        => "convo-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", new[] { one, two }.Order(StringComparer.Ordinal)))))[..16].ToLowerInvariant();

    private JsonObject PostView(FakePost post)
        => new()
        {
            ["uri"] = post.Uri,
            ["cid"] = post.Cid,
            ["author"] = Profile(accounts[post.Did]),
            ["record"] = post.Record.DeepClone(),
            ["indexedAt"] = Iso(post.IndexedAt),
        };

    private static JsonObject Profile(FakeAccount account)
        => new() { ["did"] = account.Did, ["handle"] = account.Handle, ["displayName"] = account.Handle.Split('.')[0], ["createdAt"] = Iso(account.CreatedAt) };

    private IResponseMessage WithRateLimit(IResponseMessage response)
    {
        if (response is ResponseMessage message && !message.Headers!.ContainsKey("RateLimit-Limit"))
        {
            message.AddHeader("RateLimit-Limit", "3000");
            message.AddHeader("RateLimit-Remaining", Math.Max(0, 3000 - TotalRequests).ToString(CultureInfo.InvariantCulture));
            message.AddHeader("RateLimit-Reset", DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            message.AddHeader("RateLimit-Policy", "3000;w=300");
        }

        return response;
    }

    private string Tid()
    {
        // Sortable like a real TID: a growing number in base32-sortable, 13 characters.
        var value = (clock.ToUnixTimeMilliseconds() * 1000) + (sequence++ % 1000);
        var chars = new char[13];
        for (var i = 12; i >= 0; i--)
        {
            chars[i] = Base32[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }

    private DateTimeOffset Tick() => clock = clock.AddSeconds(1);

    private static string? Header(IRequestMessage request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static JsonNode? JsonBody(IRequestMessage request)
    {
        try
        {
            return string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Call(IRequestMessage Request, IReadOnlyDictionary<string, IReadOnlyList<string>> QueryValues, (FakeAccount? Account, IResponseMessage? Failure) Auth)
    {
        public string? Query(string name) => QueryValues.TryGetValue(name, out var values) ? values[^1] : null;

        public IReadOnlyList<string> Values(string name) => QueryValues.TryGetValue(name, out var values) ? values : [];
    }
}

internal sealed record FakeAccount(string Did, string Handle, string Password, DateTimeOffset CreatedAt);

internal sealed class FakeToken(string did)
{
    public string Did { get; } = did;

    public bool Expired { get; set; }
}

internal sealed record FakePost(string Uri, string Cid, string Did, JsonObject Record, DateTimeOffset IndexedAt)
{
    public string Text => Record["text"]?.GetValue<string>() ?? string.Empty;
}

internal sealed record FakeMessage(string Id, string Sender, string Recipient, string Text, DateTimeOffset SentAt);
