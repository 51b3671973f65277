namespace CoCreation.Sdk.Moderation;

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
