using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Microsoft365.Notifications;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>A subscription manager and a receiver for adapter <see cref="Adapter"/> over the WireMock stubs, on a fake clock.</summary>
internal sealed class NotificationsHarness : IDisposable
{
    public const string Adapter = "m365";
    public const string DriveId = "b!drive-1";

    private readonly HttpClient http = new();

    public NotificationsHarness(Action<Microsoft365Options>? configure = null)
    {
        Stub = new GraphSubscriptionsStub();
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        Logs = new CollectingLoggerProvider();
        Options = new Microsoft365Options
        {
            NotificationUrl = new Uri("https://hooks.example.test/graph/notifications"),
            LifecycleNotificationUrl = new Uri("https://hooks.example.test/graph/lifecycle"),
            SubscriptionLifetime = TimeSpan.FromDays(2),
            SubscriptionRenewBefore = TimeSpan.FromHours(6),
        };
        configure?.Invoke(Options);
        Graph = new GraphServiceClient(http, new AnonymousAuthenticationProvider(), Stub.BaseUrl);
        Manager = new GraphSubscriptionManager(() => Graph, Adapter, Options, Time, Logs.CreateLogger("manager"));
        Receiver = new Microsoft365NotificationReceiver(Adapter, () => Manager, Logs.CreateLogger("receiver"));
    }

    public GraphSubscriptionsStub Stub { get; }

    public FakeTimeProvider Time { get; }

    public CollectingLoggerProvider Logs { get; }

    public Microsoft365Options Options { get; }

    public GraphServiceClient Graph { get; }

    public GraphSubscriptionManager Manager { get; }

    public Microsoft365NotificationReceiver Receiver { get; }

    /// <summary>The clientState Graph was given when a subscription was created (what Graph would send back).</summary>
    public string ClientStateOf(string subscriptionId) => Stub.Subscriptions[subscriptionId]["clientState"]!.GetValue<string>();

    public static string SourceOf(string workspaceId) => CoCreationEventSources.WorkspaceActivitySourceName(Adapter, workspaceId);

    /// <summary>A change notification item as Graph posts it.</summary>
    public static JsonObject Change(string subscriptionId, string? clientState) => new()
    {
        ["subscriptionId"] = subscriptionId,
        ["clientState"] = clientState,
        ["changeType"] = "updated",
        ["resource"] = "drives/" + DriveId + "/root",
        ["resourceData"] = new JsonObject { ["@odata.type"] = "#Microsoft.Graph.DriveItem" },
        ["subscriptionExpirationDateTime"] = "2026-12-03T09:00:00+00:00",
        ["tenantId"] = "tenant-1",
    };

    /// <summary>A lifecycle notification item as Graph posts it.</summary>
    public static JsonObject Lifecycle(string subscriptionId, string clientState, string lifecycleEvent) => new()
    {
        ["subscriptionId"] = subscriptionId,
        ["clientState"] = clientState,
        ["lifecycleEvent"] = lifecycleEvent,
        ["subscriptionExpirationDateTime"] = "2026-12-03T09:00:00+00:00",
        ["tenantId"] = "tenant-1",
    };

    public static WebhookRequest Post(params JsonObject[] items)
        => Raw(new JsonObject { ["value"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()) }.ToJsonString());

    public static WebhookRequest Raw(string body, IEnumerable<KeyValuePair<string, string>>? headers = null)
        => new(headers ?? [new("Content-Type", "application/json")], Encoding.UTF8.GetBytes(body));

    public void Dispose()
    {
        Graph.Dispose();
        http.Dispose();
        Logs.Dispose();
        Stub.Dispose();
    }
}
