namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>Orders at the shop front take an idempotency key: a retried order sells once, also after a restart.</summary>
[TestFixture(false)]
[TestFixture(true)]
[Category("Unit")]
public sealed class EmbeddedOrderIdempotencyTests(bool stored) : EmbeddedShopFixture(stored)
{
    [Test]
    public async Task An_order_retried_with_its_key_sells_once()
    {
        var shop = await ShopAsync(stock: 10);

        var first = System.PlaceOrder(shop.Listing.Id, "Buyer", 3, idempotencyKey: "order-1");
        var retry = System.PlaceOrder(shop.Listing.Id, "Buyer", 3, idempotencyKey: "order-1");

        Assert.That(retry.Id, Is.EqualTo(first.Id));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(7));
        Assert.That(await SalesAsync(shop), Has.Count.EqualTo(1));

        Reopen();
        var afterRestart = System.PlaceOrder(shop.Listing.Id, "Buyer", 3, idempotencyKey: "order-1");
        Assert.That(afterRestart.Id, Is.EqualTo(first.Id));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(7));
        Assert.That(await SalesAsync(shop), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Racing_orders_with_one_key_sell_once()
    {
        var shop = await ShopAsync(stock: 50);

        var sales = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => System.PlaceOrder(shop.Listing.Id, "Buyer", 2, idempotencyKey: "burst"))));

        Assert.That(sales.Select(s => s.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(48));
    }

    [Test]
    public async Task A_key_reused_for_another_order_is_a_conflict_and_changes_nothing()
    {
        var shop = await ShopAsync(stock: 10);
        System.PlaceOrder(shop.Listing.Id, "Buyer", 1, idempotencyKey: "k");

        Assert.Throws<CoCreationConflictException>(() => System.PlaceOrder(shop.Listing.Id, "Buyer", 2, idempotencyKey: "k"));
        Assert.Throws<CoCreationConflictException>(() => System.PlaceOrder(shop.Listing.Id, "Someone else", 1, idempotencyKey: "k"));

        Assert.That(await OnHandAsync(shop), Is.EqualTo(9));
        Assert.That(await SalesAsync(shop), Has.Count.EqualTo(1));
    }

    [TestCase("")]
    [TestCase(" ")]
    public async Task A_blank_or_long_key_is_refused_naming_the_field(string key)
    {
        var shop = await ShopAsync(stock: 10);

        var blank = Assert.Throws<CoCreationValidationException>(() => System.PlaceOrder(shop.Listing.Id, "Buyer", 1, idempotencyKey: key));
        Assert.That(blank!.Field, Is.EqualTo("idempotencyKey"));
        var tooLong = Assert.Throws<CoCreationValidationException>(() => System.PlaceOrder(shop.Listing.Id, "Buyer", 1, idempotencyKey: new string('k', 201)));
        Assert.That(tooLong!.Field, Is.EqualTo("idempotencyKey"));
        Assert.That(await OnHandAsync(shop), Is.EqualTo(10));
    }
}
