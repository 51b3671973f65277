namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// Several store instances on one fresh PostgreSQL schema, each with its own connection pool, as separate worker
/// processes would have; for the shared suites that take <c>OpenSharedStores</c>. Dropped with its stores on dispose.
/// </summary>
internal sealed class SharedSchemaStores : IAsyncDisposable
{
    private readonly PostgresSchema _schema;
    private readonly List<PostgreSqlCoCreationStore> _stores = [];

    private SharedSchemaStores(PostgresSchema schema) => _schema = schema;

    public static async Task<SharedSchemaStores> CreateAsync() => new(await PostgresSchema.CreateAsync());

    public IReadOnlyList<ICoCreationStore> Open(int count)
    {
        var opened = Enumerable.Range(0, count).Select(_ => new PostgreSqlCoCreationStore(_schema.ConnectionString)).ToList();
        _stores.AddRange(opened);
        return opened;
    }

    public async ValueTask DisposeAsync()
    {
        // Stores before their schema: disposing a store closes its pooled connections.
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await _schema.DisposeAsync();
    }
}
