using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>The access token was valid once and has expired; the brand's session can be refreshed.</summary>
internal sealed class ExpiredTokenException(string provider, string message) : CredentialException(provider, message);

/// <summary>
/// Sends XRPC queries (GET with query parameters) and procedures (POST with a JSON body) through the shared HTTP layer,
/// which turns their outcome into values or the SDK's exceptions. Retries have already happened inside the HTTP pipeline by then.
/// </summary>
internal sealed class XrpcClient(string provider, Func<HttpClient> httpClientFactory, TimeProvider time, ILogger logger)
{
    /// <summary>The header that proxies a call to another service, for example the chat service.</summary>
    public const string AtprotoProxy = "atproto-proxy";

    /// <summary>Queries (GET) are repeated on transient failures; procedures (POST) never are, since XRPC has no idempotency keys.</summary>
    public static readonly HttpRetryRules RetryRules = new()
    {
        IsSafeToRepeat = HttpRetryRules.OnlyMethod(HttpMethod.Get),
        RateLimitHeaders = RateLimitHeaderNames.RateLimit,
    };

    /// <summary>How XRPC error answers (<c>{"error", "message"}</c>) map to the SDK's exceptions.</summary>
    public static readonly HttpErrorProfile Errors = new("Bluesky")
    {
        ParseError = ParseError,
        RateLimitHeaders = RateLimitHeaderNames.RateLimit,
        RateLimitCodes = new HashSet<string>(StringComparer.Ordinal) { "RateLimitExceeded" },
        CredentialCodes = new HashSet<string>(StringComparer.Ordinal)
        {
            "AuthenticationRequired", "InvalidToken", "ExpiredToken", "AccountTakedown", "AccountDeactivated",
            "AuthFactorTokenRequired", "AuthMissing", "InvalidPassword",
        },
        NotFoundCodes = new HashSet<string>(StringComparer.Ordinal) { "NotFound", "RecordNotFound", "RepoNotFound", "ConvoNotFound" },
        UnauthorizedAdvice = "The token or app password is unknown, expired or revoked; sign in again.",
        ForbiddenAdvice = "Check the app password's permissions and the account's state.",

        // Only the brand's session can be renewed here; a member's expiry is an ordinary credential failure.
        MapSpecial = (provider, call, error) => error.Body.Code == "ExpiredToken" && call.CredentialOwner == "brand"
            ? new ExpiredTokenException(provider, $"Bluesky ({provider}) refused the expired {call.CredentialOwner} access token for {call.Operation}: {error.Detail}. Refresh the session or sign in again.")
            : null,
    };

    private readonly HttpAdapterCalls calls = new(provider, Errors, time, logger);

    public string Provider => provider;

    /// <summary>The rate-limit state of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => calls.LastRateLimit;

    public Task<T> QueryAsync<T>(HttpCall call, IEnumerable<KeyValuePair<string, string?>> parameters, string? token, JsonTypeInfo<T> output, CancellationToken cancellationToken, string? proxy = null)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return SendAsync(call, () => new HttpRequestMessage(HttpMethod.Get, "xrpc/" + call.Operation + query), token, proxy, output, cancellationToken);
    }

    public Task<T> ProcedureAsync<TInput, T>(HttpCall call, TInput? input, JsonTypeInfo<TInput> inputType, string? token, JsonTypeInfo<T> output, CancellationToken cancellationToken, string? proxy = null)
        where TInput : class
        => SendAsync(
            call,
            () => new HttpRequestMessage(HttpMethod.Post, "xrpc/" + call.Operation)
            {
                Content = input is null ? null : new StringContent(JsonSerializer.Serialize(input, inputType), Encoding.UTF8, "application/json"),
            },
            token,
            proxy,
            output,
            cancellationToken);

    /// <summary>A response whose body is not what the method returns.</summary>
    public ProviderException Malformed(HttpCall call, Exception? cause = null) => calls.Malformed(call, cause);

    private async Task<T> SendAsync<T>(HttpCall call, Func<HttpRequestMessage> create, string? token, string? proxy, JsonTypeInfo<T> output, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (proxy is not null)
        {
            request.Headers.TryAddWithoutValidation(AtprotoProxy, proxy);
        }

        return await calls.SendJsonAsync(call, ct => httpClientFactory().SendAsync(request, HttpCompletionOption.ResponseContentRead, ct), output, cancellationToken).ConfigureAwait(false);
    }

    private static ProviderErrorBody ParseError(string body)
    {
        try
        {
            var dto = JsonSerializer.Deserialize(body, BlueskyJsonContext.Default.XrpcErrorDto);
            return new ProviderErrorBody(dto?.Error, dto?.Message);
        }
        catch (JsonException)
        {
            // Proxies answer with HTML; its text says nothing useful to a caller.
            return ProviderErrorBody.None;
        }
    }
}
