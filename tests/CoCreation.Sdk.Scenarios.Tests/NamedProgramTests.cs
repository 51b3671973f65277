using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>Several community-products programmes in one application: a named programme next to the default one.</summary>
[TestFixture]
public sealed class NamedProgramTests
{
    private const string OutletSystem = "outlet-erp";

    /// <summary>The default programme on one shop and a programme named "outlet" on another, with one SNS network.</summary>
    private sealed class TwoProgrammes : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        public TwoProgrammes(string outletSystem = OutletSystem)
        {
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));
            Sns = new EmbeddedSnsNetwork(null, clock);
            Enterprise = new EmbeddedEnterpriseSystem(ProgramHarness.System, timeProvider: clock);
            Outlet = new EmbeddedEnterpriseSystem(OutletSystem, timeProvider: clock);
            var brand = Sns.RegisterAccount("brand");
            Designer = Sns.RegisterAccount("designer", "Designer", "en-US");
            var collection = new ServiceCollection();
            collection.AddSingleton<TimeProvider>(clock);
            collection.AddCoCreation()
                .AddEmbeddedSns(ProgramHarness.Network, Sns, brand.Credential)
                .AddEmbeddedEnterprise(Enterprise)
                .AddEmbeddedEnterprise(Outlet)
                .AddCommunityProducts(o =>
                {
                    o.EnterpriseSystem = ProgramHarness.System;
                    o.BrandName = "Test Brand";
                })
                .AddCommunityProducts("outlet", o =>
                {
                    o.EnterpriseSystem = outletSystem;
                    o.BrandName = "Outlet Brand";
                });
            _services = collection.BuildServiceProvider();
        }

        public EmbeddedSnsNetwork Sns { get; }
        public EmbeddedEnterpriseSystem Enterprise { get; }
        public EmbeddedEnterpriseSystem Outlet { get; }
        public EmbeddedSnsAccount Designer { get; }
        public IServiceProvider Services => _services;
        public CommunityProductProgram Program => _services.GetRequiredService<CommunityProductProgram>();
        public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();
        public ICoCreationStore Store => _services.GetRequiredService<ICoCreationStore>();
        public IReadOnlyList<string> DesignerInbox => Sns.GetInbox(Designer.Subject).Select(m => m.Text).ToList();

        public Task<ParticipantSession> SignInDesignerAsync()
            => _services.GetRequiredService<ISnsSignIn>().SignInAsync(ProgramHarness.Network, Designer.Credential);

        public ValueTask DisposeAsync() => _services.DisposeAsync();
    }

    private static async Task<(ParticipantSession Session, Listing Listing)> ListedAsync(TwoProgrammes h, CommunityProductProgram program)
    {
        var session = await h.SignInDesignerAsync();
        var design = await program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk scarf" });
        design = await program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var order = await program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = "one size" });
        await program.ReportProductionProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        var listing = await program.ListProductAsync(design.Id, new Money(20000m, "KRW"), "terms");
        await program.SyncAsync();
        return (session, listing);
    }

    [Test]
    public async Task A_named_programme_keeps_its_records_and_messages_to_itself()
    {
        await using var h = new TwoProgrammes();
        var instances = h.Services.GetRequiredService<ModuleInstances<CommunityProductProgram>>();
        var outlet = instances.Get("outlet");
        Assert.That(instances.Names, Is.EqualTo(new[] { "outlet" }));
        Assert.That(instances.Default, Is.SameAs(h.Program));
        Assert.That(outlet.Target.Resource, Is.EqualTo("outlet"), "the programme id defaults to the name");

        var (session, listing) = await ListedAsync(h, outlet);
        await outlet.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Daily);

        var store = h.Store;
        Assert.That(await store.ListDocumentsAsync("community-products.listings"), Is.Empty, "the default programme holds none of the outlet's listings");
        Assert.That(await store.ListDocumentsAsync("community-products.reports"), Is.Empty);
        Assert.That((await store.ListDocumentsAsync("community-products.outlet.listings")).Select(d => d.Key), Is.EqualTo(new[] { listing.Id }));
        Assert.That(await store.ListDocumentsAsync("community-products.outlet.reports"), Has.Count.EqualTo(1));
        Assert.That(h.DesignerInbox, Is.Not.Empty);
        Assert.That(h.DesignerInbox, Is.Unique, "each event is answered by one programme's rules only");
        Assert.That(h.DesignerInbox, Has.Some.Contains("Outlet Brand"));
        Assert.That(h.DesignerInbox, Has.None.Contains("Test Brand"), "the default programme's rules do not answer the outlet's events");
        var rules = h.Services.GetServices<RelayRule>().Select(r => r.Name).ToList();
        Assert.That(rules, Is.Unique);
    }

    [Test]
    public async Task Erasing_a_person_covers_every_programme()
    {
        await using var h = new TwoProgrammes();
        var outlet = h.Services.GetRequiredService<ModuleInstances<CommunityProductProgram>>().Get("outlet");
        var (session, listing) = await ListedAsync(h, h.Program);
        await h.Program.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Daily);
        var (_, outletListing) = await ListedAsync(h, outlet);
        await outlet.SubscribeToReportsAsync(session, outletListing.Id, ReportFrequency.Weekly);

        await h.Identities.EraseAsync(session.ParticipantId);

        var store = h.Store;
        Assert.That(await store.ListDocumentsAsync("community-products.reports"), Is.Empty);
        Assert.That(await store.ListDocumentsAsync("community-products.outlet.reports"), Is.Empty, "the named programme's subscription is erased too");
        Assert.That((await h.Enterprise.GetListingAsync(listing.Id)).Status, Is.EqualTo(ListingStatus.Delisted));
        Assert.That((await h.Outlet.GetListingAsync(outletListing.Id)).Status, Is.EqualTo(ListingStatus.Delisted), "and her outlet listing is off sale");
    }

    [Test]
    public async Task Unknown_and_repeated_names_and_a_shared_enterprise_system_are_refused()
    {
        await using var h = new TwoProgrammes();
        var instances = h.Services.GetRequiredService<ModuleInstances<CommunityProductProgram>>();
        var unknown = Assert.Throws<ModuleInstanceNotFoundException>(() => instances.Get("flagship"));
        Assert.That(unknown!.InstanceName, Is.EqualTo("flagship"));
        Assert.That(unknown.Module, Is.EqualTo(CommunityProductProgram.ModuleName));

        var builder = new ServiceCollection().AddCoCreation().AddCommunityProducts("outlet", o => o.EnterpriseSystem = "a");
        var duplicate = Assert.Throws<CoCreationValidationException>(() => builder.AddCommunityProducts("outlet", o => o.EnterpriseSystem = "b"));
        Assert.That(duplicate!.Field, Is.EqualTo("name"));

        await using var shared = new TwoProgrammes(outletSystem: ProgramHarness.System);
        var clash = Assert.ThrowsAsync<CoCreationValidationException>(async () => await shared.Services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.That(clash!.Field, Is.EqualTo("CommunityProductOptions.EnterpriseSystem"));
        Assert.DoesNotThrowAsync(async () => await h.Services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
    }
}
