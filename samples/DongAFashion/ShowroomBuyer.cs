using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace DongAFashion;

/// <summary>
/// Sora, the buyer of Dong-A's New York showroom, follows the dress from step 9: a DM per sale and a notice per
/// shipment. Her delivery preferences keep the story's Seoul afternoons from waking her: quiet hours from 23:00 to
/// 08:00 New York time, and shipments as one daily digest at 18:00 (the relay's <see cref="RelayOptions.DigestTime"/>)
/// in her time zone.
/// </summary>
/// <remarks>
/// The story's clock makes the effect plain. Steps 9 to 11 happen at 15:00–16:00 in Seoul, 02:00–03:00 in New York:
/// her sale DMs are held until 08:00 there, and her shipment notices are collected for the 18:00 digest. Step 12's
/// relay run, at 11:00 in Seoul the next day (22:00 in New York), is the first after both: it delivers the held DMs
/// and one digest that lists every shipment. The checks read her inbox at the network.
/// </remarks>
public sealed partial class DongAFashionScenario
{
    public const string ShowroomTimeZone = "America/New_York";
    public static readonly TimeOnly ShowroomQuietFrom = new(23, 0);
    public static readonly TimeOnly ShowroomQuietUntil = new(8, 0);

    /// <summary>The first step after which the relay has run outside her quiet hours and after her digest window.</summary>
    private const int ShowroomDeliveredStep = 12;

    public EmbeddedSnsAccount Sora { get; }

    private static TimeZoneInfo ShowroomZone => TimeZoneInfo.FindSystemTimeZoneById(ShowroomTimeZone);

    private void AddShowroomRules(ICoCreationBuilder builder)
    {
        var subject = Sora.Subject;
        var sora = new RecipientSelector(async (_, identities, cancellationToken) =>
            await identities.FindBySnsAsync(Social, subject, cancellationToken).ConfigureAwait(false) is { } participant ? [participant.Id] : []);
        builder
            .AddRelayRule(new RelayRule
            {
                Name = "showroom.sale",
                EventType = CoCreationEventTypes.SaleCompleted,
                Recipients = sora,
                Template = MessageTemplate.KoreanAndEnglish("[뉴욕 쇼룸] '{title}' {quantity}벌 판매 (주문 {saleId})", "[NY showroom] {quantity} × '{title}' sold (order {saleId})"),
            })
            .AddRelayRule(new RelayRule
            {
                Name = "showroom.shipment",
                EventType = CoCreationEventTypes.ShipmentSent,
                Recipients = sora,
                Template = MessageTemplate.KoreanAndEnglish("주문 {saleId} 발송 ({carrier} {trackingNumber})", "order {saleId} shipped ({carrier} {trackingNumber})"),
            });
    }

    /// <summary>
    /// Sora signs in over SNS and sets her preferences herself, with three direct messages to the brand that the
    /// preference commands apply (each checked, versioned and audited). A re-run whose stored preferences already say
    /// so sends none.
    /// </summary>
    private async Task ShowroomBuyerJoinsAsync(List<string> details)
    {
        var session = await SignIn.SignInAsync(Social, Sora.Credential).ConfigureAwait(false);
        var participant = await _services.GetRequiredService<ICoCreationStore>().GetParticipantAsync(session.ParticipantId).ConfigureAwait(false)
            ?? throw new ScenarioCheckException("Sora is not a participant after signing in");
        if (participant.Delivery.TimeZone != ShowroomTimeZone || participant.Delivery.QuietFrom != ShowroomQuietFrom
            || participant.Delivery.QuietUntil != ShowroomQuietUntil || participant.Delivery.ModeFor("shipment") != DeliveryMode.Digest)
        {
            var commands = _services.GetRequiredService<IPreferenceCommands>();
            foreach (var text in new[] { $"timezone {ShowroomTimeZone}", $"quiet {ShowroomQuietFrom:HH\\:mm}-{ShowroomQuietUntil:HH\\:mm}", "digest shipment" })
            {
                var applied = await commands.HandleAsync(Social, Sora.Subject, text).ConfigureAwait(false);
                if (applied.Outcome is not (PreferenceCommandOutcome.Changed or PreferenceCommandOutcome.Shown))
                {
                    throw new ScenarioCheckException($"Sora's command '{text}' was not applied ({applied.Outcome}: {applied.Reply})");
                }

                details.Add(T($"소라 → 브랜드 DM \"{text}\" → 답장: {applied.Reply}", $"Sora → brand DM \"{text}\" → reply: {applied.Reply}"));
            }
        }

        details.Add(T(
            $"이소라(뉴욕 쇼룸 바이어)가 SNS로 가입: 방해 금지 시간 {ShowroomQuietFrom:HH\\:mm}–{ShowroomQuietUntil:HH\\:mm}(뉴욕 시각), 발송 알림은 매일 18:00 요약으로",
            $"Sora (New York showroom buyer) signs up over SNS: quiet hours {ShowroomQuietFrom:HH\\:mm}–{ShowroomQuietUntil:HH\\:mm} New York time, shipment notices as a daily 18:00 digest"));
    }

    /// <summary>What the outbox holds back for Sora now, for the transcript (the checks read her inbox instead).</summary>
    private async Task DescribeShowroomHeldAsync(List<string> details, string ruleName)
    {
        var participant = await Identities.FindBySnsAsync(Social, Sora.Subject).ConfigureAwait(false);
        if (participant is null)
        {
            return;
        }

        var now = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), ShowroomZone);
        var held = (await _services.GetRequiredService<ICoCreationStore>().GetOutboxByStatusAsync(DeliveryStatus.Pending).ConfigureAwait(false))
            .Where(m => m.RecipientId == participant.Id && m.RuleName == ruleName)
            .ToList();
        foreach (var group in held.GroupBy(m => (m.RuleName, m.NextAttemptAt)).OrderBy(g => g.Key.NextAttemptAt))
        {
            var until = TimeZoneInfo.ConvertTime(group.Key.NextAttemptAt, ShowroomZone);
            details.Add(group.Key.RuleName == "showroom.shipment"
                ? T($"뉴욕 {now:HH:mm}: 소라의 발송 알림 {group.Count()}건은 {until:M/d HH:mm}(뉴욕) 하루 요약으로 모아 둠",
                    $"{now:HH:mm} in New York: {group.Count()} shipment notices to Sora collected for her digest at {until:MMM d HH:mm} her time")
                : T($"뉴욕 {now:HH:mm}(방해 금지 시간): 소라의 판매 DM {group.Count()}건은 {until:M/d HH:mm}(뉴욕)까지 보류",
                    $"{now:HH:mm} in New York (quiet hours): {group.Count()} sale DMs to Sora held until {until:MMM d HH:mm} her time"));
        }
    }

    private void DescribeShowroomDelivered(List<string> details)
    {
        var now = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), ShowroomZone);
        var inbox = SocialNetwork.GetInbox(Sora.Subject);
        var digests = inbox.Count(IsShowroomDigest);
        details.Add(T($"뉴욕 {now:HH:mm}: 소라의 받은편지함 {inbox.Count}통 (하루 요약 {digests}통 포함)",
            $"{now:HH:mm} in New York: Sora's inbox holds {inbox.Count} DMs ({digests} daily digest)"));
    }

    // The digest is the one DM that carries tracking numbers: each shipment is a line of it, never a DM of its own.
    private bool IsShowroomDigest(SnsMessage message) => _trackingNumbers.Values.Any(t => message.Text.Contains(t, StringComparison.Ordinal));

    /// <summary>
    /// Sora's sale DMs at the network, for a story that has completed <paramref name="storyAt"/> steps: nothing arrived
    /// in her quiet hours, and the sale DMs of the night wait until the first relay run after 08:00 there, then arrive
    /// once each.
    /// </summary>
    private async Task VerifyShowroomSalesAsync(int storyAt)
    {
        var participant = await Identities.FindBySnsAsync(Social, Sora.Subject).ConfigureAwait(false);
        Require(participant is not null, "Sora's SNS identity resolves to a participant");
        Require(participant!.Delivery.TimeZone == ShowroomTimeZone && participant.Delivery.ModeFor("shipment") == DeliveryMode.Digest,
            "her stored preferences name New York and a digest of shipments");

        var zone = ShowroomZone;
        var inbox = SocialNetwork.GetInbox(Sora.Subject);
        foreach (var message in inbox)
        {
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(message.SentAt, zone).DateTime);
            Require(local >= ShowroomQuietUntil && local < ShowroomQuietFrom,
                $"DM {message.Id} reached @{Sora.Handle} at {local:HH\\:mm} New York time, inside her quiet hours");
        }

        var delivered = storyAt >= ShowroomDeliveredStep;
        var singles = inbox.Where(m => !IsShowroomDigest(m)).ToList();
        foreach (var saleId in _saleSteps.Where(p => p.Value <= storyAt).Select(p => p.Key))
        {
            var expected = delivered ? 1 : 0;
            var count = singles.Count(m => MentionsId(m.Text, saleId));
            Require(count == expected, expected == 1
                ? $"@{Sora.Handle} has exactly one DM for sale {saleId} (she has {count})"
                : $"the DM for sale {saleId} waits for the end of her quiet hours (she has {count})");
        }
    }

    /// <summary>
    /// Sora's shipment notices at the network, for a story that has completed <paramref name="storyAt"/> steps: they
    /// wait for her digest window, then arrive as exactly one digest, after 18:00 there, that lists every tracking number.
    /// </summary>
    private async Task VerifyShowroomDigestAsync(int storyAt)
    {
        var zone = ShowroomZone;
        var delivered = storyAt >= ShowroomDeliveredStep;
        var digests = SocialNetwork.GetInbox(Sora.Subject).Where(IsShowroomDigest).ToList();
        if (!delivered)
        {
            Require(digests.Count == 0, $"her shipment notices wait for her 18:00 digest ({digests.Count} arrived)");
            return;
        }

        Require(digests.Count == 1, $"@{Sora.Handle} got exactly one daily digest of shipments (she has {digests.Count})");
        var digest = digests[0];
        foreach (var tracking in _trackingNumbers.Values)
        {
            Require(digest.Text.Contains(tracking, StringComparison.Ordinal), $"her digest lists tracking number {tracking}");
        }

        // The orders were shipped after they were placed; their window ends at the first 18:00 in New York after that.
        var placed = (await ReadAllSalesAsync().ConfigureAwait(false)).Where(s => _saleSteps.GetValueOrDefault(s.Id) == 9).Min(s => s.SoldAt);
        var placedLocal = TimeZoneInfo.ConvertTime(placed, zone);
        var windowEnd = placedLocal.Date.AddHours(placedLocal.Hour >= 18 ? 42 : 18);
        var sentAt = TimeZoneInfo.ConvertTime(digest.SentAt, zone);
        Require(sentAt.DateTime >= windowEnd, $"her digest arrived after its window ended at {windowEnd:MMM d HH:mm} New York time (it arrived {sentAt:MMM d HH:mm})");
    }
}
