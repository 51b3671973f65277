namespace CoCreation.Sdk.Embedded;

/// <summary>
/// The limits and features of an <see cref="EmbeddedSnsNetwork"/>. Its connectors report these as their
/// <see cref="Sns.SnsCapabilities"/>, so tests can shape the network like the real one they stand in for.
/// </summary>
/// <remarks>The network reads the options on every call; change them before connectors are used, not during.</remarks>
public sealed class EmbeddedSnsOptions
{
    /// <summary>The longest post or direct message, in user-perceived characters. Default 500.</summary>
    public int MaxPostLength { get; set; } = 500;

    /// <summary>Whether the network has native polls. Default <see langword="true"/>.</summary>
    public bool EnablePolls { get; set; } = true;

    /// <summary>The most options a poll may have. Default 4.</summary>
    public int MaxPollOptions { get; set; } = 4;

    /// <summary>The longest poll option, in characters. Default 50.</summary>
    public int MaxPollOptionLength { get; set; } = 50;

    /// <summary>The shortest poll duration. Default 5 minutes.</summary>
    public TimeSpan MinPollDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest poll duration. Default 7 days.</summary>
    public TimeSpan MaxPollDuration { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Whether the brand can send direct messages. Default <see langword="true"/>.</summary>
    public bool EnableDirectMessages { get; set; } = true;

    /// <summary>How long a credential issued without an explicit lifetime stays valid. Default 30 days.</summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How many write calls (publish, poll, direct message) one brand credential may make per
    /// <see cref="RateLimitWindow"/>; <see langword="null"/> (the default) for no limit.
    /// </summary>
    public int? RateLimitPerWindow { get; set; }

    /// <summary>The length of a rate-limit window. Default 1 minute.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a repeated idempotency key returns the first result. Default 1 hour.</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The SQLite file the network keeps its state in (created when missing; a relative path is resolved against
    /// the current directory), or <see langword="null"/> (the default) to keep everything in memory only. Read
    /// once, when the network is created.
    /// </summary>
    /// <remarks>
    /// Every change is committed to the file before the call that made it returns, and a network created on the
    /// same file later finds the same accounts, credentials, posts, polls and votes, direct messages and
    /// idempotency keys. Only one network at a time may open a file.
    /// </remarks>
    public string? DatabasePath { get; set; }

    internal void Validate()
    {
        if (DatabasePath is not null)
        {
            CoCreationGuard.NotBlank(DatabasePath, nameof(DatabasePath));
        }

        CoCreationGuard.Positive(MaxPostLength, nameof(MaxPostLength));
        if (EnablePolls)
        {
            if (MaxPollOptions < 2)
            {
                throw new CoCreationValidationException(nameof(MaxPollOptions), $"must be at least 2 when polls are enabled (was {MaxPollOptions}).");
            }

            CoCreationGuard.Positive(MaxPollOptionLength, nameof(MaxPollOptionLength));
            if (MinPollDuration <= TimeSpan.Zero)
            {
                throw new CoCreationValidationException(nameof(MinPollDuration), "must be greater than zero.");
            }

            if (MaxPollDuration < MinPollDuration)
            {
                throw new CoCreationValidationException(nameof(MaxPollDuration), "must not be shorter than MinPollDuration.");
            }
        }

        if (CredentialLifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(CredentialLifetime), "must be greater than zero.");
        }

        if (RateLimitPerWindow is { } limit)
        {
            CoCreationGuard.Positive(limit, nameof(RateLimitPerWindow));
        }

        if (RateLimitWindow <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(RateLimitWindow), "must be greater than zero.");
        }

        if (IdempotencyKeyLifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(IdempotencyKeyLifetime), "must be greater than zero.");
        }
    }
}
