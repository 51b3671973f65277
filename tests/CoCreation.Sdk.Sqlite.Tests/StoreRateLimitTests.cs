namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>
/// The rate-limit suite on one SQLite file opened by several stores, each with its own connection, as separate worker
/// processes would (<see cref="CoCreation.Sdk.Tests.StoreRateLimitTests"/>).
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class SqliteStoreRateLimitTests : CoCreation.Sdk.Tests.StoreRateLimitTests
{
    private readonly List<IDisposable> _cleanup = [];

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count)
    {
        var database = new TempDatabase();
        _cleanup.Add(database);
        var stores = new List<ICoCreationStore>();
        for (var i = 0; i < count; i++)
        {
            var store = new SqliteCoCreationStore(database.ConnectionString);
            _cleanup.Add(store);
            stores.Add(store);
        }

        return stores;
    }

    [TearDown]
    public void CleanUp()
    {
        // Stores before their folder.
        foreach (var item in Enumerable.Reverse(_cleanup))
        {
            item.Dispose();
        }

        _cleanup.Clear();
    }
}
