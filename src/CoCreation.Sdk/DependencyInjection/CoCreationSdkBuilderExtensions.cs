using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk;

/// <summary>Adds relay rules, a store, event sources and the scheduler to an <see cref="ICoCreationBuilder"/>.</summary>
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
    /// Adds the SDK's scheduler (see <see cref="AddCoCreationScheduler"/>): the same call under its older name. The
    /// scheduler replaced the relay worker; it does what the worker did and also runs every
    /// <see cref="ICoCreationScheduledWork"/> on its own period.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="interval">The default period; <see langword="null"/> for <see cref="DefaultRelayWorkerInterval"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException"><paramref name="interval"/> is zero or negative.</exception>
    public static ICoCreationBuilder AddRelayWorker(this ICoCreationBuilder builder, TimeSpan? interval = null)
        => AddCoCreationScheduler(builder, interval);

    /// <summary>
    /// Makes this process a relay worker: the SDK's one scheduler (see <see cref="AddCoCreationScheduler"/>) then only
    /// delivers. Every <paramref name="interval"/> it calls <see cref="IEventRelay.DeliverDueAsync"/> again and again
    /// while deliveries are due; it polls no event source, enforces no grant expiry and runs no
    /// <see cref="ICoCreationScheduledWork"/> (one other process does). On a store that implements
    /// <see cref="IOutboxLeaseStore"/> (the SDK's in-memory, SQLite and PostgreSQL stores) any number of workers, in
    /// any number of processes, share the outbox: each delivery is claimed by one worker at a time. Pair it with
    /// <see cref="RelayOptions.SendOnPublish"/> off in the processes that publish; see <c>docs/scaling.md</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="interval">How long to wait when nothing is due; <see langword="null"/> for one second.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException"><paramref name="interval"/> is zero or negative.</exception>
    /// <remarks>It replaces a scheduler added before (the last call wins); there is still one scheduler.</remarks>
    public static ICoCreationBuilder AddRelayDeliveryWorker(this ICoCreationBuilder builder, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = interval ?? TimeSpan.FromSeconds(1);
        if (value <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(interval), $"must be longer than zero (was {value}).");
        }

        builder.Services.RemoveAll<SchedulerSettings>();
        builder.Services.AddSingleton(new SchedulerSettings(value, DeliveryOnly: true));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CoCreationScheduler>());
        return builder;
    }

    /// <summary>
    /// Adds the one hosted scheduler that runs all periodic work on the registered <see cref="TimeProvider"/>: every
    /// <paramref name="interval"/> it enforces grant expiry, polls every event source and delivers due retries, and it
    /// runs each registered <see cref="ICoCreationScheduledWork"/> on its <see cref="ICoCreationScheduledWork.Period"/>
    /// (or the interval). A failing item is logged and the scheduler carries on.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="interval">The default period; <see langword="null"/> for <see cref="DefaultRelayWorkerInterval"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException"><paramref name="interval"/> is zero or negative.</exception>
    /// <remarks>Calling it again changes the interval; there is still one scheduler.</remarks>
    public static ICoCreationBuilder AddCoCreationScheduler(this ICoCreationBuilder builder, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var value = interval ?? DefaultRelayWorkerInterval;
        if (value <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(interval), $"must be longer than zero (was {value}).");
        }

        builder.Services.RemoveAll<SchedulerSettings>();
        builder.Services.AddSingleton(new SchedulerSettings(value));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CoCreationScheduler>());
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="WorkspaceActivitySource"/>: the activity of <paramref name="workspace"/> at the cloud workspace
    /// adapter named <paramref name="workspaceAdapter"/> becomes <see cref="CoCreationEventTypes.WorkspaceActivity"/> events.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="workspaceAdapter">The cloud workspace adapter's registered name.</param>
    /// <param name="workspace">The workspace to follow.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The adapter name is blank or the workspace has no id.</exception>
    public static ICoCreationBuilder AddWorkspaceActivitySource(this ICoCreationBuilder builder, string workspaceAdapter, Workspaces.WorkspaceRef workspace)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CoCreationGuard.NotBlank(workspaceAdapter, nameof(workspaceAdapter));
        if (workspace is null)
        {
            throw new CoCreationValidationException(nameof(workspace), "must not be null.");
        }

        CoCreationGuard.NotBlank(workspace.Id, "WorkspaceRef.Id");
        return builder.AddEventSource(sp => new WorkspaceActivitySource(sp.GetRequiredService<ICoCreationProviders>().GetCloudWorkspace(workspaceAdapter), workspace));
    }

    /// <summary>
    /// Adds an <see cref="IEventSourceProvider"/>: sources known only at run time (a co-development project's workspace
    /// once provisioned), polled with the registered ones and reachable by webhooks.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the provider once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEventSourceProvider(this ICoCreationBuilder builder, Func<IServiceProvider, IEventSourceProvider> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>Adds an <see cref="IEventConsumer"/>: it takes part in every publication, before the relay rules.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the consumer once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEventConsumer(this ICoCreationBuilder builder, Func<IServiceProvider, IEventConsumer> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }
}
