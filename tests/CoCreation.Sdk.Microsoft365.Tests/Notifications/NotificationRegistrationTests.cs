using CoCreation.Sdk.Microsoft365.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// <c>Microsoft365Notifications.Register</c>: one manager per adapter, shared by the webhook receiver, the scheduled
/// renewal and (through <c>GetManager</c>) the adapter, so a subscription the adapter makes verifies at the receiver.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class NotificationRegistrationTests
{
    [Test]
    public async Task Register_AddsAReceiverAndRenewalWork_SharingOneManagerAsync()
    {
        using var h = new NotificationsHarness();
        var services = new ServiceCollection();
        var built = 0;
        Microsoft365Notifications.Register(new TestBuilder(services), NotificationsHarness.Adapter, _ =>
        {
            built++;
            return h.Manager;
        });
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var receiver = provider.GetServices<IWebhookReceiver>().Single();
        var work = provider.GetServices<ICoCreationScheduledWork>().Single();
        Assert.That(built, Is.Zero, "nothing is built until first used");

        var subscription = await Microsoft365Notifications.GetManager(provider, NotificationsHarness.Adapter).WatchAsync("ws-1", NotificationsHarness.DriveId);
        var receipt = await receiver.ReceiveAsync(NotificationsHarness.Post(NotificationsHarness.Change(subscription.Id, h.ClientStateOf(subscription.Id))));
        h.Time.Advance(TimeSpan.FromHours(43));
        await work.RunDueAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receiver.Name, Is.EqualTo(Microsoft365NotificationReceiver.ReceiverName(NotificationsHarness.Adapter)));
            Assert.That(work.Period, Is.EqualTo(TimeSpan.FromMinutes(90)));
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { NotificationsHarness.SourceOf("ws-1") }));
            Assert.That(h.Stub.CallsTo("PATCH", "/v1.0/subscriptions/" + subscription.Id), Has.Count.EqualTo(1), "the registered work renewed the adapter's subscription");
            Assert.That(built, Is.EqualTo(1), "one manager for the receiver, the work and the adapter");
        }
    }

    [Test]
    public async Task ScheduledWork_KeepsGoing_WhenGraphRefusesARenewalAsync()
    {
        using var h = new NotificationsHarness();
        var work = new GraphSubscriptionRenewal(() => h.Manager, h.Logs.CreateLogger("renewal"));
        var subscription = await h.Manager.WatchAsync("ws-1", NotificationsHarness.DriveId);
        var other = await h.Manager.WatchAsync("ws-2", NotificationsHarness.DriveId);
        h.Stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1.0/subscriptions/" + subscription.Id).UsingPatch())
            .AtPriority(-1)
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(403).WithHeader("Content-Type", "application/json").WithBody("""{"error":{"code":"Forbidden","message":"No."}}"""));
        h.Time.Advance(TimeSpan.FromHours(43));

        Assert.DoesNotThrowAsync(() => work.RunDueAsync());
        var direct = Assert.ThrowsAsync<ProviderException>(() => h.Manager.RenewExpiringAsync());

        Assert.That(direct!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
        Assert.That(direct.ProviderErrorCode, Is.EqualTo("Forbidden"));
        Assert.That(h.Logs.Lines, Has.Some.Contains("scheduled subscription renewal failed"));
        Assert.That(h.Manager.Subscriptions.Select(s => s.Id), Is.EquivalentTo(new[] { subscription.Id, other.Id }), "kept for the next try");
        Assert.That(h.Stub.CallsTo("PATCH", "/v1.0/subscriptions/" + other.Id), Has.Count.EqualTo(1), "the refusal of one did not stop the other's renewal");
        Assert.That(h.Manager.Subscriptions.Single(s => s.Id == other.Id).Expiration, Is.EqualTo(h.Time.GetUtcNow().AddDays(2)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void ScheduledWork_WithAnUnusableMargin_LeavesThePeriodToTheScheduler()
    {
        using var h = new NotificationsHarness(o => o.SubscriptionRenewBefore = TimeSpan.Zero);

        Assert.That(new GraphSubscriptionRenewal(() => h.Manager, h.Logs.CreateLogger("renewal")).Period, Is.Null);
    }

    private sealed class TestBuilder(IServiceCollection services) : ICoCreationBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
