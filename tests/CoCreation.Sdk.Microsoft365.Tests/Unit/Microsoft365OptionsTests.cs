using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Microsoft365.Tests.Unit;

/// <summary>Options are validated at start with named problems and no secret in any message; nothing reaches Graph before.</summary>
[TestFixture]
[Category("Unit")]
public sealed class Microsoft365OptionsTests
{
    private FakeGraph fake = null!;

    [SetUp]
    public void SetUp() => fake = new FakeGraph();

    [TearDown]
    public void TearDown() => fake.Dispose();

    [Test]
    public void ValidOptions_Pass() => Assert.That(Validate(_ => { }), Is.Empty);

    [TestCaseSource(nameof(BadOptions))]
    public void BadOptions_AreRefusedAtResolve_NamingTheProblem_WithoutSecretsOrRequests(Action<Microsoft365Options> breakIt, string expected)
    {
        using var provider = GraphTestHost.Build(fake, breakIt);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.Workspace());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Failures, Has.Some.Contains(expected));
            Assert.That(ex.Failures, Has.All.StartWith($"Microsoft 365 adapter '{GraphTestHost.Name}': "));
            Assert.That(string.Join("\n", ex.Failures), Does.Not.Contain(GraphTestHost.Secret).And.Not.Contain("pfx-password-do-not-log"), "secrets are never echoed");
            Assert.That(fake.TotalRequests, Is.Zero, "nothing was sent");
        }
    }

    public static IEnumerable<TestCaseData> BadOptions()
    {
        yield return Case("missing DriveId", o => o.DriveId = " ", "DriveId is required");
        yield return Case("missing TenantId", o => o.TenantId = null, "TenantId is required");
        yield return Case("missing ClientId", o => o.ClientId = "", "ClientId is required");
        yield return Case("two credentials", o => o.CertificatePath = "/nonexistent/app.pfx", "exactly one credential");
        yield return Case("no credential", o => o.ClientSecret = null, "exactly one credential");
        yield return Case("missing certificate file", o => { o.ClientSecret = null; o.CertificatePath = "/nonexistent/app.pfx"; o.CertificatePassword = "pfx-password-do-not-log"; }, "CertificatePath names a file that does not exist");
        yield return Case("password without file", o => o.CertificatePassword = "pfx-password-do-not-log", "CertificatePassword applies to CertificatePath only");
        yield return Case("both calendars", o => o.CalendarGroupId = "group-1", "exactly one of CalendarGroupId and CalendarUserId");
        yield return Case("no calendar", o => o.CalendarUserId = null, "exactly one of CalendarGroupId and CalendarUserId");
        yield return Case("http notifications", o => o.NotificationUrl = new Uri("http://hooks.example.test/graph"), "NotificationUrl must be an absolute https address");
        yield return Case("http lifecycle", o => { o.NotificationUrl = new Uri("https://hooks.example.test/graph"); o.LifecycleNotificationUrl = new Uri("http://hooks.example.test/life"); }, "LifecycleNotificationUrl must be an absolute https address");
        yield return Case("lifecycle alone", o => o.LifecycleNotificationUrl = new Uri("https://hooks.example.test/life"), "LifecycleNotificationUrl needs NotificationUrl");
        yield return Case("missing template", o => o.Templates[DocumentKind.Presentation] = "/nonexistent/deck.pptx", "Templates[Presentation] names a file that does not exist");
        yield return Case("template of the wrong kind", o => o.Templates[DocumentKind.Spreadsheet] = TestTemplates.All[DocumentKind.Document], "Templates[Spreadsheet] must be a .xlsx file");
        yield return Case("no scopes", o => o.Scopes = [], "Scopes must name at least one scope");
        yield return Case("http authority", o => o.GenericAuthority = new Uri("http://login.example.test/"), "GenericAuthority must be an absolute https address");
        yield return Case("long subscription", o => o.SubscriptionLifetime = TimeSpan.FromDays(40), "SubscriptionLifetime must be between");
        yield return Case("renew after expiry", o => o.SubscriptionRenewBefore = TimeSpan.FromDays(3), "SubscriptionRenewBefore must be positive and shorter");
        yield return Case("relative base", o => o.GraphBaseAddress = new Uri("/v1.0/", UriKind.Relative), "GraphBaseAddress must be an absolute");
    }

    [Test]
    public async Task ConfigurationBinding_RegistersAWorkingAdapterAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GraphBaseAddress"] = fake.GraphBase.AbsoluteUri,
            ["TenantId"] = "contoso.test",
            ["ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["ClientSecret"] = GraphTestHost.Secret,
            ["DriveId"] = fake.DriveId,
            ["CalendarUserId"] = fake.Owner.UserPrincipalName,
            ["SendInvitation"] = "false",
            ["Templates:Document"] = TestTemplates.All[DocumentKind.Document],
            ["Templates:Spreadsheet"] = TestTemplates.All[DocumentKind.Spreadsheet],
            ["Templates:Presentation"] = TestTemplates.All[DocumentKind.Presentation],
        }).Build();
        var services = new ServiceCollection();
        services.AddKeyedSingleton<Implementation.IGraphAccessTokens>(Microsoft365CoCreationBuilderExtensions.TokensKey("bound"), new FakeGraphTokens(() => fake.IssueAccessToken()));
        new TestCoCreationBuilder(services).AddMicrosoft365("bound", configuration);
        await using var provider = services.BuildServiceProvider();

        var workspace = provider.GetRequiredKeyedService<ICloudWorkspace>("bound");
        var ws = await workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Bound" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(workspace.Metadata.Provider, Is.EqualTo(Microsoft365CloudWorkspace.ProviderKind));
            Assert.That(workspace.Metadata.Name, Is.EqualTo("bound"));
            Assert.That(fake.Item(ws.Id).Name, Is.EqualTo("Bound"));
        }
    }

    [Test]
    public void Registration_RefusesADuplicateName()
    {
        var services = new ServiceCollection();
        var builder = new TestCoCreationBuilder(services);
        builder.AddMicrosoft365("twice", o => GraphTestHost.Configure(o, fake));

        Assert.Throws<CoCreationValidationException>(() => builder.AddMicrosoft365("twice", o => GraphTestHost.Configure(o, fake)));
    }

    [Test]
    public void ToString_ShowsNoSecret()
    {
        var options = new Microsoft365Options();
        GraphTestHost.Configure(options, fake);

        Assert.That(options.ToString(), Does.Not.Contain(GraphTestHost.Secret).And.Contain("Credential = secret"));
    }

    private static TestCaseData Case(string name, Action<Microsoft365Options> breakIt, string expected)
        => new TestCaseData(breakIt, expected).SetName($"BadOptions_AreRefused({name})");

    private IReadOnlyList<string> Validate(Action<Microsoft365Options> change)
    {
        var options = new Microsoft365Options();
        GraphTestHost.Configure(options, fake);
        change(options);
        var result = new Microsoft365OptionsValidator().Validate("m365", options);
        return result.Failed ? [.. result.Failures] : [];
    }
}
