using System.Collections.Immutable;
using System.Text.Json;
using CoCreation.Sdk.CoDevelopment;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tests.Preferences;

[TestFixture]
[Category("Unit")]
public sealed class ParticipantDataExportTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task The_export_holds_the_persons_grants_audit_deliveries_designs_payouts_and_module_records_and_nothing_of_anyone_else()
    {
        await using var sdk = new SdkHarness(build: b => b.AddOpinions().AddCoDevelopment(o => o.CloudWorkspace = SdkHarness.Cloud));
        var minji = await sdk.SignInNewAsync("minji");
        var jun = await sdk.SignInNewAsync("jun");
        await sdk.Identities.LinkCloudAccountAsync(minji.ParticipantId, new CloudAccount { Provider = SdkHarness.Cloud, AccountId = "c-minji", Email = "minji.kim@mail.example" });
        await sdk.Identities.LinkCloudAccountAsync(jun.ParticipantId, new CloudAccount { Provider = SdkHarness.Cloud, AccountId = "c-jun", Email = "jun.park@mail.example" });
        var expires = SdkHarness.Start.AddDays(30);
        var minjiGrant = await sdk.Grants.GrantAsync(new AccessGrantRequest { ParticipantId = minji.ParticipantId, Target = SdkHarness.ErpTarget(), Roles = ["member"], ExpiresAt = expires });
        var junGrant = await sdk.Grants.GrantAsync(new AccessGrantRequest { ParticipantId = jun.ParticipantId, Target = SdkHarness.ErpTarget("secret-programme"), Roles = ["member"] });
        await sdk.Services.GetRequiredService<IDeliveryPreferences>().ChangeAsync(minji, new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode> { ["shipment"] = DeliveryMode.Digest } });

        // One event to both of them (its free text names Jun), one payout to Minji, one design event to Jun only.
        var shared = Event("design-1", CoCreationEventTypes.DesignReviewed, new Dictionary<string, string>
        {
            [CoCreationEventData.DesignId] = "d-1",
            [CoCreationEventData.Title] = "Moon mug",
            [CoCreationEventData.Text] = "Jun Park liked it",
            [CoCreationEventData.ParticipantId] = jun.ParticipantId,
        });
        var payout = Event("settle-1", CoCreationEventTypes.SettlementPaid, new Dictionary<string, string>
        {
            [CoCreationEventData.ListingId] = "l-1",
            [CoCreationEventData.Amount] = "12000",
            [CoCreationEventData.Currency] = "KRW",
        });
        var junsDesign = Event("design-2", CoCreationEventTypes.DesignSubmitted, new Dictionary<string, string> { [CoCreationEventData.DesignId] = "d-jun-only" });
        await sdk.Store.ApplyAsync(new StoreChanges()
            .PutOutbox(Outbox(shared, minji.ParticipantId, DeliveryStatus.Delivered))
            .PutOutbox(Outbox(shared, jun.ParticipantId, DeliveryStatus.Pending))
            .PutOutbox(Outbox(payout, minji.ParticipantId, DeliveryStatus.Pending))
            .PutOutbox(Outbox(junsDesign, jun.ParticipantId, DeliveryStatus.Delivered)));

        // Module records: both are members and attend one milestone; both wrote and commented on one idea.
        await sdk.Store.ApplyAsync(new StoreChanges()
            .PutDocument(CoDevelopmentProject.MembersCollection, "p1:" + minji.ParticipantId, Json(Member(minji.ParticipantId, "Minji Kim", "minji.kim@mail.example")))
            .PutDocument(CoDevelopmentProject.MembersCollection, "p1:" + jun.ParticipantId, Json(Member(jun.ParticipantId, "Jun Park", "jun.park@mail.example")))
            .PutDocument(CoDevelopmentProject.MilestonesCollection, "p1:m1", Json(new Milestone
            {
                Id = "m1",
                Title = "Prototype review",
                Start = SdkHarness.Start,
                End = SdkHarness.Start.AddHours(1),
                Attendees = ["minji.kim@mail.example", "jun.park@mail.example"],
            }))
            .PutDocument(IdeaBoard.IdeasCollection, "i1", Json(new Idea
            {
                Id = "i1",
                Title = "Glow-in-the-dark mug",
                Text = "A mug that glows",
                Authors = [Person(minji.ParticipantId, "minji"), Person(jun.ParticipantId, "jun")],
                SubmittedAt = SdkHarness.Start,
                Supporters = [new IdeaSupport(Person(jun.ParticipantId, "jun"), SdkHarness.Start), new IdeaSupport(Person(minji.ParticipantId, "minji"), SdkHarness.Start)],
                Comments =
                [
                    new IdeaComment { Id = "c1", Author = Person(jun.ParticipantId, "jun"), Text = "Jun thinks blue", At = SdkHarness.Start },
                    new IdeaComment { Id = "c2", Author = Person(minji.ParticipantId, "minji"), Text = "Minji thinks green", At = SdkHarness.Start },
                ],
            }))
            .PutDocument(IdeaBoard.IdeasCollection, "i2", Json(new Idea
            {
                Id = "i2",
                Title = "Jun's own idea",
                Text = "only Jun is in it",
                Authors = [Person(jun.ParticipantId, "jun")],
                SubmittedAt = SdkHarness.Start,
            })));

        var export = await sdk.Services.GetRequiredService<IParticipantDataExport>().ExportAsync(minji);
        var json = export.ToJson();

        Assert.Multiple(() =>
        {
            Assert.That(export.Participant.Id, Is.EqualTo(minji.ParticipantId));
            Assert.That(export.Participant.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Digest));
            Assert.That(export.Grants.Select(g => (g.Id, g.ExpiresAt)), Is.EqualTo(new[] { (minjiGrant.Id, (DateTimeOffset?)expires) }));
            Assert.That(export.Audit.Select(a => a.Action), Does.Contain(AuditAction.Granted).And.Contain(AuditAction.PreferencesChanged).And.Contain(AuditAction.SignedIn));
            Assert.That(export.Audit.Select(a => a.ParticipantId).Distinct(), Is.EqualTo(new[] { minji.ParticipantId }));
            Assert.That(export.Sessions.Select(s => s.SessionId), Is.EqualTo(new[] { minji.SessionId }));
            Assert.That(export.Deliveries.Select(d => (d.EventType, d.Status)), Is.EquivalentTo(new[]
            {
                (CoCreationEventTypes.DesignReviewed, DeliveryStatus.Delivered),
                (CoCreationEventTypes.SettlementPaid, DeliveryStatus.Pending),
            }));
            Assert.That(export.Designs.Select(d => (d.DesignId, d.Title)), Is.EqualTo(new[] { ("d-1", (string?)"Moon mug") }));
            Assert.That(export.Payouts.Select(p => (p.ListingId, p.Amount, p.Currency)), Is.EqualTo(new[] { ((string?)"l-1", (string?)"12000", (string?)"KRW") }));
            Assert.That(export.ModuleRecords.Select(r => (r.Collection, r.Id)), Is.EquivalentTo(new[]
            {
                (CoDevelopmentProject.MembersCollection, "p1:" + minji.ParticipantId),
                (CoDevelopmentProject.MilestonesCollection, "p1:m1"),
                (IdeaBoard.IdeasCollection, "i1"),
            }));
            Assert.That(export.NotCovered, Is.Empty);

            // Hers, in the JSON text.
            Assert.That(json, Does.Contain(minji.ParticipantId).And.Contain(minjiGrant.Id).And.Contain("minji.kim@mail.example")
                .And.Contain("Minji thinks green").And.Contain("Glow-in-the-dark mug").And.Contain("Prototype review").And.Contain("\"shipment\": \"Digest\"").And.Contain("12000"));

            // Nothing of Jun: his id, handle, names, address, grant, comment, own idea and own design.
            foreach (var his in new[] { jun.ParticipantId, "jun@social.example", "JUN", "Jun Park", "jun.park@mail.example", "c-jun", junGrant.Id, "secret-programme", "Jun thinks blue", "Jun's own idea", "d-jun-only" })
            {
                Assert.That(json, Does.Not.Contain(his), his);
            }

            // No secret of hers either: the session token and the confirmation of her sign-in are not exported.
            Assert.That(json, Does.Not.Contain(minji.Token));
        });

        // The JSON is JSON: it parses, with the documented top-level members.
        using var parsed = JsonDocument.Parse(json);
        Assert.That(parsed.RootElement.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "format", "exportedAt", "participant", "sessions", "grants", "audit", "deliveries", "designs", "payouts", "moduleRecords", "notCovered",
        }));
    }

    [Test]
    public async Task Community_product_records_are_exported_for_the_owner_of_the_account_and_the_subscriber_only()
    {
        await using var sdk = new SdkHarness(build: b => b.AddCommunityProducts(o => o.EnterpriseSystem = SdkHarness.Erp));
        var minji = await sdk.SignInNewAsync("minji");
        var jun = await sdk.SignInNewAsync("jun");
        await sdk.Identities.LinkEnterpriseAccountAsync(minji.ParticipantId, new EnterpriseAccount { System = SdkHarness.Erp, AccountId = "acct-minji", Login = "minji" });
        await sdk.Identities.LinkEnterpriseAccountAsync(jun.ParticipantId, new EnterpriseAccount { System = SdkHarness.Erp, AccountId = "acct-jun", Login = "jun-login" });
        var reports = CommunityProductProgram.CollectionOf("reports", null);
        var listings = CommunityProductProgram.CollectionOf("listings", null);
        await sdk.Store.ApplyAsync(new StoreChanges()
            .PutDocument(reports, "r-minji", Json(Subscription("l-minji", minji.ParticipantId)))
            .PutDocument(reports, "r-jun", Json(Subscription("l-jun", jun.ParticipantId)))
            .PutDocument(listings, "l-minji", Json(new ListingOwner("acct-minji")))
            .PutDocument(listings, "l-jun", Json(new ListingOwner("acct-jun")))
            .PutDocument(CommunityProductProgram.ManagersCollection, jun.ParticipantId, "{}"));

        var export = await sdk.Services.GetRequiredService<IParticipantDataExport>().ExportForAsync(minji.ParticipantId);
        var json = export.ToJson();

        Assert.That(export.ModuleRecords.Select(r => (r.Collection, r.Id)), Is.EquivalentTo(new[] { (reports, "r-minji"), (listings, "l-minji") }));
        Assert.That(json, Does.Contain("acct-minji"));
        foreach (var his in new[] { jun.ParticipantId, "acct-jun", "jun-login", "l-jun", "r-jun" })
        {
            Assert.That(json, Does.Not.Contain(his), his);
        }
    }

    [Test]
    public async Task Every_eraser_a_module_registers_also_exports_so_the_export_looks_where_erasure_looks()
    {
        await using var sdk = new SdkHarness(build: b => b
            .AddOpinions()
            .AddOpinions("second", _ => { })
            .AddCoDevelopment(o => o.CloudWorkspace = SdkHarness.Cloud)
            .AddCommunityProducts(o => o.EnterpriseSystem = SdkHarness.Erp));

        var erasers = sdk.Services.GetServices<IParticipantDataEraser>().ToList();

        Assert.That(erasers, Has.Count.GreaterThanOrEqualTo(4));
        Assert.That(erasers, Has.All.InstanceOf<IParticipantDataExporter>());
    }

    [Test]
    public async Task The_company_side_export_takes_a_participant_id_and_a_persons_own_export_needs_a_live_session()
    {
        await using var sdk = new SdkHarness(build: b => b.Services.AddSingleton<IParticipantDataEraser, ApplicationEraser>());
        var minji = await sdk.SignInNewAsync("minji");
        var exports = sdk.Services.GetRequiredService<IParticipantDataExport>();

        var byId = await exports.ExportForAsync(minji.ParticipantId);
        Assert.That(byId.Participant.Id, Is.EqualTo(minji.ParticipantId));
        Assert.That(byId.NotCovered, Is.EqualTo(new[] { typeof(ApplicationEraser).FullName }));

        var unknown = Assert.ThrowsAsync<CoCreationValidationException>(() => exports.ExportForAsync("nobody"));
        Assert.That(unknown!.Field, Is.EqualTo("participantId"));

        await sdk.SignIn.SignOutAsync(minji);
        Assert.ThrowsAsync<AccessDeniedException>(() => exports.ExportAsync(minji));
    }

    private static CoCreationEvent Event(string id, string type, Dictionary<string, string> data) => new()
    {
        Id = id,
        Source = new Uri("urn:test"),
        Type = type,
        Time = SdkHarness.Start,
        Data = data.ToImmutableDictionary(),
    };

    private static OutboxMessage Outbox(CoCreationEvent @event, string recipient, DeliveryStatus status) => new()
    {
        DeliveryKey = $"{@event.Id}:{recipient}",
        Event = @event,
        RuleName = "test-rule",
        RecipientId = recipient,
        Channel = RelayChannel.DirectMessage,
        Status = status,
        CreatedAt = SdkHarness.Start,
    };

    private static CoDevelopmentMember Member(string participantId, string name, string email) => new()
    {
        ParticipantId = participantId,
        DisplayName = name,
        Email = email,
        CloudAccountId = email,
        Role = WorkspaceRole.Editor,
        AdmittedAt = SdkHarness.Start,
    };

    private static IdeaPerson Person(string participantId, string handle) => new() { Key = participantId, ParticipantId = participantId, Network = SdkHarness.Social, Subject = handle, Handle = "@" + handle + "-board" };

    private static ReportSubscription Subscription(string listingId, string participantId) => new()
    {
        ListingId = listingId,
        ParticipantId = participantId,
        Frequency = ReportFrequency.Weekly,
        PeriodStart = SdkHarness.Start,
        NextDueAt = SdkHarness.Start.AddDays(7),
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, Web);

    private sealed class ApplicationEraser : IParticipantDataEraser
    {
        public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
