using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

/// <summary>The scheduler's period, and whether it only delivers (a relay worker process).</summary>
/// <param name="Interval">The default period.</param>
/// <param name="DeliveryOnly">Whether due deliveries are its only item, run until none is left each time.</param>
internal sealed record SchedulerSettings(TimeSpan Interval, bool DeliveryOnly = false);

/// <summary>
/// The SDK's one clock: a hosted service that runs all periodic work on the registered <see cref="TimeProvider"/> —
/// grant expiry, polling every event source, due deliveries, then every <see cref="ICoCreationScheduledWork"/> on its
/// own period. No adapter or module starts a timer of its own.
/// </summary>
/// <remarks>
/// Work due at the same moment runs in registration order, one item after the other, so an item never overlaps itself.
/// A failing item is logged and runs again on its next period; the others run regardless. Runs missed while an item
/// took long are not made up: the next run is one period after the last due time that was still ahead.
/// </remarks>
internal sealed class CoCreationScheduler : BackgroundService
{
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Entry[] _entries;
    private bool _started;

    public CoCreationScheduler(IAccessGrants grants, IEventRelay relay, TimeProvider time, SchedulerSettings settings, IEnumerable<ICoCreationScheduledWork> scheduled, ILogger<CoCreationScheduler>? logger = null)
    {
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Interval = settings.Interval;
        if (settings.DeliveryOnly)
        {
            // A relay worker process: it neither polls sources nor runs module work (one process does), and it goes on
            // claiming while deliveries are due, so a backlog does not wait a period per batch.
            _entries = [new("relay.delivery", Interval, async ct =>
            {
                while ((await relay.DeliverDueAsync(ct).ConfigureAwait(false)).Count > 0)
                {
                }
            })];
            return;
        }

        var entries = new List<Entry>
        {
            new("grants.expiry", Interval, ct => grants.EnforceExpiryAsync(ct)),
            new("relay.sources", Interval, ct => relay.PollSourcesAsync(ct)),
            new("relay.delivery", Interval, ct => relay.DeliverDueAsync(ct)),
        };
        foreach (var work in scheduled)
        {
            var period = work.Period ?? Interval;
            if (period <= TimeSpan.Zero)
            {
                throw new CoCreationValidationException($"{work.GetType().Name}.Period", $"must be longer than zero (was {period}).");
            }

            entries.Add(new(work.GetType().Name, period, work.RunDueAsync));
        }

        _entries = [.. entries];
    }

    /// <summary>The default period, for the built-in steps and work without a period of its own.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The work items and their periods, in the order they run.</summary>
    internal IReadOnlyList<(string Name, TimeSpan Period)> Items => [.. _entries.Select(e => (e.Name, e.Period))];

    /// <summary>Runs every item that is due on the clock, in order; the first call finds them all due.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>How long until the next item is due.</returns>
    internal async Task<TimeSpan> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!_started)
        {
            _started = true;
            foreach (var entry in _entries)
            {
                entry.NextDue = now;
            }
        }

        foreach (var entry in _entries)
        {
            if (entry.NextDue > now)
            {
                continue;
            }

            await RunAsync(entry, cancellationToken).ConfigureAwait(false);
            entry.NextDue += entry.Period;
            if (entry.NextDue <= now)
            {
                entry.NextDue = now + entry.Period;
            }
        }

        var wait = _entries.Min(e => e.NextDue) - _time.GetUtcNow();
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Diagnostics.Log.WorkerStarted(_logger, Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = await RunDueAsync(stoppingToken).ConfigureAwait(false);
            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            try
            {
                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunAsync(Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            await entry.Run(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the loop ends.
        }
#pragma warning disable CA1031 // The scheduler must outlive any failure of one item.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PipelineLog.WorkFailed(_logger, ex, entry.Name);
        }
    }

    private sealed class Entry(string name, TimeSpan period, Func<CancellationToken, Task> run)
    {
        public string Name { get; } = name;

        public TimeSpan Period { get; } = period;

        public Func<CancellationToken, Task> Run { get; } = run;

        public DateTimeOffset NextDue { get; set; }
    }
}

/// <summary>Log messages of the event pipeline and the scheduler.</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "Scheduled work {Work} failed; it runs again on its next period.")]
    public static partial void WorkFailed(ILogger logger, Exception exception, string work);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Webhook receiver {Receiver} asked to poll {Source}, which is not a registered event source.")]
    public static partial void NoSuchSource(ILogger logger, string receiver, string source);
}
