namespace CoCreation.Sdk;

/// <summary>An async mutual exclusion per key; entries are dropped when no one holds or waits for them.</summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_entries)
        {
            entry = EntryLocked(key);
            entry.Users++;
        }

        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Release(key, entry, held: false);
            throw;
        }

        return new Releaser(this, key, entry);
    }

    /// <summary>
    /// Acquires every distinct key, in ordinal order, so that two callers that lock overlapping sets cannot
    /// deadlock (callers that hold one key at a time never wait while holding it). Disposing releases them all.
    /// </summary>
    public async Task<IDisposable> AcquireAllAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var ordered = keys.ToArray();
        Array.Sort(ordered, StringComparer.Ordinal);
        var held = new List<IDisposable>(ordered.Length);
        try
        {
            for (var i = 0; i < ordered.Length; i++)
            {
                // Sorted, so a repeated key follows its first occurrence: it is held already.
                var key = ordered[i];
                if (i > 0 && string.Equals(key, ordered[i - 1], StringComparison.Ordinal))
                {
                    continue;
                }

                // A key no one holds is taken at once, without an await; only a held key waits.
                held.Add(TryAcquireNow(key) ?? await AcquireAsync(key, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            ReleaseAll(held);
            throw;
        }

        return new AllReleaser(held);
    }

    /// <summary>Takes <paramref name="key"/> if no one holds it; <see langword="null"/> when someone does.</summary>
    private Releaser? TryAcquireNow(string key)
    {
        lock (_entries)
        {
            var entry = EntryLocked(key);
            if (!entry.Semaphore.Wait(0))
            {
                // Held: the caller waits its turn through AcquireAsync, which counts itself as a user.
                return null;
            }

            entry.Users++;
            return new Releaser(this, key, entry);
        }
    }

    /// <summary>The key's entry, made when no one holds or waits for the key. Callers hold the lock on the entries.</summary>
    private Entry EntryLocked(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry();
            _entries.Add(key, entry);
        }

        return entry;
    }

    private static void ReleaseAll(List<IDisposable> held)
    {
        for (var i = held.Count - 1; i >= 0; i--)
        {
            held[i].Dispose();
        }
    }

    private void Release(string key, Entry entry, bool held)
    {
        if (held)
        {
            entry.Semaphore.Release();
        }

        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(key);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class AllReleaser(List<IDisposable> held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                ReleaseAll(held);
            }
        }
    }

    private sealed class Releaser(KeyedLock owner, string key, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key, entry, held: true);
            }
        }
    }
}
