using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class CollectionTests
{
    [Test]
    public async Task Keyword_hits_are_read_page_by_page_across_runs_and_later_posts_are_found_too()
    {
        await using var harness = new OpinionsHarness([("micro", new EmbeddedSnsOptions { EnablePolls = false })], o => o.MaxPagesPerCollect = 1);
        var micro = harness.Network("micro");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("A", "B")], Keywords = ["#fit"], Language = "en" });
        for (var i = 0; i < 45; i++)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(10));
            micro.Post(micro.RegisterAccount($"u{i}").Credential, $"my #fit story number {i}");
        }

        var reports = new List<CollectionReport>();
        do
        {
            reports.Add(await harness.Campaigns.CollectAsync(campaign.Id));
        }
        while (reports[^1].HasMore && reports.Count < 10);

        Assert.That(reports, Has.Count.GreaterThan(2), "45 hits are more than one page of 20");
        Assert.That(reports.Sum(r => r.NewResponses), Is.EqualTo(45));

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        micro.Post(micro.RegisterAccount("late").Credential, "a late #fit note");
        var later = await harness.Campaigns.CollectAsync(campaign.Id);
        Assert.That(later.NewResponses, Is.EqualTo(1));
        Assert.That(later.HasMore, Is.False);

        var hits = await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync();
        Assert.That(hits.Select(h => h.ItemId).Distinct().Count(), Is.EqualTo(46));
        Assert.That(hits, Has.All.Matches<OpinionResponse>(h => h.Kind == ResponseKind.SearchHit && h.QuestionIndex == null));
    }

    [Test]
    public async Task Responses_are_paged_with_a_continuation_token()
    {
        await using var harness = new OpinionsHarness([("micro", new EmbeddedSnsOptions { EnablePolls = false })]);
        var micro = harness.Network("micro");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("A", "B")], Language = "en" });
        var post = campaign.Publications.Single().PostId;
        for (var i = 0; i < 7; i++)
        {
            harness.Clock.Advance(TimeSpan.FromSeconds(1));
            micro.Post(micro.RegisterAccount($"v{i}").Credential, (i % 2 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), post);
        }

        await harness.Campaigns.CollectAsync(campaign.Id);
        var pages = await harness.Campaigns.GetResponsesAsync(campaign.Id).AsPages(pageSizeHint: 3).ToListAsync();
        Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 3, 3, 1 }));
        var resumed = await harness.Campaigns.GetResponsesAsync(campaign.Id).AsPages(pages[0].ContinuationToken, 3).ToListAsync();
        Assert.That(resumed.SelectMany(p => p.Values).Select(r => r.ItemId), Is.EqualTo(pages.Skip(1).SelectMany(p => p.Values).Select(r => r.ItemId)));
    }

    [Test]
    public async Task A_failing_network_is_reported_and_the_others_are_still_read()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("A", "B")], Language = "en" });
        var replies = harness.Network("replies");
        replies.Post(replies.RegisterAccount("v").Credential, "2", campaign.Publications.Single(p => p.Network == "replies").PostId);
        harness.Network("polls").RevokeCredential(harness.BrandCredentials["polls"]);

        var report = await harness.Campaigns.CollectAsync(campaign.Id);
        Assert.That(report.NewResponses, Is.EqualTo(1), "the replies network was read");
        Assert.That(report.Errors, Has.Count.EqualTo(1));
        Assert.That(report.Errors[0], Does.StartWith("polls: CredentialException"));
        Assert.That(report.PollsRead, Is.Zero);
    }
}
