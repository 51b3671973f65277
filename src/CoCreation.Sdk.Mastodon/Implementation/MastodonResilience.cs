using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>
/// Configures the standard resilience pipeline for Mastodon (ADR 2): retry only what is safe to repeat,
/// wait as long as the server asks, and give up at once when it asks for longer than a call should block.
/// </summary>
internal static class MastodonResilience
{
    public static void Configure(HttpStandardResilienceOptions resilience, MastodonOptions options, TimeProvider time)
    {
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;

        // Polly needs at least one attempt configured; zero retries is expressed by never handling.
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && ShouldRetry(args.Outcome, args.Context, options, time));
        resilience.Retry.DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? MastodonHeaders.ReadServerDelay(response, time) : null);

        // The breaker must sample over at least two attempt timeouts (a rule of the standard pipeline).
        var minimumSampling = options.AttemptTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }

    /// <summary>Whether an outcome is retried: transient, safe to repeat, and not asking for a long wait.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, MastodonOptions options, TimeProvider time)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        if (request is null || !IsSafeToRepeat(request))
        {
            return false;
        }

        if (outcome.Result is { } response && MastodonHeaders.ReadServerDelay(response, time) is { } wait && wait > options.MaxRetryAfter)
        {
            // A long wait belongs to the caller (the relay's outbox), not to a blocked call.
            return false;
        }

        return true;
    }

    /// <summary>Idempotent methods always; a POST only when Mastodon can de-duplicate it by its Idempotency-Key.</summary>
    internal static bool IsSafeToRepeat(HttpRequestMessage request)
    {
        var method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Put || method == HttpMethod.Delete)
        {
            return true;
        }

        return method == HttpMethod.Post && request.Headers.TryGetValues(MastodonHeaders.IdempotencyKey, out var keys) && keys.Any(k => !string.IsNullOrWhiteSpace(k));
    }
}
