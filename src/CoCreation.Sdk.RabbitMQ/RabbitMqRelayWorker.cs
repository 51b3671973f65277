using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace CoCreation.Sdk.RabbitMQ;

/// <summary>
/// A relay worker fed by RabbitMQ: it consumes the notice queue as one of several competing consumers, has the relay
/// claim and send the deliveries each notice names (<see cref="IEventRelay.DeliverAsync"/>), and acknowledges the notice
/// once that returned. Every <see cref="RabbitMqRelayOptions.SweepInterval"/> it also claims every due delivery
/// (<see cref="IEventRelay.DeliverDueAsync"/>), so retries and deliveries whose notice was lost are sent too.
/// </summary>
/// <remarks>
/// <para>
/// The deliveries are claimed under leases in the store (<see cref="IOutboxLeaseStore"/>), so two workers never send the
/// same delivery at once, and a notice handed out twice (after a lost acknowledgement) finds its deliveries already
/// sent and does nothing.
/// </para>
/// <para>
/// A notice whose handling fails goes back to the queue after <see cref="RabbitMqRelayOptions.RetryDelay"/>; after
/// <see cref="RabbitMqRelayOptions.MaxNoticeAttempts"/> failures in this worker it is dropped and logged (the outbox
/// keeps its deliveries for the sweep). A body that is not a notice is dropped at once. When the connection is lost
/// (the broker restarted, say), the worker connects again with a growing delay and consumes again; unacknowledged
/// notices are handed out again by the broker.
/// </para>
/// </remarks>
public sealed class RabbitMqRelayWorker : BackgroundService
{
    private const int MaxTrackedFailures = 10_000;
    private const int MaxSweepRounds = 100;

    private readonly IEventRelay _relay;
    private readonly RabbitMqRelayOptions _options;
    private readonly string _workerId;
    private readonly bool _storeHasLeases;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConnectionFactory _factory;
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private volatile IConnection? _connection;
    private int _noticesHandled;

    /// <summary>Creates the worker; it connects when the host starts it.</summary>
    /// <param name="relay">The relay that claims and sends.</param>
    /// <param name="store">The store (checked for <see cref="IOutboxLeaseStore"/>).</param>
    /// <param name="options">The transport's options.</param>
    /// <param name="coCreationOptions">The SDK's options (the worker id).</param>
    /// <param name="time">The clock the waits run on.</param>
    /// <param name="logger">The logger; optional.</param>
    /// <exception cref="CoCreationValidationException">The options are not valid.</exception>
    public RabbitMqRelayWorker(
        IEventRelay relay,
        ICoCreationStore store,
        IOptions<RabbitMqRelayOptions> options,
        IOptions<CoCreationOptions> coCreationOptions,
        TimeProvider time,
        ILogger<RabbitMqRelayWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(relay);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(coCreationOptions);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _options.ThrowIfInvalid();
        _relay = relay;
        _storeHasLeases = store is IOutboxLeaseStore;
        _workerId = coCreationOptions.Value.Relay.WorkerId;
        _time = time;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _factory = RabbitMqConnections.CreateFactory(_options);
        _factory.ClientProvidedName = "cocreation-relay-worker " + _workerId;
    }

    /// <summary>The connection the worker consumes on, for tests; <see langword="null"/> while it has none.</summary>
    internal IConnection? Connection => _connection;

    /// <summary>How many notices this worker acknowledged after handling them, for tests.</summary>
    internal int NoticesHandled => Volatile.Read(ref _noticesHandled);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!_storeHasLeases)
        {
            Log.NoLeases(_logger, _workerId);
        }

        await Task.WhenAll(SweepAsync(stoppingToken), ConsumeAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch may leave more due deliveries: swept again at once, a bounded number of times.
                for (var round = 0; round < MaxSweepRounds; round++)
                {
                    var results = await _relay.DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                    if (results.Count == 0)
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker keeps running: the next sweep tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.SweepFailed(_logger, ex, _workerId, _options.SweepInterval);
            }

            if (!await WaitAsync(_options.SweepInterval, stoppingToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var delay = _options.RetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            IConnection? connection = null;
            IChannel? channel = null;
            try
            {
                connection = await _factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
                // As many notices handled at once as the broker hands out unacknowledged.
                var channelOptions = new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: (ushort)_options.Prefetch);
                channel = await connection.CreateChannelAsync(channelOptions, stoppingToken).ConfigureAwait(false);
                var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.ConnectionShutdownAsync += (_, e) =>
                {
                    lost.TrySetResult($"connection closed by {e.Initiator}: {e.ReplyCode} {e.ReplyText}");
                    return Task.CompletedTask;
                };
                channel.ChannelShutdownAsync += (_, e) =>
                {
                    lost.TrySetResult($"channel closed by {e.Initiator}: {e.ReplyCode} {e.ReplyText}");
                    return Task.CompletedTask;
                };

                await RabbitMqConnections.DeclareTopologyAsync(channel, _options, stoppingToken).ConfigureAwait(false);
                await channel.BasicQosAsync(0, (ushort)_options.Prefetch, global: false, stoppingToken).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                var consumerChannel = channel;
                consumer.ReceivedAsync += (_, delivery) => HandleAsync(consumerChannel, delivery, stoppingToken);
                await channel.BasicConsumeAsync(_options.Queue, autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
                _connection = connection;
                Log.Consuming(_logger, _workerId, _options.Queue, _options.Endpoint, _options.Prefetch);
                delay = _options.RetryDelay;

                var reason = await lost.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
                Log.ConnectionLost(_logger, _workerId, _options.Endpoint, reason, delay);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: closing the channel hands the unacknowledged notices back to the broker.
            }
#pragma warning disable CA1031 // The worker keeps running: it connects again after the delay.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ConnectFailed(_logger, ex, _workerId, _options.Endpoint, ex.GetType().Name, delay);
            }
            finally
            {
                _connection = null;
                await RabbitMqConnections.CloseQuietlyAsync(channel, connection).ConfigureAwait(false);
            }

            if (!await WaitAsync(delay, stoppingToken).ConfigureAwait(false))
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, RabbitMqRelayOptions.MaxRetryDelay.Ticks));
        }
    }

    private async Task HandleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var messageId = delivery.BasicProperties.MessageId ?? "(no message id)";
        string[] keys;
        try
        {
            keys = RabbitMqNotice.Read(delivery.Body);
        }
        catch (FormatException ex)
        {
            Log.NoticeMalformed(_logger, _workerId, messageId, ex.Message);
            await AckAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
            return;
        }

        try
        {
            var results = await _relay.DeliverAsync(keys, stoppingToken).ConfigureAwait(false);
            _failures.TryRemove(messageId, out _);
            await AckAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
            Interlocked.Increment(ref _noticesHandled);
            Log.NoticeHandled(_logger, _workerId, keys.Length, results.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await NackAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed notice is retried or dropped; the outbox keeps its deliveries either way.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_failures.Count >= MaxTrackedFailures)
            {
                _failures.Clear();
            }

            var attempt = _failures.AddOrUpdate(messageId, 1, (_, n) => n + 1);
            if (attempt >= _options.MaxNoticeAttempts)
            {
                _failures.TryRemove(messageId, out _);
                Log.NoticeDropped(_logger, ex, _workerId, messageId, keys.Length, attempt);
                await AckAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
                return;
            }

            Log.NoticeRequeued(_logger, ex, _workerId, messageId, attempt, _options.MaxNoticeAttempts);

            // Held back a moment, so a failing store is not hit in a tight loop by the same notice.
            await WaitAsync(_options.RetryDelay, stoppingToken).ConfigureAwait(false);
            await NackAsync(channel, delivery.DeliveryTag).ConfigureAwait(false);
        }
    }

    private async Task AckAsync(IChannel channel, ulong deliveryTag)
    {
        try
        {
            await channel.BasicAckAsync(deliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lost channel hands the notice out again; handling it twice sends nothing twice.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AckFailed(_logger, _workerId, ex.GetType().Name);
        }
    }

    private async Task NackAsync(IChannel channel, ulong deliveryTag)
    {
        try
        {
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lost channel hands the notice out again anyway.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AckFailed(_logger, _workerId, ex.GetType().Name);
        }
    }

    /// <summary>Waits on the clock; <see langword="false"/> when stopping.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
