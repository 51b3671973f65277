using DongAFashion;

namespace CoCreation.Sdk.Reliability.Tests;

/// <summary>The Dong-A Fashion sample on its stored providers: a run that stops after a step is continued by the next one.</summary>
[TestFixture]
[Category("Reliability")]
public sealed class StoredScenarioTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
        => _directory = Path.Combine(Path.GetTempPath(), "cocreation-dongafashion-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task StoredStory_StoppedAfterStep8_ContinuesWithStep9InANewInstanceAsync()
    {
        await using (var first = await DongAFashionScenario.OpenAsync("en", _directory))
        {
            var results = await first.RunThroughAsync(8);
            Assert.That(results.Select(r => r.Passed), Is.EqualTo(Enumerable.Repeat(true, 8)));
        }

        string minjiSubject;
        await using (var second = await DongAFashionScenario.OpenAsync("en", _directory))
        {
            minjiSubject = second.Minji.Subject;
            Assert.That(second.CompletedBefore, Is.EqualTo(8));
            Assert.That(second.Listing, Is.Not.Null);
            var rechecked = await second.ReverifyAsync();
            Assert.That(rechecked.Where(r => !r.Passed).Select(r => $"step {r.Number}: {r.Failure}"), Is.Empty);
            Assert.That(rechecked.Select(r => r.Number), Is.EqualTo(Enumerable.Range(1, 8)), "the stored steps are checked again before the story goes on");
            var results = await second.RunThroughAsync(17);
            Assert.That(results.Where(r => !r.Passed).Select(r => $"step {r.Number}: {r.Check} — {r.Failure}"), Is.Empty);
            Assert.That(results.Select(r => r.Number), Is.EqualTo(Enumerable.Range(9, 9)));
            Assert.That(DongAFashionScenario.InboxTexts(second.SocialNetwork, second.Minji).Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1));
        }

        await using var third = await DongAFashionScenario.OpenAsync("en", _directory);
        Assert.That(third.CompletedBefore, Is.EqualTo(17));
        Assert.That(third.Minji.Subject, Is.EqualTo(minjiSubject));
        var all = await third.ReverifyAsync();
        Assert.That(all.Where(r => !r.Passed).Select(r => $"step {r.Number}: {r.Failure}"), Is.Empty);
        Assert.That(third.Reverified, Is.EqualTo(17));
        Assert.That(await third.RunThroughAsync(17), Is.Empty);
        Assert.That((await third.DescribeStoredStateAsync()).Any(l => l.Contains("Delisted", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task StoredStory_InAnotherLanguage_IsRefusedAsync()
    {
        await using (var first = await DongAFashionScenario.OpenAsync("en", _directory))
        {
            await first.RunThroughAsync(1);
        }

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => DongAFashionScenario.OpenAsync("ko", _directory));
        Assert.That(ex!.Message, Does.Contain("'en'"));
    }
}
