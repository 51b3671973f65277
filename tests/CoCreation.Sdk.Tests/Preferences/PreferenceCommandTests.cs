using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tests.Preferences;

[TestFixture]
[Category("Unit")]
public sealed class PreferenceCommandTests
{
    [Test]
    public async Task English_commands_change_the_stored_preferences_and_the_reply_says_what_changed()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji", locale: "en-US");
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        var digest = await commands.HandleAsync(SdkHarness.Social, "minji", "digest shipment");
        var off = await commands.HandleAsync(SdkHarness.Social, "minji", "@brand off stock sale");
        await commands.HandleAsync(SdkHarness.Social, "minji", "quiet 22:00-07:00");
        await commands.HandleAsync(SdkHarness.Social, "minji", "timezone Asia/Seoul");
        await commands.HandleAsync(SdkHarness.Social, "minji", "network social");

        var stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.Multiple(() =>
        {
            Assert.That(digest.Outcome, Is.EqualTo(PreferenceCommandOutcome.Changed));
            Assert.That(digest.Reply, Does.Contain("shipment: digest"));
            Assert.That(off.Reply, Does.Contain("sale: off").And.Contain("stock: off"));
            Assert.That(stored.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Digest));
            Assert.That(stored.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Off));
            Assert.That(stored.Delivery.ModeFor("sale"), Is.EqualTo(DeliveryMode.Off));
            Assert.That(stored.Delivery.QuietFrom, Is.EqualTo(new TimeOnly(22, 0)));
            Assert.That(stored.Delivery.QuietUntil, Is.EqualTo(new TimeOnly(7, 0)));
            Assert.That(stored.Delivery.TimeZone, Is.EqualTo("Asia/Seoul"));
            Assert.That(stored.PreferredNetwork, Is.EqualTo(SdkHarness.Social));
        });

        var now = await commands.HandleAsync(SdkHarness.Social, "minji", "now shipment");
        var quietOff = await commands.HandleAsync(SdkHarness.Social, "minji", "quiet off");
        var shown = await commands.HandleAsync(SdkHarness.Social, "minji", "settings");
        stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.Multiple(() =>
        {
            Assert.That(now.Outcome, Is.EqualTo(PreferenceCommandOutcome.Changed));
            Assert.That(stored.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Immediately));
            Assert.That(stored.Delivery.QuietFrom, Is.Null);
            Assert.That(quietOff.Reply, Does.Contain("quiet hours: none"));
            Assert.That(shown.Outcome, Is.EqualTo(PreferenceCommandOutcome.Shown));
            Assert.That(shown.Reply, Does.Contain("stock: off").And.Contain("Asia/Seoul").And.Contain("Language: English"));
        });

        // Every change is audited as done over SNS.
        var audit = await sdk.Audit.QueryAsync(session.ParticipantId);
        Assert.That(audit.Count(a => a.Action == AuditAction.PreferencesChanged && a.Detail!.Contains("by sns:social", StringComparison.Ordinal)), Is.EqualTo(7));
    }

    [Test]
    public async Task Korean_commands_change_the_stored_preferences_and_the_reply_is_in_korean()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji", locale: "ko-KR");
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        var digest = await commands.HandleAsync(SdkHarness.Social, "minji", "요약 배송");
        await commands.HandleAsync(SdkHarness.Social, "minji", "끄기 재고");
        await commands.HandleAsync(SdkHarness.Social, "minji", "정산 요약");
        await commands.HandleAsync(SdkHarness.Social, "minji", "방해금지 23:30-06:00");
        var zone = await commands.HandleAsync(SdkHarness.Social, "minji", "시간대 Asia/Seoul");

        var stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.Multiple(() =>
        {
            Assert.That(digest.Outcome, Is.EqualTo(PreferenceCommandOutcome.Changed));
            Assert.That(digest.Locale, Is.EqualTo("ko-KR"));
            Assert.That(digest.Reply, Does.Contain("배송: 요약"));
            Assert.That(zone.Reply, Does.Contain("시간대: Asia/Seoul"));
            Assert.That(stored.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Digest));
            Assert.That(stored.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Off));
            Assert.That(stored.Delivery.ModeFor("settlement"), Is.EqualTo(DeliveryMode.Digest));
            Assert.That(stored.Delivery.QuietFrom, Is.EqualTo(new TimeOnly(23, 30)));
            Assert.That(stored.Delivery.QuietUntil, Is.EqualTo(new TimeOnly(6, 0)));
            Assert.That(stored.Delivery.TimeZone, Is.EqualTo("Asia/Seoul"));
        });

        var quietOff = await commands.HandleAsync(SdkHarness.Social, "minji", "방해금지 해제");
        var now = await commands.HandleAsync(SdkHarness.Social, "minji", "즉시 배송");
        var shown = await commands.HandleAsync(SdkHarness.Social, "minji", "설정");
        Assert.That(quietOff.Reply, Does.Contain("방해금지: 없음"));
        Assert.That(now.Reply, Does.Contain("배송: 즉시"));
        Assert.That(shown.Reply, Does.Contain("재고: 끄기").And.Contain("언어: 한국어"));

        // Switching language: stored, and the confirmation already comes in the new language.
        var english = await commands.HandleAsync(SdkHarness.Social, "minji", "언어 영어");
        stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.That(stored.PreferredLocale, Is.EqualTo("en-US"));
        Assert.That(stored.Delivery.QuietFrom, Is.Null);
        Assert.That(stored.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Immediately));
        Assert.That(english.Locale, Is.EqualTo("en-US"));
        Assert.That(english.Reply, Does.Contain("language: English"));

        var korean = await commands.HandleAsync(SdkHarness.Social, "minji", "language ko");
        Assert.That((await sdk.Store.GetParticipantAsync(session.ParticipantId))!.PreferredLocale, Is.EqualTo("ko-KR"));
        Assert.That(korean.Reply, Does.Contain("언어: 한국어"));
    }

    [TestCase("digest shipmnet", "en-US", "'shipmnet' is not a kind of notice")]
    [TestCase("quiet 25:00-07:00", "en-US", "quiet 22:00-07:00")]
    [TestCase("timezone Mars/Olympus", "en-US", "'Mars/Olympus' is not a time zone")]
    [TestCase("network micro", "en-US", "You are not linked on 'micro'")]
    [TestCase("language french", "en-US", "English or Korean")]
    [TestCase("off", "en-US", "Say which kind")]
    [TestCase("요약 택배", "ko-KR", "'택배'은(는) 알림 종류가 아닙니다")]
    [TestCase("방해금지 밤", "ko-KR", "방해금지 해제")]
    [TestCase("시간대 서울", "ko-KR", "알 수 없는 시간대")]
    [TestCase("네트워크 micro", "ko-KR", "연결된 계정이 없습니다")]
    public async Task A_bad_command_gets_a_helpful_reply_in_the_persons_language_and_changes_nothing(string text, string locale, string expected)
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji", locale: locale);
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();
        var before = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;

        var result = await commands.HandleAsync(SdkHarness.Social, "minji", text);

        Assert.That(result.Outcome, Is.EqualTo(PreferenceCommandOutcome.Invalid));
        Assert.That(result.Reply, Does.Contain(expected));
        Assert.That(result.Reply, Does.Contain(locale == "ko-KR" ? "도움말" : "help"));
        var after = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.That(after.Version, Is.EqualTo(before.Version));
        Assert.That(after.Delivery, Is.EqualTo(before.Delivery));
        Assert.That(after.PreferredNetwork, Is.EqualTo(before.PreferredNetwork));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Any(a => a.Action == AuditAction.PreferencesChanged), Is.False);
    }

    [Test]
    public async Task Text_that_is_no_command_gets_the_list_of_commands_and_changes_nothing()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji", locale: "ko-KR");
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        var chat = await commands.HandleAsync(SdkHarness.Social, "minji", "안녕하세요! 멋진 머그컵이네요");
        var help = await commands.HandleAsync(SdkHarness.Social, "minji", "도움말");

        Assert.That(chat.Outcome, Is.EqualTo(PreferenceCommandOutcome.NotACommand));
        Assert.That(help.Outcome, Is.EqualTo(PreferenceCommandOutcome.Help));
        Assert.That(help.Reply, Does.Contain("방해금지 22:00-07:00").And.Contain("배송"));
        Assert.That((await sdk.Store.GetParticipantAsync(session.ParticipantId))!.Version, Is.EqualTo(session.Participant.Version));
    }

    [Test]
    public async Task A_command_from_an_author_linked_to_no_one_changes_nothing_and_the_text_cannot_name_whose_settings_change()
    {
        await using var sdk = new SdkHarness();
        var minji = await sdk.SignInNewAsync("minji");
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();
        var before = (await sdk.Store.GetParticipantAsync(minji.ParticipantId))!;

        // A stranger, and a stranger naming Minji's handle, id or network subject in the text.
        var stranger = await commands.HandleAsync(SdkHarness.Social, "stranger", "off shipment");
        var naming = await commands.HandleAsync(SdkHarness.Social, "stranger", $"@minji {minji.ParticipantId} off all");
        // Minji's subject on the wrong network is someone else.
        var otherNetwork = await commands.HandleAsync(SdkHarness.Micro, "minji", "off shipment");

        Assert.Multiple(() =>
        {
            Assert.That(stranger.Outcome, Is.EqualTo(PreferenceCommandOutcome.UnknownAuthor));
            Assert.That(CultureInfo.GetCultureInfo(stranger.Locale).Name, Is.EqualTo("ko-KR"), "one culture name, the reply's first language");
            Assert.That(naming.Outcome, Is.EqualTo(PreferenceCommandOutcome.UnknownAuthor));
            Assert.That(otherNetwork.Outcome, Is.EqualTo(PreferenceCommandOutcome.UnknownAuthor));
            Assert.That(stranger.ParticipantId, Is.Null);
            Assert.That(stranger.Settings, Is.Null);
        });

        var after = (await sdk.Store.GetParticipantAsync(minji.ParticipantId))!;
        Assert.That(after.Version, Is.EqualTo(before.Version));
        Assert.That(after.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Immediately));
        Assert.That(await sdk.Audit.QueryAsync(), Has.None.Matches<AuditEntry>(a => a.Action == AuditAction.PreferencesChanged));
    }

    [Test]
    public async Task Replies_to_a_brand_post_are_applied_once_across_two_polls()
    {
        var board = default(ReplyBoardConnector);
        await using var sdk = new SdkHarness(build: b => b.AddSnsConnector("board", sp => board = new ReplyBoardConnector("board", sp.GetRequiredService<TimeProvider>())));
        _ = sdk.Services.GetRequiredService<ICoCreationProviders>().GetSns("board");
        var minji = await sdk.SignIn.SignInAsync("board", board!.AddAccount("minji", "@minji"));
        var jun = await sdk.SignIn.SignInAsync("board", board.AddAccount("jun", "@jun"));
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();
        await preferences.ChangeAsync(jun, new DeliverySettingsChange { Locale = "en-US" });
        var brandPost = board.Post("brand", "Reply to this post to change your notifications (digest shipment / 요약 배송)");

        board.Post("minji", "@brand 요약 배송", brandPost.Id);
        board.Post("jun", "@brand off stock", brandPost.Id);
        board.Post("stranger", "off shipment", brandPost.Id);
        board.Post("jun", "digest shipment", "some-other-post");

        var first = await commands.ApplyRepliesAsync("board", brandPost.Id);

        Assert.That(first.Select(r => (r.AuthorSubject, r.Outcome)), Is.EqualTo(new[]
        {
            ("minji", PreferenceCommandOutcome.Changed),
            ("jun", PreferenceCommandOutcome.Changed),
            ("stranger", PreferenceCommandOutcome.UnknownAuthor),
        }));
        Assert.That(first[0].PostId, Is.Not.Null);
        var minjiVersion = (await sdk.Store.GetParticipantAsync(minji.ParticipantId))!.Version;
        Assert.That((await sdk.Store.GetParticipantAsync(jun.ParticipantId))!.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Off));
        Assert.That((await sdk.Store.GetParticipantAsync(jun.ParticipantId))!.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Immediately));

        // Minji changes her mind through the API; re-reading her old reply must not undo it.
        await preferences.ChangeAsync(minji, new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode> { ["shipment"] = DeliveryMode.Off } });
        board.Post("jun", "@brand now stock", brandPost.Id);
        board.Post("minji", "@brand 끄기 재고", brandPost.Id);

        var second = await commands.ApplyRepliesAsync("board", brandPost.Id);

        Assert.That(second.Select(r => (r.AuthorSubject, r.Outcome)), Is.EqualTo(new[]
        {
            ("jun", PreferenceCommandOutcome.Changed),
            ("minji", PreferenceCommandOutcome.Changed),
        }));
        var storedMinji = (await sdk.Store.GetParticipantAsync(minji.ParticipantId))!;
        Assert.That(storedMinji.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Off));
        Assert.That(storedMinji.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Off));
        Assert.That(storedMinji.Version, Is.EqualTo(minjiVersion + 2));
        Assert.That((await sdk.Store.GetParticipantAsync(jun.ParticipantId))!.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Immediately));

        // Nothing new: a third poll applies nothing.
        Assert.That(await commands.ApplyRepliesAsync("board", brandPost.Id), Is.Empty);
        Assert.That(board.RepliesReads, Is.EqualTo(3));
    }

    [Test]
    public async Task Reading_replies_needs_a_registered_connector_that_reads_replies()
    {
        await using var sdk = new SdkHarness();
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        var unregistered = Assert.ThrowsAsync<CoCreationValidationException>(() => commands.ApplyRepliesAsync("nowhere", "p1"));
        var noReplies = Assert.ThrowsAsync<CoCreationValidationException>(() => commands.ApplyRepliesAsync(SdkHarness.Social, "p1"));
        Assert.That(unregistered!.Field, Is.EqualTo("network"));
        Assert.That(noReplies!.Field, Is.EqualTo("network"));
    }
}
