using System.Collections.Immutable;
using CoCreation.Sdk.Tests.Fakes;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The relay honours a person's stored delivery preferences: quiet hours hold a delivery until they end (urgent kinds
/// pass), a kind turned off is not sent, and a kind taken as a digest arrives as one message per window. Every check
/// reads what the network received.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class DeliveryPreferencesRelayTests
{
    private const string ShipmentType = "com.cocreation.shipment.sent";
    private const string RevokedType = "com.cocreation.access.revoked";

    // SdkHarness.Start is Monday 2 March 2026, 01:00 UTC (10:00 in Seoul).
    private static readonly DateTimeOffset Start = SdkHarness.Start;

    private static readonly RecipientSelector Addressed = new((e, _, _) =>
        Task.FromResult<IReadOnlyList<string>>((e.GetData("to") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));

    internal static SdkHarness Harness(Action<RelayOptions>? relay = null) => new(
        o => relay?.Invoke(o.Relay),
        b => b
            .AddRelayRule(new RelayRule
            {
                Name = "shipment",
                EventType = ShipmentType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 발송", "Order {orderId} shipped"),
            })
            .AddRelayRule(new RelayRule
            {
                Name = "revoked",
                EventType = RevokedType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("권한 회수 {orderId}", "Access revoked {orderId}"),
            }),
        idempotencyKeys: true);

    internal static CoCreationEvent Event(string id, string to, string type = ShipmentType) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module("test"),
        Type = type,
        Time = Start,
        Data = ImmutableDictionary<string, string>.Empty.Add("to", to).Add("orderId", id),
    };

    private static async Task<string> PersonAsync(SdkHarness sdk, string subject, DeliveryPreferences preferences, string locale = "en-US")
    {
        var id = (await sdk.SignInNewAsync(subject, locale)).ParticipantId;
        await SetPreferencesAsync(sdk, id, preferences);
        return id;
    }

    // As the preference API would: the participant written back through the store with the version it was read at.
    private static async Task SetPreferencesAsync(SdkHarness sdk, string participantId, DeliveryPreferences preferences)
    {
        var participant = (await sdk.Store.GetParticipantAsync(participantId))!;
        await sdk.Store.ApplyAsync(new StoreChanges().PutParticipant(participant with { Delivery = preferences }, participant.Version));
    }

    private static DeliveryPreferences Quiet(int from, int until, string? zone = null) => new()
    {
        TimeZone = zone,
        QuietFrom = new TimeOnly(from, 0),
        QuietUntil = new TimeOnly(until, 0),
    };

    private static DeliveryPreferences Modes(string kind, DeliveryMode mode) => new()
    {
        Kinds = ImmutableDictionary.Create<string, DeliveryMode>(StringComparer.Ordinal).Add(kind, mode),
    };

    [Test]
    public async Task A_delivery_in_quiet_hours_is_held_and_sent_once_when_they_end()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Quiet(0, 7));

        var published = await sdk.Relay.PublishAsync(Event("o1", id));
        var result = published.Deliveries.Single();

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(result.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero)), "held until the quiet hours end");
        Assert.That(result.Attempts, Is.Zero, "holding is not an attempt");
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty, "nothing is sent during quiet hours");

        sdk.Clock.Advance(TimeSpan.FromHours(6) - TimeSpan.FromSeconds(1));
        Assert.That(await sdk.Relay.DeliverDueAsync(), Is.Empty, "not due a second before the end");

        sdk.Clock.Advance(TimeSpan.FromSeconds(1));
        var delivered = await sdk.Relay.DeliverDueAsync();
        sdk.Clock.Advance(TimeSpan.FromHours(1));
        var again = await sdk.Relay.DeliverDueAsync();

        Assert.That(delivered.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(delivered.Single().Attempts, Is.EqualTo(1));
        Assert.That(again, Is.Empty);
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Order o1 shipped" }), "sent exactly once");
    }

    [Test]
    public async Task A_relay_worker_holds_a_delivery_in_quiet_hours_as_a_publish_does()
    {
        await using var sdk = Harness(r => r.SendOnPublish = false);
        var id = await PersonAsync(sdk, "minji", Quiet(0, 7));

        var enqueued = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();
        var held = (await sdk.Relay.DeliverDueAsync()).Single();
        var stored = await sdk.Store.GetOutboxMessageAsync(held.DeliveryKey);

        Assert.That(enqueued.NextAttemptAt, Is.EqualTo(Start), "enqueued due at once");
        Assert.That(held.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(held.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero)));
        Assert.That(stored!.NextAttemptAt, Is.EqualTo(held.NextAttemptAt), "the hold is stored, so any worker waits for it");
        Assert.That(stored.Attempts, Is.Zero);
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty);

        sdk.Clock.Advance(TimeSpan.FromHours(6));
        Assert.That((await sdk.Relay.DeliverDueAsync()).Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task An_urgent_kind_passes_the_quiet_hours_unless_the_options_say_otherwise()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Quiet(0, 7));
        await using var strict = Harness(r => r.UrgentKinds.Clear());
        var strictId = await PersonAsync(strict, "jisoo", Quiet(0, 7));

        var urgent = await sdk.Relay.PublishAsync(Event("r1", id, RevokedType));
        var shipment = await sdk.Relay.PublishAsync(Event("o1", id));
        var notUrgent = await strict.Relay.PublishAsync(Event("r1", strictId, RevokedType));

        Assert.That(urgent.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(shipment.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Access revoked r1" }));
        Assert.That(notUrgent.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(strict.SocialSns.InboxOf("jisoo"), Is.Empty, "with no urgent kinds configured, access waits too");
    }

    [Test]
    public async Task Quiet_hours_over_midnight_are_reckoned_in_the_persons_time_zone()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Quiet(22, 8, "Asia/Seoul"), "ko-KR");

        // 10:00 in Seoul: outside 22:00-08:00, sent at once.
        var morning = await sdk.Relay.PublishAsync(Event("o1", id));

        // 23:30 in Seoul (14:30 UTC): held until 08:00 in Seoul the next morning, 23:00 UTC.
        sdk.Clock.Advance(TimeSpan.FromHours(13.5));
        var night = await sdk.Relay.PublishAsync(Event("o2", id));

        // 02:00 in Seoul (17:00 UTC), after midnight: the same end.
        sdk.Clock.Advance(TimeSpan.FromHours(2.5));
        var small = await sdk.Relay.PublishAsync(Event("o3", id));

        Assert.That(morning.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        var end = new DateTimeOffset(2026, 3, 2, 23, 0, 0, TimeSpan.Zero);
        Assert.That(night.Deliveries.Single().NextAttemptAt, Is.EqualTo(end));
        Assert.That(small.Deliveries.Single().NextAttemptAt, Is.EqualTo(end));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));

        sdk.Clock.Advance(end - sdk.Clock.GetUtcNow());
        var delivered = await sdk.Relay.DeliverDueAsync();

        Assert.That(delivered.Select(d => d.Status), Is.EqualTo(new[] { DeliveryStatus.Delivered, DeliveryStatus.Delivered }));
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "주문 o1 발송", "주문 o2 발송", "주문 o3 발송" }));
    }

    [Test]
    public async Task An_unknown_time_zone_is_taken_as_utc()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Quiet(0, 7, "Mars/Olympus_Mons"));

        var result = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();

        Assert.That(result.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero)));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty);
    }

    [Test]
    public async Task A_kind_turned_off_is_not_sent_and_recorded_as_suppressed()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Off));

        var result = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();
        var revoked = (await sdk.Relay.PublishAsync(Event("r1", id, RevokedType))).Deliveries.Single();
        sdk.Clock.Advance(TimeSpan.FromDays(2));
        var later = await sdk.Relay.DeliverDueAsync();
        var stored = await sdk.Store.GetOutboxMessageAsync(result.DeliveryKey);

        Assert.That(result.Status, Is.EqualTo(DeliveryStatus.Suppressed));
        Assert.That(stored!.Status, Is.EqualTo(DeliveryStatus.Suppressed));
        Assert.That(stored.Attempts, Is.Zero);
        Assert.That(stored.LastError, Does.Contain("shipment"));
        Assert.That(later, Is.Empty, "a suppressed delivery is never due");
        Assert.That(revoked.Status, Is.EqualTo(DeliveryStatus.Delivered), "other kinds still arrive");
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Access revoked r1" }));
    }

    [Test]
    public async Task Changing_the_stored_preferences_changes_the_next_delivery()
    {
        await using var sdk = Harness();
        var id = (await sdk.SignInNewAsync("minji", "en-US")).ParticipantId;

        var first = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();
        await SetPreferencesAsync(sdk, id, Modes("shipment", DeliveryMode.Off));
        var second = (await sdk.Relay.PublishAsync(Event("o2", id))).Deliveries.Single();
        await SetPreferencesAsync(sdk, id, Modes("shipment", DeliveryMode.Digest));
        var third = (await sdk.Relay.PublishAsync(Event("o3", id))).Deliveries.Single();
        await SetPreferencesAsync(sdk, id, Quiet(0, 7));
        var fourth = (await sdk.Relay.PublishAsync(Event("o4", id))).Deliveries.Single();
        await SetPreferencesAsync(sdk, id, DeliveryPreferences.Default);
        var fifth = (await sdk.Relay.PublishAsync(Event("o5", id))).Deliveries.Single();

        Assert.That(first.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(second.Status, Is.EqualTo(DeliveryStatus.Suppressed));
        Assert.That(third.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(third.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero)), "held for the 18:00 digest");
        Assert.That(fourth.NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 7, 0, 0, TimeSpan.Zero)), "held for the end of the quiet hours");
        Assert.That(fifth.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Order o1 shipped", "Order o5 shipped" }));

        // The held ones follow the preferences at their next attempt: with none left, o3 and o4 go out on their own.
        sdk.Clock.Advance(TimeSpan.FromHours(17));
        await sdk.Relay.DeliverDueAsync();
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EquivalentTo(new[] { "Order o1 shipped", "Order o5 shipped", "Order o3 shipped", "Order o4 shipped" }));
    }

    [Test]
    public async Task Events_of_a_digest_kind_arrive_as_one_message_when_the_window_ends()
    {
        await using var sdk = Harness(r => r.DigestTime = new TimeOnly(18, 0));
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Digest) with { TimeZone = "Asia/Seoul" }, "ko-KR");

        // 10:00, 11:00 and 12:00 in Seoul: the window ends at 18:00 in Seoul, 09:00 UTC.
        var held = new List<DeliveryResult>();
        for (var i = 1; i <= 3; i++)
        {
            held.Add((await sdk.Relay.PublishAsync(Event($"o{i}", id))).Deliveries.Single());
            sdk.Clock.Advance(TimeSpan.FromHours(1));
        }

        var windowEnd = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        Assert.That(held.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        Assert.That(held.Select(d => d.NextAttemptAt), Is.All.EqualTo(windowEnd));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty);
        Assert.That(await sdk.Relay.DeliverDueAsync(), Is.Empty, "not before the window ends");

        sdk.Clock.Advance(windowEnd - sdk.Clock.GetUtcNow());
        var sent = await sdk.Relay.DeliverDueAsync();
        var again = await sdk.Relay.DeliverDueAsync();

        var inbox = sdk.SocialSns.InboxOf("minji");
        Assert.That(inbox, Has.Count.EqualTo(1), "one digest");
        Assert.That(inbox[0].Text, Does.StartWith("하루 요약 (배송, 2026-03-02까지): 알림 3건"));
        Assert.That(inbox[0].Text, Does.Contain("주문 o1 발송").And.Contain("주문 o2 발송").And.Contain("주문 o3 발송"));
        Assert.That(sent.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sent.Select(d => d.DigestKey).Distinct().Single(), Is.Not.Null);
        Assert.That(sent.Select(d => d.DeliveryKey), Is.EquivalentTo(held.Select(d => d.DeliveryKey)));
        Assert.That(again, Is.Empty);
        foreach (var delivery in held)
        {
            Assert.That((await sdk.Store.GetOutboxMessageAsync(delivery.DeliveryKey))!.Status, Is.EqualTo(DeliveryStatus.Delivered));
        }
    }

    [Test]
    public async Task A_digest_whose_outcome_was_lost_is_sent_again_under_its_key_and_arrives_once()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Digest));
        var keys = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            keys.Add((await sdk.Relay.PublishAsync(Event($"o{i}", id))).Deliveries.Single().DeliveryKey);
        }

        var before = await sdk.Store.GetOutboxMessagesAsync(keys);
        sdk.Clock.Advance(TimeSpan.FromHours(17));
        var first = await sdk.Relay.DeliverDueAsync();

        // The send happened but the outcome never reached the store: the entries are as they were before it.
        var lost = new StoreChanges();
        foreach (var entry in before)
        {
            lost.PutOutbox(entry);
        }

        await sdk.Store.ApplyAsync(lost);
        var second = await sdk.Relay.DeliverDueAsync();

        var digestKey = first.Select(d => d.DigestKey).Distinct().Single();
        Assert.That(second.Select(d => d.DigestKey).Distinct().Single(), Is.EqualTo(digestKey), "the same key again");
        Assert.That(sdk.SocialSns.SentKeys.Count(k => k == digestKey), Is.EqualTo(2), "sent twice under the key");
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1), "the network dropped the second");
        Assert.That((await sdk.Store.GetOutboxMessagesAsync(keys)).Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task A_late_arrival_after_its_digest_was_sealed_waits_for_the_next_digest()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Digest));
        var held = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();
        var template = (await sdk.Store.GetOutboxMessageAsync(held.DeliveryKey))!;
        sdk.Clock.Advance(TimeSpan.FromHours(17));
        var first = await sdk.Relay.DeliverDueAsync();

        // A delivery of the same window whose enqueue committed only after the digest went out.
        var late = template with
        {
            DeliveryKey = "late-delivery",
            Event = Event("o2", id),
            Status = DeliveryStatus.Pending,
            NextAttemptAt = sdk.Clock.GetUtcNow(),
        };
        await sdk.Store.ApplyAsync(new StoreChanges().PutOutbox(late));
        var waiting = await sdk.Relay.DeliverDueAsync();

        Assert.That(waiting.Single().Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(waiting.Single().NextAttemptAt, Is.EqualTo(new DateTimeOffset(2026, 3, 3, 18, 0, 0, TimeSpan.Zero)), "the next window's end");
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));

        sdk.Clock.Advance(TimeSpan.FromDays(1));
        var second = await sdk.Relay.DeliverDueAsync();

        var inbox = sdk.SocialSns.InboxOf("minji");
        Assert.That(inbox, Has.Count.EqualTo(2));
        Assert.That(inbox[0].Text, Does.Contain("Order o1 shipped").And.Not.Contain("o2"));
        Assert.That(inbox[1].Text, Does.Contain("Order o2 shipped").And.Not.Contain("o1"));
        Assert.That(second.Single().DigestKey, Is.Not.EqualTo(first.Single().DigestKey));
    }

    [Test]
    public async Task A_digest_falling_in_quiet_hours_is_sent_when_they_end()
    {
        await using var sdk = Harness(r => r.DigestTime = new TimeOnly(23, 0));
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Digest) with { QuietFrom = new TimeOnly(22, 0), QuietUntil = new TimeOnly(7, 0) });

        var held = (await sdk.Relay.PublishAsync(Event("o1", id))).Deliveries.Single();
        var quietEnd = new DateTimeOffset(2026, 3, 3, 7, 0, 0, TimeSpan.Zero);
        Assert.That(held.NextAttemptAt, Is.EqualTo(quietEnd), "the 23:00 digest waits for 07:00");

        sdk.Clock.Advance(TimeSpan.FromHours(22));
        Assert.That(await sdk.Relay.DeliverDueAsync(), Is.Empty);
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty);

        sdk.Clock.Advance(quietEnd - sdk.Clock.GetUtcNow());
        var sent = await sdk.Relay.DeliverDueAsync();

        Assert.That(sent.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji").Single().Text, Does.Contain("Order o1 shipped"));
    }

    [Test]
    public async Task A_digest_that_fails_for_a_while_is_retried_whole_and_arrives_once()
    {
        await using var sdk = Harness();
        var id = await PersonAsync(sdk, "minji", Modes("shipment", DeliveryMode.Digest));
        for (var i = 1; i <= 2; i++)
        {
            await sdk.Relay.PublishAsync(Event($"o{i}", id));
        }

        sdk.Clock.Advance(TimeSpan.FromHours(17));
        sdk.SocialSns.Fail(SnsFailure.Transient, count: 1);
        var failed = await sdk.Relay.DeliverDueAsync();

        Assert.That(failed.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Pending));
        Assert.That(failed.Select(d => d.Attempts), Is.All.EqualTo(1), "one attempt for all of the digest");
        Assert.That(failed.Select(d => d.NextAttemptAt).Distinct().Count(), Is.EqualTo(1), "retried together");
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty);

        sdk.Clock.Advance(failed[0].NextAttemptAt!.Value - sdk.Clock.GetUtcNow());
        var sent = await sdk.Relay.DeliverDueAsync();

        Assert.That(sent.Select(d => d.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji").Single().Text, Does.Contain("Order o1 shipped").And.Contain("Order o2 shipped"));
    }

    [Test]
    public void A_digest_longer_than_the_network_takes_lists_what_fits_and_counts_the_rest()
    {
        var lines = Enumerable.Range(1, 30).Select(i => new DigestComposer.Line("en-US", $"Order {i:D3} shipped with a tracking number that is fairly long")).ToList();

        var (locale, text) = DigestComposer.Compose("shipment", new DateOnly(2026, 3, 2), lines, 500);
        var (_, korean) = DigestComposer.Compose("shipment", new DateOnly(2026, 3, 2), [.. lines.Select(l => l with { Locale = "ko-KR" })], 500);

        Assert.That(locale, Is.EqualTo("en-US"));
        Assert.That(text.Length, Is.LessThanOrEqualTo(500));
        Assert.That(text, Does.StartWith("Daily digest (shipment, until 2026-03-02): 30 updates\n• Order 001 shipped"));
        var listed = text.Split('\n').Count(l => l.StartsWith('•'));
        Assert.That(text, Does.EndWith($"… and {30 - listed} more"));
        Assert.That(listed, Is.GreaterThan(3));
        Assert.That(korean.Length, Is.LessThanOrEqualTo(500));
        Assert.That(korean, Does.EndWith($"… 외 {30 - korean.Split('\n').Count(l => l.StartsWith('•'))}건"));
    }

    [Test]
    public void Quiet_hours_and_digest_windows_survive_the_clocks_changing()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var quiet = new DeliveryPreferences { TimeZone = "America/New_York", QuietFrom = new TimeOnly(1, 0), QuietUntil = new TimeOnly(2, 30) };

        // 8 March 2026, 02:00-03:00 local does not exist: quiet hours until 02:30 end at 03:00 EDT, and a 02:30 digest
        // window ends then too.
        var beforeGap = new DateTimeOffset(2026, 3, 8, 6, 45, 0, TimeSpan.Zero); // 01:45 EST
        Assert.That(DeliveryClock.IsQuiet(quiet, zone, beforeGap, out var quietEnd), Is.True);
        Assert.That(quietEnd, Is.EqualTo(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero)));
        var end = DeliveryClock.WindowEndAfter(beforeGap, new TimeOnly(2, 30), zone);
        Assert.That(end, Is.EqualTo(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero)), "02:30 skipped: the first minute after the gap, 03:00 EDT");

        // 1 November 2026, 01:30 local happens twice: the first one counts.
        var fallBack = DeliveryClock.ToUtc(new DateTime(2026, 11, 1, 1, 30, 0), zone);
        Assert.That(fallBack, Is.EqualTo(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero)));
    }
}
