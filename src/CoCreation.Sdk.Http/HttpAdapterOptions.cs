namespace CoCreation.Sdk.Http;

/// <summary>
/// The resilience settings every HTTP adapter's options share: attempt and total timeouts, retries and the longest
/// server-requested wait a call still sits out. Derive an adapter's options from it so that
/// <see cref="HttpAdapterResilience"/> and <see cref="AdapterOptionsValidator{TOptions}"/> handle these settings once.
/// </summary>
/// <remarks>Bindable from configuration. Instances are read by the options system; do not change them after the app has started.</remarks>
public abstract class HttpAdapterOptions
{
    /// <summary>How long one HTTP attempt may take (at least 10 ms). Default: 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one call may take with all its retries; at least <see cref="AttemptTimeout"/>. Default: 30 seconds.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times a failed call is retried (0 to 10). Default: 3. Only calls the adapter's retry rules call safe
    /// to repeat are ever retried (<see cref="HttpRetryRules"/>).
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay when the server does not say how long to wait (0 to 1 day); later ones grow exponentially with jitter. Default: 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait a server may ask for (<c>Retry-After</c>, or a rate-limit reset on a 429) that a call still
    /// waits out and retries. A longer one fails the call at once with <see cref="RateLimitedException"/> or a transient
    /// <see cref="ProviderException"/> carrying the wait, for the caller to reschedule. Default: 10 seconds.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(10);
}
