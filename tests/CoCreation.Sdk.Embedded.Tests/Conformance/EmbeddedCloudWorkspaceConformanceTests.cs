using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>The embedded cloud workspace against the workspace conformance suite.</summary>
public class EmbeddedCloudWorkspaceConformanceTests : CloudWorkspaceConformanceTests
{
    private FakeTimeProvider time = new();
    private EmbeddedCloudService service = null!;
    private int members;

    protected override TimeProvider TimeProvider => time;

    protected override bool CanActAsMember => true;

    protected override Task<ICloudWorkspace> CreateWorkspaceAdapterAsync()
    {
        time = new FakeTimeProvider();
        service = new EmbeddedCloudService(timeProvider: time);
        return Task.FromResult<ICloudWorkspace>(service.CreateConnector("embedded-cloud"));
    }

    protected override string CreateMemberEmail() => service.RegisterAccount($"member{++members}@example.com").Email;

    protected override Task EditAsMemberAsync(CloudAccount member, DocumentRef document)
    {
        service.EditDocument(member.AccountId, document.Id, $"edited by {member.Email}");
        return Task.CompletedTask;
    }
}
