using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoCreation.Sdk;

/// <summary>Adds relay rules, a store and the background relay worker to an <see cref="ICoCreationBuilder"/>.</summary>
public static class CoCreationSdkBuilderExtensions
{
    /// <summary>The relay worker's interval when none is given: 30 seconds.</summary>
    public static TimeSpan DefaultRelayWorkerInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds a relay rule; <see cref="IEventRelay"/> routes events through every rule added.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="rule">The rule. Its name must be unique: stored deliveries find their rule by name.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="rule"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The rule has no name, event type, recipients or text, or its name is taken.</exception>
    public static ICoCreationBuilder AddRelayRule(this ICoCreationBuilder builder, RelayRule rule)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(rule);
        RelayRuleChecks.ThrowIfInvalid(rule);
        if (builder.Services.Any(d => d.ServiceType == typeof(RelayRule) && !d.IsKeyedService && d.ImplementationInstance is RelayRule r && r.Name == rule.Name))
        {
            throw new CoCreationValidationException("RelayRule.Name", $"a relay rule named '{rule.Name}' is already registered.");
        }

        builder.Services.AddSingleton(rule);
        return builder;
    }

    /// <summary>Replaces the store with <typeparamref name="TStore"/>, created once by the container.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ICoCreationBuilder UseStore<TStore>(this ICoCreationBuilder builder)
        where TStore : class, ICoCreationStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<ICoCreationStore>();
        builder.Services.AddSingleton<ICoCreationStore, TStore>();
        return builder;
    }

    /// <summary>Replaces the store with one a factory creates once.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the store.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    public static ICoCreationBuilder UseStore(this ICoCreationBuilder builder, Func<IServiceProvider, ICoCreationStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<ICoCreationStore>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>
    /// Adds a hosted background service that, every <paramref name="interval"/> on the registered
    /// <see cref="TimeProvider"/>, enforces grant expiry, polls the enterprise systems' events and delivers due
    /// retries. A failing cycle is logged and the worker carries on.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="interval">The pause between cycles; <see langword="null"/> for <see cref="DefaultRelayWorkerInterval"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException"><paramref name="interval"/> is zero or negative.</exception>
    /// <remarks>Calling it again changes the interval; there is still one worker.</remarks>
    public static ICoCreationBuilder AddRelayWorker(this ICoCreationBuilder builder, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = interval ?? DefaultRelayWorkerInterval;
        if (value <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(interval), $"must be longer than zero (was {value}).");
        }

        builder.Services.RemoveAll<RelayWorkerSettings>();
        builder.Services.AddSingleton(new RelayWorkerSettings(value));
        builder.Services.AddHostedService<RelayWorker>();
        return builder;
    }
}
