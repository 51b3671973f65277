using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Implementation;
using static CoCreation.Sdk.Tryton.Implementation.TrytonValues;

namespace CoCreation.Sdk.Tryton;

// Designs as products, production orders as Tryton productions.
public sealed partial class TrytonEnterpriseAdapter
{
    private const string DesignKind = "design";
    private const string ProductionKind = "production";

    /// <inheritdoc />
    /// <remarks>
    /// The designer needs the <see cref="EnterpriseRoles.Member"/> role. The design becomes a producible goods
    /// <c>product.template</c> named after the title, with one <c>product.product</c> carrying the description.
    /// </remarks>
    /// <exception cref="ProviderException">Status 403: the Tryton user is unknown, inactive or not a member.</exception>
    /// <exception cref="CoCreationValidationException">The title or description is blank or too long, or an attachment is not an http(s) link.</exception>
    public async Task<Design> SubmitDesignAsync(EnterpriseAccount designer, DesignSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(designer);
        ArgumentNullException.ThrowIfNull(submission);
        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(submission.Title, "DesignSubmission.Title"), MaxTitleLength, "DesignSubmission.Title");
        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(submission.Description, "DesignSubmission.Description"), MaxLongTextLength, "DesignSubmission.Description");
        var attachments = submission.Attachments ?? [];
        if (attachments.Any(a => a is null || !a.IsAbsoluteUri || (a.Scheme != Uri.UriSchemeHttps && a.Scheme != Uri.UriSchemeHttp)))
        {
            throw new CoCreationValidationException("DesignSubmission.Attachments", "must hold absolute http or https links.");
        }

        var designerId = await AuthorizeAsync(designer, EnterpriseRoles.Member, "submit a design", cancellationToken).ConfigureAwait(false);
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var template = new JsonObject
        {
            ["name"] = submission.Title,
            ["type"] = "goods",
            ["default_uom"] = setup.Unit,
            ["list_price"] = "0",
            ["producible"] = true,
            ["products"] = new JsonArray(new JsonArray("create", new JsonArray(new JsonObject { ["description"] = submission.Description }))),
        };
        var templateId = IdList(await CallAsync("product.template", "create", Args(new JsonArray(template)), null, cancellationToken).ConfigureAwait(false)).Single();
        var note = new DesignNote
        {
            Designer = designerId,
            Status = "submitted",
            Attachments = [.. attachments.Select(a => a.AbsoluteUri)],
            SubmittedAt = _time.GetUtcNow(),
        };
        await WriteNoteAsync(null, DesignKind, $"product.template,{Inv(templateId)}", note, TrytonJsonContext.Default.DesignNote, cancellationToken).ConfigureAwait(false);
        return (await ReadDesignAsync(Inv(templateId), cancellationToken).ConfigureAwait(false)).Design;
    }

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    /// <exception cref="CoCreationConflictException">The design was already reviewed.</exception>
    public async Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(review);
        if (review.Note is not null)
        {
            CoCreationGuard.MaxLength(review.Note, MaxLongTextLength, "DesignReview.Note");
        }

        var (design, noteId, note) = await ReadDesignAsync(designId, cancellationToken).ConfigureAwait(false);
        if (design.Status != DesignStatus.Submitted)
        {
            throw new CoCreationConflictException($"Design {designId} was already reviewed ({design.Status}).");
        }

        var reviewed = note with { Status = review.Accept ? "accepted" : "declined", ReviewNote = review.Note };
        await WriteNoteAsync(noteId, DesignKind, $"product.template,{designId}", reviewed, TrytonJsonContext.Default.DesignNote, cancellationToken).ConfigureAwait(false);
        return (await ReadDesignAsync(designId, cancellationToken).ConfigureAwait(false)).Design;
    }

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    public async Task<Design> GetDesignAsync(string designId, CancellationToken cancellationToken = default)
        => (await ReadDesignAsync(designId, cancellationToken).ConfigureAwait(false)).Design;

    /// <inheritdoc />
    /// <remarks>
    /// The requester needs the <see cref="EnterpriseRoles.ProductionRequester"/> role and must be the design's designer;
    /// the design must be accepted. The order is a draft <c>production</c> of the design's product in the warehouse,
    /// with one output move of the quantity into the warehouse's storage.
    /// </remarks>
    /// <exception cref="ProviderException">Status 403: the Tryton user is unknown, inactive, lacks the role, or is not the designer.</exception>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or above <see cref="CoCreationLimits.MaxQuantity"/>, or the plan is blank or too long.</exception>
    /// <exception cref="ResourceNotFoundException">No such design.</exception>
    /// <exception cref="CoCreationConflictException">The design is not accepted.</exception>
    public async Task<ProductionOrder> RequestProductionAsync(EnterpriseAccount requester, ProductionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.DesignId, "ProductionRequest.DesignId");
        CoCreationGuard.Quantity(request.Quantity, "ProductionRequest.Quantity");
        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(request.Plan, "ProductionRequest.Plan"), MaxLongTextLength, "ProductionRequest.Plan");
        var requesterId = await AuthorizeAsync(requester, EnterpriseRoles.ProductionRequester, "request production", cancellationToken).ConfigureAwait(false);
        var (design, _, _) = await ReadDesignAsync(request.DesignId, cancellationToken).ConfigureAwait(false);
        if (design.DesignerAccountId != Inv(requesterId))
        {
            throw Forbidden(requester.AccountId, "request production", $"only the designer of design {design.Id} may request its production");
        }

        if (design.Status != DesignStatus.Accepted || design.ProductId is null)
        {
            throw new CoCreationConflictException($"Design {design.Id} is {design.Status}; only an accepted design can be produced.");
        }

        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var productId = long.Parse(design.ProductId, CultureInfo.InvariantCulture);
        var output = new JsonObject
        {
            ["product"] = productId,
            ["uom"] = setup.Unit,
            ["quantity"] = request.Quantity,
            ["from_location"] = setup.ProductionLocation,
            ["to_location"] = setup.StorageLocation,
            ["company"] = setup.Company,
            ["unit_price"] = "0",
            ["currency"] = setup.Currency,
        };
        var production = new JsonObject
        {
            ["product"] = productId,
            ["uom"] = setup.Unit,
            ["quantity"] = request.Quantity,
            ["warehouse"] = setup.Warehouse,
            ["location"] = setup.ProductionLocation,
            ["company"] = setup.Company,
            ["outputs"] = new JsonArray(new JsonArray("create", new JsonArray(output))),
        };
        var orderId = IdList(await CallAsync("production", "create", Args(new JsonArray(production)), null, cancellationToken).ConfigureAwait(false)).Single();
        var note = new ProductionNote { Design = long.Parse(design.Id, CultureInfo.InvariantCulture), Requester = requesterId, Plan = request.Plan, RequestedAt = _time.GetUtcNow() };
        await WriteNoteAsync(null, ProductionKind, $"production,{Inv(orderId)}", note, TrytonJsonContext.Default.ProductionNote, cancellationToken).ConfigureAwait(false);
        return await GetProductionOrderAsync(Inv(orderId), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Below 100 % the production is moved on to <c>running</c> (through <c>wait</c>, <c>assign_try</c> and
    /// <c>run</c>) and the percent and stage are written to its reference. At 100 % it is set <c>done</c>: Tryton
    /// moves the output into storage, which raises the stock. A low-stock threshold is checked right after.
    /// </remarks>
    /// <exception cref="ResourceNotFoundException">No such order.</exception>
    /// <exception cref="CoCreationConflictException">The order is already complete or cancelled, or Tryton could not reserve its materials.</exception>
    /// <exception cref="CoCreationValidationException">The percent is outside 0 to 100 or below the current progress, or the stage is blank.</exception>
    public async Task<ProductionOrder> ReportProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var (order, record) = await ReadOrderAsync(orderId, cancellationToken).ConfigureAwait(false);
        var state = String(record["state"]);
        if (order.Status == ProductionStatus.Completed || state == "cancelled")
        {
            throw new CoCreationConflictException($"Production order {orderId} is already {(state == "cancelled" ? "cancelled" : "complete")}.");
        }

        if (update.Percent is < 0 or > 100)
        {
            throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must be between 0 and 100 (was {update.Percent}).");
        }

        if (update.Percent < order.Percent)
        {
            throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must not go back: the order is at {order.Percent} % (was {update.Percent}).");
        }

        CoCreationGuard.MaxLength(CoCreationGuard.NotBlank(update.Stage, "ProductionProgressUpdate.Stage"), MaxStageLength, "ProductionProgressUpdate.Stage");

        var id = long.Parse(order.Id, CultureInfo.InvariantCulture);
        await RunAsync(id, state, cancellationToken).ConfigureAwait(false);
        await CallAsync("production", "write", Args(Ids(id), new JsonObject { ["reference"] = FormatProgress(update.Percent, update.Stage) }), null, cancellationToken).ConfigureAwait(false);
        if (update.Percent == 100)
        {
            await CallAsync("production", "done", Args(Ids(id)), null, cancellationToken).ConfigureAwait(false);
            await CheckLowStockAsync([long.Parse(order.ProductId, CultureInfo.InvariantCulture)], cancellationToken).ConfigureAwait(false);
        }

        return await GetProductionOrderAsync(order.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ResourceNotFoundException">No such order (or a production the adapter did not create).</exception>
    public async Task<ProductionOrder> GetProductionOrderAsync(string orderId, CancellationToken cancellationToken = default)
        => (await ReadOrderAsync(orderId, cancellationToken).ConfigureAwait(false)).Order;

    /// <summary>Moves a production on to <c>running</c> from wherever it stands.</summary>
    private async Task RunAsync(long id, string? state, CancellationToken cancellationToken)
    {
        if (state is "request" or "draft")
        {
            await CallAsync("production", "wait", Args(Ids(id)), null, cancellationToken).ConfigureAwait(false);
            state = "waiting";
        }

        if (state == "waiting")
        {
            var assigned = await CallAsync("production", "assign_try", Args(Ids(id)), null, cancellationToken).ConfigureAwait(false);
            if (!Bool(assigned))
            {
                throw new CoCreationConflictException($"Tryton could not reserve the materials of production order {Inv(id)}; assign them in Tryton first.");
            }

            state = "assigned";
        }

        if (state == "assigned")
        {
            await CallAsync("production", "run", Args(Ids(id)), null, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(Design Design, long NoteId, DesignNote Note)> ReadDesignAsync(string designId, CancellationToken cancellationToken)
    {
        if (!TryParseId(designId, out var id))
        {
            throw new ResourceNotFoundException(Name, "design", designId ?? "");
        }

        var template = Records(await CallAsync("product.template", "search_read", Args(
            Domain(Clause("id", "=", id)), 0, 1, null, Fields("id", "name", "products")), Inactive, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var resource = $"product.template,{Inv(id)}";
        var notes = template is null ? [] : await ReadNotesAsync(DesignKind, [resource], TrytonJsonContext.Default.DesignNote, cancellationToken).ConfigureAwait(false);
        if (template is null || !notes.TryGetValue(resource, out var note))
        {
            throw new ResourceNotFoundException(Name, "design", designId);
        }

        var productId = IdList(template["products"]).Order().FirstOrDefault();
        var description = "";
        if (productId != 0)
        {
            var product = Records(await CallAsync("product.product", "search_read", Args(
                Domain(Clause("id", "=", productId)), 0, 1, null, Fields("id", "description")), Inactive, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            description = String(product?["description"]) ?? "";
        }

        var status = note.Value.Status switch
        {
            "accepted" => DesignStatus.Accepted,
            "declined" => DesignStatus.Declined,
            _ => DesignStatus.Submitted,
        };
        var design = new Design
        {
            Id = Inv(id),
            Title = String(template["name"]) ?? "",
            Description = description,
            DesignerAccountId = Inv(note.Value.Designer),
            Status = status,
            ProductId = status == DesignStatus.Accepted && productId != 0 ? Inv(productId) : null,
            ReviewNote = note.Value.ReviewNote,
            SubmittedAt = note.Value.SubmittedAt,
        };
        return (design, note.Id, note.Value);
    }

    private static readonly string[] ProductionFields = ["id", "product", "quantity", "state", "reference", "create_date", "write_date"];

    private async Task<(ProductionOrder Order, JsonObject Record)> ReadOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        if (!TryParseId(orderId, out var id))
        {
            throw new ResourceNotFoundException(Name, "production order", orderId ?? "");
        }

        var record = Records(await CallAsync("production", "search_read", Args(
            Domain(Clause("id", "=", id)), 0, 1, null, Fields(ProductionFields)), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var resource = $"production,{Inv(id)}";
        var notes = record is null ? [] : await ReadNotesAsync(ProductionKind, [resource], TrytonJsonContext.Default.ProductionNote, cancellationToken).ConfigureAwait(false);
        if (record is null || !notes.TryGetValue(resource, out var note))
        {
            throw new ResourceNotFoundException(Name, "production order", orderId);
        }

        return (ToOrder(record, note.Value), record);
    }

    private static ProductionOrder ToOrder(JsonObject record, ProductionNote note)
    {
        var state = String(record["state"]);
        var (percent, stage) = Progress(record);
        var status = state switch
        {
            "done" => ProductionStatus.Completed,
            "waiting" or "assigned" or "running" => ProductionStatus.InProgress,
            _ => ProductionStatus.Requested,
        };
        return new ProductionOrder
        {
            Id = Inv(Long(record["id"])),
            DesignId = Inv(note.Design),
            ProductId = Inv(Long(record["product"])),
            RequesterAccountId = Inv(note.Requester),
            Quantity = Int(record["quantity"]),
            Plan = note.Plan,
            Status = status,
            Percent = percent,
            Stage = stage,
            RequestedAt = note.RequestedAt,
            CompletedAt = status == ProductionStatus.Completed ? ReadDateTime(record["write_date"]) ?? ReadDateTime(record["create_date"]) : null,
        };
    }

    private static string FormatProgress(int percent, string stage) => $"{percent.ToString(CultureInfo.InvariantCulture)}% {stage}";

    /// <summary>
    /// Percent and stage of a production: what the adapter wrote to the reference, or, when the company moved the
    /// production on in Tryton itself, a figure for its state.
    /// </summary>
    internal static (int Percent, string? Stage) Progress(JsonObject record)
    {
        var state = String(record["state"]);
        if (state == "done")
        {
            var written = ParseProgress(String(record["reference"]));
            return (100, written?.Stage ?? "done");
        }

        var fromState = state switch
        {
            "waiting" => (10, "waiting"),
            "assigned" => (20, "assigned"),
            "running" => (50, "running"),
            _ => (0, (string?)null),
        };
        // What the adapter wrote wins; a state the company set in Tryton without a figure gets the state's figure.
        return ParseProgress(String(record["reference"])) is { } progress ? progress : fromState;
    }

    private static (int Percent, string Stage)? ParseProgress(string? reference)
    {
        if (reference is null)
        {
            return null;
        }

        var match = ProgressPattern().Match(reference);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent <= 100
            ? (percent, match.Groups[2].Value)
            : null;
    }

    [GeneratedRegex(@"^(\d{1,3})% (.+)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ProgressPattern();
}
