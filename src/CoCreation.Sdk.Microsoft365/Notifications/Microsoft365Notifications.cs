using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>Registers an adapter's change notifications: one subscription manager, its webhook receiver and its renewal work.</summary>
internal static class Microsoft365Notifications
{
    /// <summary>
    /// Registers, for the adapter named <paramref name="name"/>, a keyed singleton <see cref="GraphSubscriptionManager"/>
    /// built by <paramref name="manager"/>, a <see cref="Microsoft365NotificationReceiver"/> and the scheduled
    /// renewal, all sharing that one manager. The adapter resolves the same manager with <see cref="GetManager"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="manager">Builds the manager, once per service provider.</param>
    /// <returns>The builder.</returns>
    internal static ICoCreationBuilder Register(ICoCreationBuilder builder, string name, Func<IServiceProvider, GraphSubscriptionManager> manager)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(manager);
        CoCreationGuard.NotBlank(name, nameof(name));
        builder.Services.TryAddKeyedSingleton(ManagerKey(name), (sp, _) => manager(sp));
        builder.AddWebhookReceiver(sp => new Microsoft365NotificationReceiver(name, () => GetManager(sp, name), Logger(sp)));
        builder.AddScheduledWork(sp => new GraphSubscriptionRenewal(() => GetManager(sp, name), Logger(sp)));
        return builder;
    }

    /// <summary>The subscription manager registered for an adapter.</summary>
    /// <param name="services">The service provider.</param>
    /// <param name="name">The adapter name.</param>
    /// <returns>The manager.</returns>
    internal static GraphSubscriptionManager GetManager(IServiceProvider services, string name)
        => services.GetRequiredKeyedService<GraphSubscriptionManager>(ManagerKey(name));

    private static string ManagerKey(string name) => "CoCreation.Sdk.Microsoft365.Subscriptions." + name;

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<GraphSubscriptionManager>() ?? NullLogger<GraphSubscriptionManager>.Instance;
}
