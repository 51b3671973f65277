namespace CoCreation.Sdk.Tests;

/// <summary>The rate-limit suite on the in-memory store: the "separate" stores are one instance, shared by the workers.</summary>
[TestFixture]
[Category("Unit")]
public sealed class InMemoryStoreRateLimitTests : StoreRateLimitTests
{
    protected override IReadOnlyList<ICoCreationStore> OpenSharedStores(int count)
    {
        var store = new InMemoryCoCreationStore();
        return [.. Enumerable.Repeat<ICoCreationStore>(store, count)];
    }
}
