using CoCreation.Sdk.Tests;
using CoCreation.Sdk.Tests.Shared;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>Erasure through the real SDK on a SQLite file: afterwards the file holds none of the person's data (<see cref="StoreErasureTests"/>).</summary>
[TestFixture]
[Category("Scenario")]
public sealed class ErasureTests : StoreErasureTests
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

    protected override OpenedStore OpenStore()
    {
        var store = new SqliteCoCreationStore(_db.ConnectionString);
        return new OpenedStore(store, () =>
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        });
    }

    // The WAL is folded into the main file, so the search below sees every write.
    protected override Task FlushAsync(ICoCreationStore store) => ((SqliteCoCreationStore)store).CheckpointAsync();

    // Every file of the database (main file, WAL, shared memory), byte for byte.
    protected override Task<int> CountAsync(string text) => Task.FromResult(DatabaseFileScan.Count(_db.AllFiles(), text));

    protected override Task<string> DescribeAsync()
        => Task.FromResult("files: " + string.Join(", ", _db.AllFiles().Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length} B")));
}
