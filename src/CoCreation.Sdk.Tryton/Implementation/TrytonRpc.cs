using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Tryton.Implementation;

/// <summary>
/// A small typed client for Tryton's single JSON-RPC endpoint (<c>POST /{database}/</c>): logs in, keeps the
/// session, sends <c>model.{name}.{method}</c> calls with the user's context, and maps failures to SDK exceptions.
/// </summary>
/// <remarks>
/// A call that Tryton answers with 401 (the session expired or was dropped) logs in again once and is sent again;
/// a second 401 is a <see cref="CredentialException"/>. Neither the password nor the session key ever reaches a log
/// line or an exception message. Safe for concurrent use.
/// </remarks>
internal sealed partial class TrytonRpc
{
    /// <summary>Marks a request as safe to send again (a read); the resilience pipeline retries only those.</summary>
    internal static readonly HttpRequestOptionsKey<bool> SafeToRepeat = new("CoCreation.Sdk.Tryton.SafeToRepeat");

    /// <summary>Every JSON-RPC call is a POST: only reads (marked by <see cref="SafeToRepeat"/>) may be sent twice; a create never is.</summary>
    internal static readonly HttpRetryRules RetryRules = new() { IsSafeToRepeat = HttpRetryRules.Marked(SafeToRepeat) };

    private static readonly HashSet<string> ReadMethods = new(StringComparer.Ordinal)
    {
        "read", "search", "search_read", "search_count", "fields_get", "get_preferences",
    };

    private readonly string _name;
    private readonly TrytonOptions _options;
    private readonly Func<HttpClient> _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _endpoint;
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private Session? _session;
    private long _nextId;

    public TrytonRpc(string name, TrytonOptions options, Func<HttpClient> client, TimeProvider time, ILogger logger)
    {
        _name = name;
        _options = options;
        _client = client;
        _time = time;
        _logger = logger;
        var baseUri = options.Url!.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/");
        _endpoint = new Uri(baseUri, Uri.EscapeDataString(options.Database!) + "/");
    }

    /// <summary>How many logins succeeded so far (tests read it to see a re-login).</summary>
    internal int LoginCount { get; private set; }

    /// <summary>Calls <c>model.{model}.{method}</c> with <paramref name="args"/> and the user's context merged with <paramref name="context"/>.</summary>
    public async Task<JsonNode?> CallAsync(string model, string method, JsonArray args, JsonObject? context, CancellationToken cancellationToken)
    {
        var session = await ReportedSessionAsync(null, cancellationToken).ConfigureAwait(false);
        var safe = ReadMethods.Contains(method);
        for (var attempt = 0; ; attempt++)
        {
            var parameters = (JsonArray)args.DeepClone();
            parameters.Add(MergeContext(session.Context, context));
            var reply = await SendAsync($"model.{model}.{method}", parameters, session, safe, cancellationToken).ConfigureAwait(false);
            if (reply.Status != HttpStatusCode.Unauthorized)
            {
                return Result(reply, model, method);
            }

            if (attempt > 0)
            {
                Log.SessionRefused(_logger, _name, model, method);
                throw new CredentialException(_name, $"Tryton refused the session of user '{_options.User}' for {model}.{method} again right after a new login.");
            }

            Log.SessionExpired(_logger, _name, model, method);
            session = await ReportedSessionAsync(session, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Session> EnsureSessionAsync(Session? stale, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _session);
        if (current is not null && !ReferenceEquals(current, stale))
        {
            return current;
        }

        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _session;
            if (current is not null && !ReferenceEquals(current, stale))
            {
                return current;
            }

            var login = await SendAsync(
                "common.db.login",
                [_options.User, new JsonObject { ["password"] = _options.Password }, _options.Language],
                null,
                true,
                cancellationToken).ConfigureAwait(false);
            if (login.Status == HttpStatusCode.Unauthorized)
            {
                Log.LoginRefused(_logger, _name, _options.User);
                throw LoginRefused();
            }

            var result = Result(login, null, "common.db.login") as JsonArray;
            if (result is not { Count: >= 2 } || result[0] is null || result[1] is null)
            {
                throw LoginRefused();
            }

            var userId = result[0]!.GetValue<long>();
            var key = result[1]!.GetValue<string>();
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.User}:{userId.ToString(CultureInfo.InvariantCulture)}:{key}"));
            var bare = new Session(userId, token, key, new JsonObject());
            var preferences = await SendAsync("model.res.user.get_preferences", [true, new JsonObject()], bare, true, cancellationToken).ConfigureAwait(false);
            var context = Result(preferences, "res.user", "get_preferences") as JsonObject ?? new JsonObject();
            current = bare with { Context = context };
            Volatile.Write(ref _session, current);
            LoginCount++;
            Log.LoggedIn(_logger, _name, _options.User, userId);
            return current;
        }
        finally
        {
            _loginGate.Release();
        }
    }

    private static JsonObject MergeContext(JsonObject user, JsonObject? extra)
    {
        var merged = (JsonObject)user.DeepClone();
        if (extra is not null)
        {
            foreach (var (key, value) in extra)
            {
                merged[key] = value?.DeepClone();
            }
        }

        return merged;
    }

    private async Task<Reply> SendAsync(string method, JsonArray parameters, Session? session, bool safeToRepeat, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["id"] = Interlocked.Increment(ref _nextId),
            ["method"] = method,
            ["params"] = parameters,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Options.Set(SafeToRepeat, safeToRepeat);
        if (session is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Session", session.Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            // Timeouts, an open circuit (Polly's TimeoutRejectedException, BrokenCircuitException), an unreachable
            // server: classified the same way as in the other HTTP adapters, the cause kept as inner exception.
            throw TransportFailure(method, ex);
        }

        using (response)
        {
            var status = response.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
            {
                return new Reply(status, null);
            }

            if (status == HttpStatusCode.TooManyRequests)
            {
                var wait = RateLimitHeaders.ReadRetryAfter(response, _time.GetUtcNow()) ?? TimeSpan.FromMinutes(1);
                throw new RateLimitedException(_name, wait);
            }

            if (!response.IsSuccessStatusCode)
            {
                var transient = (int)status >= 500 || status == HttpStatusCode.RequestTimeout;
                var what = status == HttpStatusCode.Forbidden ? "Tryton does not offer" : "Tryton failed";
                throw new TrytonException(_name, ModelOf(method), method, "Http" + ((int)status).ToString(CultureInfo.InvariantCulture), $"{what} {method} (HTTP {(int)status}).", status, transient);
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return new Reply(status, JsonNode.Parse(text) as JsonObject);
            }
            catch (JsonException ex)
            {
                throw new TrytonException(_name, ModelOf(method), method, "BadResponse", $"Tryton answered {method} with something that is not JSON.", status, innerException: ex);
            }
        }
    }

    private TrytonException TransportFailure(string method, Exception exception)
    {
        var failure = HttpTransportFailures.Classify("Tryton", _name, method, exception);
        var code = failure.ProviderErrorCode ?? "transport";
        Log.TransportFailed(_logger, _name, method, code);
        return new TrytonException(_name, ModelOf(method), method, code, failure.Message, failure.StatusCode, failure.IsTransient, exception);
    }

    private JsonNode? Result(Reply reply, string? model, string method)
    {
        var fullMethod = model is null ? method : $"model.{model}.{method}";
        var envelope = reply.Body ?? throw new TrytonException(_name, model, fullMethod, "BadResponse", $"Tryton answered {fullMethod} with an empty body.", reply.Status);
        if (envelope["error"] is { } error)
        {
            throw MapError(error, model, fullMethod);
        }

        return envelope["result"];
    }

    private Exception MapError(JsonNode error, string? model, string method)
    {
        // Tryton sends [type, args]: a user error's args are [message, description, domain]; a server fault's a traceback string.
        string type;
        string detail;
        if (error is JsonArray { Count: > 0 } array)
        {
            type = array[0] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "Error";
            detail = array.Count > 1 ? Describe(array[1]) : "";
        }
        else
        {
            type = "Error";
            detail = Describe(error);
        }

        var where = model is null ? method : $"{model}.{method}";
        detail = Scrub(detail);
        switch (type)
        {
            case "UserError":
            case "UserWarning":
                return new TrytonException(_name, model, method, type, $"Tryton refused {where}: {detail}");
            case "AccessError":
                return new TrytonException(_name, model, method, type, $"Tryton denied {where}: {detail}", HttpStatusCode.Forbidden);
            case "ConcurrencyException":
                return new TrytonException(_name, model, method, type, $"Tryton saw a concurrent change during {where}: {detail}", HttpStatusCode.Conflict, isTransient: true);
            case "LoginException":
                return new CredentialException(_name, $"Tryton asked for credentials again during {where}.");
            default:
                // A traceback or an exception name: keep the first line only, it names the fault without internals.
                var firstLine = (type + " " + detail).Split('\n', 2)[0].Trim();
                return new TrytonException(_name, model, method, "ServerError", $"Tryton failed {where}: {firstLine}");
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "",
        JsonArray { Count: > 0 } list => string.Join(" ", list.Take(2).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0)),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => "",
    };

    /// <summary>Removes the password and session key should Tryton ever echo them back.</summary>
    private string Scrub(string text)
    {
        if (!string.IsNullOrEmpty(_options.Password))
        {
            text = text.Replace(_options.Password, "***", StringComparison.Ordinal);
        }

        if (Volatile.Read(ref _session) is { } session)
        {
            text = text.Replace(session.Key, "***", StringComparison.Ordinal).Replace(session.Token, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private static string? ModelOf(string method)
        => method.StartsWith("model.", StringComparison.Ordinal) ? method[6..method.LastIndexOf('.')] : null;

    private sealed record Session(long UserId, string Token, string Key, JsonObject Context);

    private sealed record Reply(HttpStatusCode Status, JsonObject? Body);
}
