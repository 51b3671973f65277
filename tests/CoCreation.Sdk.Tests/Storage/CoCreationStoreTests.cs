using System.Collections.Immutable;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The behaviour every <see cref="ICoCreationStore"/> must have; each store's fixture derives from it and
/// says how to make a fresh, empty store.
/// </summary>
public abstract class CoCreationStoreTests
{
    protected static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Makes a new, empty store for one test; the fixture cleans it up.</summary>
    protected abstract ICoCreationStore CreateStore();

    protected static Participant Person(string id, string subject) => new()
    {
        Id = id,
        DisplayName = id,
        CreatedAt = Now,
        SnsLinks = [new SnsLink("social", subject, subject, Now)],
    };

    [Test]
    public async Task New_participants_get_version_1_and_each_update_raises_it()
    {
        var store = CreateStore();
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
        var store = CreateStore();
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
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));

        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s9"), null)));
    }

    [Test]
    public async Task A_link_owned_by_another_participant_conflicts()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "shared"), null));

        var ex = Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(Person("p2", "shared"), null)));

        Assert.That(ex!.Message, Does.Not.Contain("shared"));
        Assert.That(await store.GetParticipantAsync("p2"), Is.Null);
        Assert.That((await store.FindParticipantBySnsAsync("social", "shared"))!.Id, Is.EqualTo("p1"));
    }

    [Test]
    public async Task Links_are_indexed_and_follow_updates_and_deletion()
    {
        var store = CreateStore();
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
        var store = CreateStore();
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
        var store = CreateStore();
        var links = new List<SnsLink> { new("social", "s1", "s1", Now) };
        await store.ApplyAsync(new StoreChanges().PutParticipant(new Participant { Id = "p1", DisplayName = "p", CreatedAt = Now, SnsLinks = links }, null));

        links.Add(new SnsLink("social", "s2", "s2", Now));

        Assert.That((await store.GetParticipantAsync("p1"))!.SnsLinks, Has.Count.EqualTo(1));
        Assert.That(await store.FindParticipantBySnsAsync("social", "s2"), Is.Null);
    }

    [Test]
    public async Task Due_outbox_entries_come_oldest_due_first_and_only_pending_ones()
    {
        var store = CreateStore();
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
        var store = CreateStore();
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
        var store = CreateStore();
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

    protected static OutboxMessage Message(string key, DeliveryStatus status, int minutes, string recipient = "p") => new()
    {
        DeliveryKey = key,
        Event = new CoCreationEvent { Id = "1", Source = new Uri("urn:test"), Type = "t", Time = Now },
        RuleName = "r",
        RecipientId = recipient,
        Channel = RelayChannel.DirectMessage,
        Status = status,
        NextAttemptAt = Now.AddMinutes(minutes),
        CreatedAt = Now,
    };

    [Test]
    public async Task Records_come_back_with_every_field_they_were_stored_with()
    {
        var store = CreateStore();
        var person = Person("p1", "s1") with
        {
            PreferredLocale = "en-US",
            PreferredNetwork = "social",
            CloudLinks = [new CloudAccountLink("cloud", "c1", "a@example.com", Now.AddMinutes(1))],
            EnterpriseLinks = [new EnterpriseAccountLink("erp", "e1", "login", Now.AddMinutes(2))],
        };
        var grant = new AccessGrant
        {
            Id = "g1",
            ParticipantId = "p1",
            Target = new GrantTarget(GrantTargetKind.Workspace, "cloud", "ws-1"),
            Roles = ["editor", "commenter"],
            GrantedAt = Now,
            ExpiresAt = Now.AddDays(7),
            Status = GrantStatus.Revoked,
            EndedAt = Now.AddDays(1),
            EndReason = "left the programme",
            EnterpriseAccountId = "acct-9",
            Share = new CoCreation.Sdk.Workspaces.ShareRef { Id = "share-1", WorkspaceId = "ws-1", AccountId = "c1", Role = CoCreation.Sdk.Workspaces.WorkspaceRole.Editor },
        };
        var audit = new AuditEntry { Id = "a1", Time = Now.ToOffset(TimeSpan.FromHours(9)), Action = AuditAction.Granted, ParticipantId = "p1", Target = "workspace:cloud/ws-1", GrantId = "g1", Detail = "d" };
        var message = Message("k1", DeliveryStatus.Pending, 3) with
        {
            Event = new CoCreationEvent
            {
                Id = "e-7",
                Source = new Uri("urn:cocreation:enterprise:erp"),
                Type = CoCreationEventTypes.ProductionProgress,
                Time = Now.ToOffset(TimeSpan.FromHours(9)),
                Subject = "production-orders/7",
                Data = ImmutableDictionary<string, string>.Empty.Add("percent", "40").Add("title", "\uc790\ucf13 \"A\""),
            },
            Channel = RelayChannel.Mention,
            Attempts = 2,
            FailedNetworks = ["micro"],
            LastError = "micro: gone",
        };
        await store.ApplyAsync(new StoreChanges().PutParticipant(person, null).PutGrant(grant).AppendAudit(audit).PutOutbox(message));

        var readPerson = (await store.GetParticipantAsync("p1"))!;
        var readGrant = (await store.GetGrantAsync("g1"))!;
        var readMessage = (await store.GetOutboxMessageAsync("k1"))!;

        Assert.That(readPerson.PreferredLocale, Is.EqualTo("en-US"));
        Assert.That(readPerson.PreferredNetwork, Is.EqualTo("social"));
        Assert.That(readPerson.CreatedAt, Is.EqualTo(Now));
        Assert.That(readPerson.SnsLinks, Is.EqualTo(person.SnsLinks));
        Assert.That(readPerson.CloudLinks, Is.EqualTo(person.CloudLinks));
        Assert.That(readPerson.EnterpriseLinks, Is.EqualTo(person.EnterpriseLinks));
        Assert.That(readGrant with { Roles = grant.Roles }, Is.EqualTo(grant));
        Assert.That(readGrant.Roles, Is.EqualTo(new[] { "editor", "commenter" }));
        Assert.That((await store.GetAuditAsync("p1")).Single(), Is.EqualTo(audit));
        Assert.That((await store.GetAuditAsync("p1")).Single().Time.Offset, Is.EqualTo(TimeSpan.FromHours(9)));
        Assert.That(readMessage.Event with { Data = message.Event.Data }, Is.EqualTo(message.Event));
        Assert.That(readMessage.Event.Data, Is.EquivalentTo(message.Event.Data));
        Assert.That(readMessage.FailedNetworks, Is.EqualTo(new[] { "micro" }));
        Assert.That(readMessage with { Event = message.Event, FailedNetworks = message.FailedNetworks }, Is.EqualTo(message));
    }

    [Test]
    public async Task An_updated_outbox_entry_keeps_its_place_and_leaves_the_due_list_once_delivered()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges()
            .PutOutbox(Message("first", DeliveryStatus.Pending, 1))
            .PutOutbox(Message("second", DeliveryStatus.Pending, 1))
            .PutOutbox(Message("third", DeliveryStatus.Pending, 1)));

        await store.ApplyAsync(new StoreChanges().PutOutbox(Message("first", DeliveryStatus.Pending, 1) with { Attempts = 1, LastError = "timeout" }));
        await store.ApplyAsync(new StoreChanges().PutOutbox(Message("second", DeliveryStatus.Delivered, 1) with { Attempts = 1 }));

        var due = await store.GetDueOutboxAsync(Now.AddMinutes(1), 10);

        Assert.That(due.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "first", "third" }));
        Assert.That(due[0].LastError, Is.EqualTo("timeout"));
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Select(m => m.DeliveryKey), Is.EqualTo(new[] { "second" }));
        Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.DeadLettered), Is.Empty);
    }

    [Test]
    public async Task A_link_can_move_to_another_participant_in_the_change_set_that_deletes_its_owner()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "moving"), null));

        await store.ApplyAsync(new StoreChanges().DeleteParticipant("p1").PutParticipant(Person("p2", "moving"), null));

        Assert.That(await store.GetParticipantAsync("p1"), Is.Null);
        Assert.That((await store.FindParticipantBySnsAsync("social", "moving"))!.Id, Is.EqualTo("p2"));
    }

    [Test]
    public async Task A_conflict_late_in_a_change_set_undoes_the_participants_put_before_it()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("owner", "taken"), null));

        var changes = new StoreChanges()
            .PutParticipant(Person("fresh", "free"), null)
            .PutParticipant(Person("late", "taken"), null)
            .PutOutbox(Message("k", DeliveryStatus.Pending, 0));

        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(changes));
        Assert.That(await store.GetParticipantAsync("fresh"), Is.Null);
        Assert.That(await store.FindParticipantBySnsAsync("social", "free"), Is.Null);
        Assert.That(await store.GetOutboxMessageAsync("k"), Is.Null);
        Assert.That((await store.FindParticipantBySnsAsync("social", "taken"))!.Id, Is.EqualTo("owner"));
    }

    [Test]
    public async Task Updating_a_participant_may_keep_its_own_links_and_an_unknown_expected_participant_conflicts()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));

        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1") with { DisplayName = "again" }, 1));

        Assert.That((await store.FindParticipantBySnsAsync("social", "s1"))!.DisplayName, Is.EqualTo("again"));
        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(Person("ghost", "s9"), 1)));
    }

    [Test]
    public async Task Cursors_are_replaced_and_blank_ids_are_refused_before_anything_is_stored()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().SetCursor("enterprise:erp", "1"));
        await store.ApplyAsync(new StoreChanges().SetCursor("enterprise:erp", "2"));
        await store.ApplyAsync(new StoreChanges());

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => store.ApplyAsync(new StoreChanges().SetCursor("enterprise:erp", "3").PutDocument("c", " ", "{}")));

        Assert.That(ex!.Field, Is.EqualTo("id"));
        Assert.That(await store.GetCursorAsync("enterprise:erp"), Is.EqualTo("2"));
        Assert.That(await store.GetCursorAsync("enterprise:other"), Is.Null);
    }

    [Test]
    public async Task Anonymising_rewrites_the_recipient_of_outbox_entries_and_drops_their_event_data()
    {
        var store = CreateStore();
        OutboxMessage WithData(string key, string recipient)
        {
            var message = Message(key, DeliveryStatus.Delivered, 0, recipient);
            return message with { Event = message.Event with { Data = ImmutableDictionary<string, string>.Empty.Add("text", "about " + recipient) } };
        }

        await store.ApplyAsync(new StoreChanges().PutOutbox(WithData("mine", "p1")).PutOutbox(WithData("theirs", "p2")));

        await store.ApplyAsync(new StoreChanges().AnonymiseAudit("p1", "erased-1"));

        var mine = (await store.GetOutboxMessageAsync("mine"))!;
        var theirs = (await store.GetOutboxMessageAsync("theirs"))!;
        Assert.That(mine.RecipientId, Is.EqualTo("erased-1"));
        Assert.That(mine.Event.Data, Is.Empty);
        Assert.That(mine.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(theirs.RecipientId, Is.EqualTo("p2"));
        Assert.That(theirs.Event.GetData("text"), Is.EqualTo("about p2"));
    }

    [Test]
    public async Task Redaction_replaces_erased_values_in_every_audit_entry_and_in_outbox_entries_addressed_to_others()
    {
        var store = CreateStore();
        var toOther = Message("to-bob", DeliveryStatus.Delivered, 0, "p2");
        toOther = toOther with
        {
            LastError = "social: @mina.kim could not be reached",
            Event = toOther.Event with
            {
                Id = "admitted:p1",
                Subject = "members/p1",
                Data = ImmutableDictionary<string, string>.Empty
                    .Add("actorEn", "Mina Kim")
                    .Add("actorKo", "김미나")
                    .Add("text", "thanks @mina.kim and jo, see you")
                    .Add(CoCreationEventData.OwnerAccountId, "7")
                    .Add(CoCreationEventData.Quantity, "7")
                    .Add("handle", "jo")
                    .Add("other", "Mina Kimura and subject-minas stay"),
            },
        };
        await store.ApplyAsync(new StoreChanges()
            .PutOutbox(toOther)
            .AppendAudit(new AuditEntry { Id = "a1", Time = Now, Action = AuditAction.IdeasMerged, ParticipantId = "p2", Target = "opinions:ideas/i1", Detail = "authors p1, sns:social:subject-mina; by Mina Kim" })
            .AppendAudit(new AuditEntry { Id = "a2", Time = Now, Action = AuditAction.Granted, ParticipantId = "p3", Detail = "nothing about her" }));

        var redaction = new PersonalDataRedaction("p1", "erased-1");
        redaction.AddValue("Mina Kim");
        redaction.AddValue("김미나");
        redaction.AddValue("@mina.kim");
        redaction.AddValue("mina.kim");
        redaction.AddValue("subject-mina");
        redaction.AddValue("jo");
        redaction.AddAccountId("7");
        var changes = new StoreChanges().RedactPersonalData(redaction);
        Assert.That(changes.ErasesPersonalData, Is.True);
        await store.ApplyAsync(changes);

        var message = (await store.GetOutboxMessageAsync("to-bob"))!;
        Assert.That(message.RecipientId, Is.EqualTo("p2"), "the delivery stays addressed to the other person");
        Assert.That(message.Event.Id, Is.EqualTo("admitted:erased-1"));
        Assert.That(message.Event.Subject, Is.EqualTo("members/erased-1"));
        Assert.That(message.Event.GetData("actorEn"), Is.EqualTo(ErasedPerson.EnglishName));
        Assert.That(message.Event.GetData("actorKo"), Is.EqualTo(ErasedPerson.KoreanName));
        Assert.That(message.Event.GetData("text"), Is.EqualTo($"thanks {ErasedPerson.EnglishName} and jo, see you"), "a value shorter than three characters is not cut out of words");
        Assert.That(message.Event.GetData("handle"), Is.EqualTo(ErasedPerson.EnglishName), "but is replaced where it is the whole value");
        Assert.That(message.Event.GetData(CoCreationEventData.OwnerAccountId), Is.EqualTo(ErasedPerson.EnglishName));
        Assert.That(message.Event.GetData(CoCreationEventData.Quantity), Is.EqualTo("7"), "an account id is replaced only as the owner account");
        Assert.That(message.Event.GetData("other"), Is.EqualTo("Mina Kimura and subject-minas stay"), "a value inside a longer word is someone else's");
        Assert.That(message.LastError, Is.EqualTo($"social: {ErasedPerson.EnglishName} could not be reached"));

        var audit = await store.GetAuditAsync(null);
        Assert.That(audit[0].Detail, Is.EqualTo($"authors erased-1, sns:social:{ErasedPerson.EnglishName}; by {ErasedPerson.EnglishName}"));
        Assert.That(audit[0].ParticipantId, Is.EqualTo("p2"));
        Assert.That(audit[1].Detail, Is.EqualTo("nothing about her"));
    }

    [Test]
    public async Task Concurrent_change_sets_on_one_participant_lose_no_update()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));
        var conflicts = 0;
        var applied = 0;

        async Task Worker(int worker)
        {
            for (var i = 0; i < 10; i++)
            {
                while (true)
                {
                    var current = (await store.GetParticipantAsync("p1"))!;
                    try
                    {
                        await store.ApplyAsync(new StoreChanges()
                            .PutParticipant(current with { DisplayName = $"w{worker}-{i}" }, current.Version)
                            .AppendAudit(new AuditEntry { Id = $"a{worker}-{i}", Time = Now, Action = AuditAction.Linked, ParticipantId = "p1" }));
                        Interlocked.Increment(ref applied);
                        break;
                    }
                    catch (CoCreationConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() => Worker(w))));

        Assert.That(applied, Is.EqualTo(40));
        Assert.That((await store.GetParticipantAsync("p1"))!.Version, Is.EqualTo(41), $"every applied change raised the version once ({conflicts} conflicts were retried)");
        Assert.That(await store.GetAuditAsync("p1"), Has.Count.EqualTo(40));
    }

    [Test]
    public async Task A_change_set_that_puts_one_outbox_key_twice_keeps_the_last_entry_in_the_first_ones_place()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutOutbox(Message("before", DeliveryStatus.Pending, 0)));

        await store.ApplyAsync(new StoreChanges()
            .PutOutbox(Message("twice", DeliveryStatus.Pending, 0))
            .PutOutbox(Message("after", DeliveryStatus.Pending, 0))
            .PutOutbox(Message("twice", DeliveryStatus.Pending, 0) with { Attempts = 2, LastError = "second" }));

        var twice = (await store.GetOutboxMessageAsync("twice"))!;
        Assert.That((twice.Attempts, twice.LastError), Is.EqualTo((2, "second")));
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Pending)).Select(m => m.DeliveryKey), Is.EqualTo(new[] { "before", "twice", "after" }));
    }

    [Test]
    public async Task Enqueuing_stores_the_new_keys_and_hands_back_the_stored_ones_unchanged()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutOutbox(Message("done", DeliveryStatus.Delivered, 0) with { Attempts = 1 }));

        var existing = await store.EnqueueOutboxAsync([Message("new-1", DeliveryStatus.Pending, 1), Message("done", DeliveryStatus.Pending, 1), Message("new-2", DeliveryStatus.Pending, 2)]);

        Assert.That(existing.Select(m => (m.DeliveryKey, m.Status, m.Attempts)), Is.EqualTo(new[] { ("done", DeliveryStatus.Delivered, 1) }));
        var done = (await store.GetOutboxMessageAsync("done"))!;
        Assert.That((done.Status, done.Attempts), Is.EqualTo((DeliveryStatus.Delivered, 1)), "an enqueued key that was stored before is not overwritten");
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Pending)).Select(m => m.DeliveryKey), Is.EqualTo(new[] { "new-1", "new-2" }));
        Assert.That(await store.EnqueueOutboxAsync([Message("new-1", DeliveryStatus.Pending, 5)]), Has.Count.EqualTo(1));
        Assert.That((await store.GetOutboxMessageAsync("new-1"))!.NextAttemptAt, Is.EqualTo(Now.AddMinutes(1)), "a second enqueue changes nothing");
    }

    [Test]
    public async Task Callers_enqueuing_the_same_keys_at_once_store_each_key_once()
    {
        var store = CreateStore();
        var keys = Enumerable.Range(0, 20).Select(i => $"k{i}").ToArray();

        // Eight callers at once, each with all the keys (in its own order) and its own recipient to tell the entries apart.
        var calls = Enumerable.Range(0, 8).Select(caller => Task.Run(() => store.EnqueueOutboxAsync(
            keys.Select((k, i) => Message(k, DeliveryStatus.Pending, 0, recipient: $"caller-{caller}")).OrderBy(m => (m.DeliveryKey.GetHashCode(StringComparison.Ordinal) * (caller + 1)) & 0xFFFF).ToArray()))).ToArray();
        var handedBack = await Task.WhenAll(calls);

        var stored = await store.GetOutboxMessagesAsync(keys);
        Assert.That(stored.Select(m => m.DeliveryKey), Is.EquivalentTo(keys));
        for (var caller = 0; caller < calls.Length; caller++)
        {
            foreach (var message in handedBack[caller])
            {
                Assert.That(message.RecipientId, Is.EqualTo(stored.Single(s => s.DeliveryKey == message.DeliveryKey).RecipientId), "a key handed back is the entry that was stored");
            }
        }

        foreach (var entry in stored)
        {
            // Exactly one caller stored each key: the one whose recipient it carries, and that caller did not get it back.
            var storers = Enumerable.Range(0, calls.Length).Where(c => handedBack[c].All(m => m.DeliveryKey != entry.DeliveryKey)).ToArray();
            Assert.That(storers.Select(c => $"caller-{c}"), Is.EqualTo(new[] { entry.RecipientId }), entry.DeliveryKey);
        }
    }

    [Test]
    public async Task An_enqueue_with_a_repeated_blank_or_missing_entry_is_refused_whole()
    {
        var store = CreateStore();

        var repeated = Assert.ThrowsAsync<CoCreationValidationException>(() => store.EnqueueOutboxAsync([Message("a", DeliveryStatus.Pending, 0), Message("b", DeliveryStatus.Pending, 0), Message("a", DeliveryStatus.Pending, 0)]));
        Assert.That(repeated!.Message, Does.Contain("'a'"));
        Assert.ThrowsAsync<CoCreationValidationException>(() => store.EnqueueOutboxAsync([Message("c", DeliveryStatus.Pending, 0), Message(" ", DeliveryStatus.Pending, 0)]));
        Assert.ThrowsAsync<CoCreationValidationException>(() => store.EnqueueOutboxAsync([Message("d", DeliveryStatus.Pending, 0), null!]));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.EnqueueOutboxAsync(null!));

        Assert.That(await store.GetOutboxMessagesAsync(["a", "b", "c", "d"]), Is.Empty, "nothing of a refused enqueue is stored");
        Assert.That(await store.EnqueueOutboxAsync([]), Is.Empty);
    }

    [Test]
    public async Task A_batch_outbox_read_returns_each_existing_entry_once_and_leaves_out_missing_keys()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges()
            .PutOutbox(Message("k1", DeliveryStatus.Pending, 1, recipient: "p1"))
            .PutOutbox(Message("k2", DeliveryStatus.Delivered, 2, recipient: "p2"))
            .PutOutbox(Message("k3", DeliveryStatus.DeadLettered, 3, recipient: "p3")));
        await store.ApplyAsync(new StoreChanges().PutOutbox(Message("k3", DeliveryStatus.DeadLettered, 3, recipient: "p3") with { Attempts = 4, LastError = "gone" }));

        var read = await store.GetOutboxMessagesAsync(["k3", "missing", "k1", "k3", "k1"]);

        Assert.That(read.Select(m => m.DeliveryKey), Is.EquivalentTo(new[] { "k1", "k3" }), "each found key once, whatever the order or repeats asked");
        var k1 = read.Single(m => m.DeliveryKey == "k1");
        var k3 = read.Single(m => m.DeliveryKey == "k3");
        Assert.That((k1.Status, k1.RecipientId, k1.NextAttemptAt), Is.EqualTo((DeliveryStatus.Pending, "p1", Now.AddMinutes(1))));
        Assert.That((k3.Status, k3.Attempts, k3.LastError), Is.EqualTo((DeliveryStatus.DeadLettered, 4, "gone")), "the entry as last stored");
        Assert.That(await store.GetOutboxMessagesAsync(["missing", "also-missing"]), Is.Empty);
    }

    [Test]
    public async Task A_batch_participant_read_returns_each_existing_participant_once_and_leaves_out_erased_and_unknown_ids()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges()
            .PutParticipant(Person("p1", "s1"), null)
            .PutParticipant(Person("p2", "s2"), null)
            .PutParticipant(Person("erased", "s3"), null));
        var p2 = (await store.GetParticipantAsync("p2"))!;
        await store.ApplyAsync(new StoreChanges().PutParticipant(p2 with { DisplayName = "renamed" }, p2.Version));
        await store.ApplyAsync(new StoreChanges().DeleteParticipant("erased").AnonymiseAudit("erased", "anon-1"));

        var read = await store.GetParticipantsAsync(["p2", "erased", "nobody", "p1", "p2", "anon-1"]);

        Assert.That(read.Select(p => p.Id), Is.EquivalentTo(new[] { "p1", "p2" }));
        var first = read.Single(p => p.Id == "p1");
        var second = read.Single(p => p.Id == "p2");
        Assert.That((first.Version, first.SnsLinks.Single().Subject), Is.EqualTo((1L, "s1")));
        Assert.That((second.Version, second.DisplayName, second.SnsLinks.Single().Subject), Is.EqualTo((2L, "renamed", "s2")), "the version and state as last stored");
    }

    [Test]
    public void A_batch_read_with_a_blank_id_is_refused_whole_before_the_store_is_touched()
    {
        var store = CreateStore();

        // The call is cancelled too: a store that went to its data first would report the cancellation instead.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var outbox = Assert.ThrowsAsync<CoCreationValidationException>(() => store.GetOutboxMessagesAsync(["k1", " "], cancelled.Token));
        var participants = Assert.ThrowsAsync<CoCreationValidationException>(() => store.GetParticipantsAsync(["p1", "p2", null!], cancelled.Token));
        var invisible = Assert.ThrowsAsync<CoCreationValidationException>(() => store.GetParticipantsAsync(["\u200B"]));

        Assert.That(outbox!.Field, Is.EqualTo("deliveryKeys[1]"));
        Assert.That(participants!.Field, Is.EqualTo("participantIds[2]"));
        Assert.That(invisible!.Field, Is.EqualTo("participantIds[0]"));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.GetOutboxMessagesAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.GetParticipantsAsync(null!));
    }

    [Test]
    public async Task An_empty_batch_read_returns_nothing_without_going_to_the_store()
    {
        var store = CreateStore();
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null).PutOutbox(Message("k1", DeliveryStatus.Pending, 0)));

        // Cancelled: a store that queried would report the cancellation.
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(await store.GetOutboxMessagesAsync([], cancelled.Token), Is.Empty);
        Assert.That(await store.GetParticipantsAsync([], cancelled.Token), Is.Empty);
    }

    [Test]
    public async Task A_batch_read_of_more_than_a_thousand_ids_finds_every_one()
    {
        var store = CreateStore();
        var outbox = new StoreChanges();
        for (var i = 0; i < 1200; i++)
        {
            outbox.PutOutbox(Message($"k{i:D4}", DeliveryStatus.Pending, i % 7, recipient: $"p{i:D4}"));
        }

        var people = new StoreChanges();
        for (var i = 0; i < 1050; i++)
        {
            people.PutParticipant(Person($"p{i:D4}", $"s{i:D4}"), null);
        }

        await store.ApplyAsync(outbox);
        await store.ApplyAsync(people);

        // Every stored key once, 300 unknown ones, and the first 100 again, shuffled the same way on every run.
        var random = new Random(7);
        var keys = Enumerable.Range(0, 1600).Select(i => $"k{i % 1500:D4}").Concat(Enumerable.Range(0, 100).Select(i => $"k{i:D4}")).ToArray();
        random.Shuffle(keys);
        var ids = Enumerable.Range(0, 1300).Select(i => $"p{i:D4}").ToArray();
        random.Shuffle(ids);

        var messages = await store.GetOutboxMessagesAsync(keys);
        var participants = await store.GetParticipantsAsync(ids);

        Assert.That(messages.Select(m => m.DeliveryKey), Is.EquivalentTo(Enumerable.Range(0, 1200).Select(i => $"k{i:D4}")));
        Assert.That(messages.All(m => m.RecipientId == "p" + m.DeliveryKey[1..]), Is.True, "each entry is the one stored under its key");
        Assert.That(participants.Select(p => p.Id), Is.EquivalentTo(Enumerable.Range(0, 1050).Select(i => $"p{i:D4}")));
        Assert.That(participants.All(p => p.SnsLinks.Single().Subject == "s" + p.Id[1..]), Is.True);
    }
}
