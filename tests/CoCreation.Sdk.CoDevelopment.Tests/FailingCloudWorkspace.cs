using System.Net;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>
/// Passes every call to the embedded workspace, except the one armed to fail: that call throws a transient
/// provider error before reaching the workspace, as a request lost on the way would.
/// </summary>
internal sealed class FailingCloudWorkspace(ICloudWorkspace inner) : ICloudWorkspace
{
    private int _calls;

    public ICloudWorkspace Inner { get; } = inner;

    /// <summary>Calls made so far (failed ones included).</summary>
    public int Calls => _calls;

    /// <summary>The call number (counting from 1 over the decorator's life) that fails; <see langword="null"/> for none.</summary>
    public int? FailAtCall { get; set; }

    public List<string> CreatedWorkspaces { get; } = [];

    public List<string> CreatedDocuments { get; } = [];

    public CloudWorkspaceMetadata Metadata => Inner.Metadata;

    public CloudWorkspaceCapabilities Capabilities => Inner.Capabilities;

    /// <summary>Makes the n-th call from now fail.</summary>
    public void FailOnNthCallFromNow(int n) => FailAtCall = _calls + n;

    public Task<CloudAccount> ResolveAccountAsync(string email, CancellationToken cancellationToken = default)
        => Pass(() => Inner.ResolveAccountAsync(email, cancellationToken));

    public async Task<WorkspaceRef> CreateWorkspaceAsync(WorkspaceSpec spec, CancellationToken cancellationToken = default)
    {
        var created = await Pass(() => Inner.CreateWorkspaceAsync(spec, cancellationToken));
        CreatedWorkspaces.Add(created.Id);
        return created;
    }

    public async Task<DocumentRef> CreateDocumentAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken = default)
    {
        var created = await Pass(() => Inner.CreateDocumentAsync(workspace, spec, cancellationToken));
        CreatedDocuments.Add(created.Id);
        return created;
    }

    public Task<ShareRef> ShareAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken = default)
        => Pass(() => Inner.ShareAsync(workspace, member, role, cancellationToken));

    public Task RevokeShareAsync(ShareRef share, CancellationToken cancellationToken = default)
        => Pass(async () =>
        {
            await Inner.RevokeShareAsync(share, cancellationToken);
            return true;
        });

    public Task<ScheduleEntry> ScheduleAsync(WorkspaceRef workspace, ScheduleEntrySpec spec, CancellationToken cancellationToken = default)
        => Pass(() => Inner.ScheduleAsync(workspace, spec, cancellationToken));

    public Task<ActivityPage> GetActivityAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken = default)
        => Pass(() => Inner.GetActivityAsync(workspace, cursor, cancellationToken));

    private Task<T> Pass<T>(Func<Task<T>> call)
    {
        var number = Interlocked.Increment(ref _calls);
        if (number == FailAtCall)
        {
            throw new ProviderException(Metadata.Name, $"Simulated failure of call {number}.", HttpStatusCode.ServiceUnavailable, "unavailable", isTransient: true);
        }

        return call();
    }
}
