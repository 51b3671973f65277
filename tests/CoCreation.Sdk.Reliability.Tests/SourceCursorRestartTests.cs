using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Reliability.Tests;

/// <summary>
/// Event sources on a durable store: the cursor the SDK stores for a <see cref="WorkspaceActivitySource"/> survives a
/// restart of the process, so the next instance reads only what happened since.
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class SourceCursorRestartTests
{
    private const string Cloud = "cloud";

    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "cocreation-sources-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task WorkspaceActivity_ResumesFromTheStoredCursor_AfterARestartAsync()
    {
        // The cloud service stands for the outside system: it outlives both SDK instances.
        using var cloud = new EmbeddedCloudService();
        var connection = $"Data Source={Path.Combine(_directory, "sdk.db")}";
        WorkspaceRef workspace;
        string sourceName;

        await using (var first = Build(connection, cloud, null))
        {
            var adapter = first.GetRequiredService<ICoCreationProviders>().GetCloudWorkspace(Cloud);
            workspace = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
            await adapter.CreateDocumentAsync(workspace, new DocumentSpec { Title = "Sketches" });
            sourceName = CoCreationEventSources.WorkspaceActivitySourceName(Cloud, workspace.Id);
        }

        IReadOnlyList<RelayResult> before;
        await using (var second = Build(connection, cloud, workspace))
        {
            before = await second.GetRequiredService<IEventPipeline>().PollAsync(sourceName);
            Assert.That(await second.GetRequiredService<ICoCreationStore>().GetCursorAsync(sourceName), Is.Not.Null.And.Not.Empty, "the cursor is stored");
            await second.GetRequiredService<ICoCreationProviders>().GetCloudWorkspace(Cloud).CreateDocumentAsync(workspace, new DocumentSpec { Title = "Fabric list" });
        }

        await using var third = Build(connection, cloud, workspace);
        var after = await third.GetRequiredService<IEventRelay>().PollSourcesAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before.Select(r => r.Event.GetData<WorkspaceActivityData>().Title), Does.Contain("Sketches"));
            Assert.That(after.Select(r => r.Event.GetData<WorkspaceActivityData>().Title), Is.EqualTo(new[] { "Fabric list" }), "only what happened since the stored cursor");
            Assert.That(after.Single().Event.Source, Is.EqualTo(CoCreationEventSources.Workspace(Cloud)));
            Assert.That(after.Single().Event.GetData<WorkspaceActivityData>().Kind, Is.EqualTo(WorkspaceActivityKind.DocumentCreated));
            Assert.That(after.Single().Event.Id, Does.StartWith(workspace.Id + "/"), "the workspace is part of the event id");
        }
    }

    private static ServiceProvider Build(string connection, EmbeddedCloudService cloud, WorkspaceRef? follow)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation().UseSqlite(connection).AddEmbeddedCloudWorkspace(Cloud, cloud);
        if (follow is not null)
        {
            builder.AddWorkspaceActivitySource(Cloud, follow);
        }

        return services.BuildServiceProvider();
    }
}
