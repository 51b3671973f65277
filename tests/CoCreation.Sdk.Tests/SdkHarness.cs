using CoCreation.Sdk.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Tests;

/// <summary>The SDK on fakes: two SNS networks, one enterprise system and one cloud workspace, on a fake clock.</summary>
internal sealed class SdkHarness : IAsyncDisposable
{
    public const string Social = "social";
    public const string Micro = "micro";
    public const string Erp = "erp";
    public const string Cloud = "cloud";

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public SdkHarness(Action<CoCreationOptions>? configure = null, Action<ICoCreationBuilder>? build = null, ICoCreationStore? store = null, bool idempotencyKeys = false)
    {
        Clock = new FakeTimeProvider(Start);
        SocialSns = new FakeSnsConnector(Social, Clock, idempotencyKeys: idempotencyKeys);
        MicroSns = new FakeSnsConnector(Micro, Clock, idempotencyKeys: idempotencyKeys);
        Enterprise = new FakeEnterpriseAdapter(Erp);
        Workspace = new FakeCloudWorkspace(Cloud);
        var services = new ServiceCollection();
        var builder = services.AddCoCreation(configure)
            .AddSnsConnector(Social, _ => SocialSns)
            .AddSnsConnector(Micro, _ => MicroSns)
            .AddEnterpriseAdapter(Erp, _ => Enterprise)
            .AddCloudWorkspace(Cloud, _ => Workspace);
        if (store is not null)
        {
            builder.UseStore(_ => store);
        }

        build?.Invoke(builder);

        // Replacing the registered clock, as an app's tests would.
        services.AddSingleton<TimeProvider>(Clock);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Clock { get; }

    public FakeSnsConnector SocialSns { get; }

    public FakeSnsConnector MicroSns { get; }

    public FakeEnterpriseAdapter Enterprise { get; }

    public FakeCloudWorkspace Workspace { get; }

    public IServiceProvider Services => _services;

    public ISnsSignIn SignIn => _services.GetRequiredService<ISnsSignIn>();

    public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();

    public IAccessGrants Grants => _services.GetRequiredService<IAccessGrants>();

    public IAuditLog Audit => _services.GetRequiredService<IAuditLog>();

    public IEventRelay Relay => _services.GetRequiredService<IEventRelay>();

    public ICoCreationStore Store => _services.GetRequiredService<ICoCreationStore>();

    public static GrantTarget ErpTarget(string resource = "programme") => new(GrantTargetKind.Enterprise, Erp, resource);

    /// <summary>Registers an account on the social network and signs it in.</summary>
    public async Task<ParticipantSession> SignInNewAsync(string subject, string? locale = null, FakeSnsConnector? network = null)
    {
        var sns = network ?? SocialSns;
        var credential = sns.AddAccount(subject, $"{subject}@{sns.Name}.example", subject.ToUpperInvariant(), locale);
        return await SignIn.SignInAsync(sns.Name, credential);
    }

    public Task<AccessGrant> GrantErpAsync(string participantId, params string[] roles)
        => Grants.GrantAsync(new AccessGrantRequest { ParticipantId = participantId, Target = ErpTarget(), Roles = roles });

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
