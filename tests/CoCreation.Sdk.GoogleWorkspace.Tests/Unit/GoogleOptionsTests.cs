using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Unit;

/// <summary>Registration, configuration binding and start-up validation of the options.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GoogleOptionsTests
{
    [Test]
    public async Task ConfigurationSection_BindsTheOptions_AndTheAdapterUsesThemAsync()
    {
        using var fake = new FakeGoogle();
        var token = fake.IssueAccessToken();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CoCreation:Google:ApiBaseAddress"] = fake.Url.AbsoluteUri,
            ["CoCreation:Google:ClientId"] = "client-1",
            ["CoCreation:Google:ClientSecret"] = "secret-1",
            ["CoCreation:Google:RefreshToken"] = "refresh-1",
            ["CoCreation:Google:AccessToken"] = token,
            ["CoCreation:Google:ParentFolderId"] = "parent-folder-7",
            ["CoCreation:Google:SendUpdates"] = "none",
            ["CoCreation:Google:MaxRetryAttempts"] = "1",
        }).Build();
        var services = new ServiceCollection();
        new TestCoCreationBuilder(services).AddGoogleWorkspace("cfg", configuration.GetSection("CoCreation:Google"));
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get("cfg");
        var adapter = (GoogleCloudWorkspace)provider.GetRequiredKeyedService<ICloudWorkspace>("cfg");
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.SendUpdates, Is.EqualTo("none"));
            Assert.That(options.MaxRetryAttempts, Is.EqualTo(1));
            Assert.That(options.Scopes, Is.EqualTo(GoogleWorkspaceOptions.DefaultScopes), "unbound values keep their defaults");
            Assert.That(adapter.Metadata, Is.EqualTo(new CloudWorkspaceMetadata("cfg", "google-workspace", "Google Workspace (cfg)")));
            Assert.That(fake.File(ws.Id).Parents, Is.EqualTo(new[] { "parent-folder-7" }), "the folder goes into the configured parent");
            Assert.That(fake.File(ws.Id).MimeType, Is.EqualTo("application/vnd.google-apps.folder"));
        }
    }

    [Test]
    public void StartupValidation_RefusesMissingCredential()
    {
        var services = new ServiceCollection();
        new TestCoCreationBuilder(services).AddGoogleWorkspace("bad", _ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.CatchAsync(async () => await provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        var failures = ex is AggregateException aggregate ? aggregate.InnerExceptions : [ex!];
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Not.Empty.And.All.InstanceOf<OptionsValidationException>());
            Assert.That(failures[0].Message, Does.Contain("'bad'").And.Contain("a credential is required"));
        }
    }

    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return Bad("both kinds of credential", o => { User(o); o.ServiceAccountKeyJson = "{}"; }, "not both");
        yield return Bad("user tokens without a refresh token", o => { User(o); o.RefreshToken = null; }, "need ClientId, ClientSecret and RefreshToken");
        yield return Bad("key JSON that is not a service account key", o => o.ServiceAccountKeyJson = """{"type":"authorized_user","private_key":"secret-key-text"}""", "is not a service account JSON key");
        yield return Bad("private key that is not PEM", o => { o.ServiceAccountEmail = "bot@p.iam.test"; o.ServiceAccountPrivateKey = "secret-key-text"; }, "is not an RSA private key");
        yield return Bad("key file that does not exist", o => o.ServiceAccountKeyFile = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json"), "does not exist");
        yield return Bad("delegated user that is not an address", o => { o.ServiceAccountEmail = "bot@p.iam.test"; o.ServiceAccountPrivateKey = "x"; o.DelegatedUser = "owner"; }, "DelegatedUser must be an e-mail address");
        yield return Bad("http push address", o => { User(o); o.PushAddress = new Uri("http://hooks.example.test/"); }, "PushAddress must be an absolute https address");
        yield return Bad("unknown sendUpdates", o => { User(o); o.SendUpdates = "everyone"; }, "SendUpdates must be one of");
        yield return Bad("parent folder and shared drive", o => { User(o); o.ParentFolderId = "a"; o.SharedDriveId = "b"; }, "not both");
        yield return Bad("no scopes", o => { User(o); o.Scopes = []; }, "Scopes must name at least one scope");
        yield return Bad("renewal margin longer than the lifetime", o => { User(o); o.PushChannelRenewBefore = TimeSpan.FromDays(2); }, "PushChannelRenewBefore");
        yield return Bad("retries out of range", o => { User(o); o.MaxRetryAttempts = 11; }, "MaxRetryAttempts must be between 0 and 10");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void Validator_RefusesBadOptions_WithoutEchoingSecrets(Action<GoogleWorkspaceOptions> configure, string expected)
    {
        var options = new GoogleWorkspaceOptions();
        configure(options);

        var result = new GoogleWorkspaceOptionsValidator().Validate("named", options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain(expected).And.Contain("'named'"));
            Assert.That(result.FailureMessage, Does.Not.Contain("secret-key-text").And.Not.Contain("user-secret"));
        }
    }

    [Test]
    public void Validator_AcceptsUserTokens()
        => Assert.That(new GoogleWorkspaceOptionsValidator().Validate("ok", User(new GoogleWorkspaceOptions())).Succeeded, Is.True);

    [Test]
    public void DuplicateName_IsRefusedAndLeavesTheCollectionAsItWas()
    {
        var services = new ServiceCollection();
        var builder = new TestCoCreationBuilder(services);
        builder.AddGoogleWorkspace("g", o => User(o));
        var count = services.Count;

        var ex = Assert.Throws<CoCreationValidationException>(() => builder.AddGoogleWorkspace("g", o => User(o)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("name"));
            Assert.That(services, Has.Count.EqualTo(count));
        }
    }

    private static GoogleWorkspaceOptions User(GoogleWorkspaceOptions options)
    {
        options.ClientId = "client";
        options.ClientSecret = "user-secret";
        options.RefreshToken = "refresh";
        return options;
    }

    private static TestCaseData Bad(string name, Action<GoogleWorkspaceOptions> configure, string expected)
        => new TestCaseData(configure, expected).SetName($"Validator_RefusesBadOptions({name})");
}
