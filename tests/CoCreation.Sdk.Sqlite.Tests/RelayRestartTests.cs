namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>The relay's crash safety on a SQLite file (<see cref="CoCreation.Sdk.Tests.StoreRelayRestartTests"/>).</summary>
[TestFixture]
[Category("Reliability")]
public sealed class RelayRestartTests : CoCreation.Sdk.Tests.StoreRelayRestartTests
{
    private TempDatabase _db = null!;

    protected override Task OpenDatabaseAsync()
    {
        _db = new TempDatabase();
        return Task.CompletedTask;
    }

    protected override Task CloseDatabaseAsync()
    {
        _db.Dispose();
        return Task.CompletedTask;
    }

    protected override ICoCreationBuilder UseStore(ICoCreationBuilder builder) => builder.UseSqlite(_db.ConnectionString);
}
