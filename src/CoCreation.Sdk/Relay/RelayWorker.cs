using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk;

internal sealed record RelayWorkerSettings(TimeSpan Interval);

/// <summary>Runs expiry, source polling, due deliveries and modules' scheduled work on the clock until the host stops.</summary>
internal sealed class RelayWorker : BackgroundService
{
    private readonly IAccessGrants _grants;
    private readonly IEventRelay _relay;
    private readonly TimeProvider _time;
    private readonly RelayWorkerSettings _settings;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ICoCreationScheduledWork> _scheduled;

    public RelayWorker(IAccessGrants grants, IEventRelay relay, TimeProvider time, RelayWorkerSettings settings, IEnumerable<ICoCreationScheduledWork> scheduled, ILogger<RelayWorker>? logger = null)
    {
        _scheduled = scheduled.ToList();
        _grants = grants;
        _relay = relay;
        _time = time;
        _settings = settings;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.WorkerStarted(_logger, _settings.Interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(_settings.Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // Each step runs even when an earlier one failed: an unreachable ERP must not stop retries to SNS.
        await StepAsync(ct => _grants.EnforceExpiryAsync(ct), cancellationToken).ConfigureAwait(false);
        await StepAsync(ct => _relay.PollSourcesAsync(ct), cancellationToken).ConfigureAwait(false);
        await StepAsync(ct => _relay.DeliverDueAsync(ct), cancellationToken).ConfigureAwait(false);
        foreach (var work in _scheduled)
        {
            await StepAsync(work.RunDueAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StepAsync(Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; the loop ends.
        }
#pragma warning disable CA1031 // The worker must outlive any failure of one cycle.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.WorkerCycleFailed(_logger, ex);
        }
    }
}
