using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>Describes one call for error mapping.</summary>
/// <param name="Operation">The method and path template, for example <c>GET /api/v1/polls/{id}</c>.</param>
/// <param name="TokenOwner">Whose token the call carries (<c>brand</c> or <c>member</c>), for the message of a 401.</param>
/// <param name="ResourceKind">What a 404 means was not found, where a 404 means that.</param>
/// <param name="ResourceId">The id that a 404 means was not found.</param>
/// <param name="Secret">A secret the call carries; removed from any text the server echoes back.</param>
internal sealed record MastodonCall(string Operation, string TokenOwner, string? ResourceKind = null, string? ResourceId = null, string? Secret = null)
{
    public override string ToString() => Operation;
}

/// <summary>A parsed response and its headers.</summary>
internal sealed record MastodonResult<T>(T Value, HttpResponseHeaders Headers);

/// <summary>
/// Runs Refit calls and turns their outcome into values or the SDK's exceptions. Retries have already
/// happened inside the HTTP pipeline by the time a response or exception reaches this class.
/// </summary>
internal sealed partial class MastodonHttp(string provider, TimeProvider time, ILogger logger, string? standingSecret = null)
{
    private const int MaxErrorTextLength = 300;
    private static readonly TimeSpan FallbackRateLimitWait = TimeSpan.FromMinutes(5);
    private RateLimitInfo? lastRateLimit;

    public string Provider => provider;

    /// <summary>The rate-limit state of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => Volatile.Read(ref lastRateLimit);

    public async Task<MastodonResult<T>> SendAsync<T>(MastodonCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(call, send, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException ex)
        {
            throw Malformed(call, ex);
        }
        catch (NotSupportedException ex)
        {
            throw Malformed(call, ex);
        }

        if (value is null)
        {
            throw Malformed(call, null);
        }

        return new MastodonResult<T>(value, response.Headers);
    }

    /// <summary>Sends and checks the status; the caller owns the successful response.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(MastodonCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await send(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested) && ex is not CoCreationException)
        {
            throw TransportFailure(call, ex);
        }

        if (MastodonHeaders.ReadRateLimit(response.Headers) is { } rateLimit)
        {
            Volatile.Write(ref lastRateLimit, rateLimit);
        }

        if (response.IsSuccessStatusCode)
        {
            await BrandTokenAcceptedAsync(call).ConfigureAwait(false);
            return response;
        }

        using (response)
        {
            var body = await ReadBodySafelyAsync(response, cancellationToken).ConfigureAwait(false);
            Log.RequestFailed(logger, provider, call.Operation, (int)response.StatusCode);
            throw await BrandTokenCheckedAsync(call, response.StatusCode, MapError(call, response, body)).ConfigureAwait(false);
        }
    }

    /// <summary>A response whose body is not what the operation returns.</summary>
    public ProviderException Malformed(MastodonCall call, Exception? cause)
        => new(provider, $"Mastodon ({provider}) answered {call.Operation} with a body that is not the expected JSON.", null, "malformed_response", false, null, cause);

    private Exception MapError(MastodonCall call, HttpResponseMessage response, string body)
    {
        var status = response.StatusCode;
        var (error, description) = ParseError(body);
        error = Redact(Redact(error, call.Secret), standingSecret);
        description = Redact(Redact(description, call.Secret), standingSecret);
        var detail = error is null ? $"HTTP {(int)status}" : description is null ? error : $"{error} ({description})";
        var delay = MastodonHeaders.ReadServerDelay(response, time);
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                return new CredentialException(provider, $"Mastodon ({provider}) refused the {call.TokenOwner} access token for {call.Operation}: {detail}. The token is unknown, expired or revoked; sign in again or issue a new one.");
            case HttpStatusCode.Forbidden:
                return new CredentialException(provider, $"Mastodon ({provider}) did not allow {call.Operation} with the {call.TokenOwner} access token: {detail}. Check the token's scopes and the account's state.");
            case HttpStatusCode.NotFound when call.ResourceKind is not null && call.ResourceId is not null:
                return new ResourceNotFoundException(provider, call.ResourceKind, call.ResourceId);
            case HttpStatusCode.TooManyRequests:
                return new RateLimitedException(provider, delay ?? FallbackRateLimitWait, MastodonHeaders.ReadRateLimit(response.Headers));
            case HttpStatusCode.RequestTimeout:
            case >= HttpStatusCode.InternalServerError:
                return new ProviderException(provider, $"Mastodon ({provider}) failed {call.Operation}: {detail}. The call may succeed later.", status, ErrorCode(error), true, delay);
            default:
                return new ProviderException(provider, $"Mastodon ({provider}) refused {call.Operation}: {detail}.", status, ErrorCode(error), false, delay);
        }
    }

    private ProviderException TransportFailure(MastodonCall call, Exception exception)
    {
        var result = HttpTransportFailures.Classify("Mastodon", provider, call.Operation, exception);
        Log.TransportFailed(logger, provider, call.Operation, result.ProviderErrorCode ?? exception.GetType().Name);
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

    private static (string? Error, string? Description) ParseError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null);
        }

        try
        {
            var dto = JsonSerializer.Deserialize(body, MastodonJsonContext.Default.MastodonErrorDto);
            return (Shorten(dto?.Error), Shorten(dto?.ErrorDescription));
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

    private static string? Redact(string? text, string? secret)
        => text is null || string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);

    // OAuth errors carry a code (invalid_grant); API errors carry a sentence.
    private static string? ErrorCode(string? error) => error is not null && ErrorCodePattern().IsMatch(error) ? error : null;

    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex ErrorCodePattern();
}
