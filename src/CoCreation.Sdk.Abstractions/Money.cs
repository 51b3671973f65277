using System.Collections.Frozen;
using System.Globalization;

namespace CoCreation.Sdk;

/// <summary>An amount of money in an ISO 4217 currency.</summary>
/// <remarks>
/// Amounts are <see cref="decimal"/>. Arithmetic never rounds on its own; call <see cref="Round"/>
/// to bring an amount to the currency's minor unit (two decimals for USD and EUR, none for KRW and JPY).
/// </remarks>
public readonly record struct Money
{
    /// <summary>Creates an amount, checking the currency code.</summary>
    /// <param name="amount">The amount.</param>
    /// <param name="currency">An ISO 4217 code such as <c>KRW</c> or <c>USD</c> (upper case).</param>
    /// <exception cref="CoCreationValidationException">The currency is not an ISO 4217 code.</exception>
    public Money(decimal amount, string currency)
    {
        if (currency is null || !Currencies.MinorUnits.ContainsKey(currency))
        {
            throw new CoCreationValidationException("Currency", $"'{currency}' is not an ISO 4217 currency code.");
        }

        Amount = amount;
        Currency = currency;
    }

    /// <summary>The amount.</summary>
    public decimal Amount { get; }

    /// <summary>The ISO 4217 currency code.</summary>
    public string Currency { get; }

    /// <summary>The number of decimals of the currency's minor unit.</summary>
    /// <exception cref="CoCreationValidationException">The value is <c>default(Money)</c>, which has no currency.</exception>
    public int MinorUnitDigits => Currency is null
        ? throw new CoCreationValidationException("Currency", "default(Money) has no currency; create amounts with new Money(amount, currency).")
        : Currencies.MinorUnits[Currency];

    /// <summary>Rounds to the currency's minor unit.</summary>
    /// <param name="mode">The rounding rule; half away from zero unless stated.</param>
    /// <returns>The rounded amount.</returns>
    public Money Round(MidpointRounding mode = MidpointRounding.AwayFromZero) => new(decimal.Round(Amount, MinorUnitDigits, mode), Currency);

    /// <summary>Multiplies by a factor without rounding.</summary>
    /// <param name="factor">The factor, for example a share of 0.15.</param>
    /// <returns>The product in the same currency.</returns>
    /// <exception cref="CoCreationValidationException">The product is outside what a <see cref="decimal"/> holds (field <c>Amount</c>); never a raw <see cref="OverflowException"/>.</exception>
    public Money Multiply(decimal factor)
    {
        try
        {
            return new(Amount * factor, Currency);
        }
        catch (OverflowException ex)
        {
            throw Overflow($"{Amount.ToString(CultureInfo.InvariantCulture)} {Currency} × {factor.ToString(CultureInfo.InvariantCulture)}", ex);
        }
    }

    /// <summary>Adds an amount of the same currency.</summary>
    /// <param name="other">The other amount.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="CoCreationValidationException">The currencies differ, or the sum is outside what a <see cref="decimal"/> holds (field <c>Amount</c>); never a raw <see cref="OverflowException"/>.</exception>
    public Money Add(Money other)
    {
        if (other.Currency != Currency)
        {
            throw new CoCreationValidationException("Currency", $"cannot add {other.Currency} to {Currency}.");
        }

        try
        {
            return new(Amount + other.Amount, Currency);
        }
        catch (OverflowException ex)
        {
            throw Overflow($"{this} + {other}", ex);
        }
    }

    /// <summary>Subtracts an amount of the same currency; the result may be negative.</summary>
    /// <param name="other">The amount to take away.</param>
    /// <returns>The difference.</returns>
    /// <exception cref="CoCreationValidationException">The currencies differ, or the difference is outside what a <see cref="decimal"/> holds (field <c>Amount</c>).</exception>
    public Money Subtract(Money other)
    {
        if (other.Currency != Currency)
        {
            throw new CoCreationValidationException("Currency", $"cannot subtract {other.Currency} from {Currency}.");
        }

        try
        {
            return new(Amount - other.Amount, Currency);
        }
        catch (OverflowException ex)
        {
            throw Overflow($"{this} - {other}", ex);
        }
    }

    private static CoCreationValidationException Overflow(string operation, OverflowException cause)
        => new("Amount", $"{operation} is too large to compute; amounts are limited to {CoCreationLimits.MaxAmount.ToString(CultureInfo.InvariantCulture)} (CoCreationLimits.MaxAmount).", cause);

    /// <summary>Zero in a currency.</summary>
    /// <param name="currency">The ISO 4217 code.</param>
    /// <returns>The amount zero.</returns>
    public static Money Zero(string currency) => new(0m, currency);

    /// <summary>Whether a code is a known ISO 4217 currency.</summary>
    /// <param name="currency">The code.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public static bool IsKnownCurrency(string? currency) => currency is not null && Currencies.MinorUnits.ContainsKey(currency);

    /// <summary>Formats as amount and code, for example <c>39000 KRW</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Amount} {Currency}");

    private static class Currencies
    {
        // ISO 4217 active codes with their minor-unit digits (list of 2024).
        private const string Table =
            "AED2 AFN2 ALL2 AMD2 ANG2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BGN2 BHD3 BIF0 BMD2 BND2 BOB2 BRL2 BSD2 BTN2 BWP2 BYN2 BZD2 " +
            "CAD2 CDF2 CHF2 CLP0 CNY2 COP2 CRC2 CUP2 CVE2 CZK2 DJF0 DKK2 DOP2 DZD2 EGP2 ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 " +
            "GNF0 GTQ2 GYD2 HKD2 HNL2 HTG2 HUF2 IDR2 ILS2 INR2 IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 KGS2 KHR2 KMF0 KPW2 KRW0 KWD3 KYD2 KZT2 " +
            "LAK2 LBP2 LKR2 LRD2 LSL2 LYD3 MAD2 MDL2 MGA2 MKD2 MMK2 MNT2 MOP2 MRU2 MUR2 MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 " +
            "NZD2 OMR3 PAB2 PEN2 PGK2 PHP2 PKR2 PLN2 PYG0 QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 SEK2 SGD2 SHP2 SLE2 SOS2 SRD2 SSP2 " +
            "STN2 SVC2 SYP2 SZL2 THB2 TJS2 TMT2 TND3 TOP2 TRY2 TTD2 TWD2 TZS2 UAH2 UGX0 USD2 UYU2 UZS2 VES2 VND0 VUV0 WST2 XAF0 XCD2 XOF0 " +
            "XPF0 YER2 ZAR2 ZMW2 ZWL2";

        public static readonly FrozenDictionary<string, int> MinorUnits = Table
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .ToFrozenDictionary(e => e[..3], e => e[3] - '0', StringComparer.Ordinal);
    }
}
