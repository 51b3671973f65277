using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// Relay latency: from publishing an event to its message being in the recipient's inbox on the embedded SNS, one event
/// to one member per invocation, on a SQLite store (<see cref="SqliteDurability.SurvivesProcessCrash"/>). Every invocation
/// is its own iteration, so the percentiles are over single events.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>Direct_send</c> (baseline): the message sent by hand through the same connector.</item>
/// <item><c>Publish_sends_at_once</c>: <see cref="IEventRelay.PublishAsync"/> with <see cref="RelayOptions.SendOnPublish"/>
/// on; the message is in the inbox when the call returns.</item>
/// <item><c>Publish_then_worker</c>: the publish only enqueues; a worker (a loop of
/// <see cref="IEventRelay.DeliverDueAsync"/> on a second relay over the same file, pausing 5 ms whenever it finds nothing
/// due) sends it, and the invocation waits until the message is in the inbox.</item>
/// </list>
/// </remarks>
[Config(typeof(Percentiles))]
public class RelayLatencyBenchmarks
{
    private const string EventType = BenchmarkWorld.EventType;

    private string _folder = "";
    private EmbeddedSnsNetwork _network = null!;
    private EmbeddedSnsAccount _member = null!;
    private ServiceProvider _inline = null!;
    private ServiceProvider _publisher = null!;
    private ServiceProvider _worker = null!;
    private CancellationTokenSource _stop = null!;
    private Task _workerLoop = Task.CompletedTask;
    private IEventRelay _inlineRelay = null!;
    private IEventRelay _publisherRelay = null!;
    private Sns.ISnsConnector _connector = null!;
    private string _participantInline = "";
    private string _participantQueued = "";
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "cocreation-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMinutes(10) });
        var brand = _network.RegisterAccount("brand", "Brand");
        _member = _network.RegisterAccount("member", "Member", "en-US");

        var inlineFile = Path.Combine(_folder, "inline.db");
        var queueFile = Path.Combine(_folder, "queue.db");
        _inline = Compose(inlineFile, brand, sendOnPublish: true, "inline");
        _publisher = Compose(queueFile, brand, sendOnPublish: false, "publisher");
        _worker = Compose(queueFile, brand, sendOnPublish: false, "worker");
        // Two files, the member signed in on each: the rule takes the participant id from the event.
        var participant = _inline.GetRequiredService<ISnsSignIn>().SignInAsync(BenchmarkWorld.Network, _member.Credential).GetAwaiter().GetResult().ParticipantId;
        var queued = _publisher.GetRequiredService<ISnsSignIn>().SignInAsync(BenchmarkWorld.Network, _member.Credential).GetAwaiter().GetResult().ParticipantId;

        _inlineRelay = _inline.GetRequiredService<IEventRelay>();
        _publisherRelay = _publisher.GetRequiredService<IEventRelay>();
        _connector = _inline.GetRequiredService<ICoCreationProviders>().GetSns(BenchmarkWorld.Network);
        _participantInline = participant;
        _participantQueued = queued;

        var workerRelay = _worker.GetRequiredService<IEventRelay>();
        _stop = new CancellationTokenSource();
        _workerLoop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                if ((await workerRelay.DeliverDueAsync(_stop.Token).ConfigureAwait(false)).Count == 0)
                {
                    await Task.Delay(5, _stop.Token).ConfigureAwait(false);
                }
            }
        });
    }

    [Benchmark(Baseline = true)]
    public Task Direct_send()
    {
        return _connector.SendDirectMessageAsync(new Sns.DirectMessageRequest
        {
            RecipientSubject = _member.Subject,
            Text = "Order is ready.",
            IdempotencyKey = "hand-" + Guid.NewGuid().ToString("N"),
        });
    }

    [Benchmark]
    public async Task Publish_sends_at_once()
    {
        var before = _network.GetInbox(_member.Subject).Count;
        await _inlineRelay.PublishAsync(NewEvent(_participantInline)).ConfigureAwait(false);
        if (_network.GetInbox(_member.Subject).Count != before + 1)
        {
            throw new InvalidOperationException("the message is not in the inbox when the publish returns.");
        }
    }

    [Benchmark]
    public async Task Publish_then_worker()
    {
        var before = _network.GetInbox(_member.Subject).Count;
        await _publisherRelay.PublishAsync(NewEvent(_participantQueued)).ConfigureAwait(false);
        await BenchmarkWorld.WaitForInboxAsync(_network, _member.Subject, before).ConfigureAwait(false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        try
        {
            _workerLoop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _inline.Dispose();
        _publisher.Dispose();
        _worker.Dispose();
        _network.Dispose();
        _stop.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private CoCreationEvent NewEvent(string participant) => new()
    {
        Id = "latency-" + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Source = CoCreationEventSources.Module("benchmarks"),
        Type = EventType,
        Time = DateTimeOffset.UnixEpoch,
        Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.ParticipantId, participant).Add(CoCreationEventData.OrderId, "PO-1"),
    };

    private ServiceProvider Compose(string file, EmbeddedSnsAccount brand, bool sendOnPublish, string workerId)
    {
        var services = new ServiceCollection();
        services.AddCoCreation(o =>
            {
                o.Relay.SendOnPublish = sendOnPublish;
                o.Relay.WorkerId = workerId;
            })
            .UseSqlite($"Data Source={file}", SqliteDurability.SurvivesProcessCrash)
            .AddEmbeddedSns(BenchmarkWorld.Network, _network, brand.Credential)
            .AddRelayRule(new RelayRule
            {
                Name = "latency",
                EventType = EventType,
                Recipients = RecipientSelector.SubjectParticipant,
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 준비 완료.", "Order {orderId} is ready."),
            });
        return services.BuildServiceProvider();
    }

    /// <summary>One invocation per iteration, 200 iterations, and the median and 99th percentile beside the mean.</summary>
    private sealed class Percentiles : ManualConfig
    {
        public Percentiles()
        {
            // Outliers are kept: the slow events are what the 99th percentile is about.
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(20).WithIterationCount(200).WithInvocationCount(1).WithUnrollFactor(1).WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(StatisticColumn.P50, new PercentileColumn(99));
        }
    }
}
