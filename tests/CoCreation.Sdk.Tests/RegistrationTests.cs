using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class RegistrationTests
{
    [Test]
    public async Task AddCoCreation_registers_every_orchestrator_service_as_a_singleton()
    {
        var services = new ServiceCollection();
        services.AddCoCreation();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.That(provider.GetRequiredService<ICoCreationStore>(), Is.InstanceOf<InMemoryCoCreationStore>());
        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        Assert.That(provider.GetRequiredService<IEventRelay>(), Is.SameAs(provider.GetRequiredService<IEventRelay>()));
        Assert.That(provider.GetRequiredService<IIdentityMap>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<ISnsSignIn>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<IAccessGrants>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<IAuditLog>(), Is.Not.Null);
        Assert.That(provider.GetRequiredService<ICoCreationProviders>().SnsNetworks, Is.Empty);
    }

    [Test]
    public async Task A_clock_registered_before_AddCoCreation_is_kept()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddCoCreation();
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(clock));
    }

    [TestCase("SessionLifetime")]
    [TestCase("Relay.MaxAttempts")]
    [TestCase("DefaultLocale")]
    [TestCase("Relay.DefaultLocale")]
    public void Invalid_options_are_refused_when_registered(string field)
    {
        Action<CoCreationOptions> configure = field switch
        {
            "SessionLifetime" => o => o.SessionLifetime = TimeSpan.Zero,
            "Relay.MaxAttempts" => o => o.Relay.MaxAttempts = 0,
            "DefaultLocale" => o => o.DefaultLocale = "fr-FR",
            _ => o => o.Relay.DefaultLocale = "en-us",
        };

        var ex = Assert.Throws<CoCreationValidationException>(() => new ServiceCollection().AddCoCreation(configure));

        Assert.That(ex!.Field, Is.EqualTo(field));
    }

    [Test]
    public async Task Options_made_invalid_after_registration_are_refused_when_first_used()
    {
        var services = new ServiceCollection();
        services.AddCoCreation();
        services.Configure<CoCreationOptions>(o => o.Relay.MaxAttempts = -1);
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<CoCreationValidationException>(() => _ = provider.GetRequiredService<IOptions<CoCreationOptions>>().Value);

        Assert.That(ex!.Field, Is.EqualTo("Relay.MaxAttempts"));
    }

    [Test]
    public async Task UseStore_replaces_the_in_memory_store()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().UseStore<FlakyStore>();
        await using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ICoCreationStore>(), Is.InstanceOf<FlakyStore>());
        Assert.That(services.Count(d => d.ServiceType == typeof(ICoCreationStore)), Is.EqualTo(1));
    }

    [Test]
    public void Two_relay_rules_with_one_name_are_refused()
    {
        var rule = new RelayRule { Name = "r", EventType = "t", Recipients = RecipientSelector.SubjectParticipant, Template = MessageTemplate.KoreanAndEnglish("a", "b") };
        var builder = new ServiceCollection().AddCoCreation().AddRelayRule(rule);

        var ex = Assert.Throws<CoCreationValidationException>(() => builder.AddRelayRule(rule with { EventType = "u" }));

        Assert.That(ex!.Field, Is.EqualTo("RelayRule.Name"));
    }

    [Test]
    public async Task Providers_are_found_by_their_registered_names()
    {
        await using var sdk = new SdkHarness();
        var providers = sdk.Services.GetRequiredService<ICoCreationProviders>();

        Assert.That(providers.SnsNetworks, Is.EqualTo(new[] { SdkHarness.Social, SdkHarness.Micro }));
        Assert.That(providers.EnterpriseSystems, Is.EqualTo(new[] { SdkHarness.Erp }));
        Assert.That(providers.CloudWorkspaces, Is.EqualTo(new[] { SdkHarness.Cloud }));
        Assert.That(providers.GetSns(SdkHarness.Micro), Is.SameAs(sdk.MicroSns));
        Assert.That(providers.GetEnterprise(SdkHarness.Erp), Is.SameAs(sdk.Enterprise));
        Assert.Throws<CoCreationValidationException>(() => providers.GetCloudWorkspace("nowhere"));
    }

    [Test]
    public async Task The_relay_worker_survives_a_failing_cycle_and_runs_again_after_its_interval()
    {
        var clock = new SignallingTimeProvider(new FakeTimeProvider(SdkHarness.Start));
        var sns = new FakeSnsConnector(SdkHarness.Social, clock);
        var erp = new FakeEnterpriseAdapter(SdkHarness.Erp);
        using var reads = new SemaphoreSlim(0);
        erp.FeedRead += _ => reads.Release();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddCoCreation()
            .AddSnsConnector(SdkHarness.Social, _ => sns)
            .AddEnterpriseAdapter(SdkHarness.Erp, _ => erp)
            .AddRelayRule(new RelayRule { Name = "owner", EventType = "com.test.order", Recipients = RecipientSelector.Owner, Template = MessageTemplate.KoreanAndEnglish("주문", "Order") })
            .AddRelayWorker(TimeSpan.FromMinutes(1));
        await using var provider = services.BuildServiceProvider();
        var session = await provider.GetRequiredService<ISnsSignIn>().SignInAsync(SdkHarness.Social, sns.AddAccount("minji", "minji@social.example"));
        await provider.GetRequiredService<IIdentityMap>().LinkEnterpriseAccountAsync(session.ParticipantId, new() { System = SdkHarness.Erp, AccountId = "e-1", Login = "minji" });
        erp.AddEvent("com.test.order", (CoCreationEventData.OwnerAccountId, "e-1"));
        erp.FailReads(1);
        var worker = provider.GetServices<IHostedService>().Single();

        await worker.StartAsync(CancellationToken.None);
        try
        {
            Assert.That(await reads.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "first cycle read the feed");
            Assert.That(await clock.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "worker waits after the failed cycle");
            Assert.That(sns.Messages, Is.Empty);

            clock.Inner.Advance(TimeSpan.FromMinutes(1));

            Assert.That(await reads.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "second cycle read the feed");
            Assert.That(await clock.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "worker waits after the second cycle");
            Assert.That(sns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "주문" }));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>A fake clock that reports when a timer is created, so a test knows the worker is waiting.</summary>
    private sealed class SignallingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        public FakeTimeProvider Inner { get; } = inner;

        public SemaphoreSlim TimerCreated { get; } = new(0);

        public override DateTimeOffset GetUtcNow() => Inner.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => Inner.LocalTimeZone;

        public override long TimestampFrequency => Inner.TimestampFrequency;

        public override long GetTimestamp() => Inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = Inner.CreateTimer(callback, state, dueTime, period);
            TimerCreated.Release();
            return timer;
        }
    }
}
