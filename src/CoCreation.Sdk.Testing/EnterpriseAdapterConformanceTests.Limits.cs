using System.Globalization;
using CoCreation.Sdk.Enterprise;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

// The documented limits of CoCreationLimits: every adapter refuses values above them the same way, before anything is written.
public abstract partial class EnterpriseAdapterConformanceTests
{
    /// <summary>A production request above <see cref="CoCreationLimits.MaxQuantity"/> is refused, naming the field.</summary>
    /// <param name="quantity">The quantity over the limit.</param>
    /// <returns>A task.</returns>
    [TestCase(CoCreationLimits.MaxQuantity + 1)]
    [TestCase(int.MaxValue)]
    public async Task ProductionSystem_QuantityAboveLimit_IsRefusedAsync(int quantity)
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var (requester, design) = await AcceptedDesignAsync(production).ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => production.RequestProductionAsync(requester, new ProductionRequest { DesignId = design.Id, Quantity = quantity, Plan = "Sizes S-XL" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("ProductionRequest.Quantity"), "Field");
            Assert.That(ex.Message, Does.Contain(CoCreationLimits.MaxQuantity.ToString(CultureInfo.InvariantCulture)), "the message states the limit");
        }
    }

    /// <summary>
    /// A price above <see cref="CoCreationLimits.MaxAmount"/> (up to <see cref="decimal.MaxValue"/>) is refused when listing and
    /// when updating, naming the field, and changes nothing; a price exactly at the limit is accepted.
    /// </summary>
    /// <param name="amount">The amount over the limit, as invariant text.</param>
    /// <returns>A task.</returns>
    [TestCase("1000000000001")]
    [TestCase("79228162514264337593543950335")]
    public async Task CommerceSystem_PriceAboveLimit_IsRefusedAsync(string amount)
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var over = Price(decimal.Parse(amount, CultureInfo.InvariantCulture));
        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member, EnterpriseRoles.Seller)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        var request = new ListingRequest { ProductId = productId, OwnerAccountId = owner.AccountId, Title = UniqueName("Scarf"), Price = Price(25000m) };
        var listing = await commerce.CreateListingAsync(request).ConfigureAwait(false);

        var onCreate = Assert.CatchAsync<CoCreationValidationException>(() => commerce.CreateListingAsync(request with { Price = over }));
        var onUpdate = Assert.CatchAsync<CoCreationValidationException>(() => commerce.UpdateListingAsync(owner, listing.Id, new ListingUpdate(over, "")));
        var read = await commerce.GetListingAsync(listing.Id).ConfigureAwait(false);
        var atLimit = await commerce.UpdateListingAsync(owner, listing.Id, new ListingUpdate(Price(CoCreationLimits.MaxAmount), "")).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onCreate!.Field, Is.EqualTo("ListingRequest.Price.Amount"), "listing: Field");
            Assert.That(onUpdate!.Field, Is.EqualTo("ListingUpdate.Price.Amount"), "updating: Field");
            Assert.That(read.Price, Is.EqualTo(Price(25000m)), "a refused update changes nothing");
            Assert.That(atLimit.Price, Is.EqualTo(Price(CoCreationLimits.MaxAmount)), "a price at the limit is accepted");
        }
    }

    /// <summary>A low-stock threshold above <see cref="CoCreationLimits.MaxStock"/> is refused, naming the field, and changes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task InventorySystem_ThresholdAboveLimit_IsRefusedAsync()
    {
        if (!HasFeature<IInventorySystem>(EnterpriseFeatures.Inventory, out var inventory))
        {
            return;
        }

        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        await inventory.SetLowStockThresholdAsync(productId, 5).ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => inventory.SetLowStockThresholdAsync(productId, CoCreationLimits.MaxStock + 1));
        var read = await inventory.GetStockAsync(productId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("threshold"), "Field");
            Assert.That(read.Threshold, Is.EqualTo(5), "a refused threshold changes nothing");
        }
    }
}
