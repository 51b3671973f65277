using CoCreation.Sdk.CommunityProducts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers the community-products programme.</summary>
public static class CommunityProductsBuilderExtensions
{
    /// <summary>Registers <see cref="CommunityProductProgram"/> and its relay rules.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="CommunityProductOptions.EnterpriseSystem"/> is required.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddCommunityProducts(this ICoCreationBuilder builder, Action<CommunityProductOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        builder.Services.TryAddSingleton<CommunityProductProgram>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoCreationScheduledWork, CommunityProductReports>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IParticipantDataEraser, CommunityProductsDataEraser>());
        builder.Services.TryAddSingleton(sp => new CommunityProductRuleSet(CommunityProductRules.Create(sp.GetRequiredService<ICoCreationStore>(), sp.GetRequiredService<IOptions<CommunityProductOptions>>().Value)));
        for (var i = 0; i < CommunityProductRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredService<CommunityProductRuleSet>().Rules[index]);
        }

        return builder;
    }
}

internal sealed record CommunityProductRuleSet(IReadOnlyList<RelayRule> Rules);

/// <summary>Issues the programme's due reports when the relay worker runs.</summary>
internal sealed class CommunityProductReports(CommunityProductProgram program) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => program.RunDueReportsAsync(cancellationToken);
}

/// <summary>Erases a participant from the community-products programme.</summary>
internal sealed class CommunityProductsDataEraser(ICoCreationStore store, ICoCreationProviders providers, IOptions<CommunityProductOptions> options) : IParticipantDataEraser
{
    public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return CommunityProductProgram.EraseParticipantAsync(store, providers, options.Value, erasure, cancellationToken);
    }
}
