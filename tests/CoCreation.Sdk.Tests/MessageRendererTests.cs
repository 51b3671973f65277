using System.Collections.Immutable;

namespace CoCreation.Sdk.Tests;

/// <summary>The placeholder formats and the neutralising of values, on the renderer itself.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MessageRendererTests
{
    private static CoCreationEvent Event(params (string Key, string Value)[] data) => new()
    {
        Id = "e1",
        Source = CoCreationEventSources.Module("test"),
        Type = "com.test.message",
        Time = SdkHarness.Start,
        Subject = "things/1",
        Data = data.ToImmutableDictionary(d => d.Key, d => d.Value),
    };

    private static string Fill(string text, string locale, params (string Key, string Value)[] data)
        => MessageRenderer.Fill(text, Event(data), locale);

    [TestCase("ko-KR", "3915000", "KRW", "3,915,000원")]
    [TestCase("en-US", "3915000", "KRW", "KRW 3,915,000")]
    [TestCase("en-US", "1234.5", "USD", "$1,234.50")]
    [TestCase("ko-KR", "1234.5", "USD", "USD 1,234.50")]
    [TestCase("en-US", "1.005", "USD", "$1.01")]
    [TestCase("ko-KR", "1500.5", "KRW", "1,501원")]
    [TestCase("en-US", "-2500", "KRW", "-KRW 2,500")]
    [TestCase("en-US", "12.3456", "BHD", "BHD 12.346")]
    [TestCase("en-US", "0", "JPY", "JPY 0")]
    public void Money_is_grouped_with_its_currency_for_the_culture_at_the_currencys_minor_unit(string locale, string amount, string currency, string expected)
    {
        Assert.That(Fill("{amount:money}", locale, ("amount", amount), ("currency", currency)), Is.EqualTo(expected));
    }

    [Test]
    public void Money_without_a_known_currency_or_a_number_stays_as_written()
    {
        Assert.That(Fill("[{amount:money}]", "en-US", ("amount", "100")), Is.EqualTo("[{amount:money}]"), "no currency");
        Assert.That(Fill("[{amount:money}]", "en-US", ("amount", "100"), ("currency", "XYZ")), Is.EqualTo("[{amount:money}]"), "unknown currency");
        Assert.That(Fill("[{amount:money}]", "en-US", ("amount", "lots"), ("currency", "USD")), Is.EqualTo("[{amount:money}]"), "not a number");
        Assert.That(Fill("[{gross:money}]", "en-US", ("gross", "250000"), ("currency", "KRW")), Is.EqualTo("[KRW 250,000]"), "any key, currency from 'currency'");
    }

    [TestCase("1", "en-US", "1 piece")]
    [TestCase("2", "en-US", "2 pieces")]
    [TestCase("0", "en-US", "0 pieces")]
    [TestCase("1.0", "en-US", "1.0 pieces")]
    [TestCase("12500", "en-US", "12,500 pieces")]
    [TestCase("1", "ko-KR", "1벌")]
    [TestCase("12500", "ko-KR", "12,500벌")]
    public void Count_picks_the_form_for_the_number_and_groups_it(string quantity, string locale, string expected)
    {
        var unit = locale == "ko-KR" ? "벌" : "piece|pieces";
        Assert.That(Fill("{quantity:count:" + unit + "}", locale, ("quantity", quantity)), Is.EqualTo(expected));
    }

    [Test]
    public void Number_groups_and_count_without_a_word_is_the_number()
    {
        Assert.That(Fill("{onHand:number} / {onHand:count}", "en-US", ("onHand", "1250")), Is.EqualTo("1,250 / 1,250"));
        Assert.That(Fill("{onHand:number}", "en-US", ("onHand", "many")), Is.EqualTo("{onHand:number}"));
    }

    [Test]
    public void Select_maps_the_value_and_falls_back_to_it_neutralised()
    {
        const string Text = "{role:select:member=회원|seller=판매자}";

        Assert.That(Fill(Text, "ko-KR", ("role", "seller")), Is.EqualTo("판매자"));
        Assert.That(Fill(Text, "ko-KR", ("role", "member")), Is.EqualTo("회원"));
        Assert.That(Fill(Text, "ko-KR", ("role", "auditor\u202E")), Is.EqualTo("auditor"));
    }

    [Test]
    public void An_unknown_format_or_a_missing_value_stays_as_written_and_event_fields_still_fill()
    {
        Assert.That(Fill("{title:shout} {missing} {subject}", "en-US", ("title", "Scarf")), Is.EqualTo("{title:shout} {missing} things/1"));
    }

    [Test]
    public void An_unknown_locale_formats_with_the_invariant_culture()
    {
        Assert.That(Fill("{amount:money}", "zz-not-a-culture-name-at-all", ("amount", "1234"), ("currency", "KRW")), Is.EqualTo("KRW 1,234"));
    }

    [Test]
    public void Every_control_character_and_bidi_override_is_removed_from_values()
    {
        var hostile = new System.Text.StringBuilder("A");
        for (var c = 0; c < 0x20; c++)
        {
            hostile.Append((char)c);
        }

        for (var c = 0x7F; c <= 0x9F; c++)
        {
            hostile.Append((char)c);
        }

        hostile.Append("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\uFEFF\u2028\u2029\uD800Z");
        var text = Fill("<{title}>", "en-US", ("title", hostile.ToString()));

        Assert.That(text.Where(IsForbidden).Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)), Is.Empty);
        Assert.That(text, Does.StartWith("<A").And.EndWith("\uFFFDZ>"));
        Assert.That(text, Does.Not.Contain("\n"));
    }

    [Test]
    public void Line_breaks_become_spaces_except_in_lines_and_the_template_keeps_its_own()
    {
        var data = ("text", "one\r\ntwo\rthree\u2028four\tfive\u202Esix");

        Assert.That(Fill("x:\n{text}", "en-US", data), Is.EqualTo("x:\none two three four fivesix"));
        Assert.That(Fill("x:\n{text:lines}", "en-US", data), Is.EqualTo("x:\none\ntwo\nthree\nfour fivesix"));
    }

    [Test]
    public void Plain_text_in_any_script_passes_unchanged()
    {
        const string Text = "동아패션 リネン 😀 e\u0301 \u200D \u00A0مرحبا";

        Assert.That(MessageRenderer.Neutralize(Text), Is.SameAs(Text));
    }

    [TestCase("")]
    [TestCase("piece{")]
    [TestCase("a|b")]
    [TestCase("k=v")]
    [TestCase("evil\u202E")]
    [TestCase("two\nlines")]
    public void A_configured_template_word_with_syntax_or_controls_is_refused_naming_the_field(string word)
    {
        var error = Assert.Throws<CoCreationValidationException>(() => MessageRenderer.CheckTemplateWord(word, "ProductUnits['en-US']"));

        Assert.That(error!.Field, Is.EqualTo("ProductUnits['en-US']"));
    }

    private static bool IsForbidden(char c)
        => c < 0x20 || c is >= '\u007F' and <= '\u009F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'
        || c is '\u200E' or '\u200F' or '\u061C' or '\uFEFF' or '\u2028' or '\u2029' || char.IsSurrogate(c);

    [Test]
    public void One_event_filled_with_several_texts_and_locales_gives_each_its_own_text_every_time()
    {
        // Filled texts are kept per event instance: each text and locale must still get its own result, and the second
        // round (served from what was kept) must equal the first.
        var shared = Event(("amount", "3915000"), ("currency", "KRW"), ("title", "Linen"));
        var cases = new[]
        {
            ("{amount:money}", "ko-KR", "3,915,000원"),
            ("{amount:money}", "en-US", "KRW 3,915,000"),
            ("{title} {amount:money}", "en-US", "Linen KRW 3,915,000"),
            (new string("{title}".ToCharArray()), "en-US", "Linen"),
        };
        for (var round = 0; round < 2; round++)
        {
            foreach (var (text, locale, expected) in cases)
            {
                Assert.That(MessageRenderer.Fill(text, shared, locale), Is.EqualTo(expected), $"round {round}: {text} in {locale}");
            }
        }

        // Another instance with other data is filled from its own data.
        Assert.That(MessageRenderer.Fill("{title}", Event(("title", "Wool")), "en-US"), Is.EqualTo("Wool"));
    }

    [Test]
    public void Concurrent_fills_of_one_event_all_get_the_right_text()
    {
        var shared = Event(("title", "Linen"), ("amount", "12"), ("currency", "USD"));
        var results = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 200, i => results.Add(MessageRenderer.Fill(i % 2 == 0 ? "{title}" : "{amount:money}", shared, "en-US")));
        Assert.That(results.Count(r => r == "Linen"), Is.EqualTo(100));
        Assert.That(results.Count(r => r == "$12.00"), Is.EqualTo(100));
    }
}
