namespace CoCreation.Sdk.Tests;

/// <summary>
/// Polls of one source do not overlap: webhook notifications arriving together each ask for a poll, and two polls
/// reading from the same stored cursor would hand the same events to consumers twice.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ConcurrentPollTests
{
    [Test]
    public async Task Overlapping_polls_of_a_source_give_each_event_to_consumers_once()
    {
        var source = new SlowSource();
        var consumer = new CountingConsumer();
        await using var h = new SdkHarness(build: b => b.AddEventSource(_ => source).AddEventConsumer(_ => consumer));

        var polls = Enumerable.Range(0, 6).Select(_ => Task.Run(() => h.Relay.PollSourcesAsync())).ToArray();
        await Task.WhenAll(polls);

        Assert.That(consumer.Seen.OrderBy(id => id), Is.EqualTo(new[] { "e1", "e2", "e3" }), "each event once");
        Assert.That(source.MaxConcurrentReads, Is.EqualTo(1), "one read of the source at a time");
        Assert.That(await h.Store.GetCursorAsync(source.Name), Is.EqualTo("3"));
    }

    private sealed class SlowSource : IEventSource
    {
        private int _reading;

        public string Name => "slow";

        public int MaxConcurrentReads { get; private set; }

        public async Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _reading);
            lock (this)
            {
                MaxConcurrentReads = Math.Max(MaxConcurrentReads, now);
            }

            try
            {
                await Task.Delay(50, cancellationToken);
                var from = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
                var events = Enumerable.Range(from + 1, Math.Max(0, 3 - from)).Select(i => new CoCreationEvent
                {
                    Id = "e" + i,
                    Source = new Uri("urn:test:slow"),
                    Type = "com.test.slow",
                    Time = DateTimeOffset.UnixEpoch.AddMinutes(i),
                }).ToList();
                return new EventSourcePage(events, "3", false);
            }
            finally
            {
                Interlocked.Decrement(ref _reading);
            }
        }
    }

    private sealed class CountingConsumer : IEventConsumer
    {
        private readonly List<string> _seen = [];

        public IReadOnlyList<string> Seen
        {
            get
            {
                lock (_seen)
                {
                    return [.. _seen];
                }
            }
        }

        public bool Accepts(CoCreationEvent @event) => @event.Type == "com.test.slow";

        public Task ConsumeAsync(CoCreationEvent @event, CancellationToken cancellationToken = default)
        {
            lock (_seen)
            {
                _seen.Add(@event.Id);
            }

            return Task.CompletedTask;
        }
    }
}
