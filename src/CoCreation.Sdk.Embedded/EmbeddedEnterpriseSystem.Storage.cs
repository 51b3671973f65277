using System.Globalization;
using System.Net;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

// The database file: every write stages the records it changed and commits them before it returns.
public sealed partial class EmbeddedEnterpriseSystem : IDisposable
{
    private const string AccountRecords = "account";
    private const string DesignRecords = "design";
    private const string ProductRecords = "product";
    private const string OrderRecords = "order";
    private const string ListingRecords = "listing";
    private const string SaleRecords = "sale";
    private const string ShipmentRecords = "shipment";
    private const string PayoutRecords = "payout";
    private const string EventRecords = "event";

    private const string RefundRecords = "refund";

    private readonly EmbeddedDatabase _database;
    private readonly bool _stored;
    private bool _disposed;
    private int _failNextWrites;

    /// <summary>The full path of the database file, or <see langword="null"/> when the system lives in memory only.</summary>
    public string? DatabasePath => _stored ? _database.Path : null;

    /// <summary>
    /// Makes the next <paramref name="count"/> writes fail after they have made all their changes and before they
    /// are committed, as a storage failure at the worst moment would, so that tests can see that nothing of a
    /// failed write remains. Each fails with a transient <see cref="ProviderException"/> (status 503, code
    /// <c>storage_failed</c>). Reads are not affected; a write refused for bad input does not use up a failure.
    /// </summary>
    /// <param name="count">How many writes fail; zero stops failing.</param>
    /// <exception cref="CoCreationValidationException">The count is negative.</exception>
    public void FailNextWrites(int count = 1)
    {
        CoCreationGuard.NotNegative(count, nameof(count));
        lock (_gate)
        {
            _failNextWrites = count;
        }
    }

    /// <summary>
    /// Closes the database file, if any. Afterwards a stored system refuses every change with
    /// <see cref="ObjectDisposedException"/> (reads still answer from memory); an in-memory system is unaffected.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;

            // An in-memory system keeps working after Dispose, as documented; its private database goes with it.
            if (_stored)
            {
                _database.Dispose();
            }
        }
    }

    /// <summary>Takes the lock, runs a write and, for a stored system, commits what it staged.</summary>
    private T Write<T>(Func<T> write)
    {
        lock (_gate)
        {
            return WriteLocked(write);
        }
    }

    /// <summary>
    /// Runs a write under the lock and commits what it staged (to the file, or to the private in-memory
    /// database) before returning. When the write fails at any point, or the commit fails, the state is read
    /// back from the committed records, so no part of a failed write remains.
    /// </summary>
    private T WriteLocked<T>(Func<T> write)
    {
        ObjectDisposedException.ThrowIf(_disposed && _stored, this);
        return _database.Write(
            () =>
            {
                var result = write();
                if (_failNextWrites > 0)
                {
                    _failNextWrites--;
                    throw new ProviderException(Name, $"The embedded enterprise system {Name} failed to store the change (a failure forced by FailNextWrites); nothing was changed.", HttpStatusCode.ServiceUnavailable, "storage_failed", isTransient: true);
                }

                return result;
            },
            () => LoadLocked(_database),
            Name,
            $"The embedded enterprise system {Name}",
            reloadOnAnyFailure: true);
    }

    private void StageAccount(AccountState account)
        => _database?.Put(
            AccountRecords,
            account.Id,
            () => new EnterpriseAccountRecord(account.Id, account.Login, account.DisplayName, account.Email, account.Roles, account.IsActive),
            EmbeddedJsonContext.Default.EnterpriseAccountRecord);

    private void StageDesign(DesignState design)
        => _database?.Put(DesignRecords, design.Design.Id, () => new EnterpriseDesignRecord(design.Design, design.Attachments), EmbeddedJsonContext.Default.EnterpriseDesignRecord);

    private void StageProduct(ProductState product)
        => _database?.Put(
            ProductRecords,
            product.Id,
            () => new EnterpriseProductRecord(product.Id, product.DesignId, product.OwnerAccountId, product.Title, product.OnHand, product.Threshold, product.LowAlertRaised),
            EmbeddedJsonContext.Default.EnterpriseProductRecord);

    private void StageOrder(ProductionOrder order)
        => _database?.Put(OrderRecords, order.Id, order, EmbeddedJsonContext.Default.ProductionOrder);

    private void StageListing(Listing listing)
        => _database?.Put(ListingRecords, listing.Id, listing, EmbeddedJsonContext.Default.Listing);

    private void StageRefund(RefundState refund)
        => _database.Put(RefundRecords, refund.Refund.Id, new EnterpriseRefundRecord(refund.IdempotencyKey, refund.Refund), EmbeddedJsonContext.Default.EnterpriseRefundRecord);

    private void StageSale(SaleState sale)
        => _database?.Put(SaleRecords, sale.Sale.Id, () => new EnterpriseSaleRecord(sale.Sale, sale.BuyerName, sale.Review, sale.Rating, sale.IdempotencyKey), EmbeddedJsonContext.Default.EnterpriseSaleRecord);

    /// <summary>Rebuilds the state from the database file.</summary>
    private void LoadLocked(EmbeddedDatabase db)
    {
        _accounts.Clear();
        _accountsByLogin.Clear();
        _events.Clear();
        _designs.Clear();
        _products.Clear();
        _orders.Clear();
        _listings.Clear();
        _sales.Clear();
        _salesByKey.Clear();
        _shipments.Clear();
        _payoutsByKey.Clear();
        _payouts.Clear();
        _refunds.Clear();
        _refundsByKey.Clear();
        var records = db.ReadAll();
        var json = EmbeddedJsonContext.Default;
        long lastId = 0;
        void Seen(string id)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                lastId = Math.Max(lastId, value);
            }
        }

        try
        {
            EmbeddedRecordReader.Apply(db, records, AccountRecords, json.EnterpriseAccountRecord, (_, r) =>
            {
                var account = new AccountState(r.Id, r.Login) { DisplayName = r.DisplayName, Email = r.Email, Roles = [.. r.Roles], IsActive = r.IsActive };
                _accounts.Add(account.Id, account);
                _accountsByLogin.Add(account.Login, account);
                Seen(account.Id);
            });
            EmbeddedRecordReader.Apply(db, records, DesignRecords, json.EnterpriseDesignRecord, (_, r) =>
            {
                _designs.Add(r.Design.Id, new DesignState(r.Design, [.. r.Attachments]));
                Seen(r.Design.Id);
            });
            EmbeddedRecordReader.Apply(db, records, ProductRecords, json.EnterpriseProductRecord, (_, r) =>
            {
                _products.Add(r.Id, new ProductState(r.Id, r.DesignId, r.OwnerAccountId, r.Title) { OnHand = r.OnHand, Threshold = r.Threshold, LowAlertRaised = r.LowAlertRaised });
                Seen(r.Id);
            });
            EmbeddedRecordReader.Apply(db, records, OrderRecords, json.ProductionOrder, (_, r) =>
            {
                _orders.Add(r.Id, r);
                Seen(r.Id);
            });
            EmbeddedRecordReader.Apply(db, records, ListingRecords, json.Listing, (_, r) =>
            {
                _listings.Add(r.Id, r);
                Seen(r.Id);
            });
            EmbeddedRecordReader.Apply(db, records, SaleRecords, json.EnterpriseSaleRecord, (_, r) =>
            {
                var sale = new SaleState(r.Sale, r.BuyerName, r.Review, r.Rating, r.IdempotencyKey);
                _sales.Add(r.Sale.Id, sale);
                if (r.IdempotencyKey is not null)
                {
                    _salesByKey.Add(r.IdempotencyKey, sale);
                }

                Seen(r.Sale.Id);
            });
            EmbeddedRecordReader.Apply(db, records, ShipmentRecords, json.Shipment, (_, r) =>
            {
                _shipments.Add(r.Id, r);
                Seen(r.Id);
            });
            EmbeddedRecordReader.Apply(db, records, PayoutRecords, json.EnterprisePayoutRecord, (_, r) =>
            {
                _payoutsByKey.Add(r.IdempotencyKey, r.Payout);
                _payouts.Add(r.Payout);
                Seen(r.Payout.Id);
            });
            EmbeddedRecordReader.Apply(db, records, RefundRecords, json.EnterpriseRefundRecord, (_, r) =>
            {
                var refund = new RefundState(r.Refund, r.IdempotencyKey);
                _refunds.Add(r.Refund.Id, refund);
                _refundsByKey.Add(r.IdempotencyKey, refund);
                Seen(r.Refund.Id);
            });
            var events = new List<CoCreationEvent>();
            EmbeddedRecordReader.Apply(db, records, EventRecords, json.CoCreationEvent, (_, r) => events.Add(r));

            // An event's id is its position, which is also what a cursor counts.
            _events.AddRange(events.OrderBy(e => long.Parse(e.Id, NumberStyles.None, CultureInfo.InvariantCulture)));
            for (var i = 0; i < _events.Count; i++)
            {
                if (_events[i].Id != (i + 1).ToString(CultureInfo.InvariantCulture))
                {
                    throw new ArgumentException($"event {i + 1} is missing");
                }
            }
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException or FormatException or OverflowException)
        {
            throw new CoCreationException($"The embedded enterprise database '{db.Path}' is inconsistent ({ex.Message}); the file is damaged.", ex);
        }

        _lastRecordId = lastId;
    }
}
