using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Unit;

/// <summary>
/// Reading the replies below a post that is itself a reply: a follow-up question further down a survey thread. Its
/// replies name the thread's first post as their root, so reading from the repositories must follow parents; both
/// read modes return the same replies.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class BlueskyThreadTests
{
    private FakeBluesky fake = null!;
    private FakeAccount brand = null!;
    private FakeAccount minji = null!;
    private FakeAccount jisoo = null!;
    private FakeAccount hyun = null!;

    [SetUp]
    public void Start()
    {
        fake = new FakeBluesky();
        brand = fake.AddAccount("brand.fake.test");
        minji = fake.AddAccount("minji.fake.test");
        jisoo = fake.AddAccount("jisoo.fake.test");
        hyun = fake.AddAccount("hyun.fake.test");
    }

    [TearDown]
    public void Stop() => fake.Dispose();

    [TestCase(BlueskyReadMode.AppView)]
    [TestCase(BlueskyReadMode.PdsRepositories)]
    public async Task RepliesBelowAFollowUp_AreReadForTheFollowUpOnlyAsync(BlueskyReadMode mode)
    {
        var first = fake.AddPost(brand.Did, "Q1. Which colour?\n\n1. Red\n2. Blue");
        var firstVote = fake.AddPost(minji.Did, "1", first.Uri);
        var followUp = fake.AddPost(brand.Did, "Q2. Which size?\n\n1. S\n2. M", first.Uri);
        var followUpVote = fake.AddPost(jisoo.Did, "2", followUp.Uri);
        var nested = fake.AddPost(hyun.Did, "Same here", followUpVote.Uri);
        var later = fake.AddPost(minji.Did, "Blue would be nice too", firstVote.Uri);
        fake.AddPost(hyun.Did, "An unrelated post");
        using var provider = BlueskyTestHost.Build(fake, brand, o => o.ReadMode = mode);
        var connector = provider.Connector();

        var belowFollowUp = await ToListAsync(connector.GetRepliesAsync(followUp.Uri));
        var belowFirst = await ToListAsync(connector.GetRepliesAsync(first.Uri));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(followUp.Record["reply"]!["root"]!["uri"]!.GetValue<string>(), Is.EqualTo(first.Uri), "the follow-up's replies carry the thread's first post as root");
            Assert.That(belowFollowUp.Select(p => p.Id), Is.EqualTo(new[] { followUpVote.Uri, nested.Uri }), "only what hangs below the follow-up, oldest first");
            Assert.That(belowFollowUp.Select(p => p.InReplyToId), Is.EqualTo(new[] { followUp.Uri, followUpVote.Uri }));
            Assert.That(belowFollowUp.Select(p => p.AuthorHandle), Is.EqualTo(new[] { jisoo.Handle, hyun.Handle }));
            Assert.That(belowFirst.Select(p => p.Id), Is.EqualTo(new[] { firstVote.Uri, followUp.Uri, followUpVote.Uri, nested.Uri, later.Uri }), "the first post's thread holds everything, the follow-up included");
        }
    }

    [Test]
    public async Task RepliesBelowAFollowUp_PageWithTheirOwnTokensAsync()
    {
        var first = fake.AddPost(brand.Did, "Q1");
        var followUp = fake.AddPost(brand.Did, "Q2", first.Uri);
        var votes = new[] { minji, jisoo, hyun }.Select((a, i) => fake.AddPost(a.Did, (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), followUp.Uri)).ToList();
        fake.AddPost(minji.Did, "1", first.Uri);
        using var provider = BlueskyTestHost.Build(fake, brand, o => o.ReadMode = BlueskyReadMode.PdsRepositories);

        var pages = new List<Page<SnsPost>>();
        await foreach (var page in provider.Connector().GetRepliesAsync(followUp.Uri).AsPages(null, 2))
        {
            pages.Add(page);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(pages.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(votes.Select(v => v.Uri)));
            Assert.That(pages[0].ContinuationToken, Is.EqualTo(votes[1].Uri));
            Assert.That(pages[^1].ContinuationToken, Is.Null);
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
