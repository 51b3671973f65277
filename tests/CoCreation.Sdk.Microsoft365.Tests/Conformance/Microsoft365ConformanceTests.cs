using System.Reflection;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Conformance;

/// <summary>
/// The cloud workspace conformance suite against the stateful Graph fake. Members act through the fake (as they would
/// in Word), so the suite proves that roles and revocations take effect. Half the members are tenant users, half
/// external addresses. After every test, every Graph request must have carried an accepted bearer token and no
/// upload-session request may have carried one.
/// </summary>
[Category("Conformance")]
public sealed class Microsoft365ConformanceTests : CloudWorkspaceConformanceTests
{
    private FakeGraph fake = null!;
    private ServiceProvider? provider;
    private int members;

    protected override bool CanActAsMember => true;

    [OneTimeSetUp]
    public void StartFake() => fake = new FakeGraph();

    [OneTimeTearDown]
    public void StopFake()
    {
        provider?.Dispose();
        fake.Dispose();
    }

    [TearDown]
    public void EveryGraphRequestCarriedAnAcceptedToken()
    {
        var entries = fake.WaitForLog();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entries.Select(e => e.ResponseMessage.StatusCode), Has.None.EqualTo(401), "no request was refused for its token");
            Assert.That(entries.Where(e => e.RequestMessage.AbsolutePath.StartsWith("/upload/", StringComparison.Ordinal)).Select(e => FakeGraph.Header(e.RequestMessage, "Authorization")), Has.All.Null, "upload URLs get no bearer token");
        }
    }

    protected override Task<ICloudWorkspace> CreateWorkspaceAdapterAsync()
    {
        provider?.Dispose();
        fake.Reset(content: true);
        provider = GraphTestHost.Build(fake);
        return Task.FromResult<ICloudWorkspace>(provider.Workspace());
    }

    protected override string CreateMemberEmail()
    {
        var n = Interlocked.Increment(ref members);
        return n % 2 == 0 ? fake.AddUser($"member{n}@contoso.test").Mail : $"guest{n}@example.test";
    }

    protected override Task EditAsMemberAsync(CloudAccount member, DocumentRef document)
    {
        fake.EditAsMember(document.Id, member.Email);
        return Task.CompletedTask;
    }
}

/// <summary>Every public adapter type in CoCreation.Sdk.Microsoft365 has a conformance suite here.</summary>
public sealed class Microsoft365ConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(Microsoft365CloudWorkspace).Assembly;
}
