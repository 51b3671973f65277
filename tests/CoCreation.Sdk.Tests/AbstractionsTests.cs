using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class MoneyTests
{
    [TestCase("KRW", 0)]
    [TestCase("JPY", 0)]
    [TestCase("USD", 2)]
    [TestCase("EUR", 2)]
    [TestCase("KWD", 3)]
    public void Minor_units_follow_ISO_4217(string currency, int digits)
        => Assert.That(new Money(1m, currency).MinorUnitDigits, Is.EqualTo(digits));

    [TestCase("krw")]
    [TestCase("XYZ")]
    [TestCase("")]
    public void Codes_that_are_not_ISO_4217_are_refused(string currency)
    {
        var error = Assert.Throws<CoCreationValidationException>(() => _ = new Money(1m, currency));
        Assert.That(error!.Field, Is.EqualTo("Currency"));
    }

    [Test]
    public void Rounding_is_to_the_minor_unit_half_away_from_zero_unless_told()
    {
        Assert.That(new Money(4.545m, "USD").Round(), Is.EqualTo(new Money(4.55m, "USD")));
        Assert.That(new Money(4.545m, "USD").Round(MidpointRounding.ToEven), Is.EqualTo(new Money(4.54m, "USD")));
        Assert.That(new Money(1500.5m, "KRW").Round(), Is.EqualTo(new Money(1501m, "KRW")));
        Assert.That(new Money(-2.5m, "KRW").Round(), Is.EqualTo(new Money(-3m, "KRW")));
    }

    [Test]
    public void Arithmetic_never_rounds_and_never_mixes_currencies()
    {
        Assert.That(new Money(10.10m, "USD").Multiply(0.15m).Amount, Is.EqualTo(1.515m));
        Assert.That(new Money(1m, "USD").Add(new Money(2.005m, "USD")).Amount, Is.EqualTo(3.005m));
        Assert.Throws<CoCreationValidationException>(() => new Money(1m, "USD").Add(new Money(1m, "KRW")));
    }

    [Test]
    public void A_default_amount_has_no_currency_and_says_so()
    {
        var error = Assert.Throws<CoCreationValidationException>(() => default(Money).Round());
        Assert.That(error!.Field, Is.EqualTo("Currency"));
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void A_price_must_be_above_zero(decimal amount)
    {
        var error = Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.PositivePrice(new Money(amount, "EUR"), "Price"));
        Assert.That(error!.Field, Is.EqualTo("Price.Amount"));
    }

    [Test]
    public void A_price_may_not_have_more_decimals_than_its_currency()
    {
        Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.PositivePrice(new Money(10.5m, "KRW"), "Price"));
        Assert.That(CoCreationGuard.PositivePrice(new Money(10.5m, "USD"), "Price").Amount, Is.EqualTo(10.5m));
    }
}

[TestFixture]
[Category("Unit")]
public sealed class CoCreationGuardTests
{
    [TestCase("minji@example.com")]
    [TestCase("first.last+tag@mail.example.co.kr")]
    public void Plain_addresses_are_accepted(string email)
        => Assert.That(CoCreationGuard.Email(email, "Email"), Is.EqualTo(email));

    [TestCase("not-an-email")]
    [TestCase("a@")]
    [TestCase("@example.com")]
    [TestCase("a@b")]
    [TestCase("a b@example.com")]
    [TestCase("a@b@example.com")]
    [TestCase("Minji <minji@example.com>")]
    [TestCase("")]
    public void Anything_else_is_refused_naming_the_field(string email)
    {
        var error = Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.Email(email, "Participant.Email"));
        Assert.That(error!.Field, Is.EqualTo("Participant.Email"));
    }

    [Test]
    public void Length_counts_what_people_see_not_utf16_units()
    {
        // A family emoji is several code points but one character on screen; Hangul syllables count one each.
        Assert.That(CoCreationGuard.TextLength("👨‍👩‍👧"), Is.EqualTo(1));
        Assert.That(CoCreationGuard.TextLength("동아패션"), Is.EqualTo(4));
        var error = Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.MaxLength("동아패션", 3, "Text"));
        Assert.That(error!.Message, Does.Contain("4").And.Contain("3").And.Contain("Nothing was cut"));
    }

    [TestCase("")]
    [TestCase("Order PO-1042 (Linen jacket) is ready.")]
    [TestCase("line one\r\nline two\r\n")]
    [TestCase("\r\r\n\n\r")]
    [TestCase("tab\tand\u0007bell")]
    [TestCase("e\u0301 and a\u0308")]
    [TestCase("주문 PO-1042 (린넨 재킷) 준비 완료.")]
    [TestCase("\u1100\u1161\u11A8 jamo")]
    [TestCase("flags 🇰🇷🇺🇸 and 👍🏽 and 👨‍👩‍👧")]
    [TestCase("ascii then e\u0301\r\n")]
    public void Length_is_the_count_of_text_elements_for_ascii_and_other_text(string text)
    {
        // The ASCII path and the cluster walk must agree with the framework's own count of text elements.
        Assert.That(CoCreationGuard.TextLength(text), Is.EqualTo(new System.Globalization.StringInfo(text).LengthInTextElements));
    }

    [Test]
    public void A_carriage_return_and_line_feed_count_as_one_character()
    {
        Assert.That(CoCreationGuard.TextLength("a\r\nb"), Is.EqualTo(3));
        Assert.That(CoCreationGuard.TextLength("a\n\rb"), Is.EqualTo(4));
        Assert.Throws<ArgumentNullException>(() => CoCreationGuard.TextLength(null!));
    }

    [Test]
    public void A_credential_never_shows_its_token()
    {
        var credential = new SnsCredential("secret-token-123");
        Assert.That(credential.ToString(), Does.Not.Contain("secret-token-123"));
        Assert.Throws<CoCreationValidationException>(() => _ = new SnsCredential(" "));
    }
}

[TestFixture]
[Category("Unit")]
public sealed class AsyncPageableTests
{
    [Test]
    public async Task Pages_resume_from_their_continuation_token_without_gaps_or_repeats()
    {
        var items = Enumerable.Range(1, 7).ToList();
        var pageable = AsyncPageable<int>.FromList(items);

        var pages = new List<Page<int>>();
        await foreach (var page in pageable.AsPages(pageSizeHint: 3))
        {
            pages.Add(page);
        }

        Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 3, 3, 1 }));
        Assert.That(pages[^1].ContinuationToken, Is.Null);
        var resumed = new List<int>();
        await foreach (var page in pageable.AsPages(pages[0].ContinuationToken, 3))
        {
            resumed.AddRange(page.Values);
        }

        Assert.That(resumed, Is.EqualTo(items.Skip(3)));
        Assert.That(await pageable.ToListAsync(), Is.EqualTo(items));
    }

    [Test]
    public void Cancellation_given_at_creation_stops_enumeration()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var pageable = AsyncPageable<int>.Create((_, _, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            return Task.FromResult(new Page<int>([1], null));
        }, cts.Token);

        Assert.ThrowsAsync<OperationCanceledException>(async () => await pageable.ToListAsync());
    }
}
