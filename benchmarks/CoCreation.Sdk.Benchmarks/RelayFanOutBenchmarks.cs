using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// What the event relay costs on top of sending the same direct messages by hand: the outbox writes, the
/// de-duplication key, the per-key lock, the identity look-up and the template rendering per recipient.
/// </summary>
/// <remarks>
/// <para>
/// Both sides talk to the same in-process network, so the ratio against <see cref="Direct_send"/> is the
/// orchestration overhead; absolute times only describe this machine.
/// </para>
/// <para>
/// The world (network, store, members, relay) is rebuilt before every iteration of
/// <see cref="InvocationsPerIteration"/> invocations. With one world for the whole run the network's
/// idempotency table and the relay's outbox grow by millions of entries, and the network prunes its table by
/// scanning all of it every 256 writes, so the per-message cost kept rising from iteration to iteration and
/// measured the run's length rather than the relay. For the same reason the network keeps idempotency keys for
/// only a millisecond: every key here is used once, and a long lifetime would make both sides pay for scanning
/// an ever larger table instead of for sending.
/// </para>
/// </remarks>
[MemoryDiagnoser]
// Six warm-up iterations: with three, the first measured relay iteration was still visibly slower (tiered JIT).
[SimpleJob(launchCount: 1, warmupCount: 6, iterationCount: 8)]
[InvocationCount(InvocationsPerIteration)]
public class RelayFanOutBenchmarks
{
    /// <summary>Invocations between two world rebuilds: long enough to time, short enough to keep the state small.</summary>
    public const int InvocationsPerIteration = 1024;

    private const string Network = "social";
    private const string EventType = "com.cocreation.benchmark.order.ready";
    private const string EnglishTemplate = "Order {orderId} ({title}) is ready.";
    private const string KoreanTemplate = "주문 {orderId} ({title}) 준비 완료.";
    private const string OrderId = "PO-1042";
    private const string Title = "Linen jacket";

    // The text the relay renders for an en-US recipient, so both sides send the same bytes.
    private const string RenderedText = "Order PO-1042 (Linen jacket) is ready.";

    private static readonly Uri Source = CoCreationEventSources.Module("benchmarks");
    private static readonly ImmutableDictionary<string, string> Data = ImmutableDictionary<string, string>.Empty
        .Add(CoCreationEventData.OrderId, OrderId)
        .Add(CoCreationEventData.Title, Title);

    private ServiceProvider? _services;
    private IEventRelay _relay = null!;
    private ISnsConnector _connector = null!;
    private TimeProvider _time = null!;
    private EmbeddedSnsAccount[] _members = [];
    private CoCreationEvent _delivered = null!;
    private long _sequence;

    /// <summary>How many participants each event (or each batch of direct messages) reaches.</summary>
    [Params(10, 100)]
    public int N { get; set; }

    /// <summary>Builds a fresh world: a network, N members signed in, and a relay rule to all of them.</summary>
    [IterationSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Releases the iteration's container.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        _services?.Dispose();
        _services = null;
    }

    /// <summary>N direct messages straight through the connector, each with its own idempotency key.</summary>
    /// <returns>How many were sent.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> Direct_send()
    {
        var batch = (++_sequence).ToString(CultureInfo.InvariantCulture);
        var sent = 0;
        for (var i = 0; i < _members.Length; i++)
        {
            var member = _members[i];
            await _connector.SendDirectMessageAsync(
                new DirectMessageRequest
                {
                    RecipientSubject = member.Subject,
                    RecipientHandle = member.Handle,
                    Text = RenderedText,
                    IdempotencyKey = string.Concat("direct-", batch, "-", i.ToString(CultureInfo.InvariantCulture)),
                },
                CancellationToken.None).ConfigureAwait(false);
            sent++;
        }

        return sent;
    }

    /// <summary>One new event routed by a fixed-recipient rule to the same N participants.</summary>
    /// <returns>How many deliveries the relay reported.</returns>
    [Benchmark]
    public async Task<int> Relay_publish_fan_out()
    {
        var result = await _relay.PublishAsync(NewEvent(), CancellationToken.None).ConfigureAwait(false);
        return result.Deliveries.Count;
    }

    /// <summary>An event whose deliveries all went out already: the relay finds them in the outbox and sends nothing.</summary>
    /// <returns>How many deliveries the relay reported (all duplicates).</returns>
    [Benchmark]
    public async Task<int> Relay_publish_duplicate()
    {
        var result = await _relay.PublishAsync(_delivered, CancellationToken.None).ConfigureAwait(false);
        return result.Deliveries.Count;
    }

    private CoCreationEvent NewEvent() => new()
    {
        Id = "evt-" + (++_sequence).ToString(CultureInfo.InvariantCulture),
        Source = Source,
        Type = EventType,
        Time = _time.GetUtcNow(),
        Subject = "production-orders/" + OrderId,
        Data = Data,
    };

    private async Task SetupAsync()
    {
        var network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMilliseconds(1) });
        var brand = network.RegisterAccount("brand", "Brand");
        _members = Enumerable.Range(0, N)
            .Select(i => network.RegisterAccount($"member{i:D4}", $"Member {i}", "en-US"))
            .ToArray();

        // The rule needs the participant ids, which exist only after sign-in; a first container signs the
        // members in, and the benchmarked container shares its store and network and carries the rule.
        var store = new InMemoryCoCreationStore();
        string[] participantIds;
        await using (var signInServices = Compose(network, brand, store, rule: null))
        {
            var signIn = signInServices.GetRequiredService<ISnsSignIn>();
            participantIds = new string[N];
            for (var i = 0; i < N; i++)
            {
                var session = await signIn.SignInAsync(Network, _members[i].Credential).ConfigureAwait(false);
                participantIds[i] = session.Participant.Id;
            }
        }

        var rule = new RelayRule
        {
            Name = "order-ready-to-all",
            EventType = EventType,
            Recipients = RecipientSelector.Fixed(participantIds),
            Template = MessageTemplate.KoreanAndEnglish(KoreanTemplate, EnglishTemplate),
        };
        _services = Compose(network, brand, store, rule);
        _relay = _services.GetRequiredService<IEventRelay>();
        _connector = _services.GetRequiredService<ICoCreationProviders>().GetSns(Network);
        _time = _services.GetRequiredService<TimeProvider>();

        // Fails the run loudly if the relay would not really deliver, rather than timing a no-op.
        _delivered = NewEvent();
        Expect(await _relay.PublishAsync(_delivered).ConfigureAwait(false), DeliveryStatus.Delivered, checkText: true);
        Expect(await _relay.PublishAsync(_delivered).ConfigureAwait(false), DeliveryStatus.Duplicate, checkText: false);
        var received = network.GetInbox(_members[0].Subject);
        if (received.Count != 1 || received[0].Text != RenderedText)
        {
            throw new InvalidOperationException($"member 0 should have exactly one message '{RenderedText}', has {received.Count}.");
        }
    }

    private void Expect(RelayResult result, DeliveryStatus status, bool checkText)
    {
        if (result.Deliveries.Count != N || result.Deliveries.Any(d => d.Status != status || (checkText && d.Text != RenderedText)))
        {
            var seen = string.Join(", ", result.Deliveries.Select(d => $"{d.Status}:{d.Error}"));
            throw new InvalidOperationException($"expected {N} deliveries with status {status}; got {result.Deliveries.Count}: {seen}");
        }
    }

    private static ServiceProvider Compose(EmbeddedSnsNetwork network, EmbeddedSnsAccount brand, ICoCreationStore store, RelayRule? rule)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation()
            .UseStore(_ => store)
            .AddEmbeddedSns(Network, network, brand.Credential);
        if (rule is not null)
        {
            builder.AddRelayRule(rule);
        }

        return services.BuildServiceProvider();
    }
}
