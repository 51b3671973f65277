using System.Collections.Immutable;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>
/// Two relay workers (two service providers, each with its own SQLite store on one file, as two processes would) deliver
/// through one brand account of an embedded SNS that refuses writes over its limit. With the limit configured, the
/// workers share its token bucket through the store and the network refuses nothing; every member gets the message
/// exactly once. A 429 blocks the bucket for both workers.
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class RelayRateLimitTests
{
    private const string Network = "social";
    private const int NetworkLimit = 5;
    private const int Deliveries = 23;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private TempDatabase _database = null!;
    private FakeTimeProvider _clock = null!;
    private EmbeddedSnsNetwork _network = null!;
    private readonly List<ServiceProvider> _workers = [];

    [SetUp]
    public void SetUp()
    {
        _database = new TempDatabase();
        _clock = new FakeTimeProvider(Start);
        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { RateLimitPerWindow = NetworkLimit, RateLimitWindow = Window }, _clock);
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        _workers.Clear();
        _network.Dispose();
        _database.Dispose();
    }

    // Zero: a worker never sleeps for a token, a delivery whose turn is later is left pending until then. Three
    // seconds: a worker waits for a near turn. Each worker runs its own loop on its own period, as in its own process.
    [TestCase(0)]
    [TestCase(3)]
    public async Task Two_workers_sharing_the_store_stay_under_the_network_limit_and_deliver_each_message_once(int maxWaitSeconds)
    {
        var (members, keys) = await EnqueueAsync(new SnsRateLimit(NetworkLimit, Window), TimeSpan.FromSeconds(maxWaitSeconds));
        var relays = _workers.Select(w => w.GetRequiredService<IEventRelay>()).ToArray();
        using var stop = new CancellationTokenSource();

        // A broker's notices would split the work like this; afterwards each worker claims whatever is due.
        var workers = new[]
        {
            RunWorkerAsync(relays[0], [.. keys.Where((_, i) => i % 2 == 0)], TimeSpan.FromMilliseconds(200), stop.Token),
            RunWorkerAsync(relays[1], [.. keys.Where((_, i) => i % 2 == 1)], TimeSpan.FromMilliseconds(300), stop.Token),
        };
        while (Received(members) < Deliveries && _clock.GetUtcNow() - Start < TimeSpan.FromMinutes(10) && !workers.Any(w => w.IsFaulted))
        {
            await Task.Delay(1);
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        var elapsed = _clock.GetUtcNow() - Start;
        await stop.CancelAsync();
        var deliveredBy = await Task.WhenAll(workers);

        Assert.That(_network.RateLimitRefusalCount, Is.Zero, "the network refused no write");
        Assert.That(members.Select(m => _network.GetInbox(m.Subject).Count), Is.All.EqualTo(1), "every member got the message exactly once");
        Assert.That(deliveredBy.Sum(), Is.EqualTo(Deliveries));
        Assert.That(deliveredBy, Is.All.GreaterThan(0), "both workers sent");

        // 23 sends at one per 2.5 s (5 per 10 s, less a margin of one) need 55 s; the relay must not be much slower.
        var paced = (Window / (NetworkLimit - 1)) * (Deliveries - 1);
        // The clock runs on while a worker is slow to be scheduled, so the bound leaves room for a busy machine.
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(paced).And.LessThan(paced * 1.4));
        var store = _workers[0].GetRequiredService<ICoCreationStore>();
        Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(Deliveries));
    }

    [Test]
    public async Task A_429_blocks_the_account_for_every_worker_until_the_network_says()
    {
        // Configured far above what the network takes, with a burst: only the network's answer holds the workers back.
        var (_, keys) = await EnqueueAsync(new SnsRateLimit(100, Window) { Burst = 50 }, TimeSpan.Zero);
        var relays = _workers.Select(w => w.GetRequiredService<IEventRelay>()).ToArray();

        var fromA = await relays[0].DeliverAsync([.. keys.Take(10)]);
        var writesAfterA = _network.WriteCallCount;
        var fromB = await relays[1].DeliverAsync([.. keys.Skip(10)]);

        Assert.That(fromA.Count(r => r.Status == DeliveryStatus.Delivered), Is.EqualTo(NetworkLimit));
        Assert.That(_network.RateLimitRefusalCount, Is.EqualTo(1), "one 429, then no worker tried again");
        Assert.That(_network.WriteCallCount, Is.EqualTo(writesAfterA).And.EqualTo(NetworkLimit + 1), "the second worker sent nothing while blocked");
        Assert.That(fromB.Select(r => r.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        Assert.That(fromB.Select(r => r.NextAttemptAt), Is.All.EqualTo(Start + Window), "left pending until the network's Retry-After");
        Assert.That(fromB.Select(r => r.Attempts), Is.All.Zero, "waiting for the limit is not an attempt");

        _clock.Advance(Window);
        var later = await relays[1].DeliverDueAsync();
        Assert.That(later.Count(r => r.Status == DeliveryStatus.Delivered), Is.EqualTo(NetworkLimit), "after the block the second worker sends");
    }

    [TestCase(0, 60, 1, 5, ".Requests")]
    [TestCase(10, 0, 1, 5, ".Window")]
    [TestCase(10, 60, 0, 5, ".Burst")]
    [TestCase(10, 60, 10, 5, ".Burst")]
    [TestCase(10, 60, 1, -1, "Relay.MaxRateLimitWait")]
    public void A_bad_rate_limit_is_refused_at_registration_naming_the_field(int requests, int windowSeconds, int burst, int maxWaitSeconds, string field)
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<CoCreationValidationException>(() => services.AddCoCreation(o =>
        {
            o.Relay.RateLimits[Network] = new SnsRateLimit(requests, TimeSpan.FromSeconds(windowSeconds)) { Burst = burst };
            o.Relay.MaxRateLimitWait = TimeSpan.FromSeconds(maxWaitSeconds);
        }));

        Assert.That(ex!.Field, Is.EqualTo(field.StartsWith('.') ? $"Relay.RateLimits[{Network}]{field}" : field));
    }

    private async Task<(EmbeddedSnsAccount[] Members, string[] Keys)> EnqueueAsync(SnsRateLimit limit, TimeSpan maxWait)
    {
        var brand = _network.RegisterAccount("brand");
        var members = Enumerable.Range(0, Deliveries).Select(i => _network.RegisterAccount($"member{i}")).ToArray();
        var ids = new string[Deliveries];

        // The members sign in first: the rule names them.
        var signInServices = new ServiceCollection();
        signInServices.AddCoCreation().UseSqlite(_database.ConnectionString).AddEmbeddedSns(Network, _network, brand.Credential);
        signInServices.AddSingleton<TimeProvider>(_clock);
        await using (var signInProvider = signInServices.BuildServiceProvider())
        {
            var signIn = signInProvider.GetRequiredService<ISnsSignIn>();
            for (var i = 0; i < Deliveries; i++)
            {
                ids[i] = (await signIn.SignInAsync(Network, members[i].Credential)).ParticipantId;
            }
        }

        for (var w = 0; w < 2; w++)
        {
            var services = new ServiceCollection();
            services.AddCoCreation(o =>
                {
                    o.Relay.SendOnPublish = false;
                    o.Relay.WorkerId = $"worker-{w}";
                    o.Relay.RateLimits[Network] = limit;
                    o.Relay.MaxRateLimitWait = maxWait;
                })
                .UseSqlite(_database.ConnectionString)
                .AddEmbeddedSns(Network, _network, brand.Credential)
                .AddRelayRule(new RelayRule
                {
                    Name = "completed",
                    EventType = CoCreationEventTypes.ProductionCompleted,
                    Recipients = RecipientSelector.Fixed(ids),
                    Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 완료", "Order {orderId} done"),
                });
            services.AddSingleton<TimeProvider>(_clock);
            _workers.Add(services.BuildServiceProvider());
        }

        var published = await _workers[0].GetRequiredService<IEventRelay>().PublishAsync(new CoCreationEvent
        {
            Id = "order-7-ready",
            Source = CoCreationEventSources.Module("test"),
            Type = CoCreationEventTypes.ProductionCompleted,
            Time = Start,
            Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.OrderId, "7"),
        });
        Assert.That(published.Deliveries, Has.Count.EqualTo(Deliveries));
        Assert.That(published.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending), "publishing only enqueued");
        return (members, [.. published.Deliveries.Select(d => d.DeliveryKey)]);
    }

    private int Received(EmbeddedSnsAccount[] members) => members.Sum(m => _network.GetInbox(m.Subject).Count);

    private async Task<int> RunWorkerAsync(IEventRelay relay, string[] notified, TimeSpan period, CancellationToken stop)
    {
        var delivered = (await relay.DeliverAsync(notified)).Count(r => r.Status == DeliveryStatus.Delivered);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, _clock, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            // Not cancelled: a round once begun stores its outcomes.
            delivered += (await relay.DeliverDueAsync()).Count(r => r.Status == DeliveryStatus.Delivered);
        }

        return delivered;
    }
}
