using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace ExampleSocial;

/// <summary>
/// ExampleSocial's side of the shared HTTP layer (CoCreation.Sdk.Http). The kit retries, waits out <c>Retry-After</c>,
/// classifies transport failures, maps error answers to the SDK's exceptions, reads the rate-limit headers and removes
/// echoed tokens; this class only says what is specific to ExampleSocial: which calls may be repeated, what its error
/// body looks like, and how a request is built (bearer token, <c>Idempotency-Key</c>, JSON).
/// </summary>
/// <remarks>Safe for concurrent use. Tokens never reach logs or exception messages.</remarks>
internal sealed class ExampleSocialHttp(string name, Func<HttpClient> client, TimeProvider time, ILogger logger, string brandToken)
{
    /// <summary>The header ExampleSocial de-duplicates writes by.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Reads, and writes that carry an <c>Idempotency-Key</c>, may be sent again; the server's requested wait is honoured.</summary>
    public static readonly HttpRetryRules RetryRules = new()
    {
        IsSafeToRepeat = HttpRetryRules.IdempotentOrKeyed(IdempotencyKeyHeader),
        RateLimitHeaders = RateLimitHeaderNames.XRateLimit,
    };

    /// <summary>How ExampleSocial's error answers (<c>{"error": "...", "message": "..."}</c>) map to the SDK's exceptions.</summary>
    public static readonly HttpErrorProfile Errors = new("ExampleSocial")
    {
        ParseError = ParseError,
        RateLimitHeaders = RateLimitHeaderNames.XRateLimit,
        FallbackRateLimitWait = TimeSpan.FromSeconds(60),
        CredentialNoun = "access token",
    };

    private readonly HttpAdapterCalls calls = new(name, Errors, time, logger, [brandToken]);

    /// <summary>Sends one call and reads its JSON answer.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="call">What to send.</param>
    /// <param name="answer">The answer's JSON type, from <see cref="ExampleSocialJson"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="CoCreation.Sdk.CredentialException">The token was refused (401/403).</exception>
    /// <exception cref="CoCreation.Sdk.ResourceNotFoundException">The call named a resource the provider does not have (404).</exception>
    /// <exception cref="CoCreation.Sdk.RateLimitedException">The provider asked to slow down for longer than the options wait out.</exception>
    /// <exception cref="CoCreation.Sdk.ProviderException">Any other failure; <c>IsTransient</c> says whether a later try may succeed.</exception>
    public Task<T> SendAsync<T>(ApiCall call, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        var described = new HttpCall(
            call.Operation,
            CredentialOwner: call.Token == brandToken ? "brand" : "member",
            ResourceKind: call.Resource?.Kind,
            ResourceId: call.Resource?.Id,
            Secrets: [call.Token]);
        return calls.SendJsonAsync(described, SendOnce, answer, cancellationToken);

        async Task<HttpResponseMessage> SendOnce(CancellationToken token)
        {
            using var request = new HttpRequestMessage(call.Method, call.Path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", call.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (call.IdempotencyKey is not null)
            {
                request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, call.IdempotencyKey);
            }

            if (call.Body is not null)
            {
                request.Content = JsonContent.Create(call.Body, ExampleSocialJson.Default.GetTypeInfo(call.Body.GetType())!);
            }

            return await client().SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
        }
    }

    private static ProviderErrorBody ParseError(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, ExampleSocialJson.Default.ApiError) is { } error ? new ProviderErrorBody(error.Error, error.Message) : ProviderErrorBody.None;
        }
        catch (JsonException)
        {
            // Error bodies are a courtesy; one of another shape still leaves the status to go by.
            return ProviderErrorBody.None;
        }
    }
}

/// <summary>One call to the ExampleSocial API.</summary>
/// <param name="Operation">The call's name in messages and logs, for example <c>publish</c>.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path relative to the base address.</param>
/// <param name="Token">The bearer token: the brand's, or a member's.</param>
internal sealed record ApiCall(string Operation, HttpMethod Method, string Path, string Token)
{
    /// <summary>The JSON body, if any: one of the request types of <see cref="ExampleSocialJson"/>.</summary>
    public object? Body { get; init; }

    /// <summary>The <c>Idempotency-Key</c> header, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The resource a 404 means is missing.</summary>
    public (string Kind, string Id)? Resource { get; init; }

    /// <summary>Describes the call without its token or body.</summary>
    /// <returns>The operation, method and path.</returns>
    public override string ToString() => $"{Operation} ({Method} {Path})";
}

/// <summary>The ExampleSocial API's JSON: snake_case on the wire, generated at compile time.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiAccount))]
[JsonSerializable(typeof(ApiPost))]
[JsonSerializable(typeof(ApiPage<ApiPost>))]
[JsonSerializable(typeof(ApiPoll))]
[JsonSerializable(typeof(ApiMessage))]
[JsonSerializable(typeof(ApiNewPost))]
[JsonSerializable(typeof(ApiNewMessage))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class ExampleSocialJson : JsonSerializerContext;
