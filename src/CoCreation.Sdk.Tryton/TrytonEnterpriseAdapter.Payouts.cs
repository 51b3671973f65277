using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Implementation;
using static CoCreation.Sdk.Tryton.Implementation.TrytonValues;

namespace CoCreation.Sdk.Tryton;

// Payouts: a designer's revenue share as a draft supplier invoice (account.invoice, type "in") to the designer's party.
public sealed partial class TrytonEnterpriseAdapter : IPayoutLedger
{
    private const string PayoutReferencePrefix = "cocreation-payout:";

    /// <inheritdoc />
    /// <remarks>
    /// The payout becomes a draft supplier invoice to the party of the account's employee, in the company's currency, on the
    /// journal <see cref="TrytonOptions.PayoutJournalCode"/>, with one line on the expense account
    /// <see cref="TrytonOptions.PayoutExpenseAccountCode"/> and the payable account <see cref="TrytonOptions.PayoutPayableAccountCode"/>
    /// (else the accounting configuration's default). Its reference is <c>cocreation-payout:</c> and the idempotency key,
    /// so a repeat finds it; its comment keeps the payout's figures. The company's accountants post and pay it. The party
    /// gets an address if it has none (an invoice needs one).
    /// </remarks>
    /// <exception cref="CapabilityNotSupportedException"><see cref="TrytonOptions.PayoutExpenseAccountCode"/> is not set.</exception>
    public async Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default)
    {
        PayoutRules.Check(request);
        var expenseCode = _options.PayoutExpenseAccountCode
            ?? throw new CapabilityNotSupportedException(Name, "payouts (set TrytonOptions.PayoutExpenseAccountCode)");
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        if (request.Amount.Currency != setup.CurrencyCode)
        {
            throw new CoCreationValidationException("PayoutRequest.Amount.Currency", $"must be the company's currency {setup.CurrencyCode} (was {request.Amount.Currency}).");
        }

        CoCreationGuard.MaxLength(request.IdempotencyKey, 200, "PayoutRequest.IdempotencyKey");
        var user = await FindUserAsync(request.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var note = new PayoutNote
        {
            Owner = Inv(Long(user["id"])),
            Listing = request.ListingId,
            Gross = request.Gross.Amount,
            Refunds = request.Refunds?.Amount,
            Amount = request.Amount.Amount,
            Currency = request.Amount.Currency,
            PeriodStart = request.PeriodStart,
            PeriodEnd = request.PeriodEnd,
        };
        var reference = PayoutReferencePrefix + request.IdempotencyKey;
        if (await FindPayoutAsync(reference, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier.Note with { CreatedAt = null } == note
                ? earlier.Payout
                : throw new CoCreationConflictException("PayoutRequest.IdempotencyKey was used before for a different payout; use a new key for a new payout.");
        }

        var party = Records(await CallAsync("company.employee", "search_read", Args(
            Domain(Clause("id", "in", Ids(IdList(user["employees"])))), 0, 1, null, Fields("party")), Inactive, cancellationToken).ConfigureAwait(false))
            .Select(e => Long(e["party"])).FirstOrDefault();
        if (party == 0)
        {
            throw new CoCreationValidationException("PayoutRequest.OwnerAccountId", $"account {request.OwnerAccountId} has no employee party at {Name} to pay.");
        }

        var address = IdList(await CallAsync("party.address", "search", Args(Domain(Clause("party", "=", party)), 0, 1), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (address == 0)
        {
            address = IdList(await CallAsync("party.address", "create", Args(new JsonArray(new JsonObject { ["party"] = party })), null, cancellationToken).ConfigureAwait(false)).Single();
        }

        var expense = await AccountByCodeAsync(expenseCode, "PayoutExpenseAccountCode", cancellationToken).ConfigureAwait(false);
        var payable = _options.PayoutPayableAccountCode is { } payableCode
            ? await AccountByCodeAsync(payableCode, "PayoutPayableAccountCode", cancellationToken).ConfigureAwait(false)
            : Id(Records(await CallAsync("account.configuration", "read", Args(Ids(1), Fields("default_account_payable")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault()?["default_account_payable"])
                ?? throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no default payable account; set TrytonOptions.PayoutPayableAccountCode.");
        var journal = IdList(await CallAsync("account.journal", "search", Args(Domain(Clause("code", "=", _options.PayoutJournalCode)), 0, 1), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (journal == 0)
        {
            throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no journal with code '{_options.PayoutJournalCode}'.");
        }

        var period = $"{request.PeriodStart:yyyy-MM-dd} – {request.PeriodEnd:yyyy-MM-dd}";
        var invoice = new JsonObject
        {
            ["type"] = "in",
            ["company"] = setup.Company,
            ["party"] = party,
            ["invoice_address"] = address,
            ["currency"] = setup.Currency,
            ["journal"] = journal,
            ["account"] = payable,
            ["reference"] = reference,
            ["description"] = $"Revenue share, listing {request.ListingId}, {period}",
            ["comment"] = JsonSerializer.Serialize(note, TrytonJsonContext.Default.PayoutNote),
            ["lines"] = new JsonArray(new JsonArray("create", new JsonArray(new JsonObject
            {
                ["type"] = "line",
                ["company"] = setup.Company,
                ["currency"] = setup.Currency,
                ["account"] = expense,
                ["quantity"] = 1,
                ["unit_price"] = TrytonDecimal(request.Amount.Amount),
                ["description"] = $"Designer's share of {request.Gross} gross sales" + (request.Refunds is { } r ? $" less {r} refunded" : "") + $", {period}",
            }))),
        };
        await CallAsync("account.invoice", "create", Args(new JsonArray(invoice)), null, cancellationToken).ConfigureAwait(false);
        return (await FindPayoutAsync(reference, cancellationToken).ConfigureAwait(false))!.Value.Payout;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Payout>> GetPayoutsAsync(string ownerAccountId, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(CoCreationGuard.NotBlank(ownerAccountId, nameof(ownerAccountId)), cancellationToken).ConfigureAwait(false);
        var owner = Inv(Long(user["id"]));
        var invoices = Records(await CallAsync("account.invoice", "search_read", Args(
            Domain(Clause("type", "=", "in"), Clause("reference", "like", PayoutReferencePrefix + "%")), 0, null,
            new JsonArray(new JsonArray("create_date", "ASC"), new JsonArray("id", "ASC")), Fields("id", "comment", "create_date")), null, cancellationToken).ConfigureAwait(false));
        return [.. invoices.Select(ToPayout).Where(p => p is { } found && found.Note.Owner == owner).Select(p => p!.Value.Payout)];
    }

    private async Task<(Payout Payout, PayoutNote Note)?> FindPayoutAsync(string reference, CancellationToken cancellationToken)
    {
        var invoice = Records(await CallAsync("account.invoice", "search_read", Args(
            Domain(Clause("type", "=", "in"), Clause("reference", "=", reference)), 0, 1, null, Fields("id", "comment", "create_date")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return invoice is null ? null : ToPayout(invoice);
    }

    private static (Payout Payout, PayoutNote Note)? ToPayout(JsonObject invoice)
    {
        PayoutNote? note;
        try
        {
            note = String(invoice["comment"]) is { } comment ? JsonSerializer.Deserialize(comment, TrytonJsonContext.Default.PayoutNote) : null;
        }
        catch (JsonException)
        {
            // Edited by hand into something else: no longer a payout the adapter can read.
            return null;
        }

        if (note?.Owner is null || note.Listing is null || note.Currency is null)
        {
            return null;
        }

        var payout = new Payout
        {
            Id = Inv(Long(invoice["id"])),
            OwnerAccountId = note.Owner,
            ListingId = note.Listing,
            Gross = new Money(note.Gross, note.Currency),
            Refunds = note.Refunds is { } refunds ? new Money(refunds, note.Currency) : null,
            Amount = new Money(note.Amount, note.Currency),
            PaidAt = ReadDateTime(invoice["create_date"]) ?? DateTimeOffset.UnixEpoch,
        };
        return (payout, note);
    }

    private async Task<long> AccountByCodeAsync(string code, string option, CancellationToken cancellationToken)
    {
        var id = IdList(await CallAsync("account.account", "search", Args(Domain(Clause("code", "=", code)), 0, 1), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        return id != 0 ? id : throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no account with code '{code}' (TrytonOptions.{option}).");
    }

    private static JsonObject TrytonDecimal(decimal value)
        => new() { ["__class__"] = "Decimal", ["decimal"] = value.ToString(CultureInfo.InvariantCulture) };
}
