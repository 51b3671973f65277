namespace CoCreation.Sdk;

/// <summary>An enterprise system's event feed (<see cref="IEnterpriseAdapter.ReadEventsAsync"/>) as an <see cref="IEventSource"/>.</summary>
/// <remarks>The name, <c>enterprise:{adapter name}</c>, is the cursor key the relay used before sources existed, so stored positions carry over.</remarks>
internal sealed class EnterpriseEventSource(string system, IEnterpriseAdapter adapter) : IEventSource
{
    public static string NameOf(string system) => "enterprise:" + system;

    public string Name { get; } = NameOf(system);

    public async Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        var page = await adapter.ReadEventsAsync(cursor, cancellationToken).ConfigureAwait(false);
        return new EventSourcePage(page.Events, page.Cursor, page.HasMore);
    }
}
