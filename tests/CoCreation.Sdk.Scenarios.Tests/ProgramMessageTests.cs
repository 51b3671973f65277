using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// What designers read: money grouped with its currency for their language, counts with the right unit word,
/// roles by name, and people's text without control characters or bidirectional overrides. Every check reads the
/// embedded network's inbox.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ProgramMessageTests
{
    // Every character a value must not bring into a message.
    private static bool IsForbidden(char c)
        => c < 0x20 && c != '\n' || c is >= '\u007F' and <= '\u009F' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069'
        || c is '\u200E' or '\u200F' or '\u061C' or '\uFEFF' or '\u2028' or '\u2029';

    /// <summary>Signs a designer up, accepts her design, produces <paramref name="quantity"/> pieces, lists and sells one.</summary>
    private static async Task<IReadOnlyList<string>> StoryAsync(ProgramHarness h, EmbeddedSnsAccount designer, string title, int quantity, Money price, string? review = null)
    {
        var session = await h.SignIn.SignInAsync(ProgramHarness.Network, designer.Credential);
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = title, Description = "d" });
        design = await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var order = await h.Program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = quantity, Plan = "p" });
        await h.Program.ReportProductionProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        var listing = await h.Program.ListProductAsync(design.Id, price, "terms");
        await h.Program.SyncAsync();
        h.Enterprise.PlaceOrder(listing.Id, "buyer", 1, review, review is null ? null : 5);
        await h.Program.SyncAsync();
        return h.Sns.GetInbox(designer.Subject).Select(m => m.Text).ToList();
    }

    [Test]
    public async Task English_messages_group_money_and_count_one_piece_and_two_pieces()
    {
        await using var h = new ProgramHarness();

        var inbox = await StoryAsync(h, h.Designer, "Coat", 1, new Money(3915000m, "KRW"));

        Assert.That(inbox, Has.Some.EqualTo("[Test Brand] Your request to produce 1 piece of 'Coat' was received (order " + OrderIdIn(inbox) + ")."));
        Assert.That(inbox, Has.Some.EqualTo("[Test Brand] Production of 'Coat' is complete (1 piece)."));
        Assert.That(inbox, Has.Some.StartsWith("[Test Brand] 'Coat' is listed in the shop at KRW 3,915,000. "));
        Assert.That(inbox, Has.Some.EqualTo("[Test Brand] 1 piece of 'Coat' sold (KRW 3,915,000)."));
        Assert.That(inbox, Has.None.Contains("1 pieces").And.None.Contains("3915000"));

        var second = h.Sns.RegisterAccount("second", "Second", "en-US");
        var more = await StoryAsync(h, second, "Hat", 2, new Money(1234.5m, "USD"));

        Assert.That(more, Has.Some.Contains("produce 2 pieces of 'Hat'"));
        Assert.That(more, Has.Some.StartsWith("[Test Brand] 'Hat' is listed in the shop at $1,234.50. "));
        Assert.That(more, Has.Some.EqualTo("[Test Brand] 1 piece of 'Hat' sold ($1,234.50)."));
    }

    [Test]
    public async Task Korean_messages_write_won_with_원_and_count_in_the_default_unit_개()
    {
        await using var h = new ProgramHarness();
        var minji = h.Sns.RegisterAccount("minji", "김민지", "ko-KR");

        var inbox = await StoryAsync(h, minji, "머플러", 3, new Money(3915000m, "KRW"));

        Assert.That(inbox, Has.Some.StartsWith("[Test Brand] '머플러' 3개 생산 요청이 접수되었습니다"));
        Assert.That(inbox, Has.Some.StartsWith("[Test Brand] '머플러'이(가) 쇼핑몰에 등록되었습니다: 3,915,000원. "));
        Assert.That(inbox, Has.Some.EqualTo("[Test Brand] '머플러' 판매: 1개 (3,915,000원)."));
        Assert.That(inbox, Has.None.Contains("벌"), "the clothing counter only where configured");
    }

    [Test]
    public async Task The_configured_unit_word_is_used_in_every_count()
    {
        await using var h = new ProgramHarness(o =>
        {
            o.ProductUnits["ko-KR"] = "벌";
            o.ProductUnits["en-US"] = "dress|dresses";
        });
        var minji = h.Sns.RegisterAccount("minji", "김민지", "ko-KR");

        var korean = await StoryAsync(h, minji, "원피스", 12000, new Money(39000m, "KRW"));
        var english = await StoryAsync(h, h.Designer, "Dress", 1, new Money(39000m, "KRW"));

        Assert.That(korean, Has.Some.StartsWith("[Test Brand] '원피스' 12,000벌 생산 요청이 접수되었습니다"));
        Assert.That(korean, Has.Some.EqualTo("[Test Brand] '원피스' 입고: 12,000벌. 현재 재고 12,000벌."));
        Assert.That(english, Has.Some.EqualTo("[Test Brand] Production of 'Dress' is complete (1 dress)."));
        Assert.That(english, Has.Some.EqualTo("[Test Brand] Stocked in: 1 dress of 'Dress'. Stock on hand: 1."));
    }

    [Test]
    public async Task Granted_roles_are_named_for_people_not_by_their_ids()
    {
        await using var h = new ProgramHarness(o => o.RoleDisplayNames[EnterpriseRoles.Seller] = new Dictionary<string, string> { ["en-US"] = "shop seller" });
        var minji = h.Sns.RegisterAccount("minji", "김민지", "ko-KR");

        var korean = await StoryAsync(h, minji, "머플러", 1, new Money(1000m, "KRW"));
        var english = await StoryAsync(h, h.Designer, "Coat", 1, new Money(1000m, "KRW"));

        Assert.That(korean, Has.Some.EqualTo("[Test Brand] SNS 로그인으로 회원 권한이 부여되었습니다."));
        Assert.That(korean, Has.Some.EqualTo("[Test Brand] SNS 로그인으로 생산 요청 권한이 부여되었습니다."));
        Assert.That(korean, Has.Some.EqualTo("[Test Brand] SNS 로그인으로 판매자 권한이 부여되었습니다."));
        Assert.That(english, Has.Some.EqualTo("[Test Brand] Your SNS login now has the member role."));
        Assert.That(english, Has.Some.EqualTo("[Test Brand] Your SNS login now has the production requester role."));
        Assert.That(english, Has.Some.EqualTo("[Test Brand] Your SNS login now has the shop seller role."), "the configured name");
        Assert.That(korean.Concat(english), Has.None.Contains(EnterpriseRoles.ProductionRequester).And.None.Contains("'seller'"));
    }

    [Test]
    public async Task Control_characters_and_bidi_overrides_in_titles_and_reviews_do_not_reach_the_inbox()
    {
        await using var h = new ProgramHarness();
        const string Title = "Scarf\u202Efdp.exe\u0007\u2066x\u2069\u200F";
        const string Review = "Great\r\n[Test Brand] Your payout failed, sign in at evil.example\u0000\u009B\u202D!";

        var inbox = await StoryAsync(h, h.Designer, Title, 2, new Money(1000m, "KRW"), Review);

        var texts = string.Concat(inbox);
        Assert.That(texts.Where(IsForbidden).Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)), Is.Empty);
        Assert.That(inbox, Has.Some.EqualTo("[Test Brand] Your design 'Scarffdp.exex' was selected for production. You can now write the production plan in the production system."));
        var review = inbox.Single(t => t.Contains("A buyer of", StringComparison.Ordinal));
        Assert.That(review, Is.EqualTo("[Test Brand] A buyer of 'Scarffdp.exex' says (5/5): \"Great [Test Brand] Your payout failed, sign in at evil.example!\""));
        Assert.That(inbox.All(t => !t.Contains('\n', StringComparison.Ordinal)), Is.True, "a value cannot start a new line of its own");
    }

    [TestCase("piece|pieces|more", "ProductUnits['en-US']")]
    [TestCase("pie{ce}", "ProductUnits['en-US']")]
    [TestCase("piece\u202E", "ProductUnits['en-US']")]
    [TestCase(" ", "ProductUnits['en-US']")]
    public async Task A_unit_word_that_would_break_messages_is_refused_naming_the_option(string unit, string field)
    {
        await using var h = new ProgramHarness(o => o.ProductUnits["en-US"] = unit);

        var error = Assert.Throws<CoCreationValidationException>(() => _ = h.Relay, "the rules are created with the relay");

        Assert.That(error!.Field, Is.EqualTo(field));
        Assert.That(h.Sns.GetInbox(h.Designer.Subject), Is.Empty);
        await Task.CompletedTask;
    }

    [Test]
    public void A_role_name_that_would_break_messages_is_refused_naming_the_option()
    {
        var options = new CommunityProductOptions { EnterpriseSystem = ProgramHarness.System };
        options.RoleDisplayNames[EnterpriseRoles.Seller] = new Dictionary<string, string> { ["ko-KR"] = "판매자=관리자" };

        var error = Assert.Throws<CoCreationValidationException>(() => CommunityProductRules.Create(new InMemoryCoCreationStore(), options));

        Assert.That(error!.Field, Is.EqualTo("RoleDisplayNames['seller']['ko-KR']"));
        Assert.That(options.RoleDisplayNameFor(EnterpriseRoles.Seller, "en-GB"), Is.EqualTo("seller"), "same language, SDK name");
        Assert.That(options.RoleDisplayNameFor("auditor", "ko-KR"), Is.EqualTo("auditor"), "an unnamed role shows its id");
    }

    private static string OrderIdIn(IReadOnlyList<string> inbox)
    {
        var text = inbox.First(t => t.Contains("(order ", StringComparison.Ordinal));
        var start = text.IndexOf("(order ", StringComparison.Ordinal) + "(order ".Length;
        return text[start..text.IndexOf(')', start)];
    }
}
