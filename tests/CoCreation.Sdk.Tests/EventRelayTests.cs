using System.Collections.Immutable;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Fakes;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class EventRelayTests
{
    private const string ProgressType = "com.test.progress";
    private const string ListingType = "com.test.listing";
    private const string OrderType = "com.test.order";

    // Recipients named in the event's "to" data value, comma-separated.
    private static readonly RecipientSelector Addressed = new((e, _, _) =>
        Task.FromResult<IReadOnlyList<string>>((e.GetData("to") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));

    private static SdkHarness Harness(Action<RelayOptions>? relay = null) => new(
        o =>
        {
            o.Relay.MaxAttempts = 3;
            relay?.Invoke(o.Relay);
        },
        b => b
            .AddRelayRule(new RelayRule
            {
                Name = "progress",
                EventType = ProgressType,
                Recipients = Addressed,
                Template = MessageTemplate.KoreanAndEnglish("진행률 {percent}% ({subject}) {missing}", "Progress {percent}% ({subject}) {missing}"),
            })
            .AddRelayRule(new RelayRule
            {
                Name = "listing",
                EventType = ListingType,
                Recipients = Addressed,
                Channel = RelayChannel.Mention,
                Template = MessageTemplate.KoreanAndEnglish("{title} 판매 시작", "{title} is on sale"),
            })
            .AddRelayRule(new RelayRule
            {
                Name = "order-owner",
                EventType = "com.test.*",
                When = e => e.Type == OrderType,
                Recipients = RecipientSelector.Owner,
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId}", "Order {orderId}"),
            }));

    private static CoCreationEvent Event(string id, string type = ProgressType, params string[] to) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module("test"),
        Type = type,
        Time = SdkHarness.Start,
        Subject = "orders/7",
        Data = ImmutableDictionary<string, string>.Empty.Add("to", string.Join(",", to)).Add("percent", "40").Add("title", "Scarf"),
    };

    [Test]
    public async Task The_same_event_published_twice_reaches_each_recipient_once()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        var junho = await sdk.SignInNewAsync("junho");
        var e = Event("1", ProgressType, minji.ParticipantId, junho.ParticipantId);

        var first = await sdk.Relay.PublishAsync(e);
        var second = await sdk.Relay.PublishAsync(e);

        Assert.That(first.Deliveries.Select(d => d.Status), Is.EqualTo(new[] { DeliveryStatus.Delivered, DeliveryStatus.Delivered }));
        Assert.That(second.Deliveries.Select(d => d.Status), Is.EqualTo(new[] { DeliveryStatus.Duplicate, DeliveryStatus.Duplicate }));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
        Assert.That(sdk.SocialSns.InboxOf("junho"), Has.Count.EqualTo(1));
        Assert.That(first.Deliveries[0].Network, Is.EqualTo(SdkHarness.Social));
        Assert.That(first.Deliveries[0].MessageId, Is.EqualTo(sdk.SocialSns.InboxOf("minji")[0].Id));
        Assert.That(first.Deliveries[0].DeliveryKey, Has.Length.EqualTo(32).And.Match("^[0-9a-f]+$"));
    }

    [Test]
    public async Task Concurrent_publishes_of_one_event_send_one_message()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        var e = Event("1", ProgressType, minji.ParticipantId);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => sdk.Relay.PublishAsync(e))));

        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
        Assert.That(results.Count(r => r.Deliveries.Single().Status == DeliveryStatus.Delivered), Is.EqualTo(1));
    }

    [Test]
    public async Task The_message_is_written_in_the_recipients_language()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji", "ko-KR");
        var emma = await sdk.SignInNewAsync("emma", "en-US");

        var result = await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId, emma.ParticipantId));

        Assert.That(sdk.SocialSns.InboxOf("minji").Single().Text, Is.EqualTo("진행률 40% (orders/7) {missing}"));
        Assert.That(sdk.SocialSns.InboxOf("emma").Single().Text, Is.EqualTo("Progress 40% (orders/7) {missing}"));
        Assert.That(result.Deliveries[1].Text, Is.EqualTo("Progress 40% (orders/7) {missing}"));
    }

    [Test]
    public async Task A_mention_is_a_public_post_naming_the_recipient_with_the_delivery_key()
    {
        await using var sdk = Harness();
        var emma = await sdk.SignInNewAsync("emma", "en-US");

        var result = await sdk.Relay.PublishAsync(Event("1", ListingType, emma.ParticipantId));

        var post = sdk.SocialSns.Posts.Single();
        Assert.That(post.Text, Is.EqualTo("Scarf is on sale"));
        Assert.That(post.Mentions, Is.EqualTo(new[] { "emma@social.example" }));
        Assert.That(post.IdempotencyKey, Is.EqualTo(result.Deliveries.Single().DeliveryKey));
        Assert.That(sdk.SocialSns.Messages, Is.Empty);
    }

    [Test]
    public async Task A_rate_limit_is_retried_after_the_time_the_network_asked_for()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        sdk.SocialSns.Fail(SnsFailure.RateLimited, count: 1, retryAfter: TimeSpan.FromSeconds(30));

        var pending = (await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId))).Deliveries.Single();

        Assert.That(pending.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(pending.NextAttemptAt, Is.EqualTo(SdkHarness.Start.AddSeconds(30)));
        Assert.That(pending.Error, Does.Contain("RateLimitedException"));

        sdk.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.That(await sdk.Relay.DeliverDueAsync(), Is.Empty);
        Assert.That(sdk.SocialSns.Messages, Is.Empty);

        sdk.Clock.Advance(TimeSpan.FromSeconds(1));
        var delivered = (await sdk.Relay.DeliverDueAsync()).Single();

        Assert.That(delivered.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(delivered.Attempts, Is.EqualTo(2));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
        Assert.That(await sdk.Relay.DeliverDueAsync(), Is.Empty);
    }

    [Test]
    public async Task A_transient_failure_backs_off_from_the_base_delay_with_jitter()
    {
        await using var sdk = Harness(r => r.BaseDelay = TimeSpan.FromSeconds(10));
        var minji = await sdk.SignInNewAsync("minji");
        sdk.SocialSns.Fail(SnsFailure.Transient, count: 1);

        var pending = (await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId))).Deliveries.Single();

        Assert.That(pending.NextAttemptAt, Is.InRange(SdkHarness.Start.AddSeconds(8), SdkHarness.Start.AddSeconds(12)));
        var stored = await sdk.Store.GetOutboxMessageAsync(pending.DeliveryKey);
        Assert.That(stored!.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(stored.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task Failing_transiently_max_attempts_times_dead_letters_and_replay_delivers_once()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        sdk.SocialSns.Fail(SnsFailure.Transient);

        await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId));
        for (var i = 0; i < 5; i++)
        {
            sdk.Clock.Advance(TimeSpan.FromMinutes(15));
            await sdk.Relay.DeliverDueAsync();
        }

        Assert.That(sdk.SocialSns.SendAttempts, Is.EqualTo(3));
        var deadLetter = (await sdk.Relay.GetDeadLettersAsync()).Single();
        Assert.That(deadLetter.Status, Is.EqualTo(DeliveryStatus.DeadLettered));
        Assert.That(deadLetter.Attempts, Is.EqualTo(3));
        Assert.That(deadLetter.LastError, Does.Contain("unavailable"));
        Assert.That((await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId))).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.DeadLettered));
        Assert.That(sdk.SocialSns.SendAttempts, Is.EqualTo(3));

        sdk.SocialSns.Recover();
        var replayed = await sdk.Relay.ReplayDeadLettersAsync();
        var replayedAgain = await sdk.Relay.ReplayDeadLettersAsync();

        Assert.That(replayed.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(replayedAgain, Is.Empty);
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
        Assert.That(await sdk.Relay.GetDeadLettersAsync(), Is.Empty);
        Assert.That((await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId))).Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Duplicate));
    }

    // Minji is linked on both networks and prefers Social.
    private static async Task<ParticipantSession> SignInOnBothNetworksPreferringSocialAsync(SdkHarness sdk)
    {
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, sdk.MicroSns.AddAccount("mj", "mj@micro.example"));
        await sdk.Identities.SetPreferencesAsync(session.ParticipantId, "ko-KR", SdkHarness.Social);
        return session;
    }

    [Test]
    public async Task A_permanent_failure_on_the_preferred_network_falls_back_to_the_next_linked_one()
    {
        await using var sdk = Harness();
        var session = await SignInOnBothNetworksPreferringSocialAsync(sdk);
        sdk.SocialSns.Fail(SnsFailure.Permanent);

        var delivery = (await sdk.Relay.PublishAsync(Event("1", ProgressType, session.ParticipantId))).Deliveries.Single();

        Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(delivery.Network, Is.EqualTo(SdkHarness.Micro));
        Assert.That(delivery.Attempts, Is.EqualTo(1));
        Assert.That(sdk.SocialSns.SendAttempts, Is.EqualTo(1));
        Assert.That(sdk.SocialSns.Messages, Is.Empty);
        Assert.That(sdk.MicroSns.InboxOf("mj"), Has.Count.EqualTo(1));
        Assert.That((await sdk.Store.GetOutboxMessageAsync(delivery.DeliveryKey))!.FailedNetworks, Is.EqualTo(new[] { SdkHarness.Social }));
    }

    [Test]
    public async Task A_retry_skips_the_network_that_failed_for_good_even_when_it_is_preferred_and_back()
    {
        await using var sdk = Harness();
        var session = await SignInOnBothNetworksPreferringSocialAsync(sdk);
        sdk.SocialSns.Fail(SnsFailure.Permanent);
        sdk.MicroSns.Fail(SnsFailure.Transient);

        var first = (await sdk.Relay.PublishAsync(Event("1", ProgressType, session.ParticipantId))).Deliveries.Single();
        Assert.That(first.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That((await sdk.Store.GetOutboxMessageAsync(first.DeliveryKey))!.FailedNetworks, Is.EqualTo(new[] { SdkHarness.Social }));

        sdk.SocialSns.Recover();
        sdk.MicroSns.Recover();
        sdk.Clock.Advance(TimeSpan.FromHours(1));
        var retried = (await sdk.Relay.DeliverDueAsync()).Single();

        Assert.That(retried.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(retried.Network, Is.EqualTo(SdkHarness.Micro));
        Assert.That(sdk.SocialSns.SendAttempts, Is.EqualTo(1), "the preferred network was tried once, on the first attempt");
        Assert.That(sdk.SocialSns.Messages, Is.Empty);
        Assert.That(sdk.MicroSns.InboxOf("mj"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_preferred_network_is_tried_first()
    {
        await using var sdk = Harness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, sdk.MicroSns.AddAccount("mj", "mj@micro.example"));
        await sdk.Identities.SetPreferencesAsync(session.ParticipantId, "ko-KR", SdkHarness.Micro);

        var delivery = (await sdk.Relay.PublishAsync(Event("1", ProgressType, session.ParticipantId))).Deliveries.Single();

        Assert.That(delivery.Network, Is.EqualTo(SdkHarness.Micro));
        Assert.That(sdk.SocialSns.SendAttempts, Is.Zero);
    }

    [Test]
    public async Task When_every_linked_network_fails_for_good_the_delivery_is_dead_lettered()
    {
        await using var sdk = Harness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, sdk.MicroSns.AddAccount("mj", "mj@micro.example"));
        sdk.SocialSns.Fail(SnsFailure.Permanent);
        sdk.MicroSns.Fail(SnsFailure.Permanent);

        var delivery = (await sdk.Relay.PublishAsync(Event("1", ProgressType, session.ParticipantId))).Deliveries.Single();

        Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.DeadLettered));
        Assert.That(delivery.Error, Does.Contain("refused"));
        Assert.That((await sdk.Relay.GetDeadLettersAsync()).Single().FailedNetworks, Is.EquivalentTo(new[] { SdkHarness.Social, SdkHarness.Micro }));
    }

    [Test]
    public async Task A_recipient_who_is_not_a_participant_is_unreachable_and_nothing_throws()
    {
        await using var sdk = Harness();

        var delivery = (await sdk.Relay.PublishAsync(Event("1", ProgressType, "nobody"))).Deliveries.Single();

        Assert.That(delivery.Status, Is.EqualTo(DeliveryStatus.Unreachable));
        Assert.That(sdk.SocialSns.SendAttempts, Is.Zero);
    }

    [Test]
    public async Task An_event_no_rule_matches_delivers_nothing()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");

        var result = await sdk.Relay.PublishAsync(Event("1", "com.other.thing", minji.ParticipantId));

        Assert.That(result.Deliveries, Is.Empty);
        Assert.That(sdk.SocialSns.SendAttempts, Is.Zero);
    }

    [Test]
    public async Task An_event_without_id_is_refused()
    {
        await using var sdk = Harness();

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Relay.PublishAsync(Event(" ")));

        Assert.That(ex!.Field, Is.EqualTo("Event.Id"));
    }

    [Test]
    public async Task Polling_reads_the_feed_once_and_a_second_poll_relays_nothing_new()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji", "en-US");
        await sdk.Identities.LinkEnterpriseAccountAsync(minji.ParticipantId, new EnterpriseAccount { System = SdkHarness.Erp, AccountId = "e-1", Login = "minji" });
        for (var i = 1; i <= 3; i++)
        {
            sdk.Enterprise.AddEvent(OrderType, (CoCreationEventData.OwnerAccountId, "e-1"), (CoCreationEventData.OrderId, $"o-{i}"));
        }

        var first = await sdk.Relay.PollSourcesAsync();
        var readsAfterFirst = sdk.Enterprise.Reads;
        var second = await sdk.Relay.PollSourcesAsync();

        Assert.That(first.SelectMany(r => r.Deliveries).Select(d => d.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Delivered, 3)));
        Assert.That(readsAfterFirst, Is.EqualTo(2));
        Assert.That(second, Is.Empty);
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Order o-1", "Order o-2", "Order o-3" }));
        Assert.That(await sdk.Store.GetCursorAsync("enterprise:erp"), Is.EqualTo("3"));

        sdk.Enterprise.AddEvent(OrderType, (CoCreationEventData.OwnerAccountId, "e-1"), (CoCreationEventData.OrderId, "o-4"));
        var third = await sdk.Relay.PollSourcesAsync();

        Assert.That(third, Has.Count.EqualTo(1));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_failing_source_does_not_throw_and_keeps_its_cursor()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkEnterpriseAccountAsync(minji.ParticipantId, new EnterpriseAccount { System = SdkHarness.Erp, AccountId = "e-1", Login = "minji" });
        sdk.Enterprise.AddEvent(OrderType, (CoCreationEventData.OwnerAccountId, "e-1"), (CoCreationEventData.OrderId, "o-1"));
        sdk.Enterprise.FailReads(1);

        var failed = await sdk.Relay.PollSourcesAsync();
        var cursorAfterFailure = await sdk.Store.GetCursorAsync("enterprise:erp");
        var recovered = await sdk.Relay.PollSourcesAsync();

        Assert.That(failed, Is.Empty);
        Assert.That(cursorAfterFailure, Is.Null);
        Assert.That(recovered.Single().Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
    }

    [Test]
    public async Task A_pending_delivery_to_an_erased_participant_becomes_unreachable()
    {
        await using var sdk = Harness();
        var minji = await sdk.SignInNewAsync("minji");
        sdk.SocialSns.Fail(SnsFailure.Transient, count: 1);
        var pending = (await sdk.Relay.PublishAsync(Event("1", ProgressType, minji.ParticipantId))).Deliveries.Single();

        await sdk.Identities.EraseAsync(minji.ParticipantId);
        sdk.Clock.Advance(TimeSpan.FromMinutes(1));
        var retried = await sdk.Relay.DeliverDueAsync();

        Assert.That(pending.Status, Is.EqualTo(DeliveryStatus.Pending));
        Assert.That(retried.Single().Status, Is.EqualTo(DeliveryStatus.Unreachable));
        Assert.That(sdk.SocialSns.Messages, Is.Empty);
    }
}
