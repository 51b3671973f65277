using System.Xml.Linq;

namespace CoCreation.Sdk.Templates.Tests;

/// <summary>What a TRX file says about one test run: each test's class, name and outcome.</summary>
internal sealed record TrxSummary(IReadOnlyList<(string ClassName, string Name, string Outcome)> Results)
{
    private static readonly XNamespace Ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public int Passed => Results.Count(r => r.Outcome == "Passed");

    public int NotPassed => Results.Count(r => r.Outcome != "Passed");

    public static TrxSummary Read(string path)
    {
        var document = XDocument.Load(path);
        var classes = document.Descendants(Ns + "UnitTest").ToDictionary(
            t => (string)t.Attribute("id")!,
            t => (string?)t.Element(Ns + "TestMethod")?.Attribute("className") ?? string.Empty);
        var results = document.Descendants(Ns + "UnitTestResult")
            .Select(r => (classes.GetValueOrDefault((string)r.Attribute("testId")!) ?? string.Empty, (string)r.Attribute("testName")!, (string?)r.Attribute("outcome") ?? "Unknown"))
            .ToList();
        return new TrxSummary(results);
    }
}
