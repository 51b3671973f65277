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
    }

    [Test]
    public async Task Channels_AreRenewedOnTheClock_BeforeTheyExpire_AndOldTokensStopWorkingAsync()
    {
        var first = await adapter.WatchAsync(ws);
        var oldToken = TokenOf(first[0].Id);

        time.Advance(TimeSpan.FromHours(4));
        await adapter.LastRenewal;
        var stillOpen = adapter.PushChannels.Select(c => c.Id).ToList();
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(15));
        await adapter.LastRenewal;

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
