using System.Globalization;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

// Refunds and returns of sales.
public sealed partial class EmbeddedEnterpriseSystem
{
    private readonly Dictionary<string, RefundState> _refunds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefundState> _refundsByKey = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>
    /// A sale may be refunded in several parts until all its pieces are refunded. The amount is the refunded pieces at
    /// the sale's unit price. A restocking refund puts the pieces back on hand (re-arming the low-stock alert when stock
    /// rises above the threshold); a refund of a delisted listing's sale is allowed. The refund, the stock and the
    /// <see cref="CoCreationEventTypes.SaleRefunded"/> event are written together or not at all.
    /// </remarks>
    public Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                CoCreationGuard.NotBlank(saleId, nameof(saleId));
                ArgumentNullException.ThrowIfNull(request);
                request.Validate();
                return Write(() =>
                {
                    if (_refundsByKey.TryGetValue(request.IdempotencyKey, out var first))
                    {
                        return first.Refund.SaleId == saleId
                            ? first.Refund
                            : throw new CoCreationConflictException($"Idempotency key '{request.IdempotencyKey}' was already used to refund sale {first.Refund.SaleId}, not sale {saleId}.");
                    }

                    var sale = _sales.TryGetValue(saleId, out var found)
                        ? found.Sale
                        : throw new ResourceNotFoundException(Name, "sale", saleId);
                    var refunded = _refunds.Values.Where(r => r.Refund.SaleId == sale.Id).Sum(r => r.Refund.Quantity);
                    var left = sale.Quantity - refunded;
                    if (request.Quantity > left)
                    {
                        throw new CoCreationValidationException("RefundRequest.Quantity", $"sale {sale.Id} has {Inv(left)} of {Inv(sale.Quantity)} pieces left to refund (asked {Inv(request.Quantity)}).");
                    }

                    var product = FindProduct(sale.ProductId);
                    if (request.Restock && (long)product.OnHand + request.Quantity > CoCreationLimits.MaxStock)
                    {
                        throw new CoCreationValidationException("RefundRequest.Restock", $"restocking {Inv(request.Quantity)} pieces would take the stock of product {product.Id} above {Inv(CoCreationLimits.MaxStock)} (CoCreationLimits.MaxStock).");
                    }

                    var listing = FindListing(sale.ListingId);
                    var refund = new Refund
                    {
                        Id = NextRecordId(),
                        SaleId = sale.Id,
                        ListingId = sale.ListingId,
                        ProductId = sale.ProductId,
                        Quantity = request.Quantity,
                        Amount = sale.UnitPrice.Multiply(request.Quantity),
                        Reason = request.Reason,
                        Restocked = request.Restock,
                        RefundedAt = _time.GetUtcNow(),
                    };
                    var state = new RefundState(refund, request.IdempotencyKey);
                    _refunds.Add(refund.Id, state);
                    _refundsByKey.Add(request.IdempotencyKey, state);
                    StageRefund(state);
                    if (request.Restock)
                    {
                        product.OnHand = checked(product.OnHand + request.Quantity);
                    }

                    Emit(
                        CoCreationEventTypes.SaleRefunded,
                        $"refunds/{refund.Id}",
                        listing.OwnerAccountId,
                        (CoCreationEventData.RefundId, refund.Id),
                        (CoCreationEventData.SaleId, sale.Id),
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, product.Id),
                        (CoCreationEventData.Title, listing.Title),
                        (CoCreationEventData.Quantity, Inv(refund.Quantity)),
                        (CoCreationEventData.Amount, Inv(refund.Amount.Amount)),
                        (CoCreationEventData.Currency, refund.Amount.Currency),
                        (CoCreationEventData.Restocked, refund.Restocked ? "true" : "false"),
                        (CoCreationEventData.OnHand, Inv(product.OnHand)),
                        (CoCreationEventData.Text, refund.Reason));
                    if (request.Restock)
                    {
                        CheckLowStock(product);
                    }

                    return refund;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="CoCreationValidationException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    public Task<IReadOnlyList<Refund>> GetRefundsAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        => ReadPeriodAsync(listingId, from, to, () => _refunds.Values, r => (r.Refund.ListingId, r.Refund.RefundedAt, r.Sequence), r => r.Refund, cancellationToken);

    private sealed class RefundState(Refund refund, string idempotencyKey)
    {
        public Refund Refund { get; } = refund;

        public string IdempotencyKey { get; } = idempotencyKey;

        /// <summary>Orders refunds made at the same instant in the order they were made.</summary>
        public long Sequence { get; } = long.Parse(refund.Id, CultureInfo.InvariantCulture);
    }
}
