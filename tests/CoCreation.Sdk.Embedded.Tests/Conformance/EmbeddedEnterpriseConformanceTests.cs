using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>The embedded enterprise system against the enterprise conformance suite, with all three features.</summary>
public class EmbeddedEnterpriseConformanceTests : EnterpriseAdapterConformanceTests
{
    private FakeTimeProvider time = new();
    private EmbeddedEnterpriseSystem system = null!;

    protected override TimeProvider TimeProvider => time;

    protected override EnterpriseFeatures ExpectedFeatures => EnterpriseFeatures.Production | EnterpriseFeatures.Commerce | EnterpriseFeatures.Inventory;

    protected override Task<IEnterpriseAdapter> CreateAdapterAsync()
    {
        time = new FakeTimeProvider();
        system = new EmbeddedEnterpriseSystem("embedded-erp", timeProvider: time);
        return Task.FromResult<IEnterpriseAdapter>(system);
    }

    protected override Task<SaleRecord> SellAsync(IEnterpriseAdapter adapter, Listing listing, int quantity) => EmbeddedShopSales.SellAsync(system, listing, quantity);

    // Goes through the system itself, not the adapter under test, so that a derived fixture may wrap the adapter.
    protected override async Task ProduceEventAsync(IEnterpriseAdapter adapter)
    {
        var designer = await system.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Designer", Roles = [EnterpriseRoles.Member] });
        await system.SubmitDesignAsync(designer, new DesignSubmission { Title = "Event maker", Description = "Anything" });
    }
}
