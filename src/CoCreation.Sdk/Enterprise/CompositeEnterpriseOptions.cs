namespace CoCreation.Sdk.Enterprise;

/// <summary>
/// The parts of a composite enterprise system, set with <c>AddCompositeEnterprise(name, o => …)</c>. Each part is an
/// enterprise adapter registered under its own name (for example <c>AddTryton("erp", …)</c> and a shop adapter).
/// </summary>
/// <remarks>See ADR 14 (<c>docs/decisions/0014-one-programme-over-several-enterprise-systems.md</c>).</remarks>
public sealed class CompositeEnterpriseOptions
{
    /// <summary>
    /// The parts where participants get accounts, the primary first. Provisioning opens an account at each with the same
    /// login and gives each the requested roles it declares. The composite account id is the primary part's id. Required.
    /// </summary>
    public IList<string> AccountSystems { get; } = [];

    /// <summary>The part that takes designs and production orders (<see cref="IProductionSystem"/>); it must be an account part.</summary>
    public string? ProductionSystem { get; set; }

    /// <summary>The part that runs the shop (<see cref="ICommerceSystem"/>); it must be an account part.</summary>
    public string? CommerceSystem { get; set; }

    /// <summary>
    /// The part that keeps the stock the SDK reads and sets thresholds on (<see cref="IInventorySystem"/>). When it is not the
    /// production part and implements <see cref="IStockIntake"/>, every completed production order is booked into it once.
    /// </summary>
    public string? InventorySystem { get; set; }

    /// <summary>
    /// The part that records settlement payouts, when the shop keeps none (an ERP's supplier invoices through
    /// <see cref="IPayoutLedger"/>); it must be an account part. Unset: payouts go to the shop. The composite raises
    /// <see cref="CoCreationEventTypes.SettlementPaid"/> for a payout recorded here.
    /// </summary>
    public string? PayoutSystem { get; set; }

    /// <summary>The name shown for the composite. Default: the composite's registered name.</summary>
    public string? DisplayName { get; set; }
}
