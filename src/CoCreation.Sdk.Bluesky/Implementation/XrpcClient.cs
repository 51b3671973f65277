using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>Describes one XRPC call for error mapping.</summary>
/// <param name="Method">The NSID, for example <c>app.bsky.feed.getPostThread</c>.</param>
/// <param name="TokenOwner">Whose token the call carries (<c>brand</c>, <c>member</c> or <c>no</c>), for the message of a refusal.</param>
/// <param name="ResourceKind">What a not-found answer means was not found, where it means that.</param>
/// <param name="ResourceId">The id that a not-found answer means was not found.</param>
/// <param name="Secrets">Secrets the call carries; removed from any text the server echoes back.</param>
internal sealed record XrpcCall(string Method, string TokenOwner, string? ResourceKind = null, string? ResourceId = null, IReadOnlyList<string>? Secrets = null)
{
    public override string ToString() => Method;
}

/// <summary>The access token was valid once and has expired; the brand's session can be refreshed.</summary>
internal sealed class ExpiredTokenException(string provider, string message) : CredentialException(provider, message);

/// <summary>
/// Sends XRPC queries (GET with query parameters) and procedures (POST with a JSON body) and turns their outcome
/// into values or the SDK's exceptions. Retries have already happened inside the HTTP pipeline by then.
/// </summary>
internal sealed class XrpcClient(string provider, Func<HttpClient> httpClientFactory, TimeProvider time, ILogger logger)
{
    private const int MaxErrorTextLength = 300;
    private static readonly TimeSpan FallbackRateLimitWait = TimeSpan.FromMinutes(5);
    private static readonly HashSet<string> CredentialErrors = new(StringComparer.Ordinal)
    {
        "AuthenticationRequired", "InvalidToken", "ExpiredToken", "AccountTakedown", "AccountDeactivated",
        "AuthFactorTokenRequired", "AuthMissing", "InvalidPassword",
    };

    private static readonly HashSet<string> NotFoundErrors = new(StringComparer.Ordinal)
    {
        "NotFound", "RecordNotFound", "RepoNotFound", "ConvoNotFound",
    };

    private RateLimitInfo? lastRateLimit;

    public string Provider => provider;

    /// <summary>The rate-limit state of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => Volatile.Read(ref lastRateLimit);

    public Task<T> QueryAsync<T>(XrpcCall call, IEnumerable<KeyValuePair<string, string?>> parameters, string? token, JsonTypeInfo<T> output, CancellationToken cancellationToken, string? proxy = null)
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

        return SendAsync(call, () => new HttpRequestMessage(HttpMethod.Get, "xrpc/" + call.Method + query), token, proxy, output, cancellationToken);
    }

    public Task<T> ProcedureAsync<TInput, T>(XrpcCall call, TInput? input, JsonTypeInfo<TInput> inputType, string? token, JsonTypeInfo<T> output, CancellationToken cancellationToken, string? proxy = null)
        where TInput : class
        => SendAsync(
            call,
            () => new HttpRequestMessage(HttpMethod.Post, "xrpc/" + call.Method)
            {
                Content = input is null ? null : new StringContent(JsonSerializer.Serialize(input, inputType), Encoding.UTF8, "application/json"),
            },
            token,
            proxy,
            output,
            cancellationToken);

    /// <summary>A response whose body is not what the method returns.</summary>
    public ProviderException Malformed(XrpcCall call, Exception? cause = null)
        => new(provider, $"Bluesky ({provider}) answered {call.Method} with a body that is not the expected JSON.", null, "malformed_response", false, null, cause);

    private async Task<T> SendAsync<T>(XrpcCall call, Func<HttpRequestMessage> create, string? token, string? proxy, JsonTypeInfo<T> output, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (proxy is not null)
        {
            request.Headers.TryAddWithoutValidation(BlueskyHeaders.AtprotoProxy, proxy);
        }

        HttpResponseMessage response;
        try
        {
            response = await httpClientFactory().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            throw TransportFailure(call, ex);
        }

        using (response)
        {
            if (BlueskyHeaders.ReadRateLimit(response.Headers) is { } rateLimit)
            {
                Volatile.Write(ref lastRateLimit, rateLimit);
            }

            var body = await ReadBodySafelyAsync(response, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw MapError(call, response, body);
            }

            try
            {
                return JsonSerializer.Deserialize(body, output) ?? throw Malformed(call);
            }
            catch (JsonException ex)
            {
                throw Malformed(call, ex);
            }
            catch (NotSupportedException ex)
            {
                throw Malformed(call, ex);
            }
        }
    }

    private Exception MapError(XrpcCall call, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        var (error, message) = ParseError(body);
        foreach (var secret in call.Secrets ?? [])
        {
            error = Redact(error, secret);
            message = Redact(message, secret);
        }

        Log.RequestFailed(logger, provider, call.Method, (int)status, error ?? "no XRPC error");
        var detail = error is null ? $"HTTP {(int)status}" : message is null ? error : $"{error} ({message})";
        var delay = BlueskyHeaders.ReadServerDelay(response, time);
        if (status == HttpStatusCode.TooManyRequests || error == "RateLimitExceeded")
        {
            return new RateLimitedException(provider, delay ?? FallbackRateLimitWait, BlueskyHeaders.ReadRateLimit(response.Headers));
        }

        // Only the brand's session can be renewed here; a member's expiry is an ordinary credential failure.
        if (error == "ExpiredToken" && call.TokenOwner == "brand")
        {
            return new ExpiredTokenException(provider, $"Bluesky ({provider}) refused the expired {call.TokenOwner} access token for {call.Method}: {detail}. Refresh the session or sign in again.");
        }

        if (status == HttpStatusCode.Unauthorized || (error is not null && CredentialErrors.Contains(error)))
        {
            return new CredentialException(provider, $"Bluesky ({provider}) refused the {call.TokenOwner} credential for {call.Method}: {detail}. The token or app password is unknown, expired or revoked; sign in again.");
        }

        if (status == HttpStatusCode.Forbidden)
        {
            return new CredentialException(provider, $"Bluesky ({provider}) did not allow {call.Method} with the {call.TokenOwner} credential: {detail}. Check the app password's permissions and the account's state.");
        }

        if (call.ResourceKind is not null && call.ResourceId is not null && (status == HttpStatusCode.NotFound || (error is not null && NotFoundErrors.Contains(error))))
        {
            return new ResourceNotFoundException(provider, call.ResourceKind, call.ResourceId);
        }

        if (status is HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError && status != HttpStatusCode.NotImplemented)
        {
            return new ProviderException(provider, $"Bluesky ({provider}) failed {call.Method}: {detail}. The call may succeed later.", status, error, true, delay);
        }

        return new ProviderException(provider, $"Bluesky ({provider}) refused {call.Method}: {detail}.", status, error, false, delay);
    }

    private ProviderException TransportFailure(XrpcCall call, Exception exception)
    {
        var result = HttpTransportFailures.Classify("Bluesky", provider, call.Method, exception);
        Log.TransportFailed(logger, provider, call.Method, result.ProviderErrorCode ?? exception.GetType().Name);
        return result;
    }

    private static async Task<string> ReadBodySafelyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private static (string? Error, string? Message) ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var dto = JsonSerializer.Deserialize(body, BlueskyJsonContext.Default.XrpcErrorDto);
            return (Shorten(dto?.Error), Shorten(dto?.Message));
        }
        catch (JsonException)
        {
            // Proxies answer with HTML; its text says nothing useful to a caller.
            return (null, null);
        }
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

    private static string? Redact(string? text, string secret)
        => text is null || string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);
}
