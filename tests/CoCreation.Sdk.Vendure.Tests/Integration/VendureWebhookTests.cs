using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Vendure.Tests.Support;

namespace CoCreation.Sdk.Vendure.Tests.Integration;

/// <summary>
/// The peer's webhook plugin: a URL registered at run time (registerCoCreationWebhook, SuperAdmin only) receives a POST
/// for an order reaching PaymentSettled, signed by the Standard Webhooks scheme with COCREATION_VENDURE_WEBHOOK_SECRET.
/// The signature is checked here, independently of any SDK code.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class VendureWebhookTests
{
    [Test]
    public async Task An_order_reaching_payment_settled_is_posted_with_a_valid_standard_webhooks_signature()
    {
        var secret = VendurePeer.WebhookSecret;
        var client = VendurePeer.Client();
        var adapter = new VendureEnterpriseAdapter("vendure-webhooks", VendurePeer.Options(), () => VendurePeer.Http);
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}/hooks/";
        using var listener = new HttpListener();
        listener.Prefixes.Add(url);
        listener.Start();
        var received = new List<(string Id, string Timestamp, string Signature, string Body)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pump = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var context = await listener.GetContextAsync().WaitAsync(stop.Token);
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                lock (received)
                {
                    received.Add((context.Request.Headers["webhook-id"] ?? "", context.Request.Headers["webhook-timestamp"] ?? "", context.Request.Headers["webhook-signature"] ?? "", body));
                }

                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });

        var registered = await client.AdminAsync("mutation($url: String!) { registerCoCreationWebhook(url: $url) }", new JsonObject { ["url"] = url });
        try
        {
            var owner = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = $"hook-{Guid.NewGuid():N}"[..17], DisplayName = "Hook", Roles = [EnterpriseRoles.Seller] });
            var listing = await adapter.CreateListingAsync(new ListingRequest { ProductId = $"sku-{Guid.NewGuid():N}", OwnerAccountId = owner.AccountId, Title = "Webhook tee", Price = new Money(11000m, "KRW") });
            await client.AddStockAsync(listing, 1);
            var orderId = await client.BuyAsync(listing, 1);

            (string Id, string Timestamp, string Signature, string Body)? settled = null;
            for (var i = 0; i < 100 && settled is null; i++)
            {
                lock (received)
                {
                    settled = received.Select(r => ((string, string, string, string)?)r).FirstOrDefault(r =>
                    {
                        var json = JsonNode.Parse(r!.Value.Item4)!;
                        return json["type"]?.GetValue<string>() == "order.state_transition"
                            && json["data"]?["orderId"]?.GetValue<string>() == orderId
                            && json["data"]?["toState"]?.GetValue<string>() == "PaymentSettled";
                    });
                }

                if (settled is null)
                {
                    await Task.Delay(100);
                }
            }

            Assert.That(settled, Is.Not.Null, "a POST for the order reaching PaymentSettled arrived");
            var (id, timestamp, signature, body) = settled!.Value;
            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
            var forged = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body} ")));
            var ids = received.Select(r => r.Id).ToList();

            using (Assert.EnterMultipleScope())
            {
                Assert.That(registered["registerCoCreationWebhook"]!.GetValue<bool>(), Is.True, "registered");
                Assert.That(secret, Does.StartWith("whsec_"), "secret format");
                Assert.That(signature.Split(' '), Does.Contain(expected), "the HMAC-SHA256 over id.timestamp.body verifies");
                Assert.That(signature.Split(' '), Does.Not.Contain(forged), "a changed body would not verify");
                Assert.That(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(120), "timestamp in unix seconds, recent");
                Assert.That(ids, Is.Unique, "every delivery has its own webhook-id");
            }
        }
        finally
        {
            await client.AdminAsync("mutation($url: String!) { unregisterCoCreationWebhook(url: $url) }", new JsonObject { ["url"] = url });
            await stop.CancelAsync();
            listener.Stop();
            await Task.WhenAny(pump, Task.Delay(1000));
        }
    }

    [Test]
    public async Task Registering_a_receiver_needs_an_administrator_session_and_a_loopback_url()
    {
        var client = VendurePeer.Client();
        using var anonymous = new HttpRequestMessage(HttpMethod.Post, VendurePeer.Options().AdminApiUrl)
        {
            Content = new StringContent("{\"query\":\"mutation { registerCoCreationWebhook(url: \\\"http://127.0.0.1:9/x\\\") }\"}", Encoding.UTF8, "application/json"),
        };
        using var response = await VendurePeer.Http.SendAsync(anonymous);
        var refused = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var remote = Assert.ThrowsAsync<AssertionException>(() => client.AdminAsync("mutation { registerCoCreationWebhook(url: \"http://example.com/x\") }"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused["errors"]![0]!["extensions"]!["code"]!.GetValue<string>(), Is.EqualTo("FORBIDDEN"), "anonymous registration is refused");
            Assert.That(remote!.Message, Does.Contain("loopback"), "a non-loopback receiver is refused");
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
