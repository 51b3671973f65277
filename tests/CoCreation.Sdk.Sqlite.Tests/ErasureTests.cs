using CoCreation.Sdk.Tests.Shared;
using System.Text;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Fakes;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>Erasure through the real SDK on a SQLite file: afterwards the file holds none of the person's data.</summary>
[TestFixture]
[Category("Scenario")]
public sealed class ErasureTests
{
    private const string Handle = "@zelda_7q_erasure";
    private const string Subject = "subject-7q-zelda";
    private const string Email = "zelda.7q.erasure@mail.example";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private TempDatabase _db = null!;

    [SetUp]
    public void SetUp() => _db = new TempDatabase();

    [TearDown]
    public void TearDown() => _db.Dispose();

    [Test]
    public async Task After_erasure_the_database_files_hold_neither_the_handle_nor_the_email()
    {
        var clock = new FakeTimeProvider(Start);
        var social = new FakeSnsConnector("social", clock);
        var cloud = new FakeCloudWorkspace("cloud");
        var erp = new FakeEnterpriseAdapter("erp");
        var services = new ServiceCollection();
        services.AddCoCreation()
            .AddSnsConnector("social", _ => social)
            .AddCloudWorkspace("cloud", _ => cloud)
            .AddEnterpriseAdapter("erp", _ => erp)
            .UseSqlite(_db.ConnectionString)
            .AddRelayRule(new RelayRule
            {
                Name = "progress",
                EventType = CoCreationEventTypes.ProductionProgress,
                Recipients = RecipientSelector.SubjectParticipant,
                Template = MessageTemplate.KoreanAndEnglish("{percent}% 진행", "{percent}% done"),
            });
        services.AddSingleton<TimeProvider>(clock);

        string participantId;
        int beforeHandle, beforeEmail;
        await using (var provider = services.BuildServiceProvider())
        {
            var signIn = provider.GetRequiredService<ISnsSignIn>();
            var identities = provider.GetRequiredService<IIdentityMap>();
            var grants = provider.GetRequiredService<IAccessGrants>();
            var relay = provider.GetRequiredService<IEventRelay>();
            var store = (SqliteCoCreationStore)provider.GetRequiredService<ICoCreationStore>();

            var session = await signIn.SignInAsync("social", social.AddAccount(Subject, Handle, "Zelda Q", "en-US"));
            participantId = session.ParticipantId;
            var bystander = await signIn.SignInAsync("social", social.AddAccount("bystander", "@bystander"));
            await identities.LinkCloudAccountAsync(participantId, await cloud.ResolveAccountAsync(Email));
            await grants.GrantAsync(new AccessGrantRequest { ParticipantId = participantId, Target = new GrantTarget(GrantTargetKind.Enterprise, "erp", "programme"), Roles = [EnterpriseRoles.Member] });
            var workspace = cloud.Workspace("ws-1");
            await grants.GrantAsync(new AccessGrantRequest { ParticipantId = participantId, Target = new GrantTarget(GrantTargetKind.Workspace, "cloud", workspace.Id), Roles = [nameof(WorkspaceRole.Editor)], Workspace = workspace });

            var delivered = 0;
            var events = new[] { ("10", participantId), ("50", participantId), ("90", participantId), ("50", bystander.ParticipantId) };
            for (var i = 0; i < events.Length; i++)
            {
                var (percent, recipient) = events[i];
                var result = await relay.PublishAsync(new CoCreationEvent
                {
                    Id = $"progress-{i}",
                    Source = CoCreationEventSources.Enterprise("erp"),
                    Type = CoCreationEventTypes.ProductionProgress,
                    Time = clock.GetUtcNow(),
                    Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
                        .Add(CoCreationEventData.ParticipantId, recipient)
                        .Add(CoCreationEventData.Percent, percent),
                });
                delivered += result.Deliveries.Count(d => d.Status == DeliveryStatus.Delivered);
            }

            Assert.That(delivered, Is.EqualTo(4));
            Assert.That(social.InboxOf(Subject), Has.Count.EqualTo(3));

            // The search below must be able to find the data, or zero hits would prove nothing.
            await store.CheckpointAsync();
            beforeHandle = CountInFiles(Handle);
            beforeEmail = CountInFiles(Email);

            await identities.EraseAsync(participantId);
            await identities.EraseAsync(participantId);
        }

        var afterHandle = CountInFiles(Handle);
        var afterEmail = CountInFiles(Email);
        var afterSubject = CountInFiles(Subject);
        TestContext.Out.WriteLine($"before erasure: handle {beforeHandle}, e-mail {beforeEmail}; after: handle {afterHandle}, e-mail {afterEmail}, subject {afterSubject}; files: {string.Join(", ", _db.AllFiles().Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} B"))}");

        Assert.That(beforeHandle, Is.GreaterThan(0));
        Assert.That(beforeEmail, Is.GreaterThan(0));
        Assert.That(afterHandle, Is.Zero, "the handle is still in the database files");
        Assert.That(afterEmail, Is.Zero, "the e-mail is still in the database files");
        Assert.That(afterSubject, Is.Zero, "the SNS account id is still in the database files");
        Assert.That(CountInFiles(participantId), Is.Zero, "the participant id is still in the database files");

        // What erasure keeps: the anonymised trail, the ended grants and the delivery log for de-duplication.
        using var reopened = new SqliteCoCreationStore(_db.ConnectionString);
        var audit = await reopened.GetAuditAsync(null);
        Assert.That(audit.Last().Action, Is.EqualTo(AuditAction.Erased));
        Assert.That(audit.Count(a => a.Action == AuditAction.Erased), Is.EqualTo(1), "erasing twice is erasing once");
        Assert.That((await reopened.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Count(m => m.RecipientId.StartsWith("erased-", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(await reopened.FindParticipantBySnsAsync("social", "bystander"), Is.Not.Null);
    }

    private int CountInFiles(string text) => DatabaseFileScan.Count(_db.AllFiles(), text);
}
