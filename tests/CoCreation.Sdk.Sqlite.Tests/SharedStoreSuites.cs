using CoCreation.Sdk.Tests;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>
/// Several stores on one SQLite file, each with its own connection, as separate worker processes would have; for the
/// shared suites that take <c>OpenSharedStores</c>. Disposed with the file's folder.
/// </summary>
internal sealed class SharedFileStores : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly List<SqliteCoCreationStore> _stores = [];

    public IReadOnlyList<ICoCreationStore> Open(int count)
    {
        var opened = Enumerable.Range(0, count).Select(_ => new SqliteCoCreationStore(_database.ConnectionString)).ToList();
        _stores.AddRange(opened);
        return opened;
    }

    public void Dispose()
    {
        // Stores before their folder.
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _database.Dispose();
    }
}

/// <summary>The lease suite (<see cref="StoreLeaseTests"/>) on several stores sharing one SQLite file.</summary>
[TestFixture]
[Category("Reliability")]
public sealed class SqliteStoreLeaseTests : StoreLeaseTests
{
    private SharedFileStores? _stores;

    [SetUp]
    public void CreateFile() => _stores = new SharedFileStores();

    [TearDown]
    public void CleanUp() => _stores?.Dispose();

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count) => _stores!.Open(count);
}

/// <summary>The rate-limit suite (<see cref="StoreRateLimitTests"/>) on several stores sharing one SQLite file.</summary>
[TestFixture]
[Category("Reliability")]
public sealed class SqliteStoreRateLimitTests : StoreRateLimitTests
{
    private SharedFileStores? _stores;

    [SetUp]
    public void CreateFile() => _stores = new SharedFileStores();

    [TearDown]
    public void CleanUp() => _stores?.Dispose();

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count) => _stores!.Open(count);
}
