using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Http;

namespace CoCreation.Sdk.Tryton;

/// <summary>
/// Settings of one Tryton adapter (one database on one Tryton server), registered with <c>AddTryton(…)</c>.
/// Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Password"/>.</remarks>
public sealed class TrytonOptions : HttpAdapterOptions
{
    /// <summary>
    /// Creates options with Tryton's defaults: 30 seconds per attempt and 90 seconds per call. Only reads are retried;
    /// writes never are, as every JSON-RPC call is a POST.
    /// </summary>
    public TrytonOptions()
    {
        AttemptTimeout = TimeSpan.FromSeconds(30);
        TotalRequestTimeout = TimeSpan.FromSeconds(90);
    }

    /// <summary>The server's JSON-RPC base address, for example <c>http://127.0.0.1:8000/</c>. Required.</summary>
    public Uri? Url { get; set; }

    /// <summary>The database name on the server. Required.</summary>
    public string? Database { get; set; }

    /// <summary>The login of the Tryton user the adapter acts as (an administrator of users, products, production and stock). Default: <c>admin</c>.</summary>
    public string User { get; set; } = "admin";

    /// <summary>That user's password. Required. Keep it in a secret store, not in a checked-in file.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Which Tryton groups (by name) each SDK role maps to. An account holds a role when it is in every group of the
    /// role. Give each role its own groups: roles are read back from group membership. The defaults map
    /// <c>member</c> to <c>Product Administration</c>, <c>production-requester</c> to <c>Production</c>,
    /// <c>seller</c> to <c>Sales</c> and <c>production-manager</c> to <c>Production Administration</c>.
    /// </summary>
    public IDictionary<string, IList<string>> RoleGroups { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal)
    {
        [EnterpriseRoles.Member] = ["Product Administration"],
        [EnterpriseRoles.ProductionRequester] = ["Production"],
        [EnterpriseRoles.Seller] = ["Sales"],
        [EnterpriseRoles.ProductionManager] = ["Production Administration"],
    };

    /// <summary>The code of the warehouse (a <c>stock.location</c> of type warehouse) that production and stock use. Default: <c>WH</c>.</summary>
    public string WarehouseCode { get; set; } = "WH";

    /// <summary>The symbol of the unit of measure products are counted in. Default: <c>u</c> (Unit).</summary>
    public string UnitSymbol { get; set; } = "u";

    /// <summary>The language code sent with the login. Default: <c>en</c>.</summary>
    public string Language { get; set; } = "en";

    /// <summary>How many changed records one <see cref="IEnterpriseAdapter.ReadEventsAsync"/> call turns into events at most (1 to 1000). Default: 100.</summary>
    public int MaxRecordsPerEventPage { get; set; } = 100;

    /// <summary>
    /// The code of the expense account payouts are booked on (<see cref="IPayoutLedger"/>); <see langword="null"/> (the
    /// default) leaves payouts unsupported.
    /// </summary>
    public string? PayoutExpenseAccountCode { get; set; }

    /// <summary>The code of the payable account of payout invoices; <see langword="null"/> for the accounting configuration's default.</summary>
    public string? PayoutPayableAccountCode { get; set; }

    /// <summary>The code of the journal payout invoices go to. Default <c>EXP</c> (Tryton's expense journal).</summary>
    public string PayoutJournalCode { get; set; } = "EXP";

    /// <summary>Returns a description without the password.</summary>
    /// <returns>The address, database, user and whether a password is set.</returns>
    public override string ToString()
        => $"TrytonOptions(Url = {Url}, Database = {Database}, User = {User}, Password = {(string.IsNullOrEmpty(Password) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="TrytonOptions"/> when the app starts (and when an adapter is created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the password.</remarks>
public sealed class TrytonOptionsValidator : AdapterOptionsValidator<TrytonOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "Tryton adapter";

    /// <inheritdoc />
    protected override void Check(TrytonOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.Url, nameof(options.Url), example: "http://127.0.0.1:8000/");
        failures.Require(!string.IsNullOrWhiteSpace(options.Database) && !options.Database.Contains('/', StringComparison.Ordinal), nameof(options.Database), "is required and must not contain '/'.");
        failures.RequireValue(options.User, nameof(options.User));
        failures.RequireValue(options.Password, nameof(options.Password));
        if (failures.Require(options.RoleGroups is { Count: > 0 }, nameof(options.RoleGroups), "must map at least one role to Tryton groups."))
        {
            foreach (var (role, groups) in options.RoleGroups)
            {
                if (string.IsNullOrWhiteSpace(role))
                {
                    failures.Add(nameof(options.RoleGroups), "has a blank role name.");
                }
                else
                {
                    failures.Require(groups is { Count: > 0 } && !groups.Any(string.IsNullOrWhiteSpace), $"RoleGroups['{role}']", "must name at least one Tryton group, none blank.");
                }
            }
        }

        failures.RequireValue(options.WarehouseCode, nameof(options.WarehouseCode));
        failures.RequireValue(options.UnitSymbol, nameof(options.UnitSymbol));
        failures.Require(options.MaxRecordsPerEventPage is >= 1 and <= 1000, nameof(options.MaxRecordsPerEventPage), $"must be between 1 and 1000 (was {options.MaxRecordsPerEventPage}).");
    }
}
