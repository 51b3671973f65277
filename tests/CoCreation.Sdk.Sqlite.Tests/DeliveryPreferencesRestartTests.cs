using System.Collections.Immutable;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>
/// Delivery preferences on a SQLite file and the embedded SNS, counted in the person's inbox at the network: a delivery
/// held for quiet hours is sent once after them by a relay opened after a restart; a digest is one message under
/// concurrent relay workers, and a digest whose outcome was lost arrives once.
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class DeliveryPreferencesRestartTests
{
    private const string Network = "social";
    private const string ShipmentType = "com.cocreation.shipment.sent";

    // 23:30 in Seoul.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 14, 30, 0, TimeSpan.Zero);

    private TempDatabase _database = null!;
    private FakeTimeProvider _clock = null!;
    private EmbeddedSnsNetwork _network = null!;
    private EmbeddedSnsAccount _brand = null!;
    private InMemoryCoCreationStore? _shared;
    private readonly List<ServiceProvider> _open = [];

    [SetUp]
    public void SetUp()
    {
        _database = new TempDatabase();
        _clock = new FakeTimeProvider(Start);
        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions(), _clock);
        _brand = _network.RegisterAccount("brand");
        _shared = null;
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var provider in _open)
        {
            await provider.DisposeAsync();
        }

        _open.Clear();
        _network.Dispose();
        _database.Dispose();
    }

    [Test]
    public async Task A_delivery_held_for_quiet_hours_is_sent_once_after_them_by_a_relay_opened_after_a_restart()
    {
        var minji = _network.RegisterAccount("minji", locale: "ko-KR");
        string key;
        var first = Open("before-restart");
        {
            var id = await SignInAsync(first, minji);
            await SetPreferencesAsync(first, id, new DeliveryPreferences { TimeZone = "Asia/Seoul", QuietFrom = new TimeOnly(22, 0), QuietUntil = new TimeOnly(8, 0) });
            var result = (await Relay(first).PublishAsync(Shipment("o1", id))).Deliveries.Single();
            key = result.DeliveryKey;
            Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Pending));
            Assert.That(result.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero)), "08:00 in Seoul");
            Assert.That(_network.GetInbox(minji.Subject), Is.Empty, "nothing during quiet hours");
        }

        await CloseAsync(first);

        var second = Open("after-restart");
        _clock.Advance(TimeSpan.FromHours(8.5) - TimeSpan.FromMinutes(1));
        Assert.That(await Relay(second).DeliverDueAsync(), Is.Empty, "still quiet at 07:59");
        Assert.That(_network.GetInbox(minji.Subject), Is.Empty);

        _clock.Advance(TimeSpan.FromMinutes(1));
        var delivered = await Relay(second).DeliverDueAsync();
        Assert.That(delivered.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        await CloseAsync(second);

        var third = Open("after-another-restart");
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.That(await Relay(third).DeliverDueAsync(), Is.Empty);
        Assert.That(_network.GetInbox(minji.Subject).Select(m => m.Text), Is.EqualTo(new[] { "주문 o1 발송" }), "sent exactly once");
        Assert.That((await Store(third).GetOutboxMessageAsync(key))!.Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    // Two relay workers on one store: each is told of some of the deliveries (as a broker would split them), so both
    // hold parts of the same digests; then both claim whatever is due, at the same time, until nothing is left.
    [TestCase(false)]
    [TestCase(true)]
    public async Task Concurrent_relays_send_exactly_one_digest_per_person_kind_and_window(bool sqlite)
    {
        if (!sqlite)
        {
            _shared = new InMemoryCoCreationStore();
        }

        var people = Enumerable.Range(0, 5).Select(i => _network.RegisterAccount($"member{i}", locale: "en-US")).ToArray();
        var one = Open("worker-1");
        var two = Open("worker-2");
        var keys = new List<string>();
        foreach (var person in people)
        {
            var id = await SignInAsync(one, person);
            await SetPreferencesAsync(one, id, DigestOfShipments());
            for (var e = 1; e <= 3; e++)
            {
                var result = (await Relay(one).PublishAsync(Shipment($"{person.Handle}-{e}", id))).Deliveries.Single();
                Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Pending));
                keys.Add(result.DeliveryKey);
            }
        }

        Assert.That(people.Sum(p => _network.GetInbox(p.Subject).Count), Is.Zero);

        // 18:00 in Seoul, the end of the window.
        _clock.Advance(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero) - Start);
        var results = new List<DeliveryResult>();
        var split = await Task.WhenAll(
            Task.Run(() => Relay(one).DeliverAsync([.. keys.Where((_, i) => i % 2 == 0)])),
            Task.Run(() => Relay(two).DeliverAsync([.. keys.Where((_, i) => i % 2 == 1)])));
        results.AddRange(split.SelectMany(r => r));
        for (var round = 0; round < 10 && results.Count(r => r.Status == DeliveryStatus.Delivered) < keys.Count; round++)
        {
            var due = await Task.WhenAll(Task.Run(() => Relay(one).DeliverDueAsync()), Task.Run(() => Relay(two).DeliverDueAsync()));
            results.AddRange(due.SelectMany(r => r));
        }

        var again = await Task.WhenAll(Relay(one).DeliverDueAsync(), Relay(two).DeliverDueAsync());

        Assert.That(again.SelectMany(r => r), Is.Empty);
        foreach (var person in people)
        {
            var inbox = _network.GetInbox(person.Subject);
            Assert.That(inbox, Has.Count.EqualTo(1), $"one digest for {person.Handle}");
            Assert.That(inbox[0].Text, Does.StartWith("Daily digest (shipment, until 2026-03-03): 3 updates"));
            for (var e = 1; e <= 3; e++)
            {
                Assert.That(inbox[0].Text, Does.Contain($"Order {person.Handle}-{e} shipped"));
            }
        }

        Assert.That(results.Where(r => r.Status == DeliveryStatus.Delivered).Select(r => r.DeliveryKey), Is.EquivalentTo(keys), "each delivery reported delivered once");
        Assert.That((await Store(one).GetOutboxMessagesAsync(keys)).Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task A_digest_sent_before_a_crash_that_lost_its_outcome_arrives_once()
    {
        var minji = _network.RegisterAccount("minji", locale: "en-US");
        var first = Open("crashing-worker");
        var id = await SignInAsync(first, minji);
        await SetPreferencesAsync(first, id, DigestOfShipments());
        var keys = new List<string>();
        for (var e = 1; e <= 3; e++)
        {
            keys.Add((await Relay(first).PublishAsync(Shipment($"o{e}", id))).Deliveries.Single().DeliveryKey);
        }

        var before = await Store(first).GetOutboxMessagesAsync(keys);
        _clock.Advance(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero) - Start);
        var sent = await Relay(first).DeliverDueAsync();
        Assert.That(sent.Select(r => r.Status), Is.All.EqualTo(DeliveryStatus.Delivered));

        // The network took the digest, then the process died before the outcome was stored: the entries are as before.
        var lost = new StoreChanges();
        foreach (var entry in before)
        {
            lost.PutOutbox(entry);
        }

        await Store(first).ApplyAsync(lost);
        await CloseAsync(first);

        var second = Open("next-worker");
        _clock.Advance(TimeSpan.FromMinutes(2));
        var resent = await Relay(second).DeliverDueAsync();

        Assert.That(resent.Select(r => r.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(resent.Select(r => r.DigestKey).Distinct().Single(), Is.EqualTo(sent.Select(r => r.DigestKey).Distinct().Single()), "re-sent under the same key");
        Assert.That(_network.GetInbox(minji.Subject), Has.Count.EqualTo(1), "the network dropped the re-send");
        Assert.That(_network.GetInbox(minji.Subject)[0].Text, Does.Contain("Order o1 shipped").And.Contain("Order o3 shipped"));
        Assert.That((await Store(second).GetOutboxMessagesAsync(keys)).Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
    }

    private static DeliveryPreferences DigestOfShipments() => new()
    {
        TimeZone = "Asia/Seoul",
        Kinds = ImmutableDictionary.Create<string, DeliveryMode>(StringComparer.Ordinal).Add("shipment", DeliveryMode.Digest),
    };

    private static CoCreationEvent Shipment(string orderId, string to) => new()
    {
        Id = orderId,
        Source = CoCreationEventSources.Module("test"),
        Type = ShipmentType,
        Time = Start,
        Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.OrderId, orderId).Add("to", to),
    };

    private ServiceProvider Open(string workerId)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation(o => o.Relay.WorkerId = workerId);
        if (_shared is { } shared)
        {
            builder.UseStore(_ => shared);
        }
        else
        {
            builder.UseSqlite(_database.ConnectionString);
        }

        builder
            .AddEmbeddedSns(Network, _network, _brand.Credential)
            .AddRelayRule(new RelayRule
            {
                Name = "shipment",
                EventType = ShipmentType,
                Recipients = new RecipientSelector((e, _, _) => Task.FromResult<IReadOnlyList<string>>([e.GetData("to")!])),
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 발송", "Order {orderId} shipped"),
            });
        services.AddSingleton<TimeProvider>(_clock);
        var provider = services.BuildServiceProvider();
        _open.Add(provider);
        return provider;
    }

    private async Task CloseAsync(ServiceProvider provider)
    {
        _open.Remove(provider);
        await provider.DisposeAsync();
    }

    private static IEventRelay Relay(ServiceProvider provider) => provider.GetRequiredService<IEventRelay>();

    private static ICoCreationStore Store(ServiceProvider provider) => provider.GetRequiredService<ICoCreationStore>();

    private static async Task<string> SignInAsync(ServiceProvider provider, EmbeddedSnsAccount account)
        => (await provider.GetRequiredService<ISnsSignIn>().SignInAsync(Network, account.Credential)).ParticipantId;

    // As the preference API would: the participant written back through the store with the version it was read at.
    private static async Task SetPreferencesAsync(ServiceProvider provider, string participantId, DeliveryPreferences preferences)
    {
        var store = Store(provider);
        var participant = (await store.GetParticipantAsync(participantId))!;
        await store.ApplyAsync(new StoreChanges().PutParticipant(participant with { Delivery = preferences }, participant.Version));
    }
}
