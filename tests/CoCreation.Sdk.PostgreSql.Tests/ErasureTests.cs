using CoCreation.Sdk.Tests;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// Erasure through the real SDK on PostgreSQL: afterwards no row of any table of the store's schema holds the person's
/// data (<see cref="StoreErasureTests"/>). Old row versions until VACUUM, the write-ahead log and backups are the
/// server's to manage; see the README.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class ErasureTests : StoreErasureTests
{
    private PostgresSchema? _schema;

    protected override async Task OpenDatabaseAsync() => _schema = await PostgresSchema.CreateAsync();

    protected override async Task CloseDatabaseAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
            _schema = null;
        }
    }

    protected override ICoCreationBuilder UseStore(ICoCreationBuilder builder) => builder.UsePostgreSql(_schema!.ConnectionString);

    protected override OpenedStore OpenStore()
    {
        var store = new PostgreSqlCoCreationStore(_schema!.ConnectionString);
        return new OpenedStore(store, store.DisposeAsync);
    }

    // Every column of every row of every table in the test's schema, as text.
    protected override Task<int> CountAsync(string text) => _schema!.CountRowsHoldingAsync(text);

    protected override async Task<string> DescribeAsync() => "tables: " + string.Join(", ", await _schema!.TablesAsync());
}
