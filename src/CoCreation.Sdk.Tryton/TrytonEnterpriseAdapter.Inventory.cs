using System.Globalization;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Implementation;
using static CoCreation.Sdk.Tryton.Implementation.TrytonValues;

namespace CoCreation.Sdk.Tryton;

// Inventory: stock of a product in the warehouse, and the low-stock threshold kept in a note on the product.
public sealed partial class TrytonEnterpriseAdapter
{
    private const string StockKind = "stock";

    /// <inheritdoc />
    /// <remarks>On hand is Tryton's <c>quantity</c> of the <c>product.product</c> in the warehouse (all its locations).</remarks>
    /// <exception cref="ResourceNotFoundException">No such product.</exception>
    public async Task<StockLevel> GetStockAsync(string productId, CancellationToken cancellationToken = default)
    {
        var id = ProductIdOf(productId);
        var onHand = await OnHandAsync([id], cancellationToken).ConfigureAwait(false);
        if (!onHand.TryGetValue(id, out var quantity))
        {
            throw new ResourceNotFoundException(Name, "product", productId);
        }

        var notes = await ReadNotesAsync(StockKind, [ProductResource(id)], TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        return new StockLevel { ProductId = Inv(id), OnHand = quantity, Threshold = notes.TryGetValue(ProductResource(id), out var note) ? note.Value.Threshold : null };
    }

    /// <inheritdoc />
    /// <remarks>
    /// <see cref="CoCreationEventTypes.StockLow"/> is raised once each time stock goes from above the threshold to at
    /// or below it (checked after production completes and at every <see cref="IEnterpriseAdapter.ReadEventsAsync"/>,
    /// so stock moved in Tryton itself counts too). Setting a threshold that stock is already at or below raises it at
    /// once, unless the alert for the current low spell was already raised.
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The threshold is negative or above <see cref="CoCreationLimits.MaxStock"/> (field <c>threshold</c>).</exception>
    /// <exception cref="ResourceNotFoundException">No such product.</exception>
    public async Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.StockLevel(threshold, nameof(threshold));
        var id = ProductIdOf(productId);
        var onHand = await OnHandAsync([id], cancellationToken).ConfigureAwait(false);
        if (!onHand.TryGetValue(id, out var quantity))
        {
            throw new ResourceNotFoundException(Name, "product", productId);
        }

        var notes = await ReadNotesAsync(StockKind, [ProductResource(id)], TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        var existing = notes.TryGetValue(ProductResource(id), out var found) ? found : default;
        var low = quantity <= threshold;
        var wasAlerted = existing.Value?.Alerted ?? false;
        var note = new StockNote { Threshold = threshold, Alerted = low, OnHand = quantity, Raised = low && !wasAlerted };
        await WriteNoteAsync(existing.Value is null ? null : existing.Id, StockKind, ProductResource(id), note, TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        return new StockLevel { ProductId = Inv(id), OnHand = quantity, Threshold = threshold };
    }

    private long ProductIdOf(string productId)
        => TryParseId(productId, out var id) ? id : throw new ResourceNotFoundException(Name, "product", productId ?? "");

    private static string ProductResource(long id) => $"product.product,{Inv(id)}";

    private async Task<Dictionary<long, int>> OnHandAsync(IReadOnlyCollection<long> productIds, CancellationToken cancellationToken)
    {
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var context = new JsonObject { ["active_test"] = false, ["locations"] = Ids(setup.Warehouse), ["with_childs"] = true };
        var products = await CallAsync("product.product", "search_read", Args(
            Domain(Clause("id", "in", Ids([.. productIds]))), 0, null, null, Fields("id", "quantity")), context, cancellationToken).ConfigureAwait(false);
        return Records(products).ToDictionary(p => Long(p["id"]), p => Int(p["quantity"]));
    }

    /// <summary>
    /// Re-evaluates the alert of products with a threshold (all of them when <paramref name="productIds"/> is
    /// <see langword="null"/>) and writes the note only where the alert state flips.
    /// </summary>
    private async Task CheckLowStockAsync(IReadOnlyCollection<long>? productIds, CancellationToken cancellationToken)
    {
        Dictionary<string, (long Id, StockNote Value, DateTimeOffset Stamp)> notes;
        if (productIds is null)
        {
            var all = await CallAsync("ir.note", "search_read", Args(
                Domain(Clause("message", "like", NotePrefix + StockKind + "\n%")), 0, null, null, Fields("resource")), null, cancellationToken).ConfigureAwait(false);
            notes = await ReadNotesAsync(StockKind, Records(all).Select(n => String(n["resource"]) ?? ""), TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            notes = await ReadNotesAsync(StockKind, productIds.Select(ProductResource), TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        }

        if (notes.Count == 0)
        {
            return;
        }

        var ids = notes.Keys.Select(r => long.Parse(r.AsSpan(r.IndexOf(',', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture)).ToArray();
        var onHand = await OnHandAsync(ids, cancellationToken).ConfigureAwait(false);
        foreach (var id in ids)
        {
            if (!onHand.TryGetValue(id, out var quantity))
            {
                continue;
            }

            var (noteId, note, _) = notes[ProductResource(id)];
            var low = quantity <= note.Threshold;
            if (low == note.Alerted)
            {
                continue;
            }

            var next = note with { Alerted = low, OnHand = quantity, Raised = low };
            await WriteNoteAsync(noteId, StockKind, ProductResource(id), next, TrytonJsonContext.Default.StockNote, cancellationToken).ConfigureAwait(false);
        }
    }
}
