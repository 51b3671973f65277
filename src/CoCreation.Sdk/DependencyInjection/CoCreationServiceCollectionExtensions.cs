using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoCreation.Sdk;

/// <summary>Adds CoCreation.Sdk to a service collection.</summary>
public static class CoCreationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the orchestrator: <see cref="ISnsSignIn"/>, <see cref="IIdentityMap"/>, <see cref="IAccessGrants"/>,
    /// <see cref="IAuditLog"/>, <see cref="IEventRelay"/>, <see cref="IEventPipeline"/> (the same relay), <see cref="IDeliveryPreferences"/>,
    /// <see cref="IPreferenceCommands"/>, <see cref="IParticipantDataExport"/> and <see cref="ICoCreationProviders"/> as singletons, the
    /// <see cref="InMemoryCoCreationStore"/> unless a store is already registered, and <see cref="TimeProvider.System"/>
    /// unless a <see cref="TimeProvider"/> is already registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; checked at once and again when the options are built.</param>
    /// <returns>A builder to add providers, relay rules, a store or the relay worker with.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The options are not valid (for example a session lifetime of zero or an unknown locale).</exception>
    /// <remarks>Calling it twice adds no second set of services; the options configurations add up.</remarks>
    public static ICoCreationBuilder AddCoCreation(this IServiceCollection services, Action<CoCreationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null)
        {
            // Checking a probe now reports a bad setting where it is written, not at first use.
            var probe = new CoCreationOptions();
            configure(probe);
            CoCreationOptionsValidator.ThrowIfInvalid(probe);
            services.Configure(configure);
        }

        services.AddOptions<CoCreationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CoCreationOptions>, CoCreationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICoCreationStore, InMemoryCoCreationStore>();
        services.TryAddSingleton<ICoCreationProviders, CoCreationProviders>();
        services.TryAddSingleton<IAuditLog, AuditLog>();
        services.TryAddSingleton<SessionBook>();
        services.TryAddSingleton<IAccessGrants, AccessGrants>();
        services.TryAddSingleton<IIdentityMap, IdentityMap>();
        services.TryAddSingleton<ISnsSignIn, SnsSignIn>();
        services.TryAddSingleton<DeliveryPreferencesService>();
        services.TryAddSingleton<IDeliveryPreferences>(sp => sp.GetRequiredService<DeliveryPreferencesService>());
        services.TryAddSingleton<IPreferenceCommands, PreferenceCommands>();
        services.TryAddSingleton<IParticipantDataExport, ParticipantDataExport>();
        services.TryAddSingleton<EventRelay>();
        services.TryAddSingleton<IEventRelay>(sp => sp.GetRequiredService<EventRelay>());
        services.TryAddSingleton<IEventPipeline>(sp => sp.GetRequiredService<EventRelay>());
        services.AddCredentialHealth();
        return new CoCreationBuilder(services);
    }

    private sealed class CoCreationBuilder(IServiceCollection services) : ICoCreationBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
