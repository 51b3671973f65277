namespace CoCreation.Sdk;

/// <summary>
/// The largest amounts and quantities the SDK and the bundled adapters accept. Every entry point that takes a
/// price, amount or quantity checks them before anything is sent or written and refuses a value above them with
/// a <see cref="CoCreationValidationException"/> that names the field, so that no arithmetic on accepted values
/// can overflow.
/// </summary>
/// <remarks>
/// <para>
/// The limits are wide enough for real shops in every currency (10^12 in major units is about 750 million US
/// dollars in Korean won) and narrow enough that a total of an order at the largest price and quantity still fits
/// a <see cref="decimal"/> many times over. A sale's total (unit price × quantity) is held to
/// <see cref="MaxAmount"/> as well.
/// </para>
/// </remarks>
public static class CoCreationLimits
{
    /// <summary>
    /// The largest amount of a price, a sale's total, a refund or a payout, and of a settlement's gross, in major
    /// units of its currency: 1,000,000,000,000 (10^12).
    /// </summary>
    public const decimal MaxAmount = 1_000_000_000_000m;

    /// <summary>The largest quantity of one production order, one shop order (sale) or one refund: 1,000,000 pieces.</summary>
    public const int MaxQuantity = 1_000_000;

    /// <summary>
    /// The largest stock level of one product, and the largest low-stock threshold: 100,000,000 pieces. A production
    /// order or restocking refund that would take stock above it is refused, so stock never wraps around.
    /// </summary>
    public const int MaxStock = 100_000_000;

    /// <summary>The longest idempotency key the SDK and the bundled adapters accept: 200 characters.</summary>
    public const int MaxIdempotencyKeyLength = 200;
}
