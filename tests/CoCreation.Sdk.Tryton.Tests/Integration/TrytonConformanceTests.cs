using System.Reflection;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Tryton.Tests.Support;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// The Tryton adapter against the enterprise conformance suite, on the real Tryton server (eng/peers/tryton).
/// Tryton has no shop listings or payouts the adapter could map, so it declares production and inventory only.
/// </summary>
[Category("Integration")]
public sealed class TrytonConformanceTests : EnterpriseAdapterConformanceTests
{
    protected override EnterpriseFeatures ExpectedFeatures => EnterpriseFeatures.Production | EnterpriseFeatures.Inventory;

    protected override Task<IEnterpriseAdapter> CreateAdapterAsync()
        => Task.FromResult<IEnterpriseAdapter>(new TrytonEnterpriseAdapter("tryton-conformance", TrytonPeer.Options(), () => TrytonPeer.Http));

    // A production request: Tryton then holds a new production, which reads back as a "production requested" event.
    protected override async Task ProduceEventAsync(IEnterpriseAdapter adapter)
    {
        var production = (IProductionSystem)adapter;
        var designer = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest
        {
            Login = UniqueLogin(),
            DisplayName = "Event maker",
            Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester],
        });
        var design = await production.SubmitDesignAsync(designer, new DesignSubmission { Title = UniqueName("Event"), Description = "Anything" });
        await production.ReviewDesignAsync(design.Id, new DesignReview(true));
        await production.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 1, Plan = "One piece" });
    }
}

/// <summary>Every adapter in the Tryton package has a conformance suite in this project.</summary>
[Category("Unit")]
public sealed class TrytonConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(TrytonEnterpriseAdapter).Assembly;
}
