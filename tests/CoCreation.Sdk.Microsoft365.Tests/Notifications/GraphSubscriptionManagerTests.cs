using System.Globalization;
using CoCreation.Sdk.Microsoft365.Notifications;

namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// Subscriptions at Graph (WireMock stubs for <c>/v1.0/subscriptions</c>): what is sent when one is created, renewal by
/// the scheduled work on the adapter's clock before expiry, recreation when Graph answers 404, and deletion.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GraphSubscriptionManagerTests
{
    private NotificationsHarness h = null!;

    [SetUp]
    public void SetUp() => h = new NotificationsHarness();

    [TearDown]
    public void TearDown() => h.Dispose();

    [Test]
    public async Task Watch_CreatesAnUpdatedSubscriptionOnTheDriveRoot_WithTheConfiguredUrlsAndExpiryAndARandomClientStateAsync()
    {
        var first = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        var second = await h.Manager.WatchAsync("ws-2", NotificationsHarness.DriveId);

        var posts = h.Stub.CallsTo("POST", "/v1.0/subscriptions");
        var body = posts[0].Body!;
        var states = posts.Select(p => p.Body!["clientState"]!.GetValue<string>()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(posts, Has.Count.EqualTo(2));
            Assert.That(body["changeType"]!.GetValue<string>(), Is.EqualTo("updated"));
            Assert.That(body["notificationUrl"]!.GetValue<string>(), Is.EqualTo("https://hooks.example.test/graph/notifications"));
            Assert.That(body["lifecycleNotificationUrl"]!.GetValue<string>(), Is.EqualTo("https://hooks.example.test/graph/lifecycle"));
            Assert.That(body["resource"]!.GetValue<string>(), Is.EqualTo("drives/b!drive-1/root"));
            Assert.That(DateTimeOffset.Parse(body["expirationDateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture), Is.EqualTo(h.Time.GetUtcNow().AddDays(2)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(states, Is.Unique, "each subscription has its own secret");
            Assert.That(states, Has.All.Length.InRange(40, 128), "long enough to be unguessable, within Graph's 128-character limit");
            Assert.That(states, Has.All.Matches("^[A-Za-z0-9_-]+$"), "base64url: nothing to escape");
            Assert.That(first.Resource, Is.EqualTo("drives/b!drive-1/root"));
            Assert.That(first.Expiration, Is.EqualTo(h.Time.GetUtcNow().AddDays(2)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(h.Manager.Subscriptions.Select(s => s.Id), Is.EquivalentTo(new[] { first.Id, second.Id }));
            Assert.That(h.Manager.Subscriptions.Select(s => s.WorkspaceId), Is.EquivalentTo(new[] { "ws-1", "ws-2" }));
            Assert.That(string.Join("\n", h.Logs.Lines), Does.Not.Contain(states[0]).And.Not.Contain(states[1]), "secrets never logged");
            Assert.That(first.ToString(), Does.Not.Contain(states[0]));
        }
    }

    [Test]
    public async Task Watch_TheSameWorkspaceTwice_KeepsOneSubscriptionAsync()
    {
        var first = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        var again = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);

        Assert.That(again, Is.EqualTo(first));
        Assert.That(h.Stub.CallsTo("POST", "/v1.0/subscriptions"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Watch_WithoutALifecycleUrl_SendsLifecycleNotificationsToTheNotificationUrlAsync()
    {
        h.Options.LifecycleNotificationUrl = null;

        await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);

        Assert.That(h.Stub.Calls.Single().Body!["lifecycleNotificationUrl"]!.GetValue<string>(), Is.EqualTo("https://hooks.example.test/graph/notifications"));
    }

    [Test]
    public void Watch_WithoutANotificationUrl_IsNotSupported_AndSendsNothing()
    {
        h.Options.NotificationUrl = null;

        Assert.ThrowsAsync<CapabilityNotSupportedException>(() => h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId));
        Assert.That(h.Stub.Calls, Is.Empty);
    }

    [TestCase("drive/../other")]
    [TestCase("drive?x=1")]
    [TestCase("drive 1")]
    [TestCase("drive%2F1")]
    [TestCase(" ")]
    public void Watch_WithAnUnusableDriveId_IsRefusedBeforeAnythingIsSent(string driveId)
    {
        Assert.ThrowsAsync<CoCreationValidationException>(() => h.Manager.WatchAsync("ws-1", driveId));
        Assert.That(h.Stub.Calls, Is.Empty);
    }

    [TestCase(0, 6)]
    [TestCase(31 * 24, 6)]
    [TestCase(48, 48)]
    [TestCase(48, 0)]
    public void Watch_WithUnusableLifetimes_IsRefusedBeforeAnythingIsSent(int lifetimeHours, int renewBeforeHours)
    {
        h.Options.SubscriptionLifetime = TimeSpan.FromHours(lifetimeHours);
        h.Options.SubscriptionRenewBefore = TimeSpan.FromHours(renewBeforeHours);

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId));

        Assert.That(ex!.Message, Does.Contain("Subscription"));
        Assert.That(h.Stub.Calls, Is.Empty);
    }

    [Test]
    public async Task ScheduledWork_RenewsOnlyWithinTheMargin_ByPatchingTheExpiry_AndTheSecretStaysValidAsync()
    {
        var subscription = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        var clientState = h.ClientStateOf(subscription.Id);
        var work = new GraphSubscriptionRenewal(() => h.Manager, h.Logs.CreateLogger("renewal"));
        Assert.That(work.Period, Is.EqualTo(TimeSpan.FromMinutes(90)), "a quarter of the renewal margin");

        // What the SDK's scheduler does: run the work once per period on the clock. 40 hours in: 8 hours left, not yet due.
        await RunPeriodsAsync(work, TimeSpan.FromHours(40));
        var patchesBefore = h.Stub.CallsTo("PATCH", "/v1.0/subscriptions/" + subscription.Id).Count;
        await RunPeriodsAsync(work, TimeSpan.FromHours(3));

        var patches = h.Stub.CallsTo("PATCH", "/v1.0/subscriptions/" + subscription.Id);
        var renewed = h.Manager.Subscriptions.Single();
        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(subscription.Id, clientState)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(patchesBefore, Is.Zero, "nothing is renewed while far from expiry");
            Assert.That(patches, Has.Count.EqualTo(1), "renewed once, when it came within six hours of expiry");
            Assert.That(patches[0].Body!.Select(p => p.Key), Is.EquivalentTo(new[] { "expirationDateTime" }), "a renewal sends the expiry alone");
            Assert.That(renewed.Id, Is.EqualTo(subscription.Id));
            Assert.That(renewed.Expiration, Is.GreaterThan(subscription.Expiration));
            Assert.That(renewed.Expiration, Is.EqualTo(DateTimeOffset.Parse(patches[0].Body!["expirationDateTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
            Assert.That(h.Stub.CallsTo("POST", "/v1.0/subscriptions"), Has.Count.EqualTo(1), "renewal does not create");
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }), "the secret still verifies");
        }
    }

    [Test]
    public async Task Renewal_OfASubscriptionGraphNoLongerKnows_CreatesANewOne_AndTheOldSecretIsRefusedAsync()
    {
        var old = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        var oldState = h.ClientStateOf(old.Id);
        h.Stub.Forget(old.Id);
        h.Time.Advance(TimeSpan.FromHours(43));

        var renewed = await h.Manager.RenewExpiringAsync();

        var current = h.Manager.Subscriptions.Single();
        var newState = h.ClientStateOf(current.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(renewed, Is.EqualTo(1));
            Assert.That(h.Stub.Calls.Select(c => c.Method + " " + c.Path), Is.EqualTo(new[]
            {
                "POST /v1.0/subscriptions",
                "PATCH /v1.0/subscriptions/" + old.Id,
                "POST /v1.0/subscriptions",
            }));
            Assert.That(current.Id, Is.Not.EqualTo(old.Id));
            Assert.That(current.WorkspaceId, Is.EqualTo("ws-1"));
            Assert.That(current.Expiration, Is.EqualTo(h.Time.GetUtcNow().AddDays(2)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(newState, Is.Not.EqualTo(oldState), "a new secret");
        }

        Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(old.Id, oldState))));
        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(current.Id, newState)));
        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
    }

    [Test]
    public async Task Stop_DeletesTheWorkspacesSubscription_AndItsSecretIsNoLongerTrustedAsync()
    {
        var kept = await h.Manager.WatchAsync("ws-keep", NotificationsHarness.DriveId);
        var stopped = await h.Manager.WatchAsync("ws-stop", NotificationsHarness.DriveId);
        var state = h.ClientStateOf(stopped.Id);

        var count = await h.Manager.StopAsync("ws-stop");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.EqualTo(1));
            Assert.That(h.Stub.CallsTo("DELETE", "/v1.0/subscriptions/" + stopped.Id), Has.Count.EqualTo(1));
            Assert.That(h.Stub.Subscriptions.Keys, Is.EquivalentTo(new[] { kept.Id }));
            Assert.That(h.Manager.Subscriptions.Select(s => s.Id), Is.EquivalentTo(new[] { kept.Id }));
        }

        Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(stopped.Id, state))));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public async Task Stop_OfASubscriptionGraphAlreadyDropped_CountsAsStoppedAsync()
    {
        var subscription = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        h.Stub.Forget(subscription.Id);

        Assert.That(await h.Manager.StopAsync("ws-1"), Is.EqualTo(1));
        Assert.That(h.Manager.Subscriptions, Is.Empty);
    }

    private async Task RunPeriodsAsync(ICoCreationScheduledWork work, TimeSpan span)
    {
        var end = h.Time.GetUtcNow() + span;
        while (h.Time.GetUtcNow() < end)
        {
            h.Time.Advance(work.Period!.Value);
            await work.RunDueAsync();
        }
    }
}
