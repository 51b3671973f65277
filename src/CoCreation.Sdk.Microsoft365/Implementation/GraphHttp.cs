using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Http;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Describes one Graph call for error mapping.</summary>
/// <param name="Operation">The call as messages name it, for example <c>POST /drives/{id}/items/{id}/invite</c>.</param>
/// <param name="ResourceKind">What a 404 means was not found, where a 404 means that.</param>
/// <param name="ResourceId">The id a 404 means was not found.</param>
internal sealed record GraphCall(string Operation, string? ResourceKind = null, string? ResourceId = null)
{
    public override string ToString() => Operation;

    public HttpCall ToHttpCall() => new(Operation, null, ResourceKind, ResourceId);
}

/// <summary>
/// Graph's side of the shared HTTP layer: its error body (<c>{"error": {"code", "message", "innerError"}}</c>), its
/// throttling (429, and 503 with <c>Retry-After</c>), and the mapping of the Graph SDK's <see cref="ApiException"/> to
/// the SDK's exceptions. Retries have already happened inside the HTTP pipeline when an exception reaches this class.
/// </summary>
internal sealed partial class GraphHttp(string provider, TimeProvider time, ILogger logger)
{
    public const string Service = "Microsoft Graph";

    private const int MaxMessageLength = 300;

    /// <summary>
    /// Idempotent methods retry every transient failure. Any request retries a throttling answer (429, or 503 with
    /// <c>Retry-After</c>): Graph throttles before doing anything. A <c>$batch</c> retries too: the adapter batches
    /// only DELETEs, and a DELETE of something already gone counts as done.
    /// </summary>
    public static readonly HttpRetryRules RetryRules = new()
    {
        IsSafeToRepeat = request => HttpRetryRules.IsIdempotent(request) || IsBatch(request),
        IsRateLimitRefusal = (response, _) => ValueTask.FromResult(IsThrottled(response.StatusCode, response.Headers.RetryAfter is not null)),
    };

    /// <summary>How Graph's error answers map to the SDK's exceptions.</summary>
    public static readonly HttpErrorProfile Errors = new(Service)
    {
        ParseError = ParseError,
        FallbackRateLimitWait = TimeSpan.FromSeconds(30),
        RateLimitCodes = new HashSet<string>(["TooManyRequests", "activityLimitReached"], StringComparer.Ordinal),
        NotFoundCodes = new HashSet<string>(["itemNotFound", "ErrorItemNotFound", "Request_ResourceNotFound"], StringComparer.Ordinal),
        CredentialNoun = "access token",
        UnauthorizedAdvice = "The token was refused even after a fresh one was fetched: check the tenant, the app registration and its credential.",
        ForbiddenAdvice = "Check the app registration's Graph permissions (Files.ReadWrite.All or Sites.Selected, Calendars.ReadWrite, User.Read.All) and admin consent.",
    };

    private readonly HttpAdapterCalls calls = new(provider, Errors, time, logger);

    public string Provider => provider;

    /// <summary>Runs a Graph SDK call and maps what it throws.</summary>
    public async Task<T> CallAsync<T>(GraphCall call, Func<CancellationToken, Task<T>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send(cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex)
        {
            throw Map(call, ex);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            if (HttpTransportFailures.Find<CoCreationException>(ex) is { } sdkException)
            {
                throw sdkException;
            }

            if (HttpTransportFailures.Find<ApiException>(ex) is { } api)
            {
                throw Map(call, api);
            }

            throw HttpTransportFailures.Classify(Service, provider, call.Operation, ex);
        }
    }

    /// <summary>Runs a Graph SDK call that returns nothing.</summary>
    public Task CallAsync(GraphCall call, Func<CancellationToken, Task> send, CancellationToken cancellationToken)
        => CallAsync<bool>(call, async ct => { await send(ct).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>Sends a raw request (upload-session chunks) and checks its status; the caller owns the response.</summary>
    public Task<HttpResponseMessage> SendRawAsync(GraphCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
        => calls.SendAsync(call.ToHttpCall(), send, cancellationToken);

    /// <summary>Maps an error answer inside a <c>$batch</c> response.</summary>
    public Exception MapStatus(GraphCall call, HttpStatusCode status, string body, TimeSpan? retryAfter)
        => Errors.Map(provider, call.ToHttpCall(), new HttpError(status, Redact(ParseError(body)), retryAfter, null));

    public ProviderException Malformed(GraphCall call, Exception? cause = null) => calls.Malformed(call.ToHttpCall(), cause);

    /// <summary>Maps the Graph SDK's exception: status, the OData error's code and message (shortened, tokens removed), and <c>Retry-After</c>.</summary>
    public Exception Map(GraphCall call, ApiException exception)
    {
        var status = (HttpStatusCode)exception.ResponseStatusCode;
        var body = exception is ODataError { Error: { } main } ? new ProviderErrorBody(main.Code, main.Message) : ProviderErrorBody.None;
        var retryAfter = RetryAfter(exception.ResponseHeaders, time.GetUtcNow());
        return Errors.Map(provider, call.ToHttpCall(), new HttpError(status, Redact(body), retryAfter, null));
    }

    /// <summary>Whether an answer is Graph throttling: 429, or 503 that says when to come back.</summary>
    public static bool IsThrottled(HttpStatusCode status, bool hasRetryAfter)
        => status == HttpStatusCode.TooManyRequests || (status == HttpStatusCode.ServiceUnavailable && hasRetryAfter);

    /// <summary>Reads Graph's error body: <c>{"error": {"code", "message", "innerError"}}</c>; anything else says nothing.</summary>
    public static ProviderErrorBody ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return ProviderErrorBody.None;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return new ProviderErrorBody(code, message);
            }
        }
        catch (JsonException)
        {
            // Gateways answer with HTML; it says nothing a caller can use.
        }

        return ProviderErrorBody.None;
    }

    internal static TimeSpan? RetryAfter(IDictionary<string, IEnumerable<string>>? headers, DateTimeOffset now)
    {
        var value = headers?.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? (at > now ? at - now : TimeSpan.Zero) : null;
    }

    private static bool IsBatch(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? string.Empty;
        return request.Method == HttpMethod.Post && (path.EndsWith("/$batch", StringComparison.Ordinal) || path.EndsWith("/%24batch", StringComparison.OrdinalIgnoreCase));
    }

    private static ProviderErrorBody Redact(ProviderErrorBody body)
    {
        var message = body.Message is null ? null : Jwt().Replace(body.Message, "[redacted]");
        if (message is { Length: > MaxMessageLength })
        {
            message = message[..MaxMessageLength] + "…";
        }

        return new ProviderErrorBody(body.Code, message);
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]*)?|Bearer\s+\S+", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();
}
