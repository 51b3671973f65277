using CoCreation.Sdk.Health;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Mastodon.Tests.Health;

/// <summary>
/// Mastodon tokens do not expire, so a 401 on a brand call means the token was revoked: the credential moves to
/// NeedsReauth once, however many calls fail, and a member's refused token does not touch the brand's state.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class MastodonTokenHealthTests
{
    private FakeMastodon fake = null!;
    private CollectingLoggerProvider logs = null!;

    [OneTimeSetUp]
    public void StartInstance() => fake = new FakeMastodon();

    [OneTimeTearDown]
    public void StopInstance() => fake.Dispose();

    [SetUp]
    public void SetUp()
    {
        fake.Reset(content: true);
        logs = new CollectingLoggerProvider();
    }

    [TearDown]
    public void TearDown() => logs.Dispose();

    [Test]
    public async Task RevokedBrandToken_NeedsReauthOnce_AndTheMessageAndLogsHoldNoTokenAsync()
    {
        var (_, brandToken) = fake.AddAccount("fashionbrand");
        var (_, memberToken) = fake.AddAccount("minji");
        var observer = new CountingObserver();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSingleton<ICredentialHealthObserver>(observer);
        services.AddCoCreation().AddMastodon(MastodonTestHost.Name, o => MastodonTestHost.Fast(o, fake, brandToken));
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var connector = provider.Connector();
        var health = provider.GetRequiredService<ICredentialHealth>();
        var brand = new CredentialRef(MastodonTestHost.Name, "mastodon", "brand@" + fake.Url.Authority);

        await connector.PublishAsync(new PostRequest { Text = "hello" });
        Assert.That(health.Find(brand.Provider, brand.Account)?.State, Is.EqualTo(CredentialState.Healthy));

        // A member's revoked token is the member's problem, not the brand's.
        fake.RevokeToken(memberToken);
        Assert.CatchAsync<CredentialException>(() => connector.VerifyCredentialsAsync(new SnsCredential(memberToken)));
        Assert.That(health.Find(brand.Provider, brand.Account)?.State, Is.EqualTo(CredentialState.Healthy));

        fake.RevokeToken(brandToken);
        var failures = new List<ReauthorizationRequiredException>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add(Assert.ThrowsAsync<ReauthorizationRequiredException>(() => connector.PublishAsync(new PostRequest { Text = "hello again" }))!);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(health.Find(brand.Provider, brand.Account)?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(health.GetNeedingReauth().Select(r => r.Credential), Is.EqualTo(new[] { brand }));
            Assert.That(observer.Count, Is.EqualTo(1), "one event per transition");
            Assert.That(failures.Select(f => f.Credential), Is.All.EqualTo(brand));
            Assert.That(failures.Select(f => f.Message), Has.None.Contains(brandToken).And.None.Contains(memberToken));
            Assert.That(logs.Lines, Has.None.Contains(brandToken).And.None.Contains(memberToken));
        }
    }

    private sealed class CountingObserver : ICredentialHealthObserver
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        }
    }
}
