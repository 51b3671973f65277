using CoCreation.Sdk.Health;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;
using CoCreation.Sdk.Microsoft365.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Unit;

/// <summary>Accepted Graph calls report the app registration healthy, named without any secret; refused ones do not.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GraphCredentialHealthTests
{
    [Test]
    public async Task AcceptedCalls_ReportHealthy_RefusedOnesDoNotAsync()
    {
        using var fake = new FakeGraph();
        var reporter = new RecordingHealthReporter();
        var services = new ServiceCollection();
        services.AddSingleton<ICredentialHealthReporter>(reporter);
        services.AddKeyedSingleton<IGraphAccessTokens>(Microsoft365CoCreationBuilderExtensions.TokensKey("health"), new FakeGraphTokens(() => fake.IssueAccessToken()));
        new TestCoCreationBuilder(services).AddMicrosoft365("health", o => GraphTestHost.Configure(o, fake));
        await using var provider = services.BuildServiceProvider();
        var workspace = provider.GetRequiredKeyedService<ICloudWorkspace>("health");

        await workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Healthy" });
        var accepted = reporter.Healthy.Count;

        using var refusing = new FakeGraph(acceptToken: _ => false);
        var refusedReporter = new RecordingHealthReporter();
        var refusedServices = new ServiceCollection();
        refusedServices.AddSingleton<ICredentialHealthReporter>(refusedReporter);
        refusedServices.AddKeyedSingleton<IGraphAccessTokens>(Microsoft365CoCreationBuilderExtensions.TokensKey("refused"), new FakeGraphTokens(() => "eyJx.y.z"));
        new TestCoCreationBuilder(refusedServices).AddMicrosoft365("refused", o => GraphTestHost.Configure(o, refusing));
        await using var refusedProvider = refusedServices.BuildServiceProvider();
        Assert.CatchAsync<CredentialException>(() => refusedProvider.GetRequiredKeyedService<ICloudWorkspace>("refused").CreateWorkspaceAsync(new WorkspaceSpec { Name = "Refused" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(accepted, Is.EqualTo(fake.TotalRequests), "one report per accepted request");
            Assert.That(reporter.Healthy.Distinct().Single(), Is.EqualTo(new CredentialRef("health", "microsoft365", "app 11111111-2222-3333-4444-555555555555 in tenant contoso.test")));
            Assert.That(reporter.Healthy.Select(c => c.ToString()), Has.None.Contains(GraphTestHost.Secret));
            Assert.That(refusedReporter.Healthy, Is.Empty, "a refused token is not healthy");
            Assert.That(refusedReporter.NeedsReauth, Is.Empty, "Graph refusing an issued token is a configuration problem, not a revoked credential");
        }
    }
}
