using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Unit;

/// <summary>
/// Push channels: <c>changes.watch</c> and <c>events.watch</c> set-up, notifications verified by their channel token in
/// constant time before anything else is read, and renewal on the adapter's clock before channels expire.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GooglePushTests
{
    private FakeGoogle fake = null!;
    private FakeTimeProvider time = null!;
    private ServiceProvider provider = null!;
    private GoogleCloudWorkspace adapter = null!;
    private CollectingLoggerProvider logs = null!;
    private WorkspaceRef ws = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        fake = new FakeGoogle();
        time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        logs = new CollectingLoggerProvider();
        provider = GoogleTestHost.Build(fake, o => { o.PushChannelLifetime = TimeSpan.FromHours(6); o.PushChannelRenewBefore = TimeSpan.FromHours(1); }, logs, time);
        adapter = provider.Workspace();
        ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
    }

    [TearDown]
    public void TearDown()
    {
        Assert.That(GoogleSpec.Check(fake.WaitForLog()), Is.Empty, "push traffic fits the discovery documents");
        provider.Dispose();
        fake.Dispose();
    }

    [Test]
    public async Task Watch_OpensADriveAndACalendarChannel_WithDistinctSecretTokensAsync()
    {
        var channels = await adapter.WatchAsync(ws);

        var atGoogle = fake.Channels();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(channels.Select(c => c.Source), Is.EquivalentTo(new[] { GooglePushSource.DriveChanges, GooglePushSource.CalendarEvents }));
            Assert.That(channels.Select(c => c.Expiration), Has.All.EqualTo(time.GetUtcNow().AddHours(6)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(atGoogle.Select(c => c["address"]!.GetValue<string>()), Has.All.EqualTo("https://hooks.example.test/google"));
            Assert.That(atGoogle.Select(c => c["token"]!.GetValue<string>()), Is.Unique.And.All.Length.GreaterThanOrEqualTo(40), "each channel has its own random token");
            Assert.That(fake.RequestsTo("drive.changes.watch"), Is.EqualTo(1));
            Assert.That(fake.RequestsTo("calendar.events.watch"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Notification_WithTheChannelToken_IsVerifiedAndReadAsync()
    {
        var channel = (await adapter.WatchAsync(ws)).Single(c => c.Source == GooglePushSource.DriveChanges);

        var notification = adapter.VerifyPushNotification(Headers(channel.Id, TokenOf(channel.Id), "sync", "1"));
        var change = adapter.VerifyPushNotification(Headers(channel.Id, TokenOf(channel.Id), "change", "2"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(notification.Channel, Is.EqualTo(channel));
            Assert.That(notification.IsSync, Is.True);
            Assert.That(change.ResourceState, Is.EqualTo("change"));
            Assert.That(change.MessageNumber, Is.EqualTo(2));
            Assert.That(change.Channel.WorkspaceId, Is.EqualTo(ws.Id));
        }
    }

    [TestCase("forged-token-of-the-same-length-forged-token-000")]
    [TestCase("")]
    [TestCase(null)]
    public async Task Notification_WithAForgedOrMissingToken_IsRejectedBeforeAnythingIsParsedAsync(string? token)
    {
        var channel = (await adapter.WatchAsync(ws))[0];

        // The other headers are garbage: had the receiver parsed them first, it would fail for a different reason.
        var headers = new Dictionary<string, string> { ["X-Goog-Channel-ID"] = channel.Id, ["X-Goog-Message-Number"] = "not-a-number" };
        if (token is not null)
        {
            headers["X-Goog-Channel-Token"] = token;
        }

        var ex = Assert.Throws<WebhookVerificationException>(() => adapter.VerifyPushNotification(headers));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Provider, Is.EqualTo(GoogleTestHost.Name));
            Assert.That(ex.Message, Does.Contain("token").And.Not.Contain("resource state"));
            Assert.That(logs.Lines, Has.Some.Contains("failed verification"));
        }
    }

    [Test]
    public async Task Notification_WithAnotherChannelsToken_IsRejectedAsync()
    {
        var channels = await adapter.WatchAsync(ws);

        var ex = Assert.Throws<WebhookVerificationException>(() => adapter.VerifyPushNotification(Headers(channels[0].Id, TokenOf(channels[1].Id), "change", "3")));

        Assert.That(ex!.Message, Does.Contain("channel id does not belong"));
        Assert.That(ex.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
    }

    [Test]
    public async Task Channels_AreRenewedByScheduledWork_BeforeTheyExpire_AndOldTokensStopWorkingAsync()
    {
        var first = await adapter.WatchAsync(ws);
        var oldToken = TokenOf(first[0].Id);
        var renewal = provider.GetServices<ICoCreationScheduledWork>().Single();
        Assert.That(renewal.Period, Is.EqualTo(TimeSpan.FromMinutes(15)), "a quarter of the renewal margin");

        // What the SDK's scheduler does: run the work once per period on the clock.
        await RunPeriodsAsync(renewal, TimeSpan.FromHours(4));
        var stillOpen = adapter.PushChannels.Select(c => c.Id).ToList();
        await RunPeriodsAsync(renewal, TimeSpan.FromHours(1) + TimeSpan.FromMinutes(15));

        var renewed = adapter.PushChannels;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stillOpen, Is.EquivalentTo(first.Select(c => c.Id)), "nothing is renewed while far from expiry");
            Assert.That(renewed.Select(c => c.Id), Has.None.AnyOf(first.Select(c => c.Id).ToArray()), "both channels replaced");
            Assert.That(renewed.Select(c => c.Source), Is.EquivalentTo(first.Select(c => c.Source)));
            Assert.That(renewed.Select(c => c.Expiration), Has.All.GreaterThan(first.Max(c => c.Expiration)));
            Assert.That(fake.RequestsTo("drive.channels.stop") + fake.RequestsTo("calendar.channels.stop"), Is.EqualTo(2), "the old channels were stopped at Google");
            Assert.That(fake.Channels().Select(c => c["id"]!.GetValue<string>()), Is.EquivalentTo(renewed.Select(c => c.Id)));
            Assert.Throws<WebhookVerificationException>(() => adapter.VerifyPushNotification(Headers(first[0].Id, oldToken, "change", "9")), "a stopped channel's token is no longer trusted");
        }
    }

    [Test]
    public async Task StopWatching_StopsTheWorkspacesChannelsAsync()
    {
        await adapter.WatchAsync(ws);

        await adapter.StopWatchingAsync(ws);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(adapter.PushChannels, Is.Empty);
            Assert.That(fake.Channels(), Is.Empty);
        }
    }

    [Test]
    public void Watch_WithoutAPushAddress_IsRefusedAsUnsupported()
    {
        using var noPush = GoogleTestHost.Build(fake, o => o.PushAddress = null);

        Assert.CatchAsync<CapabilityNotSupportedException>(() => noPush.Workspace().WatchAsync(ws));
    }

    [Test]
    public async Task Receiver_RefusesAForgedNotification_BeforeReadingTheBodyAsync()
    {
        var channel = (await adapter.WatchAsync(ws))[0];
        var receiver = (GooglePushReceiver)provider.GetServices<IWebhookReceiver>().Single();
        var forged = new WebhookRequest(Headers(channel.Id, "forged-token-of-the-same-length-forged-token-000", "change", "4"), _ => throw new AssertionException("the body was read"));

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(forged));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receiver.Name, Is.EqualTo(GooglePushReceiver.ReceiverName(GoogleTestHost.Name)));
            Assert.That(ex!.Message, Does.Contain("token"));
            Assert.That(forged.IsBodyRead, Is.False, "refused before the body was read");
        }
    }

    [Test]
    public async Task Receiver_TurnsAVerifiedChange_IntoAPollOfTheWorkspaceActivitySourceAsync()
    {
        var channel = (await adapter.WatchAsync(ws)).Single(c => c.Source == GooglePushSource.DriveChanges);
        var receiver = provider.GetServices<IWebhookReceiver>().Single();

        var sync = await receiver.ReceiveAsync(new WebhookRequest(Headers(channel.Id, TokenOf(channel.Id), "sync", "1"), ReadOnlyMemory<byte>.Empty));
        var change = new WebhookRequest(Headers(channel.Id, TokenOf(channel.Id), "change", "2"), ReadOnlyMemory<byte>.Empty);
        var receipt = await receiver.ReceiveAsync(change);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sync.Events, Is.Empty);
            Assert.That(sync.SourcesToPoll, Is.Empty, "the opening handshake changes nothing");
            Assert.That(receipt.Events, Is.Empty, "Google's notifications carry no data");
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { CoCreationEventSources.WorkspaceActivitySourceName(GoogleTestHost.Name, ws.Id) }));
            Assert.That(change.IsBodyRead, Is.False);
        }
    }

    private async Task RunPeriodsAsync(ICoCreationScheduledWork work, TimeSpan span)
    {
        for (var passed = TimeSpan.Zero; passed < span; passed += work.Period!.Value)
        {
            time.Advance(work.Period!.Value);
            await work.RunDueAsync();
        }
    }

    private static Dictionary<string, string> Headers(string channelId, string token, string state, string number) => new()
    {
        ["x-goog-channel-id"] = channelId,
        ["X-Goog-Channel-Token"] = token,
        ["X-Goog-Resource-State"] = state,
        ["X-Goog-Message-Number"] = number,
        ["X-Goog-Resource-ID"] = "resource-1",
    };

    private string TokenOf(string channelId) => fake.Channels().Single(c => c["id"]!.GetValue<string>() == channelId)["token"]!.GetValue<string>();
}
