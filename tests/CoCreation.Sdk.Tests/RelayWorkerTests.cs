using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// Relay workers on one store: a publish that leaves the sending to workers, workers that claim deliveries so none is
/// sent twice, deliveries named by a broker's notice, and a claim handed back before its lease runs out.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class RelayWorkerTests
{
    private const string NoticeType = "com.test.notice";

    private static readonly RecipientSelector Addressed = new((e, _, _) =>
        Task.FromResult<IReadOnlyList<string>>((e.GetData("to") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));

    private static SdkHarness Worker(ICoCreationStore store, string workerId, bool sendOnPublish = false, TimeSpan? lease = null, RecordingNotifier? notifier = null) => new(
        o =>
        {
            o.Relay.SendOnPublish = sendOnPublish;
            o.Relay.WorkerId = workerId;
            o.Relay.LeaseDuration = lease ?? TimeSpan.FromMinutes(1);
        },
        b =>
        {
            b.AddRelayRule(new RelayRule
            {
                Name = "notice",
                EventType = NoticeType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("알림 {n}", "Notice {n}"),
            });
            if (notifier is not null)
            {
                b.Services.AddSingleton<IOutboxNotifier>(notifier);
            }
        },
        store,
        idempotencyKeys: true);

    private static CoCreationEvent Notice(string id, IEnumerable<string> to) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module("test"),
        Type = NoticeType,
        Time = SdkHarness.Start,
        Data = ImmutableDictionary<string, string>.Empty.Add("to", string.Join(",", to)).Add("n", id),
    };

    private static async Task<string[]> MembersAsync(SdkHarness sdk, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await sdk.SignInNewAsync($"m{i:D3}")).ParticipantId;
        }

        return ids;
    }

    [Test]
    public async Task Without_send_on_publish_a_publish_only_enqueues_and_tells_the_notifiers()
    {
        var store = new InMemoryCoCreationStore();
        var notifier = new RecordingNotifier();
        await using var publisher = Worker(store, "publisher", notifier: notifier);
        var members = await MembersAsync(publisher, 5);

        var result = await publisher.Relay.PublishAsync(Notice("n1", members));
        var again = await publisher.Relay.PublishAsync(Notice("n1", members));

        Assert.That(result.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        Assert.That(publisher.SocialSns.SendAttempts, Is.Zero, "nothing was sent");
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Pending)).Select(m => m.DeliveryKey), Is.EquivalentTo(result.Deliveries.Select(d => d.DeliveryKey)));
        Assert.That(notifier.Keys, Is.EquivalentTo(result.Deliveries.Select(d => d.DeliveryKey)), "told once, of the new deliveries only");
        Assert.That(again.Deliveries.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending), "a repeated publish reports them as they stand");
    }

    [Test]
    public async Task A_failing_notifier_does_not_fail_the_publish_and_the_deliveries_stay_for_the_workers()
    {
        var store = new InMemoryCoCreationStore();
        var notifier = new RecordingNotifier { Fail = true };
        await using var publisher = Worker(store, "publisher", notifier: notifier);
        var members = await MembersAsync(publisher, 3);

        var result = await publisher.Relay.PublishAsync(Notice("n1", members));
        var delivered = await publisher.Relay.DeliverDueAsync();

        Assert.That(result.Deliveries, Has.Count.EqualTo(3));
        Assert.That(delivered, Has.Count.EqualTo(3));
        Assert.That(delivered.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(publisher.SocialSns.Messages, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Without_send_on_publish_a_replayed_dead_letter_is_left_pending_for_the_workers()
    {
        var store = new InMemoryCoCreationStore();
        var notifier = new RecordingNotifier();
        await using var publisher = Worker(store, "publisher", notifier: notifier);
        var members = await MembersAsync(publisher, 1);
        var published = await publisher.Relay.PublishAsync(Notice("n1", members));
        var key = published.Deliveries.Single().DeliveryKey;
        var stored = await store.GetOutboxMessageAsync(key);
        await store.ApplyAsync(new StoreChanges().PutOutbox(stored! with { Status = DeliveryStatus.DeadLettered, Attempts = 5, LastError = "gave up" }));

        var replayed = await publisher.Relay.ReplayDeadLettersAsync();
        var read = await store.GetOutboxMessageAsync(key);

        Assert.That(replayed.Single().Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(publisher.SocialSns.SendAttempts, Is.Zero, "nothing was sent beside the workers");
        Assert.That(read!.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(read.Attempts, Is.Zero);
        Assert.That(notifier.Keys.Count(k => k == key), Is.EqualTo(2), "announced when enqueued and again when replayed");
        Assert.That((await publisher.Relay.DeliverDueAsync()).Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task Two_workers_delivering_at_once_send_each_delivery_once_between_them()
    {
        var store = new InMemoryCoCreationStore();
        await using var first = Worker(store, "worker-1");
        await using var second = Worker(store, "worker-2");
        var members = await MembersAsync(first, 60);
        for (var e = 0; e < 10; e++)
        {
            await first.Relay.PublishAsync(Notice($"n{e}", members));
        }

        var results = new ConcurrentBag<DeliveryResult>();
        async Task RunAsync(SdkHarness worker)
        {
            while (true)
            {
                var batch = await worker.Relay.DeliverDueAsync();
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var result in batch)
                {
                    results.Add(result);
                }
            }
        }

        await Task.WhenAll(Task.Run(() => RunAsync(first)), Task.Run(() => RunAsync(second)));
        var sent = first.SocialSns.Messages.Concat(second.SocialSns.Messages).ToList();

        Assert.That(results, Has.Count.EqualTo(600));
        Assert.That(results.Select(r => r.DeliveryKey), Is.Unique);
        Assert.That(sent, Has.Count.EqualTo(600), "600 messages at the networks, counted where they arrived");
        Assert.That(sent.Select(m => (m.RecipientSubject, m.Text)), Is.Unique);
        Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.Pending), Is.Empty);
    }

    [Test]
    public async Task Delivering_by_key_sends_only_the_named_due_deliveries_and_answers_nothing_for_the_rest()
    {
        var store = new InMemoryCoCreationStore();
        await using var worker = Worker(store, "worker-1");
        var members = await MembersAsync(worker, 4);
        var published = await worker.Relay.PublishAsync(Notice("n1", members));
        var keys = published.Deliveries.Select(d => d.DeliveryKey).ToArray();

        var firstTwo = await worker.Relay.DeliverAsync([keys[0], keys[1], "no-such-delivery"]);
        var again = await worker.Relay.DeliverAsync([keys[0]]);

        Assert.That(firstTwo.Select(r => r.DeliveryKey), Is.EquivalentTo(keys[..2]));
        Assert.That(firstTwo.Select(r => r.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(again, Is.Empty, "a delivered delivery is not sent again");
        Assert.That(worker.SocialSns.Messages, Has.Count.EqualTo(2));
        Assert.That((await store.GetOutboxByStatusAsync(DeliveryStatus.Pending)).Select(m => m.DeliveryKey), Is.EquivalentTo(keys[2..]));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => worker.Relay.DeliverAsync(["  "]))!.Field, Is.EqualTo("deliveryKeys"));
    }

    [Test]
    public async Task A_worker_hands_back_the_rest_of_its_claim_once_most_of_the_lease_has_passed()
    {
        var store = new InMemoryCoCreationStore();
        await using var slow = Worker(store, "slow", lease: TimeSpan.FromSeconds(10));
        await using var other = Worker(store, "other", lease: TimeSpan.FromSeconds(10));
        var members = await MembersAsync(slow, 6);
        await slow.Relay.PublishAsync(Notice("n1", members));

        // Each send takes 3 s on the clock: after three, 9 s of the 10 s lease have passed (more than 80%).
        slow.SocialSns.AfterSend = _ => slow.Clock.Advance(TimeSpan.FromSeconds(3));
        var sentBySlow = await slow.Relay.DeliverDueAsync();
        other.Clock.SetUtcNow(slow.Clock.GetUtcNow());
        var sentByOther = await other.Relay.DeliverDueAsync();

        Assert.That(sentBySlow, Has.Count.EqualTo(3));
        Assert.That(sentByOther, Has.Count.EqualTo(3), "the handed-back deliveries were free at once, without waiting for the lease");
        Assert.That(sentBySlow.Concat(sentByOther).Select(r => r.DeliveryKey), Is.Unique);
        Assert.That(slow.SocialSns.Messages.Count + other.SocialSns.Messages.Count, Is.EqualTo(6));
    }

    [Test]
    public async Task A_delivery_worker_process_only_delivers_what_publishers_enqueued()
    {
        var store = new InMemoryCoCreationStore();
        await using var publisher = Worker(store, "publisher");
        await using var host = new SdkHarness(
            o => o.Relay.WorkerId = "hosted",
            b => b.AddRelayRule(new RelayRule
            {
                Name = "notice",
                EventType = NoticeType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("알림 {n}", "Notice {n}"),
            }).AddRelayDeliveryWorker(TimeSpan.FromSeconds(5)),
            store,
            idempotencyKeys: true);
        var members = await MembersAsync(publisher, 3);
        await publisher.Relay.PublishAsync(Notice("n1", members));
        var worker = host.Services.GetServices<IHostedService>().Single();
        await worker.StartAsync(CancellationToken.None);
        try
        {
            // Enqueued before the start: the first run delivers it.
            await WaitForAsync(() => host.SocialSns.Messages.Count == 3, host);

            // Enqueued later: delivered on a later run, once the worker's period has passed on its clock.
            await publisher.Relay.PublishAsync(Notice("n2", members));
            await WaitForAsync(() => host.SocialSns.Messages.Count == 6, host, advance: TimeSpan.FromSeconds(5));

            Assert.That(host.SocialSns.Messages.Select(m => (m.RecipientSubject, m.Text)), Is.Unique);
            Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.Pending), Is.Empty);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        Assert.That(Assert.Throws<CoCreationValidationException>(() => new ServiceCollection().AddCoCreation().AddRelayDeliveryWorker(TimeSpan.Zero))!.Field, Is.EqualTo("interval"));
        var scheduler = (CoCreationScheduler)worker;
        Assert.That(scheduler.Items.Select(i => i.Name), Is.EqualTo(new[] { "relay.delivery" }), "a worker process only delivers");
    }

    private static async Task WaitForAsync(Func<bool> condition, SdkHarness host, TimeSpan? advance = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "the worker did not deliver in time");
            if (advance is { } step)
            {
                host.Clock.Advance(step);
            }

            await Task.Delay(10);
        }
    }

    [Test]
    public void Worker_options_are_checked_at_start()
    {
        Assert.That(
            Assert.Throws<CoCreationValidationException>(() => CoCreationOptionsValidator.ThrowIfInvalid(new CoCreationOptions { Relay = { WorkerId = " " } }))!.Field,
            Is.EqualTo("Relay.WorkerId"));
        Assert.That(
            Assert.Throws<CoCreationValidationException>(() => CoCreationOptionsValidator.ThrowIfInvalid(new CoCreationOptions { Relay = { LeaseDuration = TimeSpan.Zero } }))!.Field,
            Is.EqualTo("Relay.LeaseDuration"));
    }

    private sealed class RecordingNotifier : IOutboxNotifier
    {
        private readonly ConcurrentQueue<string> _keys = new();

        public bool Fail { get; init; }

        public IReadOnlyList<string> Keys => [.. _keys];

        public Task EnqueuedAsync(IReadOnlyList<OutboxMessage> deliveries, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new InvalidOperationException("the broker is down");
            }

            foreach (var delivery in deliveries)
            {
                _keys.Enqueue(delivery.DeliveryKey);
            }

            return Task.CompletedTask;
        }
    }
}
