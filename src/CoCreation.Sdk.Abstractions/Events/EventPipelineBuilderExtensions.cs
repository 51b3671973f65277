using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk;

/// <summary>Adds event sources, webhook receivers and scheduled work to an <see cref="ICoCreationBuilder"/>; adapters use these too.</summary>
public static class EventPipelineBuilderExtensions
{
    /// <summary>Adds an event source; the scheduler polls it with the enterprise systems, from its stored cursor.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the source once.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Names must be unique; a duplicate is refused when the relay is first resolved.</remarks>
    public static ICoCreationBuilder AddEventSource(this ICoCreationBuilder builder, Func<IServiceProvider, IEventSource> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>Adds a webhook receiver; requests reach it through <c>IEventPipeline.ReceiveWebhookAsync</c> by its name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the receiver once.</param>
    /// <returns>The builder.</returns>
    /// <remarks>Names must be unique; a duplicate is refused when the relay is first resolved.</remarks>
    public static ICoCreationBuilder AddWebhookReceiver(this ICoCreationBuilder builder, Func<IServiceProvider, IWebhookReceiver> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>Adds periodic work; the SDK's scheduler runs it on its <see cref="ICoCreationScheduledWork.Period"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="factory">Creates the work once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddScheduledWork(this ICoCreationBuilder builder, Func<IServiceProvider, ICoCreationScheduledWork> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.AddSingleton(factory);
        return builder;
    }
}
