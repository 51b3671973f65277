using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>Sales for the refund conformance tests, made the way the embedded shop makes them: produce, then a buyer orders.</summary>
internal static class EmbeddedShopSales
{
    public static async Task<SaleRecord> SellAsync(EmbeddedEnterpriseSystem system, Listing listing, int quantity)
    {
        var designId = system.AllEvents
            .Last(e => e.Type == CoCreationEventTypes.DesignReviewed && e.GetData(CoCreationEventData.ProductId) == listing.ProductId)
            .GetData(CoCreationEventData.DesignId)!;
        var owner = await system.GetAccountAsync(listing.OwnerAccountId);
        if (!owner.Roles.Contains(EnterpriseRoles.ProductionRequester))
        {
            owner = await system.SetAccountRolesAsync(owner, [.. owner.Roles, EnterpriseRoles.ProductionRequester]);
        }

        var order = await system.RequestProductionAsync(owner, new ProductionRequest { DesignId = designId, Quantity = quantity, Plan = "Stock for the refund tests" });
        await system.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        return system.PlaceOrder(listing.Id, "Conformance Buyer", quantity);
    }
}
