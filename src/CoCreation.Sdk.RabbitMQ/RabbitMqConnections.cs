using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ;

/// <summary>Connection factories and the topology shared by the notifier and the worker.</summary>
internal static class RabbitMqConnections
{
    /// <summary>
    /// A factory for the options' broker. Automatic recovery is off: the worker reconnects by itself after any loss
    /// (including a first connection that failed, which the client's recovery does not cover), and the notifier opens a
    /// new connection at its next notice.
    /// </summary>
    public static ConnectionFactory CreateFactory(RabbitMqRelayOptions options)
    {
        var factory = new ConnectionFactory
        {
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
        };
        try
        {
            factory.Uri = options.Uri!;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or UriFormatException)
        {
            // The client's message may quote the URI; only its safe parts are named here.
            throw new CoCreationValidationException(nameof(RabbitMqRelayOptions) + "." + nameof(RabbitMqRelayOptions.Uri), $"is not a URI the RabbitMQ client accepts ({options.Endpoint}): {ex.GetType().Name}.");
        }

        options.ConfigureConnectionFactory?.Invoke(factory);
        return factory;
    }

    /// <summary>Declares the durable direct exchange, the durable queue and their binding (idempotent).</summary>
    public static async Task DeclareTopologyAsync(IChannel channel, RabbitMqRelayOptions options, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(options.Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(options.Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(options.Queue, options.Exchange, options.RoutingKey, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes a channel and a connection, ignoring failures (they may be closed already).</summary>
    public static async Task CloseQuietlyAsync(IChannel? channel, IConnection? connection)
    {
        if (channel is not null)
        {
            try
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing what may already be gone; nothing to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (connection is not null)
        {
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing what may already be gone; nothing to report.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
