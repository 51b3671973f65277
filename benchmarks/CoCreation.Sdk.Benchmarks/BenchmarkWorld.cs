using System.Collections.Immutable;
using System.Globalization;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// A relay on a given store with <c>N</c> members of an embedded SNS signed in and one rule that sends every
/// benchmark event to all of them; shared by the durable and in-memory relay benchmarks.
/// </summary>
internal sealed class BenchmarkWorld : IDisposable
{
    public const string Network = "social";
    public const string EventType = "com.cocreation.benchmark.order.ready";
    public const string RenderedText = "Order PO-1042 (Linen jacket) is ready.";

    private static readonly Uri Source = CoCreationEventSources.Module("benchmarks");
    private static readonly ImmutableDictionary<string, string> Data = ImmutableDictionary<string, string>.Empty
        .Add(CoCreationEventData.OrderId, "PO-1042")
        .Add(CoCreationEventData.Title, "Linen jacket");

    private readonly ServiceProvider _services;
    private readonly EmbeddedSnsNetwork _network;
    private long _sequence;

    private BenchmarkWorld(ServiceProvider services, EmbeddedSnsNetwork network, EmbeddedSnsAccount[] members)
    {
        _services = services;
        _network = network;
        Members = members;
        Relay = services.GetRequiredService<IEventRelay>();
        Store = services.GetRequiredService<ICoCreationStore>();
    }

    public IEventRelay Relay { get; }

    public ICoCreationStore Store { get; }

    public EmbeddedSnsAccount[] Members { get; }

    public Sns.ISnsConnector Connector => _services.GetRequiredService<ICoCreationProviders>().GetSns(Network);

    /// <summary>Builds the world and checks that an event really reaches all members once.</summary>
    public static async Task<BenchmarkWorld> CreateAsync(int members, Func<ICoCreationStore> createStore)
    {
        // Keys live 1 ms: every key is used once, and a long lifetime makes the network scan an ever larger table.
        var network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMilliseconds(1) });
        var brand = network.RegisterAccount("brand", "Brand");
        var accounts = Enumerable.Range(0, members).Select(i => network.RegisterAccount($"member{i:D4}", $"Member {i}", "en-US")).ToArray();
        var store = createStore();

        // The rule needs the participant ids, which exist only after sign-in: a first container signs the members
        // in, the benchmarked one shares its store and carries the rule.
        var ids = new string[members];
        await using (var signIn = Compose(network, brand, store, rule: null, ownsStore: false))
        {
            var service = signIn.GetRequiredService<ISnsSignIn>();
            for (var i = 0; i < members; i++)
            {
                ids[i] = (await service.SignInAsync(Network, accounts[i].Credential).ConfigureAwait(false)).ParticipantId;
            }
        }

        var rule = new RelayRule
        {
            Name = "order-ready-to-all",
            EventType = EventType,
            Recipients = RecipientSelector.Fixed(ids),
            Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} ({title}) 준비 완료.", "Order {orderId} ({title}) is ready."),
        };
        var world = new BenchmarkWorld(Compose(network, brand, store, rule, ownsStore: true), network, accounts);
        var check = await world.Relay.PublishAsync(world.NewEvent()).ConfigureAwait(false);
        if (check.Deliveries.Count != members || check.Deliveries.Any(d => d.Status != DeliveryStatus.Delivered || d.Text != RenderedText))
        {
            throw new InvalidOperationException($"the relay should deliver to {members} members: {string.Join(", ", check.Deliveries.Select(d => $"{d.Status}:{d.Error}"))}");
        }

        if (network.GetInbox(accounts[0].Subject).Count != 1)
        {
            throw new InvalidOperationException("member 0 should have exactly one message after the check event.");
        }

        return world;
    }

    public CoCreationEvent NewEvent() => new()
    {
        Id = "evt-" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture),
        Source = Source,
        Type = EventType,
        Time = DateTimeOffset.UnixEpoch,
        Subject = "production-orders/PO-1042",
        Data = Data,
    };

    /// <summary>Checks, after the measured invocations, that every event published reached every member exactly once.</summary>
    /// <param name="sentDirectly">Messages each member was sent besides the relay's.</param>
    public void ExpectEveryMemberReceivedEveryEvent(long sentDirectly = 0)
    {
        var events = Interlocked.Read(ref _sequence) + sentDirectly;
        foreach (var member in Members)
        {
            var inbox = _network.GetInbox(member.Subject).Count;
            if (inbox != events)
            {
                throw new InvalidOperationException($"{member.Handle} received {inbox} messages; {events} events were published.");
            }
        }
    }

    /// <summary>Waits until <paramref name="subject"/>'s inbox holds more than <paramref name="before"/> messages (10 s at most).</summary>
    public static async Task WaitForInboxAsync(EmbeddedSnsNetwork network, string subject, int before)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (network.GetInbox(subject).Count == before)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException("the worker did not deliver within 10 s.");
            }

            await Task.Yield();
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        _network.Dispose();
    }

    private static ServiceProvider Compose(EmbeddedSnsNetwork network, EmbeddedSnsAccount brand, ICoCreationStore store, RelayRule? rule, bool ownsStore)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation().AddEmbeddedSns(Network, network, brand.Credential);

        // A factory-made singleton is disposed with its container; the sign-in container must leave the store open.
        if (ownsStore)
        {
            builder.UseStore(_ => store);
        }
        else
        {
            services.AddSingleton(store);
        }

        if (rule is not null)
        {
            builder.AddRelayRule(rule);
        }

        return services.BuildServiceProvider();
    }
}
