using System.Globalization;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Tests.Support;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// Payouts recorded in Tryton as draft supplier invoices (<see cref="IPayoutLedger"/>), read back with the test's own
/// JSON-RPC client: party, accounts, amount, reference, and one invoice however often the same payout is sent.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TrytonPayoutTests
{
    private static TrytonEnterpriseAdapter Adapter(string? expenseAccount = "6210")
    {
        var options = TrytonPeer.Options();
        options.PayoutExpenseAccountCode = expenseAccount;
        return new TrytonEnterpriseAdapter("tryton-payouts", options, () => TrytonPeer.Http);
    }

    private static PayoutRequest Request(string owner, string key, decimal amount = 58725m) => new()
    {
        OwnerAccountId = owner,
        ListingId = "listing-7",
        PeriodStart = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(9)),
        PeriodEnd = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(9)),
        Gross = new Money(391500m, "KRW"),
        Amount = new Money(amount, "KRW"),
        IdempotencyKey = key,
    };

    private static async Task<JsonArray> InvoicesAsync(TrytonTestClient tryton, string key)
        => (await tryton.CallAsync("model.account.invoice.search_read",
            new JsonArray(new JsonArray("reference", "=", "cocreation-payout:" + key)), 0, null, null,
            new JsonArray("id", "type", "state", "party", "account", "total_amount", "currency", "lines")))!.AsArray();

    [Test]
    public async Task A_payout_is_a_draft_supplier_invoice_to_the_designers_party_and_a_repeat_changes_nothing()
    {
        var adapter = Adapter();
        var tryton = TrytonPeer.Client();
        var account = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = TrytonPeer.Unique("payee"), DisplayName = "Payee" });
        var key = TrytonPeer.Unique("settle");

        var payout = await adapter.RecordPayoutAsync(Request(account.AccountId, key));
        var again = await adapter.RecordPayoutAsync(Request(account.AccountId, key));

        Assert.That(again.Id, Is.EqualTo(payout.Id));
        var invoices = await InvoicesAsync(tryton, key);
        Assert.That(invoices, Has.Count.EqualTo(1), "one invoice however often the payout is sent");
        var invoice = invoices[0]!.AsObject();
        Assert.That(invoice["id"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), Is.EqualTo(payout.Id));
        Assert.That(invoice["type"]!.GetValue<string>(), Is.EqualTo("in"));
        Assert.That(invoice["state"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(decimal.Parse(invoice["total_amount"]!["decimal"]!.GetValue<string>(), CultureInfo.InvariantCulture), Is.EqualTo(58725m));

        var user = await tryton.ReadOneAsync("res.user", long.Parse(account.AccountId, CultureInfo.InvariantCulture), "employees");
        var employee = user!["employees"]!.AsArray()[0]!.GetValue<long>();
        var party = (await tryton.ReadOneAsync("company.employee", employee, "party"))!["party"]!.GetValue<long>();
        Assert.That(invoice["party"]!.GetValue<long>(), Is.EqualTo(party), "the designer's own party is paid");
        var payable = await tryton.ReadOneAsync("account.account", invoice["account"]!.GetValue<long>(), "code");
        Assert.That(payable!["code"]!.GetValue<string>(), Is.EqualTo("4010"));
        var line = await tryton.ReadOneAsync("account.invoice.line", invoice["lines"]!.AsArray()[0]!.GetValue<long>(), "account", "quantity");
        var expense = await tryton.ReadOneAsync("account.account", line!["account"]!.GetValue<long>(), "code");
        Assert.That(expense!["code"]!.GetValue<string>(), Is.EqualTo("6210"));

        var listed = await adapter.GetPayoutsAsync(account.AccountId);
        Assert.That(listed.Select(p => (p.Id, p.Amount, p.Gross, p.ListingId)), Is.EqualTo(new[] { (payout.Id, new Money(58725m, "KRW"), new Money(391500m, "KRW"), "listing-7") }));
    }

    [Test]
    public async Task The_same_key_for_another_amount_is_a_conflict_and_adds_no_invoice()
    {
        var adapter = Adapter();
        var tryton = TrytonPeer.Client();
        var account = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = TrytonPeer.Unique("payee"), DisplayName = "Payee" });
        var key = TrytonPeer.Unique("settle");
        await adapter.RecordPayoutAsync(Request(account.AccountId, key));

        Assert.ThrowsAsync<CoCreationConflictException>(() => adapter.RecordPayoutAsync(Request(account.AccountId, key, 60000m)));

        Assert.That(await InvoicesAsync(tryton, key), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Bad_payouts_are_refused_before_tryton_is_written()
    {
        var adapter = Adapter();
        var tryton = TrytonPeer.Client();
        var account = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = TrytonPeer.Unique("payee"), DisplayName = "Payee" });
        var key = TrytonPeer.Unique("settle");

        var currency = Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.RecordPayoutAsync(Request(account.AccountId, key) with { Gross = new Money(100m, "USD"), Amount = new Money(10m, "USD") }));
        var tooMuch = Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.RecordPayoutAsync(Request(account.AccountId, key, 400000m)));
        var unsupported = Assert.ThrowsAsync<CapabilityNotSupportedException>(() => Adapter(expenseAccount: null).RecordPayoutAsync(Request(account.AccountId, key)));

        Assert.That(currency!.Field, Is.EqualTo("PayoutRequest.Amount.Currency"));
        Assert.That(tooMuch!.Field, Is.EqualTo("PayoutRequest.Amount"));
        Assert.That(unsupported!.Message, Does.Contain("PayoutExpenseAccountCode"));
        Assert.That(await InvoicesAsync(tryton, key), Is.Empty);
    }
}
