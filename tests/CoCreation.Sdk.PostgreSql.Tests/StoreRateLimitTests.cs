namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// The rate-limit suite on one PostgreSQL schema opened by several stores, each with its own connection pool, as separate
/// worker processes would (<see cref="CoCreation.Sdk.Tests.StoreRateLimitTests"/>).
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlStoreRateLimitTests : CoCreation.Sdk.Tests.StoreRateLimitTests
{
    private readonly List<PostgreSqlCoCreationStore> _stores = [];
    private PostgresSchema? _schema;

    [SetUp]
    public async Task CreateSchema() => _schema = await PostgresSchema.CreateAsync();

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count)
    {
        var stores = new List<ICoCreationStore>();
        for (var i = 0; i < count; i++)
        {
            var store = new PostgreSqlCoCreationStore(_schema!.ConnectionString);
            _stores.Add(store);
            stores.Add(store);
        }

        return stores;
    }

    [TearDown]
    public async Task CleanUp()
    {
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
