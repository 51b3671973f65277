namespace CoCreation.Sdk.Tests;

/// <summary>
/// The behaviour every <see cref="IRateLimitStore"/> must have: takers on several store instances of one database never
/// get more tokens than the capacity plus one per refill interval, a block holds for every instance, and bad input is
/// refused before anything is stored.
/// </summary>
/// <remarks>
/// Shared by the stores' test projects (linked, like <see cref="StoreLeaseTests"/>). Time is passed in, so the tests run
/// on a clock of their own and take no real time.
/// </remarks>
public abstract class StoreRateLimitTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Opens <paramref name="count"/> store instances on one new, empty database; the fixture cleans them up.</summary>
    /// <param name="count">How many instances.</param>
    /// <returns>The instances.</returns>
    protected abstract IReadOnlyList<ICoCreationStore> OpenSharedStores(int count);

    private IReadOnlyList<IRateLimitStore> OpenBuckets(int count)
    {
        var stores = OpenSharedStores(count);
        Assert.That(stores, Is.All.InstanceOf<IRateLimitStore>(), "the store must implement IRateLimitStore");
        return [.. stores.Cast<IRateLimitStore>()];
    }

    [Test]
    public async Task Concurrent_takers_on_several_instances_never_get_more_than_the_capacity_plus_the_refill_over_the_elapsed_time()
    {
        var stores = OpenBuckets(3);
        var limit = new RateLimitBucket(3, TimeSpan.FromSeconds(1));
        const int TakersPerStore = 4;
        var granted = 0;
        var step = TimeSpan.FromMilliseconds(250);
        for (var tick = 0; tick <= 24; tick++)
        {
            var now = Start + (step * tick);
            var takes = stores.SelectMany(s => Enumerable.Range(0, TakersPerStore).Select(_ => Task.Run(() => s.TakeAsync("sns:test:brand", limit, now, TimeSpan.Zero)))).ToArray();
            var grants = await Task.WhenAll(takes);
            granted += grants.Count(g => g.Granted);
            Assert.That(grants.Where(g => g.Granted).Select(g => g.At), Is.All.EqualTo(now), "a grant without a wait is for now");
            Assert.That(grants.Where(g => !g.Granted).Select(g => g.At), Is.All.GreaterThan(now), "a refusal says when to come back");

            // Demand always exceeds supply here, so the bound is met exactly: the burst at the start, then one per second.
            var allowed = limit.Capacity + (int)((now - Start).Ticks / limit.RefillInterval.Ticks);
            Assert.That(granted, Is.EqualTo(allowed), $"tokens granted by {now - Start}");
        }
    }

    [Test]
    public async Task Reservations_made_at_the_same_moment_on_several_instances_get_distinct_evenly_spaced_slots()
    {
        var stores = OpenBuckets(2);
        var limit = new RateLimitBucket(2, TimeSpan.FromSeconds(3));
        var takes = stores.SelectMany(s => Enumerable.Range(0, 5).Select(_ => Task.Run(() => s.TakeAsync("sns:test:brand", limit, Start, TimeSpan.FromSeconds(20))))).ToArray();
        var grants = await Task.WhenAll(takes);

        // 2 at once, then one every 3 s: 0, 0, 3, 6, … 24 s; the ones past 20 s are refused and reserve nothing.
        var slots = grants.Where(g => g.Granted).Select(g => (g.At - Start).TotalSeconds).Order().ToArray();
        Assert.That(slots, Is.EqualTo(new double[] { 0, 0, 3, 6, 9, 12, 15, 18 }));
        Assert.That(grants.Where(g => !g.Granted).Select(g => g.At), Is.All.EqualTo(Start.AddSeconds(21)), "the first free slot after the reservations");

        var after = await stores[0].TakeAsync("sns:test:brand", limit, Start, TimeSpan.FromMinutes(1));
        Assert.That(after, Is.EqualTo(new RateLimitGrant(true, Start.AddSeconds(21))), "refusals took no slot");
    }

    [Test]
    public async Task A_block_holds_for_every_instance_until_its_end_and_a_shorter_one_does_not_cut_it()
    {
        var stores = OpenBuckets(2);
        var limit = new RateLimitBucket(5, TimeSpan.FromSeconds(1));
        Assert.That((await stores[0].TakeAsync("sns:test:brand", limit, Start, TimeSpan.Zero)).Granted, Is.True);

        await stores[0].BlockAsync("sns:test:brand", Start.AddSeconds(30));
        await stores[1].BlockAsync("sns:test:brand", Start.AddSeconds(10));

        var refused = await stores[1].TakeAsync("sns:test:brand", limit, Start.AddSeconds(12), TimeSpan.FromSeconds(5));
        var waited = await stores[0].TakeAsync("sns:test:brand", limit, Start.AddSeconds(12), TimeSpan.FromSeconds(20));
        var other = await stores[1].TakeAsync("sns:test:other", limit, Start.AddSeconds(12), TimeSpan.Zero);
        var after = await stores[1].TakeAsync("sns:test:brand", limit, Start.AddSeconds(30), TimeSpan.Zero);

        Assert.That(refused, Is.EqualTo(new RateLimitGrant(false, Start.AddSeconds(30))), "the other instance sees the longer block");
        Assert.That(waited, Is.EqualTo(new RateLimitGrant(true, Start.AddSeconds(30))), "a wait long enough is granted at the block's end");
        Assert.That(other.Granted, Is.True, "another bucket is not blocked");
        Assert.That(after, Is.EqualTo(new RateLimitGrant(true, Start.AddSeconds(30))), "the full bucket's burst is free once the block ends");
    }

    [Test]
    public async Task A_block_of_a_bucket_never_used_holds_too()
    {
        var stores = OpenBuckets(2);
        await stores[0].BlockAsync("sns:test:new", Start.AddMinutes(5));

        var grant = await stores[1].TakeAsync("sns:test:new", new RateLimitBucket(1, TimeSpan.FromSeconds(1)), Start, TimeSpan.Zero);

        Assert.That(grant, Is.EqualTo(new RateLimitGrant(false, Start.AddMinutes(5))));
    }

    [TestCase("", 1, 1000, 0, "bucket")]
    [TestCase("  ", 1, 1000, 0, "bucket")]
    [TestCase("b", 0, 1000, 0, "limit.Capacity")]
    [TestCase("b", 1_000_001, 1000, 0, "limit.Capacity")]
    [TestCase("b", 1, 0, 0, "limit.RefillInterval")]
    [TestCase("b", 1, -5, 0, "limit.RefillInterval")]
    [TestCase("b", 1, 1000, -1, "maxWait")]
    public void Bad_arguments_are_refused_naming_the_field(string bucket, int capacity, int refillMilliseconds, int maxWaitMilliseconds, string field)
    {
        var store = OpenBuckets(1)[0];

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => store.TakeAsync(bucket, new RateLimitBucket(capacity, TimeSpan.FromMilliseconds(refillMilliseconds)), Start, TimeSpan.FromMilliseconds(maxWaitMilliseconds)));

        Assert.That(ex!.Field, Is.EqualTo(field));
    }

    [Test]
    public async Task A_name_too_long_is_refused_by_both_calls_and_nothing_is_stored()
    {
        var store = OpenBuckets(1)[0];
        var name = new string('b', RateLimitBuckets.MaxNameLength + 1);
        var limit = new RateLimitBucket(1, TimeSpan.FromSeconds(1));

        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => store.TakeAsync(name, limit, Start, TimeSpan.Zero))!.Field, Is.EqualTo("bucket"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => store.BlockAsync(name, Start.AddDays(1)))!.Field, Is.EqualTo("bucket"));
        Assert.That(Assert.ThrowsAsync<CoCreationValidationException>(() => store.BlockAsync(" ", Start.AddDays(1)))!.Field, Is.EqualTo("bucket"));

        var longest = name[..RateLimitBuckets.MaxNameLength];
        Assert.That((await store.TakeAsync(longest, limit, Start, TimeSpan.Zero)).Granted, Is.True, "a name of the longest length is fine");
    }
}
