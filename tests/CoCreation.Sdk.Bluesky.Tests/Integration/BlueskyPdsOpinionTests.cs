using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Integration;

/// <summary>
/// The opinions module's numbered-reply fallback, end to end on the real PDS started by <c>eng/peers/bluesky/up.sh</c>:
/// <see cref="OpinionCampaigns"/> runs with the Bluesky connector registered as its network, plans the vote from the
/// connector's capabilities (no polls, so numbered replies), publishes the question as the brand, and after separate
/// accounts on the PDS reply it collects, parses and counts the replies itself. Each test creates its own accounts.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class BlueskyPdsOpinionTests
{
    private const string Network = "bluesky";

    private static readonly OpinionQuestion Colour = new()
    {
        Text = "Which colour should the next drop come in?",
        Options = ["Red", "Blue", "Green"],
        Duration = TimeSpan.FromDays(1),
    };

    private static readonly OpinionQuestion Size = new()
    {
        Text = "And which size should we make most of?",
        Options = ["S", "M"],
        Duration = TimeSpan.FromDays(1),
    };

    private PdsPeer peer = null!;
    private ServiceProvider? provider;

    [SetUp]
    public void Connect() => peer = PdsPeer.Connect();

    [TearDown]
    public void Disconnect()
    {
        provider?.Dispose();
        provider = null;
        // Null when SetUp found no peer and ignored the test.
        peer?.Dispose();
    }

    /// <summary>
    /// One question with three options. Three accounts reply "1", "2" and "1" (the third first said "2" and then
    /// changed its mind), the first also writes an opinion in words, and the brand itself answers under the question
    /// with a text that starts with a number. The SDK counts Red 2, Blue 1, Green 0 from three people.
    /// </summary>
    [Test]
    public async Task NumberedReplyVote_RunByOpinionCampaigns_IsCountedByTheSdkAsync()
    {
        var (campaigns, connector, brand) = await StartSdkAsync();
        var signIn = provider!.GetRequiredService<ISnsSignIn>();

        var campaign = await campaigns.StartAsync(new OpinionCampaignRequest { Title = "Next drop", Questions = [Colour], Networks = [Network], Language = "en" });

        var publication = campaign.Publications.Single();
        var record = await peer.GetRecordAsync(publication.PostId!);
        var posted = record["value"]!["text"]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(connector.Capabilities.SupportsPolls, Is.False, "Bluesky has no native polls");
            Assert.That(publication.Network, Is.EqualTo(Network));
            Assert.That(publication.Method, Is.EqualTo(VoteMethod.NumberedReplies), "the planner fell back to numbered replies");
            Assert.That(publication.Reason, Does.Contain("no polls"));
            Assert.That(publication.PollId, Is.Null);
            Assert.That(publication.BrandSubject, Is.EqualTo(brand.Did), "the brand published the question");
            Assert.That(publication.PostId, Does.StartWith($"at://{brand.Did}/app.bsky.feed.post/"), "the post is in the brand's repository");
            Assert.That(posted, Is.EqualTo(VotePlanner.NumberedText(Colour, "en")), "the PDS holds the numbered-reply text as planned");
            Assert.That(posted, Does.StartWith(Colour.Text).And.Contain("\n1. Red\n2. Blue\n3. Green\n").And.EndWith("Reply with one number (1, 2, 3)."));
            Assert.That(record["value"]!["reply"], Is.Null, "a campaign's first question starts a thread");
        }

        // The first voter signed in through the SDK, so the identity map ties the vote to a participant.
        var ana = await peer.CreateAccountAsync("ana");
        var ben = await peer.CreateAccountAsync("ben");
        var cho = await peer.CreateAccountAsync("cho");
        var anaSession = await signIn.SignInAsync(Network, (await connector.CreateSessionAsync(ana.Handle, ana.Password)).ToCredential());
        var question = publication.PostId!;
        await peer.ReplyAsync(ana, question, "1");
        await peer.ReplyAsync(ben, question, "2");
        await peer.ReplyAsync(cho, question, "2");
        await peer.ReplyAsync(cho, question, "1 on second thought");
        var noise = await peer.ReplyAsync(ana, question, "Love both colours, honestly!");
        var brandReply = await connector.PublishAsync(new PostRequest { Text = "2 days left to vote!", InReplyToId = question });

        var report = await campaigns.CollectAsync(campaign.Id);
        var again = await campaigns.CollectAsync(campaign.Id);
        var responses = await ToListAsync(campaigns.GetResponsesAsync(campaign.Id));
        var statistics = await campaigns.GetStatisticsAsync(campaign.Id);
        var results = statistics.Questions.Single();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Errors, Is.Empty);
            Assert.That(report.NewResponses, Is.EqualTo(5), "four votes and one opinion; the brand's own reply is not a response");
            Assert.That(report.NewlyFiltered, Is.Zero);
            Assert.That(report.PollsRead, Is.Zero, "there is no native poll to read");
            Assert.That(again.NewResponses, Is.Zero, "collecting again stores nothing twice");
            Assert.That(responses.Select(r => r.ItemId), Does.Not.Contain(brandReply.Id));
            Assert.That(responses.Where(r => r.Kind == ResponseKind.Vote).Select(r => r.Text), Is.EqualTo(new[] { "1", "2", "2", "1 on second thought" }));
            Assert.That(responses.Single(r => r.Kind == ResponseKind.Reply).ItemId, Is.EqualTo(noise.Uri), "the opinion in words is a reply, not a vote");
            Assert.That(responses.Single(r => r.Kind == ResponseKind.Reply).OptionIndexes, Is.Empty);
            Assert.That(responses.Where(r => r.AuthorSubject == ana.Did).Select(r => r.ParticipantId), Is.All.EqualTo(anaSession.Participant.Id), "the signed-in voter counts as the participant");
            Assert.That(responses.Where(r => r.AuthorSubject == ben.Did).Select(r => r.RespondentKey), Is.All.EqualTo($"sns:{Network}:{ben.Did}"), "an account never signed in counts as itself");
            Assert.That(responses.Select(r => r.AuthorHandle).Distinct(), Is.EquivalentTo(new[] { ana.Handle, ben.Handle, cho.Handle }));

            Assert.That(results.Options, Is.EqualTo(Colour.Options));
            Assert.That(results.Totals, Is.EqualTo(new[] { 2, 1, 0 }), "Red 2, Blue 1, Green 0");
            Assert.That(results.Count(0, Network), Is.EqualTo(2));
            Assert.That(results.Count(1, Network), Is.EqualTo(1));
            Assert.That(results.CountedVoters, Is.EqualTo(3));
            Assert.That(results.SupersededVotes, Is.EqualTo(1), "the third voter's first answer was replaced by the latest");
            Assert.That(results.LateVotes, Is.Zero);
            Assert.That(results.AnonymousPollVoters, Is.Zero);
            Assert.That(statistics.UniqueRespondents, Is.EqualTo(3), "three people responded; the brand is not one of them");
            Assert.That(statistics.TotalResponses, Is.EqualTo(5));
            Assert.That(statistics.FilteredResponses, Is.Zero);
            Assert.That(await campaigns.GetPollTalliesAsync(campaign.Id), Is.Empty);
        }
    }

    /// <summary>
    /// A follow-up question asked in the same thread is posted as a reply under the first question. Replies under
    /// the follow-up count for the follow-up only, replies under the first question for the first only, and a reply
    /// to a voter's reply is an opinion, not a vote.
    /// </summary>
    [Test]
    public async Task FollowUpQuestion_InTheSameThread_CountsItsOwnRepliesAsync()
    {
        var (campaigns, _, brand) = await StartSdkAsync();
        var campaign = await campaigns.StartAsync(new OpinionCampaignRequest { Title = "Next drop", Questions = [Colour], Networks = [Network], Language = "en" });
        var first = campaign.Publications.Single().PostId!;
        var ana = await peer.CreateAccountAsync("ana");
        var ben = await peer.CreateAccountAsync("ben");
        var cho = await peer.CreateAccountAsync("cho");
        await peer.ReplyAsync(ana, first, "1");
        await peer.ReplyAsync(ben, first, "3");
        var early = await campaigns.CollectAsync(campaign.Id);

        campaign = await campaigns.AskAsync(campaign.Id, Size);

        var followUp = campaign.Publications.Single(p => p.QuestionIndex == 1);
        var record = await peer.GetRecordAsync(followUp.PostId!);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(campaign.Questions, Has.Count.EqualTo(2));
            Assert.That(followUp.Method, Is.EqualTo(VoteMethod.NumberedReplies));
            Assert.That(followUp.BrandSubject, Is.EqualTo(brand.Did));
            Assert.That(record["value"]!["text"]!.GetValue<string>(), Is.EqualTo(VotePlanner.NumberedText(Size, "en")).And.Contain("\n1. S\n2. M\n"));
            Assert.That(record["value"]!["reply"]!["parent"]!["uri"]!.GetValue<string>(), Is.EqualTo(first), "the follow-up answers the first question");
            Assert.That(record["value"]!["reply"]!["root"]!["uri"]!.GetValue<string>(), Is.EqualTo(first), "in the same thread");
        }

        var anaSize = await peer.ReplyAsync(ana, followUp.PostId!, "2");
        await peer.ReplyAsync(cho, followUp.PostId!, "1");
        await peer.ReplyAsync(ben, followUp.PostId!, "2");
        await peer.ReplyAsync(cho, first, "2");
        var nested = await peer.ReplyAsync(ben, anaSize.Uri, "1 for me too");

        var report = await campaigns.CollectAsync(campaign.Id);
        var responses = await ToListAsync(campaigns.GetResponsesAsync(campaign.Id));
        var statistics = await campaigns.GetStatisticsAsync(campaign.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(early.NewResponses, Is.EqualTo(2));
            Assert.That(report.Errors, Is.Empty);
            Assert.That(report.NewResponses, Is.EqualTo(5), "three votes on the follow-up, one on the first question and one nested reply");
            Assert.That(responses.Where(r => r.QuestionIndex == 0).Select(r => r.Text), Is.EqualTo(new[] { "1", "3", "2" }));
            Assert.That(responses.Where(r => r.QuestionIndex == 1).Select(r => r.Text), Is.EqualTo(new[] { "2", "1", "2", "1 for me too" }));
            Assert.That(responses.Single(r => r.ItemId == nested.Uri).Kind, Is.EqualTo(ResponseKind.Reply), "a number in a reply to a voter is not a vote");
            Assert.That(statistics.Questions[0].Totals, Is.EqualTo(new[] { 1, 1, 1 }), "Red 1, Blue 1, Green 1: the follow-up's replies are not counted here");
            Assert.That(statistics.Questions[0].CountedVoters, Is.EqualTo(3));
            Assert.That(statistics.Questions[1].Totals, Is.EqualTo(new[] { 1, 2 }), "S 1, M 2");
            Assert.That(statistics.Questions[1].CountedVoters, Is.EqualTo(3));
            Assert.That(statistics.Questions.Select(q => q.SupersededVotes), Is.All.EqualTo(0));
            Assert.That(statistics.UniqueRespondents, Is.EqualTo(3));
        }
    }

    private async Task<(OpinionCampaigns Campaigns, BlueskyConnector Connector, PdsAccount Brand)> StartSdkAsync()
    {
        var brand = await peer.CreateAccountAsync("brand");
        var appPassword = await peer.CreateAppPasswordAsync(brand);
        var services = new ServiceCollection();
        services.AddCoCreation()
            .AddBluesky(Network, o =>
            {
                o.Service = peer.Url;
                o.Identifier = brand.Handle;
                o.AppPassword = appPassword;
                o.ReadMode = BlueskyReadMode.PdsRepositories;
            })
            .AddOpinions();
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return (provider.GetRequiredService<OpinionCampaigns>(), provider.Connector(Network), brand);
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
