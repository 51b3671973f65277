using System.Text;
using System.Text.Json.Nodes;

namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// The receiver verifies before it parses: the <c>clientState</c> of every item is compared in constant time with the
/// secret of the subscription named, and a forged, missing, unknown, oversize or malformed notification is refused
/// with <see cref="WebhookVerificationException"/> before parsing ever runs (<c>ParsedCount</c> stays 0 and no Graph
/// call follows).
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class NotificationVerificationTests
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
    public async Task AChangeNotification_WithItsClientState_AsksForTheWorkspaceFeedToBePolledAsync()
    {
        var other = await h.Manager.WatchAsync("ws-2", NotificationsHarness.DriveId);
        var callsBefore = h.Stub.Calls.Count;

        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Post(
            NotificationsHarness.Change(subscription.Id, clientState),
            NotificationsHarness.Change(other.Id, h.ClientStateOf(other.Id)),
            NotificationsHarness.Change(subscription.Id, clientState)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receipt.Events, Is.Empty, "the delta feed is the source of truth");
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1"), NotificationsHarness.SourceOf("ws-2") }), "each workspace once, in order");
            Assert.That(h.Receiver.ParsedCount, Is.EqualTo(1));
            Assert.That(h.Stub.Calls, Has.Count.EqualTo(callsBefore), "a change notification calls nothing at Graph");
            Assert.That(h.Receiver.Name, Is.EqualTo("microsoft365-notifications:m365"));
        }
    }

    [Test]
    public async Task AClientStateWrittenWithJsonEscapes_StillVerifiesAsync()
    {
        // JSON may escape any character; the scan compares the unescaped value.
        var escaped = string.Concat(clientState.Select(c => $"\\u{(int)c:x4}"));
        var body = $$"""{"value":[{"subscriptionId":"{{subscription.Id}}","clientState":"{{escaped}}","changeType":"updated"}]}""";

        var receipt = await h.Receiver.ReceiveAsync(NotificationsHarness.Raw(body));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
    }

    [Test]
    public void AForgedClientState_IsRefusedBeforeParsing_AndNeitherTheForgeryNorTheSecretIsLoggedOrEchoed()
    {
        var forged = new string('A', clientState.Length);

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(subscription.Id, forged))));

        var logs = string.Join("\n", h.Logs.Lines);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Provider, Is.EqualTo(NotificationsHarness.Adapter));
            Assert.That(ex.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
            Assert.That(ex.Message, Does.Contain("clientState does not match"));
            Assert.That(ex.Message, Does.Not.Contain(forged).And.Not.Contain(clientState));
            Assert.That(logs, Does.Contain("refused before parsing"));
            Assert.That(logs, Does.Not.Contain(forged).And.Not.Contain(clientState));
            Assert.That(h.Receiver.ParsedCount, Is.Zero);
        }
    }

    [Test]
    public void AClientStateOfAnotherSubscription_IsRefused()
    {
        var other = h.Manager.WatchAsync("ws-2", NotificationsHarness.DriveId).GetAwaiter().GetResult();

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(subscription.Id, h.ClientStateOf(other.Id)))));

        Assert.That(ex!.Message, Does.Contain("clientState does not match"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public void AnUnknownSubscriptionId_IsRefusedBeforeParsing()
    {
        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change("sub-unknown", clientState))));

        Assert.That(ex!.Message, Does.Contain("does not hold").And.Not.Contain("sub-unknown"));
        Assert.That(ex.Reason, Is.EqualTo(WebhookRefusalReason.UnknownSubscription));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [TestCase("missing")]
    [TestCase("null")]
    [TestCase("empty")]
    [TestCase("number")]
    public void AMissingOrNonStringClientState_IsRefusedBeforeParsing(string how)
    {
        var item = NotificationsHarness.Change(subscription.Id, null);
        switch (how)
        {
            case "missing":
                item.Remove("clientState");
                break;
            case "empty":
                item["clientState"] = string.Empty;
                break;
            case "number":
                item["clientState"] = 12345;
                break;
        }

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(item)));

        Assert.That(ex!.Message, Does.Contain("clientState"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public void AMixedBatch_WithOneForgedItem_IsRefusedWhole_AndNoLifecycleActionRuns()
    {
        var callsBefore = h.Stub.Calls.Count;
        var request = NotificationsHarness.Post(
            NotificationsHarness.Lifecycle(subscription.Id, clientState, "subscriptionRemoved"),
            NotificationsHarness.Change(subscription.Id, clientState),
            NotificationsHarness.Change(subscription.Id, "forged-" + clientState[7..]));

        Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(request));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.Receiver.ParsedCount, Is.Zero);
            Assert.That(h.Stub.Calls, Has.Count.EqualTo(callsBefore), "the genuine lifecycle item did not make the receiver recreate anything");
            Assert.That(h.Manager.Subscriptions.Single().Id, Is.EqualTo(subscription.Id));
        }
    }

    [Test]
    public void ABodyDeclaredTooLarge_IsRefusedWithoutReadingIt()
    {
        var request = new WebhookRequest(
            [new("Content-Type", "application/json"), new("Content-Length", (Microsoft365NotificationReceiver.MaxBodyBytes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))],
            _ => throw new AssertionException("the body must not be read"));

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(request));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("larger than allowed"));
            Assert.That(request.IsBodyRead, Is.False);
            Assert.That(h.Receiver.ParsedCount, Is.Zero);
        }
    }

    [Test]
    public void ABodyTooLargeWithoutADeclaredLength_IsRefusedBeforeScanning()
    {
        // A genuine item padded past the limit: had it been scanned, it would have verified.
        var item = NotificationsHarness.Change(subscription.Id, clientState);
        item["padding"] = new string('x', Microsoft365NotificationReceiver.MaxBodyBytes);

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(item)));

        Assert.That(ex!.Message, Does.Contain("larger than allowed"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [TestCase("", "empty")]
    [TestCase("not json", "not well-formed")]
    [TestCase("{", "not well-formed")]
    [TestCase("[]", "not a JSON object")]
    [TestCase("\"value\"", "not a JSON object")]
    [TestCase("{}", "no 'value'")]
    [TestCase("{\"value\":{}}", "not an array")]
    [TestCase("{\"value\":[]}", "empty")]
    [TestCase("{\"value\":[1]}", "not an object")]
    [TestCase("{\"value\":[{\"subscriptionId\":\"sub-1\",\"clientState\":\"x\"}]} trailing", "not well-formed")]
    [TestCase("{\"value\":[{\"subscriptionId\":\"sub-1\",\"clientState\":\"x\"}]}{}", "not well-formed")]
    [TestCase("{\"value\":[{\"clientState\":\"x\"}]}", "no 'subscriptionId'")]
    [TestCase("{\"value\":[{\"subscriptionId\":7,\"clientState\":\"x\"}]}", "'subscriptionId' is not a short string")]
    [TestCase("{\"value\":[{\"subscriptionId\":\"sub-1\",\"clientState\":\"x\"}],\"value\":[]}", "more than one 'value'")]
    [TestCase("{\"value\":[{\"subscriptionId\":\"sub-1\",\"clientState\":\"x\" /* c */}]}", "not well-formed")]
    public void AMalformedBody_IsRefusedBeforeParsing(string body, string reason)
    {
        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Raw(body)));

        Assert.That(ex!.Message, Does.Contain(reason));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public void DuplicatedFieldsInOneItem_AreRefused_SoTheParserCannotSeeADifferentSubscriptionThanTheVerifier()
    {
        var other = h.Manager.WatchAsync("ws-2", NotificationsHarness.DriveId).GetAwaiter().GetResult();

        // Verifies as the first subscription; a last-wins parser would act on the second.
        var twoIds = $$"""{"value":[{"subscriptionId":"{{subscription.Id}}","clientState":"{{clientState}}","subscriptionId":"{{other.Id}}"}]}""";
        var twoStates = $$"""{"value":[{"subscriptionId":"{{subscription.Id}}","clientState":"{{clientState}}","clientState":"forged"}]}""";

        var first = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Raw(twoIds)));
        var second = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Raw(twoStates)));

        Assert.That(first!.Message, Does.Contain("more than one 'subscriptionId'"));
        Assert.That(second!.Message, Does.Contain("more than one 'clientState'"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public void NestedObjectsAndUnknownFields_AreSkippedByTheScan_NotMistakenForTheItemsOwn()
    {
        // A clientState inside resourceData is not the item's: the item itself has none.
        var item = NotificationsHarness.Change(subscription.Id, null);
        item.Remove("clientState");
        item["resourceData"] = new JsonObject { ["clientState"] = clientState, ["subscriptionId"] = subscription.Id };

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(item)));

        Assert.That(ex!.Message, Does.Contain("no 'clientState'"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public void ABatchWithTooManyItems_IsRefusedBeforeParsing()
    {
        // Small items, so the body stays under the size limit and the item limit is what refuses it.
        var items = Enumerable.Range(0, 1_001).Select(_ => new JsonObject { ["subscriptionId"] = subscription.Id, ["clientState"] = clientState }).ToArray();

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => h.Receiver.ReceiveAsync(NotificationsHarness.Post(items)));

        Assert.That(ex!.Message, Does.Contain("too many notifications"));
        Assert.That(h.Receiver.ParsedCount, Is.Zero);
    }

    [Test]
    public async Task TheBodyIsReadOnce_AndTheVerifiedBytesAreTheParsedBytesAsync()
    {
        var reads = 0;
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["value"] = new JsonArray(NotificationsHarness.Change(subscription.Id, clientState)) }.ToJsonString());
        var request = new WebhookRequest([], _ =>
        {
            reads++;
            return ValueTask.FromResult<ReadOnlyMemory<byte>>(bytes);
        });

        var receipt = await h.Receiver.ReceiveAsync(request);

        Assert.That(reads, Is.EqualTo(1));
        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
    }
}
