using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// Two relay workers on one SQLite file deliver <see cref="Deliveries"/> direct messages through one brand account of an
/// embedded SNS that refuses (429) more than <see cref="Limit"/> writes per <see cref="WindowMilliseconds"/>, on the real
/// clock. The relay is told the same limit (<see cref="RelayOptions.RateLimits"/>).
/// </summary>
/// <remarks>
/// <para>
/// BenchmarkDotNet times one invocation: from the first claim to the last message in an inbox. What matters is read
/// from the network after each iteration (<see cref="Cleanup"/>) and printed as a <c>RATE-LIMIT</c> line: the send rate
/// the network saw (messages after the first ÷ time from the first to the last) against the allowed rate
/// (<see cref="Limit"/> per window), and how many writes the network refused. The run fails if the network refused
/// more than one write (the target is none after the first), or if a member did not get exactly one message.
/// </para>
/// <para>
/// The relay spreads sends to one per window ÷ (limit − 1), so the best ratio it can reach is (limit − 1) ÷ limit: 0.98
/// for 50 per second. Every iteration starts on a new file and a new network.
/// </para>
/// </remarks>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3)]
[InvocationCount(1)]
public class RateLimitedRelayBenchmarks
{
    private const string Network = "social";

    private string _folder = "";
    private EmbeddedSnsNetwork? _network;
    private EmbeddedSnsAccount[] _members = [];
    private readonly List<ServiceProvider> _containers = [];
    private IEventRelay[] _workers = [];
    private string[] _keys = [];

    /// <summary>Writes the network takes per window.</summary>
    [Params(50)]
    public int Limit { get; set; }

    /// <summary>The network's window, in milliseconds.</summary>
    [Params(1000)]
    public int WindowMilliseconds { get; set; }

    /// <summary>Messages to deliver, one per member.</summary>
    [Params(150)]
    public int Deliveries { get; set; }

    /// <summary>A new network, file and pair of workers; the members signed in and the event enqueued (not sent).</summary>
    [IterationSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Both workers deliver until every member has the message.</summary>
    /// <returns>Deliveries the workers reported as delivered.</returns>
    [Benchmark]
    public async Task<int> Deliver_under_the_network_limit()
    {
        using var stop = new CancellationTokenSource();
        var workers = new[]
        {
            RunWorkerAsync(_workers[0], [.. _keys.Where((_, i) => i % 2 == 0)], stop.Token),
            RunWorkerAsync(_workers[1], [.. _keys.Where((_, i) => i % 2 == 1)], stop.Token),
        };
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(WindowMilliseconds * (4.0 * Deliveries / Limit + 4));
        while (Received() < Deliveries && !workers.Any(w => w.IsFaulted) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        var delivered = await Task.WhenAll(workers).ConfigureAwait(false);
        return delivered.Sum();
    }

    /// <summary>Reads the rate and the refusals back from the network, prints them, and fails the run on a second 429.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        var network = _network!;
        var inboxes = _members.Select(m => network.GetInbox(m.Subject)).ToArray();
        var refusals = network.RateLimitRefusalCount;
        foreach (var container in _containers)
        {
            container.Dispose();
        }

        _containers.Clear();
        network.Dispose();
        _network = null;
        Directory.Delete(_folder, recursive: true);

        var sent = inboxes.SelectMany(i => i).Select(m => m.SentAt).Order().ToArray();
        var span = sent.Length > 1 ? (sent[^1] - sent[0]).TotalSeconds : 0;
        var achieved = span > 0 ? (sent.Length - 1) / span : 0;
        var allowed = Limit / (WindowMilliseconds / 1000.0);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RATE-LIMIT sent={sent.Length} span={span:0.000}s achieved={achieved:0.00}/s allowed={allowed:0.00}/s ratio={achieved / allowed:0.000} refusals={refusals} refusalsAfterFirst={Math.Max(0, refusals - 1)}"));
        if (refusals > 1)
        {
            throw new InvalidOperationException($"the network refused {refusals} writes; the target is none after the first.");
        }

        if (inboxes.Any(i => i.Count != 1))
        {
            throw new InvalidOperationException($"every member should have exactly one message; counts: {string.Join(",", inboxes.Select(i => i.Count))}.");
        }
    }

    private int Received() => _members.Sum(m => _network!.GetInbox(m.Subject).Count);

    private static async Task<int> RunWorkerAsync(IEventRelay relay, string[] notified, CancellationToken stop)
    {
        var delivered = (await relay.DeliverAsync(notified).ConfigureAwait(false)).Count(r => r.Status == DeliveryStatus.Delivered);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(10, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delivered += (await relay.DeliverDueAsync().ConfigureAwait(false)).Count(r => r.Status == DeliveryStatus.Delivered);
        }

        return delivered;
    }

    private async Task SetupAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "cocreation-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        var file = $"Data Source={Path.Combine(_folder, "relay.db")}";
        var window = TimeSpan.FromMilliseconds(WindowMilliseconds);
        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { RateLimitPerWindow = Limit, RateLimitWindow = window, IdempotencyKeyLifetime = TimeSpan.FromMinutes(5) });
        var brand = _network.RegisterAccount("brand", "Brand");
        _members = [.. Enumerable.Range(0, Deliveries).Select(i => _network.RegisterAccount($"member{i:D4}", $"Member {i}", "en-US"))];

        // The rule needs the participant ids, which exist only after sign-in.
        var ids = new string[Deliveries];
        await using (var signIn = Compose(file, brand, window, rule: null, worker: "sign-in"))
        {
            var service = signIn.GetRequiredService<ISnsSignIn>();
            for (var i = 0; i < Deliveries; i++)
            {
                ids[i] = (await service.SignInAsync(Network, _members[i].Credential).ConfigureAwait(false)).ParticipantId;
            }
        }

        var rule = new RelayRule
        {
            Name = "order-ready-to-all",
            EventType = BenchmarkWorld.EventType,
            Recipients = RecipientSelector.Fixed(ids),
            Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 준비 완료.", "Order {orderId} is ready."),
        };
        _containers.Add(Compose(file, brand, window, rule, "worker-a"));
        _containers.Add(Compose(file, brand, window, rule, "worker-b"));
        _workers = [.. _containers.Select(c => c.GetRequiredService<IEventRelay>())];
        var published = await _workers[0].PublishAsync(new CoCreationEvent
        {
            Id = "evt-" + Guid.NewGuid().ToString("N"),
            Source = CoCreationEventSources.Module("benchmarks"),
            Type = BenchmarkWorld.EventType,
            Time = DateTimeOffset.UnixEpoch,
            Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.OrderId, "PO-1042"),
        }).ConfigureAwait(false);
        if (published.Deliveries.Count != Deliveries || published.Deliveries.Any(d => d.Status != DeliveryStatus.Pending))
        {
            throw new InvalidOperationException($"the event should be enqueued for {Deliveries} members, not sent.");
        }

        _keys = [.. published.Deliveries.Select(d => d.DeliveryKey)];
    }

    private ServiceProvider Compose(string file, EmbeddedSnsAccount brand, TimeSpan window, RelayRule? rule, string worker)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation(o =>
            {
                o.Relay.SendOnPublish = false;
                o.Relay.WorkerId = worker;
                o.Relay.RateLimits[Network] = new SnsRateLimit(Limit, window);
                o.Relay.MaxRateLimitWait = window;
            })
            .UseSqlite(file, SqliteDurability.SurvivesProcessCrash)
            .AddEmbeddedSns(Network, _network!, brand.Credential);
        if (rule is not null)
        {
            builder.AddRelayRule(rule);
        }

        return services.BuildServiceProvider();
    }
}
