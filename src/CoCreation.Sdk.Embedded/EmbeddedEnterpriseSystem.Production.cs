using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

// The production system: designs, their review, production orders and progress.
public sealed partial class EmbeddedEnterpriseSystem
{
    private const int MaxDesignTitleLength = 100;
    private const int MaxShortTextLength = 100;
    private const int MaxLongTextLength = 5000;
    private const int MaxNoteLength = 2000;

    private readonly Dictionary<string, DesignState> _designs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProductState> _products = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProductionOrder> _orders = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>The designer needs the <see cref="EnterpriseRoles.Member"/> role. The title is at most 100 characters.</remarks>
    /// <exception cref="ProviderException">Status 403: the account is unknown, deactivated or not a member.</exception>
    /// <exception cref="CoCreationValidationException">The title or description is blank or too long, or an attachment is not an http(s) link.</exception>
    public Task<Design> SubmitDesignAsync(EnterpriseAccount designer, DesignSubmission submission, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(designer);
                ArgumentNullException.ThrowIfNull(submission);
                return Write(() =>
                {
                    var account = Authorize(designer, EnterpriseRoles.Member, "submit a design");
                    CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(submission.Title, "DesignSubmission.Title"), MaxDesignTitleLength, "DesignSubmission.Title");
                    CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(submission.Description, "DesignSubmission.Description"), MaxLongTextLength, "DesignSubmission.Description");
                    var attachments = submission.Attachments ?? [];
                    foreach (var attachment in attachments)
                    {
                        if (attachment is null || !attachment.IsAbsoluteUri || (attachment.Scheme != Uri.UriSchemeHttps && attachment.Scheme != Uri.UriSchemeHttp))
                        {
                            throw new CoCreationValidationException("DesignSubmission.Attachments", "must hold absolute http or https links.");
                        }
                    }

                    var design = new Design
                    {
                        Id = NextRecordId(),
                        Title = submission.Title,
                        Description = submission.Description,
                        DesignerAccountId = account.Id,
                        Status = DesignStatus.Submitted,
                        SubmittedAt = _time.GetUtcNow(),
                    };
                    var designState = new DesignState(design, [.. attachments]);
                    _designs.Add(design.Id, designState);
                    StageDesign(designState);
                    Emit(
                        CoCreationEventTypes.DesignSubmitted,
                        $"designs/{design.Id}",
                        account.Id,
                        (CoCreationEventData.DesignId, design.Id),
                        (CoCreationEventData.Title, design.Title));
                    return design;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>A design is reviewed once; accepting it creates its product with no stock.</remarks>
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    /// <exception cref="CoCreationConflictException">The design was already reviewed.</exception>
    /// <exception cref="CoCreationValidationException">The note is longer than 2000 characters.</exception>
    public Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(review);
                if (review.Note is not null)
                {
                    CoCreationGuard.MaxLength(review.Note, MaxNoteLength, "DesignReview.Note");
                }

                return Write(() =>
                {
                    var state = FindDesign(designId);
                    if (state.Design.Status != DesignStatus.Submitted)
                    {
                        throw new CoCreationConflictException($"Design {designId} was already reviewed ({state.Design.Status}).");
                    }

                    string? productId = null;
                    if (review.Accept)
                    {
                        var product = new ProductState(NextRecordId(), state.Design.Id, state.Design.DesignerAccountId, state.Design.Title);
                        _products.Add(product.Id, product);
                        StageProduct(product);
                        productId = product.Id;
                    }

                    state.Design = state.Design with
                    {
                        Status = review.Accept ? DesignStatus.Accepted : DesignStatus.Declined,
                        ProductId = productId,
                        ReviewNote = review.Note,
                    };
                    StageDesign(state);
                    Emit(
                        CoCreationEventTypes.DesignReviewed,
                        $"designs/{designId}",
                        state.Design.DesignerAccountId,
                        (CoCreationEventData.DesignId, designId),
                        (CoCreationEventData.Title, state.Design.Title),
                        ("accepted", review.Accept ? "true" : "false"),
                        (CoCreationEventData.ProductId, productId),
                        (CoCreationEventData.Text, review.Note));
                    return state.Design;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    public Task<Design> GetDesignAsync(string designId, CancellationToken cancellationToken = default)
        => Read(() => FindDesign(designId).Design, cancellationToken);

    /// <summary>Reads the attachment links a design was submitted with.</summary>
    /// <param name="designId">The design.</param>
    /// <returns>The links, in the order given.</returns>
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    public IReadOnlyList<Uri> GetDesignAttachments(string designId)
    {
        lock (_gate)
        {
            return FindDesign(designId).Attachments;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The requester needs the <see cref="EnterpriseRoles.ProductionRequester"/> role and must be the design's
    /// designer; the design must be accepted. A design may be produced again (re-production) any number of times.
    /// </remarks>
    /// <exception cref="ProviderException">Status 403: the account is unknown, deactivated, lacks the role, or is not the designer.</exception>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or above <see cref="CoCreationLimits.MaxQuantity"/>, or the plan is blank or too long.</exception>
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    /// <exception cref="CoCreationConflictException">The design is not accepted.</exception>
    public Task<ProductionOrder> RequestProductionAsync(EnterpriseAccount requester, ProductionRequest request, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(requester);
                ArgumentNullException.ThrowIfNull(request);
                return Write(() =>
                {
                    var account = Authorize(requester, EnterpriseRoles.ProductionRequester, "request production");
                    CoCreationGuard.NotBlank(request.DesignId, "ProductionRequest.DesignId");
                    CoCreationGuard.Quantity(request.Quantity, "ProductionRequest.Quantity");
                    CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Plan, "ProductionRequest.Plan"), MaxLongTextLength, "ProductionRequest.Plan");
                    var design = FindDesign(request.DesignId).Design;
                    if (design.DesignerAccountId != account.Id)
                    {
                        throw Forbidden(account.Id, "request production", $"only the designer of design {design.Id} may request its production");
                    }

                    if (design.Status != DesignStatus.Accepted || design.ProductId is null)
                    {
                        throw new CoCreationConflictException($"Design {design.Id} is {design.Status}; only an accepted design can be produced.");
                    }

                    var order = new ProductionOrder
                    {
                        Id = NextRecordId(),
                        DesignId = design.Id,
                        ProductId = design.ProductId,
                        RequesterAccountId = account.Id,
                        Quantity = request.Quantity,
                        Plan = request.Plan,
                        Status = ProductionStatus.Requested,
                        Percent = 0,
                        RequestedAt = _time.GetUtcNow(),
                    };
                    _orders.Add(order.Id, order);
                    StageOrder(order);
                    Emit(
                        CoCreationEventTypes.ProductionRequested,
                        $"production-orders/{order.Id}",
                        design.DesignerAccountId,
                        (CoCreationEventData.OrderId, order.Id),
                        (CoCreationEventData.DesignId, design.Id),
                        (CoCreationEventData.ProductId, order.ProductId),
                        (CoCreationEventData.Title, design.Title),
                        (CoCreationEventData.Quantity, Inv(order.Quantity)));
                    return order;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Below 100 % the order is in progress. At 100 % it completes, its quantity is added to the product's
    /// stock, and <see cref="CoCreationEventTypes.ProductionCompleted"/> then <see cref="CoCreationEventTypes.StockReceived"/> are raised.
    /// </remarks>
    /// <exception cref="ResourceNotFoundException">No such order.</exception>
    /// <exception cref="CoCreationConflictException">The order is already complete.</exception>
    /// <exception cref="CoCreationValidationException">The percent is outside 0 to 100 or below the current progress, the stage is blank, or completing would take stock above <see cref="CoCreationLimits.MaxStock"/> (field <c>ProductionOrder.Quantity</c>).</exception>
    public Task<ProductionOrder> ReportProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default)
        => Run(
            () =>
            {
                ArgumentNullException.ThrowIfNull(update);
                return Write(() =>
                {
                    var order = FindOrder(orderId);
                    if (order.Status == ProductionStatus.Completed)
                    {
                        throw new CoCreationConflictException($"Production order {orderId} is already complete.");
                    }

                    if (update.Percent is < 0 or > 100)
                    {
                        throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must be between 0 and 100 (was {update.Percent}).");
                    }

                    if (update.Percent < order.Percent)
                    {
                        throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must not go back: the order is at {order.Percent} % (was {update.Percent}).");
                    }

                    CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(update.Stage, "ProductionProgressUpdate.Stage"), MaxShortTextLength, "ProductionProgressUpdate.Stage");

                    var product = _products[order.ProductId];
                    var subject = $"production-orders/{order.Id}";
                    if (update.Percent < 100)
                    {
                        order = order with { Status = ProductionStatus.InProgress, Percent = update.Percent, Stage = update.Stage };
                        _orders[order.Id] = order;
                        StageOrder(order);
                        Emit(
                            CoCreationEventTypes.ProductionProgress,
                            subject,
                            product.OwnerAccountId,
                            (CoCreationEventData.OrderId, order.Id),
                            (CoCreationEventData.ProductId, product.Id),
                            (CoCreationEventData.Title, product.Title),
                            (CoCreationEventData.Percent, Inv(order.Percent)),
                            (CoCreationEventData.Stage, order.Stage));
                        return order;
                    }

                    // Stock never wraps: stocking in beyond the ceiling is refused before anything changes.
                    var stocked = (long)product.OnHand + order.Quantity;
                    if (stocked > CoCreationLimits.MaxStock)
                    {
                        throw new CoCreationValidationException("ProductionOrder.Quantity", $"completing order {order.Id} would take the stock of product {product.Id} to {Inv(stocked)} pieces, above the limit of {Inv(CoCreationLimits.MaxStock)} (CoCreationLimits.MaxStock); sell or adjust stock first.");
                    }

                    var now = _time.GetUtcNow();
                    order = order with { Status = ProductionStatus.Completed, Percent = 100, Stage = update.Stage, CompletedAt = now };
                    _orders[order.Id] = order;
                    StageOrder(order);
                    product.OnHand = checked((int)stocked);
                    StageProduct(product);
                    Emit(
                        CoCreationEventTypes.ProductionCompleted,
                        subject,
                        product.OwnerAccountId,
                        (CoCreationEventData.OrderId, order.Id),
                        (CoCreationEventData.ProductId, product.Id),
                        (CoCreationEventData.Title, product.Title),
                        (CoCreationEventData.Percent, "100"),
                        (CoCreationEventData.Stage, order.Stage),
                        (CoCreationEventData.Quantity, Inv(order.Quantity)));
                    Emit(
                        CoCreationEventTypes.StockReceived,
                        $"products/{product.Id}",
                        product.OwnerAccountId,
                        (CoCreationEventData.ProductId, product.Id),
                        (CoCreationEventData.Title, product.Title),
                        (CoCreationEventData.OrderId, order.Id),
                        (CoCreationEventData.Quantity, Inv(order.Quantity)),
                        (CoCreationEventData.OnHand, Inv(product.OnHand)),
                        (CoCreationEventData.Threshold, product.Threshold is { } t ? Inv(t) : null));
                    CheckLowStock(product);
                    return order;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such order.</exception>
    public Task<ProductionOrder> GetProductionOrderAsync(string orderId, CancellationToken cancellationToken = default)
        => Read(() => FindOrder(orderId), cancellationToken);

    private DesignState FindDesign(string designId)
        => designId is not null && _designs.TryGetValue(designId, out var design)
            ? design
            : throw new ResourceNotFoundException(Name, "design", designId ?? "");

    private ProductionOrder FindOrder(string orderId)
        => orderId is not null && _orders.TryGetValue(orderId, out var order)
            ? order
            : throw new ResourceNotFoundException(Name, "production order", orderId ?? "");

    private sealed class DesignState(Design design, IReadOnlyList<Uri> attachments)
    {
        public Design Design { get; set; } = design;

        public IReadOnlyList<Uri> Attachments { get; } = attachments;
    }
}
