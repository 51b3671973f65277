using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk;

/// <summary>Registers composite enterprise systems.</summary>
public static class CompositeEnterpriseBuilderExtensions
{
    /// <summary>
    /// Registers an enterprise system made of parts (<see cref="CompositeEnterpriseAdapter"/>): for example accounts and
    /// production in an ERP and the shop in a commerce platform, each registered under its own name. Point a programme at
    /// the composite's name. The parts stay registered, so they can be inspected and their health watched, but the relay
    /// reads their events only through the composite.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The composite's name.</param>
    /// <param name="configure">Names the parts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The options are invalid (see <see cref="CompositeEnterpriseAdapter.Validate"/>) or the name is taken.</exception>
    public static ICoCreationBuilder AddCompositeEnterprise(this ICoCreationBuilder builder, string name, Action<CompositeEnterpriseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        var options = new CompositeEnterpriseOptions();
        configure(options);
        CompositeEnterpriseAdapter.Validate(name, options);
        builder.AddEnterpriseAdapter(name, sp => new CompositeEnterpriseAdapter(
            name,
            options,
            part => sp.GetRequiredService<ICoCreationProviders>().GetEnterprise(part),
            sp.GetRequiredService<ICoCreationStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<CompositeEnterpriseAdapter>>()));

        // A registered source takes the place of a part's own: the part's events reach the relay once, through the composite.
        foreach (var part in options.AccountSystems.Concat([options.ProductionSystem, options.CommerceSystem, options.InventorySystem]).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            builder.Services.AddSingleton<IEventSource>(new CompositePartEventSource(part));
        }

        return builder;
    }
}

/// <summary>Stands in for a composite part's own event source: the part's events are read by the composite.</summary>
internal sealed class CompositePartEventSource(string part) : IEventSource
{
    public string Name { get; } = "enterprise:" + part;

    public Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
        => Task.FromResult(new EventSourcePage([], cursor ?? "", false));
}
