using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>The SDK on embedded providers with a fake clock, for tests of the community-products programme.</summary>
internal sealed class ProgramHarness : IAsyncDisposable
{
    public const string Network = "social";
    public const string System = "erp";

    private readonly ServiceProvider _services;

    public ProgramHarness(Action<CommunityProductOptions>? configure = null, EmbeddedSnsOptions? snsOptions = null, bool withRelayWorker = false, Action<IServiceCollection>? services = null, Action<ICoCreationBuilder>? build = null, EmbeddedEnterpriseOptions? enterpriseOptions = null)
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));
        Sns = new EmbeddedSnsNetwork(snsOptions, Clock);
        Enterprise = new EmbeddedEnterpriseSystem(System, enterpriseOptions, Clock);
        Brand = Sns.RegisterAccount("brand");
        Designer = Sns.RegisterAccount("designer", "Designer", "en-US");
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(Clock);
        var builder = collection.AddCoCreation();
        if (withRelayWorker)
        {
            builder.AddRelayWorker(TimeSpan.FromMinutes(1));
        }

        builder
            .AddEmbeddedSns(Network, Sns, Brand.Credential)
            .AddEmbeddedEnterprise(Enterprise)
            .AddCommunityProducts(o =>
            {
                o.EnterpriseSystem = System;
                o.BrandName = "Test Brand";
                configure?.Invoke(o);
            });
        build?.Invoke(builder);
        services?.Invoke(collection);
        _services = collection.BuildServiceProvider();
    }

    public FakeTimeProvider Clock { get; }
    public EmbeddedSnsNetwork Sns { get; }
    public EmbeddedEnterpriseSystem Enterprise { get; }
    public EmbeddedSnsAccount Brand { get; }
    public EmbeddedSnsAccount Designer { get; }
    public IServiceProvider Services => _services;
    public CommunityProductProgram Program => _services.GetRequiredService<CommunityProductProgram>();
    public ISnsSignIn SignIn => _services.GetRequiredService<ISnsSignIn>();
    public IAccessGrants Grants => _services.GetRequiredService<IAccessGrants>();
    public IAuditLog Audit => _services.GetRequiredService<IAuditLog>();
    public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();
    public IEventRelay Relay => _services.GetRequiredService<IEventRelay>();
    public IEnumerable<Microsoft.Extensions.Hosting.IHostedService> HostedServices => _services.GetServices<Microsoft.Extensions.Hosting.IHostedService>();

    public IReadOnlyList<string> DesignerInbox => Sns.GetInbox(Designer.Subject).Select(m => m.Text).ToList();

    public Task<ParticipantSession> SignInDesignerAsync() => SignIn.SignInAsync(Network, Designer.Credential);

    /// <summary>Runs the story to a listed product: design accepted, 10 pieces produced, listed at the given price.</summary>
    public async Task<(ParticipantSession Session, Design Design, Listing Listing)> ListedProductAsync(Money price)
    {
        var session = await SignInDesignerAsync();
        var design = await Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk scarf" });
        design = await Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var order = await Program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = "one size" });
        await Program.ReportProductionProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        var listing = await Program.ListProductAsync(design.Id, price, "terms");
        await Program.SyncAsync();
        return (session, design, listing);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
