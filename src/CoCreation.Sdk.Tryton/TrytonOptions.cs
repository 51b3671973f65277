using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Tryton;

/// <summary>
/// Settings of one Tryton adapter (one database on one Tryton server), registered with <c>AddTryton(…)</c>.
/// Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="Password"/>.</remarks>
public sealed class TrytonOptions
{
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

    /// <summary>How long one HTTP attempt may take. Default: 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take with all its retries. Default: 90 seconds.</summary>
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How many times a failed read is retried (0 to 10); writes are never retried. Default: 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first back-off delay between retries; later ones grow exponentially with jitter. Default: 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Returns a description without the password.</summary>
    /// <returns>The address, database, user and whether a password is set.</returns>
    public override string ToString()
        => $"TrytonOptions(Url = {Url}, Database = {Database}, User = {User}, Password = {(string.IsNullOrEmpty(Password) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="TrytonOptions"/> when the app starts (and when an adapter is created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the password.</remarks>
public sealed class TrytonOptionsValidator : IValidateOptions<TrytonOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TrytonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(name, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static List<string> Check(string? name, TrytonOptions options)
    {
        var prefix = $"Tryton adapter '{name}': ";
        var failures = new List<string>();
        if (options.Url is null)
        {
            failures.Add(prefix + "Url is required (for example http://127.0.0.1:8000/).");
        }
        else if (!options.Url.IsAbsoluteUri || (options.Url.Scheme != Uri.UriSchemeHttps && options.Url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add(prefix + "Url must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(options.Url.Query) || !string.IsNullOrEmpty(options.Url.Fragment))
        {
            failures.Add(prefix + "Url must not have a query or fragment.");
        }

        if (string.IsNullOrWhiteSpace(options.Database) || options.Database.Contains('/', StringComparison.Ordinal))
        {
            failures.Add(prefix + "Database is required and must not contain '/'.");
        }

        if (string.IsNullOrWhiteSpace(options.User))
        {
            failures.Add(prefix + "User is required.");
        }

        if (string.IsNullOrEmpty(options.Password))
        {
            failures.Add(prefix + "Password is required.");
        }

        if (options.RoleGroups is null || options.RoleGroups.Count == 0)
        {
            failures.Add(prefix + "RoleGroups must map at least one role to Tryton groups.");
        }
        else
        {
            foreach (var (role, groups) in options.RoleGroups)
            {
                if (string.IsNullOrWhiteSpace(role))
                {
                    failures.Add(prefix + "RoleGroups has a blank role name.");
                }
                else if (groups is null || groups.Count == 0 || groups.Any(string.IsNullOrWhiteSpace))
                {
                    failures.Add(prefix + $"RoleGroups['{role}'] must name at least one Tryton group, none blank.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.WarehouseCode))
        {
            failures.Add(prefix + "WarehouseCode is required.");
        }

        if (string.IsNullOrWhiteSpace(options.UnitSymbol))
        {
            failures.Add(prefix + "UnitSymbol is required.");
        }

        if (options.MaxRecordsPerEventPage is < 1 or > 1000)
        {
            failures.Add(prefix + $"MaxRecordsPerEventPage must be between 1 and 1000 (was {options.MaxRecordsPerEventPage}).");
        }

        if (options.AttemptTimeout <= TimeSpan.Zero || options.TotalRequestTimeout < options.AttemptTimeout)
        {
            failures.Add(prefix + "AttemptTimeout must be positive and TotalRequestTimeout at least AttemptTimeout.");
        }

        if (options.MaxRetryAttempts is < 0 or > 10)
        {
            failures.Add(prefix + $"MaxRetryAttempts must be between 0 and 10 (was {options.MaxRetryAttempts}).");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero)
        {
            failures.Add(prefix + "RetryBaseDelay must not be negative.");
        }

        return failures;
    }
}
