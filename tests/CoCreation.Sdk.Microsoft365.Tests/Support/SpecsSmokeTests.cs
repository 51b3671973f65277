namespace CoCreation.Sdk.Microsoft365.Tests.Support;

[TestFixture]
public sealed class SpecsSmokeTests
{
    [Test]
    public void TheGraphMetadataIsCopiedBesideTheTests()
        => Assert.That(new FileInfo(Path.Combine(TestContext.CurrentContext.TestDirectory, "Specs", "v1.0-cleanMetadata.xml")).Length, Is.GreaterThan(1_000_000));
}
