using CoCreation.Sdk.Enterprise;
using WireMock.Server;

namespace CoCreation.Sdk.Tryton.Tests.Unit;

/// <summary>The Tryton adapter refuses values above <see cref="CoCreationLimits"/> before it sends anything.</summary>
[TestFixture]
[Category("Unit")]
public sealed class TrytonLimitsTests
{
    private WireMockServer _server = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp()
    {
        _server = WireMockServer.Start();
        _http = new HttpClient();
    }

    [TearDown]
    public void TearDown()
    {
        _http.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    [TestCase(CoCreationLimits.MaxQuantity + 1)]
    [TestCase(int.MaxValue)]
    public void Production_above_the_quantity_limit_is_refused_before_any_request(int quantity)
    {
        var adapter = Adapter();
        var requester = new EnterpriseAccount { System = "erp", AccountId = "7", Login = "ann", Roles = [EnterpriseRoles.ProductionRequester] };

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.RequestProductionAsync(requester, new ProductionRequest { DesignId = "12", Quantity = quantity, Plan = "All sizes" }));

        Assert.That(error!.Field, Is.EqualTo("ProductionRequest.Quantity"));
        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent to Tryton");
    }

    [Test]
    public void Threshold_above_the_stock_limit_is_refused_before_any_request()
    {
        var adapter = Adapter();

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => adapter.SetLowStockThresholdAsync("12", CoCreationLimits.MaxStock + 1));

        Assert.That(error!.Field, Is.EqualTo("threshold"));
        Assert.That(_server.LogEntries, Is.Empty, "nothing was sent to Tryton");
    }

    private TrytonEnterpriseAdapter Adapter() => new("erp", new TrytonOptions
    {
        Url = new Uri(_server.Url! + "/"),
        Database = "testdb",
        User = "admin",
        Password = "not-used-here",
    }, () => _http);
}
