using CoCreation.Sdk.CoDevelopment;
using CoCreation.Sdk.Moderation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        AddShared(builder.Services);
        builder.Services.AddOptions<CoDevelopmentOptions>().ValidateOnStart();
        var first = !builder.Services.Any(d => d.ServiceType == typeof(CoDevelopmentProject) && !d.IsKeyedService);
        builder.Services.TryAddSingleton<CoDevelopmentProject>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICoCreationScheduledWork, CoDevelopmentSync>());
        if (first)
        {
            AddActivityPath(builder.Services, sp => sp.GetRequiredService<CoDevelopmentProject>());
        }
        builder.Services.TryAddSingleton(sp => new CoDevelopmentRuleSet(CoDevelopmentRules.ForInstance(sp.GetRequiredService<IOptions<CoDevelopmentOptions>>().Value, null)));
        for (var i = 0; i < CoDevelopmentRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredService<CoDevelopmentRuleSet>().Rules[index]);
        }

        return builder;
    }

    /// <summary>
    /// Registers a named co-development project next to the default one and any other named ones: several projects
    /// per application. Each has its own options (its <see cref="CoDevelopmentOptions.ProjectId"/> defaults to the
    /// name), its own records in the store, its own relay rules and its own scheduled sync; erasing a person covers
    /// every project. Resolve it with <see cref="ModuleInstances{TModule}.Get"/> or as a keyed service
    /// (<c>[FromKeyedServices(name)] CoDevelopmentProject</c>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The instance name: 1 to 64 ASCII letters, digits, <c>-</c> or <c>_</c>.</param>
    /// <param name="configure">Sets the options; <see cref="CoDevelopmentOptions.CloudWorkspace"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is invalid or already registered (<c>name</c>).</exception>
    /// <remarks>
    /// The options of every instance are checked when the host starts (and when the instance is first resolved);
    /// two instances with the same <see cref="CoDevelopmentOptions.ProjectId"/> are refused, because they would share records.
    /// </remarks>
    public static ICoCreationBuilder AddCoDevelopment(this ICoCreationBuilder builder, string name, Action<CoDevelopmentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        ModuleInstanceRegistry.Register<CoDevelopmentProject>(builder.Services, CoDevelopmentProject.ModuleName, name);
        builder.Services.Configure<CoDevelopmentOptions>(name, o => o.ProjectId = name);
        builder.Services.Configure(name, configure);
        builder.Services.AddOptions<CoDevelopmentOptions>(name).ValidateOnStart();
        AddShared(builder.Services);
        builder.Services.AddKeyedSingleton<CoDevelopmentProject>(name, (sp, _) => new CoDevelopmentProject(
            sp.GetRequiredService<ICoCreationProviders>(),
            sp.GetRequiredService<IAccessGrants>(),
            sp.GetRequiredService<IIdentityMap>(),
            sp.GetRequiredService<IEventRelay>(),
            sp.GetRequiredService<IEventPipeline>(),
            sp.GetRequiredService<ICoCreationStore>(),
            sp.GetRequiredService<IConfirmationCodeSender>(),
            sp.GetRequiredService<TimeProvider>(),
            Options.Create(sp.GetRequiredService<IOptionsMonitor<CoDevelopmentOptions>>().Get(name)),
            sp.GetService<ModerationPipeline>()));
        builder.Services.AddSingleton<ICoCreationScheduledWork>(sp => new CoDevelopmentSync(sp.GetRequiredKeyedService<CoDevelopmentProject>(name)));
        AddActivityPath(builder.Services, sp => sp.GetRequiredKeyedService<CoDevelopmentProject>(name));
        builder.Services.AddKeyedSingleton(name, (sp, _) => new CoDevelopmentRuleSet(CoDevelopmentRules.ForInstance(sp.GetRequiredService<IOptionsMonitor<CoDevelopmentOptions>>().Get(name), name)));
        for (var i = 0; i < CoDevelopmentRules.Count; i++)
        {
            var index = i;
            builder.Services.AddSingleton(sp => sp.GetRequiredKeyedService<CoDevelopmentRuleSet>(name).Rules[index]);
        }

        return builder;
    }

    // The project's workspace activity source (once provisioned) and its consumer of that workspace's activity events.
    // Both resolve the project on first use: the project depends on the relay, which takes every source and consumer.
    private static void AddActivityPath(IServiceCollection services, Func<IServiceProvider, CoDevelopmentProject> project)
    {
        services.AddSingleton<IEventSourceProvider>(sp =>
        {
            var lazy = new Lazy<CoDevelopmentProject>(() => project(sp));
            return new CoDevelopmentActivitySources(() => lazy.Value);
        });
        services.AddSingleton<IEventConsumer>(sp =>
        {
            var lazy = new Lazy<CoDevelopmentProject>(() => project(sp));
            return new CoDevelopmentActivityConsumer(() => lazy.Value);
        });
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddSingleton<IConfirmationCodeSender, SnsConfirmationCodeSender>();
        services.TryAddSingleton<CoDevelopmentProjectIds>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CoDevelopmentOptions>, CoDevelopmentOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IParticipantDataEraser, CoDevelopmentDataEraser>());
        ModuleInstanceRegistry.AddRegistry<CoDevelopmentProject>(services, CoDevelopmentProject.ModuleName);
    }
}

/// <summary>Which instance uses which project id, so that two instances cannot share records.</summary>
internal sealed class CoDevelopmentProjectIds
{
    private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);

    public void Claim(string projectId, string instance)
    {
        lock (_owners)
        {
            if (_owners.TryGetValue(projectId, out var owner) && owner != instance)
            {
                throw new CoCreationValidationException(
                    "CoDevelopmentOptions.ProjectId",
                    $"'{projectId}' is the project id of both the {Describe(owner)} and the {Describe(instance)} co-development instance; each instance needs its own, or they would share records.");
            }

            _owners[projectId] = instance;
        }
    }

    private static string Describe(string instance) => instance.Length == 0 ? "default" : $"'{instance}'";
}

/// <summary>Checks each instance's options when the host starts and when the options are first read.</summary>
internal sealed class CoDevelopmentOptionsValidator(CoDevelopmentProjectIds ids) : IValidateOptions<CoDevelopmentOptions>
{
    public ValidateOptionsResult Validate(string? name, CoDevelopmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Thrown rather than returned, so that bad options surface as the SDK's typed exception naming the field.
        CoDevelopmentProject.Validate(options);
        ids.Claim(options.ProjectId, name ?? Options.DefaultName);
        return ValidateOptionsResult.Success;
    }
}

internal sealed record CoDevelopmentRuleSet(IReadOnlyList<RelayRule> Rules);

/// <summary>Relays the project's workspace activity and collects its discussion when the relay worker runs.</summary>
internal sealed class CoDevelopmentSync(CoDevelopmentProject project) : ICoCreationScheduledWork
{
    public Task RunDueAsync(CancellationToken cancellationToken = default) => project.SyncAsync(cancellationToken);
}

/// <summary>Erases a participant from every co-development project in the store.</summary>
internal sealed class CoDevelopmentDataEraser(ICoCreationStore store) : IParticipantDataEraser, IParticipantDataExporter
{
    public Task ExportAsync(ParticipantExportBuilder export, CancellationToken cancellationToken)
        => CoDevelopmentProject.ExportParticipantAsync(store, export, cancellationToken);

    public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(erasure);
        return CoDevelopmentProject.EraseParticipantAsync(store, erasure, cancellationToken);
    }
}
