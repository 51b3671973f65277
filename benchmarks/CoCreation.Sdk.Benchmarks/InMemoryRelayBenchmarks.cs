using System.Globalization;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// The in-memory relay (in-memory store, embedded SNS) against a <see cref="Channel{T}"/> that only passes the
/// deliveries through, and against the same channel followed by the direct sends: a hand-rolled queue-and-send
/// relay with no outbox, de-duplication or routing.
/// </summary>
/// <remarks>
/// One invocation is one event to <see cref="Recipients"/> members. The world is rebuilt before every iteration so
/// that the outbox and the network's tables stay small (see <see cref="RelayFanOutBenchmarks"/> for why).
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 4, iterationCount: 8)]
[InvocationCount(InvocationsPerIteration)]
public class InMemoryRelayBenchmarks
{
    /// <summary>Events per iteration.</summary>
    public const int InvocationsPerIteration = 1024;

    private BenchmarkWorld? _world;
    private Channel<Delivery> _channel = null!;
    private ISnsConnector _connector = null!;
    private long _sequence;
    private long _directBatches;

    /// <summary>Members each event goes to.</summary>
    [Params(10)]
    public int Recipients { get; set; }

    /// <summary>A new network, in-memory store, members and relay; an unbounded single-reader channel.</summary>
    [IterationSetup]
    public void Setup()
    {
        _world = BenchmarkWorld.CreateAsync(Recipients, () => new InMemoryCoCreationStore()).GetAwaiter().GetResult();
        _connector = _world.Connector;
        _directBatches = 0;
        _channel = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    }

    /// <summary>Checks that every relayed event reached every member once.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        _world?.ExpectEveryMemberReceivedEveryEvent(_directBatches);
        _world?.Dispose();
        _world = null;
    }

    /// <summary>The event's deliveries written to a channel and read back: the hand-off alone.</summary>
    /// <returns>Deliveries passed through.</returns>
    [Benchmark(Baseline = true)]
    public async Task<int> Channel_pass_through()
    {
        var batch = ++_sequence;
        for (var i = 0; i < Recipients; i++)
        {
            await _channel.Writer.WriteAsync(new Delivery(batch, i), CancellationToken.None).ConfigureAwait(false);
        }

        var passed = 0;
        while (passed < Recipients && _channel.Reader.TryRead(out _))
        {
            passed++;
        }

        return passed;
    }

    /// <summary>The same hand-off, then each delivery sent as a direct message with its own idempotency key.</summary>
    /// <returns>Messages sent.</returns>
    [Benchmark]
    public async Task<int> Channel_then_direct_send()
    {
        var batch = ++_sequence;
        _directBatches++;
        for (var i = 0; i < Recipients; i++)
        {
            await _channel.Writer.WriteAsync(new Delivery(batch, i), CancellationToken.None).ConfigureAwait(false);
        }

        var sent = 0;
        while (sent < Recipients && _channel.Reader.TryRead(out var delivery))
        {
            var member = _world!.Members[delivery.Recipient];
            await _connector.SendDirectMessageAsync(
                new DirectMessageRequest
                {
                    RecipientSubject = member.Subject,
                    RecipientHandle = member.Handle,
                    Text = BenchmarkWorld.RenderedText,
                    IdempotencyKey = string.Concat("direct-", delivery.Batch.ToString(CultureInfo.InvariantCulture), "-", delivery.Recipient.ToString(CultureInfo.InvariantCulture)),
                },
                CancellationToken.None).ConfigureAwait(false);
            sent++;
        }

        return sent;
    }

    /// <summary>One new event through the in-memory relay.</summary>
    /// <returns>Deliveries reported.</returns>
    [Benchmark]
    public async Task<int> Relay_publish_in_memory()
    {
        var result = await _world!.Relay.PublishAsync(_world.NewEvent(), CancellationToken.None).ConfigureAwait(false);
        return result.Deliveries.Count;
    }

    private readonly record struct Delivery(long Batch, int Recipient);
}
