using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>
/// Notices the worker cannot handle, against the real broker: a body that is not a notice is dropped at once, and a
/// notice whose handling keeps failing is tried a bounded number of times, then dropped; the queue ends empty.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RabbitMqPoisonNoticeTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(120_000)]
    public async Task FailingAndMalformedNotices_AreDroppedAfterBoundedAttemptsAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var options = new RabbitMqRelayOptions
        {
            Uri = RabbitPeer.Uri,
            Queue = "test.poison." + suffix,
            Exchange = "test.poison." + suffix,
            MaxNoticeAttempts = 3,
            RetryDelay = TimeSpan.FromMilliseconds(100),
            SweepInterval = TimeSpan.FromMinutes(10),
        };
        var logs = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(logs, "poison")));
        var relay = new FailingRelay();
        var worker = new RabbitMqRelayWorker(relay, new InMemoryCoCreationStore(), Options.Create(options), Options.Create(new CoCreationOptions()), TimeProvider.System, loggers.CreateLogger<RabbitMqRelayWorker>());
        try
        {
            await worker.StartAsync(CancellationToken.None);
            Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(worker.Connection is not null), Limit), Is.True, "the worker consumes");

            // Something that is not a notice, straight to the exchange.
            await using (var connection = await new ConnectionFactory { Uri = RabbitPeer.Uri }.CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
            {
                await channel.BasicPublishAsync(options.Exchange, options.RoutingKey, Encoding.UTF8.GetBytes("not a notice"));
            }

            // A well-formed notice, whose handling fails every time.
            await using (var notifier = new RabbitMqOutboxNotifier(Options.Create(options), TimeProvider.System))
            {
                await notifier.EnqueuedAsync([Delivery("k1"), Delivery("k2")]);
            }

            Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(logs.Any(l => l.Contains(" 1716:", StringComparison.Ordinal))), Limit), Is.True, "the failing notice was dropped, logged");
            Assert.That(await RelayWorld.EventuallyAsync(async () => await RabbitPeer.QueueDepthAsync(options.Queue) == 0, Limit), Is.True, "the queue is empty");
            await Task.Delay(500); // room for a fourth attempt to show up
            using (Assert.EnterMultipleScope())
            {
                Assert.That(relay.Attempts.ToArray(), Is.EqualTo(Enumerable.Repeat("k1,k2", 3)), "tried exactly MaxNoticeAttempts times, the malformed body never");
                Assert.That(logs.Count(l => l.Contains(" 1714:", StringComparison.Ordinal)), Is.EqualTo(1), "the malformed body was dropped, logged");
                Assert.That(logs.Count(l => l.Contains(" 1715:", StringComparison.Ordinal)), Is.EqualTo(2), "two requeues before the drop");
                Assert.That(worker.NoticesHandled, Is.Zero);
                Assert.That(relay.Sweeps, Is.Positive, "the sweep ran at start");
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
            await RabbitPeer.DeleteAsync(options.Queue, options.Exchange);
        }
    }

    private static OutboxMessage Delivery(string key) => new()
    {
        DeliveryKey = key,
        Event = new CoCreationEvent { Id = "e1", Source = new Uri("urn:test"), Type = "test.event", Time = DateTimeOffset.UnixEpoch },
        RuleName = "r",
        RecipientId = "p1",
        Channel = RelayChannel.DirectMessage,
        Status = DeliveryStatus.Pending,
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    /// <summary>A relay whose store is down: every named delivery fails; sweeps find nothing.</summary>
    private sealed class FailingRelay : IEventRelay
    {
        private int _sweeps;

        public ConcurrentQueue<string> Attempts { get; } = new();

        public int Sweeps => Volatile.Read(ref _sweeps);

        public Task<IReadOnlyList<DeliveryResult>> DeliverAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
        {
            Attempts.Enqueue(string.Join(',', deliveryKeys));
            throw new InvalidOperationException("the store is down");
        }

        public Task<IReadOnlyList<DeliveryResult>> DeliverDueAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _sweeps);
            return Task.FromResult<IReadOnlyList<DeliveryResult>>([]);
        }

        public Task<RelayResult> PublishAsync(CoCreationEvent @event, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<RelayResult>> PollSourcesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<OutboxMessage>> GetDeadLettersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<DeliveryResult>> ReplayDeadLettersAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
