using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>
/// Configures the standard resilience pipeline for XRPC: queries (GET) are retried on transient failures and
/// wait as long as the server asks; procedures (POST) are never repeated, since XRPC has no idempotency keys.
/// </summary>
internal static class BlueskyResilience
{
    public static void Configure(HttpStandardResilienceOptions resilience, BlueskyOptions options, TimeProvider time)
    {
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;

        // Polly needs at least one attempt configured; zero retries is expressed by never handling.
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && ShouldRetry(args.Outcome, args.Context, options, time));
        resilience.Retry.DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? BlueskyHeaders.ReadServerDelay(response, time) : null);

        // The breaker must sample over at least two attempt timeouts (a rule of the standard pipeline).
        var minimumSampling = options.AttemptTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }

    /// <summary>Whether an outcome is retried: transient, a query, and not asking for a long wait.</summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, BlueskyOptions options, TimeProvider time)
    {
        if (!HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        if (request is null || request.Method != HttpMethod.Get)
        {
            return false;
        }

        if (outcome.Result is { } response && BlueskyHeaders.ReadServerDelay(response, time) is { } wait && wait > options.MaxRetryAfter)
        {
            // A long wait belongs to the caller (the relay's outbox), not to a blocked call.
            return false;
        }

        return true;
    }
}
