using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

// Inventory: stock per product and the low-stock alert.
public sealed partial class EmbeddedEnterpriseSystem
{
    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such product.</exception>
    public Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default)
        => Read(() => ToStockLevel(FindProduct(productId)), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="CoCreationEventTypes.StockLow"/> is raised once each time stock goes from above the threshold to
    /// at or below it. Setting a threshold that stock is already at or below raises it at once, unless the
    /// alert for the current low spell was already raised; stock rising above the threshold re-arms the alert.
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The threshold is negative or above <see cref="CoCreationLimits.MaxStock"/> (field <c>threshold</c>).</exception>
    /// <exception cref="ResourceNotFoundException">No such product.</exception>
    public Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                CoCreationGuard.StockLevel(threshold, nameof(threshold));
                return Write(() =>
                {
                    var product = FindProduct(productId);
                    product.Threshold = threshold;
                    CheckLowStock(product);
                    return ToStockLevel(product);
                });
            },
            cancellationToken);

    private ProductState FindProduct(string productId)
        => productId is not null && _products.TryGetValue(productId, out var product)
            ? product
            : throw new ResourceNotFoundException(Name, "product", productId ?? "");

    private static StockLevel ToStockLevel(ProductState product) => new()
    {
        ProductId = product.Id,
        OnHand = product.OnHand,
        Threshold = product.Threshold,
    };

    /// <summary>Raises the low-stock alert on a downward crossing, and re-arms it once stock is above the threshold again.</summary>
    private void CheckLowStock(ProductState product)
    {
        // Every caller changed the product's stock or threshold; this is where it is staged once.
        StageProduct(product);
        var isLow = product.Threshold is { } threshold && product.OnHand <= threshold;
        if (!isLow)
        {
            product.LowAlertRaised = false;
            return;
        }

        if (product.LowAlertRaised)
        {
            return;
        }

        product.LowAlertRaised = true;
        Emit(
            CoCreationEventTypes.StockLow,
            $"products/{product.Id}",
            product.OwnerAccountId,
            (CoCreationEventData.ProductId, product.Id),
            (CoCreationEventData.Title, product.Title),
            (CoCreationEventData.OnHand, Inv(product.OnHand)),
            (CoCreationEventData.Threshold, Inv(product.Threshold!.Value)));
    }

    private sealed class ProductState(string id, string designId, string ownerAccountId, string title)
    {
        public string Id { get; } = id;

        public string DesignId { get; } = designId;

        /// <summary>The designer: stock and production events concern them.</summary>
        public string OwnerAccountId { get; } = ownerAccountId;

        public string Title { get; } = title;

        public int OnHand { get; set; }

        public int? Threshold { get; set; }

        public bool LowAlertRaised { get; set; }
    }
}
