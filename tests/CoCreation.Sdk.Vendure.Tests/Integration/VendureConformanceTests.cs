using System.Reflection;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Vendure.Tests.Support;

namespace CoCreation.Sdk.Vendure.Tests.Integration;

/// <summary>
/// The Vendure adapter against the enterprise conformance suite, on the real Vendure server (eng/peers/vendure).
/// Vendure is a shop: the adapter declares commerce only (no production; stock has no low-stock threshold in Vendure).
/// </summary>
[Category("Integration")]
public sealed class VendureConformanceTests : EnterpriseAdapterConformanceTests
{
    protected override EnterpriseFeatures ExpectedFeatures => EnterpriseFeatures.Commerce | EnterpriseFeatures.Inventory;

    protected override Task<IEnterpriseAdapter> CreateAdapterAsync()
        => Task.FromResult<IEnterpriseAdapter>(new VendureEnterpriseAdapter("vendure-conformance", VendurePeer.Options(), () => VendurePeer.Http));

    // A product of the SDK is a SKU. Vendure stocks a product only once it is listed, so the SKU is listed here (a
    // commerce test listing it again adopts the variant).
    protected override async Task<string> CreateProductAsync(IEnterpriseAdapter adapter, EnterpriseAccount owner)
    {
        var sku = "sku-" + Guid.NewGuid().ToString("N")[..16];
        await ((ICommerceSystem)adapter).CreateListingAsync(new ListingRequest { ProductId = sku, OwnerAccountId = owner.AccountId, Title = UniqueName("Stocked"), Price = new Money(10000m, "KRW") });
        return sku;
    }

    // A real purchase through the Shop API (after stocking the pieces), then the sale as the adapter reports it.
    protected override async Task<SaleRecord> SellAsync(IEnterpriseAdapter adapter, Listing listing, int quantity)
    {
        var client = VendurePeer.Client();
        await client.AddStockAsync(listing, quantity);
        var orderId = await client.BuyAsync(listing, quantity);
        var now = TimeProvider.GetUtcNow();
        var sales = await ((ICommerceSystem)adapter).GetSalesAsync(listing.Id, now.AddHours(-1), now.AddHours(1));
        return sales.Single(s => s.Id.StartsWith(orderId + "-", StringComparison.Ordinal));
    }

    // A purchase: the order reaching PaymentSettled reads back as a "sale completed" event.
    protected override async Task ProduceEventAsync(IEnterpriseAdapter adapter)
    {
        var owner = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Event maker", Roles = [EnterpriseRoles.Seller] });
        var listing = await ((ICommerceSystem)adapter).CreateListingAsync(new ListingRequest
        {
            ProductId = "sku-" + Guid.NewGuid().ToString("N")[..16],
            OwnerAccountId = owner.AccountId,
            Title = UniqueName("Event tee"),
            Price = new Money(15000m, "KRW"),
        });
        var client = VendurePeer.Client();
        await client.AddStockAsync(listing, 1);
        await client.BuyAsync(listing, 1);
    }
}

/// <summary>Every adapter in the Vendure package has a conformance suite in this project.</summary>
[Category("Unit")]
public sealed class VendureConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(VendureEnterpriseAdapter).Assembly;
}
