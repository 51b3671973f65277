using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Http;

namespace CoCreation.Sdk.Vendure;

/// <summary>
/// Settings of one Vendure adapter (one Vendure server's Admin API), registered with <c>AddVendure(…)</c>.
/// Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Password"/>.</remarks>
public sealed class VendureOptions : HttpAdapterOptions
{
    /// <summary>
    /// Creates options with the adapter's defaults: 20 seconds per attempt and 60 seconds per call. Only queries are
    /// retried; mutations never are, as every GraphQL call is a POST.
    /// </summary>
    public VendureOptions()
    {
        AttemptTimeout = TimeSpan.FromSeconds(20);
        TotalRequestTimeout = TimeSpan.FromSeconds(60);
    }

    /// <summary>The Admin API address, for example <c>http://127.0.0.1:3000/admin-api</c>. Required.</summary>
    public Uri? AdminApiUrl { get; set; }

    /// <summary>The identifier (user name) of the administrator the adapter acts as: a SuperAdmin or one with the rights listed in the README. Required.</summary>
    public string? User { get; set; }

    /// <summary>That administrator's password. Required. Keep it in a secret store, not in a checked-in file.</summary>
    public string? Password { get; set; }

    /// <summary>The ISO 4217 currency of the shop's default channel; listing prices must be in it. Default: <c>KRW</c>.</summary>
    public string Currency { get; set; } = "KRW";

    /// <summary>
    /// How many decimal places Vendure stores prices with (its <c>MoneyStrategy</c> precision). Vendure's default
    /// strategy stores every currency with 2, so 32,000 KRW is stored as 3200000. Default: 2.
    /// </summary>
    public int PricePrecision { get; set; } = 2;

    /// <summary>The language code of the names and descriptions the adapter writes. Default: <c>en</c>.</summary>
    public string LanguageCode { get; set; } = "en";

    /// <summary>
    /// Which Vendure permissions each SDK role grants on the account's own channel. The defaults give
    /// <c>member</c> read access to the catalog and <c>seller</c> the right to manage products and orders.
    /// </summary>
    public IDictionary<string, IList<string>> RolePermissions { get; set; } = new Dictionary<string, IList<string>>(StringComparer.Ordinal)
    {
        [EnterpriseRoles.Member] = ["ReadCatalog", "ReadProduct"],
        [EnterpriseRoles.Seller] = ["ReadCatalog", "CreateProduct", "ReadProduct", "UpdateProduct", "ReadOrder", "UpdateOrder"],
    };

    /// <summary>
    /// How far back each event read looks again for history entries it may have missed (entries written late by
    /// slow transactions). Entries seen within the window are remembered in the cursor. Default: 2 minutes.
    /// </summary>
    public TimeSpan EventLookback { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many changed orders one request of an event read asks for (1 to 100); a read takes up to 20 such pages. Default: 50.</summary>
    public int MaxOrdersPerEventPage { get; set; } = 50;

    /// <summary>How far before a period's start sales and refund reads look for the orders they belong to. Default: 90 days.</summary>
    public TimeSpan OrderScanWindow { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Returns a description without the password.</summary>
    /// <returns>The address, user and whether a password is set.</returns>
    public override string ToString()
        => $"VendureOptions(AdminApiUrl = {AdminApiUrl}, User = {User}, Password = {(string.IsNullOrEmpty(Password) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="VendureOptions"/> when the app starts (and when an adapter is created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the password.</remarks>
public sealed class VendureOptionsValidator : AdapterOptionsValidator<VendureOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "Vendure adapter";

    /// <inheritdoc />
    protected override void Check(VendureOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.AdminApiUrl, nameof(options.AdminApiUrl), example: "http://127.0.0.1:3000/admin-api");
        failures.RequireValue(options.User, nameof(options.User));
        failures.RequireValue(options.Password, nameof(options.Password));
        failures.Require(Money.IsKnownCurrency(options.Currency), nameof(options.Currency), $"must be an ISO 4217 currency code (was '{options.Currency}').");
        failures.Require(options.PricePrecision is >= 0 and <= 4, nameof(options.PricePrecision), $"must be between 0 and 4 (was {options.PricePrecision}).");
        failures.RequireValue(options.LanguageCode, nameof(options.LanguageCode));
        if (failures.Require(options.RolePermissions is { Count: > 0 }, nameof(options.RolePermissions), "must map at least one role to Vendure permissions."))
        {
            foreach (var (role, permissions) in options.RolePermissions)
            {
                if (string.IsNullOrWhiteSpace(role) || !role.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    failures.Add(nameof(options.RolePermissions), $"has a role name that is blank or not made of letters, digits and '-' ('{role}').");
                }
                else
                {
                    failures.Require(permissions is { Count: > 0 } && permissions.All(p => !string.IsNullOrWhiteSpace(p) && p.All(char.IsAsciiLetter)), $"RolePermissions['{role}']", "must name at least one Vendure permission (letters only, for example ReadCatalog).");
                }
            }
        }

        failures.Require(options.EventLookback >= TimeSpan.Zero && options.EventLookback <= TimeSpan.FromHours(1), nameof(options.EventLookback), $"must be between 0 and 1 hour (was {options.EventLookback}).");
        failures.Require(options.MaxOrdersPerEventPage is >= 1 and <= 100, nameof(options.MaxOrdersPerEventPage), $"must be between 1 and 100 (was {options.MaxOrdersPerEventPage}).");
        failures.Require(options.OrderScanWindow > TimeSpan.Zero && options.OrderScanWindow <= TimeSpan.FromDays(3650), nameof(options.OrderScanWindow), $"must be above zero and at most 10 years (was {options.OrderScanWindow}).");
    }
}
