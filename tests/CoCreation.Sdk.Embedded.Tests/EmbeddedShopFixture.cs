using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>
/// An embedded enterprise system, in memory or on a database file, with a designer whose product can be produced,
/// listed and sold; for the limits and refund tests, which run the same way in both modes.
/// </summary>
public abstract class EmbeddedShopFixture(bool stored)
{
    protected static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private string? _directory;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected EmbeddedEnterpriseSystem System { get; private set; } = null!;

    protected bool Stored => stored;

    [SetUp]
    public void CreateSystem()
    {
        Time = new FakeTimeProvider(Start);
        if (stored)
        {
            _directory = Path.Combine(Path.GetTempPath(), "cocreation-shop-" + Guid.NewGuid().ToString("N"));
        }

        System = Open();
    }

    [TearDown]
    public void DisposeSystem()
    {
        System.Dispose();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Closes the system and opens it again on the same file (stored mode), to see what was really committed.</summary>
    protected void Reopen()
    {
        if (!stored)
        {
            return;
        }

        System.Dispose();
        System = Open();
    }

    protected async Task<Shop> ShopAsync(int stock, decimal price = 39000m, string currency = "KRW")
    {
        var designer = await System.ProvisionAccountAsync(new EnterpriseAccountRequest
        {
            Login = "sns:designer:" + Guid.NewGuid().ToString("N")[..8],
            DisplayName = "Designer",
            Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller],
        });
        var design = await System.SubmitDesignAsync(designer, new DesignSubmission { Title = "Linen shirt", Description = "Natural linen." });
        var accepted = await System.ReviewDesignAsync(design.Id, new DesignReview(true));
        var shop = new Shop(designer, design.Id, accepted.ProductId!, null!);
        if (stock > 0)
        {
            await ProduceAsync(shop, stock);
        }

        var listing = await System.CreateListingAsync(new ListingRequest
        {
            ProductId = shop.ProductId,
            OwnerAccountId = designer.AccountId,
            Title = "Linen shirt",
            Price = new Money(price, currency),
        });
        return shop with { Listing = listing };
    }

    protected async Task ProduceAsync(Shop shop, int quantity)
    {
        var order = await System.RequestProductionAsync(shop.Designer, new ProductionRequest { DesignId = shop.DesignId, Quantity = quantity, Plan = "One size." });
        await System.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
    }

    protected async Task<int> OnHandAsync(Shop shop) => (await System.GetStockAsync(shop.ProductId)).OnHand;

    protected Task<IReadOnlyList<SaleRecord>> SalesAsync(Shop shop) => System.GetSalesAsync(shop.Listing.Id, Start.AddYears(-1), Start.AddYears(1));

    protected Task<IReadOnlyList<Refund>> RefundsAsync(Shop shop) => System.GetRefundsAsync(shop.Listing.Id, Start.AddYears(-1), Start.AddYears(1));

    protected static RefundRequest Refund(int quantity, bool restock = true, string? key = null)
        => new() { Quantity = quantity, Reason = "Wrong size", Restock = restock, IdempotencyKey = key ?? "refund-" + Guid.NewGuid().ToString("N") };

    protected static void AssertInvalid(Func<Task> call, string field)
    {
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(call);
        Assert.That(ex!.Field, Is.EqualTo(field));
    }

    private EmbeddedEnterpriseSystem Open()
        => new("dong-a", stored ? new EmbeddedEnterpriseOptions { DatabasePath = Path.Combine(_directory!, "erp.db") } : null, Time);

    protected sealed record Shop(EnterpriseAccount Designer, string DesignId, string ProductId, Listing Listing);
}
