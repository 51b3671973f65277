using CoCreation.Sdk.Tests;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>The lease suite (<see cref="StoreLeaseTests"/>) on several stores sharing one PostgreSQL schema.</summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlStoreLeaseTests : StoreLeaseTests
{
    private SharedSchemaStores? _stores;

    [SetUp]
    public async Task CreateSchema() => _stores = await SharedSchemaStores.CreateAsync();

    [TearDown]
    public async Task CleanUp() => await (_stores?.DisposeAsync() ?? ValueTask.CompletedTask);

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count) => _stores!.Open(count);
}

/// <summary>The rate-limit suite (<see cref="StoreRateLimitTests"/>) on several stores sharing one PostgreSQL schema.</summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlStoreRateLimitTests : StoreRateLimitTests
{
    private SharedSchemaStores? _stores;

    [SetUp]
    public async Task CreateSchema() => _stores = await SharedSchemaStores.CreateAsync();

    [TearDown]
    public async Task CleanUp() => await (_stores?.DisposeAsync() ?? ValueTask.CompletedTask);

    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count) => _stores!.Open(count);
}
