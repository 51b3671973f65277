namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// Lifecycle notifications, verified like change notifications, each doing its thing at Graph:
/// <c>reauthorizationRequired</c> reauthorizes, <c>subscriptionRemoved</c> creates a new subscription and polls the
/// feed, <c>missed</c> polls the feed.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class LifecycleNotificationTests
{
    private NotificationsHarness h = null!;
    private Microsoft365Subscription subscription = null!;
    private string clientState = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        h = new NotificationsHarness();
        subscription = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        clientState = h.ClientStateOf(subscription.Id);
    }

    [TearDown]
    public void TearDown() => h.Dispose();

    [Test]
    public async Task ReauthorizationRequired_ReauthorizesTheSubscriptionAsync()
    {
        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "reauthorizationRequired")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.Stub.Calls.Skip(1).Select(c => c.Method + " " + c.Path), Is.EqualTo(new[] { $"POST /v1.0/subscriptions/{subscription.Id}/reauthorize" }));
            Assert.That(receipt, Is.EqualTo(WebhookReceipt.Empty), "nothing changed in the workspace");
            Assert.That(h.Manager.Subscriptions.Single(), Is.EqualTo(subscription));
            Assert.That(h.Receiver.ParsedCount, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task ReauthorizationRequired_OnASubscriptionGraphNoLongerKnows_CreatesANewOneAsync()
    {
        h.Stub.Forget(subscription.Id);

        await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "reauthorizationRequired")));

        var current = h.Manager.Subscriptions.Single();
        Assert.That(h.Stub.Calls.Skip(1).Select(c => c.Method + " " + c.Path), Is.EqualTo(new[]
        {
            $"POST /v1.0/subscriptions/{subscription.Id}/reauthorize",
            "POST /v1.0/subscriptions",
        }));
        Assert.That(current.Id, Is.Not.EqualTo(subscription.Id));
        Assert.That(current.WorkspaceId, Is.EqualTo("ws-1"));
    }

    [Test]
    public async Task SubscriptionRemoved_CreatesANewSubscription_AndPollsTheFeedAsync()
    {
        h.Stub.Forget(subscription.Id);

        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "subscriptionRemoved")));

        var current = h.Manager.Subscriptions.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.Stub.Calls.Skip(1).Select(c => c.Method + " " + c.Path), Is.EqualTo(new[] { "POST /v1.0/subscriptions" }));
            Assert.That(h.Stub.Calls[^1].Body!["resource"]!.GetValue<string>(), Is.EqualTo(subscription.Resource));
            Assert.That(current.Id, Is.Not.EqualTo(subscription.Id));
            Assert.That(current.WorkspaceId, Is.EqualTo("ws-1"));
            Assert.That(h.ClientStateOf(current.Id), Is.Not.EqualTo(clientState));
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }), "changes while unsubscribed are caught up from the feed");
        }

        // The same lifecycle notification again (Graph retries): the old subscription is no longer trusted.
        Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "subscriptionRemoved"))));
        Assert.That(h.Stub.CallsTo("POST", "/v1.0/subscriptions"), Has.Count.EqualTo(2), "no second replacement");
    }

    [Test]
    public async Task Missed_PollsTheFeed_WithoutCallingGraphAsync()
    {
        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "missed")));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
        Assert.That(h.Stub.Calls, Has.Count.EqualTo(1), "only the original create");
    }

    [Test]
    public async Task AnUnknownLifecycleEvent_PollsTheFeedAsync()
    {
        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, clientState, "somethingNew")));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
        Assert.That(h.Stub.Calls, Has.Count.EqualTo(1));
    }

    [Test]
    public void ALifecycleNotificationWithAForgedClientState_DoesNothingAtGraph()
    {
        Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Lifecycle(subscription.Id, "forged", "subscriptionRemoved"))));

        Assert.That(h.Stub.Calls, Has.Count.EqualTo(1));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
        Assert.That(h.Manager.Subscriptions.Single(), Is.EqualTo(subscription));
    }
}
