using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>
/// Several application processes in one test: they share one store (the outbox) and one embedded SNS network (the
/// recipients' side), and each has its own container, relay, RabbitMQ connections and worker id. Events name their
/// recipients; each message text carries its event id, so the test reads back from the network who got what.
/// </summary>
internal sealed partial class RelayWorld : IAsyncDisposable
{
    public const string Network = "social";
    private const string EventType = "test.rabbit.notice";

    private readonly List<ServiceProvider> _nodes = [];
    private readonly List<IHostedService> _started = [];
    private readonly string[] _participants;
    private readonly string[] _subjects;

    private RelayWorld(string[] participants, string[] subjects, EmbeddedSnsNetwork network, EmbeddedSnsAccount brand, InMemoryCoCreationStore store, string queue, string exchange)
    {
        _participants = participants;
        _subjects = subjects;
        SnsNetwork = network;
        Brand = brand;
        Store = store;
        Queue = queue;
        Exchange = exchange;
    }

    public EmbeddedSnsNetwork SnsNetwork { get; }

    public EmbeddedSnsAccount Brand { get; }

    public InMemoryCoCreationStore Store { get; }

    /// <summary>This test's own queue and exchange, deleted when the world is disposed.</summary>
    public string Queue { get; }

    public string Exchange { get; }

    public int Recipients => _participants.Length;

    /// <summary>Log lines of every node, to check what was logged (and that no password was).</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>A world with <paramref name="recipients"/> people signed in over the network.</summary>
    public static async Task<RelayWorld> CreateAsync(int recipients)
    {
        var network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromDays(1) });
        var brand = network.RegisterAccount("brand", "Brand");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var participants = new string[recipients];
        var subjects = new string[recipients];
        var world = new RelayWorld(participants, subjects, network, brand, new InMemoryCoCreationStore(), "test.deliveries." + suffix, "test.relay." + suffix);

        // Signing in needs no transport: a plain node on the shared store.
        await using var signInNode = world.BuildProvider(null, "sign-in");
        var signIn = signInNode.GetRequiredService<ISnsSignIn>();
        for (var i = 0; i < recipients; i++)
        {
            var account = network.RegisterAccount("member" + i.ToString(CultureInfo.InvariantCulture), locale: "en-US");
            subjects[i] = account.Subject;
            participants[i] = (await signIn.SignInAsync(Network, account.Credential)).ParticipantId;
        }

        return world;
    }

    /// <summary>A process that publishes and tells the broker (no worker).</summary>
    public IEventRelay Publisher(Action<RabbitMqRelayOptions>? configure = null, string workerId = "publisher")
        => Node(o =>
        {
            o.RunWorker = false;
            configure?.Invoke(o);
        }, workerId).GetRequiredService<IEventRelay>();

    /// <summary>A worker process, started (its hosted services run) before this returns.</summary>
    public async Task<RabbitMqRelayWorker> StartWorkerAsync(string workerId, Action<RabbitMqRelayOptions>? configure = null)
    {
        var provider = Node(configure, workerId);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            _started.Add(hosted);
        }

        return provider.GetRequiredService<RabbitMqRelayWorker>();
    }

    public Task<RelayResult> PublishAsync(IEventRelay relay, int n) => relay.PublishAsync(new CoCreationEvent
    {
        Id = EventId(n),
        Source = new Uri("urn:cocreation:test:rabbitmq"),
        Type = EventType,
        Time = DateTimeOffset.UnixEpoch.AddSeconds(n),
        Subject = "notice/" + n.ToString(CultureInfo.InvariantCulture),
        Data = ImmutableDictionary<string, string>.Empty
            .Add("recipients", string.Join(',', _participants))
            .Add("eventId", EventId(n)),
    });

    public static string EventId(int n) => "evt-" + n.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>How often each recipient received each event, read from the recipients' inboxes on the network.</summary>
    public Dictionary<(int Recipient, string EventId), int> Received()
    {
        var received = new Dictionary<(int, string), int>();
        for (var i = 0; i < _subjects.Length; i++)
        {
            foreach (var message in SnsNetwork.GetInbox(_subjects[i]))
            {
                var id = EventIdPattern().Match(message.Text) is { Success: true } m ? m.Groups[1].Value : "?";
                received[(i, id)] = received.GetValueOrDefault((i, id)) + 1;
            }
        }

        return received;
    }

    /// <summary>Waits until every recipient holds each of the events at least once, or the time is up.</summary>
    public async Task<bool> WaitForAsync(IEnumerable<int> events, TimeSpan limit)
    {
        var expected = events.SelectMany(n => Enumerable.Range(0, Recipients).Select(r => (r, EventId(n)))).ToArray();
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            var received = Received();
            if (expected.All(received.ContainsKey))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _started)
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        SnsNetwork.Dispose();
        try
        {
            await RabbitPeer.DeleteAsync(Queue, Exchange);
        }
#pragma warning disable CA1031 // Clean-up only; the broker may be gone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private ServiceProvider Node(Action<RabbitMqRelayOptions>? configure, string workerId)
    {
        var provider = BuildProvider(o =>
        {
            o.Uri = RabbitPeer.Uri;
            o.Queue = Queue;
            o.Exchange = Exchange;
            o.RetryDelay = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }, workerId);
        _nodes.Add(provider);
        return provider;
    }

    private ServiceProvider BuildProvider(Action<RabbitMqRelayOptions>? transport, string workerId)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(Logs, workerId)));
        var builder = services.AddCoCreation(o =>
            {
                o.DefaultLocale = "en-US";
                o.Relay.DefaultLocale = "en-US";
                o.Relay.WorkerId = workerId;
                o.Relay.BaseDelay = TimeSpan.FromMilliseconds(10);
                o.Relay.MaxDelay = TimeSpan.FromMilliseconds(50);
            })
            .UseStore(_ => Store)
            .AddEmbeddedSns(Network, SnsNetwork, Brand.Credential)
            .AddRelayRule(new RelayRule
            {
                Name = "rabbit-fan-out",
                EventType = EventType,
                Recipients = new RecipientSelector((e, _, _) => Task.FromResult<IReadOnlyList<string>>(e.GetData("recipients")?.Split(',') ?? [])),
                Template = MessageTemplate.KoreanAndEnglish("[{eventId}] 알림", "[{eventId}] notice"),
            });
        if (transport is not null)
        {
            builder.UseRabbitMqRelay(transport);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    [GeneratedRegex(@"\[(evt-\d{4})\]")]
    private static partial Regex EventIdPattern();
}
