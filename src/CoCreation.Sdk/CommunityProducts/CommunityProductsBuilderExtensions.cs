using CoCreation.Sdk.CommunityProducts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        builder.Services.AddOptions<CommunityProductOptions>().ValidateOnStart();
        AddShared(builder.Services);
        builder.Services.TryAddSingleton<CommunityProductProgram>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoCreationScheduledWork, CommunityProductReports>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IParticipantDataEraser, CommunityProductsDataEraser>());
        builder.Services.TryAddSingleton(sp => new CommunityProductRuleSet(CommunityProductRules.ForInstance(sp.GetRequiredService<ICoCreationStore>(), sp.GetRequiredService<IOptions<CommunityProductOptions>>().Value, null, Named(sp))));
        for (var i = 0; i < CommunityProductRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredService<CommunityProductRuleSet>().Rules[index]);
        }

        return builder;
    }

    /// <summary>
    /// Registers a named programme next to the default one and any other named ones: several programmes per
    /// application. Each has its own options (its <see cref="CommunityProductOptions.ProgramId"/> defaults to the
    /// name), its own records in the store, its own relay rules and its own scheduled reports; erasing a person covers
    /// every programme. Resolve it with <see cref="ModuleInstances{TModule}.Get"/> or as a keyed service
    /// (<c>[FromKeyedServices(name)] CommunityProductProgram</c>).
    /// </summary>
    /// <remarks>
    /// Enterprise events name no programme, so each programme runs on its own enterprise system; two instances on the
    /// same <see cref="CommunityProductOptions.EnterpriseSystem"/> are refused when the options are checked (at host
    /// start and when the instance is first resolved).
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The instance name: 1 to 64 ASCII letters, digits, <c>-</c> or <c>_</c>.</param>
    /// <param name="configure">Sets the options; <see cref="CommunityProductOptions.EnterpriseSystem"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is invalid or already registered (<c>name</c>).</exception>
    public static ICoCreationBuilder AddCommunityProducts(this ICoCreationBuilder builder, string name, Action<CommunityProductOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ModuleInstanceRegistry.Register<CommunityProductProgram>(builder.Services, CommunityProductProgram.ModuleName, name);
        builder.Services.Configure<CommunityProductOptions>(name, o => o.ProgramId = name);
        builder.Services.Configure(name, configure);
        builder.Services.AddOptions<CommunityProductOptions>(name).ValidateOnStart();
        AddShared(builder.Services);
        builder.Services.AddKeyedSingleton<CommunityProductProgram>(name, (sp, _) => new CommunityProductProgram(
            sp.GetRequiredService<ICoCreationProviders>(),
            sp.GetRequiredService<IAccessGrants>(),
            sp.GetRequiredService<IIdentityMap>(),
            sp.GetRequiredService<IEventRelay>(),
            sp.GetRequiredService<ICoCreationStore>(),
            sp.GetRequiredService<TimeProvider>(),
            Options.Create(sp.GetRequiredService<IOptionsMonitor<CommunityProductOptions>>().Get(name)),
            name));
        builder.Services.AddSingleton<ICoCreationScheduledWork>(sp => new CommunityProductReports(sp.GetRequiredKeyedService<CommunityProductProgram>(name)));
        builder.Services.AddSingleton<IParticipantDataEraser>(sp => new CommunityProductsDataEraser(
            sp.GetRequiredService<ICoCreationStore>(),
            sp.GetRequiredService<ICoCreationProviders>(),
            Options.Create(sp.GetRequiredService<IOptionsMonitor<CommunityProductOptions>>().Get(name)),
            name));
        builder.Services.AddKeyedSingleton(name, (sp, _) => new CommunityProductRuleSet(CommunityProductRules.ForInstance(
            sp.GetRequiredService<ICoCreationStore>(), sp.GetRequiredService<IOptionsMonitor<CommunityProductOptions>>().Get(name), name, Named(sp))));
        for (var i = 0; i < CommunityProductRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredKeyedService<CommunityProductRuleSet>(name).Rules[index]);
        }

        return builder;
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddSingleton<CommunityProductSystems>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommunityProductOptions>, CommunityProductOptionsValidator>());
        ModuleInstanceRegistry.AddRegistry<CommunityProductProgram>(services, CommunityProductProgram.ModuleName);
    }

    private static List<(string Name, string EnterpriseSystem)> Named(IServiceProvider services)
    {
        var monitor = services.GetRequiredService<IOptionsMonitor<CommunityProductOptions>>();
        return services.GetServices<ModuleInstanceRegistration>()
            .Where(r => r.Module == typeof(CommunityProductProgram))
            .Select(r => (r.Name, monitor.Get(r.Name).EnterpriseSystem))
            .ToList();
    }
}

/// <summary>Which instance runs on which enterprise system, so that two programmes never answer each other's events.</summary>
internal sealed class CommunityProductSystems
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);

    public void Claim(string system, string instance)
    {
        lock (_owners)
        {
            if (_owners.TryGetValue(system, out var owner) && owner != instance)
            {
                throw new CoCreationValidationException(
                    "CommunityProductOptions.EnterpriseSystem",
                    $"'{system}' is the enterprise system of both the {Describe(owner)} and the {Describe(instance)} community-products instance; enterprise events name no programme, so each programme needs its own system.");
            }

            _owners[system] = instance;
        }
    }

    private static string Describe(string instance) => instance.Length == 0 ? "default" : $"'{instance}'";
}

/// <summary>Checks each instance's options when the host starts and when the options are first read.</summary>
internal sealed class CommunityProductOptionsValidator(CommunityProductSystems systems) : IValidateOptions<CommunityProductOptions>
{
    public ValidateOptionsResult Validate(string? name, CommunityProductOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Thrown rather than returned, so that bad options surface as the SDK's typed exception naming the field.
        CommunityProductProgram.Validate(options);
        systems.Claim(options.EnterpriseSystem, name ?? Options.DefaultName);
        return ValidateOptionsResult.Success;
    }
}

internal sealed record CommunityProductRuleSet(IReadOnlyList<RelayRule> Rules);

/// <summary>Issues the programme's due reports when the relay worker runs.</summary>
internal sealed class CommunityProductReports(CommunityProductProgram program) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => program.RunDueReportsAsync(cancellationToken);
}

/// <summary>Erases a participant from the community-products programme, and exports what it would erase.</summary>
internal sealed class CommunityProductsDataEraser(ICoCreationStore store, ICoCreationProviders providers, IOptions<CommunityProductOptions> options, string? instance = null) : IParticipantDataEraser, IParticipantDataExporter
{
    public Task ExportAsync(ParticipantExportBuilder export, CancellationToken cancellationToken)
        => CommunityProductProgram.ExportParticipantAsync(store, options.Value, export, cancellationToken, instance);

    public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return CommunityProductProgram.EraseParticipantAsync(store, providers, options.Value, erasure, cancellationToken, instance);
    }
}
