using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>A parsed response and its headers.</summary>
internal sealed record MastodonResult<T>(T Value, HttpResponseHeaders Headers);

/// <summary>
/// Mastodon's side of the shared HTTP layer: its error body (<c>error</c>, <c>error_description</c>), its
/// <c>X-RateLimit-*</c> headers, and what may be sent again (reads, and posts carrying an <c>Idempotency-Key</c>).
/// </summary>
internal sealed partial class MastodonHttp(string provider, TimeProvider time, ILogger logger, string? standingSecret = null)
{
    /// <summary>Reads, and posts that Mastodon can de-duplicate by their Idempotency-Key, are repeated; the wait the server asks for is honoured.</summary>
    public static readonly HttpRetryRules RetryRules = new()
    {
        IsSafeToRepeat = HttpRetryRules.IdempotentOrKeyed(MastodonHeaders.IdempotencyKey),
        RateLimitHeaders = RateLimitHeaderNames.XRateLimit,
    };

    /// <summary>How Mastodon's error answers map to the SDK's exceptions.</summary>
    public static readonly HttpErrorProfile Errors = new("Mastodon")
    {
        ParseError = ParseError,
        RateLimitHeaders = RateLimitHeaderNames.XRateLimit,
        CredentialNoun = "access token",
        UnauthorizedAdvice = "The token is unknown, expired or revoked; sign in again or issue a new one.",
        ForbiddenAdvice = "Check the token's scopes and the account's state.",

        // OAuth errors carry a code (invalid_grant); API errors carry a sentence.
        IsErrorCode = code => ErrorCodePattern().IsMatch(code),
    };

    private readonly HttpAdapterCalls calls = new(provider, Errors, time, logger, [standingSecret]);

    public string Provider => provider;

    /// <summary>The rate-limit state of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => calls.LastRateLimit;

    public async Task<MastodonResult<T>> SendAsync<T>(HttpCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(call, send, cancellationToken).ConfigureAwait(false);
        var value = await calls.ReadJsonAsync(call, response, type, cancellationToken).ConfigureAwait(false);
        return new MastodonResult<T>(value, response.Headers);
    }

    /// <summary>Sends and checks the status; the caller owns the successful response.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
        => SendCheckedAsync(call, send, cancellationToken);

    /// <summary>Sends through the shared layer and reports the brand token's health on the way back.</summary>
    private async Task<HttpResponseMessage> SendCheckedAsync(HttpCall call, Func<CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        // A 403 is a refusal of this call; only a 401 says the token itself is gone.
        var status = default(System.Net.HttpStatusCode?);
        async Task<HttpResponseMessage> Tracked(CancellationToken token)
        {
            var answer = await send(token).ConfigureAwait(false);
            status = answer.StatusCode;
            return answer;
        }

        HttpResponseMessage response;
        try
        {
            response = await calls.SendAsync(call, Tracked, cancellationToken).ConfigureAwait(false);
        }
        catch (CredentialException ex) when (status == System.Net.HttpStatusCode.Unauthorized && ex is not CoCreation.Sdk.Health.ReauthorizationRequiredException)
        {
            throw await BrandTokenCheckedAsync(call, ex).ConfigureAwait(false);
        }

        await BrandTokenAcceptedAsync(call).ConfigureAwait(false);
        return response;
    }

    /// <summary>A response whose body is not what the operation returns.</summary>
    public ProviderException Malformed(HttpCall call, Exception? cause) => calls.Malformed(call, cause);

    private static ProviderErrorBody ParseError(string body)
    {
        try
        {
            var dto = JsonSerializer.Deserialize(body, MastodonJsonContext.Default.MastodonErrorDto);
            return new ProviderErrorBody(dto?.Error, dto?.ErrorDescription);
        }
        catch (JsonException)
        {
            // Proxies answer with HTML; its text says nothing useful to a caller.
            return ProviderErrorBody.None;
        }
    }

    [GeneratedRegex("^[a-z][a-z_]*$")]
    private static partial Regex ErrorCodePattern();
}
