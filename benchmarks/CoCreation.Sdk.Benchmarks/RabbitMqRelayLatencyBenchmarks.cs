using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.RabbitMQ;
using CoCreation.Sdk.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// Relay latency through the RabbitMQ transport: from publishing an event to its message being in the recipient's inbox
/// on the embedded SNS, when the publish only enqueues and notifies (<see cref="RabbitMqOutboxNotifier"/>) and a
/// <see cref="RabbitMqRelayWorker"/> on a second relay over the same SQLite file sends it, woken by the notice. The same
/// set-up as <see cref="RelayLatencyBenchmarks"/> (one event to one member, one invocation per iteration).
/// </summary>
/// <remarks>
/// The worker's sweep is set to ten minutes, so every message goes through a notice. Needs the RabbitMQ peer:
/// <c>COCREATION_RABBITMQ_URI</c> as <c>eng/peers/rabbitmq/up.sh</c> writes it.
/// </remarks>
[Config(typeof(Percentiles))]
public class RabbitMqRelayLatencyBenchmarks
{
    private string _folder = "";
    private string _suffix = "";
    private EmbeddedSnsNetwork _network = null!;
    private EmbeddedSnsAccount _member = null!;
    private ServiceProvider _publisher = null!;
    private ServiceProvider _worker = null!;
    private IEventRelay _publisherRelay = null!;
    private IHostedService[] _hosted = [];
    private string _participant = "";
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var uri = Environment.GetEnvironmentVariable("COCREATION_RABBITMQ_URI")
            ?? throw new InvalidOperationException("Set COCREATION_RABBITMQ_URI (start the peer with eng/peers/rabbitmq/up.sh and load rabbitmq.env).");
        _folder = Path.Combine(Path.GetTempPath(), "cocreation-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _suffix = Guid.NewGuid().ToString("N")[..8];
        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMinutes(10) });
        var brand = _network.RegisterAccount("brand", "Brand");
        _member = _network.RegisterAccount("member", "Member", "en-US");

        var file = Path.Combine(_folder, "queue.db");
        _publisher = Compose(file, brand, new Uri(uri), runWorker: false, "publisher");
        _worker = Compose(file, brand, new Uri(uri), runWorker: true, "worker");
        _participant = _publisher.GetRequiredService<ISnsSignIn>().SignInAsync(BenchmarkWorld.Network, _member.Credential).GetAwaiter().GetResult().ParticipantId;
        _publisherRelay = _publisher.GetRequiredService<IEventRelay>();

        _hosted = [.. _worker.GetServices<IHostedService>()];
        foreach (var hosted in _hosted)
        {
            hosted.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        // The worker consumes before the first measured event, so no invocation waits for its connection.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_network.GetInbox(_member.Subject).Count == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException("the worker did not deliver a first message within 30 s.");
            }

            _publisherRelay.PublishAsync(NewEvent()).GetAwaiter().GetResult();
            Thread.Sleep(500);
        }
    }

    [Benchmark]
    public async Task Publish_then_RabbitMQ_worker()
    {
        var before = _network.GetInbox(_member.Subject).Count;
        await _publisherRelay.PublishAsync(NewEvent()).ConfigureAwait(false);
        await BenchmarkWorld.WaitForInboxAsync(_network, _member.Subject, before).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var hosted in _hosted)
        {
            hosted.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        }

        _publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _network.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CoCreationEvent NewEvent() => new()
    {
        Id = "rabbit-latency-" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Source = CoCreationEventSources.Module("benchmarks"),
        Type = BenchmarkWorld.EventType,
        Time = DateTimeOffset.UnixEpoch,
        Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.ParticipantId, _participant).Add(CoCreationEventData.OrderId, "PO-1"),
    };

    private ServiceProvider Compose(string file, EmbeddedSnsAccount brand, Uri uri, bool runWorker, string workerId)
    {
        var services = new ServiceCollection();
        services.AddCoCreation(o => o.Relay.WorkerId = workerId)
            .UseSqlite($"Data Source={file}", SqliteDurability.SurvivesProcessCrash)
            .AddEmbeddedSns(BenchmarkWorld.Network, _network, brand.Credential)
            .AddRelayRule(new RelayRule
            {
                Name = "latency",
                EventType = BenchmarkWorld.EventType,
                Recipients = RecipientSelector.SubjectParticipant,
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 준비 완료.", "Order {orderId} is ready."),
            })
            .UseRabbitMqRelay(uri, o =>
            {
                o.Queue = "bench.deliveries." + _suffix;
                o.Exchange = "bench.relay." + _suffix;
                o.RunWorker = runWorker;
                o.SweepInterval = TimeSpan.FromMinutes(10);
            });
        return services.BuildServiceProvider();
    }

    /// <summary>As <see cref="RelayLatencyBenchmarks"/>: one invocation per iteration, 200 iterations, outliers kept.</summary>
    private sealed class Percentiles : ManualConfig
    {
        public Percentiles()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(200).WithInvocationCount(1).WithUnrollFactor(1).WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(StatisticColumn.P50, new PercentileColumn(99));
        }
    }
}
