using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Http.Webhooks;
using CoCreation.Sdk.Vendure.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Vendure.Tests.Integration;

/// <summary>
/// The real peer's webhook plugin posting to the SDK's endpoint: the SDK (AddCoCreation, AddVendure, AddVendureWebhooks
/// with the peer's secret) is hosted by <c>MapCoCreationWebhooks</c> on a Kestrel listener on 127.0.0.1, that URL is
/// registered with the peer, and an order placed through the Shop API reaches the SDK's pipeline as a sale event read
/// from the order history by the poll a verified notification triggered. No scheduler runs, so nothing else polls.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class VendureWebhookReceiverIntegrationTests
{
    private const string Adapter = "shop-hooks";
    private const string Receiver = "vendure:" + Adapter;

    [Test]
    public async Task A_verified_notification_of_a_real_order_has_the_sale_polled_into_the_pipeline_and_a_forged_one_gets_401()
    {
        var peer = VendurePeer.Options();
        var secret = VendurePeer.WebhookSecret;
        var client = VendurePeer.Client();
        using var meter = new WebhookMeter(Receiver);
        await using var host = await StartAsync(peer, secret);
        var url = $"{host.BaseAddress}webhooks/{Receiver}";
        TestContext.Out.WriteLine($"SDK webhook endpoint: {url}");

        var registered = await client.AdminAsync("mutation($url: String!) { registerCoCreationWebhook(url: $url) }", new JsonObject { ["url"] = url });
        try
        {
            var listed = await client.AdminAsync("{ coCreationWebhooks }");
            var adapter = new VendureEnterpriseAdapter("vendure-hook-setup", peer, () => VendurePeer.Http);
            var owner = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = $"whr-{Guid.NewGuid():N}"[..16], DisplayName = "Hook receiver", Roles = [EnterpriseRoles.Seller] });
            var listing = await adapter.CreateListingAsync(new ListingRequest { ProductId = $"sku-{Guid.NewGuid():N}", OwnerAccountId = owner.AccountId, Title = "Webhook receiver tee", Price = new Money(12000m, "KRW") });
            await client.AddStockAsync(listing, 2);
            var verifiedBefore = meter.Verified;

            var orderId = await client.BuyAsync(listing, 2);
            var sales = await host.Consumer.WaitForAsync(
                e => e.Type == CoCreationEventTypes.SaleCompleted && e.Data.TryGetValue(CoCreationEventData.OrderId, out var id) && id == orderId,
                TimeSpan.FromSeconds(60));
            var verifiedAfter = meter.Verified;

            // A request to the same endpoint signed with another secret, and one without a signature.
            var body = Encoding.UTF8.GetBytes($$$"""{"type":"order.state_transition","timestamp":"{{{DateTimeOffset.UtcNow:O}}}","data":{"orderId":"{{{orderId}}}","toState":"PaymentSettled"}}""");
            var forged = await PostAsync(host.Http, url, body, StandardWebhookSigner.CreateHeaders(StandardWebhookSigner.GenerateSecret(), $"msg_{Guid.NewGuid():N}", DateTimeOffset.UtcNow, body));
            var unsigned = await PostAsync(host.Http, url, body, []);
            var genuine = await PostAsync(host.Http, url, body, StandardWebhookSigner.CreateHeaders(secret, $"msg_{Guid.NewGuid():N}", DateTimeOffset.UtcNow, body));
            var other = Encoding.UTF8.GetBytes("""{"order":"not a Vendure notification"}""");
            var notVendure = await PostAsync(host.Http, url, other, StandardWebhookSigner.CreateHeaders(secret, $"msg_{Guid.NewGuid():N}", DateTimeOffset.UtcNow, other));

            TestContext.Out.WriteLine($"verified notifications: {verifiedAfter - verifiedBefore} for the order; sale events seen for it: {sales.Count} ({sales.Select(s => s.Id).Distinct().Count()} distinct)");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(registered["registerCoCreationWebhook"]!.GetValue<bool>(), Is.True, "registered");
                Assert.That(listed["coCreationWebhooks"]!.AsArray().Select(u => u!.GetValue<string>()), Does.Contain(url), "the peer holds the URL");
                Assert.That(verifiedAfter - verifiedBefore, Is.GreaterThan(0), "verified notifications arrived for the order");
                Assert.That(sales, Is.Not.Empty, "the poll a notification triggered published the sale");
                Assert.That(sales.Select(s => s.Id).Distinct().Count(), Is.EqualTo(1), "one order line: one sale event (re-published at most, never two different ones)");
                Assert.That(sales[0].Source, Is.EqualTo(CoCreationEventSources.Enterprise(Adapter)), "read by the SDK's own Vendure adapter");
                Assert.That(sales[0].Data[CoCreationEventData.ListingId], Is.EqualTo(listing.Id));
                Assert.That(sales[0].Data[CoCreationEventData.Quantity], Is.EqualTo("2"));
                Assert.That(sales[0].Data[CoCreationEventData.Amount], Is.EqualTo("24000"));
                Assert.That(forged, Is.EqualTo(HttpStatusCode.Unauthorized), "a wrong signature is refused");
                Assert.That(unsigned, Is.EqualTo(HttpStatusCode.Unauthorized), "no signature is refused");
                Assert.That(meter.Refused("bad_signature"), Is.EqualTo(1), "counted as a bad signature");
                Assert.That(meter.Refused("missing"), Is.EqualTo(1), "counted as missing");
                Assert.That(genuine, Is.EqualTo(HttpStatusCode.Accepted), "the same body signed with the peer's secret is accepted");
                Assert.That(notVendure, Is.EqualTo(HttpStatusCode.InternalServerError), "verified but not a Vendure notification: refused after verification");
            }
        }
        finally
        {
            var removed = await client.AdminAsync("mutation($url: String!) { unregisterCoCreationWebhook(url: $url) }", new JsonObject { ["url"] = url });
            var left = await client.AdminAsync("{ coCreationWebhooks }");
            Assert.That(removed["unregisterCoCreationWebhook"]!.GetValue<bool>(), Is.True, "unregistered");
            Assert.That(left["coCreationWebhooks"]!.AsArray().Select(u => u!.GetValue<string>()), Does.Not.Contain(url), "the peer no longer posts to it");
        }
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient http, string url, byte[] body, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<Host> StartAsync(VendureOptions peer, string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<RecordingConsumer>();
        builder.Services.AddCoCreation()
            .AddEventConsumer(sp => sp.GetRequiredService<RecordingConsumer>())
            .AddVendure(Adapter, o =>
            {
                o.AdminApiUrl = peer.AdminApiUrl;
                o.User = peer.User;
                o.Password = peer.Password;
            })
            .AddVendureWebhooks(Adapter, o => o.Secret = secret);
        var app = builder.Build();
        app.MapCoCreationWebhooks("/webhooks");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Host(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private sealed class Host(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        public Uri BaseAddress => baseAddress;

        public HttpClient Http { get; } = new();

        public RecordingConsumer Consumer => app.Services.GetRequiredService<RecordingConsumer>();

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Records what the pipeline published.</summary>
    private sealed class RecordingConsumer : IEventConsumer
    {
        private readonly ConcurrentQueue<CoCreationEvent> events = new();

        public bool Accepts(CoCreationEvent @event) => true;

        public Task ConsumeAsync(CoCreationEvent @event, CancellationToken cancellationToken = default)
        {
            events.Enqueue(@event);
            return Task.CompletedTask;
        }

        public async Task<List<CoCreationEvent>> WaitForAsync(Func<CoCreationEvent, bool> match, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            while (true)
            {
                var found = events.Where(match).ToList();
                if (found.Count > 0 || DateTime.UtcNow > until)
                {
                    // Give notifications still in flight a moment, so a second, different event would be seen too.
                    await Task.Delay(found.Count > 0 ? 1500 : 0);
                    return events.Where(match).ToList();
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>Counts the SDK meter's webhook outcomes for one receiver.</summary>
    private sealed class WebhookMeter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly string receiver;
        private readonly ConcurrentDictionary<string, long> counts = new();

        public WebhookMeter(string receiver)
        {
            this.receiver = receiver;
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "CoCreation.Sdk" && instrument.Name is "cocreation.webhook.verified" or "cocreation.webhook.refused")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>(OnMeasurement);
            listener.Start();
        }

        public long Verified => counts.GetValueOrDefault("verified");

        public long Refused(string reason) => counts.GetValueOrDefault("refused:" + reason);

        public void Dispose() => listener.Dispose();

        private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            string? name = null;
            string? reason = null;
            foreach (var (key, tag) in tags)
            {
                if (key == "cocreation.receiver")
                {
                    name = tag as string;
                }
                else if (key == "cocreation.reason")
                {
                    reason = tag as string;
                }
            }

            if (name == receiver)
            {
                counts.AddOrUpdate(instrument.Name == "cocreation.webhook.verified" ? "verified" : "refused:" + reason, value, (_, c) => c + value);
            }
        }
    }
}
