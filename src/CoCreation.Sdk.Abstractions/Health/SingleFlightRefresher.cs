namespace CoCreation.Sdk.Health;

/// <summary>
/// Holds the current credential (a session, an access token with its rotating refresh token) per account key and
/// refreshes it at most once at a time per key: concurrent callers that find the same stale credential share one
/// refresh, and its result is stored once.
/// </summary>
/// <typeparam name="TCredential">The credential type, compared by reference to tell the stale value from a newer one.</typeparam>
/// <remarks>
/// <para>
/// A refresh runs on its own: a caller that cancels stops waiting but does not cancel the refresh the others share,
/// because a rotating refresh token that was spent at the provider must have its successor stored. A failed refresh is
/// not kept: every waiter of that refresh sees its exception, and the next caller starts a new one.
/// </para>
/// <para>Safe for concurrent use.</para>
/// </remarks>
public sealed class SingleFlightRefresher<TCredential>
    where TCredential : class
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Slot> slots = new(StringComparer.Ordinal);

    /// <summary>The stored credential for an account, or <see langword="null"/> when none is stored.</summary>
    /// <param name="accountKey">The account key.</param>
    /// <returns>The credential, or <see langword="null"/>.</returns>
    public TCredential? GetCurrent(string accountKey)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        lock (gate)
        {
            return slots.TryGetValue(accountKey, out var slot) ? slot.Current : null;
        }
    }

    /// <summary>Stores a credential for an account (for example after a sign-in), replacing any stored one.</summary>
    /// <param name="accountKey">The account key.</param>
    /// <param name="credential">The credential.</param>
    public void Set(string accountKey, TCredential credential)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(credential);
        lock (gate)
        {
            SlotFor(accountKey).Current = credential;
        }
    }

    /// <summary>
    /// Returns the stored credential unless it is <paramref name="stale"/> (or none is stored); otherwise joins the
    /// refresh in flight for the account, or starts one with <paramref name="refresh"/> and stores its result.
    /// </summary>
    /// <param name="accountKey">The account key.</param>
    /// <param name="stale">The credential the caller found refused, or <see langword="null"/> to take any stored one.</param>
    /// <param name="refresh">Renews the credential from the stored one (<see langword="null"/> when none is stored yet).</param>
    /// <param name="cancellationToken">Stops this caller's wait; the shared refresh carries on.</param>
    /// <returns>The current credential.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Whatever <paramref name="refresh"/> throws reaches every caller that waited for that refresh.</remarks>
    public Task<TCredential> GetOrRefreshAsync(string accountKey, TCredential? stale, Func<TCredential?, CancellationToken, Task<TCredential>> refresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountKey);
        ArgumentNullException.ThrowIfNull(refresh);
        Task<TCredential> flight;
        lock (gate)
        {
            var slot = SlotFor(accountKey);
            if (slot.Current is { } current && !ReferenceEquals(current, stale))
            {
                return Task.FromResult(current);
            }

            if (slot.Flight is null)
            {
                var from = slot.Current;
                slot.Flight = RunAsync(accountKey, from, refresh);
            }

            flight = slot.Flight;
        }

        return flight.WaitAsync(cancellationToken);
    }

    private async Task<TCredential> RunAsync(string accountKey, TCredential? from, Func<TCredential?, CancellationToken, Task<TCredential>> refresh)
    {
        // Yield first so the flight is stored in its slot before the refresh can complete and clear it.
        await Task.Yield();
        try
        {
            var renewed = await refresh(from, CancellationToken.None).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The refresh returned no credential.");
            lock (gate)
            {
                var slot = SlotFor(accountKey);
                slot.Current = renewed;
                slot.Flight = null;
            }

            return renewed;
        }
        catch
        {
            lock (gate)
            {
                SlotFor(accountKey).Flight = null;
            }

            throw;
        }
    }

    private Slot SlotFor(string accountKey)
    {
        if (!slots.TryGetValue(accountKey, out var slot))
        {
            slot = new Slot();
            slots[accountKey] = slot;
        }

        return slot;
    }

    private sealed class Slot
    {
        public TCredential? Current { get; set; }

        public Task<TCredential>? Flight { get; set; }
    }
}
