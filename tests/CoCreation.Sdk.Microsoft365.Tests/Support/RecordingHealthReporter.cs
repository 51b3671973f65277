using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Microsoft365.Tests.Support;

/// <summary>Records what an adapter reports to credential health, for tests to read back.</summary>
internal sealed class RecordingHealthReporter : ICredentialHealthReporter
{
    private readonly List<CredentialRef> healthy = [];
    private readonly List<(CredentialRef Credential, string Reason)> needsReauth = [];

    public IReadOnlyList<CredentialRef> Healthy
    {
        get
        {
            lock (healthy)
            {
                return [.. healthy];
            }
        }
    }

    public IReadOnlyList<(CredentialRef Credential, string Reason)> NeedsReauth
    {
        get
        {
            lock (needsReauth)
            {
                return [.. needsReauth];
            }
        }
    }

    public Task ReportHealthyAsync(CredentialRef credential, CancellationToken cancellationToken = default)
    {
        lock (healthy)
        {
            healthy.Add(credential);
        }

        return Task.CompletedTask;
    }

    public Task ReportNeedsReauthAsync(CredentialRef credential, string reason, CancellationToken cancellationToken = default)
    {
        lock (needsReauth)
        {
            needsReauth.Add((credential, reason));
        }

        return Task.CompletedTask;
    }
}
