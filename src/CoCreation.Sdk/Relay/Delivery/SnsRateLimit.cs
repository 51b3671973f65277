namespace CoCreation.Sdk;

/// <summary>
/// How many sends the relay starts through one SNS connector (one sending account) in a window of time, across every
/// relay worker that shares the store (see <see cref="IRateLimitStore"/>).
/// </summary>
/// <remarks>
/// <para>
/// The relay spreads the sends out: a token bucket holding <see cref="Burst"/> tokens gains one every
/// <see cref="Window"/> ÷ (<see cref="Requests"/> − <see cref="Burst"/>). So over any span of one
/// <see cref="Window"/>, wherever it starts, at most <see cref="Requests"/> sends start: the limit holds against a
/// provider that counts in fixed windows starting at any moment as well as one that counts in a sliding window. The
/// price is that the relay's steady rate is (<see cref="Requests"/> − <see cref="Burst"/>) per window, a little under
/// the provider's limit (299 of 300 for Mastodon with the default burst of 1).
/// </para>
/// <para>Immutable; safe to share.</para>
/// </remarks>
public sealed record SnsRateLimit
{
    /// <summary>Creates a limit of <paramref name="requests"/> sends per <paramref name="window"/>.</summary>
    /// <param name="requests">The most sends in any window; at least 1.</param>
    /// <param name="window">The window; longer than zero.</param>
    public SnsRateLimit(int requests, TimeSpan window)
    {
        Requests = requests;
        Window = window;
    }

    /// <summary>The most sends in any span of one <see cref="Window"/>; at least 1.</summary>
    public int Requests { get; init; }

    /// <summary>The length of the window; longer than zero and at most 366 days.</summary>
    public TimeSpan Window { get; init; }

    /// <summary>
    /// How many sends may start at once after a quiet spell; 1 to <see cref="Requests"/> − 1 (1 when
    /// <see cref="Requests"/> is 1, the sends are then one window apart). Default 1: evenly spaced sends.
    /// </summary>
    public int Burst { get; init; } = 1;

    /// <summary>
    /// Mastodon's published limit for an account: 300 requests per 5 minutes (mastodon/documentation, rate limits;
    /// also per IP address, which one brand account's sends stay under).
    /// </summary>
    public static SnsRateLimit Mastodon { get; } = new(300, TimeSpan.FromMinutes(5));

    /// <summary>
    /// Bluesky's published write limit for an account: 5,000 points per hour, a created record (a post) costing 3
    /// points, so 1,666 creates per hour. The per-IP limit of 3,000 requests per 5 minutes is higher.
    /// </summary>
    public static SnsRateLimit Bluesky { get; } = new(1666, TimeSpan.FromHours(1));

    /// <summary>
    /// The limit the SDK knows a network publishes for one account: <see cref="Mastodon"/> for <c>mastodon</c>,
    /// <see cref="Bluesky"/> for <c>bluesky</c> (the <see cref="SnsConnectorMetadata.Network"/> of the connector).
    /// </summary>
    /// <param name="network">The network kind.</param>
    /// <returns>The limit, or <see langword="null"/> when the SDK knows none (the embedded SNS, test connectors).</returns>
    public static SnsRateLimit? Published(string? network) => network switch
    {
        "mastodon" => Mastodon,
        "bluesky" => Bluesky,
        _ => null,
    };

    /// <summary>Checks the limit.</summary>
    /// <param name="field">The name of the setting, for the exception, for example <c>Relay.RateLimits[brand]</c>.</param>
    /// <exception cref="CoCreationValidationException">A value is out of range; the exception names the field.</exception>
    public void Validate(string field)
    {
        if (Requests < 1)
        {
            throw new CoCreationValidationException(field + ".Requests", $"must be at least 1 (was {Requests}).");
        }

        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromDays(366))
        {
            throw new CoCreationValidationException(field + ".Window", $"must be longer than zero and at most 366 days (was {Window}).");
        }

        var maxBurst = Math.Max(1, Requests - 1);
        if (Burst < 1 || Burst > maxBurst)
        {
            throw new CoCreationValidationException(field + ".Burst", $"must be between 1 and {maxBurst}, one less than Requests (was {Burst}).");
        }
    }

    /// <summary>The token bucket that keeps to the limit.</summary>
    internal RateLimitBucket ToBucket() => new(Burst, Window / Math.Max(1, Requests - Burst));
}
