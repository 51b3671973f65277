using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>Describes one call for error mapping.</summary>
/// <param name="Operation">The discovery method id, for example <c>drive.permissions.create</c>.</param>
/// <param name="ResourceKind">What a 404 means was not found, where a 404 means that.</param>
/// <param name="ResourceId">The id that a 404 means was not found.</param>
internal sealed record GoogleCall(string Operation, string? ResourceKind = null, string? ResourceId = null)
{
    public override string ToString() => Operation;

    public HttpCall ToHttpCall() => new(Operation, null, ResourceKind, ResourceId);
}

/// <summary>
/// Google's side of the shared HTTP layer: its error body (<c>{"error": {"message", "errors": [{"reason"}], "status"}}</c>),
/// its rate-limit 403s, and Google's truncated exponential back-off. Retries have already happened inside the HTTP
/// pipeline when a response reaches this class.
/// </summary>
internal sealed class GoogleHttp(string provider, TimeProvider time, ILogger logger)
{
    /// <summary>The wait reported when Google rate-limits without saying for how long (it sends no rate-limit headers).</summary>
    internal static readonly TimeSpan FallbackRateLimitWait = TimeSpan.FromSeconds(30);

    private static readonly string[] RateLimitReasons = ["userRateLimitExceeded", "rateLimitExceeded"];

    /// <summary>
    /// Idempotent methods retry every transient failure; a POST retries only a rate-limit answer (429, or a 403 whose
    /// reason is a rate limit), which Google gives before doing anything. <c>Retry-After</c> is honoured where sent.
    /// </summary>
    public static readonly HttpRetryRules RetryRules = new() { IsRateLimitRefusal = IsRateLimitedAsync };

    /// <summary>How Google's error answers map to the SDK's exceptions.</summary>
    public static readonly HttpErrorProfile Errors = new("Google")
    {
        ParseError = body => ParseError(body) switch { var (reason, message) => new ProviderErrorBody(reason, message) },
        FallbackRateLimitWait = FallbackRateLimitWait,
        RateLimitCodes = new HashSet<string>(RateLimitReasons, StringComparer.Ordinal),
        ForbiddenIsCredentialFailure = false,
        CredentialNoun = "access token",
        UnauthorizedAdvice = "The credential is invalid, expired or revoked.",
    };

    private readonly HttpAdapterCalls calls = new(provider, Errors, time, logger);

    public string Provider => provider;

    public async Task<T> SendAsync<T>(GoogleCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        => await calls.SendJsonAsync(call.ToHttpCall(), send, type, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends and checks the status; the caller owns the successful response.</summary>
    public Task<HttpResponseMessage> SendRawAsync(GoogleCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
        => calls.SendAsync(call.ToHttpCall(), send, cancellationToken);

    public ProviderException Malformed(GoogleCall call, Exception? cause) => calls.Malformed(call.ToHttpCall(), cause);

    /// <summary>Whether an error body names one of Google's rate-limit reasons.</summary>
    public static bool IsRateLimitReason(string? reason) => reason is not null && RateLimitReasons.Contains(reason, StringComparer.Ordinal);

    /// <summary>Reads Google's error body: <c>{"error": {"code", "message", "errors": [{"reason"}], "status"}}</c>.</summary>
    public static (string? Reason, string? Message) ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, GoogleJsonContext.Default.GoogleErrorEnvelopeDto)?.Error;
            var reason = error?.Errors?.Select(e => e.Reason).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r)) ?? error?.Status;
            return (reason, error?.Message);
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; its text says nothing useful to a caller.
            return (null, null);
        }
    }

    /// <summary>429, or a 403 whose error reason is <c>userRateLimitExceeded</c> or <c>rateLimitExceeded</c>.</summary>
    internal static async ValueTask<bool> IsRateLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return false;
        }

        // Buffer the body so the error mapping can read it again after the pipeline gives up.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return IsRateLimitReason(ParseError(body).Reason);
    }
}
