using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>
/// The transport against a real RabbitMQ 3.10 (eng/peers/rabbitmq): publishing only enqueues, the notice goes through
/// the broker, competing workers send, and the recipients' inboxes on the embedded network hold each message once.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RabbitMqRelayIntegrationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    // Long enough that, within a test, only notices (and the sweep at start, before anything is published) deliver.
    private static readonly TimeSpan NoSweep = TimeSpan.FromMinutes(10);

    private RelayWorld? _world;

    [SetUp]
    public async Task SetUpAsync()
    {
        _ = RabbitPeer.Uri; // ignored (or failed under CI) without the peer
        _world = await RelayWorld.CreateAsync(recipients: 5);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
            _world = null;
        }
    }

    private RelayWorld World => _world!;

    private static string PeerPassword => Uri.UnescapeDataString(RabbitPeer.Uri.UserInfo.Split(':')[1]);

    [TestCase(1)]
    [TestCase(8)]
    [CancelAfter(120_000)]
    public async Task TwoWorkers_DeliverEveryMessageOnceThroughTheBroker_AndLeaveTheQueueEmptyAsync(int prefetch)
    {
        const int events = 20;
        var first = await World.StartWorkerAsync("worker-1", o => { o.Prefetch = prefetch; o.SweepInterval = NoSweep; });
        var second = await World.StartWorkerAsync("worker-2", o => { o.Prefetch = prefetch; o.SweepInterval = NoSweep; });
        Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(first.Connection is not null && second.Connection is not null), Limit), Is.True, "both workers consume");
        var publisher = World.Publisher(o => o.MaxKeysPerNotice = 3);

        for (var n = 0; n < events; n++)
        {
            var result = await World.PublishAsync(publisher, n);
            Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending), "publishing only enqueues");
        }

        Assert.That(await World.WaitForAsync(Enumerable.Range(0, events), Limit), Is.True, "every recipient got every event");
        await Task.Delay(300); // room for a duplicate to show up
        var received = World.Received();
        var noticesSent = events * (int)Math.Ceiling(World.Recipients / 3.0);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(received, Has.Count.EqualTo(events * World.Recipients));
            Assert.That(received.Values, Is.All.EqualTo(1), "no message twice");
            Assert.That(await RelayWorld.EventuallyAsync(async () => await RabbitPeer.QueueDepthAsync(World.Queue) == 0, Limit), Is.True, "the queue is empty");
            Assert.That(await RabbitPeer.QueueDepthAsync(World.Queue), Is.Zero);
            Assert.That(first.NoticesHandled, Is.Positive, "the first worker took notices");
            Assert.That(second.NoticesHandled, Is.Positive, "the second worker took notices");
            Assert.That(first.NoticesHandled + second.NoticesHandled, Is.EqualTo(noticesSent), "every notice handled once (3 keys a notice)");
            Assert.That(await World.Store.GetOutboxByStatusAsync(DeliveryStatus.Pending), Is.Empty);
            Assert.That(World.Logs, Is.Not.Empty);
            Assert.That(World.Logs.Where(l => l.Contains(PeerPassword, StringComparison.Ordinal)), Is.Empty, "no log line holds the broker's password");
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task LostNotices_AreDeliveredByTheSweepAsync()
    {
        // A notice that reaches the queue and is then purged.
        var publisher = World.Publisher();
        await World.PublishAsync(publisher, 1);
        Assert.That(await RabbitPeer.QueueDepthAsync(World.Queue), Is.EqualTo(1u), "the notice was sent and is durable");
        await RabbitPeer.PurgeAsync(World.Queue);
        Assert.That(World.Received(), Is.Empty);

        var worker = await World.StartWorkerAsync("sweeper", o => o.SweepInterval = TimeSpan.FromMilliseconds(500));
        Assert.That(await World.WaitForAsync([1], Limit), Is.True, "the purged notice's deliveries were swept");

        // A notice that never gets out: this publisher's broker refuses connections.
        const string secret = "wrong-broker-secret";
        var broken = World.Publisher(o => { o.Uri = new Uri($"amqp://app:{secret}@127.0.0.1:1/cocreation"); o.PublishTimeout = TimeSpan.FromSeconds(3); }, "broken-publisher");
        var result = await World.PublishAsync(broken, 2);
        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending), "the failed notice does not fail the publish");
        Assert.That(World.Logs.Any(l => l.StartsWith("broken-publisher", StringComparison.Ordinal) && l.Contains("1315:", StringComparison.Ordinal)), Is.True, "the relay logged the failed notice");

        Assert.That(await World.WaitForAsync([2], Limit), Is.True, "the unsent notice's deliveries were swept");
        await Task.Delay(300);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(World.Received().Values, Is.All.EqualTo(1));
            Assert.That(World.Received(), Has.Count.EqualTo(2 * World.Recipients));
            Assert.That(worker.NoticesHandled, Is.Zero, "no notice reached the worker: the sweep delivered");
            Assert.That(World.Logs.Where(l => l.Contains(secret, StringComparison.Ordinal)), Is.Empty, "no log line holds the password");
        }
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task BrokerRestartAndClosedConnection_AreSurvivedAsync()
    {
        var worker = await World.StartWorkerAsync("survivor", o => o.SweepInterval = NoSweep);
        var publisher = World.Publisher();
        Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(worker.Connection is not null), Limit), Is.True);
        await World.PublishAsync(publisher, 1);
        Assert.That(await World.WaitForAsync([1], Limit), Is.True, "delivered before the restart");
        var before = worker.Connection;

        // The broker application stops (every connection is closed by the server, the listener goes away) and starts.
        await RabbitPeer.CtlAsync("stop_app");
        await RabbitPeer.CtlAsync("start_app");
        Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(worker.Connection is { IsOpen: true } c && !ReferenceEquals(c, before)), Limit), Is.True, "the worker connected again");
        await World.PublishAsync(publisher, 2);
        Assert.That(await World.WaitForAsync([2], Limit), Is.True, "delivered through the broker after its restart");

        // The worker's connection closed under it (by this side).
        var second = worker.Connection!;
        await second.CloseAsync();
        Assert.That(await RelayWorld.EventuallyAsync(() => Task.FromResult(worker.Connection is { IsOpen: true } c && !ReferenceEquals(c, second)), Limit), Is.True, "the worker connected again");
        await World.PublishAsync(publisher, 3);
        Assert.That(await World.WaitForAsync([3], Limit), Is.True, "delivered after the connection was closed");

        await Task.Delay(300);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(World.Received(), Has.Count.EqualTo(3 * World.Recipients));
            Assert.That(World.Received().Values, Is.All.EqualTo(1));
            Assert.That(worker.NoticesHandled, Is.EqualTo(3), "each event came through a notice, not a sweep");
            Assert.That(await RelayWorld.EventuallyAsync(async () => await RabbitPeer.QueueDepthAsync(World.Queue) == 0, Limit), Is.True);
        }
    }
}
