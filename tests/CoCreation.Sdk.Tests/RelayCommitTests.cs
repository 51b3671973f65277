using System.Collections.Immutable;
using CoCreation.Sdk.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// How many store commits the relay makes per event, and what each holds. One <see cref="ICoCreationStore.ApplyAsync"/>
/// call is one transaction: an event's new deliveries are enqueued in one, and where the network takes idempotency
/// keys their outcomes are stored together in one more; without keys each outcome is stored right after its send.
/// Reads are counted too: an event's outbox rows are read in one call, its recipients in one call per batch of held
/// outcomes.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class RelayCommitTests
{
    private const string NoticeType = "com.test.notice";

    // Recipients named in the event's "to" data value, comma-separated.
    private static readonly RecipientSelector Addressed = new((e, _, _) =>
        Task.FromResult<IReadOnlyList<string>>((e.GetData("to") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));

    private static SdkHarness Harness(RecordingStore store, bool idempotencyKeys, int maxAttempts = 3) => new(
        o =>
        {
            o.Relay.MaxAttempts = maxAttempts;
            o.Relay.BaseDelay = TimeSpan.FromSeconds(10);
        },
        b => b
            .AddRelayRule(new RelayRule
            {
                Name = "notice",
                EventType = NoticeType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("알림 {n}", "Notice {n}"),
            })
            .AddRelayRule(new RelayRule
            {
                // Routes the same recipients over the same channel again when the event asks for it.
                Name = "notice-again",
                EventType = NoticeType,
                When = e => e.GetData("twice") == "yes",
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("알림 {n}", "Notice {n}"),
            })
            .AddRelayWorker(TimeSpan.FromMinutes(1)),
        store,
        idempotencyKeys);

    private static CoCreationEvent Notice(string id, IEnumerable<string> to, bool twice = false) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module("test"),
        Type = NoticeType,
        Time = SdkHarness.Start,
        Data = ImmutableDictionary<string, string>.Empty
            .Add("to", string.Join(",", to))
            .Add("n", id)
            .Add("twice", twice ? "yes" : "no"),
    };

    private static async Task<string[]> MembersAsync(SdkHarness sdk, RecordingStore store, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await sdk.SignInNewAsync($"m{i:D3}")).ParticipantId;
        }

        // Only the relay's commits count from here on.
        store.Forget();
        store.Probe = () => sdk.SocialSns.SentKeys.Count;
        return ids;
    }

    // One scheduler cycle: a period later on the clock, every built-in item is due again.
    private static async Task SchedulerCycleAsync(SdkHarness sdk)
    {
        var scheduler = sdk.Services.GetServices<IHostedService>().OfType<CoCreationScheduler>().Single();
        sdk.Clock.Advance(scheduler.Interval);
        await scheduler.RunDueAsync(CancellationToken.None);
    }

    private static void AssertEachInboxHoldsOne(SdkHarness sdk, int members)
    {
        for (var i = 0; i < members; i++)
        {
            Assert.That(sdk.SocialSns.InboxOf($"m{i:D3}"), Has.Count.EqualTo(1), $"member {i} got the notice exactly once");
        }
    }

    [Test]
    public async Task Ten_recipients_on_a_network_with_idempotency_keys_cost_two_commits()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 10);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        var commits = store.Commits;
        Assert.That(store.Applies, Has.Count.EqualTo(2));
        Assert.That(commits, Has.Count.EqualTo(2));
        Assert.That(commits[0].Outbox.Select(m => m.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Pending, 10)), "one transaction enqueues every delivery");
        Assert.That(commits[0].Outbox.Select(m => m.RecipientId), Is.EqualTo(members));
        Assert.That(commits[0].Probe, Is.Zero, "enqueued before anything was sent");
        Assert.That(commits[1].Outbox.Select(m => m.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Delivered, 10)), "one transaction stores every outcome");
        Assert.That(commits[1].Outbox.Select(m => m.DeliveryKey), Is.EqualTo(commits[0].Outbox.Select(m => m.DeliveryKey)));
        Assert.That(commits[1].Probe, Is.EqualTo(10), "the outcomes are stored after the last send");
        Assert.That(commits.Sum(c => c.OtherChanges), Is.Zero);
        Assert.That(sdk.SocialSns.SentKeys, Is.EqualTo(result.Deliveries.Select(d => d.DeliveryKey)), "each send carries its delivery key");
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [Test]
    public async Task Ten_recipients_on_a_network_without_idempotency_keys_cost_eleven_commits_each_outcome_right_after_its_send()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: false);
        var members = await MembersAsync(sdk, store, 10);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        var commits = store.Commits;
        Assert.That(commits, Has.Count.EqualTo(11));
        Assert.That(commits[0].Outbox, Has.Count.EqualTo(10));
        Assert.That(commits[0].Outbox.Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        var sent = sdk.SocialSns.SentKeys;
        for (var k = 1; k <= 10; k++)
        {
            var outcome = commits[k].Outbox.Single();
            Assert.That(outcome.Status, Is.EqualTo(DeliveryStatus.Delivered));
            Assert.That(commits[k].Probe, Is.EqualTo(k), $"outcome {k} is stored after send {k} and before send {k + 1}");
            Assert.That(outcome.DeliveryKey, Is.EqualTo(sent[k - 1]));
        }

        AssertEachInboxHoldsOne(sdk, 10);
    }

    [Test]
    public async Task Held_outcomes_are_stored_at_most_a_hundred_at_a_time()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 150);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries, Has.Count.EqualTo(150));
        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        var commits = store.Commits;
        Assert.That(commits.Select(c => c.Outbox.Count), Is.EqualTo(new[] { 150, 100, 50 }));
        Assert.That(commits.Select(c => c.Probe), Is.EqualTo(new[] { 0, 100, 150 }));
        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(150));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Deliveries_already_in_the_outbox_are_not_enqueued_again(bool idempotencyKeys)
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys);
        var members = await MembersAsync(sdk, store, 10);
        await sdk.Relay.PublishAsync(Notice("1", members.Take(5)));
        store.Forget();

        var widened = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(widened.Deliveries.Select(d => d.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Duplicate, 5).Concat(Enumerable.Repeat(DeliveryStatus.Delivered, 5))));
        var enqueued = store.Commits[0].Outbox;
        Assert.That(enqueued.Select(m => m.RecipientId), Is.EqualTo(members.Skip(5)), "only the five new deliveries are enqueued");
        Assert.That(enqueued.Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        Assert.That(store.Commits, Has.Count.EqualTo(idempotencyKeys ? 2 : 6));
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(10), "nothing delivered before was sent again");

        store.Forget();
        var again = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(again.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Duplicate));
        Assert.That(store.Applies, Is.Empty, "a repeated event writes nothing");
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [Test]
    public async Task A_delivery_routed_twice_in_one_event_is_enqueued_and_sent_once()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 3);

        var result = await sdk.Relay.PublishAsync(Notice("1", members, twice: true));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.EqualTo(new[]
        {
            DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Delivered,
            DeliveryStatus.Duplicate, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate,
        }));
        Assert.That(result.Deliveries.Skip(3).Select(d => d.DeliveryKey), Is.EqualTo(result.Deliveries.Take(3).Select(d => d.DeliveryKey)));
        Assert.That(store.Commits.Select(c => c.Outbox.Count), Is.EqualTo(new[] { 3, 3 }));
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(3));
        AssertEachInboxHoldsOne(sdk, 3);
    }

    [TestCase(3, DeliveryStatus.Pending)]
    [TestCase(1, DeliveryStatus.DeadLettered)]
    public async Task A_failed_send_is_stored_with_its_retry_or_dead_letter_in_the_events_outcome_commit(int maxAttempts, DeliveryStatus expected)
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true, maxAttempts);
        var members = await MembersAsync(sdk, store, 10);
        sdk.SocialSns.Fail(SnsFailure.Transient, count: 1);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries[0].Status, Is.EqualTo(expected));
        Assert.That(result.Deliveries.Skip(1).Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        var commits = store.Commits;
        Assert.That(commits, Has.Count.EqualTo(2));
        var failed = commits[1].Outbox.Single(m => m.RecipientId == members[0]);
        Assert.That(failed.Status, Is.EqualTo(expected));
        Assert.That(failed.Attempts, Is.EqualTo(1));
        Assert.That(failed.LastError, Does.Contain("unavailable"));
        Assert.That(commits[1].Outbox.Count(m => m.Status == DeliveryStatus.Delivered), Is.EqualTo(9));
        var stored = await sdk.Store.GetOutboxMessageAsync(failed.DeliveryKey);
        Assert.That(stored!.Status, Is.EqualTo(expected));
        if (expected == DeliveryStatus.Pending)
        {
            Assert.That(stored.NextAttemptAt, Is.InRange(SdkHarness.Start.AddSeconds(8), SdkHarness.Start.AddSeconds(12)));
            Assert.That(await sdk.Store.GetDueOutboxAsync(SdkHarness.Start, 10), Is.Empty, "not due before its back-off");
        }
        else
        {
            Assert.That((await sdk.Relay.GetDeadLettersAsync()).Single().DeliveryKey, Is.EqualTo(failed.DeliveryKey));
        }
    }

    [Test]
    public async Task A_due_pending_delivery_is_tried_again_by_a_repeated_publish_without_being_enqueued_again()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 3);
        sdk.SocialSns.Fail(SnsFailure.Transient, count: 1);
        await sdk.Relay.PublishAsync(Notice("1", members));
        sdk.Clock.Advance(TimeSpan.FromMinutes(1));
        store.Forget();

        var again = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(again.Deliveries.Select(d => d.Status), Is.EqualTo(new[] { DeliveryStatus.Delivered, DeliveryStatus.Duplicate, DeliveryStatus.Duplicate }));
        var only = store.Commits.Single().Outbox.Single();
        Assert.That(only.RecipientId, Is.EqualTo(members[0]));
        Assert.That(only.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(only.Attempts, Is.EqualTo(2));
        AssertEachInboxHoldsOne(sdk, 3);
    }

    [Test]
    public async Task A_store_failure_while_storing_outcomes_leaves_every_delivery_pending_and_the_worker_delivers_each_once()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 10);
        store.FailWhen(changes => changes.Outbox.Any(m => m.Status == DeliveryStatus.Delivered));

        Assert.ThrowsAsync<InvalidOperationException>(() => sdk.Relay.PublishAsync(Notice("1", members)));

        Assert.That(store.Applies.Select(a => (a.Outbox.Count, a.Stored)), Is.EqualTo(new[] { (10, true), (10, false) }));
        Assert.That(sdk.SocialSns.Messages, Has.Count.EqualTo(10), "the network took every message before the store failed");
        var pending = await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Pending);
        Assert.That(pending.Select(m => m.RecipientId), Is.EquivalentTo(members), "nothing half-written: every delivery is still pending");
        Assert.That(pending.Select(m => m.Attempts), Is.All.Zero);
        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Is.Empty);
        Assert.That(await sdk.Store.GetDueOutboxAsync(sdk.Clock.GetUtcNow(), 100), Has.Count.EqualTo(10), "the worker finds them due");

        store.FailWhen(null);
        await SchedulerCycleAsync(sdk);

        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(10));
        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Pending), Is.Empty);
        var keys = sdk.SocialSns.SentKeys;
        Assert.That(keys, Has.Count.EqualTo(20), "every delivery was sent again after the failure");
        Assert.That(keys.GroupBy(k => k).Select(g => g.Count()), Is.All.EqualTo(2), "with the same key each time");
        Assert.That(sdk.SocialSns.Messages, Has.Count.EqualTo(10), "the network dropped the re-sends by key");
        AssertEachInboxHoldsOne(sdk, 10);

        await SchedulerCycleAsync(sdk);
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(20), "a later run sends nothing");
    }

    [Test]
    public async Task A_store_failure_while_enqueuing_sends_nothing()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 10);
        store.FailWhen(changes => changes.Outbox.Count > 0);

        Assert.ThrowsAsync<InvalidOperationException>(() => sdk.Relay.PublishAsync(Notice("1", members)));

        Assert.That(store.Commits, Is.Empty);
        Assert.That(sdk.SocialSns.SendAttempts, Is.Zero);
        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Pending), Is.Empty);

        store.FailWhen(null);
        var retried = await sdk.Relay.PublishAsync(Notice("1", members));
        Assert.That(retried.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [TestCase(true, 2)]
    [TestCase(false, 5)]
    public async Task Cancelling_mid_event_stores_what_was_sent_and_leaves_the_rest_pending(bool idempotencyKeys, int expectedCommits)
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys);
        var members = await MembersAsync(sdk, store, 10);
        using var cancel = new CancellationTokenSource();
        sdk.SocialSns.AfterSend = sent =>
        {
            if (sent == 4)
            {
                cancel.Cancel();
            }
        };

        Assert.CatchAsync<OperationCanceledException>(() => sdk.Relay.PublishAsync(Notice("1", members), cancel.Token));
        sdk.SocialSns.AfterSend = null;

        Assert.That(store.Commits, Has.Count.EqualTo(expectedCommits));
        Assert.That(store.Applies.All(a => a.Stored), Is.True);
        var delivered = await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered);
        var pending = await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Pending);
        Assert.That(delivered.Select(m => m.RecipientId), Is.EquivalentTo(members.Take(4)), "the four sends made before the cancellation are stored");
        Assert.That(pending.Select(m => m.RecipientId), Is.EquivalentTo(members.Skip(4)));
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(4));

        await SchedulerCycleAsync(sdk);

        Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(10));
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(10), "nothing stored as delivered was sent again");
        Assert.That(sdk.SocialSns.SentKeys.Distinct().Count(), Is.EqualTo(10));
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_due_run_that_starts_while_an_event_is_being_sent_waits_for_it_and_sends_nothing_again(bool idempotencyKeys)
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys);
        var members = await MembersAsync(sdk, store, 10);
        Task<IReadOnlyList<DeliveryResult>>? due = null;
        var dueWaited = false;
        sdk.SocialSns.AfterSend = sent =>
        {
            if (sent == 1)
            {
                // Every delivery of the event is stored as pending and due now, and held by the publish.
                due = sdk.Relay.DeliverDueAsync();
                dueWaited = !due.IsCompleted;
            }
        };

        var result = await sdk.Relay.PublishAsync(Notice("1", members));
        var dueResults = await due!;

        Assert.That(dueWaited, Is.True, "the due run waited for the event's lock");
        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(dueResults, Is.Empty, "under the lock it read every delivery as delivered");
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(10));
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [Test]
    public async Task One_publish_to_ten_recipients_reads_their_outbox_rows_in_one_call_and_their_participants_in_another()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 10);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(store.OutboxBatchReads, Is.EqualTo(new[] { 10 }), "one read of every delivery key of the event");
        Assert.That(store.ParticipantBatchReads, Is.EqualTo(new[] { 10 }), "one read of every recipient");
        Assert.That(store.OutboxReads, Is.Zero, "no outbox row read one by one");
        Assert.That(store.ParticipantReads, Is.Zero, "no recipient read one by one");
        AssertEachInboxHoldsOne(sdk, 10);

        store.Forget();
        var again = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(again.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Duplicate));
        Assert.That(store.OutboxBatchReads, Is.EqualTo(new[] { 10 }));
        Assert.That(store.ParticipantBatchReads, Is.Empty, "nothing to send, so no recipient is read");
        Assert.That(store.ParticipantReads + store.OutboxReads, Is.Zero);
        AssertEachInboxHoldsOne(sdk, 10);
    }

    [Test]
    public async Task Recipients_are_read_one_call_per_batch_of_held_outcomes()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 150);

        var result = await sdk.Relay.PublishAsync(Notice("1", members));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(store.OutboxBatchReads, Is.EqualTo(new[] { 150 }));
        Assert.That(store.ParticipantBatchReads, Is.EqualTo(new[] { EventRelay.MaxHeldOutcomes, 150 - EventRelay.MaxHeldOutcomes }));
        Assert.That(store.ParticipantReads, Is.Zero);
    }

    [Test]
    public async Task With_batch_reads_an_erased_or_unknown_recipient_is_still_unreachable_and_a_delivery_routed_twice_still_read_once()
    {
        var store = new RecordingStore();
        await using var sdk = Harness(store, idempotencyKeys: true);
        var members = await MembersAsync(sdk, store, 3);
        await sdk.Identities.EraseAsync(members[1]);
        store.Forget();

        var result = await sdk.Relay.PublishAsync(Notice("1", [.. members, "ghost"], twice: true));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.EqualTo(new[]
        {
            DeliveryStatus.Delivered, DeliveryStatus.Unreachable, DeliveryStatus.Delivered, DeliveryStatus.Unreachable,
            DeliveryStatus.Duplicate, DeliveryStatus.Unreachable, DeliveryStatus.Duplicate, DeliveryStatus.Unreachable,
        }));
        Assert.That(result.Deliveries[1].Error, Does.Contain("unknown or erased"));
        Assert.That(store.OutboxBatchReads, Is.EqualTo(new[] { 4 }), "each delivery once, though two rules routed it");
        Assert.That(store.ParticipantBatchReads, Is.EqualTo(new[] { 4 }));
        Assert.That(sdk.SocialSns.SentKeys, Has.Count.EqualTo(2));
        Assert.That((await sdk.Store.GetOutboxMessageAsync(result.Deliveries[3].DeliveryKey))!.Status, Is.EqualTo(DeliveryStatus.Unreachable));
    }
}
