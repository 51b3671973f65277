using System.Globalization;

namespace CoCreation.Sdk.Tests;

/// <summary>The documented limits of amounts and quantities, and Money arithmetic that never overflows raw.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MoneyLimitsTests
{
    [Test]
    public void Arithmetic_beyond_decimal_is_a_typed_error_naming_the_amount()
    {
        var max = new Money(decimal.MaxValue, "KRW");

        var add = Assert.Throws<CoCreationValidationException>(() => max.Add(new Money(1m, "KRW")));
        var multiply = Assert.Throws<CoCreationValidationException>(() => max.Multiply(2m));
        var subtract = Assert.Throws<CoCreationValidationException>(() => new Money(decimal.MinValue, "KRW").Subtract(new Money(1m, "KRW")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(add!.Field, Is.EqualTo("Amount"));
            Assert.That(add.InnerException, Is.TypeOf<OverflowException>(), "the cause is kept");
            Assert.That(multiply!.Field, Is.EqualTo("Amount"));
            Assert.That(subtract!.Field, Is.EqualTo("Amount"));
        }
    }

    [Test]
    public void Subtract_may_go_below_zero_and_refuses_another_currency()
    {
        Assert.That(new Money(1000m, "KRW").Subtract(new Money(2500m, "KRW")), Is.EqualTo(new Money(-1500m, "KRW")));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => new Money(1m, "KRW").Subtract(new Money(1m, "USD")))!.Field, Is.EqualTo("Currency"));
    }

    [TestCase("1000000000001")]
    [TestCase("79228162514264337593543950335")]
    public void Prices_and_amounts_above_the_limit_are_refused(string amount)
    {
        var money = new Money(decimal.Parse(amount, CultureInfo.InvariantCulture), "KRW");

        Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.PositivePrice(money, "Price"))!.Field, Is.EqualTo("Price.Amount"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.Amount(money, "Gross"))!.Field, Is.EqualTo("Gross.Amount"));
    }

    [Test]
    public void Amounts_at_the_limit_are_accepted()
    {
        var atLimit = new Money(CoCreationLimits.MaxAmount, "USD");

        Assert.That(CoCreationGuard.PositivePrice(atLimit, "Price"), Is.EqualTo(atLimit));
        Assert.That(CoCreationGuard.Amount(Money.Zero("USD"), "Gross"), Is.EqualTo(Money.Zero("USD")));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.Amount(new Money(-0.01m, "USD"), "Gross"))!.Field, Is.EqualTo("Gross.Amount"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.PositivePrice(Money.Zero("USD"), "Price"))!.Field, Is.EqualTo("Price.Amount"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.PositivePrice(new Money(1.005m, "USD"), "Price"))!.Field, Is.EqualTo("Price.Amount"));
    }

    [Test]
    public void Largest_sale_total_fits_a_decimal_many_times_over()
    {
        // The largest price times the largest quantity, summed a million times, is still far from decimal's range.
        var total = new Money(CoCreationLimits.MaxAmount, "KRW").Multiply(CoCreationLimits.MaxQuantity).Multiply(1_000_000m);

        Assert.That(total.Amount, Is.LessThan(decimal.MaxValue / 1000m));
    }

    [TestCase(0, false)]
    [TestCase(-1, false)]
    [TestCase(1, true)]
    [TestCase(CoCreationLimits.MaxQuantity, true)]
    [TestCase(CoCreationLimits.MaxQuantity + 1, false)]
    [TestCase(int.MaxValue, false)]
    public void Quantities_are_bounded(int quantity, bool accepted)
    {
        if (accepted)
        {
            Assert.That(CoCreationGuard.Quantity(quantity, "Quantity"), Is.EqualTo(quantity));
        }
        else
        {
            Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.Quantity(quantity, "Quantity"))!.Field, Is.EqualTo("Quantity"));
        }
    }

    [TestCase(-1, false)]
    [TestCase(0, true)]
    [TestCase(CoCreationLimits.MaxStock, true)]
    [TestCase(CoCreationLimits.MaxStock + 1, false)]
    public void Stock_levels_are_bounded(int level, bool accepted)
    {
        if (accepted)
        {
            Assert.That(CoCreationGuard.StockLevel(level, "threshold"), Is.EqualTo(level));
        }
        else
        {
            Assert.That(Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.StockLevel(level, "threshold"))!.Field, Is.EqualTo("threshold"));
        }
    }

    [Test]
    public void Refund_requests_check_themselves()
    {
        var good = new Enterprise.RefundRequest { Quantity = 1, Reason = "Wrong size", IdempotencyKey = "k" };

        Assert.DoesNotThrow(good.Validate);
        Assert.That(Assert.Throws<CoCreationValidationException>(() => (good with { Quantity = CoCreationLimits.MaxQuantity + 1 }).Validate())!.Field, Is.EqualTo("RefundRequest.Quantity"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => (good with { Reason = "" }).Validate())!.Field, Is.EqualTo("RefundRequest.Reason"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => (good with { IdempotencyKey = new string('k', 201) }).Validate())!.Field, Is.EqualTo("RefundRequest.IdempotencyKey"));
    }
}
