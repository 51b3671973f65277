using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tests.Preferences;

/// <summary>
/// A person's SNS command, in English or Korean, changes what the relay then delivers to them: counted in the inbox at
/// the network, not in the relay's results.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class PreferenceCommandDeliveryTests
{
    [Test]
    public async Task English_commands_turn_a_kind_off_and_back_on_at_the_network()
    {
        await using var sdk = DeliveryPreferencesRelayTests.Harness();
        var id = (await sdk.SignInNewAsync("minji", "en-US")).ParticipantId;
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        Assert.That((await commands.HandleAsync(SdkHarness.Social, "minji", "off shipment")).Outcome, Is.EqualTo(PreferenceCommandOutcome.Changed));
        var muted = (await sdk.Relay.PublishAsync(DeliveryPreferencesRelayTests.Event("o1", id))).Deliveries.Single();

        Assert.That(muted.Status, Is.EqualTo(DeliveryStatus.Suppressed));
        Assert.That(sdk.SocialSns.InboxOf("minji"), Is.Empty, "a kind turned off by command is not sent");

        await commands.HandleAsync(SdkHarness.Social, "minji", "now shipment");
        var sent = (await sdk.Relay.PublishAsync(DeliveryPreferencesRelayTests.Event("o2", id))).Deliveries.Single();

        Assert.That(sent.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Order o2 shipped" }));

        // The suppressed event published again is tried under the preferences of now.
        var republished = (await sdk.Relay.PublishAsync(DeliveryPreferencesRelayTests.Event("o1", id))).Deliveries.Single();
        Assert.That(republished.Status, Is.EqualTo(DeliveryStatus.Delivered));
        Assert.That(sdk.SocialSns.InboxOf("minji").Select(m => m.Text), Is.EqualTo(new[] { "Order o2 shipped", "Order o1 shipped" }));
    }

    [Test]
    public async Task Korean_commands_set_quiet_hours_and_a_digest_that_the_network_then_sees()
    {
        // The harness starts at 01:00 UTC; the person's zone is UTC until they set one.
        await using var sdk = DeliveryPreferencesRelayTests.Harness(r => r.DigestTime = new TimeOnly(18, 0));
        var id = (await sdk.SignInNewAsync("jiho", "ko-KR")).ParticipantId;
        var commands = sdk.Services.GetRequiredService<IPreferenceCommands>();

        await commands.HandleAsync(SdkHarness.Social, "jiho", "방해금지 00:00-07:00");
        var held = (await sdk.Relay.PublishAsync(DeliveryPreferencesRelayTests.Event("o1", id))).Deliveries.Single();

        Assert.That((held.Status, held.NextAttemptAt), Is.EqualTo((DeliveryStatus.Pending, (DateTimeOffset?)SdkHarness.Start.AddHours(6))));
        Assert.That(sdk.SocialSns.InboxOf("jiho"), Is.Empty, "nothing during the quiet hours set by command");

        await commands.HandleAsync(SdkHarness.Social, "jiho", "방해금지 해제");
        await commands.HandleAsync(SdkHarness.Social, "jiho", "요약 배송");
        var digested = (await sdk.Relay.PublishAsync(DeliveryPreferencesRelayTests.Event("o2", id))).Deliveries.Single();
        Assert.That(digested.Status, Is.EqualTo(DeliveryStatus.Pending), "collected for the 18:00 digest");

        sdk.Clock.Advance(TimeSpan.FromHours(6));
        await sdk.Relay.DeliverDueAsync();
        sdk.Clock.Advance(TimeSpan.FromHours(11));
        await sdk.Relay.DeliverDueAsync();

        // The held delivery of the quiet hours is a shipment too: at 07:00 the kind is taken as a digest, so both
        // shipments arrive together in the one 18:00 digest.
        var inbox = sdk.SocialSns.InboxOf("jiho");
        Assert.That(inbox, Has.Count.EqualTo(1));
        Assert.That(inbox[0].Text, Does.Contain("주문 o1 발송").And.Contain("주문 o2 발송"));
    }
}
