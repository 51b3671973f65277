using System.Globalization;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

// The shop: listings, the buyers' shop front, shipping and settlement.
public sealed partial class EmbeddedEnterpriseSystem
{
    private const int MaxListingTitleLength = 200;
    private const int MaxTermsLength = 2000;
    private const int MaxBuyerNameLength = 100;

    private readonly Dictionary<string, Listing> _listings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SaleState> _sales = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SaleState> _salesByKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shipment> _shipments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Payout> _payoutsByKey = new(StringComparer.Ordinal);
    private readonly List<Payout> _payouts = [];

    /// <inheritdoc />
    /// <remarks>The listing may be for any existing account; it is normally the product's designer.</remarks>
    /// <exception cref="CoCreationValidationException">The title is blank or too long, the price is not above zero or above <see cref="CoCreationLimits.MaxAmount"/>, or the terms are over 2000 characters.</exception>
    /// <exception cref="ResourceNotFoundException">No such product or owner account.</exception>
    public Task<Listing> CreateListingAsync(ListingRequest request, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(request);
                CoCreationGuard.NotBlank(request.ProductId, "ListingRequest.ProductId");
                CoCreationGuard.NotBlank(request.OwnerAccountId, "ListingRequest.OwnerAccountId");
                CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Title, "ListingRequest.Title"), MaxListingTitleLength, "ListingRequest.Title");
                CoCreationGuard.PositivePrice(request.Price, "ListingRequest.Price");
                var terms = CoCreationGuard.MaxLength(request.Terms ?? "", MaxTermsLength, "ListingRequest.Terms");
                return Write(() =>
                {
                    var product = FindProduct(request.ProductId);
                    var owner = FindAccount(request.OwnerAccountId);
                    var listing = new Listing
                    {
                        Id = NextRecordId(),
                        ProductId = product.Id,
                        OwnerAccountId = owner.Id,
                        Title = request.Title,
                        Price = request.Price,
                        Terms = terms,
                        Status = ListingStatus.Active,
                    };
                    _listings.Add(listing.Id, listing);
                    StageListing(listing);
                    Emit(
                        CoCreationEventTypes.ListingPublished,
                        $"listings/{listing.Id}",
                        owner.Id,
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, product.Id),
                        (CoCreationEventData.Title, listing.Title),
                        (CoCreationEventData.Amount, Inv(listing.Price.Amount)),
                        (CoCreationEventData.Currency, listing.Price.Currency),
                        (CoCreationEventData.Text, listing.Terms));
                    return listing;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The actor needs the <see cref="EnterpriseRoles.Seller"/> role and must own the listing. The currency cannot change,
    /// so that sales of one listing stay summable; <see langword="null"/> terms count as empty.
    /// </remarks>
    /// <exception cref="ProviderException">Status 403: the account is unknown, deactivated, lacks the role, or does not own the listing.</exception>
    /// <exception cref="CoCreationValidationException">The price is not above zero, above <see cref="CoCreationLimits.MaxAmount"/> or in another currency, or the terms are over 2000 characters.</exception>
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    /// <exception cref="CoCreationConflictException">The listing is delisted.</exception>
    public Task<Listing> UpdateListingAsync(EnterpriseAccount actor, string listingId, ListingUpdate update, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(actor);
                ArgumentNullException.ThrowIfNull(update);
                return Write(() =>
                {
                    var account = Authorize(actor, EnterpriseRoles.Seller, "change a listing");
                    CoCreationGuard.PositivePrice(update.Price, "ListingUpdate.Price");
                    var terms = CoCreationGuard.MaxLength(update.Terms ?? "", MaxTermsLength, "ListingUpdate.Terms");
                    var listing = FindListing(listingId);
                    if (listing.OwnerAccountId != account.Id)
                    {
                        throw Forbidden(account.Id, "change a listing", $"listing {listing.Id} belongs to another account");
                    }

                    if (listing.Status != ListingStatus.Active)
                    {
                        throw new CoCreationConflictException($"Listing {listing.Id} is delisted; its price and terms can no longer change.");
                    }

                    if (update.Price.Currency != listing.Price.Currency)
                    {
                        throw new CoCreationValidationException("ListingUpdate.Price.Currency", $"must stay {listing.Price.Currency} (was {update.Price.Currency}).");
                    }

                    var previous = listing.Price;
                    listing = listing with { Price = update.Price, Terms = terms };
                    _listings[listing.Id] = listing;
                    StageListing(listing);
                    Emit(
                        CoCreationEventTypes.ListingUpdated,
                        $"listings/{listing.Id}",
                        listing.OwnerAccountId,
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, listing.ProductId),
                        (CoCreationEventData.Title, listing.Title),
                        (CoCreationEventData.Amount, Inv(listing.Price.Amount)),
                        (CoCreationEventData.Currency, listing.Price.Currency),
                        ("previousAmount", Inv(previous.Amount)),
                        (CoCreationEventData.Text, listing.Terms));
                    return listing;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    public Task<Listing> GetListingAsync(string listingId, CancellationToken cancellationToken = default)
        => Read(() => FindListing(listingId), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Delisting an already delisted listing returns it unchanged and raises no second event.</remarks>
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    public Task<Listing> DelistAsync(string listingId, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                return Write(() =>
                {
                    var listing = FindListing(listingId);
                    if (listing.Status == ListingStatus.Delisted)
                    {
                        return listing;
                    }

                    listing = listing with { Status = ListingStatus.Delisted };
                    _listings[listing.Id] = listing;
                    StageListing(listing);
                    Emit(
                        CoCreationEventTypes.ListingDelisted,
                        $"listings/{listing.Id}",
                        listing.OwnerAccountId,
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, listing.ProductId),
                        (CoCreationEventData.Title, listing.Title));
                    return listing;
                });
            },
            cancellationToken);

    /// <summary>
    /// A buyer orders from the shop front and pays at once: stock goes down by <paramref name="quantity"/> at the
    /// listing's current price. Raises <see cref="CoCreationEventTypes.SaleCompleted"/>, then
    /// <see cref="CoCreationEventTypes.ReviewPosted"/> when a review or rating is given, then
    /// <see cref="CoCreationEventTypes.StockLow"/> when the order takes stock down to its threshold.
    /// </summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="buyerName">The buyer's name; kept with the sale, never put into events.</param>
    /// <param name="quantity">How many pieces, more than zero.</param>
    /// <param name="review">The buyer's review, if any.</param>
    /// <param name="rating">The buyer's rating from 1 to 5, if any.</param>
    /// <param name="idempotencyKey">
    /// Makes a retried order safe: an order with a key seen before returns the first sale and changes nothing
    /// (kept in the database file too); the same key for a different order is a conflict. At most 200 characters.
    /// </param>
    /// <returns>The sale.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The buyer name is blank, the quantity is not above zero or above <see cref="CoCreationLimits.MaxQuantity"/>, the total
    /// (quantity × price) is above <see cref="CoCreationLimits.MaxAmount"/>, the review is blank or over 2000 characters, or the
    /// rating is outside 1 to 5. Nothing is changed.
    /// </exception>
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    /// <exception cref="CoCreationConflictException">
    /// The listing is delisted, there is not enough stock, or the idempotency key was used for a different order.
    /// </exception>
    public SaleRecord PlaceOrder(string listingId, string buyerName, int quantity, string? review = null, int? rating = null, string? idempotencyKey = null)
    {
        CoCreationGuard.IdempotencyKey(idempotencyKey, nameof(idempotencyKey));

        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(buyerName, nameof(buyerName)), MaxBuyerNameLength, nameof(buyerName));
        CoCreationGuard.Quantity(quantity, nameof(quantity));
        if (review is not null)
        {
            CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(review, nameof(review)), MaxNoteLength, nameof(review));
        }

        if (rating is < 1 or > 5)
        {
            throw new CoCreationValidationException(nameof(rating), $"must be between 1 and 5 (was {rating}).");
        }

        return Write(() =>
        {
            if (idempotencyKey is not null && _salesByKey.TryGetValue(idempotencyKey, out var earlier))
            {
                // A retry of an order that went through: the first sale, whatever changed since.
                return earlier.Sale.ListingId == listingId && earlier.Sale.Quantity == quantity && earlier.BuyerName == buyerName
                    ? earlier.Sale
                    : throw new CoCreationConflictException($"Idempotency key '{idempotencyKey}' was already used for sale {earlier.Sale.Id}, a different order.");
            }

            var listing = FindListing(listingId);
            if (listing.Status != ListingStatus.Active)
            {
                throw new CoCreationConflictException($"Listing {listing.Id} is delisted; it cannot be ordered.");
            }

            var product = _products[listing.ProductId];
            if (product.OnHand < quantity)
            {
                throw new CoCreationConflictException($"Listing {listing.Id} has insufficient stock: {quantity} ordered, {product.OnHand} on hand.");
            }

            // The total is checked before stock moves, so an order whose total is out of range changes nothing.
            var orderTotal = listing.Price.Multiply(quantity);
            if (orderTotal.Amount > CoCreationLimits.MaxAmount)
            {
                throw new CoCreationValidationException(nameof(quantity), $"{quantity} × {listing.Price} comes to {orderTotal}, above the limit of {Inv(CoCreationLimits.MaxAmount)} {orderTotal.Currency} for one sale (CoCreationLimits.MaxAmount).");
            }

            product.OnHand -= quantity;
            var sale = new SaleRecord
            {
                Id = NextRecordId(),
                ListingId = listing.Id,
                ProductId = product.Id,
                Quantity = quantity,
                UnitPrice = listing.Price,
                SoldAt = _time.GetUtcNow(),
            };
            var saleState = new SaleState(sale, buyerName, review, rating, idempotencyKey);
            _sales.Add(sale.Id, saleState);
            if (idempotencyKey is not null)
            {
                _salesByKey.Add(idempotencyKey, saleState);
            }

            StageSale(saleState);
            var total = sale.Total;
            Emit(
                CoCreationEventTypes.SaleCompleted,
                $"sales/{sale.Id}",
                listing.OwnerAccountId,
                (CoCreationEventData.SaleId, sale.Id),
                (CoCreationEventData.ListingId, listing.Id),
                (CoCreationEventData.ProductId, product.Id),
                (CoCreationEventData.Title, listing.Title),
                (CoCreationEventData.Quantity, Inv(quantity)),
                (CoCreationEventData.Amount, Inv(total.Amount)),
                (CoCreationEventData.Currency, total.Currency),
                (CoCreationEventData.OnHand, Inv(product.OnHand)));
            if (review is not null || rating is not null)
            {
                Emit(
                    CoCreationEventTypes.ReviewPosted,
                    $"sales/{sale.Id}",
                    listing.OwnerAccountId,
                    (CoCreationEventData.SaleId, sale.Id),
                    (CoCreationEventData.ListingId, listing.Id),
                    (CoCreationEventData.ProductId, product.Id),
                    (CoCreationEventData.Title, listing.Title),
                    (CoCreationEventData.Text, review),
                    (CoCreationEventData.Rating, rating is { } r ? Inv(r) : null));
            }

            CheckLowStock(product);
            return sale;
        });
    }

    /// <inheritdoc />
    /// <exception cref="CoCreationValidationException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    /// <exception cref="ResourceNotFoundException">No such listing.</exception>
    public Task<IReadOnlyList<SaleRecord>> GetSalesAsync(string listingId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        => ReadPeriodAsync(listingId, from, to, () => _sales.Values, s => (s.Sale.ListingId, s.Sale.SoldAt, s.Sequence), s => s.Sale, cancellationToken);

    // Records of one listing in [from, to), oldest first (ties in the order they were made); shared by sales and refunds.
    private Task<IReadOnlyList<T>> ReadPeriodAsync<TState, T>(
        string listingId,
        DateTimeOffset from,
        DateTimeOffset to,
        Func<IEnumerable<TState>> states,
        Func<TState, (string ListingId, DateTimeOffset At, long Sequence)> key,
        Func<TState, T> select,
        CancellationToken cancellationToken)
        => Run<IReadOnlyList<T>>(
            () =>
            {
                if (to < from)
                {
                    throw new CoCreationValidationException(nameof(to), "must not be before 'from'.");
                }

                lock (_gate)
                {
                    var listing = FindListing(listingId);
                    return
                    [
                        .. states()
                            .Select(state => (State: state, Key: key(state)))
                            .Where(x => x.Key.ListingId == listing.Id && x.Key.At >= from && x.Key.At < to)
                            .OrderBy(x => x.Key.At)
                            .ThenBy(x => x.Key.Sequence)
                            .Select(x => select(x.State)),
                    ];
                }
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="CoCreationValidationException">The carrier or tracking number is blank.</exception>
    /// <exception cref="ResourceNotFoundException">No such sale.</exception>
    /// <exception cref="CoCreationConflictException">The sale has already shipped.</exception>
    public Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(request);
                CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Carrier, "ShipmentRequest.Carrier"), MaxShortTextLength, "ShipmentRequest.Carrier");
                CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.TrackingNumber, "ShipmentRequest.TrackingNumber"), MaxShortTextLength, "ShipmentRequest.TrackingNumber");
                return Write(() =>
                {
                    var state = saleId is not null && _sales.TryGetValue(saleId, out var found)
                        ? found
                        : throw new ResourceNotFoundException(Name, "sale", saleId ?? "");
                    if (state.Sale.Shipped)
                    {
                        throw new CoCreationConflictException($"Sale {saleId} has already shipped.");
                    }

                    var listing = _listings[state.Sale.ListingId];
                    var shipment = new Shipment
                    {
                        Id = NextRecordId(),
                        SaleId = state.Sale.Id,
                        Carrier = request.Carrier,
                        TrackingNumber = request.TrackingNumber,
                        ShippedAt = _time.GetUtcNow(),
                    };
                    _shipments.Add(shipment.Id, shipment);
                    _database?.Put(ShipmentRecords, shipment.Id, shipment, EmbeddedJsonContext.Default.Shipment);
                    state.Sale = state.Sale with { Shipped = true };
                    StageSale(state);
                    Emit(
                        CoCreationEventTypes.ShipmentSent,
                        $"shipments/{shipment.Id}",
                        listing.OwnerAccountId,
                        (CoCreationEventData.SaleId, state.Sale.Id),
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, state.Sale.ProductId),
                        (CoCreationEventData.Title, listing.Title),
                        (CoCreationEventData.Quantity, Inv(state.Sale.Quantity)),
                        (CoCreationEventData.Carrier, shipment.Carrier),
                        (CoCreationEventData.TrackingNumber, shipment.TrackingNumber));
                    return shipment;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The payee must own the listing. A request whose <see cref="PayoutRequest.IdempotencyKey"/> was seen before
    /// returns the first payout and records nothing (so a retried settlement never pays twice).
    /// </remarks>
    /// <exception cref="CoCreationValidationException">
    /// A field is blank, the gross, refunds or amount is negative, above <see cref="CoCreationLimits.MaxAmount"/>, in another
    /// currency or with more decimals than the currency has, the amount is above the gross less refunds, the period ends
    /// before it starts, or the payee does not own the listing.
    /// </exception>
    /// <exception cref="ResourceNotFoundException">No such account or listing.</exception>
    public Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                PayoutRules.Check(request);
                return Write(() =>
                {
                    if (_payoutsByKey.TryGetValue(request.IdempotencyKey, out var first))
                    {
                        return first;
                    }

                    var owner = FindAccount(request.OwnerAccountId);
                    var listing = FindListing(request.ListingId);
                    if (listing.OwnerAccountId != owner.Id)
                    {
                        throw new CoCreationValidationException("PayoutRequest.OwnerAccountId", $"account {owner.Id} does not own listing {listing.Id}.");
                    }

                    var payout = new Payout
                    {
                        Id = NextRecordId(),
                        OwnerAccountId = owner.Id,
                        ListingId = listing.Id,
                        Gross = request.Gross,
                        Refunds = request.Refunds,
                        Amount = request.Amount,
                        PaidAt = _time.GetUtcNow(),
                    };
                    _payoutsByKey.Add(request.IdempotencyKey, payout);
                    _payouts.Add(payout);
                    _database?.Put(PayoutRecords, payout.Id, new EnterprisePayoutRecord(request.IdempotencyKey, payout), EmbeddedJsonContext.Default.EnterprisePayoutRecord);
                    Emit(
                        CoCreationEventTypes.SettlementPaid,
                        $"payouts/{payout.Id}",
                        owner.Id,
                        ("payoutId", payout.Id),
                        (CoCreationEventData.ListingId, listing.Id),
                        (CoCreationEventData.ProductId, listing.ProductId),
                        (CoCreationEventData.Title, listing.Title),
                        (CoCreationEventData.Amount, Inv(payout.Amount.Amount)),
                        (CoCreationEventData.Currency, payout.Amount.Currency),
                        ("gross", Inv(payout.Gross.Amount)),
                        ("refunds", payout.Refunds is { } r ? Inv(r.Amount) : null),
                        ("periodStart", Inv(request.PeriodStart)),
                        ("periodEnd", Inv(request.PeriodEnd)));
                    return payout;
                });
            },
            cancellationToken);

    /// <summary>Reads the payouts recorded for an account, oldest first.</summary>
    /// <param name="ownerAccountId">The payee's account id.</param>
    /// <returns>The payouts.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public IReadOnlyList<Payout> GetPayouts(string ownerAccountId)
    {
        lock (_gate)
        {
            var owner = FindAccount(ownerAccountId);
            return [.. _payouts.Where(p => p.OwnerAccountId == owner.Id)];
        }
    }

    private Listing FindListing(string listingId)
        => listingId is not null && _listings.TryGetValue(listingId, out var listing)
            ? listing
            : throw new ResourceNotFoundException(Name, "listing", listingId ?? "");

    private sealed class SaleState(SaleRecord sale, string buyerName, string? review, int? rating, string? idempotencyKey)
    {
        public string? IdempotencyKey { get; } = idempotencyKey;

        public SaleRecord Sale { get; set; } = sale;

        /// <summary>Orders sales sold at the same instant in the order they were placed.</summary>
        public long Sequence { get; } = long.Parse(sale.Id, CultureInfo.InvariantCulture);

        public string BuyerName { get; } = buyerName;

        public string? Review { get; } = review;

        public int? Rating { get; } = rating;
    }
}
