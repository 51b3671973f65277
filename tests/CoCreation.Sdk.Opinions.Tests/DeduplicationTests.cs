using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class DeduplicationTests
{
    private static OpinionsHarness TwoReplyNetworks() => new(
    [
        ("alpha", new EmbeddedSnsOptions { EnablePolls = false }),
        ("beta", new EmbeddedSnsOptions { EnablePolls = false }),
    ]);

    private static async Task<OpinionCampaign> StartAsync(OpinionsHarness harness)
        => await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "Colours", Questions = [OpinionsHarness.Question("Red", "Blue", "Green")], Language = "en" });

    private static string PostOf(OpinionCampaign campaign, string network) => campaign.Publications.Single(p => p.Network == network).PostId!;

    [Test]
    public async Task A_linked_person_who_votes_on_two_networks_counts_once_with_the_latest_answer()
    {
        await using var harness = TwoReplyNetworks();
        var (onAlpha, onBeta, participantId) = await harness.LinkedMemberAsync("alpha", "beta", "minji");
        var campaign = await StartAsync(harness);

        harness.Network("alpha").Post(onAlpha.Credential, "1", PostOf(campaign, "alpha"));
        harness.Clock.Advance(TimeSpan.FromHours(1));
        harness.Network("beta").Post(onBeta.Credential, "3", PostOf(campaign, "beta"));
        await harness.Campaigns.CollectAsync(campaign.Id);

        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        var question = statistics.Questions[0];
        Assert.That(question.Totals, Is.EqualTo(new[] { 0, 0, 1 }));
        Assert.That(question.Count(2, "beta"), Is.EqualTo(1));
        Assert.That(question.Count(0, "alpha"), Is.Zero);
        Assert.That(question.CountedVoters, Is.EqualTo(1));
        Assert.That(question.SupersededVotes, Is.EqualTo(1));
        Assert.That(statistics.UniqueRespondents, Is.EqualTo(1));

        var responses = await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync();
        Assert.That(responses.Select(r => r.RespondentKey), Is.All.EqualTo(participantId));
    }

    [Test]
    public async Task The_latest_answer_wins_even_when_the_earlier_one_is_read_last()
    {
        await using var harness = TwoReplyNetworks();
        var (onAlpha, onBeta, _) = await harness.LinkedMemberAsync("alpha", "beta", "jisoo");
        var campaign = await StartAsync(harness);

        harness.Network("beta").Post(onBeta.Credential, "2", PostOf(campaign, "beta"));
        harness.Clock.Advance(TimeSpan.FromMinutes(5));
        harness.Network("alpha").Post(onAlpha.Credential, "1", PostOf(campaign, "alpha"));
        await harness.Campaigns.CollectAsync(campaign.Id);

        var question = (await harness.Campaigns.GetStatisticsAsync(campaign.Id)).Questions[0];
        Assert.That(question.Totals, Is.EqualTo(new[] { 1, 0, 0 }));
        Assert.That(question.Count(0, "alpha"), Is.EqualTo(1));
    }

    [Test]
    public async Task Unlinked_accounts_on_two_networks_are_two_people()
    {
        await using var harness = TwoReplyNetworks();
        var alpha = harness.Network("alpha").RegisterAccount("sam");
        var beta = harness.Network("beta").RegisterAccount("sam");
        var campaign = await StartAsync(harness);

        harness.Network("alpha").Post(alpha.Credential, "1", PostOf(campaign, "alpha"));
        harness.Network("beta").Post(beta.Credential, "1", PostOf(campaign, "beta"));
        await harness.Campaigns.CollectAsync(campaign.Id);

        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        Assert.That(statistics.Questions[0].Totals[0], Is.EqualTo(2));
        Assert.That(statistics.UniqueRespondents, Is.EqualTo(2));
    }

    [Test]
    public async Task A_person_who_changes_their_vote_on_one_network_counts_once()
    {
        await using var harness = TwoReplyNetworks();
        var (member, _) = await harness.MemberAsync("alpha", "hana");
        var campaign = await StartAsync(harness);

        harness.Network("alpha").Post(member.Credential, "1", PostOf(campaign, "alpha"));
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        harness.Network("alpha").Post(member.Credential, "2", PostOf(campaign, "alpha"));
        await harness.Campaigns.CollectAsync(campaign.Id);

        var question = (await harness.Campaigns.GetStatisticsAsync(campaign.Id)).Questions[0];
        Assert.That(question.Totals, Is.EqualTo(new[] { 0, 1, 0 }));
        Assert.That(question.SupersededVotes, Is.EqualTo(1));
    }

    [Test]
    public void The_result_does_not_depend_on_the_order_responses_are_read_in()
    {
        var campaign = new OpinionCampaign
        {
            Id = "c",
            Title = "t",
            Questions = [OpinionsHarness.Question("A", "B")],
            Networks = ["x", "y"],
            StartedAt = OpinionsHarness.Start,
            ClosesAt = OpinionsHarness.Start.AddDays(1),
        };
        var at = OpinionsHarness.Start.AddHours(1);
        OpinionResponse Vote(string network, string id, int option) => new()
        {
            CampaignId = "c", QuestionIndex = 0, Network = network, ItemId = id, Kind = ResponseKind.Vote,
            AuthorSubject = "s", RespondentKey = "p1", OptionIndexes = [option], CreatedAt = at,
        };

        // Same time on both networks: the tie is broken by network name, whichever comes first in the list.
        var forward = CampaignStatistics.Compute(campaign, [Vote("x", "1", 0), Vote("y", "2", 1)], []);
        var backward = CampaignStatistics.Compute(campaign, [Vote("y", "2", 1), Vote("x", "1", 0)], []);
        Assert.That(forward.Questions[0].Totals, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(backward.Questions[0].Totals, Is.EqualTo(forward.Questions[0].Totals));
    }

    [Test]
    public async Task Votes_after_closing_are_kept_but_not_counted()
    {
        await using var harness = TwoReplyNetworks();
        var (early, _) = await harness.MemberAsync("alpha", "early");
        var (late, _) = await harness.MemberAsync("alpha", "late");
        var campaign = await StartAsync(harness);
        harness.Network("alpha").Post(early.Credential, "1", PostOf(campaign, "alpha"));
        harness.Clock.Advance(TimeSpan.FromHours(1));
        await harness.Campaigns.CloseAsync(campaign.Id);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        harness.Network("alpha").Post(late.Credential, "2", PostOf(campaign, "alpha"));
        await harness.Campaigns.CollectAsync(campaign.Id);

        var question = (await harness.Campaigns.GetStatisticsAsync(campaign.Id)).Questions[0];
        Assert.That(question.Totals, Is.EqualTo(new[] { 1, 0, 0 }));
        Assert.That(question.LateVotes, Is.EqualTo(1));
    }
}
