using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Vendure.Implementation;

/// <summary>
/// A small client for Vendure's GraphQL Admin API: logs in with <c>login</c>, keeps the session token Vendure returns
/// in the <c>vendure-auth-token</c> response header and sends it as a bearer token, and maps failures to SDK exceptions.
/// </summary>
/// <remarks>
/// A call that Vendure refuses with 401 or with a <c>FORBIDDEN</c> error (the session expired or was dropped) logs in
/// again once and is sent again; a second refusal is a <see cref="CredentialException"/>. Queries are marked safe to
/// repeat (the resilience pipeline retries them); mutations are not. Neither the password nor the token ever reaches a
/// log line or an exception message. Safe for concurrent use.
/// </remarks>
internal sealed class VendureGraphQL
{
    /// <summary>Marks a request as safe to send again (a query); the resilience pipeline retries only those.</summary>
    internal static readonly HttpRequestOptionsKey<bool> SafeToRepeat = new("CoCreation.Sdk.Vendure.SafeToRepeat");

    /// <summary>Every GraphQL call is a POST: only queries (marked by <see cref="SafeToRepeat"/>) may be sent twice.</summary>
    internal static readonly HttpRetryRules RetryRules = new() { IsSafeToRepeat = HttpRetryRules.Marked(SafeToRepeat) };

    private const string TokenHeader = "vendure-auth-token";

    private readonly string _name;
    private readonly VendureOptions _options;
    private readonly Func<HttpClient> _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _loginGate = new(1, 1);
    private string? _token;

    public VendureGraphQL(string name, VendureOptions options, Func<HttpClient> client, TimeProvider time, ILogger logger)
    {
        _name = name;
        _options = options;
        _client = client;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many logins succeeded so far (tests read it to see a re-login).</summary>
    internal int LoginCount { get; private set; }

    /// <summary>Sends <paramref name="document"/> with <paramref name="variables"/> and returns its <c>data</c>.</summary>
    public async Task<JsonObject> SendAsync(string document, JsonObject? variables, CancellationToken cancellationToken)
    {
        var operation = VendureDocuments.OperationName(document);
        var safe = document.TrimStart().StartsWith("query", StringComparison.Ordinal);
        var token = await TokenAsync(null, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var reply = await PostAsync(operation, document, variables, token, safe, cancellationToken).ConfigureAwait(false);
            if (!reply.Unauthorized)
            {
                Log.Answered(_logger, _name, operation);
                return reply.Data!;
            }

            if (attempt > 0)
            {
                Log.SessionRefused(_logger, _name, operation);
                throw new CredentialException(_name, $"Vendure refused the session of administrator '{_options.User}' for {operation} again right after a new login.");
            }

            Log.SessionExpired(_logger, _name, operation);
            token = await TokenAsync(token, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Logs in as <paramref name="user"/> without keeping the session; returns the result's type name (<c>CurrentUser</c> or an error result).</summary>
    public async Task<string> TryLoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var reply = await PostAsync("Login", VendureDocuments.Login, new JsonObject { ["username"] = user, ["password"] = password }, null, false, cancellationToken).ConfigureAwait(false);
        return reply.Data?["login"]?["__typename"]?.GetValue<string>() ?? "Unknown";
    }

    private async Task<string> TokenAsync(string? stale, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _token);
        if (current is not null && !string.Equals(current, stale, StringComparison.Ordinal))
        {
            return current;
        }

        await _loginGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _token;
            if (current is not null && !string.Equals(current, stale, StringComparison.Ordinal))
            {
                return current;
            }

            var reply = await PostAsync("Login", VendureDocuments.Login, new JsonObject { ["username"] = _options.User, ["password"] = _options.Password }, null, false, cancellationToken).ConfigureAwait(false);
            var result = reply.Data?["login"] as JsonObject;
            var type = result?["__typename"]?.GetValue<string>();
            if (reply.Unauthorized || type != "CurrentUser" || reply.Token is null)
            {
                var code = result?["errorCode"]?.GetValue<string>() ?? "LOGIN_REFUSED";
                Log.LoginRefused(_logger, _name, _options.User!, code);
                throw new CredentialException(_name, $"Vendure refused the login of administrator '{_options.User}' ({code}).");
            }

            Volatile.Write(ref _token, reply.Token);
            LoginCount++;
            Log.LoggedIn(_logger, _name, _options.User!);
            return reply.Token;
        }
        finally
        {
            _loginGate.Release();
        }
    }

    private async Task<Reply> PostAsync(string operation, string document, JsonObject? variables, string? token, bool safeToRepeat, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["query"] = document, ["variables"] = variables?.DeepClone() ?? new JsonObject() };
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.AdminApiUrl)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Options.Set(SafeToRepeat, safeToRepeat);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _client().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            var failure = HttpTransportFailures.Classify("Vendure", _name, operation, ex);
            var code = failure.ProviderErrorCode ?? "transport";
            Log.TransportFailed(_logger, _name, operation, code);
            throw new VendureException(_name, operation, code, failure.Message, failure.StatusCode, failure.IsTransient, ex);
        }

        using (response)
        {
            var status = response.StatusCode;
            if (status == HttpStatusCode.Unauthorized || (status == HttpStatusCode.Forbidden && token is not null))
            {
                return new Reply(null, null, Unauthorized: true);
            }

            if (status == HttpStatusCode.TooManyRequests)
            {
                var wait = RateLimitHeaders.ReadRetryAfter(response, _time.GetUtcNow()) ?? TimeSpan.FromMinutes(1);
                throw new RateLimitedException(_name, wait);
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonObject? envelope = null;
            try
            {
                envelope = text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                // A proxy's or server's error page: the status below says what happened.
            }
            catch (JsonException ex)
            {
                throw new VendureException(_name, operation, "BadResponse", $"Vendure answered {operation} with something that is not JSON.", status, innerException: ex);
            }

            if (envelope?["errors"] is JsonArray { Count: > 0 } errors)
            {
                var first = errors[0] as JsonObject;
                var code = first?["extensions"]?["code"]?.GetValue<string>() ?? "GRAPHQL_ERROR";
                if (code == "FORBIDDEN" && token is not null)
                {
                    return new Reply(null, null, Unauthorized: true);
                }

                var message = Scrub(first?["message"]?.GetValue<string>() ?? "unknown error");
                var transient = (int)status >= 500;
                throw new VendureException(_name, operation, code, $"Vendure refused {operation}: {message}", response.IsSuccessStatusCode ? null : status, transient);
            }

            if (!response.IsSuccessStatusCode)
            {
                var transient = (int)status >= 500 || status == HttpStatusCode.RequestTimeout;
                throw new VendureException(_name, operation, "Http" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), $"Vendure failed {operation} (HTTP {(int)status}).", status, transient);
            }

            if (envelope?["data"] is not JsonObject data)
            {
                throw new VendureException(_name, operation, "BadResponse", $"Vendure answered {operation} without data.", status);
            }

            var issued = response.Headers.TryGetValues(TokenHeader, out var values) ? values.FirstOrDefault() : null;
            return new Reply(data, issued, Unauthorized: false);
        }
    }

    /// <summary>Removes the password and session token should Vendure ever echo them back.</summary>
    private string Scrub(string text)
    {
        if (!string.IsNullOrEmpty(_options.Password))
        {
            text = text.Replace(_options.Password, "***", StringComparison.Ordinal);
        }

        if (Volatile.Read(ref _token) is { Length: > 0 } token)
        {
            text = text.Replace(token, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private sealed record Reply(JsonObject? Data, string? Token, bool Unauthorized);
}
