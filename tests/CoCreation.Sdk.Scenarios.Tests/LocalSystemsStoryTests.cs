using CoCreation.Sdk.Testing;
using DongAFashion;
using DongAFashion.Local;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The 17 steps of the Dong-A Fashion story on real local systems (a Bluesky PDS, Tryton and Vendure, started by
/// <c>eng/peers/*/up.sh</c>), as <c>samples/DongAFashion --providers local</c> runs them. Every step's check reads its
/// effect back from the real system with the sample's own clients (XRPC, JSON-RPC, GraphQL), not from the SDK.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class LocalSystemsStoryTests
{
    private static LocalSettings Settings()
    {
        if (LocalSettings.Load(null, out var missing) is { } settings)
        {
            return settings;
        }

        // Reported as ignored with the command that starts the peer, or failed when peers are required (CI).
        var variable = missing[0].Split(' ')[0];
        Peers.Get(variable, "for peer in bluesky tryton vendure; do bash eng/peers/$peer/up.sh; done");
        throw new InvalidOperationException($"{variable} is not set.");
    }

    [TestCase("en")]
    [TestCase("ko")]
    public async Task All_17_steps_pass_on_bluesky_tryton_and_vendure(string language)
    {
        var settings = Settings();
        await using var story = await LocalStory.StartAsync(settings, language);
        var transcript = new List<string>();

        var results = await story.RunThroughAsync(17, r => transcript.Add($"[{r.Number,2}] {(r.Passed ? "passed" : "FAILED")}: {r.Check}{(r.Failure is null ? "" : " — " + r.Failure)}"));

        foreach (var line in transcript)
        {
            await TestContext.Out.WriteLineAsync(line);
        }

        Assert.That(results.Select(r => (r.Number, r.Passed, r.Failure)), Is.EqualTo(Enumerable.Range(1, 17).Select(n => (n, true, (string?)null))), string.Join("\n", transcript));
    }

    [Test]
    public async Task A_failed_check_stops_the_story_at_that_step()
    {
        var settings = Settings();

        // The story's clients read the real systems: with Vendure's superadmin password wrong, the shop refuses the
        // story's own reads, so step 2 (which reads Vendure back) fails and nothing after it runs.
        await using var story = await LocalStory.StartAsync(settings with { VendurePassword = "not-the-password" }, "en");

        var results = await story.RunThroughAsync(17);

        Assert.That(results.Select(r => r.Passed), Is.EqualTo(new[] { true, false }));
        Assert.That(results[1].Failure, Is.Not.Null.And.Contains("Vendure"));
    }
}
