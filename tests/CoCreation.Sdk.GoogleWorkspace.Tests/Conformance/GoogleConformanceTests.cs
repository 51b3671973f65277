using System.Reflection;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Conformance;

/// <summary>
/// The cloud workspace conformance suite against a WireMock-backed Drive and Calendar. Members act through the fake
/// (as they would in the Docs editor), so the suite proves that roles and revocations take effect. After every test,
/// every request is checked against the discovery documents and every response against its response schema.
/// </summary>
[Category("Conformance")]
public sealed class GoogleConformanceTests : CloudWorkspaceConformanceTests
{
    private FakeGoogle fake = null!;
    private ServiceProvider? provider;
    private int members;

    protected override bool CanActAsMember => true;

    [OneTimeSetUp]
    public void StartFake() => fake = new FakeGoogle();

    [OneTimeTearDown]
    public void StopFake()
    {
        provider?.Dispose();
        fake.Dispose();
    }

    [TearDown]
    public void TrafficFitsTheDiscoveryDocuments()
    {
        var entries = fake.WaitForLog();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.Check(entries), Is.Empty, "every request sent and every response served in this test must fit the discovery documents");
            Assert.That(entries.Select(e => e.RequestMessage.AbsolutePath), Has.None.EqualTo("/token-endpoint-unused"), "the access token was fresh; no refresh was needed");
        }
    }

    protected override Task<ICloudWorkspace> CreateWorkspaceAdapterAsync()
    {
        provider?.Dispose();
        fake.Reset(content: true);
        provider = GoogleTestHost.Build(fake);
        return Task.FromResult<ICloudWorkspace>(provider.Workspace());
    }

    protected override string CreateMemberEmail() => $"member{Interlocked.Increment(ref members)}@example.test";

    protected override Task EditAsMemberAsync(CloudAccount member, DocumentRef document)
    {
        fake.EditAsMember(document.Id, member.Email, "edited by " + member.Email);
        return Task.CompletedTask;
    }
}

/// <summary>Every public adapter type in CoCreation.Sdk.GoogleWorkspace has a conformance suite here.</summary>
public sealed class GoogleConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(GoogleCloudWorkspace).Assembly;
}
