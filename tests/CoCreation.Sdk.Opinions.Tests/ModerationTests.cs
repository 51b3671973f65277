using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ModerationTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 10, 0, 0, 0, TimeSpan.Zero);

    private static OpinionModerationOptions Options()
    {
        var options = new OpinionModerationOptions { MinAccountAge = TimeSpan.FromDays(7) };
        options.BannedWordsKorean.Add("바보");
        options.BannedWordsEnglish.Add("idiot");
        return options;
    }

    private static ModerationItem Item(string text, string author = "a1", DateTimeOffset? accountCreated = null) => ModerationItem.For(new SnsPost
    {
        Id = Guid.NewGuid().ToString("N"),
        Network = "net",
        AuthorSubject = author,
        AuthorHandle = author,
        Text = text,
        CreatedAt = Now,
        AuthorAccountCreatedAt = accountCreated,
    });

    private static ModerationPipeline Pipeline() => ModerationPipeline.CreateDefault(Options(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));

    [TestCase("이 디자인 바보 같아요", "Korean")]
    [TestCase("이 디자인 바 보 같아요", "Korean")]
    [TestCase("What an IDIOT idea", "English")]
    public async Task Banned_words_are_held_back_with_the_list_named(string text, string list)
    {
        var verdict = await Pipeline().EvaluateAsync(Item(text));
        Assert.That(verdict.Accepted, Is.False);
        Assert.That(verdict.Filter, Is.EqualTo("banned-words"));
        Assert.That(verdict.Reason, Does.Contain(list));
    }

    [Test]
    public async Task English_banned_words_match_whole_words_only()
        => Assert.That((await Pipeline().EvaluateAsync(Item("idiotproof zippers please"))).Accepted, Is.True);

    [Test]
    public async Task Too_many_links_are_link_spam()
    {
        var verdict = await Pipeline().EvaluateAsync(Item("buy http://a.example http://b.example https://c.example now"));
        Assert.That(verdict.Filter, Is.EqualTo("link-spam"));
        Assert.That(verdict.Reason, Does.Contain("3 links"));
        Assert.That((await Pipeline().EvaluateAsync(Item("https://spam.example/very/long/path"))).Filter, Is.EqualTo("link-spam"));
        Assert.That((await Pipeline().EvaluateAsync(Item("I wrote about the fit here: https://blog.example/fit"))).Accepted, Is.True);
    }

    [Test]
    public async Task Repeated_text_is_held_back_but_short_votes_may_repeat()
    {
        var pipeline = Pipeline();
        var context = pipeline.CreateContext();
        Assert.That((await pipeline.EvaluateAsync(Item("Please make the hoodie longer", "a1"), context)).Accepted, Is.True);
        var again = await pipeline.EvaluateAsync(Item("please make the  hoodie longer!", "a1"), context);
        Assert.That(again.Filter, Is.EqualTo("repeated-text"));
        Assert.That((await pipeline.EvaluateAsync(Item("2", "a1"), context)).Accepted, Is.True);
        Assert.That((await pipeline.EvaluateAsync(Item("2", "a1"), context)).Accepted, Is.True);

        // The same text from many accounts is a copy-paste campaign after the third.
        for (var i = 2; i <= 3; i++)
        {
            Assert.That((await pipeline.EvaluateAsync(Item("Please make the hoodie longer", "a" + i), context)).Accepted, Is.True);
        }

        Assert.That((await pipeline.EvaluateAsync(Item("Please make the hoodie longer", "a4"), context)).Filter, Is.EqualTo("repeated-text"));
    }

    [Test]
    public async Task Young_accounts_are_held_back_only_where_the_network_reports_the_age()
    {
        var pipeline = Pipeline();
        var young = await pipeline.EvaluateAsync(Item("nice", accountCreated: Now.AddDays(-2)));
        Assert.That(young.Filter, Is.EqualTo("young-account"));
        Assert.That(young.Reason, Does.Contain("2 days old"));
        Assert.That((await pipeline.EvaluateAsync(Item("nice", accountCreated: Now.AddDays(-30)))).Accepted, Is.True);
        Assert.That((await pipeline.EvaluateAsync(Item("nice", accountCreated: null))).Accepted, Is.True);
    }

    [Test]
    public async Task Custom_filters_plug_into_the_pipeline()
    {
        var pipeline = new ModerationPipeline([new ShoutingFilter()], TimeProvider.System);
        var verdict = await pipeline.EvaluateAsync(Item("BUY NOW"));
        Assert.That(verdict, Is.EqualTo(ModerationVerdict.Reject("shouting", "all capitals")));
    }

    [Test]
    public async Task Filtered_campaign_replies_are_kept_with_the_reason_and_not_counted()
    {
        await using var harness = new OpinionsHarness(
            [("replies", new EmbeddedSnsOptions { EnablePolls = false })],
            o =>
            {
                o.Moderation.BannedWordsKorean.Add("바보");
                o.Moderation.MinAccountAge = TimeSpan.FromDays(7);
            });
        var veteran = harness.Network("replies").RegisterAccount("veteran");
        var rude = harness.Network("replies").RegisterAccount("rude");
        harness.Clock.Advance(TimeSpan.FromDays(10));
        var newcomer = harness.Network("replies").RegisterAccount("newcomer");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("Red", "Blue")] });
        var post = campaign.Publications[0].PostId!;
        harness.Network("replies").Post(veteran.Credential, "1", post);
        harness.Network("replies").Post(rude.Credential, "2 바보", post);
        harness.Network("replies").Post(newcomer.Credential, "2", post);

        var report = await harness.Campaigns.CollectAsync(campaign.Id);
        Assert.That(report.NewResponses, Is.EqualTo(3));
        Assert.That(report.NewlyFiltered, Is.EqualTo(2));

        var responses = await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync();
        var byHandle = responses.ToDictionary(r => r.AuthorHandle!);
        Assert.That(byHandle["rude"].Moderation.Filter, Is.EqualTo("banned-words"));
        Assert.That(byHandle["rude"].OptionIndexes, Is.EqualTo(new[] { 1 }), "the vote is kept as read");
        Assert.That(byHandle["newcomer"].Moderation.Filter, Is.EqualTo("young-account"));
        Assert.That(byHandle["veteran"].Moderation.Accepted, Is.True);

        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        Assert.That(statistics.Questions[0].Totals, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(statistics.FilteredResponses, Is.EqualTo(2));
        Assert.That(statistics.FilteredByFilter["banned-words"], Is.EqualTo(1));
        Assert.That(statistics.FilteredByFilter["young-account"], Is.EqualTo(1));
        Assert.That(statistics.UniqueRespondents, Is.EqualTo(1));
    }

    private sealed class ShoutingFilter : IOpinionFilter
    {
        public string Name => "shouting";

        public ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(item.Post.Text.Any(char.IsLower) ? ModerationVerdict.Accept : ModerationVerdict.Reject(Name, "all capitals"));
    }
}
