using System.Reflection;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Finds adapters that no conformance suite covers: every public adapter type must have a non-abstract
/// subclass of the matching suite in the adapter's test project.
/// </summary>
/// <remarks>The methods are pure functions of the assemblies they read and are safe to call concurrently.</remarks>
public static class ConformanceCoverage
{
    private static readonly (Type Contract, Type Suite)[] Suites =
    [
        (typeof(ISnsConnector), typeof(SnsConnectorConformanceTests)),
        (typeof(ICloudWorkspace), typeof(CloudWorkspaceConformanceTests)),
        (typeof(IEnterpriseAdapter), typeof(EnterpriseAdapterConformanceTests)),
    ];

    /// <summary>Lists the public, non-abstract adapter types of an assembly.</summary>
    /// <param name="adapterAssembly">The adapter package's assembly.</param>
    /// <returns>The types implementing <see cref="ISnsConnector"/>, <see cref="ICloudWorkspace"/> or <see cref="IEnterpriseAdapter"/>, ordered by name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="adapterAssembly"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<Type> FindAdapterTypes(Assembly adapterAssembly)
    {
        ArgumentNullException.ThrowIfNull(adapterAssembly);
        return adapterAssembly.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsAbstract && Suites.Any(s => s.Contract.IsAssignableFrom(t)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Checks that for each public, non-abstract type in <paramref name="adapterAssembly"/> implementing
    /// <see cref="ISnsConnector"/>, <see cref="ICloudWorkspace"/> or <see cref="IEnterpriseAdapter"/>,
    /// <paramref name="testAssembly"/> holds a non-abstract subclass of the matching suite.
    /// </summary>
    /// <param name="adapterAssembly">The adapter package's assembly.</param>
    /// <param name="testAssembly">The adapter's test assembly.</param>
    /// <returns>One line per missing suite, for people; empty when every adapter is covered.</returns>
    /// <exception cref="ArgumentNullException">An assembly is <see langword="null"/>.</exception>
    /// <remarks>
    /// A suite subclass covers every adapter type of its kind in the assembly: which adapter its hooks create
    /// is only known when they run.
    /// </remarks>
    public static IReadOnlyList<string> FindMissingSuites(Assembly adapterAssembly, Assembly testAssembly)
    {
        ArgumentNullException.ThrowIfNull(adapterAssembly);
        ArgumentNullException.ThrowIfNull(testAssembly);

        var fixtures = LoadableTypes(testAssembly).Where(t => t.IsClass && !t.IsAbstract).ToList();
        var missing = new List<string>();
        foreach (var adapterType in FindAdapterTypes(adapterAssembly))
        {
            foreach (var (contract, suite) in Suites)
            {
                if (contract.IsAssignableFrom(adapterType) && !fixtures.Any(f => f.IsSubclassOf(suite)))
                {
                    missing.Add($"{adapterType.FullName} implements {contract.Name}, but {testAssembly.GetName().Name} has no non-abstract subclass of {suite.FullName}.");
                }
            }
        }

        return missing;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            // A test assembly may reference optional packages that are not deployed; the fixtures that did load still count.
            return ex.Types.Where(t => t is not null)!;
        }
    }
}
