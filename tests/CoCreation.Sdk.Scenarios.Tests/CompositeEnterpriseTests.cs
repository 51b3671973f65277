using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The programme on a composite enterprise system: accounts at a shop (the primary part) and at an ERP, production and
/// stock at the ERP. Both parts are embedded systems, each read back through its own methods.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class CompositeEnterpriseTests
{
    private const string Composite = "dong-a";
    private const string Shop = "shop";

    private static readonly string[] ErpRoles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.ProductionManager];
    private static readonly string[] ShopRoles = [EnterpriseRoles.Seller];

    private static ProgramHarness Harness(EmbeddedEnterpriseSystem shop)
        => new(
            o => o.EnterpriseSystem = Composite,
            build: b => b.AddEmbeddedEnterprise(shop).AddCompositeEnterprise(Composite, o =>
            {
                o.AccountSystems.Add(Shop);
                o.AccountSystems.Add(ProgramHarness.System);
                o.ProductionSystem = ProgramHarness.System;
                o.InventorySystem = ProgramHarness.System;
                o.CommerceSystem = Shop;
            }),
            enterpriseOptions: new EmbeddedEnterpriseOptions { Roles = ErpRoles });

    private static EmbeddedEnterpriseSystem NewShop() => new(Shop, new EmbeddedEnterpriseOptions { Roles = ShopRoles });

    [Test]
    public async Task A_design_opens_an_account_at_every_part_with_the_roles_each_declares()
    {
        var shop = NewShop();
        await using var h = Harness(shop);
        var session = await h.SignInDesignerAsync();

        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });

        var participant = await h.Identities.GetAsync(session.ParticipantId);
        var compositeId = participant!.FindEnterpriseLink(Composite)!.AccountId;
        var atShop = await shop.GetAccountAsync(compositeId);
        Assert.That(atShop.IsActive, Is.True, "the shop is the primary part: its id stands for the composite account");
        Assert.That(atShop.Roles, Is.Empty, "the shop declares no member role");

        var atErp = await h.Enterprise.GetDesignAsync(design.Id);
        var erpAccount = await h.Enterprise.GetAccountAsync(atErp.DesignerAccountId);
        Assert.That(erpAccount.Login, Is.EqualTo(atShop.Login), "both parts hold the participant under one login");
        Assert.That(erpAccount.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member }));
        Assert.That(design.DesignerAccountId, Is.EqualTo(compositeId), "the programme sees the composite id, not the ERP's");
    }

    [Test]
    public async Task Erp_events_reach_the_designer_through_the_composite_once()
    {
        var shop = NewShop();
        await using var h = Harness(shop);

        // Another account first, so that the shop's ids and the ERP's differ and the owner must really be translated.
        await shop.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "someone-else", DisplayName = "Someone" });
        var session = await h.SignInDesignerAsync();
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });
        await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var order = await h.Program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = "one size" });
        await h.Program.ReportProductionProgressAsync(order.Id, new ProductionProgressUpdate(30, "cutting"));

        await h.Program.SyncAsync();
        await h.Program.SyncAsync();

        var inbox = h.DesignerInbox;
        Assert.That(inbox.Count(m => m.Contains("selected for production", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", inbox));
        Assert.That(inbox.Count(m => m.Contains("30%", StringComparison.Ordinal)), Is.EqualTo(1), string.Join("\n", inbox));
        var erpOrder = await h.Enterprise.GetProductionOrderAsync(order.Id);
        Assert.That(erpOrder.Quantity, Is.EqualTo(10));
        Assert.That(erpOrder.RequesterAccountId, Is.Not.EqualTo(order.RequesterAccountId), "the ERP holds its own account id; the programme the composite's");
    }

    [Test]
    public async Task A_role_no_part_declares_is_refused_before_any_part_is_called()
    {
        var shop = NewShop();
        await using var h = Harness(shop);
        var composite = h.Services.GetRequiredKeyedService<IEnterpriseAdapter>(Composite);

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => composite.ProvisionAccountAsync(
            new EnterpriseAccountRequest { Login = "minji", DisplayName = "Minji", Roles = ["auditor"] }));

        Assert.That(error!.Field, Is.EqualTo("EnterpriseAccountRequest.Roles"));
        Assert.That(error.Message, Does.Contain("auditor"));
        Assert.That(await h.Services.GetRequiredService<ICoCreationStore>().ListDocumentsAsync($"enterprise.{Composite}.accounts"), Is.Empty, "nothing was opened");
    }

    [Test]
    public async Task A_bad_email_is_refused_before_any_part_is_called()
    {
        var shop = new RecordingAdapter(NewShop());
        await using var h = new ProgramHarness(enterpriseOptions: new EmbeddedEnterpriseOptions { Roles = ErpRoles });
        var composite = new CompositeEnterpriseAdapter(Composite, Options(), name => name == Shop ? shop : h.Enterprise, h.Services.GetRequiredService<ICoCreationStore>(), h.Clock);

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => composite.ProvisionAccountAsync(
            new EnterpriseAccountRequest { Login = "minji", DisplayName = "Minji", Email = "not an address", Roles = [EnterpriseRoles.Seller] }));

        Assert.That(error!.Field, Is.EqualTo("EnterpriseAccountRequest.Email"));
        Assert.That(shop.Attempts, Is.Empty, "the first part was not called");
    }

    [Test]
    public async Task When_a_later_part_fails_the_account_opened_before_is_deprovisioned_again()
    {
        var shop = new RecordingAdapter(NewShop());
        await using var h = new ProgramHarness(enterpriseOptions: new EmbeddedEnterpriseOptions { Roles = ErpRoles });
        var composite = new CompositeEnterpriseAdapter(
            Composite,
            Options(),
            name => name == Shop ? shop : new RefusingAdapter(h.Enterprise),
            h.Services.GetRequiredService<ICoCreationStore>(),
            h.Clock);

        Assert.ThrowsAsync<ProviderException>(() => composite.ProvisionAccountAsync(
            new EnterpriseAccountRequest { Login = "minji", DisplayName = "Minji", Roles = [EnterpriseRoles.Member, EnterpriseRoles.Seller] }));

        var opened = await shop.Inner.GetAccountAsync(shop.Provisioned.Single().AccountId);
        Assert.That(opened.IsActive, Is.False, "the shop account was taken back");
        Assert.That(opened.Roles, Is.Empty);
        Assert.That(await h.Services.GetRequiredService<ICoCreationStore>().ListDocumentsAsync($"enterprise.{Composite}.accounts"), Is.Empty, "no mapping was kept");
    }

    [Test]
    public async Task The_account_mapping_survives_a_new_composite_over_the_same_store()
    {
        var shop = NewShop();
        await using var h = Harness(shop);
        var composite = h.Services.GetRequiredKeyedService<IEnterpriseAdapter>(Composite);
        var account = await composite.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "minji", DisplayName = "Minji", Roles = [EnterpriseRoles.Member, EnterpriseRoles.Seller] });

        var again = new CompositeEnterpriseAdapter(
            Composite,
            Options(),
            name => name == Shop ? shop : h.Enterprise,
            h.Services.GetRequiredService<ICoCreationStore>(),
            h.Clock);
        var read = await again.GetAccountAsync(account.AccountId);
        Assert.That(read.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member, EnterpriseRoles.Seller }));
        var design = await again.SubmitDesignAsync(read, new DesignSubmission { Title = "Scarf", Description = "Silk" });
        var erpAccountId = (await h.Enterprise.GetDesignAsync(design.Id)).DesignerAccountId;

        await again.DeprovisionAccountAsync(read);

        Assert.That((await shop.GetAccountAsync(account.AccountId)).IsActive, Is.False);
        Assert.That((await h.Enterprise.GetAccountAsync(erpAccountId)).IsActive, Is.False, "deprovisioning reached the ERP through the stored mapping");
        Assert.That((await again.GetAccountAsync(account.AccountId)).IsActive, Is.False);
    }

    [Test]
    public void Options_that_name_no_account_part_or_a_shop_without_accounts_are_refused()
    {
        var none = new CompositeEnterpriseOptions();
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CompositeEnterpriseAdapter.Validate(Composite, none))!.Field, Is.EqualTo("CompositeEnterpriseOptions.AccountSystems"));

        var shopWithoutAccounts = Options();
        shopWithoutAccounts.AccountSystems.Remove(Shop);
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CompositeEnterpriseAdapter.Validate(Composite, shopWithoutAccounts))!.Field, Is.EqualTo("CompositeEnterpriseOptions.CommerceSystem"));

        var itself = Options();
        itself.AccountSystems.Add(Composite);
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CompositeEnterpriseAdapter.Validate(Composite, itself))!.Message, Does.Contain("composite itself"));

        var twice = Options();
        twice.AccountSystems.Add(Shop);
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CompositeEnterpriseAdapter.Validate(Composite, twice))!.Message, Does.Contain("twice"));
    }

    [Test]
    public async Task A_part_is_not_polled_on_its_own()
    {
        var shop = NewShop();
        await using var h = Harness(shop);
        var session = await h.SignInDesignerAsync();
        await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });

        var results = await h.Relay.PollSourcesAsync();

        Assert.That(results.Select(r => r.Event.Source.ToString()).Distinct(), Is.EquivalentTo(new[] { CoCreationEventSources.Enterprise(Composite).ToString() }));
        Assert.That(results.Select(r => r.Event.Id), Has.All.StartWith(ProgramHarness.System + ":"));
    }

    private static CompositeEnterpriseOptions Options()
    {
        var options = new CompositeEnterpriseOptions { ProductionSystem = ProgramHarness.System, InventorySystem = ProgramHarness.System, CommerceSystem = Shop };
        options.AccountSystems.Add(Shop);
        options.AccountSystems.Add(ProgramHarness.System);
        return options;
    }

    /// <summary>A real part seen through a wrapper that notes the accounts it opened.</summary>
    private sealed class RecordingAdapter(EmbeddedEnterpriseSystem inner) : DelegatingAdapter(inner)
    {
        public EmbeddedEnterpriseSystem Inner { get; } = inner;

        public List<EnterpriseAccount> Provisioned { get; } = [];

        public List<EnterpriseAccountRequest> Attempts { get; } = [];

        public override async Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default)
        {
            Attempts.Add(request);
            var account = await base.ProvisionAccountAsync(request, cancellationToken);
            Provisioned.Add(account);
            return account;
        }
    }

    /// <summary>A real part whose provisioning fails as an unreachable system's would.</summary>
    private sealed class RefusingAdapter(IEnterpriseAdapter inner) : DelegatingAdapter(inner)
    {
        public override Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default)
            => throw new ProviderException(Metadata.Name, "the system did not answer", System.Net.HttpStatusCode.ServiceUnavailable, "unavailable");
    }

    private abstract class DelegatingAdapter(IEnterpriseAdapter inner) : IEnterpriseAdapter
    {
        public EnterpriseSystemMetadata Metadata => inner.Metadata;

        public EnterpriseCapabilities Capabilities => inner.Capabilities;

        public virtual Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default) => inner.ProvisionAccountAsync(request, cancellationToken);

        public Task<EnterpriseAccount> SetAccountRolesAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default) => inner.SetAccountRolesAsync(account, roles, cancellationToken);

        public Task DeprovisionAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default) => inner.DeprovisionAccountAsync(account, cancellationToken);

        public Task<EnterpriseAccount> GetAccountAsync(string accountId, CancellationToken cancellationToken = default) => inner.GetAccountAsync(accountId, cancellationToken);

        public Task<EventPage> ReadEventsAsync(string? cursor, CancellationToken cancellationToken = default) => inner.ReadEventsAsync(cursor, cancellationToken);
    }
}
