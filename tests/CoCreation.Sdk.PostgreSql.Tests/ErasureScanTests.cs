using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CoCreation.Sdk.CoDevelopment;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// One person takes part in every module on the PostgreSQL store (opinion campaign, idea board, co-development,
/// community products), and other people receive events that name her. After erasure no column of any row of any
/// table of the store's schema holds her handle, SNS account id, e-mail, display name or texts, while the application
/// runs and after it stopped; what erasure kept or changed is read back from the store and the providers.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed partial class ErasureScanTests
{
    private const string Network = "social";
    private const string Cloud = "cloud";
    private const string Erp = "erp";
    private const string Handle = "minazq7x";
    private const string DisplayName = "권미나 Zq7x";
    private const string Email = "mina.kwon.zq7x@mail.example";
    private const string Reply = "walnut armrests please, qv3k";
    private const string SearchPost = "#chairzq7 my old sofa story wq8m";
    private const string Application = "count me in for the chair, tr5p";
    private const string IdeaTitle = "Foldable armrest yk2d";
    private const string IdeaText = "Armrests that fold flat when not in use, yk2d";
    private const string Comment = "Stacking would save space hn4c";
    private const string Discussion = "The foam model feels right, pb6s";
    private static readonly DateTimeOffset Start = new(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);

    private PostgresSchema? _schema;

    [SetUp]
    public async Task SetUp() => _schema = await PostgresSchema.CreateAsync();

    [TearDown]
    public async Task TearDown()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
            _schema = null;
        }
    }

    [Test]
    public async Task Erasure_leaves_none_of_her_data_in_any_table_while_running_and_after_stopping()
    {
        var clock = new FakeTimeProvider(Start);
        var sns = new EmbeddedSnsNetwork(null, clock);
        var cloudService = new EmbeddedCloudService(null, clock);
        using var erp = new EmbeddedEnterpriseSystem(Erp, timeProvider: clock);
        var brand = sns.RegisterAccount("brand");
        var her = sns.RegisterAccount(Handle, DisplayName, "ko-KR");
        var bob = sns.RegisterAccount("bobby9", "Bob Bystander", "en-US");
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddCoCreation()
            .UsePostgreSql(_schema!.ConnectionString)
            .AddEmbeddedSns(Network, sns, brand.Credential)
            .AddEmbeddedCloudWorkspace(Cloud, cloudService)
            .AddEmbeddedEnterprise(erp)
            .AddOpinions()
            .AddCoDevelopment(o =>
            {
                o.ProjectId = "chair";
                o.ProjectName = "Chair 2027";
                o.BrandName = "Test Brand";
                o.CloudWorkspace = Cloud;
                o.Networks.Add(Network);
            })
            .AddCommunityProducts(o =>
            {
                o.EnterpriseSystem = Erp;
                o.BrandName = "Test Brand";
            });

        var needles = new Dictionary<string, string>
        {
            ["handle"] = Handle,
            ["SNS account id"] = her.Subject,
            ["e-mail"] = Email,
            ["display name"] = DisplayName,
            ["reply text"] = Reply,
            ["search post"] = SearchPost,
            ["application reply"] = Application,
            ["idea title"] = IdeaTitle,
            ["idea text"] = IdeaText,
            ["comment"] = Comment,
            ["discussion post"] = Discussion,
        };

        string herId;
        await using (var provider = services.BuildServiceProvider())
        {
            var signIn = provider.GetRequiredService<ISnsSignIn>();
            var identities = provider.GetRequiredService<IIdentityMap>();
            var store = provider.GetRequiredService<ICoCreationStore>();
            var campaigns = provider.GetRequiredService<OpinionCampaigns>();
            var ideas = provider.GetRequiredService<IdeaBoard>();
            var project = provider.GetRequiredService<CoDevelopmentProject>();
            var program = provider.GetRequiredService<CommunityProductProgram>();

            var hers = await signIn.SignInAsync(Network, her.Credential);
            var bobs = await signIn.SignInAsync(Network, bob.Credential);
            herId = hers.ParticipantId;

            // Opinions: a reply to the question and a post found by the campaign's hashtag.
            var campaign = await campaigns.StartAsync(new OpinionCampaignRequest
            {
                Title = "Chair survey",
                Questions = [new OpinionQuestion { Text = "Which armrests?", Options = ["wood", "metal"] }],
                Keywords = ["#chairzq7"],
                Language = "en",
            });
            var question = campaign.Publications.Single().PostId!;
            sns.Post(her.Credential, Reply, question);
            sns.Post(bob.Credential, "metal for me", question);
            clock.Advance(TimeSpan.FromMinutes(1));
            sns.Post(her.Credential, SearchPost);
            await campaigns.CollectAsync(campaign.Id);
            var collected = await Responses(campaigns, campaign.Id);
            Assert.That(collected.Count(r => r.ParticipantId == herId), Is.EqualTo(2), "her reply and her post were collected");

            // Idea board: her idea (which Bob supports and which moves, so Bob is told its title), her support and
            // her comment on Bob's idea.
            var idea = await ideas.SubmitAsync(new IdeaSubmission { Title = IdeaTitle, Text = IdeaText, Author = IdeaPersonRef.Participant(herId) });
            await ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(bobs.ParticipantId));
            var bobIdea = await ideas.SubmitAsync(new IdeaSubmission { Title = "Stackable chairs", Text = "Chairs that stack", Author = IdeaPersonRef.Participant(bobs.ParticipantId) });
            await ideas.SupportAsync(bobIdea.Id, IdeaPersonRef.Participant(herId));
            await ideas.CommentAsync(bobIdea.Id, IdeaPersonRef.Participant(herId), Comment);
            await ideas.MoveAsync(idea.Id, IdeaStage.UnderReview, "the team is looking at it");
            Assert.That(sns.GetInbox(bob.Subject).Select(m => m.Text), Has.Some.Contains(IdeaTitle), "Bob was told about her idea by title");

            // Co-development: she applies by reply, is admitted with her address, is invited to a milestone, posts in
            // its discussion and edits a document, which Bob is told about by her name.
            var recruitment = await project.RecruitAsync(new RecruitmentCall { KoreanText = "의자 공동 개발 참가자를 모집합니다.", EnglishText = "Join us: reply to apply.", Cap = 10 });
            sns.Post(her.Credential, Application, recruitment.Posts.Single().Id);
            await project.CollectApplicationsAsync();
            await project.ApplyAsync(bobs);
            await AdmitAsync(project, sns, hers, her, Email);
            await AdmitAsync(project, sns, bobs, bob, "bob.9@mail.example");
            var workspace = await project.ProvisionAsync(new ProvisioningPlan { WorkspaceName = "Chair 2027", StarterDocuments = [new DocumentSpec { Title = "Requirements" }] });
            var milestone = await project.ScheduleAsync(new MilestoneSpec { Title = "Prototype review", Start = Start.AddDays(7), End = Start.AddDays(7).AddHours(1) });
            sns.Post(her.Credential, Discussion, milestone.Threads.Single().PostId);
            var member = (await project.GetMembersAsync()).Single(m => m.ParticipantId == herId);
            cloudService.EditDocument(member.CloudAccountId, workspace.Documents[0].Id, "her version");
            await project.SyncAsync();
            Assert.That(sns.GetInbox(bob.Subject).Select(m => m.Text), Has.Some.Contains(DisplayName), "Bob was told about her edit by her name");

            // Community products: her design is produced and listed, and she subscribes to its reports.
            var design = await program.SubmitDesignAsync(hers, new DesignSubmission { Title = "Walnut stool", Description = "A low stool", IdempotencyKey = "stool-1" });
            design = await program.ReviewDesignAsync(design.Id, new DesignReview(true));
            var order = await program.RequestProductionAsync(hers, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = "one size", IdempotencyKey = "stool-run-1" });
            await program.ReportProductionProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
            var listing = await program.ListProductAsync(design.Id, new Money(30000m, "KRW"), "terms");
            await program.SubscribeToReportsAsync(hers, listing.Id, ReportFrequency.Daily);
            erp.PlaceOrder(listing.Id, "A buyer", 2);
            await program.SyncAsync();
            var herAccount = (await identities.GetAsync(herId))!.FindEnterpriseLink(Erp)!.AccountId;
            Assert.That((await erp.GetAccountAsync(herAccount)).DisplayName, Is.EqualTo(DisplayName));

            // The scan must be able to find each value, or zero hits afterwards would prove nothing.
            foreach (var (what, value) in needles)
            {
                Assert.That(await CountInTables(value), Is.GreaterThan(0), $"before erasure the tables hold her {what}");
            }

            await identities.EraseAsync(herId);

            // While the application runs.
            TestContext.Out.WriteLine("tables: " + string.Join(", ", await _schema!.TablesAsync()));
            foreach (var (what, value) in needles)
            {
                Assert.That(await CountInTables(value), Is.Zero, $"her {what} is still in a table while the application runs");
            }

            Assert.That(await CountInTables(herId), Is.Zero, "her participant id is still in a table while the application runs");
            Assert.That(await CountInTables("bobby9"), Is.GreaterThan(0), "the scan still finds the bystander's handle");

            // Read back from the store: her records are gone or anonymised, other people's are intact.
            var anonymousId = (await store.GetAuditAsync(null)).Last().ParticipantId;
            Assert.That(await identities.GetAsync(herId), Is.Null);
            var responses = await Responses(campaigns, campaign.Id);
            Assert.That(responses, Has.Count.EqualTo(collected.Count), "her responses still count, anonymously");
            Assert.That(responses.Where(r => r.RespondentKey == anonymousId).Select(r => r.Text), Is.All.Empty);
            Assert.That(responses.Single(r => r.Text == "metal for me").AuthorHandle, Is.EqualTo("bobby9").IgnoreCase.Or.EqualTo("@bobby9").IgnoreCase);
            Assert.That((await campaigns.CollectAsync(campaign.Id)).NewResponses, Is.Zero, "her posts, still on the network, are not collected again");

            var herIdea = (await ideas.GetAsync(idea.Id))!;
            Assert.That(herIdea.Text, Is.Empty);
            Assert.That(herIdea.Authors.Single().Key, Is.EqualTo(anonymousId));
            Assert.That(herIdea.Supporters.Single().Person.Key, Is.EqualTo(bobs.ParticipantId), "Bob's support of her idea stays");
            var bobsIdea = (await ideas.GetAsync(bobIdea.Id))!;
            Assert.That(bobsIdea.Supporters.Select(s => s.Person.Key), Is.EqualTo(new[] { anonymousId }), "her support counts, anonymously");
            Assert.That(bobsIdea.Comments, Is.Empty, "her comment is removed");
            Assert.That(bobsIdea.Title, Is.EqualTo("Stackable chairs"));

            Assert.That((await project.GetMembersAsync()).Select(m => m.ParticipantId), Is.EqualTo(new[] { bobs.ParticipantId }));
            var applicants = await project.GetApplicantsAsync();
            Assert.That(applicants, Has.Count.EqualTo(2), "her application keeps its place in the order");
            Assert.That(applicants.Where(a => a.ParticipantId != bobs.ParticipantId).Select(a => a.ReplyText), Is.All.Null);
            Assert.That(await project.CollectApplicationsAsync(), Is.Empty, "her reply to the call is not read again");
            Assert.That((await project.GetDiscussionAsync()).Select(d => d.Text), Is.All.Empty);
            Assert.That((await project.GetMilestonesAsync()).Single().Attendees, Is.EqualTo(new[] { "bob.9@mail.example" }));

            var toBob = (await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Where(m => m.RecipientId == bobs.ParticipantId).ToList();
            Assert.That(toBob.SelectMany(m => m.Event.Data.Values), Has.Some.EqualTo(ErasedPerson.EnglishName).Or.Some.Contains(ErasedPerson.KoreanName),
                "Bob's events name a former participant instead of her");

            // Read back from the providers: the account the SDK provisioned is anonymised and her listing is off sale;
            // the sale stays with the company.
            var account = await erp.GetAccountAsync(herAccount);
            Assert.That(account.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
            Assert.That(account.Login, Is.EqualTo(ErasedPerson.Login(herAccount)));
            Assert.That(account.IsActive, Is.False);
            Assert.That((await erp.GetListingAsync(listing.Id)).Status, Is.EqualTo(ListingStatus.Delisted), "her listing is off sale");
            Assert.That(await erp.GetSalesAsync(listing.Id, Start.AddYears(-1), Start.AddYears(1)), Has.Count.EqualTo(1), "the sale stays");
            var cloudAccount = cloudService.GetAccount(member.CloudAccountId);
            Assert.That(cloudAccount.Email, Is.EqualTo(ErasedPerson.Email(member.CloudAccountId)));
            Assert.That(cloudService.GetScheduleEntries(workspace.Workspace.Id).Single().Attendees, Has.None.EqualTo(Email).IgnoreCase);
        }

        // After the application stopped.
        foreach (var (what, value) in needles)
        {
            Assert.That(await CountInTables(value), Is.Zero, $"her {what} is still in a table after stopping");
        }

        Assert.That(await CountInTables(herId), Is.Zero);
    }

    private static async Task<List<OpinionResponse>> Responses(OpinionCampaigns campaigns, string campaignId)
    {
        var list = new List<OpinionResponse>();
        await foreach (var response in campaigns.GetResponsesAsync(campaignId))
        {
            list.Add(response);
        }

        return list;
    }

    private static async Task AdmitAsync(CoDevelopmentProject project, EmbeddedSnsNetwork sns, ParticipantSession session, EmbeddedSnsAccount account, string email)
    {
        await project.RequestEmailConfirmationAsync(session, email);
        var code = SixDigits().Match(sns.GetInbox(account.Subject).Last().Text).Value;
        await project.AdmitAsync(session, email, code);
    }

    /// <summary>Rows of the store's tables holding a text in any column, as written or JSON-escaped, ignoring case.</summary>
    private Task<int> CountInTables(string text) => _schema!.CountRowsHoldingAsync(text);

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
