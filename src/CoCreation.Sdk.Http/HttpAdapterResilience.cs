using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CoCreation.Sdk.Http;

/// <summary>
/// Configures the standard resilience pipeline of Microsoft.Extensions.Http.Resilience for an adapter: timeouts and
/// retries from <see cref="HttpAdapterOptions"/>, repeating only what <see cref="HttpRetryRules"/> allow, waiting as long
/// as the server asks (<c>Retry-After</c> as seconds or an HTTP date), and giving up at once when it asks for longer
/// than <see cref="HttpAdapterOptions.MaxRetryAfter"/>: a long wait belongs to the caller, not to a blocked call.
/// </summary>
public static class HttpAdapterResilience
{
    /// <summary>Applies <paramref name="options"/> and <paramref name="rules"/> to a standard resilience pipeline.</summary>
    /// <param name="resilience">The pipeline options to configure.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="rules">What may be repeated.</param>
    /// <param name="time">The clock used to read HTTP-date <c>Retry-After</c> values.</param>
    public static void Configure(HttpStandardResilienceOptions resilience, HttpAdapterOptions options, HttpRetryRules rules, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(resilience);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(time);
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;

        // Polly needs at least one attempt configured; zero retries is expressed by never handling.
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = async args => options.MaxRetryAttempts > 0 && await ShouldRetryAsync(args.Outcome, args.Context, options, rules, time.GetUtcNow()).ConfigureAwait(false);
        resilience.Retry.DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome, rules, time.GetUtcNow()));

        // The breaker must sample over at least two attempt timeouts (a rule of the standard pipeline).
        var minimumSampling = options.AttemptTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }

    /// <summary>
    /// The delay before the next attempt: the server's requested wait when it gave one, otherwise <see langword="null"/>
    /// (the pipeline's exponential back-off). A pure function of the outcome and <paramref name="now"/>.
    /// </summary>
    /// <param name="outcome">The failed attempt.</param>
    /// <param name="rules">The adapter's rules.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The wait, or <see langword="null"/>.</returns>
    public static TimeSpan? RetryDelay(Outcome<HttpResponseMessage> outcome, HttpRetryRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return outcome.Result is { } response ? rules.ServerDelay(response, now) : null;
    }

    /// <summary>Whether an outcome is retried: transient (or a rate-limit refusal), safe to repeat, and not asking for a long wait.</summary>
    /// <param name="outcome">The failed attempt.</param>
    /// <param name="context">The resilience context, which holds the request when no response arrived.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="rules">The adapter's rules.</param>
    /// <param name="now">The current time.</param>
    /// <returns>Whether to try again.</returns>
    public static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, HttpAdapterOptions options, HttpRetryRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rules);
        var refusal = outcome.Result is { } answer && rules.IsRateLimitRefusal is { } isRefusal && await isRefusal(answer, context.CancellationToken).ConfigureAwait(false);
        if (!refusal && !HttpClientResiliencePredicates.IsTransient(outcome))
        {
            return false;
        }

        // A refused call was not carried out, so it is safe to repeat whatever its method; any other may have been.
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        if (request is null || (!refusal && !rules.IsSafeToRepeat(request)))
        {
            return false;
        }

        return !(outcome.Result is { } response && rules.ServerDelay(response, now) is { } wait && wait > options.MaxRetryAfter);
    }
}
