using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>Several campaign programmes in one application: named opinion instances next to the default one.</summary>
[TestFixture]
public sealed class NamedCampaignsTests
{
    private static OpinionsHarness WithNamed(Action<OpinionOptions>? stores = null) => new(
        [("replies", new EmbeddedSnsOptions { EnablePolls = false })],
        build: (b, _) => b
            .AddOpinions("stores", o => { o.BrandName = "Stores"; stores?.Invoke(o); })
            .AddOpinions("online", o => o.BrandName = "Online"));

    private static OpinionCampaignRequest Request(string title) => new()
    {
        Title = title,
        Language = "en",
        Questions = [new OpinionQuestion { Text = "Which colour?", Options = ["Red", "Blue"] }],
    };

    [Test]
    public async Task Named_instances_keep_their_campaigns_and_responses_apart()
    {
        await using var harness = WithNamed();
        var instances = harness.Services.GetRequiredService<ModuleInstances<OpinionCampaigns>>();
        var stores = instances.Get("stores");
        var online = instances.Get("online");
        Assert.That(instances.Names, Is.EqualTo(new[] { "online", "stores" }));
        Assert.That(stores, Is.SameAs(harness.Services.GetRequiredKeyedService<OpinionCampaigns>("stores")));
        Assert.That(instances.Default, Is.SameAs(harness.Campaigns));

        var campaign = await stores.StartAsync(Request("Store colours"));
        var account = harness.Network("replies").RegisterAccount("ana");
        await stores.SubmitResponseAsync(campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [1], Network = "replies", AuthorSubject = account.Subject });

        Assert.That(await stores.GetAsync(campaign.Id), Is.Not.Null);
        Assert.That(await online.GetAsync(campaign.Id), Is.Null, "another instance does not see the campaign");
        Assert.That(await harness.Campaigns.GetAsync(campaign.Id), Is.Null, "nor does the default instance");
        Assert.ThrowsAsync<CoCreationValidationException>(() => online.SubmitResponseAsync(campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [0], Network = "replies", AuthorSubject = account.Subject }));
        Assert.That(await online.GetResponsesAsync(campaign.Id).ToListAsync(), Is.Empty, "nor its responses");
        Assert.That(await stores.GetResponsesAsync(campaign.Id).ToListAsync(), Has.Count.EqualTo(1));
        Assert.That(await harness.Store.ListDocumentsAsync("opinions.campaigns"), Is.Empty, "the default instance's collection holds nothing of it");
    }

    [Test]
    public async Task Erasing_a_person_covers_every_instance()
    {
        await using var harness = WithNamed();
        var instances = harness.Services.GetRequiredService<ModuleInstances<OpinionCampaigns>>();
        var all = new[] { harness.Campaigns, instances.Get("stores"), instances.Get("online") };
        var (account, session) = await harness.MemberAsync("replies", "ana");
        var campaigns = new List<(OpinionCampaigns Owner, string Id)>();
        foreach (var owner in all)
        {
            var campaign = await owner.StartAsync(Request("Colours"));
            await owner.SubmitResponseAsync(campaign.Id, new SubmittedAnswer { QuestionIndex = 0, OptionIndexes = [0], Network = "replies", AuthorSubject = account.Subject, AuthorHandle = "ana", Text = "Red, says ana" });
            campaigns.Add((owner, campaign.Id));
        }

        await harness.Identities.EraseAsync(session.ParticipantId);

        foreach (var (owner, id) in campaigns)
        {
            var response = (await owner.GetResponsesAsync(id).ToListAsync()).Single();
            Assert.That(response.AuthorSubject, Is.Not.EqualTo(account.Subject), id);
            Assert.That(response.AuthorHandle, Is.Null, id);
            Assert.That(response.Text, Is.Empty, id);
            Assert.That(response.OptionIndexes, Is.EqualTo(new[] { 0 }), id + ": the vote still counts");
        }
    }

    [Test]
    public async Task An_unknown_or_repeated_name_is_refused()
    {
        await using var harness = WithNamed();
        var instances = harness.Services.GetRequiredService<ModuleInstances<OpinionCampaigns>>();
        var unknown = Assert.Throws<ModuleInstanceNotFoundException>(() => instances.Get("kiosks"));
        Assert.That(unknown!.InstanceName, Is.EqualTo("kiosks"));
        Assert.That(unknown.Module, Is.EqualTo(OpinionCampaigns.ModuleName));

        var builder = new ServiceCollection().AddCoCreation().AddOpinions("stores", _ => { });
        var duplicate = Assert.Throws<CoCreationValidationException>(() => builder.AddOpinions("stores", _ => { }));
        Assert.That(duplicate!.Field, Is.EqualTo("name"));
    }

    [Test]
    public async Task Each_instance_options_are_checked()
    {
        var refused = Assert.Throws<CoCreationValidationException>(() => new ServiceCollection().AddCoCreation().AddOpinions("stores", o => o.MaxPagesPerCollect = 0));
        Assert.That(refused!.Field, Does.Contain("MaxPagesPerCollect"));

        await using var harness = WithNamed();
        Assert.DoesNotThrowAsync(async () => await harness.Services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
    }
}
