using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace CoCreation.Sdk.Enterprise;

// Events: every part's, under one cursor and the composite's source; stock intakes between production and the shop.
public sealed partial class CompositeEnterpriseAdapter
{
    /// <inheritdoc />
    /// <remarks>
    /// The cursor holds each part's cursor. Each call reads one page from every part; <see cref="EventPage.HasMore"/> is set
    /// while any part has more. Events of a kind another part holds are dropped (see the class remarks). Reading with a
    /// cursor acknowledges the events the composite raised itself before it (the relay passes only cursors it has stored):
    /// they are deleted from the store, so a cursor older than one already read back may miss them.
    /// </remarks>
    public async Task<EventPage> ReadEventsAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        var cursors = ParseCursor(cursor);
        var events = new List<CoCreationEvent>();
        var hasMore = false;
        foreach (var part in Parts)
        {
            var page = await Part(part).ReadEventsAsync(cursors.GetValueOrDefault(part), cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                if (!Holds(part, e.Type))
                {
                    continue;
                }

                events.Add(await ReSourceAsync(part, e, cancellationToken).ConfigureAwait(false));
                if (e.Type == CoCreationEventTypes.ProductionCompleted && TakesIntakes(out _))
                {
                    await RecordIntakeAsync(e, cancellationToken).ConfigureAwait(false);
                }
            }

            cursors[part] = page.Cursor;
            hasMore |= page.HasMore;
        }

        if (TakesIntakes(out _))
        {
            await BookWaitingIntakesAsync(null, cancellationToken).ConfigureAwait(false);
        }

        var (raised, mark) = await RaisedAfterAsync(cursors.GetValueOrDefault(RaisedCursorKey), cancellationToken).ConfigureAwait(false);
        events.AddRange(raised);
        if (mark is not null)
        {
            cursors[RaisedCursorKey] = mark;
        }

        return new EventPage(events, JsonSerializer.Serialize(cursors, Json), hasMore);
    }

    private static Dictionary<string, string> ParseCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        try
        {
            return new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(cursor, Json) ?? [], StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            throw new CoCreationValidationException(nameof(cursor), "is not a cursor this composite gave out.");
        }
    }

    /// <summary>Whether events of a type are given out from a part: each kind from the part that holds it.</summary>
    private bool Holds(string part, string type)
    {
        string? holder = type switch
        {
            CoCreationEventTypes.DesignSubmitted or CoCreationEventTypes.DesignReviewed or CoCreationEventTypes.ProductionRequested
                or CoCreationEventTypes.ProductionProgress or CoCreationEventTypes.ProductionCompleted => _options.ProductionSystem,
            CoCreationEventTypes.ListingPublished or CoCreationEventTypes.ListingUpdated or CoCreationEventTypes.ListingDelisted
                or CoCreationEventTypes.SaleCompleted or CoCreationEventTypes.SaleRefunded or CoCreationEventTypes.ReviewPosted
                or CoCreationEventTypes.ShipmentSent or CoCreationEventTypes.SettlementPaid => _options.CommerceSystem,
            CoCreationEventTypes.StockReceived or CoCreationEventTypes.StockLow => _options.InventorySystem,
            _ => null,
        };
        return holder is null || holder == part;
    }

    private async Task<CoCreationEvent> ReSourceAsync(string part, CoCreationEvent e, CancellationToken cancellationToken)
    {
        var data = e.Data;
        if (e.GetData(CoCreationEventData.OwnerAccountId) is { } owner)
        {
            data = data.SetItem(CoCreationEventData.OwnerAccountId, await OwnerAsync(part, owner, cancellationToken).ConfigureAwait(false));
        }

        return e with { Id = $"{part}:{e.Id}", Source = CoCreationEventSources.Enterprise(_name), Data = data };
    }

    private bool TakesIntakes(out IStockIntake intake)
    {
        intake = null!;
        if (_options.InventorySystem is not { } inventory || inventory == _options.ProductionSystem || _options.ProductionSystem is null
            || Part(inventory) is not IStockIntake taker)
        {
            return false;
        }

        intake = taker;
        return true;
    }

    private async Task RecordIntakeAsync(CoCreationEvent completed, CancellationToken cancellationToken)
    {
        var orderId = completed.GetData(CoCreationEventData.OrderId);
        var productId = completed.GetData(CoCreationEventData.ProductId);
        if (orderId is null || productId is null
            || !int.TryParse(completed.GetData(CoCreationEventData.Quantity), NumberStyles.Integer, CultureInfo.InvariantCulture, out var quantity) || quantity <= 0)
        {
            return;
        }

        using (await _intakeLocks.AcquireAsync(orderId, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.GetDocumentAsync(_intakes, orderId, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            var owner = completed.GetData(CoCreationEventData.OwnerAccountId) is { } partOwner
                ? await OwnerAsync(_options.ProductionSystem!, partOwner, cancellationToken).ConfigureAwait(false)
                : null;
            var record = JsonSerializer.Serialize(new IntakeRecord(orderId, productId, quantity, owner, completed.GetData(CoCreationEventData.Title), IntakeState.Waiting, null), Json);
            await _store.ApplyAsync(new StoreChanges().PutDocument(_intakes, orderId, record).PutDocument(_waiting, orderId, record), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Books waiting intakes (of one product, or all) into the inventory part; a product it does not stock yet waits on.</summary>
    private async Task BookWaitingIntakesAsync(string? productId, CancellationToken cancellationToken)
    {
        if (!TakesIntakes(out var intake))
        {
            return;
        }

        // Only the intakes still waiting are listed: booked ones leave that collection, so the scan stays short.
        foreach (var (orderId, json) in await _store.ListDocumentsAsync(_waiting, cancellationToken).ConfigureAwait(false))
        {
            var waiting = JsonSerializer.Deserialize<IntakeRecord>(json, Json)!;
            if (productId is not null && waiting.ProductId != productId)
            {
                continue;
            }

            using (await _intakeLocks.AcquireAsync(orderId, cancellationToken).ConfigureAwait(false))
            {
                // Read again under the lock: another caller may have booked it meanwhile.
                var record = JsonSerializer.Deserialize<IntakeRecord>((await _store.GetDocumentAsync(_intakes, orderId, cancellationToken).ConfigureAwait(false))!, Json)!;
                if (record.State != IntakeState.Waiting)
                {
                    continue;
                }

                StockLevel level;
                try
                {
                    level = await intake.ReceiveStockAsync(
                        new StockIntakeRequest
                        {
                            ProductId = record.ProductId,
                            Quantity = record.Quantity,
                            Reference = $"{_options.ProductionSystem} production {record.OrderId}",
                            IdempotencyKey = $"{_name}:production:{record.OrderId}",
                        },
                        cancellationToken).ConfigureAwait(false);
                }
                catch (ResourceNotFoundException)
                {
                    continue;
                }

                // The booked record only guards against booking twice: it keeps neither owner nor title.
                var booked = record with { State = IntakeState.Booked, OnHand = level.OnHand, OwnerAccountId = null, Title = null };
                var data = ImmutableDictionary<string, string>.Empty
                    .Add(CoCreationEventData.ProductId, record.ProductId)
                    .Add(CoCreationEventData.OrderId, record.OrderId)
                    .Add(CoCreationEventData.Quantity, record.Quantity.ToString(CultureInfo.InvariantCulture))
                    .Add(CoCreationEventData.OnHand, level.OnHand.ToString(CultureInfo.InvariantCulture));
                if (record.OwnerAccountId is { } owner)
                {
                    data = data.Add(CoCreationEventData.OwnerAccountId, owner);
                }

                if (record.Title is { } title)
                {
                    data = data.Add(CoCreationEventData.Title, title);
                }

                var changes = new StoreChanges().PutDocument(_intakes, orderId, JsonSerializer.Serialize(booked, Json)).DeleteDocument(_waiting, orderId);
                Raise(changes, $"intake:{record.OrderId}", CoCreationEventTypes.StockReceived, $"products/{record.ProductId}", data);
                await _store.ApplyAsync(changes, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    // The cursor's entry for the composite's own events: the mark of the last one given out. Part names hold no NUL.
    private const string RaisedCursorKey = "\u0000raised";

    /// <summary>Stages an event the composite raises itself (a stock intake, a payout at a ledger part).</summary>
    private StoreChanges Raise(StoreChanges changes, string id, string type, string subject, ImmutableDictionary<string, string> data)
    {
        var e = new CoCreationEvent
        {
            Id = id,
            Source = CoCreationEventSources.Enterprise(_name),
            Type = type,
            Time = _time.GetUtcNow(),
            Subject = subject,
            Data = data,
        };
        return changes.PutDocument(_raised, $"{e.Time.UtcTicks:D20}|{id}", JsonSerializer.Serialize(e, Json));
    }

    /// <summary>
    /// The events the composite raised after the cursor's mark. The mark moves with the cursor, so an event is given out
    /// again until the relay has stored the cursor after it (at least once); its id is fixed, so the relay drops a repeat.
    /// Events at or before the mark were acknowledged by the caller storing that cursor, and are deleted here.
    /// </summary>
    private async Task<(List<CoCreationEvent> Events, string? Mark)> RaisedAfterAsync(string? after, CancellationToken cancellationToken)
    {
        var all = await _store.ListDocumentsAsync(_raised, cancellationToken).ConfigureAwait(false);
        var acknowledged = after is null ? [] : all.Where(d => string.CompareOrdinal(d.Key, after) <= 0).Select(d => d.Key).ToList();
        if (acknowledged.Count > 0)
        {
            var prune = new StoreChanges();
            foreach (var key in acknowledged)
            {
                prune.DeleteDocument(_raised, key);
            }

            await _store.ApplyAsync(prune, cancellationToken).ConfigureAwait(false);
        }

        var due = all
            .Where(d => after is null || string.CompareOrdinal(d.Key, after) > 0)
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .ToList();
        return (due.Select(d => JsonSerializer.Deserialize<CoCreationEvent>(d.Value, Json)!).ToList(), due.Count == 0 ? null : due[^1].Key);
    }

    private enum IntakeState
    {
        Waiting,
        Booked,
    }

    private sealed record IntakeRecord(string OrderId, string ProductId, int Quantity, string? OwnerAccountId, string? Title, IntakeState State, int? OnHand);
}
