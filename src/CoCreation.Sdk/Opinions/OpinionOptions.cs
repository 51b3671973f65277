using CoCreation.Sdk.Moderation;

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
