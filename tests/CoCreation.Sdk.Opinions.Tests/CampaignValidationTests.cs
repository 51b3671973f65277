using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class CampaignValidationTests
{
    private static OpinionCampaignRequest Request(params OpinionQuestion[] questions) => new() { Title = "Colours", Questions = questions, Language = "en" };

    private static async Task AssertRefusedAsync(OpinionsHarness harness, OpinionCampaignRequest request, string field)
    {
        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.StartAsync(request))!;
        Assert.That(refused.Field, Is.EqualTo(field));
        Assert.That(harness.TotalWriteCalls, Is.Zero, "nothing may be published");
        Assert.That(harness.Network("polls").GetPostsBy(harness.BrandSubjects["polls"]), Is.Empty);
        Assert.That(harness.Network("replies").GetPostsBy(harness.BrandSubjects["replies"]), Is.Empty);
        Assert.That(await harness.Store.ListDocumentsAsync("opinions.campaigns"), Is.Empty, "nothing may be stored");
    }

    [Test]
    public async Task Fewer_than_two_options_are_refused()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        await AssertRefusedAsync(harness, Request(OpinionsHarness.Question("Red")), "Questions[0].Options");
    }

    [Test]
    public async Task Repeated_options_are_refused_naming_the_repeat()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        await AssertRefusedAsync(harness, Request(OpinionsHarness.Question("Red", "Blue", " red ")), "Questions[0].Options[2]");
    }

    [Test]
    public async Task An_empty_question_is_refused()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        await AssertRefusedAsync(harness, Request(OpinionsHarness.Question("Red", "Blue"), OpinionsHarness.Question("A", "B") with { Text = "  " }), "Questions[1].Text");
    }

    [Test]
    public async Task No_question_at_all_is_refused()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        await AssertRefusedAsync(harness, Request(), "OpinionCampaignRequest.Questions");
    }

    [Test]
    public async Task An_unknown_network_is_refused()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        await AssertRefusedAsync(harness, Request(OpinionsHarness.Question("Red", "Blue")) with { Networks = ["polls", "myspace"] }, "Networks[1]");
    }

    [Test]
    public async Task A_question_too_long_for_one_network_publishes_on_none()
    {
        await using var harness = new OpinionsHarness(
        [
            ("polls", new EmbeddedSnsOptions { EnablePolls = true }),
            ("replies", new EmbeddedSnsOptions { EnablePolls = false, MaxPostLength = 60 }),
        ]);
        await AssertRefusedAsync(harness, Request(OpinionsHarness.Question("Sky blue", "Forest green", "Sunset orange")), "Questions[0].Text");
    }

    [Test]
    public async Task A_closed_campaign_takes_no_follow_up_question_and_no_answer()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var campaign = await harness.Campaigns.StartAsync(Request(OpinionsHarness.Question("Red", "Blue")));
        await harness.Campaigns.CloseAsync(campaign.Id);
        var writes = harness.TotalWriteCalls;

        var ask = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.AskAsync(campaign.Id, OpinionsHarness.Question("Yes", "No")))!;
        Assert.That(ask.Field, Is.EqualTo("campaignId"));
        Assert.That(ask.Message, Does.Contain("closed"));
        var answer = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.SubmitResponseAsync(
            campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [0], Network = "polls", AuthorSubject = "someone" }))!;
        Assert.That(answer.Field, Is.EqualTo("campaignId"));

        Assert.That(harness.TotalWriteCalls, Is.EqualTo(writes), "nothing more was published");
        Assert.That(await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync(), Is.Empty);
        Assert.That((await harness.Campaigns.GetAsync(campaign.Id))!.Questions, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_campaign_past_its_voting_time_counts_as_closed()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var campaign = await harness.Campaigns.StartAsync(Request(OpinionsHarness.Question("Red", "Blue")));
        harness.Clock.Advance(TimeSpan.FromDays(3));
        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.AskAsync(campaign.Id, OpinionsHarness.Question("Yes", "No")))!;
        Assert.That(refused.Field, Is.EqualTo("campaignId"));
    }

    [Test]
    public async Task An_answer_for_an_unknown_network_or_option_is_refused()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var campaign = await harness.Campaigns.StartAsync(Request(OpinionsHarness.Question("Red", "Blue")) with { Networks = ["replies"] });
        var network = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.SubmitResponseAsync(
            campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [0], Network = "polls", AuthorSubject = "x" }))!;
        Assert.That(network.Field, Is.EqualTo("SubmittedAnswer.Network"));
        var option = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.SubmitResponseAsync(
            campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [2], Network = "replies", AuthorSubject = "x" }))!;
        Assert.That(option.Field, Is.EqualTo("SubmittedAnswer.OptionIndexes[0]"));
    }

    [Test]
    public async Task Each_network_gets_the_method_its_capabilities_allow()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var campaign = await harness.Campaigns.StartAsync(Request(OpinionsHarness.Question("Red", "Blue", "Green")));
        var byNetwork = campaign.Publications.ToDictionary(p => p.Network);
        Assert.That(byNetwork["polls"].Method, Is.EqualTo(VoteMethod.NativePoll));
        Assert.That(byNetwork["polls"].PollId, Is.Not.Null);
        Assert.That(byNetwork["replies"].Method, Is.EqualTo(VoteMethod.NumberedReplies));
        var post = harness.Network("replies").GetPost(byNetwork["replies"].PostId!);
        Assert.That(post.Text, Does.Contain("1. Red\n2. Blue\n3. Green"));
        Assert.That(post.PollId, Is.Null);
    }
}
