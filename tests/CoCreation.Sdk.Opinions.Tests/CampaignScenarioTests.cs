using System.Text.Json;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>One campaign on a network with native polls and one without, every count checked against what was planted.</summary>
[TestFixture]
[Category("Scenario")]
public sealed class CampaignScenarioTests
{
    private static readonly string[] Options = ["Ivory", "Navy", "Olive", "Coral"];

    [Test]
    public async Task Every_count_matches_the_planted_answers()
    {
        await using var harness = new OpinionsHarness(
        [
            ("polls", new EmbeddedSnsOptions { EnablePolls = true, MaxPollOptions = 4 }),
            ("replies", new EmbeddedSnsOptions { EnablePolls = false }),
        ],
        o =>
        {
            o.MaxPagesPerCollect = 1;
            o.Moderation.BannedWordsEnglish.Add("garbage");
        });
        var random = new Random(4242);
        var polls = harness.Network("polls");
        var replies = harness.Network("replies");

        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest
        {
            Title = "Colours",
            Questions = [new OpinionQuestion { Text = "Which colour for the spring coat?", Options = Options, Duration = TimeSpan.FromDays(3) }],
            Keywords = ["#springcoat"],
            Language = "en",
        });
        var poll = campaign.Publications.Single(p => p.Network == "polls");
        var thread = campaign.Publications.Single(p => p.Network == "replies");
        Assert.That(poll.Method, Is.EqualTo(VoteMethod.NativePoll));
        Assert.That(thread.Method, Is.EqualTo(VoteMethod.NumberedReplies));

        // Native poll: 40 anonymous voters.
        var pollCounts = new int[4];
        for (var i = 0; i < 40; i++)
        {
            var option = random.Next(4);
            polls.Vote(polls.RegisterAccount($"p{i}").Credential, poll.PollId!, option);
            pollCounts[option]++;
        }

        // Numbered replies: 30 honest voters, 6 of whom change their mind later; only the last vote counts.
        var replyCounts = new int[4];
        for (var i = 0; i < 30; i++)
        {
            var voter = replies.RegisterAccount($"r{i}");
            var final = random.Next(4);
            if (i < 6)
            {
                replies.Post(voter.Credential, ((final + 1) % 4 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), thread.PostId);
                harness.Clock.Advance(TimeSpan.FromMinutes(1));
            }

            replies.Post(voter.Credential, (final + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + (i % 3 == 0 ? $" because it goes with jeans no. {i}" : ""), thread.PostId);
            replyCounts[final]++;
            harness.Clock.Advance(TimeSpan.FromMinutes(3));
        }

        // Three votes moderation holds back, four opinions in words, three keyword posts.
        for (var i = 0; i < 3; i++)
        {
            replies.Post(replies.RegisterAccount($"spam{i}").Credential, "1 this poll is garbage", thread.PostId);
        }

        string[] opinions = ["Linen coats please", "More linen", "linen for summer", "Bigger pockets"];
        for (var i = 0; i < opinions.Length; i++)
        {
            replies.Post(replies.RegisterAccount($"o{i}").Credential, opinions[i], thread.PostId);
        }

        replies.Post(replies.RegisterAccount("tag1").Credential, "Waiting for the #springcoat drop");
        replies.Post(replies.RegisterAccount("tag2").Credential, "#springcoat in olive would be great");
        polls.Post(polls.RegisterAccount("tag3").Credential, "Love the #springcoat teaser");

        // Collection resumes page by page (one page per run here) until nothing is left.
        var runs = 0;
        var newResponses = 0;
        CollectionReport report;
        do
        {
            report = await harness.Campaigns.CollectAsync(campaign.Id);
            Assert.That(report.Errors, Is.Empty);
            newResponses += report.NewResponses;
            runs++;
        }
        while (report.HasMore && runs < 20);

        Assert.That(runs, Is.GreaterThan(1), "the replies span several pages");
        Assert.That(newResponses, Is.EqualTo(30 + 6 + 3 + 4 + 3));
        Assert.That((await harness.Campaigns.CollectAsync(campaign.Id)).NewResponses, Is.Zero, "reading again stores nothing twice");

        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        var question = statistics.Questions.Single();
        for (var o = 0; o < 4; o++)
        {
            Assert.That(question.Count(o, "polls"), Is.EqualTo(pollCounts[o]), $"polls, option {o}");
            Assert.That(question.Count(o, "replies"), Is.EqualTo(replyCounts[o]), $"replies, option {o}");
            Assert.That(question.Totals[o], Is.EqualTo(pollCounts[o] + replyCounts[o]), $"combined, option {o}");
        }

        Assert.That(question.AnonymousPollVoters, Is.EqualTo(40));
        Assert.That(question.CountedVoters, Is.EqualTo(30));
        Assert.That(question.SupersededVotes, Is.EqualTo(6));
        Assert.That(statistics.TotalResponses, Is.EqualTo(46));
        Assert.That(statistics.FilteredResponses, Is.EqualTo(3));
        Assert.That(statistics.FilteredByFilter["banned-words"], Is.EqualTo(3));
        Assert.That(statistics.UniqueRespondents, Is.EqualTo(30 + 4 + 3));
        Assert.That(statistics.ResponsesOverTime.Sum(b => b.Responses), Is.EqualTo(statistics.AcceptedResponses));
        Assert.That(statistics.TopTerms, Does.Contain(new TermCount("jeans", 10)).And.Contain(new TermCount("linen", 3)));
        Assert.That(statistics.TopTerms.Select(t => t.Term), Does.Not.Contain("because").And.Not.Contain("garbage"), "stop words and held-back texts are not terms");

        var csv = statistics.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(csv[0], Is.EqualTo("question_index,question,option_index,option,network,votes,poll_votes,person_votes"));
        Assert.That(csv, Has.Length.EqualTo(1 + (4 * 3)));
        for (var o = 0; o < 4; o++)
        {
            Assert.That(csv, Does.Contain($"0,Which colour for the spring coat?,{o},{Options[o]},polls,{pollCounts[o]},{pollCounts[o]},0"));
            Assert.That(csv, Does.Contain($"0,Which colour for the spring coat?,{o},{Options[o]},replies,{replyCounts[o]},0,{replyCounts[o]}"));
            Assert.That(csv, Does.Contain($"0,Which colour for the spring coat?,{o},{Options[o]},all,{pollCounts[o] + replyCounts[o]},{pollCounts[o]},{replyCounts[o]}"));
        }

        using var json = JsonDocument.Parse(statistics.ToJson());
        Assert.That(json.RootElement.GetProperty("uniqueRespondents").GetInt32(), Is.EqualTo(37));
        Assert.That(json.RootElement.GetProperty("questions")[0].GetProperty("totals").EnumerateArray().Select(e => e.GetInt32()),
            Is.EqualTo(Enumerable.Range(0, 4).Select(o => pollCounts[o] + replyCounts[o])));

        var kinds = (await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync()).GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(kinds[ResponseKind.Vote], Is.EqualTo(30 + 6 + 3));
        Assert.That(kinds[ResponseKind.Reply], Is.EqualTo(4));
        Assert.That(kinds[ResponseKind.SearchHit], Is.EqualTo(3));
    }

    [Test]
    public async Task A_survey_thread_keeps_each_question_s_replies_apart()
    {
        await using var harness = new OpinionsHarness([("replies", new EmbeddedSnsOptions { EnablePolls = false })]);
        var replies = harness.Network("replies");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest
        {
            Title = "Survey",
            Questions = [OpinionsHarness.Question("Red", "Blue"), OpinionsHarness.Question("S", "M", "L") with { Text = "Which size?" }],
            Language = "en",
        });
        var first = campaign.Publications.Single(p => p.QuestionIndex == 0);
        var second = campaign.Publications.Single(p => p.QuestionIndex == 1);
        Assert.That(replies.GetPost(second.PostId!).InReplyToId, Is.EqualTo(first.PostId), "the second question continues the thread");

        var member = replies.RegisterAccount("m");
        replies.Post(member.Credential, "2", first.PostId);
        var answer = replies.Post(member.Credential, "3", second.PostId);
        replies.Post(replies.RegisterAccount("n").Credential, "agreed, L is best", answer.Id);
        await harness.Campaigns.CollectAsync(campaign.Id);

        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        Assert.That(statistics.Questions[0].Totals, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(statistics.Questions[1].Totals, Is.EqualTo(new[] { 0, 0, 1 }));
        var responses = await harness.Campaigns.GetResponsesAsync(campaign.Id).ToListAsync();
        Assert.That(responses.Single(r => r.Text.StartsWith("agreed", StringComparison.Ordinal)).QuestionIndex, Is.EqualTo(1));
    }

    [Test]
    public async Task A_direct_message_survey_reaches_opted_in_participants_and_counts_submitted_answers()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var (account, session) = await harness.MemberAsync("replies", "optin");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest
        {
            Title = "Private survey",
            Questions = [OpinionsHarness.Question("Red", "Blue")],
            Delivery = SurveyDelivery.DirectMessages,
            OptedInParticipants = [session.ParticipantId],
            Language = "en",
        });
        Assert.That(harness.Network("replies").GetInbox(account.Subject).Single().Text, Does.Contain("1. Red"));
        await harness.Campaigns.SubmitResponseAsync(campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [1], Network = "replies", AuthorSubject = account.Subject });
        var statistics = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        Assert.That(statistics.Questions[0].Count(1, "replies"), Is.EqualTo(1));

        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Campaigns.StartAsync(new OpinionCampaignRequest
        {
            Title = "Nobody",
            Questions = [OpinionsHarness.Question("Red", "Blue")],
            Delivery = SurveyDelivery.DirectMessages,
        }))!;
        Assert.That(refused.Field, Is.EqualTo("OpinionCampaignRequest.OptedInParticipants"));
    }

    [Test]
    public async Task The_fallback_runs_on_any_connector_through_the_contract_alone()
    {
        // A connector known only by the interface, on a network without polls, gets a numbered-reply vote end to end.
        EmbeddedSnsAccount? brand = null;
        await using var harness = new OpinionsHarness(
            [("replies", new EmbeddedSnsOptions { EnablePolls = false })],
            build: (builder, h) => builder.AddSnsConnector("contract-only", _ =>
            {
                brand = h.Network("replies").RegisterAccount("brand2");
                return new ContractOnlyConnector(h.Network("replies").CreateConnector("contract-only", brand.Credential));
            }));
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("A", "B")], Networks = ["contract-only"], Language = "en" });
        var publication = campaign.Publications.Single();
        Assert.That(publication.Method, Is.EqualTo(VoteMethod.NumberedReplies));
        Assert.That(harness.Network("replies").GetPostsBy(brand!.Subject).Single().Text, Does.Contain("1. A\n2. B"));

        harness.Network("replies").Post(harness.Network("replies").RegisterAccount("voter").Credential, "2", publication.PostId);
        await harness.Campaigns.CollectAsync(campaign.Id);
        Assert.That((await harness.Campaigns.GetStatisticsAsync(campaign.Id)).Questions[0].Count(1, "contract-only"), Is.EqualTo(1));
    }

    /// <summary>Wraps a connector behind nothing but the interface.</summary>
    private sealed class ContractOnlyConnector(ISnsConnector inner) : ISnsConnector
    {
        public SnsConnectorMetadata Metadata => inner.Metadata;

        public SnsCapabilities Capabilities => inner.Capabilities with { SupportsPolls = false };

        public Task<SnsIdentity> VerifyCredentialsAsync(SnsCredential credential, CancellationToken cancellationToken = default) => inner.VerifyCredentialsAsync(credential, cancellationToken);

        public Task<SnsPost> PublishAsync(PostRequest request, CancellationToken cancellationToken = default) => inner.PublishAsync(request, cancellationToken);

        public Task<SnsPoll> CreatePollAsync(PollRequest request, CancellationToken cancellationToken = default) => throw new CapabilityNotSupportedException("contract-only", "polls");

        public Task<PollResults> GetPollResultsAsync(string pollId, CancellationToken cancellationToken = default) => throw new CapabilityNotSupportedException("contract-only", "polls");

        public Task<SnsMessage> SendDirectMessageAsync(DirectMessageRequest request, CancellationToken cancellationToken = default) => inner.SendDirectMessageAsync(request, cancellationToken);

        public AsyncPageable<SnsPost> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default) => inner.SearchAsync(query, cancellationToken);

        public AsyncPageable<SnsPost> GetRepliesAsync(string postId, CancellationToken cancellationToken = default) => inner.GetRepliesAsync(postId, cancellationToken);
    }
}
