using CoCreation.Sdk.Tests;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>The store contract suite, run against a SQLite file per test.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SqliteCoCreationStoreTests : CoCreationStoreTests
{
    private readonly List<IDisposable> _cleanup = [];

    protected override ICoCreationStore CreateStore()
    {
        var database = new TempDatabase();
        var store = new SqliteCoCreationStore(database.ConnectionString);
        _cleanup.Add(database);
        _cleanup.Add(store);
        return store;
    }

    [TearDown]
    public void CleanUp()
    {
        // Stores before their folders: a store checkpoints and closes its file when disposed.
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            item.Dispose();
        }

        _cleanup.Clear();
    }
}
