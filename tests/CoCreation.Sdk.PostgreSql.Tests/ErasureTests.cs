using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Fakes;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// Erasure through the real SDK on PostgreSQL: afterwards no row of any table of the store's schema holds the person's
/// data. (Old row versions until VACUUM, the write-ahead log and backups are the server's to manage; see the README.)
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ErasureTests
{
    private const string Handle = "@zelda_7q_erasure";
    private const string Subject = "subject-7q-zelda";
    private const string Email = "zelda.7q.erasure@mail.example";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

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
    public async Task After_erasure_no_row_of_any_table_holds_the_handle_the_email_the_account_or_the_id()
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
            .UsePostgreSql(_schema!.ConnectionString)
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
            beforeHandle = await CountInTables(Handle);
            beforeEmail = await CountInTables(Email);

            await identities.EraseAsync(participantId);
            await identities.EraseAsync(participantId);
        }

        var afterHandle = await CountInTables(Handle);
        var afterEmail = await CountInTables(Email);
        var afterSubject = await CountInTables(Subject);
        TestContext.Out.WriteLine($"before erasure: handle {beforeHandle}, e-mail {beforeEmail}; after: handle {afterHandle}, e-mail {afterEmail}, subject {afterSubject}; tables: {string.Join(", ", await _schema!.TablesAsync())}");

        Assert.That(beforeHandle, Is.GreaterThan(0));
        Assert.That(beforeEmail, Is.GreaterThan(0));
        Assert.That(afterHandle, Is.Zero, "the handle is still in a table");
        Assert.That(afterEmail, Is.Zero, "the e-mail is still in a table");
        Assert.That(afterSubject, Is.Zero, "the SNS account id is still in a table");
        Assert.That(await CountInTables(participantId), Is.Zero, "the participant id is still in a table");

        // What erasure keeps: the anonymised trail, the ended grants and the delivery log for de-duplication.
        await using var reopened = new PostgreSqlCoCreationStore(_schema!.ConnectionString);
        var audit = await reopened.GetAuditAsync(null);
        Assert.That(audit.Last().Action, Is.EqualTo(AuditAction.Erased));
        Assert.That(audit.Count(a => a.Action == AuditAction.Erased), Is.EqualTo(1), "erasing twice is erasing once");
        Assert.That((await reopened.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Count(m => m.RecipientId.StartsWith("erased-", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(await reopened.FindParticipantBySnsAsync("social", "bystander"), Is.Not.Null);
    }

    private Task<int> CountInTables(string text) => _schema!.CountRowsHoldingAsync(text);
}
