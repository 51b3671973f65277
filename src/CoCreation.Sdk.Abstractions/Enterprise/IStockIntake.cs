namespace CoCreation.Sdk.Enterprise;

/// <summary>
/// Goods that arrive in a system's stock from elsewhere, for example a shop receiving what another system's production
/// made. Optional: a shop that is also the production system stocks its own output and needs no intake.
/// </summary>
public interface IStockIntake
{
    /// <summary>
    /// Adds pieces of a product to stock. A request whose <see cref="StockIntakeRequest.IdempotencyKey"/> was booked before
    /// changes nothing and returns the current level.
    /// </summary>
    /// <param name="request">The product, how many pieces, and where they come from.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stock level after the intake.</returns>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or the stock would pass <see cref="CoCreationLimits.MaxStock"/>; the reference or key is blank.</exception>
    /// <exception cref="ResourceNotFoundException">The system does not stock the product (yet): a shop knows it only once it is listed.</exception>
    Task<StockLevel> ReceiveStockAsync(StockIntakeRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Pieces of a product arriving in stock.</summary>
public sealed record StockIntakeRequest
{
    /// <summary>The product, by the id the SDK knows it under (the production system's product id).</summary>
    public required string ProductId { get; init; }

    /// <summary>How many pieces arrive; above zero.</summary>
    public required int Quantity { get; init; }

    /// <summary>Where they come from, for the system's records; for example a production order id.</summary>
    public required string Reference { get; init; }

    /// <summary>Books the intake once however often it is sent.</summary>
    public required string IdempotencyKey { get; init; }
}
