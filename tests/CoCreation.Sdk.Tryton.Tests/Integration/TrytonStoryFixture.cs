namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>A fresh <see cref="TrytonStory"/> on the real Tryton for every test, disposed after it.</summary>
public abstract class TrytonStoryFixture
{
    private protected TrytonStory Story { get; private set; } = null!;

    [SetUp]
    public void CreateStory() => Story = new TrytonStory();

    [TearDown]
    public async Task DisposeStory()
    {
        // Null when SetUp found no Tryton peer and ignored the test.
        if (Story is not null)
        {
            await Story.DisposeAsync();
        }
    }
}
