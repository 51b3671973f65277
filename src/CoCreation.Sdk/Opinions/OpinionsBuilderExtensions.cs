using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Opinions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers the opinions module.</summary>
public static class OpinionsBuilderExtensions
{
    /// <summary>The name of the relay rule that tells participant supporters about idea stage changes.</summary>
    public const string IdeaStageRuleName = "opinions.idea-stage-changed";

    /// <summary>
    /// Registers <see cref="OpinionCampaigns"/>, <see cref="IdeaBoard"/> and a <see cref="ModerationPipeline"/> with
    /// the default filters (banned words, link spam, repeated text, young accounts) followed by any other
    /// <see cref="IOpinionFilter"/> registered in the container; a relay rule that tells supporters when an idea
    /// changes stage; and the threshold rules as scheduled work for the relay worker.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The options are invalid (checked now).</exception>
    public static ICoCreationBuilder AddOpinions(this ICoCreationBuilder builder, Action<OpinionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var probe = new OpinionOptions();
        configure?.Invoke(probe);
        probe.Validate();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.AddOptions<OpinionOptions>();
        builder.Services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<OpinionOptions>>().Value;
            var filters = ModerationPipeline.DefaultFilters(options.Moderation).Concat(sp.GetServices<IOpinionFilter>());
            return new ModerationPipeline(filters, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.TryAddSingleton<OpinionCampaigns>();
        builder.Services.TryAddSingleton<IdeaBoard>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoCreationScheduledWork, IdeaThresholdWork>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IParticipantDataEraser, OpinionsDataEraser>());
        if (!builder.Services.Any(d => d.ServiceType == typeof(RelayRule) && d.ImplementationInstance is RelayRule r && r.Name == IdeaStageRuleName))
        {
            builder.AddRelayRule(new RelayRule
            {
                Name = IdeaStageRuleName,
                EventType = OpinionEventTypes.IdeaStageChanged,
                Recipients = RecipientSelector.SubjectParticipant,
                Channel = RelayChannel.DirectMessage,
                Template = MessageTemplate.KoreanAndEnglish(
                    "[" + probe.BrandName + "] 지지하신 아이디어 '{title}'이(가) '{stageKo}' 단계가 되었습니다. 지지해 주셔서 감사합니다.",
                    "[" + probe.BrandName + "] The idea you support, '{title}', is now {stageEn}. Thank you for your support."),
            });
        }

        return builder;
    }
}

/// <summary>Applies the idea threshold rules when the relay worker runs.</summary>
internal sealed class IdeaThresholdWork(IdeaBoard board) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => board.EvaluateThresholdsAsync(cancellationToken);
}

/// <summary>Erases a participant from the opinions module: campaign responses and the idea board.</summary>
internal sealed class OpinionsDataEraser(ICoCreationStore store) : IParticipantDataEraser
{
    public async Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        await OpinionCampaigns.EraseResponsesAsync(store, erasure, cancellationToken).ConfigureAwait(false);
        await IdeaBoard.EraseIdeasAsync(store, erasure, cancellationToken).ConfigureAwait(false);
    }
}
