using CoCreation.Sdk.Tests;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>The store contract suite, run against a fresh PostgreSQL schema per test.</summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlCoCreationStoreTests : CoCreationStoreTests
{
    private readonly List<PostgreSqlCoCreationStore> _stores = [];
    private PostgresSchema? _schema;

    [SetUp]
    public async Task CreateSchema() => _schema = await PostgresSchema.CreateAsync();

    protected override ICoCreationStore CreateStore()
    {
        var store = new PostgreSqlCoCreationStore(_schema!.ConnectionString);
        _stores.Add(store);
        return store;
    }

    [TearDown]
    public async Task CleanUp()
    {
        // Stores before their schema: disposing a store closes its pooled connections.
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        _stores.Clear();
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
            _schema = null;
        }
    }
}
