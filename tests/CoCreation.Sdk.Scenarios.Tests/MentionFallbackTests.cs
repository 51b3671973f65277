using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// A network without direct messages (Bluesky without a chat service, for one): the programme's direct messages reach the
/// designer as mentions only when the application says so, and never otherwise.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class MentionFallbackTests
{
    private static readonly EmbeddedSnsOptions NoDirectMessages = new() { EnableDirectMessages = false };

    [Test]
    public async Task With_the_option_a_direct_message_goes_out_as_a_mention_of_the_designer()
    {
        await using var h = new ProgramHarness(snsOptions: NoDirectMessages, services: s => s.Configure<CoCreationOptions>(o => o.Relay.MentionWhereNoDirectMessages = true));
        var session = await h.SignInDesignerAsync();
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });

        await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        await h.Program.SyncAsync();

        var mentions = h.Sns.GetMentions(h.Designer.Subject);
        Assert.That(mentions.Count(p => p.Text.Contains("'Scarf' was selected for production", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", mentions.Select(p => p.Text)));
        Assert.That(mentions.All(p => p.AuthorSubject == h.Brand.Subject), Is.True, "the brand posts the mention");
        Assert.That(h.DesignerInbox, Is.Empty, "nothing went to an inbox the network does not have");
    }

    [Test]
    public async Task Without_the_option_nothing_is_posted_in_public()
    {
        await using var h = new ProgramHarness(snsOptions: NoDirectMessages);
        var session = await h.SignInDesignerAsync();
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });

        await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var results = await h.Program.SyncAsync();

        Assert.That(h.Sns.GetMentions(h.Designer.Subject), Is.Empty);
        Assert.That(h.Sns.GetPostsBy(h.Brand.Subject), Is.Empty);
        var accepted = results.Single(r => r.Event.Type == CoCreationEventTypes.DesignReviewed);
        Assert.That(accepted.Deliveries.Single().Status, Is.Not.EqualTo(DeliveryStatus.Delivered));
    }
}
