using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The behaviour every <see cref="IOutboxLeaseStore"/> must have: claims never overlap, a lease that ran out is free for
/// another worker, and only the holder of a claim stores its outcome.
/// </summary>
/// <remarks>
/// Shared by the stores' test projects (linked, like <see cref="CoCreationStoreTests"/>). A durable store's fixture opens
/// several store instances on one database, as separate worker processes would.
/// </remarks>
public abstract class StoreLeaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Opens <paramref name="count"/> store instances on one new, empty database; the fixture cleans them up.</summary>
    /// <param name="count">How many instances.</param>
    /// <returns>The instances.</returns>
    protected abstract IReadOnlyList<ICoCreationStore> OpenSharedStores(int count);

    private static IOutboxLeaseStore Leases(ICoCreationStore store)
    {
        Assert.That(store, Is.InstanceOf<IOutboxLeaseStore>(), "the store must implement IOutboxLeaseStore");
        return (IOutboxLeaseStore)store;
    }

    private static OutboxMessage Delivery(string key, DateTimeOffset due, DeliveryStatus status = DeliveryStatus.Pending) => new()
    {
        DeliveryKey = key,
        Event = new CoCreationEvent
        {
            Id = "event-" + key,
            Source = CoCreationEventSources.Module("test"),
            Type = CoCreationEventTypes.SaleCompleted,
            Time = Now,
            Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.SaleId, key),
        },
        RuleName = "sales",
        RecipientId = "p-" + key,
        Channel = RelayChannel.DirectMessage,
        Status = status,
        NextAttemptAt = due,
        CreatedAt = Now,
    };

    private static async Task PutAsync(ICoCreationStore store, params OutboxMessage[] messages)
    {
        var changes = new StoreChanges();
        foreach (var message in messages)
        {
            changes.PutOutbox(message);
        }

        await store.ApplyAsync(changes);
    }

    [Test]
    public async Task A_claim_takes_due_pending_deliveries_in_due_order_and_a_second_worker_gets_only_the_rest()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(
            store,
            Delivery("d3", Now.AddMinutes(-1)),
            Delivery("d1", Now.AddMinutes(-3)),
            Delivery("d2", Now.AddMinutes(-2)),
            Delivery("later", Now.AddMinutes(5)),
            Delivery("sent", Now.AddMinutes(-9), DeliveryStatus.Delivered),
            Delivery("dead", Now.AddMinutes(-9), DeliveryStatus.DeadLettered),
            Delivery("d4", Now));

        var first = await Leases(store).ClaimDueOutboxAsync("worker-a", Now, Lease, 2);
        var second = await Leases(store).ClaimDueOutboxAsync("worker-b", Now, Lease, 10);
        var third = await Leases(store).ClaimDueOutboxAsync("worker-c", Now, Lease, 10);

        Assert.That(first.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "d1", "d2" }));
        Assert.That(second.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "d3", "d4" }));
        Assert.That(third, Is.Empty, "everything due is held");
        Assert.That(first[0], Is.EqualTo(Delivery("d1", Now.AddMinutes(-3))).Using<OutboxMessage>(SameDelivery), "a claim returns the entry as stored");
    }

    [Test]
    public async Task Workers_on_separate_connections_claiming_at_once_never_get_the_same_delivery()
    {
        const int Deliveries = 300;
        var stores = OpenSharedStores(3);
        await PutAsync(stores[0], [.. Enumerable.Range(0, Deliveries).Select(i => Delivery($"k{i:D4}", Now.AddSeconds(-i)))]);

        var claims = new ConcurrentBag<(string Worker, string Key)>();
        var workers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var leases = Leases(stores[w % stores.Count]);
            while (true)
            {
                var claimed = await leases.ClaimDueOutboxAsync($"worker-{w}", Now, Lease, 7);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var message in claimed)
                {
                    claims.Add(($"worker-{w}", message.DeliveryKey));
                }
            }
        }));
        await Task.WhenAll(workers);

        Assert.That(claims.Select(c => c.Key), Is.Unique, "no delivery claimed twice");
        Assert.That(claims, Has.Count.EqualTo(Deliveries), "every due delivery claimed");
    }

    [Test]
    public async Task The_holder_stores_its_outcome_once_and_the_lease_ends_with_it()
    {
        var stores = OpenSharedStores(2);
        await PutAsync(stores[0], Delivery("d1", Now));
        var claimed = (await Leases(stores[0]).ClaimDueOutboxAsync("worker-a", Now, Lease, 10)).Single();
        var delivered = claimed with { Status = DeliveryStatus.Delivered, Attempts = 1 };

        var lost = await Leases(stores[0]).CompleteClaimedAsync("worker-a", [delivered]);
        var again = await Leases(stores[1]).CompleteClaimedAsync("worker-a", [claimed with { Status = DeliveryStatus.Pending, Attempts = 9 }]);
        var read = await stores[1].GetOutboxMessageAsync("d1");

        Assert.That(lost, Is.Empty);
        Assert.That(again, Is.EqualTo(new[] { "d1" }), "the claim ended with the first outcome");
        Assert.That(read!.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(read.Attempts, Is.EqualTo(1));
        Assert.That(await stores[1].GetDueOutboxAsync(Now.AddDays(1), 10), Is.Empty);
    }

    [Test]
    public async Task A_lease_that_ran_out_is_claimed_by_another_worker_and_the_first_workers_late_outcome_is_refused()
    {
        var stores = OpenSharedStores(2);
        await PutAsync(stores[0], Delivery("d1", Now));
        var first = await Leases(stores[0]).ClaimDueOutboxAsync("dead-worker", Now, Lease, 10);

        var whileHeld = await Leases(stores[1]).ClaimDueOutboxAsync("worker-b", Now + Lease - TimeSpan.FromTicks(1), Lease, 10);
        var afterLease = await Leases(stores[1]).ClaimDueOutboxAsync("worker-b", Now + Lease, Lease, 10);
        var late = await Leases(stores[0]).CompleteClaimedAsync("dead-worker", [first[0] with { Status = DeliveryStatus.DeadLettered, Attempts = 5 }]);
        var lostByB = await Leases(stores[1]).CompleteClaimedAsync("worker-b", [afterLease[0] with { Status = DeliveryStatus.Delivered, Attempts = 1 }]);

        Assert.That(first, Has.Count.EqualTo(1));
        Assert.That(whileHeld, Is.Empty, "a live lease keeps others off");
        Assert.That(afterLease.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "d1" }));
        Assert.That(late, Is.EqualTo(new[] { "d1" }), "the first worker no longer holds it");
        Assert.That(lostByB, Is.Empty);
        Assert.That((await stores[0].GetOutboxMessageAsync("d1"))!.Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task An_outcome_stored_while_nobody_else_claimed_counts_even_after_the_lease_ran_out()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(store, Delivery("d1", Now));
        var claimed = await Leases(store).ClaimDueOutboxAsync("slow-worker", Now, Lease, 10);

        var lost = await Leases(store).CompleteClaimedAsync("slow-worker", [claimed[0] with { Status = DeliveryStatus.Delivered, Attempts = 1 }]);

        Assert.That(lost, Is.Empty);
        Assert.That((await store.GetOutboxMessageAsync("d1"))!.Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task A_write_through_ApplyAsync_ends_the_claim_so_the_workers_outcome_does_not_overwrite_it()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(store, Delivery("d1", Now));
        var claimed = await Leases(store).ClaimDueOutboxAsync("worker-a", Now, Lease, 10);

        await PutAsync(store, Delivery("d1", Now) with { Status = DeliveryStatus.DeadLettered, LastError = "replaced" });
        var lost = await Leases(store).CompleteClaimedAsync("worker-a", [claimed[0] with { Status = DeliveryStatus.Delivered }]);

        Assert.That(lost, Is.EqualTo(new[] { "d1" }));
        Assert.That((await store.GetOutboxMessageAsync("d1"))!.LastError, Is.EqualTo("replaced"));
    }

    [Test]
    public async Task Erasure_of_the_recipient_ends_the_claim_so_a_late_outcome_cannot_restore_their_data()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(store, Delivery("d1", Now));
        var claimed = await Leases(store).ClaimDueOutboxAsync("worker-a", Now, Lease, 10);

        await store.ApplyAsync(new StoreChanges().AnonymiseAudit("p-d1", "anon-1"));
        var lost = await Leases(store).CompleteClaimedAsync("worker-a", [claimed[0] with { Status = DeliveryStatus.Delivered }]);
        var read = await store.GetOutboxMessageAsync("d1");

        Assert.That(lost, Is.EqualTo(new[] { "d1" }));
        Assert.That(read!.RecipientId, Is.EqualTo("anon-1"));
        Assert.That(read.Event.Data, Is.Empty);
    }

    [Test]
    public async Task Claiming_by_key_takes_only_the_named_deliveries_that_are_due_pending_and_free()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(
            store,
            Delivery("due", Now),
            Delivery("other", Now),
            Delivery("later", Now.AddMinutes(1)),
            Delivery("sent", Now, DeliveryStatus.Delivered),
            Delivery("held", Now));
        await Leases(store).ClaimOutboxAsync("worker-b", ["held"], Now, Lease);

        var claimed = await Leases(store).ClaimOutboxAsync("worker-a", ["due", "due", "later", "sent", "held", "missing"], Now, Lease);

        Assert.That(claimed.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "due" }));
        Assert.That((await Leases(store).ClaimDueOutboxAsync("worker-c", Now, Lease, 10)).Select(m => m.DeliveryKey), Is.EqualTo(new[] { "other" }));
    }

    [Test]
    public async Task Bad_claims_are_refused_by_name_before_anything_is_claimed()
    {
        var store = OpenSharedStores(1)[0];
        await PutAsync(store, Delivery("d1", Now));
        var leases = Leases(store);

        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => leases.ClaimDueOutboxAsync(" ", Now, Lease, 10))!.Field, Is.EqualTo("workerId"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => leases.ClaimDueOutboxAsync("w", Now, TimeSpan.Zero, 10))!.Field, Is.EqualTo("lease"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => leases.ClaimDueOutboxAsync("w", Now, Lease, 0))!.Field, Is.EqualTo("max"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => leases.ClaimOutboxAsync("w", ["d1", ""], Now, Lease))!.Field, Is.EqualTo("deliveryKeys"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => leases.CompleteClaimedAsync("", [Delivery("d1", Now)]))!.Field, Is.EqualTo("workerId"));

        var claimed = await leases.ClaimDueOutboxAsync("w", Now, Lease, 10);
        Assert.That(claimed.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "d1" }), "the refused claims took nothing");
    }

    private static bool SameDelivery(OutboxMessage a, OutboxMessage b)
        => a.DeliveryKey == b.DeliveryKey && a.RecipientId == b.RecipientId && a.Status == b.Status && a.NextAttemptAt == b.NextAttemptAt
            && a.Event.Id == b.Event.Id && a.Event.Data.SequenceEqual(b.Event.Data);
}
