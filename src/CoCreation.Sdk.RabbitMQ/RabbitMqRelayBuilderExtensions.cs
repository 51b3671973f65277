using CoCreation.Sdk.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk;

/// <summary>Registers the RabbitMQ relay transport with an <see cref="ICoCreationBuilder"/>.</summary>
public static class RabbitMqRelayBuilderExtensions
{
    /// <summary>
    /// Hands the sending of relay deliveries to relay workers woken through RabbitMQ: registers a
    /// <see cref="RabbitMqOutboxNotifier"/> (publishing enqueues and sends a notice) and, unless
    /// <see cref="RabbitMqRelayOptions.RunWorker"/> is off, a hosted <see cref="RabbitMqRelayWorker"/>. It sets
    /// <see cref="RelayOptions.SendOnPublish"/> to <see langword="false"/> after every other configuration, since
    /// a publish that also sent would race the workers.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; <see cref="RabbitMqRelayOptions.Uri"/> is required.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">An option is missing or out of range (checked here, before anything connects); the message names it and never the URI's password.</exception>
    /// <exception cref="InvalidOperationException">The transport is already registered.</exception>
    /// <remarks>
    /// Share the store between the publishing processes and the workers, and use a store with leases
    /// (<see cref="IOutboxLeaseStore"/>) when workers run in several processes. Give every worker its own
    /// <see cref="RelayOptions.WorkerId"/> (the default is unique per process).
    /// </remarks>
    public static ICoCreationBuilder UseRabbitMqRelay(this ICoCreationBuilder builder, Action<RabbitMqRelayOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        if (builder.Services.Any(d => d.ServiceType == typeof(RabbitMqOutboxNotifier)))
        {
            throw new InvalidOperationException("The RabbitMQ relay transport is already registered with this builder.");
        }

        // Checked on a probe now, so a bad setting is reported where it is written.
        var probe = new RabbitMqRelayOptions();
        configure(probe);
        probe.ThrowIfInvalid();
        RabbitMqConnections.CreateFactory(probe);

        builder.Services.AddOptions<RabbitMqRelayOptions>().Configure(configure).Validate(o =>
        {
            o.ThrowIfInvalid();
            return true;
        });
        builder.Services.PostConfigure<CoCreationOptions>(o => o.Relay.SendOnPublish = false);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RabbitMqOutboxNotifier>();
        builder.Services.AddSingleton<IOutboxNotifier>(sp => sp.GetRequiredService<RabbitMqOutboxNotifier>());
        if (probe.RunWorker)
        {
            builder.Services.AddSingleton<RabbitMqRelayWorker>();
            builder.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RabbitMqRelayWorker>());
        }

        return builder;
    }

    /// <summary>
    /// Hands the sending of relay deliveries to relay workers woken through RabbitMQ at <paramref name="uri"/>; see
    /// <see cref="UseRabbitMqRelay(ICoCreationBuilder, Action{RabbitMqRelayOptions})"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="uri">The broker's AMQP URI, for example <c>amqp://user:password@rabbit:5672/cocreation</c>.</param>
    /// <param name="configure">Sets the other options; optional.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The URI or another option is not valid.</exception>
    /// <exception cref="InvalidOperationException">The transport is already registered.</exception>
    public static ICoCreationBuilder UseRabbitMqRelay(this ICoCreationBuilder builder, Uri uri, Action<RabbitMqRelayOptions>? configure = null)
        => UseRabbitMqRelay(builder, o =>
        {
            o.Uri = uri;
            configure?.Invoke(o);
        });
}
