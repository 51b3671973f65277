using System.Collections.Immutable;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class InMemoryCoCreationStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static Participant Person(string id, string subject) => new()
    {
        Id = id,
        DisplayName = id,
        CreatedAt = Now,
        SnsLinks = [new SnsLink("social", subject, subject, Now)],
    };

    [Test]
    public async Task New_participants_get_version_1_and_each_update_raises_it()
    {
        var store = new InMemoryCoCreationStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));
        var v1 = await store.GetParticipantAsync("p1");

        await store.ApplyAsync(new StoreChanges().PutParticipant(v1! with { DisplayName = "renamed" }, v1.Version));
        var v2 = await store.GetParticipantAsync("p1");

        Assert.That(v1.Version, Is.EqualTo(1));
        Assert.That(v2!.Version, Is.EqualTo(2));
        Assert.That(v2.DisplayName, Is.EqualTo("renamed"));
    }

    [Test]
    public async Task A_stale_version_conflicts_and_nothing_of_the_change_set_is_applied()
    {
        var store = new InMemoryCoCreationStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));
        var read = (await store.GetParticipantAsync("p1"))!;
        await store.ApplyAsync(new StoreChanges().PutParticipant(read with { DisplayName = "first writer" }, read.Version));

        var stale = new StoreChanges()
            .PutParticipant(read with { DisplayName = "second writer" }, read.Version)
            .AppendAudit(new AuditEntry { Id = "a1", Time = Now, Action = AuditAction.Linked, ParticipantId = "p1" })
            .SetCursor("enterprise:erp", "9");

        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(stale));
        Assert.That((await store.GetParticipantAsync("p1"))!.DisplayName, Is.EqualTo("first writer"));
        Assert.That(await store.GetAuditAsync(null), Is.Empty);
        Assert.That(await store.GetCursorAsync("enterprise:erp"), Is.Null);
    }

    [Test]
    public async Task Storing_a_new_participant_over_an_existing_id_conflicts()
    {
        var store = new InMemoryCoCreationStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));

        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s9"), null)));
    }

    [Test]
    public async Task A_link_owned_by_another_participant_conflicts()
    {
        var store = new InMemoryCoCreationStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "shared"), null));

        var ex = Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(Person("p2", "shared"), null)));

        Assert.That(ex!.Message, Does.Not.Contain("shared"));
        Assert.That(await store.GetParticipantAsync("p2"), Is.Null);
        Assert.That((await store.FindParticipantBySnsAsync("social", "shared"))!.Id, Is.EqualTo("p1"));
    }

    [Test]
    public async Task Links_are_indexed_and_follow_updates_and_deletion()
    {
        var store = new InMemoryCoCreationStore();
        var person = Person("p1", "s1") with
        {
            CloudLinks = [new CloudAccountLink("cloud", "c1", "a@example.com", Now)],
            EnterpriseLinks = [new EnterpriseAccountLink("erp", "e1", "login", Now)],
        };
        await store.ApplyAsync(new StoreChanges().PutParticipant(person, null));

        Assert.That((await store.FindParticipantByCloudAccountAsync("cloud", "c1"))!.Id, Is.EqualTo("p1"));
        Assert.That((await store.FindParticipantByEnterpriseAccountAsync("erp", "e1"))!.Id, Is.EqualTo("p1"));

        await store.ApplyAsync(new StoreChanges().PutParticipant(person with { CloudLinks = [] }, 1));
        Assert.That(await store.FindParticipantByCloudAccountAsync("cloud", "c1"), Is.Null);

        await store.ApplyAsync(new StoreChanges().DeleteParticipant("p1"));
        Assert.That(await store.FindParticipantBySnsAsync("social", "s1"), Is.Null);
        Assert.That(await store.FindParticipantByEnterpriseAccountAsync("erp", "e1"), Is.Null);
        Assert.That(await store.GetParticipantAsync("p1"), Is.Null);
    }

    [Test]
    public async Task Anonymising_rewrites_the_participant_in_audit_and_grants()
    {
        var store = new InMemoryCoCreationStore();
        var grant = new AccessGrant { Id = "g1", ParticipantId = "p1", Target = new GrantTarget(GrantTargetKind.Enterprise, "erp", "x"), Roles = ["member"], GrantedAt = Now };
        await store.ApplyAsync(new StoreChanges()
            .PutGrant(grant)
            .AppendAudit(new AuditEntry { Id = "a1", Time = Now, Action = AuditAction.Granted, ParticipantId = "p1" })
            .AppendAudit(new AuditEntry { Id = "a2", Time = Now, Action = AuditAction.Granted, ParticipantId = "p2" }));

        await store.ApplyAsync(new StoreChanges().AnonymiseAudit("p1", "erased-1"));

        Assert.That(await store.GetAuditAsync("p1"), Is.Empty);
        Assert.That((await store.GetAuditAsync(null)).Select(a => a.ParticipantId), Is.EqualTo(new[] { "erased-1", "p2" }));
        Assert.That((await store.GetGrantAsync("g1"))!.ParticipantId, Is.EqualTo("erased-1"));
        Assert.That(await store.GetGrantsAsync("p1"), Is.Empty);
    }

    [Test]
    public async Task Stored_lists_cannot_be_changed_through_the_callers_list()
    {
        var store = new InMemoryCoCreationStore();
        var links = new List<SnsLink> { new("social", "s1", "s1", Now) };
        await store.ApplyAsync(new StoreChanges().PutParticipant(new Participant { Id = "p1", DisplayName = "p", CreatedAt = Now, SnsLinks = links }, null));

        links.Add(new SnsLink("social", "s2", "s2", Now));

        Assert.That((await store.GetParticipantAsync("p1"))!.SnsLinks, Has.Count.EqualTo(1));
        Assert.That(await store.FindParticipantBySnsAsync("social", "s2"), Is.Null);
    }

    [Test]
    public async Task Due_outbox_entries_come_oldest_due_first_and_only_pending_ones()
    {
        var store = new InMemoryCoCreationStore();
        var e = new CoCreationEvent { Id = "1", Source = new Uri("urn:test"), Type = "t", Time = Now };
        OutboxMessage Message(string key, DeliveryStatus status, int minutes) => new()
        {
            DeliveryKey = key,
            Event = e,
            RuleName = "r",
            RecipientId = "p",
            Channel = RelayChannel.DirectMessage,
            Status = status,
            NextAttemptAt = Now.AddMinutes(minutes),
            CreatedAt = Now,
        };
        await store.ApplyAsync(new StoreChanges()
            .PutOutbox(Message("late", DeliveryStatus.Pending, 5))
            .PutOutbox(Message("early", DeliveryStatus.Pending, 1))
            .PutOutbox(Message("future", DeliveryStatus.Pending, 60))
            .PutOutbox(Message("done", DeliveryStatus.Delivered, 0)));

        var due = await store.GetDueOutboxAsync(Now.AddMinutes(10), 10);
        var limited = await store.GetDueOutboxAsync(Now.AddMinutes(10), 1);

        Assert.That(due.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "early", "late" }));
        Assert.That(limited.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "early" }));
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Single().DeliveryKey, Is.EqualTo("done"));
    }

    [Test]
    public async Task Documents_are_stored_listed_by_id_and_deleted()
    {
        var store = new InMemoryCoCreationStore();
        await store.ApplyAsync(new StoreChanges().PutDocument("c", "b", "{\"n\":2}").PutDocument("c", "a", "{\"n\":1}"));
        await store.ApplyAsync(new StoreChanges().DeleteDocument("c", "b"));

        Assert.That((await store.ListDocumentsAsync("c")).Select(d => d.Key), Is.EqualTo(new[] { "a" }));
        Assert.That(await store.GetDocumentAsync("c", "a"), Is.EqualTo("{\"n\":1}"));
        Assert.That(await store.GetDocumentAsync("c", "b"), Is.Null);
        Assert.That(await store.ListDocumentsAsync("missing"), Is.Empty);
    }

    [Test]
    public async Task Grants_expiring_by_a_time_are_the_active_ones_with_an_expiry_at_or_before_it()
    {
        var store = new InMemoryCoCreationStore();
        AccessGrant Grant(string id, DateTimeOffset? expires, GrantStatus status = GrantStatus.Active) => new()
        {
            Id = id,
            ParticipantId = "p",
            Target = new GrantTarget(GrantTargetKind.Enterprise, "erp", "x"),
            Roles = ImmutableArray.Create("member"),
            GrantedAt = Now,
            ExpiresAt = expires,
            Status = status,
        };
        await store.ApplyAsync(new StoreChanges()
            .PutGrant(Grant("due", Now.AddHours(1)))
            .PutGrant(Grant("later", Now.AddHours(3)))
            .PutGrant(Grant("never", null))
            .PutGrant(Grant("revoked", Now.AddHours(1), GrantStatus.Revoked)));

        var expiring = await store.GetActiveGrantsExpiringByAsync(Now.AddHours(1));

        Assert.That(expiring.Select(g => g.Id), Is.EqualTo(new[] { "due" }));
    }
}
