using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

// The embedded providers support nearly everything, so these fixtures put them behind decorators that claim
// less. The suites' "not supported" branches then run against a real implementation instead of going untested.

/// <summary>An SNS without polls, direct messages, search, replies, idempotency keys or member posting.</summary>
public sealed class MinimalSnsConformanceTests : EmbeddedSnsConformanceTests
{
    protected override async Task<ISnsConnector> CreateConnectorAsync() => new MinimalSnsConnector(await base.CreateConnectorAsync());

    private sealed class MinimalSnsConnector(ISnsConnector inner) : SnsConnectorBase
    {
        public override SnsConnectorMetadata Metadata => inner.Metadata;

        public override SnsCapabilities Capabilities { get; } = new() { MaxPostLength = inner.Capabilities.MaxPostLength };

        protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
            => inner.VerifyCredentialsAsync(credential, cancellationToken);

        // A network without idempotency keys never sees them.
        protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
            => inner.PublishAsync(request with { IdempotencyKey = null }, cancellationToken);
    }
}

/// <summary>A cloud workspace without calendars, with text documents only and two roles.</summary>
public sealed class MinimalCloudWorkspaceConformanceTests : EmbeddedCloudWorkspaceConformanceTests
{
    protected override async Task<ICloudWorkspace> CreateWorkspaceAdapterAsync() => new MinimalCloudWorkspace(await base.CreateWorkspaceAdapterAsync());

    private sealed class MinimalCloudWorkspace(ICloudWorkspace inner) : CloudWorkspaceBase
    {
        public override CloudWorkspaceMetadata Metadata => inner.Metadata;

        public override CloudWorkspaceCapabilities Capabilities { get; } = new()
        {
            Roles = [WorkspaceRole.Viewer, WorkspaceRole.Editor],
            DocumentKinds = [DocumentKind.Document],
        };

        protected override Task<CloudAccount> ResolveAccountCoreAsync(string email, CancellationToken cancellationToken)
            => inner.ResolveAccountAsync(email, cancellationToken);

        protected override async Task<WorkspaceRef> CreateWorkspaceCoreAsync(WorkspaceSpec spec, CancellationToken cancellationToken)
            => await inner.CreateWorkspaceAsync(spec, cancellationToken) with { CalendarId = null };

        protected override Task<DocumentRef> CreateDocumentCoreAsync(WorkspaceRef workspace, DocumentSpec spec, CancellationToken cancellationToken)
            => inner.CreateDocumentAsync(workspace, spec, cancellationToken);

        protected override Task<ShareRef> ShareCoreAsync(WorkspaceRef workspace, CloudAccount member, WorkspaceRole role, CancellationToken cancellationToken)
            => inner.ShareAsync(workspace, member, role, cancellationToken);

        protected override Task RevokeShareCoreAsync(ShareRef share, CancellationToken cancellationToken)
            => inner.RevokeShareAsync(share, cancellationToken);

        protected override Task<ActivityPage> GetActivityCoreAsync(WorkspaceRef workspace, string? cursor, CancellationToken cancellationToken)
            => inner.GetActivityAsync(workspace, cursor, cancellationToken);
    }
}

/// <summary>An enterprise system with accounts and events only: none of the optional domain features.</summary>
public sealed class MinimalEnterpriseConformanceTests : EmbeddedEnterpriseConformanceTests
{
    protected override EnterpriseFeatures ExpectedFeatures => EnterpriseFeatures.None;

    protected override async Task<IEnterpriseAdapter> CreateAdapterAsync() => new AccountsOnlyAdapter(await base.CreateAdapterAsync());

    private sealed class AccountsOnlyAdapter(IEnterpriseAdapter inner) : EnterpriseAdapterBase
    {
        public override EnterpriseSystemMetadata Metadata => inner.Metadata;

        // Account erasure is an optional interface this wrapper does not pass on.
        public override EnterpriseCapabilities Capabilities => inner.Capabilities with { SupportsAccountErasure = false };

        protected override Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken)
            => inner.ProvisionAccountAsync(request, cancellationToken);

        protected override Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
            => inner.SetAccountRolesAsync(account, roles, cancellationToken);

        protected override Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken)
            => inner.DeprovisionAccountAsync(account, cancellationToken);

        protected override Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken)
            => inner.GetAccountAsync(accountId, cancellationToken);

        protected override Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken)
            => inner.ReadEventsAsync(cursor, cancellationToken);
    }
}
