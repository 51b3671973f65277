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
}

/// <summary>
/// Runs Refit calls and turns Google's answers into values or the SDK's exceptions. Retries have already happened
/// inside the HTTP pipeline (<see cref="GoogleResilience"/>) when a response reaches this class.
/// </summary>
internal sealed class GoogleHttp(string provider, TimeProvider time, ILogger logger)
{
    /// <summary>The wait reported when Google rate-limits without saying for how long (it sends no rate-limit headers).</summary>
    internal static readonly TimeSpan FallbackRateLimitWait = TimeSpan.FromSeconds(30);

    private const int MaxErrorTextLength = 300;
    private static readonly string[] RateLimitReasons = ["userRateLimitExceeded", "rateLimitExceeded"];

    public string Provider => provider;

    public async Task<T> SendAsync<T>(GoogleCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(call, send, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw Malformed(call, null);
        }
        catch (JsonException ex)
        {
            throw Malformed(call, ex);
        }
    }

    /// <summary>Sends and checks the status; the caller owns the successful response.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(GoogleCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            // Refit wraps what the handlers threw; a refused credential must reach the caller as itself.
            if (HttpTransportFailures.Find<CoCreationException>(ex) is { } sdkException)
            {
                throw sdkException;
            }

            throw TransportFailure(call, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException)
            {
                body = string.Empty;
            }

            Log.RequestFailed(logger, provider, call.Operation, (int)response.StatusCode);
            throw MapError(call, response, body);
        }
    }

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
            return (reason, Shorten(error?.Message));
        }
        catch (JsonException)
        {
            // Proxies and load balancers answer with HTML; its text says nothing useful to a caller.
            return (null, null);
        }
    }

    public ProviderException Malformed(GoogleCall call, Exception? cause)
        => new(provider, $"Google ({provider}) answered {call.Operation} with a body that is not the expected JSON.", null, "malformed_response", false, null, cause);

    private Exception MapError(GoogleCall call, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        var (reason, message) = ParseError(body);
        var detail = reason is null ? $"HTTP {(int)status}" : message is null ? reason : $"{reason} ({message})";
        var delay = GoogleResilience.ReadRetryAfter(response, time);
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                return new CredentialException(provider, $"Google ({provider}) refused the access token for {call.Operation}: {detail}. The credential is invalid, expired or revoked.");
            case HttpStatusCode.TooManyRequests:
            case HttpStatusCode.Forbidden when IsRateLimitReason(reason):
                return new RateLimitedException(provider, delay ?? FallbackRateLimitWait);
            case HttpStatusCode.NotFound when call.ResourceKind is not null && call.ResourceId is not null:
                return new ResourceNotFoundException(provider, call.ResourceKind, call.ResourceId);
            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                return new ProviderException(provider, $"Google ({provider}) failed {call.Operation}: {detail}. The call may succeed later.", status, reason, true, delay);
            default:
                return new ProviderException(provider, $"Google ({provider}) refused {call.Operation}: {detail}.", status, reason, false, delay);
        }
    }

    private ProviderException TransportFailure(GoogleCall call, Exception exception)
    {
        var result = HttpTransportFailures.Classify("Google", provider, call.Operation, exception);
        Log.TransportFailed(logger, provider, call.Operation, result.ProviderErrorCode ?? exception.GetType().Name);
        return result;
    }

    private static string? Shorten(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        return text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
    }
}
