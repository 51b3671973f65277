using System.Collections.Immutable;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.PostgreSql;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// Relay workers draining one PostgreSQL outbox: 1, 2 and 3 workers, each with its own store instance (connection pool)
/// and relay, as separate processes would have, claiming under leases and sending to an embedded SNS.
/// </summary>
/// <remarks>
/// <para>
/// Each iteration enqueues <see cref="Deliveries"/> pending deliveries to 100 members in a new schema (not measured);
/// one invocation runs the workers at once, each calling <see cref="IEventRelay.DeliverDueAsync"/> until it finds nothing
/// due, and ends when all have. The cleanup checks that every delivery is stored as delivered and that the members'
/// inboxes grew by exactly as many messages, so the run fails instead of timing a no-op.
/// </para>
/// <para>
/// <see cref="SnsLatencyMs"/> 0 is the embedded network as it is (in memory): the figure is then the SDK and the
/// database. 5 makes every send wait 5 ms first, a stand-in for a provider's API round trip, where more workers have
/// more sends in flight. Needs the PostgreSQL peer: <c>COCREATION_POSTGRES_CONNECTION</c> as
/// <c>eng/peers/postgres/up.sh</c> writes it.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class RelayWorkersBenchmarks
{
    private const int Members = 100;
    private const int MaxWorkers = 3;
    private const string RuleName = "bench-workers";

    private readonly List<ServiceProvider> _workers = [];
    private readonly List<IEventRelay> _relays = [];
    private string _admin = "";
    private string _schema = "";
    private EmbeddedSnsNetwork _network = null!;
    private EmbeddedSnsAccount[] _accounts = [];
    private PostgreSqlCoCreationStore _seeder = null!;
    private long _iteration;
    private int _inboxBefore;

    /// <summary>Deliveries per iteration.</summary>
    [Params(1200)]
    public int Deliveries { get; set; }

    /// <summary>How long each send waits before the embedded network takes it, in milliseconds.</summary>
    [Params(0, 5)]
    public int SnsLatencyMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _admin = Environment.GetEnvironmentVariable("COCREATION_POSTGRES_CONNECTION")
            ?? throw new InvalidOperationException("Set COCREATION_POSTGRES_CONNECTION (start the peer with eng/peers/postgres/up.sh and load postgres.env).");
        _schema = "bench_" + Guid.NewGuid().ToString("N");
        Execute($"CREATE SCHEMA {_schema}");
        var connection = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema, MaxPoolSize = 20 }.ConnectionString;

        _network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMinutes(10) });
        var brand = _network.RegisterAccount("brand", "Brand");
        _accounts = [.. Enumerable.Range(0, Members).Select(i => _network.RegisterAccount($"member{i:D3}", locale: "en-US"))];
        _seeder = new PostgreSqlCoCreationStore(connection);
        var people = new StoreChanges();
        for (var i = 0; i < Members; i++)
        {
            people.PutParticipant(
                new Participant
                {
                    Id = Member(i),
                    DisplayName = _accounts[i].Handle,
                    CreatedAt = DateTimeOffset.UnixEpoch,
                    PreferredLocale = "en-US",
                    SnsLinks = [new SnsLink(BenchmarkWorld.Network, _accounts[i].Subject, _accounts[i].Handle, DateTimeOffset.UnixEpoch)],
                },
                null);
        }

        _seeder.ApplyAsync(people).GetAwaiter().GetResult();
        var rule = new RelayRule
        {
            Name = RuleName,
            EventType = BenchmarkWorld.EventType,
            Recipients = RecipientSelector.SubjectParticipant,
            Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 준비 완료.", "Order {orderId} is ready."),
        };
        var latency = TimeSpan.FromMilliseconds(SnsLatencyMs);
        for (var w = 0; w < MaxWorkers; w++)
        {
            var services = new ServiceCollection();
            services.AddCoCreation(o =>
                {
                    o.Relay.WorkerId = "bench-worker-" + w.ToString(CultureInfo.InvariantCulture);
                    o.Relay.SendOnPublish = false;
                })
                .UsePostgreSql(connection)
                .AddSnsConnector(BenchmarkWorld.Network, _ => new SlowConnector(_network.CreateConnector(BenchmarkWorld.Network, brand.Credential), latency))
                .AddRelayRule(rule);
            var provider = services.BuildServiceProvider();
            _workers.Add(provider);
            _relays.Add(provider.GetRequiredService<IEventRelay>());
        }
    }

    [IterationSetup]
    public void Enqueue()
    {
        var iteration = Interlocked.Increment(ref _iteration);
        var now = DateTimeOffset.UtcNow;
        var changes = new StoreChanges();
        for (var i = 0; i < Deliveries; i++)
        {
            var order = string.Create(CultureInfo.InvariantCulture, $"{iteration}-{i}");
            var member = Member(i % Members);
            changes.PutOutbox(new OutboxMessage
            {
                DeliveryKey = "bench-" + order,
                Event = new CoCreationEvent
                {
                    Id = "order-" + order,
                    Source = CoCreationEventSources.Module("benchmarks"),
                    Type = BenchmarkWorld.EventType,
                    Time = now,
                    Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.OrderId, order).Add(CoCreationEventData.ParticipantId, member),
                },
                RuleName = RuleName,
                RecipientId = member,
                Channel = RelayChannel.DirectMessage,
                Status = DeliveryStatus.Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            });
        }

        _seeder.ApplyAsync(changes).GetAwaiter().GetResult();
        _inboxBefore = InboxTotal();
    }

    [Benchmark(Baseline = true)]
    public Task One_worker() => DrainAsync(1);

    [Benchmark]
    public Task Two_workers() => DrainAsync(2);

    [Benchmark]
    public Task Three_workers() => DrainAsync(3);

    [IterationCleanup]
    public void Check()
    {
        var pending = Scalar("SELECT count(*) FROM outbox WHERE status <> 'Delivered'");
        var received = InboxTotal() - _inboxBefore;
        if (pending != 0 || received != Deliveries)
        {
            throw new InvalidOperationException($"after the drain {pending} deliveries are not delivered and the inboxes grew by {received}, not {Deliveries}.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _workers.Clear();
        _relays.Clear();
        _seeder.Dispose();
        _network.Dispose();
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private static string Member(int i) => "member-" + i.ToString("D3", CultureInfo.InvariantCulture);

    private Task DrainAsync(int workers)
        => Task.WhenAll(_relays.Take(workers).Select(relay => Task.Run(async () =>
        {
            while ((await relay.DeliverDueAsync().ConfigureAwait(false)).Count > 0)
            {
            }
        })));

    private int InboxTotal() => _accounts.Sum(a => _network.GetInbox(a.Subject).Count);

    private long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The embedded connector, with a wait before each direct message: a provider's round trip.</summary>
    private sealed class SlowConnector(ISnsConnector inner, TimeSpan latency) : SnsConnectorBase
    {
        public override SnsConnectorMetadata Metadata => inner.Metadata;

        public override SnsCapabilities Capabilities => inner.Capabilities;

        protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
            => inner.VerifyCredentialsAsync(credential, cancellationToken);

        protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
            => inner.PublishAsync(request, cancellationToken);

        protected override async Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
        {
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
            }

            return await inner.SendDirectMessageAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
