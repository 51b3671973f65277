using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Mail;

namespace CoCreation.Sdk;

/// <summary>
/// Checks for input, shared by the SDK and adapters so that bad input is refused the same way
/// everywhere: with a <see cref="CoCreationValidationException"/> that names the field, before
/// anything is sent or written.
/// </summary>
public static class CoCreationGuard
{
    /// <summary>
    /// Refuses a null, empty or blank string. Text made only of white space, control characters and invisible
    /// format characters (bidirectional marks and overrides, zero-width characters) counts as blank: it would
    /// show as nothing once messages neutralise those characters.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoCreationValidationException">The value is blank.</exception>
    public static string NotBlank(string? value, string field)
    {
        if (IsBlank(value))
        {
            throw new CoCreationValidationException(field, "must not be empty.");
        }

        return value;
    }

    /// <summary>
    /// Refuses a collection holding a null, empty or blank string (as <see cref="NotBlank"/> does), and returns its
    /// values without repeats, in the order they first appear. Every value is checked before any is returned, so a
    /// batch with one bad id is refused whole. Values are compared ordinally.
    /// </summary>
    /// <param name="values">The values.</param>
    /// <param name="field">The collection's name; a refused value is named by it and its position, for example <c>ids[2]</c>.</param>
    /// <returns>The distinct values.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">A value is blank.</exception>
    public static IReadOnlyList<string> DistinctNotBlank(IEnumerable<string?> values, string field)
    {
        ArgumentNullException.ThrowIfNull(values);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var distinct = new List<string>();
        var index = 0;
        foreach (var value in values)
        {
            // The field's name with the index is only made for the exception.
            if (IsBlank(value))
            {
                throw new CoCreationValidationException(string.Create(CultureInfo.InvariantCulture, $"{field}[{index}]"), "must not be empty.");
            }

            if (seen.Add(value))
            {
                distinct.Add(value);
            }

            index++;
        }

        return distinct;
    }

    private static bool IsBlank([NotNullWhen(false)] string? value) => string.IsNullOrWhiteSpace(value) || !HasVisibleCharacter(value);

    private static bool HasVisibleCharacter(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c) && !char.IsControl(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Checks an optional idempotency key: <see langword="null"/> passes; otherwise it must not be blank and at most
    /// <see cref="CoCreationLimits.MaxIdempotencyKeyLength"/> characters long.
    /// </summary>
    /// <param name="key">The key, or <see langword="null"/>.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The key.</returns>
    /// <exception cref="CoCreationValidationException">The key is blank or too long.</exception>
    public static string? IdempotencyKey(string? key, string field)
        => key is null ? null : MaxLength(NotBlank(key, field), CoCreationLimits.MaxIdempotencyKeyLength, field);

    /// <summary>Refuses text longer than <paramref name="maxLength"/> user-perceived characters.</summary>
    /// <param name="value">The text.</param>
    /// <param name="maxLength">The limit, counted in grapheme clusters.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The text.</returns>
    /// <exception cref="CoCreationValidationException">The text is too long.</exception>
    public static string MaxLength(string value, int maxLength, string field)
    {
        var length = TextLength(value);
        if (length > maxLength)
        {
            throw new CoCreationValidationException(field, $"is {length} characters long; the limit is {maxLength}. Nothing was cut.");
        }

        return value;
    }

    /// <summary>Counts user-perceived characters (grapheme clusters), as networks count them.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static int TextLength(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.AsSpan();

        // Every message is checked against a network's limit before it is sent. In ASCII text each character is a
        // cluster of its own except a carriage return followed by a line feed, which is one; other text is walked
        // cluster by cluster without building the index array StringInfo keeps.
        if (System.Text.Ascii.IsValid(text))
        {
            return text.Length - text.Count("\r\n".AsSpan());
        }

        var count = 0;
        while (!text.IsEmpty)
        {
            text = text[StringInfo.GetNextTextElementLength(text)..];
            count++;
        }

        return count;
    }

    /// <summary>Refuses zero or a negative number.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoCreationValidationException">The value is not above zero.</exception>
    public static int Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw new CoCreationValidationException(field, $"must be greater than zero (was {value}).");
        }

        return value;
    }

    /// <summary>Refuses a negative number.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoCreationValidationException">The value is negative.</exception>
    public static int NotNegative(int value, string field)
    {
        if (value < 0)
        {
            throw new CoCreationValidationException(field, $"must not be negative (was {value}).");
        }

        return value;
    }

    /// <summary>Refuses a quantity of pieces that is not above zero or is above <see cref="CoCreationLimits.MaxQuantity"/>.</summary>
    /// <param name="value">The quantity.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The quantity.</returns>
    /// <exception cref="CoCreationValidationException">The quantity is zero, negative or above the limit.</exception>
    public static int Quantity(int value, string field)
    {
        Positive(value, field);
        if (value > CoCreationLimits.MaxQuantity)
        {
            throw new CoCreationValidationException(field, $"must not exceed {CoCreationLimits.MaxQuantity.ToString(CultureInfo.InvariantCulture)} pieces (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }

        return value;
    }

    /// <summary>Refuses a stock level or low-stock threshold that is negative or above <see cref="CoCreationLimits.MaxStock"/>.</summary>
    /// <param name="value">The level.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The level.</returns>
    /// <exception cref="CoCreationValidationException">The level is negative or above the limit.</exception>
    public static int StockLevel(int value, string field)
    {
        NotNegative(value, field);
        if (value > CoCreationLimits.MaxStock)
        {
            throw new CoCreationValidationException(field, $"must not exceed {CoCreationLimits.MaxStock.ToString(CultureInfo.InvariantCulture)} pieces (was {value.ToString(CultureInfo.InvariantCulture)}).");
        }

        return value;
    }

    /// <summary>Refuses a price of zero or less, or above <see cref="CoCreationLimits.MaxAmount"/>.</summary>
    /// <param name="price">The price.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The price.</returns>
    /// <exception cref="CoCreationValidationException">The amount is not above zero, is above the limit, or has more decimals than the currency.</exception>
    public static Money PositivePrice(Money price, string field)
    {
        Amount(price, field);
        if (price.Amount == 0m)
        {
            throw new CoCreationValidationException(field + ".Amount", "must be greater than zero (was 0).");
        }

        return price;
    }

    /// <summary>
    /// Refuses an amount (a total, refund or payout) that has no currency, is negative, is above
    /// <see cref="CoCreationLimits.MaxAmount"/>, or has more decimals than its currency.
    /// </summary>
    /// <param name="money">The amount.</param>
    /// <param name="field">The field's name; the exception names <c>field.Amount</c> or <c>field.Currency</c>.</param>
    /// <returns>The amount.</returns>
    /// <exception cref="CoCreationValidationException">The amount is not valid.</exception>
    public static Money Amount(Money money, string field)
    {
        if (money.Currency is null)
        {
            throw new CoCreationValidationException(field + ".Currency", "must be an ISO 4217 currency code.");
        }

        if (money.Amount < 0m)
        {
            throw new CoCreationValidationException(field + ".Amount", $"must not be negative (was {money.Amount.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (money.Amount > CoCreationLimits.MaxAmount)
        {
            throw new CoCreationValidationException(field + ".Amount", $"must not exceed {CoCreationLimits.MaxAmount.ToString(CultureInfo.InvariantCulture)} {money.Currency} (was {money.Amount.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (money.Round().Amount != money.Amount)
        {
            throw new CoCreationValidationException(field + ".Amount", $"has more decimals than {money.Currency} allows ({money.MinorUnitDigits}).");
        }

        return money;
    }

    /// <summary>Refuses an e-mail address that is not a plain <c>local@domain</c> address.</summary>
    /// <param name="email">The address.</param>
    /// <param name="field">The field's name.</param>
    /// <returns>The address, trimmed.</returns>
    /// <exception cref="CoCreationValidationException">The address is not valid.</exception>
    public static string Email(string? email, string field)
    {
        var trimmed = NotBlank(email, field).Trim();
        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != trimmed.LastIndexOf('@') || at == trimmed.Length - 1 || !trimmed[(at + 1)..].Contains('.', StringComparison.Ordinal)
            || trimmed.Any(char.IsWhiteSpace) || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
        {
            throw new CoCreationValidationException(field, "is not a valid e-mail address.");
        }

        return trimmed;
    }
}
