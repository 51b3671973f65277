using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ;

/// <summary>
/// Tells the relay workers of new deliveries through RabbitMQ: after a publish commits its deliveries to the outbox, the
/// relay hands them here, and their keys go to the exchange as persistent notices of up to
/// <see cref="RabbitMqRelayOptions.MaxKeysPerNotice"/> keys each, every one confirmed by the broker.
/// </summary>
/// <remarks>
/// A notice that cannot be sent or is not confirmed in <see cref="RabbitMqRelayOptions.PublishTimeout"/> fails the call
/// with a <see cref="CoCreationException"/>; the relay logs it, and the deliveries, already in the outbox, are found by
/// the workers' next sweep. The notifier keeps one connection and one channel, opened at the first notice and opened
/// again after a failure; notices are sent one call at a time. After a failure, notices within
/// <see cref="RabbitMqRelayOptions.RetryDelay"/> (doubled on each further failure, up to 30 s) fail at once without
/// trying the broker, so a broker that is down does not hold up every publish for the timeout.
/// </remarks>
public sealed class RabbitMqOutboxNotifier : IOutboxNotifier, IAsyncDisposable, IDisposable
{
    private readonly RabbitMqRelayOptions _options;
    private readonly ConnectionFactory _factory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private int _failures;
    private DateTimeOffset _retryAfter = DateTimeOffset.MinValue;
    private IConnection? _connection;
    private IChannel? _channel;
    private bool _disposed;

    /// <summary>Creates the notifier; nothing is connected until the first notice.</summary>
    /// <param name="options">The transport's options.</param>
    /// <param name="time">The clock of the pause after a failure.</param>
    /// <param name="logger">The logger; optional.</param>
    /// <exception cref="CoCreationValidationException">The options are not valid.</exception>
    public RabbitMqOutboxNotifier(IOptions<RabbitMqRelayOptions> options, TimeProvider time, ILogger<RabbitMqOutboxNotifier>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _options = options.Value;
        _options.ThrowIfInvalid();
        _factory = RabbitMqConnections.CreateFactory(_options);
        _factory.ClientProvidedName = "cocreation-relay-notifier";
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The connection in use, for tests; <see langword="null"/> before the first notice.</summary>
    internal IConnection? Connection => _connection;

    /// <inheritdoc />
    /// <exception cref="CoCreationException">A notice was not sent or not confirmed; the message names the broker, never its password.</exception>
    public async Task EnqueuedAsync(IReadOnlyList<OutboxMessage> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string[] keys = [.. deliveries.Select(d => d.DeliveryKey).Where(k => !string.IsNullOrWhiteSpace(k)).Distinct(StringComparer.Ordinal)];
        if (keys.Length == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_time.GetUtcNow() < _retryAfter)
            {
                throw new CoCreationException($"The RabbitMQ notice of {keys.Length} new deliveries was skipped: the broker at {_options.Endpoint} failed {_failures} time(s) in a row, and is tried again from {_retryAfter:O}; the deliveries stay in the outbox for the workers' sweep.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.PublishTimeout);
            try
            {
                var channel = await OpenAsync(timeout.Token).ConfigureAwait(false);
                foreach (var chunk in keys.Chunk(_options.MaxKeysPerNotice))
                {
                    var properties = new BasicProperties
                    {
                        Persistent = true,
                        ContentType = RabbitMqNotice.ContentType,
                        Type = RabbitMqNotice.MessageType,
                        MessageId = Guid.NewGuid().ToString("N"),
                    };

                    // With confirmation tracking on, this returns once the broker confirmed the notice; mandatory makes a
                    // notice that reaches no queue an error instead of a silent loss.
                    await channel.BasicPublishAsync(_options.Exchange, _options.RoutingKey, mandatory: true, properties, RabbitMqNotice.Write(chunk), timeout.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await ResetAsync().ConfigureAwait(false);
                throw;
            }
            catch (Exception ex)
            {
                await ResetAsync().ConfigureAwait(false);
                _failures++;
                var pause = TimeSpan.FromTicks(Math.Min(_options.RetryDelay.Ticks << Math.Min(_failures - 1, 16), RabbitMqRelayOptions.MaxRetryDelay.Ticks));
                _retryAfter = _time.GetUtcNow() + pause;
                var reason = ex is OperationCanceledException ? $"not confirmed within {_options.PublishTimeout}" : ex.GetType().Name;
                throw new CoCreationException($"The RabbitMQ notice of {keys.Length} new deliveries to exchange '{_options.Exchange}' at {_options.Endpoint} failed ({reason}); the deliveries stay in the outbox for the workers' sweep.", ex);
            }

            _failures = 0;
            _retryAfter = DateTimeOffset.MinValue;
            Log.NoticeSent(_logger, keys.Length, _options.Exchange);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the connection.</summary>
    /// <returns>A task that completes when it is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await ResetAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    /// <summary>Closes the connection, waiting for it (for containers disposed synchronously; prefer <see cref="DisposeAsync"/>).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<IChannel> OpenAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } && _connection is { IsOpen: true })
        {
            return _channel;
        }

        await ResetAsync().ConfigureAwait(false);
        _connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken).ConfigureAwait(false);
        await RabbitMqConnections.DeclareTopologyAsync(_channel, _options, cancellationToken).ConfigureAwait(false);
        Log.NotifierConnected(_logger, _options.Endpoint);
        return _channel;
    }

    private async Task ResetAsync()
    {
        var (channel, connection) = (_channel, _connection);
        (_channel, _connection) = (null, null);
        await RabbitMqConnections.CloseQuietlyAsync(channel, connection).ConfigureAwait(false);
    }
}
