namespace CoCreation.Sdk.Opinions;

/// <summary>Options of the opinions module (campaigns, moderation, ideas).</summary>
public sealed class OpinionOptions
{
    /// <summary>The brand name put into messages to supporters. Default <c>CoCreation</c>.</summary>
    public string BrandName { get; set; } = "CoCreation";

    /// <summary>How long a question takes votes when it names no duration. Default 1 day.</summary>
    public TimeSpan DefaultVotingDuration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most pages one source is read per <see cref="OpinionCampaigns.CollectAsync"/> call. Default 50.</summary>
    public int MaxPagesPerCollect { get; set; } = 50;

    /// <summary>The moderation filters' settings.</summary>
    public OpinionModerationOptions Moderation { get; set; } = new();

    /// <summary>
    /// The rules that move ideas between stages on the clock. Default: 10 supporters within 14 days of
    /// submission move a submitted idea to review.
    /// </summary>
    public IList<IdeaThresholdRule> IdeaThresholds { get; } = [new IdeaThresholdRule { Supporters = 10, Within = TimeSpan.FromDays(14) }];

    internal void Validate()
    {
        CoCreationGuard.NotBlank(BrandName, "OpinionOptions.BrandName");
        if (DefaultVotingDuration <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("OpinionOptions.DefaultVotingDuration", "must be longer than zero.");
        }

        CoCreationGuard.Positive(MaxPagesPerCollect, "OpinionOptions.MaxPagesPerCollect");
        ArgumentNullException.ThrowIfNull(Moderation);
        Moderation.Validate();
        for (var i = 0; i < IdeaThresholds.Count; i++)
        {
            IdeaThresholds[i].Validate($"OpinionOptions.IdeaThresholds[{i}]");
        }
    }
}

/// <summary>Settings of the default moderation filters.</summary>
public sealed class OpinionModerationOptions
{
    /// <summary>Korean words that hold a text back wherever they appear (Korean attaches particles, so they match inside words).</summary>
    public IList<string> BannedWordsKorean { get; } = [];

    /// <summary>English words that hold a text back when they appear as whole words, in any case.</summary>
    public IList<string> BannedWordsEnglish { get; } = [];

    /// <summary>The most links a text may carry before it counts as link spam. Default 2.</summary>
    public int MaxLinks { get; set; } = 2;

    /// <summary>
    /// The shortest text (in characters, after normalising) the repeated-text filter looks at; shorter texts such
    /// as a vote <c>2</c> may repeat. Default 8.
    /// </summary>
    public int RepeatedTextMinLength { get; set; } = 8;

    /// <summary>How many different accounts may post the same text before further copies count as spam. Default 3.</summary>
    public int RepeatedTextMaxAuthors { get; set; } = 3;

    /// <summary>
    /// Accounts younger than this are held back, where the network reports account age; <see langword="null"/>
    /// (the default) turns the filter off. Networks that do not report the age are never held back by it.
    /// </summary>
    public TimeSpan? MinAccountAge { get; set; }

    internal void Validate()
    {
        for (var i = 0; i < BannedWordsKorean.Count; i++)
        {
            CoCreationGuard.NotBlank(BannedWordsKorean[i], $"Moderation.BannedWordsKorean[{i}]");
        }

        for (var i = 0; i < BannedWordsEnglish.Count; i++)
        {
            CoCreationGuard.NotBlank(BannedWordsEnglish[i], $"Moderation.BannedWordsEnglish[{i}]");
        }

        CoCreationGuard.NotNegative(MaxLinks, "Moderation.MaxLinks");
        CoCreationGuard.Positive(RepeatedTextMinLength, "Moderation.RepeatedTextMinLength");
        CoCreationGuard.Positive(RepeatedTextMaxAuthors, "Moderation.RepeatedTextMaxAuthors");
        if (MinAccountAge is { } age && age < TimeSpan.Zero)
        {
            throw new CoCreationValidationException("Moderation.MinAccountAge", "must not be negative.");
        }
    }
}
