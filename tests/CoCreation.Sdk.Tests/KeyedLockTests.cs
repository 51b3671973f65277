namespace CoCreation.Sdk.Tests;

/// <summary>The relay's per-key lock: keys taken at once when free, and waited for when held.</summary>
[TestFixture]
[Category("Unit")]
public sealed class KeyedLockTests
{
    [Test]
    public async Task Locking_a_set_waits_for_a_key_someone_holds_and_takes_the_free_ones()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync("b", CancellationToken.None);

        var all = locks.AcquireAllAsync(["c", "a", "b", "a"], CancellationToken.None);
        await Task.Delay(50);
        Assert.That(all.IsCompleted, Is.False, "b is held, so the set is not yet taken");

        held.Dispose();
        using (await all.WaitAsync(TimeSpan.FromSeconds(5)))
        {
            // While the set is held, each of its keys is taken: a single acquire of any of them waits.
            var single = locks.AcquireAsync("c", CancellationToken.None);
            await Task.Delay(50);
            Assert.That(single.IsCompleted, Is.False);
            var other = await locks.AcquireAsync("d", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            other.Dispose();

            // Released below: the waiting acquire gets the key then.
            _ = single.ContinueWith(t => t.Result.Dispose(), TaskScheduler.Default);
        }

        // Every key is free again.
        using var again = await locks.AcquireAllAsync(["a", "b", "c"], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task Many_callers_locking_overlapping_sets_each_hold_their_keys_alone()
    {
        var locks = new KeyedLock();
        var holders = new Dictionary<string, int>(StringComparer.Ordinal);
        var overlaps = 0;
        var keys = new[] { "k1", "k2", "k3", "k4" };
        var tasks = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            var set = new[] { keys[i % 4], keys[(i + 1) % 4] };
            using var _ = await locks.AcquireAllAsync(set, CancellationToken.None);
            lock (holders)
            {
                foreach (var key in set)
                {
                    holders[key] = holders.GetValueOrDefault(key) + 1;
                    overlaps += holders[key] > 1 ? 1 : 0;
                }
            }

            await Task.Yield();
            lock (holders)
            {
                foreach (var key in set)
                {
                    holders[key]--;
                }
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(overlaps, Is.Zero, "no key was held by two callers at once");
    }
}
