using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Tests.Support;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// Steps 3-5, 11-15 and 17 of the scenario through the orchestrator, with the embedded SNS and the real Tryton.
/// Each test runs a fresh story up to its step and reads the step's effect back from Tryton itself with the
/// test's own JSON-RPC client, and from the participants' SNS inboxes.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TrytonScenarioTests
{
    private TrytonStory _story = null!;

    [SetUp]
    public void SetUp() => _story = new TrytonStory();

    [TearDown]
    public async Task TearDown()
    {
        // Null when SetUp found no Tryton peer and ignored the test.
        if (_story is not null)
        {
            await _story.DisposeAsync();
        }
    }

    [Test]
    public async Task Step03_accepting_the_design_grants_a_tryton_user_with_the_mapped_groups()
    {
        await _story.RunThroughAsync(3);

        var userId = await _story.DesignerUserIdAsync();
        var user = await _story.Tryton.ReadOneAsync("res.user", userId, "login", "active", "name");
        var groups = await _story.Tryton.GroupNamesAsync(userId);

        Assert.That(user, Is.Not.Null, "the Tryton user exists");
        Assert.That(user!["active"]!.GetValue<int>(), Is.EqualTo(1), "active in Tryton");
        Assert.That(user["name"]!.GetValue<string>(), Does.StartWith("Designer "));
        Assert.That(groups, Is.SupersetOf(new[] { "Product Administration", "Production" }), "member and production-requester groups");
        Assert.That(groups, Does.Not.Contain("Sales"), "no seller group before a listing");
        Assert.That(_story.DesignerInbox, Has.Some.Contains("was selected for production").And.Contains(_story.Title), "the review in Tryton reaches the designer over SNS");
    }

    [Test]
    public async Task Step04_the_production_plan_becomes_a_production_order_in_tryton()
    {
        await _story.RunThroughAsync(4);

        var id = long.Parse(_story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await _story.Tryton.ReadOneAsync("production", id, "product", "quantity", "state");
        var notes = await _story.Tryton.CallAsync("model.ir.note.search_read",
            new JsonArray(new JsonArray("resource", "=", $"production,{id}")), 0, 10, null, new JsonArray("message"));

        Assert.That(production, Is.Not.Null, "the production exists in Tryton");
        Assert.That(production!["product"]!.GetValue<long>(), Is.EqualTo(_story.ProductId), "of the design's product");
        Assert.That(production["quantity"]!.GetValue<double>(), Is.EqualTo(10));
        Assert.That(production["state"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(notes!.AsArray().Select(n => n!["message"]!.GetValue<string>()), Has.Some.Contains("S 2, M 4, L 3, XL 1"), "the plan is kept with the order");
        Assert.That(_story.DesignerInbox, Has.Some.Contains("Your request to produce 10 pieces"), "the request is confirmed over SNS");
    }

    [Test]
    public async Task Step05_a_state_change_made_in_tryton_reaches_the_requester_as_progress()
    {
        await _story.RunThroughAsync(4);
        var id = long.Parse(_story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);

        // The company works the order in Tryton itself: waiting, materials assigned, running.
        await _story.Tryton.CallAsync("model.production.wait", new JsonArray(id));
        await _story.Tryton.CallAsync("model.production.assign_try", new JsonArray(id));
        await _story.Tryton.CallAsync("model.production.run", new JsonArray(id));
        await _story.Program.SyncAsync();
        var running = await _story.Tryton.ReadOneAsync("production", id, "state");
        await _story.Program.ReportProductionProgressAsync(_story.FirstOrder.Id, new ProductionProgressUpdate(70, "sewing"));
        await _story.Program.SyncAsync();
        var reported = await _story.Tryton.ReadOneAsync("production", id, "state", "reference");

        var progress = _story.DesignerInbox.Where(t => t.Contains("production:", StringComparison.Ordinal)).ToList();
        Assert.That(running!["state"]!.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(progress, Has.Count.EqualTo(2));
        Assert.That(progress[0], Does.Contain(_story.Title).And.Contain("50%").And.Contain("running"), "Tryton's own state change");
        Assert.That(progress[1], Does.Contain("70%").And.Contain("sewing"), "the progress the company reported through the SDK");
        Assert.That(reported!["reference"]!.GetValue<string>(), Is.EqualTo("70% sewing"), "the progress is written to Tryton");
    }

    [Test]
    public async Task Step11_completed_production_is_stocked_in_and_the_stock_reported_over_sns()
    {
        await _story.RunThroughAsync(6);

        var id = long.Parse(_story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await _story.Tryton.ReadOneAsync("production", id, "state");
        var onHand = await _story.Tryton.OnHandAsync(_story.ProductId, await _story.WarehouseAsync());

        Assert.That(production!["state"]!.GetValue<string>(), Is.EqualTo("done"));
        Assert.That(onHand, Is.EqualTo(10), "Tryton's stock in the warehouse");
        Assert.That(_story.DesignerInbox, Has.Some.Contains($"Production of '{_story.Title}' is complete (10 pieces)"));
        Assert.That(_story.DesignerInbox, Has.Some.Contains("10 pieces").And.Contains("Stock on hand: 10"));
    }

    [Test]
    public async Task Steps09_10_a_sale_and_its_shipment_made_in_tryton_reach_the_designer()
    {
        await _story.RunThroughAsync(6);

        var sale = await _story.SellAndShipInTrytonAsync(2);
        await _story.Program.SyncAsync();
        await _story.Program.SyncAsync();

        var state = await _story.Tryton.ReadOneAsync("sale.sale", sale, "state");
        var onHand = await _story.Tryton.OnHandAsync(_story.ProductId, await _story.WarehouseAsync());
        Assert.That(state!["state"]!.GetValue<string>(), Is.AnyOf("processing", "done"), "the sale is confirmed in Tryton");
        Assert.That(onHand, Is.EqualTo(8), "the shipment took 2 pieces out of Tryton's stock");
        Assert.That(_story.DesignerInbox.Count(t => t.Contains($" of '{_story.Title}' sold (", StringComparison.Ordinal)), Is.EqualTo(1), "one sale message, however often Tryton rewrites the sale");
        Assert.That(_story.DesignerInbox, Has.Some.Contains($"2 pieces of '{_story.Title}' sold (KRW 90,000)"));
        Assert.That(_story.DesignerInbox, Has.Some.Contains($"Order {sale} of '{_story.Title}' has shipped"));
    }

    [Test]
    public async Task Step12_stock_moved_below_the_threshold_in_tryton_alerts_the_requester_and_the_manager_once()
    {
        await _story.RunThroughAsync(12);
        await _story.Program.SyncAsync();

        var onHand = await _story.Tryton.OnHandAsync(_story.ProductId, await _story.WarehouseAsync());

        Assert.That(onHand, Is.EqualTo(4), "10 made, 6 moved out in Tryton");
        Assert.That(_story.DesignerInbox.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1), "the requester, once");
        Assert.That(_story.ManagerInbox.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1), "the production manager, once");
        Assert.That(_story.DesignerInbox.Single(t => t.Contains("Low stock", StringComparison.Ordinal)), Does.Contain("4 pieces").And.Contain("threshold 5"));
    }

    [Test]
    public async Task Step13_re_production_is_a_new_production_order_in_tryton()
    {
        await _story.RunThroughAsync(13);

        var id = long.Parse(_story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await _story.Tryton.ReadOneAsync("production", id, "product", "quantity", "state");

        Assert.That(_story.Reorder.Id, Is.Not.EqualTo(_story.FirstOrder!.Id));
        Assert.That(production!["product"]!.GetValue<long>(), Is.EqualTo(_story.ProductId));
        Assert.That(production["quantity"]!.GetValue<double>(), Is.EqualTo(60));
        Assert.That(production["state"]!.GetValue<string>(), Is.EqualTo("draft"));
    }

    [Test]
    public async Task Step14_re_production_progress_is_in_tryton_and_reaches_the_requester()
    {
        await _story.RunThroughAsync(14);

        var id = long.Parse(_story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await _story.Tryton.ReadOneAsync("production", id, "state", "reference");

        Assert.That(production!["state"]!.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(production["reference"]!.GetValue<string>(), Is.EqualTo("50% sewing"));
        Assert.That(_story.DesignerInbox, Has.Some.Contains("50%").And.Contains("sewing").And.Contains(_story.Title));
    }

    [Test]
    public async Task Step15_re_production_is_stocked_in_in_tryton_and_announced()
    {
        await _story.RunThroughAsync(15);

        var onHand = await _story.Tryton.OnHandAsync(_story.ProductId, await _story.WarehouseAsync());

        Assert.That(onHand, Is.EqualTo(4 + 60), "Tryton's stock after the second production");
        Assert.That(_story.DesignerInbox, Has.Some.Contains("60 pieces").And.Contains("Stock on hand: 64"));
    }

    [Test]
    public async Task Step17_revoking_access_deactivates_the_tryton_user_and_the_requesters_calls_fail()
    {
        await _story.RunThroughAsync(13);
        var userId = await _story.DesignerUserIdAsync();
        var account = await _story.Program.Enterprise.GetAccountAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await _story.Grants.RevokeAllAsync(_story.Session!.ParticipantId, "sales ended", TrytonStory.System);

        var user = await _story.Tryton.ReadOneAsync("res.user", userId, "active");
        var groups = await _story.Tryton.GroupNamesAsync(userId);
        var production = await _story.Tryton.ReadOneAsync("production", long.Parse(_story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture), "state");
        Assert.That(user!["active"]!.GetValue<int>(), Is.EqualTo(0), "the Tryton user is inactive");
        Assert.That(groups, Has.None.AnyOf("Product Administration", "Production", "Sales", "Production Administration"), "its mapped groups are removed");
        Assert.That(production, Is.Not.Null, "business records stay");
        Assert.ThrowsAsync<AccessDeniedException>(() => _story.Program.RequestProductionAsync(_story.Session, new ProductionRequest { DesignId = _story.Design!.Id, Quantity = 1, Plan = "x" }));
        Assert.ThrowsAsync<AccessDeniedException>(() => _story.Program.SubmitDesignAsync(_story.Session, new DesignSubmission { Title = "t", Description = "d" }));

        // The account copy still says active: Tryton's own record decides, so the adapter refuses too.
        var production2 = (IProductionSystem)_story.Program.Enterprise;
        var refused = Assert.ThrowsAsync<ProviderException>(() => production2.RequestProductionAsync(account, new ProductionRequest { DesignId = _story.Design!.Id, Quantity = 1, Plan = "x" }));
        Assert.That(account.IsActive, Is.True);
        Assert.That(refused!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
    }
}
