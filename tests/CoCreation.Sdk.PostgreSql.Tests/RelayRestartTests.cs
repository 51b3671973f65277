namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>The relay's crash safety on PostgreSQL, each test in a schema of its own (<see cref="CoCreation.Sdk.Tests.StoreRelayRestartTests"/>).</summary>
[TestFixture]
[Category("Integration")]
public sealed class RelayRestartTests : CoCreation.Sdk.Tests.StoreRelayRestartTests
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
}
