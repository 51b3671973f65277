using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Templates.Tests;

/// <summary>
/// `dotnet new cocreation-adapter` creates an adapter whose tests, the SDK's SNS conformance suite among them, build
/// and pass against the packed CoCreation.Sdk packages. The steps run in order as three tests, so that none of them
/// alone comes near the per-test hang limit of CI; each step also runs the ones before it when started alone.
/// </summary>
/// <remarks>
/// The packages come from the folder named by <c>COCREATION_PACKAGES_DIR</c> when it is set (CI's pack phase), restored
/// into a private packages folder so that no stale copy from the machine's cache is used. Otherwise the test packs
/// them itself with a version no earlier run used. The machine's own package sources still serve NUnit and the rest.
/// </remarks>
[TestFixture]
[NonParallelizable]
public sealed partial class AdapterTemplateTests
{
    private const string PackagesDirVariable = "COCREATION_PACKAGES_DIR";
    private static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(9);
    private static readonly TimeSpan NewLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan TestLimit = TimeSpan.FromMinutes(9);
    private static readonly string[] PackedProjects =
    [
        "src/CoCreation.Sdk.Abstractions/CoCreation.Sdk.Abstractions.csproj",
        "src/CoCreation.Sdk.Http/CoCreation.Sdk.Http.csproj",
        "src/CoCreation.Sdk/CoCreation.Sdk.csproj",
        "src/CoCreation.Sdk.Testing/CoCreation.Sdk.Testing.csproj",
        "templates/CoCreation.Sdk.Templates/CoCreation.Sdk.Templates.csproj",
    ];

    private readonly Dictionary<string, string> childEnvironment = new(StringComparer.Ordinal);
    private string work = null!;
    private string? feed;
    private string? version;
    private string? generated;
    private Task? packages;
    private Task? generation;
    private bool failed;

    [OneTimeSetUp]
    public void CreateWorkFolder()
    {
        work = Path.Combine(Path.GetTempPath(), "cocreation-template-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
    }

    [TearDown]
    public void RememberFailure() => failed |= TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;

    [OneTimeTearDown]
    public void RemoveWorkFolder()
    {
        if (failed)
        {
            TestContext.Progress.WriteLine($"Template test files kept for inspection: {work}");
            return;
        }

        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a child process may still hold a file for a moment; the folder is under the temp path.
        }
    }

    [Test]
    [Order(1)]
    public async Task Packages_AreAvailableAsync()
    {
        await EnsurePackagesAsync();

        foreach (var id in new[] { "CoCreation.Sdk.Templates", "CoCreation.Sdk.Abstractions", "CoCreation.Sdk.Http", "CoCreation.Sdk", "CoCreation.Sdk.Testing" })
        {
            Assert.That(Path.Combine(feed!, $"{id}.{version}.nupkg"), Does.Exist, $"{id} {version} in {feed}");
        }
    }

    [Test]
    [Order(2)]
    public async Task Template_CreatesARenamedAdapterAndTestProjectAsync()
    {
        await EnsureGeneratedAsync();

        Assert.That(Path.Combine(generated!, "Contoso.slnx"), Does.Exist);
        Assert.That(Path.Combine(generated!, "Contoso", "Contoso.csproj"), Does.Exist);
        Assert.That(Path.Combine(generated!, "Contoso", "ContosoConnector.cs"), Does.Exist);
        Assert.That(Path.Combine(generated!, "Contoso.Tests", "ContosoConformanceTests.cs"), Does.Exist);
        var texts = Directory.EnumerateFiles(generated!, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(generated!, f), File.ReadAllText);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(texts.Where(t => t.Value.Contains("ExampleSocial", StringComparison.Ordinal)).Select(t => t.Key), Is.Empty, "files still naming the sample's provider");
            Assert.That(texts.Where(t => t.Value.Contains("ProjectReference Include=\"../../../src", StringComparison.Ordinal)).Select(t => t.Key), Is.Empty, "files still referencing the SDK's source");
            Assert.That(texts.Where(t => t.Value.Contains("CoCreationSdkSource", StringComparison.Ordinal)).Select(t => t.Key), Is.Empty, "files still switching between source and packages");
            Assert.That(texts["Directory.Packages.props"], Does.Contain($"Include=\"CoCreation.Sdk.Testing\" Version=\"{version}\""), "the SDK version defaults to the template's");
            Assert.That(texts["Directory.Packages.props"], Does.Contain($"Include=\"CoCreation.Sdk.Http\" Version=\"{version}\""), "the shared HTTP layer at the SDK's version");
            Assert.That(texts[Path.Combine("Contoso", "Contoso.csproj")], Does.Contain("<PackageReference Include=\"CoCreation.Sdk.Http\" />"), "the adapter builds on the shared HTTP layer's package");
            Assert.That(texts[Path.Combine("Contoso", "ContosoCoCreationBuilderExtensions.cs")], Does.Contain("AddContoso(").And.Contain("AddHttpAdapter<ContosoOptions, ContosoOptionsValidator>("));
        }
    }

    [Test]
    [Order(3)]
    public async Task GeneratedAdapter_BuildsAndPassesTheConformanceSuiteAsync()
    {
        await EnsureGeneratedAsync();
        var results = Path.Combine(work, "results");

        var run = await ChildProcess.RunDotnetAsync(generated!, TestLimit, childEnvironment,
            "test", "Contoso.slnx", "-c", "Release", "--disable-build-servers",
            "--logger", "trx;LogFileName=contoso.trx", "--logger", "console;verbosity=normal", "--results-directory", results);

        Assert.That(run.ExitCode, Is.Zero, run.Describe());
        var trx = Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories);
        Assert.That(trx, Has.Length.EqualTo(1), run.Describe());
        var summary = TrxSummary.Read(trx[0]);
        var conformance = summary.Results.Where(r => r.ClassName.EndsWith(".ContosoConformanceTests", StringComparison.Ordinal)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(summary.NotPassed, Is.Zero, run.Describe());
            Assert.That(conformance, Has.Count.GreaterThanOrEqualTo(20), "conformance tests that ran\n" + run.Describe());
            Assert.That(conformance.Select(r => r.Outcome), Is.All.EqualTo("Passed"), run.Describe());
            Assert.That(conformance.Select(r => r.Name), Has.Some.StartsWith("Publish_AsBrand_ReturnsThePostAsync"), "the suite's own tests, not only the sample's");
            Assert.That(ConsoleTotal().Match(run.Output).Groups["passed"].Value, Is.EqualTo(summary.Passed.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the console's count agrees with the TRX file\n" + run.Output);
        }
    }

    // Each step runs once; a later test that needs a failed step fails with the same message instead of repeating it.
    private Task EnsurePackagesAsync() => packages ??= PackAsync();

    private Task EnsureGeneratedAsync() => generation ??= GenerateAsync();

    private async Task PackAsync()
    {
        if (Environment.GetEnvironmentVariable(PackagesDirVariable) is { Length: > 0 } named)
        {
            var given = Path.GetFullPath(named, RepositoryRoot());
            var template = Directory.Exists(given) ? Directory.GetFiles(given, "CoCreation.Sdk.Templates.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
            Assert.That(template, Is.Not.Null, $"{PackagesDirVariable}={given} holds no CoCreation.Sdk.Templates package");
            version = Path.GetFileNameWithoutExtension(template)!["CoCreation.Sdk.Templates.".Length..];
            feed = given;

            // Packed with a version an earlier run may have cached with other content: restore into a folder of our own.
            childEnvironment["NUGET_PACKAGES"] = Path.Combine(work, "nuget-packages");
            return;
        }

        var root = RepositoryRoot();
        version = "0.0.0-templatetest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N")[..8];
        var packFeed = Path.Combine(work, "feed");
        var solution = Path.Combine(work, "pack.slnx");
        await File.WriteAllTextAsync(solution, "<Solution>\n" + string.Concat(PackedProjects.Select(p => $"  <Project Path=\"{Path.Combine(root, p)}\" />\n")) + "</Solution>\n");

        var pack = await ChildProcess.RunDotnetAsync(root, PackLimit, null,
            "pack", solution, "-c", "Release", "--disable-build-servers", "-o", packFeed, $"-p:Version={version}", "--artifacts-path", Path.Combine(work, "artifacts"));

        Assert.That(pack.ExitCode, Is.Zero, pack.Describe());
        feed = packFeed;
    }

    private async Task GenerateAsync()
    {
        await EnsurePackagesAsync();
        var hive = Path.Combine(work, "hive");
        var install = await ChildProcess.RunDotnetAsync(work, NewLimit, childEnvironment,
            "new", "install", Path.Combine(feed!, $"CoCreation.Sdk.Templates.{version}.nupkg"), "--debug:custom-hive", hive);
        Assert.That(install.ExitCode, Is.Zero, install.Describe());
        Assert.That(install.Output, Does.Contain("cocreation-adapter"), "the package installs the template\n" + install.Describe());

        var output = Path.Combine(work, "Contoso");
        var create = await ChildProcess.RunDotnetAsync(work, NewLimit, childEnvironment,
            "new", "cocreation-adapter", "-n", "Contoso", "-o", output, "--debug:custom-hive", hive);
        Assert.That(create.ExitCode, Is.Zero, create.Describe());

        // The local folder is added to the machine's own sources (no <clear/>), which still serve NUnit and the rest.
        await File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="cocreation-under-test" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        generated = output;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CoCreation.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CoCreation.Sdk.sln was not found above " + TestContext.CurrentContext.TestDirectory);
    }

    [GeneratedRegex(@"Passed:\s+(?<passed>\d+)")]
    private static partial Regex ConsoleTotal();
}
