using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Http;

/// <summary>
/// Runs an adapter's HTTP calls and turns their outcome into values or the SDK's exceptions: failures before a response
/// (<see cref="HttpTransportFailures"/>), error answers (<see cref="HttpErrorProfile"/>), bodies that are not the expected
/// JSON, and the latest rate-limit headers. Retries have already happened inside the HTTP pipeline
/// (<see cref="HttpAdapterResilience"/>) by the time a response or exception reaches this class.
/// </summary>
/// <remarks>
/// Secrets named by the call or given as standing secrets are removed from any text the server echoes back, and error
/// texts are shortened, before they reach a message or a log line. Safe for concurrent use.
/// </remarks>
public sealed class HttpAdapterCalls
{
    private const int MaxErrorTextLength = 300;
    private readonly HttpErrorProfile profile;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly string[] standingSecrets;
    private RateLimitInfo? lastRateLimit;

    /// <summary>Creates the runner of one adapter instance.</summary>
    /// <param name="provider">The adapter's registered name, carried by every exception.</param>
    /// <param name="profile">How the service's errors map to exceptions.</param>
    /// <param name="time">The clock for <c>Retry-After</c> dates.</param>
    /// <param name="logger">Where failures are logged (without secrets); <see langword="null"/> for none.</param>
    /// <param name="standingSecrets">Secrets every call may carry (for example the brand's token); blank ones are ignored.</param>
    public HttpAdapterCalls(string provider, HttpErrorProfile profile, TimeProvider time, ILogger? logger = null, IEnumerable<string?>? standingSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(time);
        Provider = provider;
        this.profile = profile;
        this.time = time;
        this.logger = logger ?? NullLogger.Instance;
        this.standingSecrets = [.. (standingSecrets ?? []).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)];
    }

    /// <summary>The adapter's registered name.</summary>
    public string Provider { get; }

    /// <summary>The rate-limit state of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => Volatile.Read(ref lastRateLimit);

    /// <summary>Sends, records the rate-limit headers and checks the status; the caller owns the successful response.</summary>
    /// <param name="call">The call.</param>
    /// <param name="send">Sends the request (a Refit method or <see cref="HttpClient.SendAsync(HttpRequestMessage, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">Cancels the call; a cancellation by the caller is rethrown as itself.</param>
    /// <returns>The successful response.</returns>
    /// <exception cref="ProviderException">No response arrived, or the service answered with an error.</exception>
    /// <exception cref="CredentialException">The service refused the credential.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(send);
        HttpResponseMessage response;
        try
        {
            response = await send(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            // Refit and handlers wrap what they threw; an SDK exception (a refused credential) reaches the caller as itself.
            if (HttpTransportFailures.Find<CoCreationException>(ex) is { } sdkException)
            {
                throw sdkException;
            }

            var failure = HttpTransportFailures.Classify(profile.Service, Provider, call.Operation, ex);
            Log.TransportFailed(logger, profile.Service, Provider, call.Operation, failure.ProviderErrorCode ?? ex.GetType().Name);
            throw failure;
        }

        if (profile.RateLimitHeaders is { } names && RateLimitHeaders.Read(response.Headers, names) is { } rateLimit)
        {
            Volatile.Write(ref lastRateLimit, rateLimit);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await ReadBodySafelyAsync(response, cancellationToken).ConfigureAwait(false);
            throw MapError(call, response, body);
        }
    }

    /// <summary>Sends and reads the successful answer as JSON.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="send">Sends the request.</param>
    /// <param name="type">The answer's JSON type information.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ProviderException">The call failed, or the answer is not the expected JSON (<c>malformed_response</c>).</exception>
    public async Task<T> SendJsonAsync<T>(HttpCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(call, send, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync(call, response, type, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a successful answer as JSON.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="call">The call.</param>
    /// <param name="response">The answer; not disposed.</param>
    /// <param name="type">The answer's JSON type information.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="ProviderException">The answer is not the expected JSON (<c>malformed_response</c>).</exception>
    public async Task<T> ReadJsonAsync<T>(HttpCall call, HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(type);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw Malformed(call);
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

    /// <summary>A response whose body is not what the call returns.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cause">The parse failure, if any.</param>
    /// <returns>A non-transient <see cref="ProviderException"/> with code <c>malformed_response</c>.</returns>
    public ProviderException Malformed(HttpCall call, Exception? cause = null)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new(Provider, $"{profile.Service} ({Provider}) answered {call.Operation} with a body that is not the expected JSON.", null, "malformed_response", false, null, cause);
    }

    /// <summary>Maps an error answer to the SDK's exception, with the error texts shortened and secrets removed, and logs it.</summary>
    /// <param name="call">The call.</param>
    /// <param name="response">The error answer.</param>
    /// <param name="body">Its body.</param>
    /// <returns>The exception to throw.</returns>
    public Exception MapError(HttpCall call, HttpResponseMessage response, string body)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(response);
        var parsed = string.IsNullOrWhiteSpace(body) ? ProviderErrorBody.None : profile.ParseError(body);
        var clean = new ProviderErrorBody(Clean(parsed.Code, call), Clean(parsed.Message, call));
        var now = time.GetUtcNow();
        var error = new HttpError(
            response.StatusCode,
            clean,
            RateLimitHeaders.ReadServerDelay(response, now, profile.RateLimitHeaders),
            profile.RateLimitHeaders is { } names ? RateLimitHeaders.Read(response.Headers, names) : null);
        Log.RequestFailed(logger, profile.Service, Provider, call.Operation, (int)response.StatusCode, clean.Code ?? "no error code");
        return profile.Map(Provider, call, error);
    }

    private string? Clean(string? text, HttpCall call)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var secret in standingSecrets.Concat(call.Secrets ?? []))
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        text = text.Trim();
        return text.Length <= MaxErrorTextLength ? text : text[..MaxErrorTextLength] + "…";
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
}
