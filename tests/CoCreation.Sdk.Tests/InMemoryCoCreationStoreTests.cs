namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class InMemoryCoCreationStoreTests : CoCreationStoreTests
{
    protected override ICoCreationStore CreateStore() => new InMemoryCoCreationStore();
}
