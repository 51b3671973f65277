namespace CoCreation.Sdk;

/// <summary>
/// A place events are pulled from: an ERP's event feed, a workspace's activity, an adapter's own feed. The SDK keeps
/// the cursor: it passes the stored one to <see cref="ReadAsync"/>, publishes the events returned, and only then stores
/// the page's cursor, so a crash in between reads the same events again (the relay drops the duplicates).
/// </summary>
/// <remarks>
/// A source holds no position of its own and starts no timer; the SDK's scheduler polls every registered source.
/// Register one with <c>AddEventSource</c>.
/// </remarks>
public interface IEventSource
{
    /// <summary>The source's stable name, the key its cursor is stored under; for example <c>enterprise:shop</c>.</summary>
    /// <remarks>Renaming a source starts it from the beginning again.</remarks>
    string Name { get; }

    /// <summary>Reads the events after a cursor.</summary>
    /// <param name="cursor">The cursor stored after the last page; <see langword="null"/> the first time.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events, oldest first, and the cursor to store once they are published.</returns>
    Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default);
}

/// <summary>One read of an <see cref="IEventSource"/>.</summary>
/// <param name="Events">The events, oldest first.</param>
/// <param name="Cursor">
/// The cursor to store once the events are published; never blank. A read that found no change returns the cursor it
/// was given; one that passed over changes that make no event may return a later one.
/// </param>
/// <param name="HasMore">Whether more events are waiting right now.</param>
public sealed record EventSourcePage(IReadOnlyList<CoCreationEvent> Events, string Cursor, bool HasMore);
