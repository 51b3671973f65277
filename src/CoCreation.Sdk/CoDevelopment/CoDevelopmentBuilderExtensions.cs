using CoCreation.Sdk.CoDevelopment;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers the co-development module.</summary>
public static class CoDevelopmentBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="CoDevelopmentProject"/>, its relay rules, the default <see cref="IConfirmationCodeSender"/>
    /// (SNS direct messages; register your own before or after to replace it) and the project's
    /// <see cref="CoDevelopmentProject.SyncAsync"/> as scheduled work of the relay worker.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="CoDevelopmentOptions.CloudWorkspace"/> is required.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddCoDevelopment(this ICoCreationBuilder builder, Action<CoDevelopmentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.TryAddSingleton<IConfirmationCodeSender, SnsConfirmationCodeSender>();
        builder.Services.TryAddSingleton<CoDevelopmentProject>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoCreationScheduledWork, CoDevelopmentSync>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IParticipantDataEraser, CoDevelopmentDataEraser>());
        builder.Services.TryAddSingleton(sp => new CoDevelopmentRuleSet(CoDevelopmentRules.Create(sp.GetRequiredService<IOptions<CoDevelopmentOptions>>().Value)));
        for (var i = 0; i < CoDevelopmentRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredService<CoDevelopmentRuleSet>().Rules[index]);
        }

        return builder;
    }
}

internal sealed record CoDevelopmentRuleSet(IReadOnlyList<RelayRule> Rules);

/// <summary>Relays the project's workspace activity and collects its discussion when the relay worker runs.</summary>
internal sealed class CoDevelopmentSync(CoDevelopmentProject project) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => project.SyncAsync(cancellationToken);
}

/// <summary>Erases a participant from every co-development project in the store.</summary>
internal sealed class CoDevelopmentDataEraser(ICoCreationStore store) : IParticipantDataEraser
{
    public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return CoDevelopmentProject.EraseParticipantAsync(store, erasure, cancellationToken);
    }
}
