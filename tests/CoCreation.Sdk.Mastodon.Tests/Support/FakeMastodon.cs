using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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

namespace CoCreation.Sdk.Mastodon.Tests.Support;

/// <summary>
/// A stateful stand-in for one Mastodon instance on WireMock.Net: accounts and tokens, statuses with replies,
/// mentions and direct messages, polls and votes, search, notifications and OAuth. Every request goes through one
/// callback mapping, so the fake counts requests before it answers and tests can inject faults per route.
/// </summary>
internal sealed partial class FakeMastodon : IDisposable
{
    /// <summary>Set on responses that are wrong on purpose, so the contract check skips their bodies.</summary>
    public const string DeliberatelyInvalidHeader = "X-Fake-Deliberately-Invalid";

    private readonly object gate = new();
    private readonly List<Route> routes = [];
    private readonly List<Interceptor> interceptors = [];
    private readonly Dictionary<string, FakeAccount> accounts = [];
    private readonly Dictionary<string, FakeToken> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeStatus> statuses = [];
    private readonly Dictionary<string, FakePoll> polls = [];
    private readonly List<FakeNotification> notifications = [];
    private readonly Dictionary<(string Account, string Key), string> idempotency = [];
    private readonly Dictionary<string, FakeApp> apps = [];
    private readonly Dictionary<string, FakeGrant> grants = [];
    private readonly Dictionary<string, int> requestCounts = [];
    private long nextId = 110_000_000_000_000_000;
    private DateTimeOffset clock = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    private int totalRequests;

    public FakeMastodon(FakeInstanceLimits? limits = null)
    {
        Limits = limits ?? new FakeInstanceLimits();
        var port = FreePort();
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
            Logger = new WireMockNullLogger(),
            MaxRequestLogCount = 5000,
        });
        Url = new Uri(Server.Url! + "/");
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithCallback(DispatchAsync));
        MapRoutes();
    }

    public WireMockServer Server { get; }

    public Uri Url { get; }

    public string Domain => "fashion.test";

    public FakeInstanceLimits Limits { get; set; }

    /// <summary>Requests answered (or being answered) since the last <see cref="Reset"/>.</summary>
    public int TotalRequests => Volatile.Read(ref totalRequests);

    public int RequestsTo(string method, string template)
    {
        lock (gate)
        {
            return requestCounts.GetValueOrDefault($"{method} {template}");
        }
    }

    /// <summary>Forgets every request, fault and count; keeps accounts and content unless <paramref name="content"/> is set.</summary>
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
                tokens.Clear();
                statuses.Clear();
                polls.Clear();
                notifications.Clear();
                idempotency.Clear();
                apps.Clear();
                grants.Clear();
            }
        }

        Server.ResetLogEntries();
    }

    /// <summary>
    /// Answers requests to a route with <paramref name="respond"/> instead of the fake's own logic, where it returns a
    /// response; <see langword="null"/> lets the fake answer. The attempt number counts requests to the route from 1.
    /// </summary>
    public void Intercept(string method, string template, Func<IRequestMessage, int, Task<IResponseMessage?>> respond)
    {
        lock (gate)
        {
            interceptors.Add(new Interceptor(method, template, respond));
        }
    }

    /// <summary>Waits (bounded) until WireMock has logged every request the fake answered; it logs after responding.</summary>
    public IReadOnlyList<ILogEntry> WaitForLog()
    {
        SpinWait.SpinUntil(() => Server.LogEntries.Count() >= TotalRequests, TimeSpan.FromSeconds(5));
        return Server.LogEntries.ToList();
    }

    public (FakeAccount Account, string Token) AddAccount(string username, string? displayName = null)
    {
        lock (gate)
        {
            var account = new FakeAccount(NewId(), username, displayName ?? username, Tick());
            accounts[account.Id] = account;
            return (account, IssueTokenLocked(account.Id, "read write"));
        }
    }

    public string IssueToken(string accountId, string scope = "read write")
    {
        lock (gate)
        {
            return IssueTokenLocked(accountId, scope);
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

    public bool IsRevoked(string token)
    {
        lock (gate)
        {
            return tokens.TryGetValue(token, out var state) && state.Revoked;
        }
    }

    /// <summary>Ends a poll now and tells its author, as the instance does when a poll expires.</summary>
    public void EndPoll(string pollId)
    {
        lock (gate)
        {
            var poll = polls[pollId];
            poll.ExpiresAt = Tick();
            var status = statuses[poll.StatusId];
            notifications.Add(new FakeNotification(NewId(), status.AccountId, "poll", status.AccountId, status.Id, Tick()));
        }
    }

    /// <summary>Plays the member approving an authorization request in the browser; returns the code the redirect carries.</summary>
    public string Approve(Uri authorizeUrl, string accountId)
    {
        var query = ParseQuery(authorizeUrl.Query);
        lock (gate)
        {
            var code = "code-" + NewId();
            grants[code] = new FakeGrant(query["client_id"], query["redirect_uri"], query.GetValueOrDefault("code_challenge"), query["scope"], accountId);
            return code;
        }
    }

    public IReadOnlyList<string> StatusTexts()
    {
        lock (gate)
        {
            return statuses.Values.Select(s => s.Text).ToList();
        }
    }

    public void Dispose() => Server.Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<IResponseMessage> DispatchAsync(IRequestMessage request)
    {
        Interlocked.Increment(ref totalRequests);
        var path = request.AbsolutePath;
        var method = request.Method.ToUpperInvariant();
        var route = routes.FirstOrDefault(r => r.Method == method && r.Pattern.IsMatch(path));
        if (route is null)
        {
            return Error(404, "Record not found");
        }

        Interceptor[] active;
        int attempt;
        lock (gate)
        {
            var key = $"{method} {route.Template}";
            attempt = requestCounts[key] = requestCounts.GetValueOrDefault(key) + 1;
            active = interceptors.Where(i => i.Method == method && i.Template == route.Template).ToArray();
        }

        foreach (var interceptor in active)
        {
            if (await interceptor.Respond(request, attempt).ConfigureAwait(false) is { } intercepted)
            {
                return intercepted;
            }
        }

        var match = route.Pattern.Match(path);
        FakeAccount? caller = null;
        if (route.Auth != AuthRule.None)
        {
            var (account, failure) = Authenticate(request);
            if (account is null && (route.Auth == AuthRule.Required || failure is not null))
            {
                return Error(401, failure ?? "The access token is invalid");
            }

            caller = account;
        }

        lock (gate)
        {
            return WithRateLimit(route.Handle(new Call(request, match, caller)));
        }
    }

    private (FakeAccount? Account, string? Failure) Authenticate(IRequestMessage request)
    {
        var header = request.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        if (header is null)
        {
            return (null, null);
        }

        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (null, "The access token is invalid");
        }

        lock (gate)
        {
            if (!tokens.TryGetValue(header["Bearer ".Length..], out var token))
            {
                return (null, "The access token is invalid");
            }

            if (token.Revoked)
            {
                return (null, "The access token was revoked");
            }

            if (token.Expired)
            {
                return (null, "The access token expired");
            }

            return (accounts[token.AccountId], null);
        }
    }

    private void MapRoutes()
    {
        Map("GET", "/api/v2/instance", AuthRule.None, _ => Json(200, InstanceJson()));
        Map("GET", "/api/v1/accounts/verify_credentials", AuthRule.Required, c => Json(200, AccountJson(c.Caller!, credential: true)));
        Map("GET", "/api/v1/accounts/{id}", AuthRule.Optional, c => accounts.TryGetValue(c.Id, out var a) ? Json(200, AccountJson(a, credential: false)) : Error(404, "Record not found"));
        Map("POST", "/api/v1/statuses", AuthRule.Required, CreateStatus);
        Map("GET", "/api/v1/statuses/{id}/context", AuthRule.Optional, Context);
        Map("GET", "/api/v1/polls/{id}", AuthRule.Optional, c => polls.TryGetValue(c.Id, out var p) ? Json(200, PollJson(p, c.Caller)) : Error(404, "Record not found"));
        Map("POST", "/api/v1/polls/{id}/votes", AuthRule.Required, Vote);
        Map("GET", "/api/v2/search", AuthRule.Required, Search);
        Map("GET", "/api/v1/notifications", AuthRule.Required, Notifications);
        Map("GET", "/api/v1/conversations", AuthRule.Required, Conversations);
        Map("POST", "/api/v1/apps", AuthRule.None, CreateApp);
        Map("POST", "/oauth/token", AuthRule.None, CreateToken);
        Map("POST", "/oauth/revoke", AuthRule.None, Revoke);
    }

    private void Map(string method, string template, AuthRule auth, Func<Call, IResponseMessage> handle)
    {
        var pattern = "^" + Regex.Escape(template).Replace(@"\{id}", "(?<id>[^/]+)", StringComparison.Ordinal) + "$";
        routes.Add(new Route(method, template, new Regex(pattern), auth, handle));
    }

    private IResponseMessage CreateStatus(Call call)
    {
        var author = call.Caller!;
        var body = ParseJsonBody(call.Request);
        if (body is null)
        {
            return Error(422, "Validation failed: the body is not JSON");
        }

        var key = call.Header("Idempotency-Key");
        if (key is not null && idempotency.TryGetValue((author.Id, key), out var existing))
        {
            return Json(200, StatusJson(statuses[existing], author));
        }

        var text = body["status"]?.GetValue<string>() ?? string.Empty;
        var pollNode = body["poll"] as JsonObject;
        if (string.IsNullOrWhiteSpace(text) && pollNode is null)
        {
            return Error(422, "Validation failed: Text can't be blank");
        }

        if (CountLength(text) > Limits.MaxCharacters)
        {
            return Error(422, $"Validation failed: Text character limit of {Limits.MaxCharacters} exceeded");
        }

        var inReplyTo = body["in_reply_to_id"]?.GetValue<string>();
        if (inReplyTo is not null && !statuses.ContainsKey(inReplyTo))
        {
            return Error(404, "Record not found");
        }

        FakePoll? poll = null;
        var created = Tick();
        if (pollNode is not null)
        {
            var options = (pollNode["options"] as JsonArray)?.Select(o => o!.GetValue<string>()).ToList() ?? [];
            var expiresIn = pollNode["expires_in"]?.GetValue<int>() ?? 0;
            if (options.Count < 2 || options.Count > Limits.MaxPollOptions)
            {
                return Error(422, $"Validation failed: Poll must have between 2 and {Limits.MaxPollOptions} options");
            }

            if (options.Any(o => o.Length > Limits.MaxPollOptionLength))
            {
                return Error(422, "Validation failed: Poll option is too long");
            }

            if (expiresIn < Limits.MinPollSeconds || expiresIn > Limits.MaxPollSeconds)
            {
                return Error(422, "Validation failed: Poll duration is out of range");
            }

            poll = new FakePoll(NewId(), options, pollNode["multiple"]?.GetValue<bool>() ?? false, created.AddSeconds(expiresIn));
        }

        var visibility = body["visibility"]?.GetValue<string>() ?? "public";
        var mentioned = MentionedAccounts(text);
        var status = new FakeStatus(NewId(), author.Id, text, visibility, inReplyTo, created, poll?.Id, mentioned.Select(a => a.Id).ToList(), body["language"]?.GetValue<string>());
        statuses[status.Id] = status;
        if (poll is not null)
        {
            poll.StatusId = status.Id;
            polls[poll.Id] = poll;
        }

        foreach (var account in mentioned.Where(a => a.Id != author.Id))
        {
            notifications.Add(new FakeNotification(NewId(), account.Id, "mention", author.Id, status.Id, created));
        }

        if (key is not null)
        {
            idempotency[(author.Id, key)] = status.Id;
        }

        return Json(200, StatusJson(status, author));
    }

    private IResponseMessage Context(Call call)
    {
        if (!statuses.TryGetValue(call.Id, out var root))
        {
            return Error(404, "Record not found");
        }

        var ancestors = new List<FakeStatus>();
        for (var parent = root.InReplyToId; parent is not null && statuses.TryGetValue(parent, out var p); parent = p.InReplyToId)
        {
            ancestors.Insert(0, p);
        }

        // Depth first, as Mastodon orders a thread: not the same as oldest first once replies branch.
        var descendants = new List<FakeStatus>();
        void Walk(string id)
        {
            foreach (var child in statuses.Values.Where(s => s.InReplyToId == id).OrderByDescending(s => s.CreatedAt))
            {
                if (Visible(child, call.Caller))
                {
                    descendants.Add(child);
                    Walk(child.Id);
                }
            }
        }

        Walk(root.Id);
        return Json(200, new JsonObject
        {
            ["ancestors"] = new JsonArray(ancestors.Select(s => (JsonNode)StatusJson(s, call.Caller)).ToArray()),
            ["descendants"] = new JsonArray(descendants.Select(s => (JsonNode)StatusJson(s, call.Caller)).ToArray()),
        });
    }

    private IResponseMessage Vote(Call call)
    {
        if (!polls.TryGetValue(call.Id, out var poll))
        {
            return Error(404, "Record not found");
        }

        var choices = (ParseJsonBody(call.Request)?["choices"] as JsonArray)?.Select(c => c!.GetValue<int>()).ToList() ?? [];
        if (choices.Count == 0 || choices.Any(c => c < 0 || c >= poll.Options.Count) || (!poll.Multiple && choices.Count > 1))
        {
            return Error(422, "Validation failed: invalid choices");
        }

        if (poll.ExpiresAt <= clock || !poll.Voters.Add(call.Caller!.Id))
        {
            return Error(422, "Validation failed: You have already voted on this poll");
        }

        foreach (var choice in choices)
        {
            poll.Votes[choice]++;
        }

        poll.OwnVotes[call.Caller.Id] = choices;
        return Json(200, PollJson(poll, call.Caller));
    }

    private IResponseMessage Search(Call call)
    {
        var query = ParseQuery(call.Request.RawQuery);
        var q = query.GetValueOrDefault("q") ?? string.Empty;
        if (string.IsNullOrWhiteSpace(q))
        {
            return Error(422, "Validation failed: q is required");
        }

        var limit = Math.Clamp(int.Parse(query.GetValueOrDefault("limit") ?? "20", CultureInfo.InvariantCulture), 1, 40);
        var maxId = query.GetValueOrDefault("max_id");
        var found = statuses.Values
            .Where(s => s.Visibility == "public" && s.Text.Contains(q, StringComparison.OrdinalIgnoreCase))
            .Where(s => maxId is null || CompareIds(s.Id, maxId) < 0)
            .OrderByDescending(s => s.Id, Comparer<string>.Create(CompareIds))
            .Take(limit)
            .Select(s => (JsonNode)StatusJson(s, call.Caller))
            .ToArray();
        return Json(200, new JsonObject { ["accounts"] = new JsonArray(), ["statuses"] = new JsonArray(found), ["hashtags"] = new JsonArray() });
    }

    private IResponseMessage Notifications(Call call)
    {
        var query = ParseQueryMulti(call.Request.RawQuery);
        var types = query.GetValueOrDefault("types[]") ?? query.GetValueOrDefault("types") ?? [];
        var limit = Math.Clamp(int.Parse(query.GetValueOrDefault("limit")?.FirstOrDefault() ?? "40", CultureInfo.InvariantCulture), 1, 80);
        var minId = query.GetValueOrDefault("min_id")?.FirstOrDefault();
        var maxId = query.GetValueOrDefault("max_id")?.FirstOrDefault();
        var mine = notifications
            .Where(n => n.AccountId == call.Caller!.Id && (types.Count == 0 || types.Contains(n.Type)))
            .Where(n => maxId is null || CompareIds(n.Id, maxId) < 0)
            .OrderBy(n => n.Id, Comparer<string>.Create(CompareIds))
            .ToList();
        var page = minId is not null
            ? mine.Where(n => CompareIds(n.Id, minId) > 0).Take(limit).ToList()
            : mine.TakeLast(limit).ToList();
        page.Reverse();
        var response = Json(200, new JsonArray(page.Select(n => (JsonNode)NotificationJson(n, call.Caller)).ToArray()));
        if (page.Count > 0)
        {
            var self = new Uri(Url, "api/v1/notifications");
            response.AddHeader("Link", $"<{self}?max_id={page[^1].Id}>; rel=\"next\", <{self}?min_id={page[0].Id}>; rel=\"prev\"");
        }

        return response;
    }

    private IResponseMessage Conversations(Call call)
    {
        var caller = call.Caller!;
        var direct = statuses.Values
            .Where(s => s.Visibility == "direct" && (s.AccountId == caller.Id || s.MentionIds.Contains(caller.Id)))
            .OrderByDescending(s => s.Id, Comparer<string>.Create(CompareIds))
            .Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["unread"] = s.AccountId != caller.Id,
                ["accounts"] = new JsonArray(s.MentionIds.Append(s.AccountId).Distinct().Where(id => id != caller.Id).Select(id => (JsonNode)AccountJson(accounts[id], false)).ToArray()),
                ["last_status"] = StatusJson(s, caller),
            })
            .ToArray();
        return Json(200, new JsonArray(direct));
    }

    private IResponseMessage CreateApp(Call call)
    {
        var body = ParseJsonBody(call.Request);
        var name = body?["client_name"]?.GetValue<string>();
        var redirects = body?["redirect_uris"] switch
        {
            JsonArray array => array.Select(r => r!.GetValue<string>()).ToList(),
            JsonValue single => single.GetValue<string>().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList(),
            _ => [],
        };
        if (string.IsNullOrWhiteSpace(name) || redirects.Count == 0)
        {
            return Error(422, "Validation failed: Name can't be blank, Redirect URI can't be blank");
        }

        var scopes = (body?["scopes"]?.GetValue<string>() ?? "read").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var app = new FakeApp(NewId(), name, "client-" + NewId(), "secret-" + NewId(), redirects, scopes);
        apps[app.ClientId] = app;
        return Json(200, new JsonObject
        {
            ["id"] = app.Id,
            ["name"] = app.Name,
            ["website"] = body?["website"]?.GetValue<string>(),
            ["scopes"] = new JsonArray(scopes.Select(s => (JsonNode)s).ToArray()),
            ["redirect_uri"] = string.Join('\n', redirects),
            ["redirect_uris"] = new JsonArray(redirects.Select(r => (JsonNode)r).ToArray()),
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.ClientSecret,
            ["client_secret_expires_at"] = 0,
            ["vapid_key"] = "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
        });
    }

    private IResponseMessage CreateToken(Call call)
    {
        var body = ParseJsonBody(call.Request);
        var clientId = body?["client_id"]?.GetValue<string>();
        if (clientId is null || !apps.TryGetValue(clientId, out var app) || app.ClientSecret != body?["client_secret"]?.GetValue<string>())
        {
            return Error(401, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");
        }

        var code = body?["code"]?.GetValue<string>();
        if (body?["grant_type"]?.GetValue<string>() != "authorization_code" || code is null || !grants.Remove(code, out var grant)
            || grant.ClientId != clientId || grant.RedirectUri != body["redirect_uri"]?.GetValue<string>()
            || (grant.CodeChallenge is not null && Challenge(body["code_verifier"]?.GetValue<string>() ?? string.Empty) != grant.CodeChallenge))
        {
            return Error(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
        }

        var token = IssueTokenLocked(grant.AccountId, grant.Scope);
        return Json(200, new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["scope"] = grant.Scope, ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
    }

    private IResponseMessage Revoke(Call call)
    {
        var body = ParseJsonBody(call.Request);
        var clientId = body?["client_id"]?.GetValue<string>();
        if (clientId is null || !apps.TryGetValue(clientId, out var app) || app.ClientSecret != body?["client_secret"]?.GetValue<string>())
        {
            return Error(403, "unauthorized_client", "You are not authorized to revoke this token");
        }

        if (body?["token"]?.GetValue<string>() is { } token && tokens.TryGetValue(token, out var state))
        {
            state.Revoked = true;
        }

        return Json(200, new JsonObject());
    }

    private JsonObject InstanceJson() => new()
    {
        ["domain"] = Domain,
        ["title"] = "Fashion Social (fake)",
        ["version"] = "4.5.0",
        ["source_url"] = "https://github.com/mastodon/mastodon",
        ["description"] = "A stand-in instance for CoCreation.Sdk tests.",
        ["usage"] = new JsonObject { ["users"] = new JsonObject { ["active_month"] = accounts.Count } },
        ["thumbnail"] = new JsonObject { ["url"] = $"https://{Domain}/thumbnail.png" },
        ["icon"] = new JsonArray(new JsonObject { ["src"] = $"https://{Domain}/icon-36.png", ["size"] = "36x36" }),
        ["languages"] = new JsonArray("ko", "en"),
        ["configuration"] = new JsonObject
        {
            ["urls"] = new JsonObject { ["streaming"] = $"wss://{Domain}", ["status"] = null },
            ["accounts"] = new JsonObject { ["max_featured_tags"] = 10, ["max_pinned_statuses"] = 5 },
            ["statuses"] = new JsonObject { ["max_characters"] = Limits.MaxCharacters, ["max_media_attachments"] = 4, ["characters_reserved_per_url"] = 23 },
            ["media_attachments"] = new JsonObject
            {
                ["supported_mime_types"] = new JsonArray("image/jpeg", "image/png"),
                ["image_size_limit"] = 16777216,
                ["image_matrix_limit"] = 33177600,
                ["video_size_limit"] = 103809024,
                ["video_frame_rate_limit"] = 120,
                ["video_matrix_limit"] = 8294400,
            },
            ["polls"] = new JsonObject
            {
                ["max_options"] = Limits.MaxPollOptions,
                ["max_characters_per_option"] = Limits.MaxPollOptionLength,
                ["min_expiration"] = Limits.MinPollSeconds,
                ["max_expiration"] = Limits.MaxPollSeconds,
            },
            ["translation"] = new JsonObject { ["enabled"] = false },
        },
        ["registrations"] = new JsonObject { ["enabled"] = false, ["approval_required"] = false, ["message"] = null },
        ["api_versions"] = new JsonObject { ["mastodon"] = 6 },
        ["contact"] = new JsonObject { ["email"] = $"admin@{Domain}", ["account"] = null },
        ["rules"] = new JsonArray(new JsonObject { ["id"] = "1", ["text"] = "Be kind.", ["hint"] = string.Empty }),
    };

    private JsonObject AccountJson(FakeAccount account, bool credential)
    {
        var json = new JsonObject
        {
            ["id"] = account.Id,
            ["username"] = account.Username,
            ["acct"] = account.Username,
            ["display_name"] = account.DisplayName,
            ["locked"] = false,
            ["bot"] = false,
            ["discoverable"] = true,
            ["indexable"] = true,
            ["group"] = false,
            ["created_at"] = Iso(account.CreatedAt),
            ["note"] = string.Empty,
            ["url"] = $"https://{Domain}/@{account.Username}",
            ["uri"] = $"https://{Domain}/users/{account.Username}",
            ["avatar"] = $"https://{Domain}/avatars/original/missing.png",
            ["avatar_static"] = $"https://{Domain}/avatars/original/missing.png",
            ["header"] = $"https://{Domain}/headers/original/missing.png",
            ["header_static"] = $"https://{Domain}/headers/original/missing.png",
            ["followers_count"] = 0,
            ["following_count"] = 0,
            ["statuses_count"] = statuses.Values.Count(s => s.AccountId == account.Id),
            ["last_status_at"] = null,
            ["emojis"] = new JsonArray(),
            ["fields"] = new JsonArray(),
        };
        if (credential)
        {
            json["source"] = new JsonObject
            {
                ["privacy"] = "public",
                ["sensitive"] = false,
                ["language"] = "ko",
                ["note"] = string.Empty,
                ["fields"] = new JsonArray(),
                ["follow_requests_count"] = 0,
                ["indexable"] = true,
            };
            json["role"] = new JsonObject { ["id"] = "-99", ["name"] = string.Empty, ["permissions"] = "0", ["color"] = string.Empty, ["highlighted"] = false };
        }

        return json;
    }

    private JsonObject StatusJson(FakeStatus status, FakeAccount? viewer)
    {
        var author = accounts[status.AccountId];
        var mentions = status.MentionIds.Select(id => accounts[id]).ToList();
        return new JsonObject
        {
            ["id"] = status.Id,
            ["created_at"] = Iso(status.CreatedAt),
            ["in_reply_to_id"] = status.InReplyToId,
            ["in_reply_to_account_id"] = status.InReplyToId is null ? null : statuses[status.InReplyToId].AccountId,
            ["sensitive"] = false,
            ["spoiler_text"] = string.Empty,
            ["visibility"] = status.Visibility,
            ["language"] = status.Language ?? "ko",
            ["uri"] = $"https://{Domain}/users/{author.Username}/statuses/{status.Id}",
            ["url"] = $"https://{Domain}/@{author.Username}/{status.Id}",
            ["replies_count"] = statuses.Values.Count(s => s.InReplyToId == status.Id),
            ["reblogs_count"] = 0,
            ["favourites_count"] = 0,
            ["edited_at"] = null,
            ["favourited"] = false,
            ["reblogged"] = false,
            ["muted"] = false,
            ["bookmarked"] = false,
            ["content"] = ContentHtml(status.Text, mentions),
            ["filtered"] = new JsonArray(),
            ["reblog"] = null,
            ["application"] = new JsonObject { ["name"] = "CoCreation", ["website"] = null },
            ["account"] = AccountJson(author, credential: false),
            ["media_attachments"] = new JsonArray(),
            ["mentions"] = new JsonArray(mentions.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id,
                ["username"] = a.Username,
                ["url"] = $"https://{Domain}/@{a.Username}",
                ["acct"] = a.Username,
            }).ToArray()),
            ["tags"] = new JsonArray(),
            ["emojis"] = new JsonArray(),
            ["card"] = null,
            ["poll"] = status.PollId is null ? null : PollJson(polls[status.PollId], viewer),
        };
    }

    private JsonObject PollJson(FakePoll poll, FakeAccount? viewer)
    {
        var json = new JsonObject
        {
            ["id"] = poll.Id,
            ["expires_at"] = Iso(poll.ExpiresAt),
            ["expired"] = poll.ExpiresAt <= clock,
            ["multiple"] = poll.Multiple,
            ["votes_count"] = poll.Votes.Sum(),
            ["voters_count"] = poll.Voters.Count,
            ["options"] = new JsonArray(poll.Options.Select((title, i) => (JsonNode)new JsonObject { ["title"] = title, ["votes_count"] = poll.Votes[i] }).ToArray()),
            ["emojis"] = new JsonArray(),
        };
        if (viewer is not null)
        {
            json["voted"] = poll.Voters.Contains(viewer.Id);
            json["own_votes"] = new JsonArray((poll.OwnVotes.GetValueOrDefault(viewer.Id) ?? []).Select(v => (JsonNode)v).ToArray());
        }

        return json;
    }

    private JsonObject NotificationJson(FakeNotification notification, FakeAccount? viewer) => new()
    {
        ["id"] = notification.Id,
        ["type"] = notification.Type,
        ["group_key"] = $"ungrouped-{notification.Id}",
        ["created_at"] = Iso(notification.CreatedAt),
        ["account"] = AccountJson(accounts[notification.FromAccountId], credential: false),
        ["status"] = notification.StatusId is null ? null : StatusJson(statuses[notification.StatusId], viewer),
    };

    private string ContentHtml(string text, IReadOnlyList<FakeAccount> mentions)
    {
        var html = WebUtility.HtmlEncode(text);
        foreach (var account in mentions)
        {
            var link = $"<span class=\"h-card\" translate=\"no\"><a href=\"https://{Domain}/@{account.Username}\" class=\"u-url mention\">@<span>{account.Username}</span></a></span>";
            html = Regex.Replace(html, "@" + Regex.Escape(account.Username) + "(@" + Regex.Escape(Domain) + ")?(?![\\w.@-])", link.Replace("$", "$$", StringComparison.Ordinal), RegexOptions.IgnoreCase);
        }

        return "<p>" + html.Replace("\n", "<br />", StringComparison.Ordinal) + "</p>";
    }

    private List<FakeAccount> MentionedAccounts(string text)
    {
        var found = new List<FakeAccount>();
        foreach (Match match in MentionPattern().Matches(text))
        {
            var domain = match.Groups["domain"].Success ? match.Groups["domain"].Value : null;
            if (domain is not null && !string.Equals(domain, Domain, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var account = accounts.Values.FirstOrDefault(a => string.Equals(a.Username, match.Groups["user"].Value, StringComparison.OrdinalIgnoreCase));
            if (account is not null && !found.Contains(account))
            {
                found.Add(account);
            }
        }

        return found;
    }

    private int CountLength(string text)
    {
        var length = new StringInfo(text).LengthInTextElements;
        foreach (Match match in MentionPattern().Matches(text))
        {
            if (match.Groups["domain"].Success)
            {
                length -= match.Groups["domain"].Value.Length + 1;
            }
        }

        return length;
    }

    private static bool Visible(FakeStatus status, FakeAccount? viewer)
        => status.Visibility != "direct" || (viewer is not null && (status.AccountId == viewer.Id || status.MentionIds.Contains(viewer.Id)));

    private IResponseMessage WithRateLimit(IResponseMessage response)
    {
        if (response is ResponseMessage message && !message.Headers!.ContainsKey("X-RateLimit-Limit"))
        {
            message.AddHeader("X-RateLimit-Limit", "300");
            message.AddHeader("X-RateLimit-Remaining", Math.Max(0, 300 - TotalRequests).ToString(CultureInfo.InvariantCulture));
            message.AddHeader("X-RateLimit-Reset", Iso(DateTimeOffset.UtcNow.AddMinutes(5)));
        }

        return response;
    }

    private string IssueTokenLocked(string accountId, string scope)
    {
        var token = "tok-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        tokens[token] = new FakeToken(accountId, scope);
        return token;
    }

    private string NewId() => (nextId += 1000).ToString(CultureInfo.InvariantCulture);

    private DateTimeOffset Tick() => clock = clock.AddSeconds(1);

    public static ResponseMessage Json(int status, JsonNode body) => WireMockResponses.Json(status, body);

    public static ResponseMessage Error(int status, string error, string? description = null)
    {
        var body = new JsonObject { ["error"] = error };
        if (description is not null)
        {
            body["error_description"] = description;
        }

        if (status == 422)
        {
            // Mastodon 4 adds per-field details to validation errors; the spec requires them for most operations.
            body["details"] = new JsonObject();
        }

        return Json(status, body);
    }

    /// <summary>A response whose body is not JSON at all, marked so the contract check does not count it against the adapter.</summary>
    public static ResponseMessage Malformed(int status = 200)
    {
        var response = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = "{\"id\": \"1\", \"created_at\": <html>oops", DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
            Headers = new Dictionary<string, WireMockList<string>>(),
        };
        response.AddHeader("Content-Type", "application/json; charset=utf-8");
        response.AddHeader(DeliberatelyInvalidHeader, "malformed");
        return response;
    }

    public static int CompareIds(string left, string right)
        => left.Length != right.Length ? left.Length.CompareTo(right.Length) : string.CompareOrdinal(left, right);

    public static string Challenge(string verifier)
        => Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? ParseJsonBody(IRequestMessage request)
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

    private static Dictionary<string, string> ParseQuery(string? raw)
        => ParseQueryMulti(raw).ToDictionary(p => p.Key, p => p.Value[^1]);

    private static Dictionary<string, List<string>> ParseQueryMulti(string? raw)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, values) in ContractRequest.ParseQuery(raw))
        {
            result[name] = [.. values];
        }

        return result;
    }

    [GeneratedRegex(@"(?<![\w@])@(?<user>[A-Za-z0-9_]+)(?:@(?<domain>[A-Za-z0-9.-]+(?::\d+)?))?")]
    private static partial Regex MentionPattern();

    private enum AuthRule
    {
        None,
        Optional,
        Required,
    }

    private sealed record Route(string Method, string Template, Regex Pattern, AuthRule Auth, Func<Call, IResponseMessage> Handle);

    private sealed record Interceptor(string Method, string Template, Func<IRequestMessage, int, Task<IResponseMessage?>> Respond);

    private sealed record Call(IRequestMessage Request, Match Match, FakeAccount? Caller)
    {
        public string Id => Uri.UnescapeDataString(Match.Groups["id"].Value);

        public string? Header(string name)
            => Request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
    }
}

/// <summary>The limits the fake instance publishes and enforces; Mastodon's defaults unless set.</summary>
internal sealed record FakeInstanceLimits
{
    public int MaxCharacters { get; init; } = 500;

    public int MaxPollOptions { get; init; } = 4;

    public int MaxPollOptionLength { get; init; } = 50;

    public int MinPollSeconds { get; init; } = 300;

    public int MaxPollSeconds { get; init; } = 2_629_746;
}

internal sealed record FakeAccount(string Id, string Username, string DisplayName, DateTimeOffset CreatedAt);

internal sealed class FakeToken(string accountId, string scope)
{
    public string AccountId { get; } = accountId;

    public string Scope { get; } = scope;

    public bool Expired { get; set; }

    public bool Revoked { get; set; }
}

internal sealed record FakeStatus(string Id, string AccountId, string Text, string Visibility, string? InReplyToId, DateTimeOffset CreatedAt, string? PollId, List<string> MentionIds, string? Language);

internal sealed class FakePoll(string id, List<string> options, bool multiple, DateTimeOffset expiresAt)
{
    public string Id { get; } = id;

    public List<string> Options { get; } = options;

    public bool Multiple { get; } = multiple;

    public DateTimeOffset ExpiresAt { get; set; } = expiresAt;

    public string StatusId { get; set; } = string.Empty;

    public int[] Votes { get; } = new int[options.Count];

    public HashSet<string> Voters { get; } = [];

    public Dictionary<string, List<int>> OwnVotes { get; } = [];
}

internal sealed record FakeNotification(string Id, string AccountId, string Type, string FromAccountId, string? StatusId, DateTimeOffset CreatedAt);

internal sealed record FakeApp(string Id, string Name, string ClientId, string ClientSecret, List<string> RedirectUris, List<string> Scopes);

internal sealed record FakeGrant(string ClientId, string RedirectUri, string? CodeChallenge, string Scope, string AccountId);
