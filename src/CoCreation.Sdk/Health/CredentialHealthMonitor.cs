using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Health;

/// <summary>
/// Records what adapters report and hands each move to <see cref="CredentialState.NeedsReauth"/> to the registered
/// <see cref="ICredentialHealthObserver"/>s once: the decision is taken under a lock, the observers run outside it.
/// </summary>
/// <remarks>
/// Adapters report a healthy credential on every accepted call, so that report is a lock-free lookup when nothing
/// changes; only a change of state takes the lock.
/// </remarks>
internal sealed class CredentialHealthMonitor : ICredentialHealth, ICredentialHealthReporter
{
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<(string Provider, string Account), CredentialHealthRecord> records = new();
    private readonly IServiceProvider services;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private IReadOnlyList<ICredentialHealthObserver>? observers;

    public CredentialHealthMonitor(IServiceProvider services, TimeProvider time, ILogger<CredentialHealthMonitor>? logger = null)
    {
        this.services = services;
        this.time = time;
        this.logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public IReadOnlyList<CredentialHealthRecord> GetAll()
    {
        return records.Values
            .OrderBy(r => r.Credential.Provider, StringComparer.Ordinal)
            .ThenBy(r => r.Credential.Account, StringComparer.Ordinal)
            .ToArray();
    }

    public CredentialHealthRecord? Find(string provider, string account)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(account);
        return records.TryGetValue((provider, account), out var record) ? record : null;
    }

    public IReadOnlyList<CredentialHealthRecord> GetNeedingReauth() => GetAll().Where(r => r.State == CredentialState.NeedsReauth).ToArray();

    public Task ReportHealthyAsync(CredentialRef credential, CancellationToken cancellationToken = default)
    {
        Check(credential);
        var key = (credential.Provider, credential.Account);
        if (records.TryGetValue(key, out var known) && known.State == CredentialState.Healthy)
        {
            return Task.CompletedTask;
        }

        bool recovered;
        lock (gate)
        {
            var previous = records.GetValueOrDefault(key);
            if (previous?.State == CredentialState.Healthy)
            {
                return Task.CompletedTask;
            }

            recovered = previous?.State == CredentialState.NeedsReauth;
            records[key] = new CredentialHealthRecord { Credential = credential, State = CredentialState.Healthy, Since = time.GetUtcNow() };
        }

        if (recovered)
        {
            HealthLog.Recovered(logger, credential);
        }

        return Task.CompletedTask;
    }

    public async Task ReportNeedsReauthAsync(CredentialRef credential, string reason, CancellationToken cancellationToken = default)
    {
        Check(credential);
        CoCreationGuard.NotBlank(reason, nameof(reason));
        var key = (credential.Provider, credential.Account);
        CredentialNeedsReauthEvent transition;
        lock (gate)
        {
            if (records.GetValueOrDefault(key)?.State == CredentialState.NeedsReauth)
            {
                return;
            }

            var now = time.GetUtcNow();
            records[key] = new CredentialHealthRecord { Credential = credential, State = CredentialState.NeedsReauth, Reason = reason, Since = now };
            transition = new CredentialNeedsReauthEvent { Credential = credential, Reason = reason, DetectedAt = now };
        }

        HealthLog.NeedsReauth(logger, credential, reason);

        // Resolved on first use: an observer may need the relay, whose providers report here.
        observers ??= services.GetServices<ICredentialHealthObserver>().ToArray();
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnNeedsReauthAsync(transition, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing alert must not fail the adapter call that found the refused credential.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                HealthLog.ObserverFailed(logger, ex, credential);
            }
        }
    }

    private static void Check(CredentialRef credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        CoCreationGuard.NotBlank(credential.Provider, "credential.Provider");
        CoCreationGuard.NotBlank(credential.Platform, "credential.Platform");
        CoCreationGuard.NotBlank(credential.Account, "credential.Account");
    }
}
