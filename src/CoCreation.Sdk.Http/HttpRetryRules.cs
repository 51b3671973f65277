namespace CoCreation.Sdk.Http;

/// <summary>
/// What an adapter's resilience pipeline may repeat, and how it reads the server's requested wait. The defaults repeat
/// idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) and honour <c>Retry-After</c>.
/// </summary>
/// <remarks>Immutable once built; safe for concurrent use.</remarks>
public sealed class HttpRetryRules
{
    /// <summary>The default rules: idempotent methods only, <c>Retry-After</c> honoured, no rate-limit headers.</summary>
    public static HttpRetryRules Idempotent { get; } = new();

    /// <summary>Whether a request may be sent again after a transient failure. Default: <see cref="IsIdempotent"/>.</summary>
    public Func<HttpRequestMessage, bool> IsSafeToRepeat { get; init; } = IsIdempotent;

    /// <summary>
    /// Whether an answer is a rate-limit refusal the server gave before doing anything, so that even a request that is
    /// not safe to repeat is retried (for example Google's 403 <c>rateLimitExceeded</c>). Default: never.
    /// May buffer and read the body; the error mapping reads it again.
    /// </summary>
    public Func<HttpResponseMessage, CancellationToken, ValueTask<bool>>? IsRateLimitRefusal { get; init; }

    /// <summary>The rate-limit headers whose reset says how long to wait on a 429 without <c>Retry-After</c>; <see langword="null"/> when the service sends none.</summary>
    public RateLimitHeaderNames? RateLimitHeaders { get; init; }

    /// <summary>Whether the server's requested wait is honoured (as the retry delay, and to give up when it is too long). Default: <see langword="true"/>.</summary>
    public bool HonourServerDelay { get; init; } = true;

    /// <summary>GET, HEAD, OPTIONS, PUT and DELETE.</summary>
    /// <param name="request">The request.</param>
    /// <returns>Whether its method is idempotent.</returns>
    public static bool IsIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Put || method == HttpMethod.Delete;
    }

    /// <summary>Idempotent methods, and a request of another method that carries a non-blank header <paramref name="header"/> (an idempotency key).</summary>
    /// <param name="header">The idempotency header, for example <c>Idempotency-Key</c>.</param>
    /// <returns>The predicate.</returns>
    public static Func<HttpRequestMessage, bool> IdempotentOrKeyed(string header)
    {
        CoCreationGuard.NotBlank(header, nameof(header));
        return request => IsIdempotent(request)
            || (request.Headers.TryGetValues(header, out var keys) && keys.Any(k => !string.IsNullOrWhiteSpace(k)));
    }

    /// <summary>Only requests whose method is <paramref name="method"/>.</summary>
    /// <param name="method">The one method that may be repeated.</param>
    /// <returns>The predicate.</returns>
    public static Func<HttpRequestMessage, bool> OnlyMethod(HttpMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return request => request.Method == method;
    }

    /// <summary>Only requests whose option <paramref name="key"/> is set to <see langword="true"/> by the adapter.</summary>
    /// <param name="key">The request option the adapter sets on requests that are safe to send again.</param>
    /// <returns>The predicate.</returns>
    public static Func<HttpRequestMessage, bool> Marked(HttpRequestOptionsKey<bool> key)
        => request => request.Options.TryGetValue(key, out var safe) && safe;

    /// <summary>The wait the server asked for, or <see langword="null"/> when it did not say or these rules ignore it.</summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The wait, or <see langword="null"/>.</returns>
    public TimeSpan? ServerDelay(HttpResponseMessage response, DateTimeOffset now)
        => HonourServerDelay ? CoCreation.Sdk.Http.RateLimitHeaders.ReadServerDelay(response, now, RateLimitHeaders) : null;
}
