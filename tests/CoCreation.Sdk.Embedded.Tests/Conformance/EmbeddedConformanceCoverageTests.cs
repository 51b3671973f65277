using System.Reflection;
using CoCreation.Sdk.Testing;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>Every embedded provider has a conformance suite in this project.</summary>
public sealed class EmbeddedConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(EmbeddedSnsNetwork).Assembly;

    [Test]
    public void FindMissingSuites_ReportsEachUncoveredAdapter()
    {
        // An assembly without fixtures covers nothing, so every embedded adapter must be reported by name.
        var missing = ConformanceCoverage.FindMissingSuites(AdapterAssembly, typeof(ConformanceCoverage).Assembly);

        Assert.That(missing, Has.Count.EqualTo(3));
        Assert.That(missing, Has.One.Contains(typeof(EmbeddedSnsConnector).FullName!).And.Contains(nameof(SnsConnectorConformanceTests)));
        Assert.That(missing, Has.One.Contains(typeof(EmbeddedCloudWorkspace).FullName!).And.Contains(nameof(CloudWorkspaceConformanceTests)));
        Assert.That(missing, Has.One.Contains(typeof(EmbeddedEnterpriseSystem).FullName!).And.Contains(nameof(EnterpriseAdapterConformanceTests)));
    }
}
