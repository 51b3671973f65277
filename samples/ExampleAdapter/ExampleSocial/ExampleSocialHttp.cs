using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CoCreation.Sdk;
using Microsoft.Extensions.Logging;

namespace ExampleSocial;

/// <summary>
/// Every HTTP concern of the adapter in one place: authorization, idempotency keys, JSON, and turning failures into the
/// SDK's typed exceptions (credential refused, not found, rate limited, transient provider failure). The connector only
/// says which call it makes; swapping this file for a shared HTTP layer changes nothing else.
/// </summary>
/// <remarks>Safe for concurrent use. Tokens never reach logs or exception messages.</remarks>
internal sealed partial class ExampleSocialHttp(string name, Func<HttpClient> client, TimeProvider time, ILogger logger)
{
    /// <summary>The longest wait a server may ask for that is reported as is; a longer <c>Retry-After</c> is capped to it.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>The wait reported when a 429 carries no <c>Retry-After</c>.</summary>
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Sends one call and reads its JSON answer.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="call">What to send.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="CredentialException">The token was refused (401/403).</exception>
    /// <exception cref="ResourceNotFoundException">The call named a resource the provider does not have (404).</exception>
    /// <exception cref="RateLimitedException">The provider asked to slow down (429).</exception>
    /// <exception cref="ProviderException">Any other failure; <see cref="ProviderException.IsTransient"/> says whether a later try may succeed.</exception>
    public async Task<T> SendAsync<T>(ApiCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, call.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (call.IdempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", call.IdempotencyKey);
        }

        if (call.Body is not null)
        {
            request.Content = JsonContent.Create(call.Body, call.Body.GetType(), options: Json);
        }

        HttpResponseMessage response;
        try
        {
            response = await client().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            LogTransportFailure(logger, name, call.Operation, ex.GetType().Name);
            var timedOut = ex is not HttpRequestException;
            throw new ProviderException(
                name,
                timedOut ? $"ExampleSocial ({name}) did not answer {call.Operation} in time." : $"ExampleSocial ({name}) could not be reached for {call.Operation}.",
                timedOut ? HttpStatusCode.RequestTimeout : null,
                timedOut ? "timeout" : "unreachable",
                isTransient: true,
                innerException: ex);
        }

        using (response)
        {
            LogAnswered(logger, name, call.Operation, (int)response.StatusCode);
            if (!response.IsSuccessStatusCode)
            {
                throw await FailureAsync(call, response, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false);
                return value ?? throw new JsonException("The body was null.");
            }
            catch (JsonException ex)
            {
                throw new ProviderException(name, $"ExampleSocial ({name}) answered {call.Operation} with a body that is not the expected JSON.", response.StatusCode, "malformed_response", innerException: ex);
            }
        }
    }

    private async Task<Exception> FailureAsync(ApiCall call, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);

        // A provider may echo what it was sent; the token must not travel on in a message.
        var detail = Redact(error?.Message ?? error?.Error ?? response.ReasonPhrase ?? "no detail", call.Token);
        var code = error?.Error;
        var status = response.StatusCode;
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                => new CredentialException(name, $"ExampleSocial ({name}) refused the credential for {call.Operation}: {code ?? ((int)status).ToString(CultureInfo.InvariantCulture)}."),
            HttpStatusCode.NotFound when call.Resource is { } resource
                => new ResourceNotFoundException(name, resource.Kind, resource.Id),
            HttpStatusCode.TooManyRequests
                => new RateLimitedException(name, RetryAfter(response) ?? DefaultRetryAfter, RateLimit(response)),
            >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout
                => new ProviderException(name, $"ExampleSocial ({name}) failed {call.Operation}: {detail}", status, code, isTransient: true, retryAfter: RetryAfter(response)),
            _ => new ProviderException(name, $"ExampleSocial ({name}) refused {call.Operation}: {detail}", status, code),
        };
    }

    private static async Task<ApiError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ApiError>(Json, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Error bodies are a courtesy; a missing or malformed one still leaves the status to go by.
            return null;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (wait is null)
        {
            return null;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRetryAfter ? MaxRetryAfter : wait;
    }

    private static RateLimitInfo? RateLimit(HttpResponseMessage response)
    {
        static long? Read(HttpResponseMessage r, string header)
            => r.Headers.TryGetValues(header, out var values) && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

        var limit = Read(response, "X-RateLimit-Limit");
        var remaining = Read(response, "X-RateLimit-Remaining");
        var reset = Read(response, "X-RateLimit-Reset");
        return limit is { } l && remaining is { } r && reset is { } s && l <= int.MaxValue && r <= int.MaxValue && s <= 253402300799
            ? new RateLimitInfo((int)l, (int)r, DateTimeOffset.FromUnixTimeSeconds(s))
            : null;
    }

    private static string Redact(string text, string token)
        => token.Length > 0 ? text.Replace(token, "***", StringComparison.Ordinal) : text;

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "ExampleSocial connector {Connector}: {Operation} answered {Status}")]
    private static partial void LogAnswered(ILogger logger, string connector, string operation, int status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "ExampleSocial connector {Connector}: {Operation} failed before a response ({Failure})")]
    private static partial void LogTransportFailure(ILogger logger, string connector, string operation, string failure);
}

/// <summary>One call to the ExampleSocial API.</summary>
/// <param name="Operation">The call's name in messages and logs, for example <c>publish</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path relative to the base address.</param>
/// <param name="Token">The bearer token: the brand's, or a member's.</param>
internal sealed record ApiCall(string Operation, HttpMethod Method, string Path, string Token)
{
    /// <summary>The JSON body, if any.</summary>
    public object? Body { get; init; }

    /// <summary>The <c>Idempotency-Key</c> header, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The resource a 404 means is missing.</summary>
    public (string Kind, string Id)? Resource { get; init; }

    /// <summary>Describes the call without its token or body.</summary>
    /// <returns>The operation, method and path.</returns>
    public override string ToString() => $"{Operation} ({Method} {Path})";
}

/// <summary>The error body of the ExampleSocial API.</summary>
/// <param name="Error">The machine-readable code, for example <c>invalid_token</c>.</param>
/// <param name="Message">A sentence for people.</param>
internal sealed record ApiError(string? Error, string? Message);
