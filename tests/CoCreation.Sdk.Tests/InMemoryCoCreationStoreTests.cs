namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class InMemoryCoCreationStoreTests : CoCreationStoreTests
{
    protected override ICoCreationStore CreateStore() => new InMemoryCoCreationStore();
}

/// <summary>The lease suite on the in-memory store: the "separate" stores are one instance, shared by the workers.</summary>
[TestFixture]
[Category("Unit")]
public sealed class InMemoryStoreLeaseTests : StoreLeaseTests
{
    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count)
    {
        var store = new InMemoryCoCreationStore();
        return [.. Enumerable.Repeat<ICoCreationStore>(store, count)];
    }
}
