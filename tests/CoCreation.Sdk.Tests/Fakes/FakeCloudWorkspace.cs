using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Tests.Fakes;

/// <summary>A cloud workspace that records shares and their revocation.</summary>
public sealed class FakeCloudWorkspace(string name) : CloudWorkspaceBase
{
    private readonly Lock _gate = new();
    private readonly List<ShareRef> _shares = [];
    private readonly List<ShareRef> _revoked = [];

    public override CloudWorkspaceMetadata Metadata { get; } = new(name, "fake", $"Fake {name}");

    public override CloudWorkspaceCapabilities Capabilities { get; } = new();

    public IReadOnlyList<ShareRef> Shares
    {
        get
        {
            lock (_gate)
            {
                return _shares.ToArray();
            }
        }
    }

    public IReadOnlyList<ShareRef> Revoked
    {
        get
        {
            lock (_gate)
            {
                return _revoked.ToArray();
            }
        }
    }

    public WorkspaceRef Workspace(string id) => new() { Provider = Metadata.Name, Id = id, Name = $"Workspace {id}" };

    protected override Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken)
        => Task.FromResult(new CloudAccount { Provider = Metadata.Name, AccountId = "cloud-" + email, Email = email });

    protected override Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken)
        => Task.FromResult(Workspace(Guid.NewGuid().ToString("N")));

    protected override Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken)
        => Task.FromResult(new DocumentRef { Id = Guid.NewGuid().ToString("N"), WorkspaceId = workspace.Id, Title = spec.Title, Kind = spec.Kind });

    protected override Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var share = new ShareRef { Id = $"share-{_shares.Count + 1}", WorkspaceId = workspace.Id, AccountId = member.AccountId, Role = role };
            _shares.Add(share);
            return Task.FromResult(share);
        }
    }

    protected override Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _revoked.Add(share);
            return Task.CompletedTask;
        }
    }

    protected override Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken)
        => Task.FromResult(new ActivityPage([], cursor ?? "0", false));
}
