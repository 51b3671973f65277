using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>
/// Configures the standard resilience pipeline for Google (ADR 2): Google's truncated exponential back-off for 5xx,
/// 429 and the rate-limit 403s, honouring <c>Retry-After</c> where sent. Idempotent methods retry every transient
/// failure; a POST retries only a rate-limit answer, which Google gives before doing anything.
/// </summary>
internal static class GoogleResilience
{
    public static void Configure(HttpStandardResilienceOptions resilience, GoogleWorkspaceOptions options, TimeProvider time)
    {
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;

        // Polly needs at least one attempt configured; zero retries is expressed by never handling.
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = async args => options.MaxRetryAttempts > 0 && await ShouldRetryAsync(args.Outcome, args.Context, options, time).ConfigureAwait(false);
        resilience.Retry.DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? ReadRetryAfter(response, time) : null);

        // Rate-limit 403s are not transient to the breaker's eyes either: only 5xx, 408, 429 and timeouts count.
        var minimumSampling = options.AttemptTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }

    /// <summary>Whether an outcome is retried.</summary>
    internal static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, GoogleWorkspaceOptions options, TimeProvider time)
    {
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        var rateLimited = outcome.Result is { } response && await IsRateLimitedAsync(response, context.CancellationToken).ConfigureAwait(false);
        if (!rateLimited && !HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        if (request is null || (!rateLimited && !IsIdempotent(request.Method)))
        {
            // A POST that failed with a 5xx or timed out may have been carried out; repeating it could create a twin.
            return false;
        }

        if (outcome.Result is { } answered && ReadRetryAfter(answered, time) is { } wait && wait > options.MaxRetryAfter)
        {
            return false;
        }

        return true;
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
        return GoogleHttp.IsRateLimitReason(GoogleHttp.ParseError(body).Reason);
    }

    internal static bool IsIdempotent(HttpMethod method)
        => method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Options;

    /// <summary>How long the server asked to wait (<c>Retry-After</c> as seconds or a date); <see langword="null"/> when it did not say.</summary>
    internal static TimeSpan? ReadRetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var now = time.GetUtcNow();
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }
}
