using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Vendure.Tests.Support;
using CoCreation.Sdk.Vendure.Tests.Unit;

namespace CoCreation.Sdk.Vendure.Tests.Integration;

/// <summary>
/// Every request the adapter sends to the real Vendure during a whole story (accounts, listing, sale, shipment, refund,
/// events, deprovisioning), with its variables, and every answer it gets, checked against the introspected schema with
/// the SDK's GraphQL contract checker.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class VendureTrafficContractTests
{
    [Test]
    public async Task The_adapters_requests_and_vendures_answers_match_the_schema()
    {
        var recorder = new Recorder { InnerHandler = new SocketsHttpHandler { UseCookies = false } };
        using var http = new HttpClient(recorder);
        var adapter = new VendureEnterpriseAdapter("vendure-traffic", VendurePeer.Options(), () => http);
        var client = VendurePeer.Client();

        var owner = await adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = $"traffic-{Guid.NewGuid():N}"[..20], DisplayName = "Traffic", Roles = [EnterpriseRoles.Member, EnterpriseRoles.Seller] });
        await adapter.SetAccountRolesAsync(owner, [EnterpriseRoles.Seller]);
        var listing = await adapter.CreateListingAsync(new ListingRequest { ProductId = $"sku-{Guid.NewGuid():N}", OwnerAccountId = owner.AccountId, Title = "Traffic tee", Price = new Money(18000m, "KRW"), Terms = "Ships in 2 days" });
        await adapter.UpdateListingAsync(owner, listing.Id, new ListingUpdate(new Money(19000m, "KRW"), "Ships in 3 days"));
        await client.AddStockAsync(listing, 3);
        await client.BuyAsync(listing, 3);
        var now = DateTimeOffset.UtcNow;
        var sale = (await adapter.GetSalesAsync(listing.Id, now.AddHours(-1), now.AddHours(1))).Single();
        await adapter.RefundAsync(sale.Id, new RefundRequest { Quantity = 1, Reason = "Changed mind", Restock = true, IdempotencyKey = Guid.NewGuid().ToString("N") });
        await adapter.ShipAsync(sale.Id, new ShipmentRequest("CJ Logistics", "555"));
        await adapter.GetRefundsAsync(listing.Id, now.AddHours(-1), now.AddHours(1));
        await adapter.ReadEventsAsync(null);
        await adapter.DelistAsync(listing.Id);
        await adapter.DeprovisionAccountAsync(owner);

        var exchanges = recorder.Exchanges;
        var requests = VendureDocumentsContractTests.Contract.CheckRequests(exchanges.Select(e => e.Request));
        var answers = exchanges.SelectMany(e =>
        {
            using var request = JsonDocument.Parse(e.Request);
            using var response = JsonDocument.Parse(e.Response);
            var root = request.RootElement;
            return VendureDocumentsContractTests.Contract.CheckResponse(
                root.GetProperty("query").GetString()!,
                root.TryGetProperty("variables", out var variables) ? variables.Clone() : null,
                response.RootElement.Clone());
        }).ToList();
        var operations = exchanges.Select(e => VendureDocuments.OperationName(JsonDocument.Parse(e.Request).RootElement.GetProperty("query").GetString()!)).Distinct().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(operations, Has.Count.GreaterThanOrEqualTo(20), "the story used most documents: " + string.Join(", ", operations));
            Assert.That(requests, Is.Empty, "requests: " + string.Join(Environment.NewLine, requests));
            Assert.That(answers, Is.Empty, "answers: " + string.Join(Environment.NewLine, answers));
        }
    }

    /// <summary>Keeps every request body the adapter sends and the body Vendure answers with.</summary>
    private sealed class Recorder : DelegatingHandler
    {
        private readonly List<(string Request, string Response)> _exchanges = [];

        public IReadOnlyList<(string Request, string Response)> Exchanges
        {
            get
            {
                lock (_exchanges)
                {
                    return [.. _exchanges];
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            lock (_exchanges)
            {
                _exchanges.Add((body, answer));
            }

            // The adapter reads the body again: hand it a fresh copy with the original headers.
            var copy = new StringContent(answer, Encoding.UTF8, "application/json");
            response.Content = copy;
            return response;
        }
    }
}
