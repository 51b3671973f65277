using CoCreation.Sdk.Health;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Bluesky.Tests.Health;

/// <summary>
/// The brand session's rotating refresh token is renewed once at a time, and a refused refresh token and app password
/// move the credential to NeedsReauth, against the fake PDS.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class BlueskyTokenHealthTests
{
    private const int Callers = 8;
    private FakeBluesky fake = null!;
    private FakeAccount brand = null!;
    private CollectingLoggerProvider logs = null!;

    [SetUp]
    public void Start()
    {
        fake = new FakeBluesky();
        brand = fake.AddAccount("brand.fake.test");
        logs = new CollectingLoggerProvider();
    }

    [TearDown]
    public void Stop()
    {
        fake.Dispose();
        logs.Dispose();
    }

    [Test]
    public async Task ConcurrentCallers_WithAnExpiredSession_ShareOneRefreshAndAllSucceedAsync()
    {
        using var provider = Build();
        var connector = provider.Connector();
        await connector.GetBrandIdentityAsync();
        fake.ExpireAccessTokens();
        fake.Reset();

        // Hold the refresh until every caller has been refused, so that all of them are after a renewal at once.
        fake.Intercept("com.atproto.server.refreshSession", (_, _) =>
        {
            SpinWait.SpinUntil(() => fake.RequestsTo("com.atproto.server.getSession") >= Callers, TimeSpan.FromSeconds(10));
            return null;
        });

        var identities = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(() => connector.GetBrandIdentityAsync())));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(identities.Select(i => i.Subject), Is.All.EqualTo(brand.Did));
            Assert.That(fake.RequestsTo("com.atproto.server.refreshSession"), Is.EqualTo(1), "one refresh for all callers");
            Assert.That(fake.RequestsTo("com.atproto.server.createSession"), Is.Zero, "the rotated refresh token was used, not the app password");
            Assert.That(fake.RequestsTo("com.atproto.server.getSession"), Is.EqualTo(2 * Callers), "each caller: refused once, then accepted");
            Assert.That(provider.GetRequiredService<ICredentialHealth>().Find(BlueskyTestHost.Name, brand.Handle)?.State, Is.EqualTo(CredentialState.Healthy));
        }

        // The stored refresh token is the rotated one: the next expiry refreshes again without the app password.
        fake.ExpireAccessTokens();
        fake.Reset();
        await connector.GetBrandIdentityAsync();
        Assert.That(fake.RequestsTo("com.atproto.server.refreshSession"), Is.EqualTo(1));
        Assert.That(fake.RequestsTo("com.atproto.server.createSession"), Is.Zero);
    }

    [Test]
    public async Task RevokedRefreshToken_AndRefusedAppPassword_NeedReauthOnceWithoutSecretsAsync()
    {
        var events = new RecordingObserver();
        using var provider = Build(services => services.AddSingleton<ICredentialHealthObserver>(events));
        var connector = provider.Connector();
        await connector.GetBrandIdentityAsync();
        fake.ExpireAccessTokens();
        fake.RevokeRefreshTokens();
        fake.Intercept("com.atproto.server.createSession", (_, _) => FakeBluesky.Error(401, "AuthenticationRequired", "Invalid identifier or password"));

        var first = Assert.ThrowsAsync<ReauthorizationRequiredException>(() => connector.PublishAsync(new PostRequest { Text = "Hello" }));
        var second = Assert.ThrowsAsync<ReauthorizationRequiredException>(() => connector.GetBrandIdentityAsync());

        var health = provider.GetRequiredService<ICredentialHealth>();
        var record = health.Find(BlueskyTestHost.Name, brand.Handle);
        var tokens = BearerTokens();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(record?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(record!.Credential.Platform, Is.EqualTo("bluesky"));
            Assert.That(events.Events, Has.Count.EqualTo(1), "one event per transition, not per failing call");
            Assert.That(first!.Credential, Is.EqualTo(new CredentialRef(BlueskyTestHost.Name, "bluesky", brand.Handle)));
            Assert.That(fake.Posts(), Is.Empty);
            Assert.That(tokens, Is.Not.Empty);
            foreach (var secret in tokens.Append(brand.Password))
            {
                Assert.That(first.Message, Does.Not.Contain(secret));
                Assert.That(second!.Message, Does.Not.Contain(secret));
                Assert.That(record.Reason, Does.Not.Contain(secret));
                Assert.That(logs.Lines, Has.None.Contains(secret));
            }
        }

        // A new app password in place: the next call signs in and the credential is healthy again.
        fake.Reset();
        await connector.GetBrandIdentityAsync();
        Assert.That(health.Find(BlueskyTestHost.Name, brand.Handle)?.State, Is.EqualTo(CredentialState.Healthy));
    }

    [Test]
    public async Task TransientRefreshFailure_IsNotKeptAndTheNextCallRefreshesAsync()
    {
        using var provider = Build(configure: o => o.MaxRetryAttempts = 0);
        var connector = provider.Connector();
        await connector.GetBrandIdentityAsync();
        fake.ExpireAccessTokens();
        fake.Intercept("com.atproto.server.refreshSession", (_, attempt) => attempt == 1 ? FakeBluesky.Error(503, "InternalServerError") : null);

        Assert.ThrowsAsync<ProviderException>(() => connector.GetBrandIdentityAsync());
        var identity = await connector.GetBrandIdentityAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(identity.Subject, Is.EqualTo(brand.Did));
            Assert.That(fake.RequestsTo("com.atproto.server.refreshSession"), Is.EqualTo(2), "the failed refresh was not kept");
            Assert.That(provider.GetRequiredService<ICredentialHealth>().Find(BlueskyTestHost.Name, brand.Handle)?.State, Is.EqualTo(CredentialState.Healthy));
        }
    }

    private ServiceProvider Build(Action<IServiceCollection>? extra = null, Action<BlueskyOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        extra?.Invoke(services);
        services.AddCoCreation().AddBluesky(BlueskyTestHost.Name, o =>
        {
            o.Service = fake.Url;
            o.Identifier = brand.Handle;
            o.AppPassword = brand.Password;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(20);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryAttempts = 2;
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>Every bearer token the connector sent (access and refresh tokens), read from the fake's request log.</summary>
    private List<string> BearerTokens()
        => fake.WaitForLog()
            .Select(e => e.RequestMessage.Headers?.TryGetValue("Authorization", out var values) == true ? values.ToString() : null)
            .Where(v => v?.StartsWith("Bearer ", StringComparison.Ordinal) == true)
            .Select(v => v!["Bearer ".Length..])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    private sealed class RecordingObserver : ICredentialHealthObserver
    {
        private readonly List<CredentialNeedsReauthEvent> events = [];

        public IReadOnlyList<CredentialNeedsReauthEvent> Events
        {
            get
            {
                lock (events)
                {
                    return [.. events];
                }
            }
        }

        public Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default)
        {
            lock (events)
            {
                events.Add(@event);
            }

            return Task.CompletedTask;
        }
    }
}
