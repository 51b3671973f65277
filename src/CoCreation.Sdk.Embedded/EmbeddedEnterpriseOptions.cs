using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

/// <summary>Settings of an <see cref="EmbeddedEnterpriseSystem"/>.</summary>
/// <remarks>The system copies these values when it is created; changing them afterwards has no effect on it.</remarks>
public sealed class EmbeddedEnterpriseOptions
{
    /// <summary>
    /// The roles accounts can be given. The system's own operations need <see cref="EnterpriseRoles.Member"/>
    /// (designs), <see cref="EnterpriseRoles.ProductionRequester"/> (production requests) and
    /// <see cref="EnterpriseRoles.Seller"/> (price and terms); leaving one out makes that operation unreachable.
    /// </summary>
    public IReadOnlyList<string> Roles { get; set; } = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller, EnterpriseRoles.ProductionManager];

    /// <summary>The most events one <see cref="IEnterpriseAdapter.ReadEventsAsync"/> page returns; at least 1.</summary>
    public int MaxEventsPerPage { get; set; } = 100;

    /// <summary>
    /// The SQLite file the system keeps its state in (created when missing; a relative path is resolved against the
    /// current directory), or <see langword="null"/> (the default) to keep everything in memory only.
    /// </summary>
    /// <remarks>
    /// Every change is committed to the file before the call that made it returns, and a system created on the same
    /// file later finds the same accounts, designs, orders, listings, sales, stock, payouts and events. Only one
    /// system at a time may open a file.
    /// </remarks>
    public string? DatabasePath { get; set; }
}
