using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace ExampleSocial.Tests;

/// <summary>
/// A stateful stand-in for the ExampleSocial API on WireMock.Net: accounts and tokens (valid, expired, revoked), posts
/// with threads and idempotency keys, polls and votes, direct messages with inboxes, search and cursor paging. It
/// keeps what it is sent, so the conformance suite reads back what the connector wrote.
/// </summary>
internal sealed class FakeExampleSocial : IDisposable
{
    private const int MaxPostLength = 500;

    private readonly object gate = new();
    private readonly List<(string Method, Regex Pattern, Func<Call, ResponseMessage> Handle)> routes = [];
    private readonly Dictionary<string, FakeAccount> accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeToken> tokens = new(StringComparer.Ordinal);
    private readonly List<FakePost> posts = [];
    private readonly Dictionary<string, FakePoll> polls = new(StringComparer.Ordinal);
    private readonly List<FakeMessage> messages = [];
    private readonly Dictionary<(string Account, string Key), string> idempotency = [];
    private readonly Queue<ResponseMessage> faults = new();
    private long nextId = 1000;
    private DateTimeOffset clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public FakeExampleSocial()
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            Logger = new WireMockNullLogger(),
        });
        Url = new Uri(Server.Url! + "/");
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(Dispatch));
        Map("GET", "/v1/me", c => Json(200, AccountJson(c.Caller)));
        Map("POST", "/v1/posts", CreatePost);
        Map("GET", "/v1/posts/{id}/replies", Replies);
        Map("GET", "/v1/polls/{id}", c => polls.TryGetValue(c.Id, out var poll) ? Json(200, PollJson(poll)) : Error(404, "not_found", "No such poll."));
        Map("POST", "/v1/polls/{id}/votes", Vote);
        Map("POST", "/v1/messages", SendMessage);
        Map("GET", "/v1/messages", c => Json(200, new JsonObject { ["items"] = new JsonArray([.. messages.Where(m => m.To == c.Caller.Id).Select(MessageJson)]) }));
        Map("GET", "/v1/search", Search);
    }

    public WireMockServer Server { get; }

    public Uri Url { get; }

    /// <summary>How many posts the fake holds, replies and polls included.</summary>
    public int PostCount
    {
        get
        {
            lock (gate)
            {
                return posts.Count;
            }
        }
    }

    /// <summary>Forgets every account, token, post, poll, message and queued fault.</summary>
    public void Reset()
    {
        lock (gate)
        {
            accounts.Clear();
            tokens.Clear();
            posts.Clear();
            polls.Clear();
            messages.Clear();
            idempotency.Clear();
            faults.Clear();
        }

        Server.ResetLogEntries();
    }

    /// <summary>Creates an account and a valid token for it.</summary>
    public (FakeAccount Account, string Token) AddAccount(string handle, string? displayName = null)
    {
        lock (gate)
        {
            var account = new FakeAccount(NewId(), handle, displayName ?? handle, Tick());
            accounts[account.Id] = account;
            var token = "es_" + Guid.NewGuid().ToString("N");
            tokens[token] = new FakeToken(account.Id);
            return (account, token);
        }
    }

    public void ExpireToken(string token)
    {
        lock (gate)
        {
            tokens[token].Expired = true;
        }
    }

    public void RevokeToken(string token)
    {
        lock (gate)
        {
            tokens[token].Revoked = true;
        }
    }

    /// <summary>Answers the next request with <paramref name="status"/> instead of serving it.</summary>
    public void FailNext(int status, string error, int? retryAfterSeconds = null, string? message = null)
    {
        var response = Error(status, error, message ?? "Injected failure.");
        if (retryAfterSeconds is { } seconds)
        {
            response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            response.AddHeader("X-RateLimit-Limit", "300");
            response.AddHeader("X-RateLimit-Remaining", "0");
            response.AddHeader("X-RateLimit-Reset", (clock.ToUnixTimeSeconds() + seconds).ToString(CultureInfo.InvariantCulture));
        }

        lock (gate)
        {
            faults.Enqueue(response);
        }
    }

    public void Dispose() => Server.Stop();

    private IResponseMessage Dispatch(IRequestMessage request)
    {
        lock (gate)
        {
            if (faults.TryDequeue(out var fault))
            {
                return fault;
            }

            var method = request.Method.ToUpperInvariant();
            var route = routes.FirstOrDefault(r => r.Method == method && r.Pattern.IsMatch(request.AbsolutePath));
            if (route.Pattern is null)
            {
                return Error(404, "no_route", "No such endpoint.");
            }

            var header = Header(request, "Authorization");
            if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal) || !tokens.TryGetValue(header["Bearer ".Length..], out var token))
            {
                return Error(401, "invalid_token", "The access token is not valid.");
            }

            if (token.Revoked || token.Expired)
            {
                return Error(401, token.Revoked ? "token_revoked" : "token_expired", "The access token can no longer be used.");
            }

            return route.Handle(new Call(request, route.Pattern.Match(request.AbsolutePath), accounts[token.AccountId]));
        }
    }

    private void Map(string method, string template, Func<Call, ResponseMessage> handle)
        => routes.Add((method, new Regex("^" + Regex.Escape(template).Replace(@"\{id}", "(?<id>[^/]+)", StringComparison.Ordinal) + "$"), handle));

    private ResponseMessage CreatePost(Call call)
    {
        var body = ParseBody(call.Request);
        var text = body?["text"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxPostLength)
        {
            return Error(422, "invalid_text", $"Text must hold 1 to {MaxPostLength} characters.");
        }

        var key = Header(call.Request, "Idempotency-Key");
        if (key is not null && idempotency.TryGetValue((call.Caller.Id, key), out var existing))
        {
            return Json(200, PostJson(posts.Single(p => p.Id == existing)));
        }

        var replyTo = body!["reply_to"]?.GetValue<string>();
        if (replyTo is not null && posts.All(p => p.Id != replyTo))
        {
            return Error(404, "not_found", "The post replied to does not exist.");
        }

        var post = new FakePost(NewId(), call.Caller, text, Tick(), replyTo, body["visibility"]?.GetValue<string>() ?? "public");
        if (body["poll"] is JsonObject pollNode)
        {
            var options = pollNode["options"]!.AsArray().Select(o => o!.GetValue<string>()).ToList();
            var seconds = pollNode["expires_in"]!.GetValue<long>();
            if (options.Count is < 2 or > 4 || options.Any(o => o.Length is 0 or > 50) || seconds < 300 || seconds > 7 * 24 * 3600)
            {
                return Error(422, "invalid_poll", "The poll does not fit the limits.");
            }

            var poll = new FakePoll(NewId(), options, post.CreatedAt.AddSeconds(seconds), pollNode["multiple"]?.GetValue<bool>() ?? false);
            polls[poll.Id] = poll;
            post.PollId = poll.Id;
        }

        posts.Add(post);
        if (key is not null)
        {
            idempotency[(call.Caller.Id, key)] = post.Id;
        }

        return Json(201, PostJson(post));
    }

    private ResponseMessage Replies(Call call)
    {
        if (posts.All(p => p.Id != call.Id))
        {
            return Error(404, "not_found", "No such post.");
        }

        var thread = new List<FakePost>();
        var parents = new HashSet<string>(StringComparer.Ordinal) { call.Id };
        foreach (var post in posts.OrderBy(p => p.CreatedAt))
        {
            if (post.ReplyTo is not null && parents.Contains(post.ReplyTo))
            {
                thread.Add(post);
                parents.Add(post.Id);
            }
        }

        return Page(call, thread);
    }

    private ResponseMessage Search(Call call)
    {
        var query = Query(call.Request);
        var q = query.GetValueOrDefault("q");
        if (string.IsNullOrWhiteSpace(q))
        {
            return Error(422, "invalid_query", "q is required.");
        }

        DateTimeOffset? since = query.TryGetValue("since", out var s) ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : null;
        var found = posts
            .Where(p => p.Visibility == "public" && p.Text.Contains(q, StringComparison.OrdinalIgnoreCase) && (since is null || p.CreatedAt >= since))
            .OrderByDescending(p => p.CreatedAt)
            .ToList();
        return Page(call, found);
    }

    private ResponseMessage Page(Call call, List<FakePost> items)
    {
        // The cursor is the id of the last post served, so a page boundary survives posts added in between.
        var query = Query(call.Request);
        var limit = query.TryGetValue("limit", out var l) ? Math.Clamp(int.Parse(l, CultureInfo.InvariantCulture), 1, 100) : 20;
        var start = 0;
        if (query.TryGetValue("cursor", out var cursor))
        {
            var index = items.FindIndex(p => p.Id == cursor);
            if (index < 0)
            {
                return Error(422, "invalid_cursor", "The cursor is not valid for this listing.");
            }

            start = index + 1;
        }

        var page = items.Skip(start).Take(limit).ToList();
        var more = start + page.Count < items.Count;
        return Json(200, new JsonObject
        {
            ["items"] = new JsonArray([.. page.Select(PostJson)]),
            ["next_cursor"] = more ? page[^1].Id : null,
        });
    }

    private ResponseMessage Vote(Call call)
    {
        if (!polls.TryGetValue(call.Id, out var poll))
        {
            return Error(404, "not_found", "No such poll.");
        }

        var choices = ParseBody(call.Request)?["choices"]?.AsArray().Select(c => c!.GetValue<int>()).ToList() ?? [];
        if (choices.Count == 0 || choices.Any(c => c < 0 || c >= poll.Options.Count) || (!poll.Multiple && choices.Count > 1) || !poll.Voters.Add(call.Caller.Id))
        {
            return Error(422, "invalid_vote", "The vote is not valid.");
        }

        foreach (var choice in choices)
        {
            poll.Votes[choice]++;
        }

        return Json(200, PollJson(poll));
    }

    private ResponseMessage SendMessage(Call call)
    {
        var body = ParseBody(call.Request);
        var to = body?["to"]?.GetValue<string>();
        var text = body?["text"]?.GetValue<string>();
        if (to is null || !accounts.ContainsKey(to))
        {
            return Error(404, "not_found", "No such account.");
        }

        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxPostLength)
        {
            return Error(422, "invalid_text", $"Text must hold 1 to {MaxPostLength} characters.");
        }

        var key = Header(call.Request, "Idempotency-Key");
        if (key is not null && idempotency.TryGetValue((call.Caller.Id, "dm:" + key), out var existing))
        {
            return Json(200, MessageJson(messages.Single(m => m.Id == existing)));
        }

        var message = new FakeMessage(NewId(), call.Caller.Id, to, text, Tick());
        messages.Add(message);
        if (key is not null)
        {
            idempotency[(call.Caller.Id, "dm:" + key)] = message.Id;
        }

        return Json(201, MessageJson(message));
    }

    private string NewId() => (++nextId).ToString(CultureInfo.InvariantCulture);

    private DateTimeOffset Tick() => clock = clock.AddSeconds(1);

    private static JsonObject AccountJson(FakeAccount a) => new()
    {
        ["id"] = a.Id,
        ["handle"] = a.Handle,
        ["display_name"] = a.DisplayName,
        ["created_at"] = Iso(a.CreatedAt),
        ["locale"] = "en-US",
    };

    private static JsonObject PostJson(FakePost p) => new()
    {
        ["id"] = p.Id,
        ["author"] = new JsonObject { ["id"] = p.Author.Id, ["handle"] = p.Author.Handle, ["created_at"] = Iso(p.Author.CreatedAt) },
        ["text"] = p.Text,
        ["created_at"] = Iso(p.CreatedAt),
        ["reply_to"] = p.ReplyTo,
        ["poll_id"] = p.PollId,
        ["url"] = $"https://examplesocial.test/p/{p.Id}",
    };

    private JsonObject PollJson(FakePoll p) => new()
    {
        ["id"] = p.Id,
        ["options"] = new JsonArray([.. p.Options.Select((title, i) => (JsonNode)new JsonObject { ["title"] = title, ["votes"] = p.Votes[i] })]),
        ["voters"] = p.Voters.Count,
        ["expires_at"] = Iso(p.ExpiresAt),
        ["closed"] = p.ExpiresAt <= clock,
        ["multiple"] = p.Multiple,
    };

    private static JsonObject MessageJson(FakeMessage m) => new() { ["id"] = m.Id, ["to"] = m.To, ["text"] = m.Text, ["sent_at"] = Iso(m.SentAt) };

    private static ResponseMessage Json(int status, JsonNode body)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body.ToJsonString(), DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
            Headers = new Dictionary<string, WireMockList<string>>(),
        };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        return response;
    }

    private static ResponseMessage Error(int status, string error, string message) => Json(status, new JsonObject { ["error"] = error, ["message"] = message });

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Header(IRequestMessage request, string name)
        => request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    private static JsonNode? ParseBody(IRequestMessage request)
    {
        try
        {
            return string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, string> Query(IRequestMessage request)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (request.RawQuery ?? string.Empty).TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            result[Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
        }

        return result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Call(IRequestMessage Request, Match Match, FakeAccount Caller)
    {
        public string Id => Uri.UnescapeDataString(Match.Groups["id"].Value);
    }

    private sealed class FakeToken(string accountId)
    {
        public string AccountId { get; } = accountId;

        public bool Expired { get; set; }

        public bool Revoked { get; set; }
    }

    private sealed record FakePost(string Id, FakeAccount Author, string Text, DateTimeOffset CreatedAt, string? ReplyTo, string Visibility)
    {
        public string? PollId { get; set; }
    }

    private sealed record FakePoll(string Id, List<string> Options, DateTimeOffset ExpiresAt, bool Multiple)
    {
        public int[] Votes { get; } = new int[Options.Count];

        public HashSet<string> Voters { get; } = new(StringComparer.Ordinal);
    }

    private sealed record FakeMessage(string Id, string From, string To, string Text, DateTimeOffset SentAt);
}

/// <summary>An account on the fake.</summary>
internal sealed record FakeAccount(string Id, string Handle, string DisplayName, DateTimeOffset CreatedAt);
