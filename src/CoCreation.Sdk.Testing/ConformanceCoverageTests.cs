using System.Reflection;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Fails when an adapter package has an adapter that no conformance suite in the test project covers.
/// An adapter's test project derives a one-line fixture that names the adapter assembly.
/// </summary>
/// <example>
/// <code>
/// public sealed class MastodonConformanceCoverageTests : ConformanceCoverageTests
/// {
///     protected override Assembly AdapterAssembly => typeof(MastodonConnector).Assembly;
/// }
/// </code>
/// </example>
[TestFixture]
[Category("Conformance")]
public abstract class ConformanceCoverageTests
{
    /// <summary>The adapter package's assembly.</summary>
    protected abstract Assembly AdapterAssembly { get; }

    /// <summary>The assembly that must hold the suites. The default is the assembly of the derived fixture.</summary>
    protected virtual Assembly TestAssembly => GetType().Assembly;

    /// <summary>The adapter assembly has adapters; otherwise the coverage check would pass for the wrong reason.</summary>
    [Test]
    public void AdapterAssembly_HasAdapters()
        => Assert.That(ConformanceCoverage.FindAdapterTypes(AdapterAssembly), Is.Not.Empty, $"{AdapterAssembly.GetName().Name} has no public ISnsConnector, ICloudWorkspace or IEnterpriseAdapter types.");

    /// <summary>Every adapter in the adapter assembly has a conformance suite in the test assembly.</summary>
    [Test]
    public void EveryAdapter_HasAConformanceSuite()
        => Assert.That(ConformanceCoverage.FindMissingSuites(AdapterAssembly, TestAssembly), Is.Empty);
}
