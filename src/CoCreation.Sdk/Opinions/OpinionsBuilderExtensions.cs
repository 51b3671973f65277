using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Opinions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
#pragma warning disable RS0027 // The named overload takes a name first; the two cannot be confused, and this one keeps its shipped shape.
    public static ICoCreationBuilder AddOpinions(this ICoCreationBuilder builder, Action<OpinionOptions>? configure = null)
#pragma warning restore RS0027
    {
        ArgumentNullException.ThrowIfNull(builder);
        var probe = new OpinionOptions();
        configure?.Invoke(probe);
        probe.Validate();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        builder.Services.AddOptions<OpinionOptions>().ValidateOnStart();
        AddShared(builder.Services);
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

    /// <summary>
    /// Registers a named set of opinion campaigns next to the default one and any other named ones: several
    /// campaign programmes per application, each with its own options, its own moderation pipeline (the default
    /// filters from its options followed by every registered <see cref="IOpinionFilter"/>) and its own campaign
    /// records in the store, which no other instance reads or erases. Erasing a person covers every instance.
    /// Resolve it with <see cref="ModuleInstances{TModule}.Get"/> or as a keyed service
    /// (<c>[FromKeyedServices(name)] OpinionCampaigns</c>).
    /// </summary>
    /// <remarks>
    /// The idea board is one per application and stays with the default registration (<c>AddOpinions()</c>).
    /// The options are checked now, when the host starts and when the instance is first resolved.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The instance name: 1 to 64 ASCII letters, digits, <c>-</c> or <c>_</c>.</param>
    /// <param name="configure">Sets the options (<c>_ => { }</c> for the defaults).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is invalid or already registered (<c>name</c>), or the options are invalid.</exception>
    public static ICoCreationBuilder AddOpinions(this ICoCreationBuilder builder, string name, Action<OpinionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var probe = new OpinionOptions();
        configure(probe);

        // Everything is checked before anything is registered.
        probe.Validate();
        ModuleInstanceRegistry.Register<OpinionCampaigns>(builder.Services, OpinionCampaigns.ModuleName, name);
        builder.Services.Configure(name, configure);
        builder.Services.AddOptions<OpinionOptions>(name).ValidateOnStart();
        AddShared(builder.Services);
        builder.Services.AddKeyedSingleton<OpinionCampaigns>(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<OpinionOptions>>().Get(name);
            var time = sp.GetRequiredService<TimeProvider>();
            var moderation = new ModerationPipeline(ModerationPipeline.DefaultFilters(options.Moderation).Concat(sp.GetServices<IOpinionFilter>()), time);
            return new OpinionCampaigns(
                sp.GetRequiredService<ICoCreationProviders>(),
                sp.GetRequiredService<IIdentityMap>(),
                sp.GetRequiredService<ICoCreationStore>(),
                moderation,
                time,
                Options.Create(options),
                name);
        });
        builder.Services.AddSingleton<IParticipantDataEraser>(sp => new OpinionCampaignsDataEraser(sp.GetRequiredService<ICoCreationStore>(), name));
        return builder;
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpinionOptions>, OpinionOptionsValidator>());
        ModuleInstanceRegistry.AddRegistry<OpinionCampaigns>(services, OpinionCampaigns.ModuleName);
    }
}

/// <summary>Checks each instance's options when the host starts and when they are first read.</summary>
internal sealed class OpinionOptionsValidator : IValidateOptions<OpinionOptions>
{
    public ValidateOptionsResult Validate(string? name, OpinionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Thrown rather than returned, so that bad options surface as the SDK's typed exception naming the field.
        options.Validate();
        return ValidateOptionsResult.Success;
    }
}

/// <summary>Erases a participant from the campaigns of one named instance.</summary>
internal sealed class OpinionCampaignsDataEraser(ICoCreationStore store, string instance) : IParticipantDataEraser, IParticipantDataExporter
{
    public Task ExportAsync(ParticipantExportBuilder export, CancellationToken cancellationToken)
        => OpinionCampaigns.ExportResponsesAsync(store, export, cancellationToken, instance);

    public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return OpinionCampaigns.EraseResponsesAsync(store, erasure, cancellationToken, instance);
    }
}

/// <summary>Applies the idea threshold rules when the relay worker runs.</summary>
internal sealed class IdeaThresholdWork(IdeaBoard board) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => board.EvaluateThresholdsAsync(cancellationToken);
}

/// <summary>Erases a participant from the opinions module: campaign responses and the idea board.</summary>
internal sealed class OpinionsDataEraser(ICoCreationStore store) : IParticipantDataEraser, IParticipantDataExporter
{
    public async Task ExportAsync(ParticipantExportBuilder export, CancellationToken cancellationToken)
    {
        await OpinionCampaigns.ExportResponsesAsync(store, export, cancellationToken).ConfigureAwait(false);
        await IdeaBoard.ExportIdeasAsync(store, export, cancellationToken).ConfigureAwait(false);
    }

    public async Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        await OpinionCampaigns.EraseResponsesAsync(store, erasure, cancellationToken).ConfigureAwait(false);
        await IdeaBoard.EraseIdeasAsync(store, erasure, cancellationToken).ConfigureAwait(false);
    }
}
