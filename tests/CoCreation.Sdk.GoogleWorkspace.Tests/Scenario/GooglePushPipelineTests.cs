using System.Text.RegularExpressions;
using CoCreation.Sdk.CoDevelopment;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Scenario;

/// <summary>
/// End to end: a co-development project whose workspace is on the stateful Drive and Calendar fake and whose members
/// are on the embedded SNS. A Google push notification, taken in by the real <see cref="GooglePushReceiver"/> through
/// <see cref="IEventPipeline.ReceiveWebhookAsync"/>, brings a Drive edit to the members' inboxes without a scheduled
/// sync; the same push with a forged channel token is refused and brings nothing.
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed partial class GooglePushPipelineTests
{
    private const string Social = "social";

    [Test]
    public async Task PushWithTheChannelToken_BringsADriveEditToTheMembersInbox_AndAForgedTokenIsRefusedAsync()
    {
        using var fake = new FakeGoogle();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var network = new EmbeddedSnsNetwork(null, time);
        var brand = network.RegisterAccount("brand");
        var accessToken = fake.IssueAccessToken();

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddCoCreation()
            .AddEmbeddedSns(Social, network, brand.Credential)
            .AddGoogleWorkspace(GoogleTestHost.Name, o =>
            {
                o.ClientId = "client-1.apps.fake.test";
                o.ClientSecret = "client-secret-do-not-log";
                o.RefreshToken = "refresh-token-do-not-log";
                o.AccessToken = accessToken;
                o.AccessTokenExpiresAt = time.GetUtcNow().AddHours(1);
                o.TokenEndpoint = new Uri(fake.Url, "token-endpoint-unused");
                o.SendNotificationEmail = false;
                GoogleTestHost.Fast(o, fake);
            })
            .AddCoDevelopment(o =>
            {
                o.ProjectId = "chair";
                o.ProjectName = "Chair 2027";
                o.BrandName = "Test Brand";
                o.CloudWorkspace = GoogleTestHost.Name;
                o.Networks.Add(Social);
            });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var project = provider.GetRequiredService<CoDevelopmentProject>();
        var pipeline = provider.GetRequiredService<IEventPipeline>();
        var adapter = provider.Workspace();

        await project.RecruitAsync(new RecruitmentCall { KoreanText = "의자 공동 개발 참가자를 모집합니다.", EnglishText = "Join us to design a chair.", Cap = 10 });
        var ana = await AdmitAsync(provider, network, "ana");
        var ben = await AdmitAsync(provider, network, "ben");
        var provisioned = await project.ProvisionAsync(new ProvisioningPlan
        {
            WorkspaceName = "Chair 2027 workspace",
            StarterDocuments = [new DocumentSpec { Title = "Requirements", InitialContent = "What the chair must do." }],
        });
        var channel = (await adapter.WatchAsync(provisioned.Workspace)).Single(c => c.Source == GooglePushSource.DriveChanges);
        var token = fake.Channels().Single(c => c["id"]!.GetValue<string>() == channel.Id)["token"]!.GetValue<string>();
        var receiverName = GooglePushReceiver.ReceiverName(GoogleTestHost.Name);

        // Google's opening handshake on the new channel changes nothing.
        Assert.That(await pipeline.ReceiveWebhookAsync(receiverName, Push(channel.Id, token, "sync", "1")), Is.Empty);

        var benBefore = Inbox(network, ben).Count;
        var anaBefore = Inbox(network, ana).Count;
        var changesReadBefore = fake.RequestsTo("drive.changes.list");

        // Ana edits the document in Drive (the fake records a change); Google would then notify the channel.
        fake.EditAsMember(provisioned.Documents[0].Id, "ana@example.com", "Ana's version");

        // A forged notification on the same channel: refused before the body is read, and nothing is polled or sent.
        var forged = Push(channel.Id, "forged-token-of-the-same-length-forged-token-000", "change", "2");
        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => pipeline.ReceiveWebhookAsync(receiverName, forged));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("token").And.Not.Contain(token));
            Assert.That(forged.IsBodyRead, Is.False, "refused before the body was read");
            Assert.That(fake.RequestsTo("drive.changes.list"), Is.EqualTo(changesReadBefore), "a forged push reads nothing at Google");
            Assert.That(Inbox(network, ben), Has.Count.EqualTo(benBefore), "a forged push sends nothing");
        }

        // The genuine notification: the receiver asks the pipeline to poll the workspace activity source at once.
        var genuine = Push(channel.Id, token, "change", "2");
        var results = await pipeline.ReceiveWebhookAsync(receiverName, genuine);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Event.Type), Is.EqualTo(new[] { CoCreationEventTypes.WorkspaceActivity }));
            Assert.That(genuine.IsBodyRead, Is.False, "Google's notification body is never read");
            Assert.That(fake.RequestsTo("drive.changes.list"), Is.GreaterThan(changesReadBefore), "the push made the pipeline read Drive's change feed");
            Assert.That(
                Inbox(network, ben).Skip(benBefore),
                Is.EqualTo(new[] { "[Test Brand] Chair 2027: Ana edited the document 'Requirements'." }),
                "Ben reads it from the embedded network's own inbox");
            Assert.That(Inbox(network, ana), Has.Count.EqualTo(anaBefore), "not to the author");
            Assert.That(GoogleSpec.Check(fake.WaitForLog()), Is.Empty, "every request fits the discovery documents");
        }
    }

    private static WebhookRequest Push(string channelId, string token, string state, string number) => new(
        new Dictionary<string, string>
        {
            ["X-Goog-Channel-ID"] = channelId,
            ["X-Goog-Channel-Token"] = token,
            ["X-Goog-Resource-State"] = state,
            ["X-Goog-Message-Number"] = number,
            ["X-Goog-Resource-ID"] = "resource-1",
        },
        _ => throw new AssertionException("the body was read"));

    private static IReadOnlyList<string> Inbox(EmbeddedSnsNetwork network, EmbeddedSnsAccount account)
        => network.GetInbox(account.Subject).Select(m => m.Text).ToList();

    /// <summary>Registers a person on the network, signs them in, applies, confirms their address from the inbox, and is admitted.</summary>
    private static async Task<EmbeddedSnsAccount> AdmitAsync(IServiceProvider provider, EmbeddedSnsNetwork network, string handle)
    {
        var project = provider.GetRequiredService<CoDevelopmentProject>();
        var account = network.RegisterAccount(handle, char.ToUpperInvariant(handle[0]) + handle[1..], "en-US");
        var session = await provider.GetRequiredService<ISnsSignIn>().SignInAsync(Social, account.Credential);
        await project.ApplyAsync(session);
        var email = handle + "@example.com";
        await project.RequestEmailConfirmationAsync(session, email);
        var code = SixDigits().Match(Inbox(network, account)[^1]).Value;
        await project.AdmitAsync(session, email, code);
        return account;
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
