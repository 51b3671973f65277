using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Tests.Support;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// The scenario steps that docs/providers/tryton.md lists, through the orchestrator, with the embedded SNS and the real Tryton.
/// Each test runs a fresh story up to its step and reads the step's effect back from Tryton itself with the
/// test's own JSON-RPC client, and from the participants' SNS inboxes.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TrytonScenarioTests : TrytonStoryFixture
{
    [Test]
    public async Task Step03_accepting_the_design_grants_a_tryton_user_with_the_mapped_groups()
    {
        await Story.RunThroughAsync(3);

        var userId = await Story.DesignerUserIdAsync();
        var user = await Story.Tryton.ReadOneAsync("res.user", userId, "login", "active", "name");
        var groups = await Story.Tryton.GroupNamesAsync(userId);

        Assert.That(user, Is.Not.Null, "the Tryton user exists");
        Assert.That(user!["active"]!.GetValue<int>(), Is.EqualTo(1), "active in Tryton");
        Assert.That(user["name"]!.GetValue<string>(), Does.StartWith("Designer "));
        Assert.That(groups, Is.SupersetOf(new[] { "Product Administration", "Production" }), "member and production-requester groups");
        Assert.That(groups, Does.Not.Contain("Sales"), "no seller group before a listing");
        Assert.That(Story.DesignerInbox, Has.Some.Contains("was selected for production").And.Contains(Story.Title), "the review in Tryton reaches the designer over SNS");
    }

    [Test]
    public async Task Step04_the_production_plan_becomes_a_production_order_in_tryton()
    {
        await Story.RunThroughAsync(4);

        var id = long.Parse(Story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await Story.Tryton.ReadOneAsync("production", id, "product", "quantity", "state");
        var notes = await Story.Tryton.CallAsync("model.ir.note.search_read",
            new JsonArray(new JsonArray("resource", "=", $"production,{id}")), 0, 10, null, new JsonArray("message"));

        Assert.That(production, Is.Not.Null, "the production exists in Tryton");
        Assert.That(production!["product"]!.GetValue<long>(), Is.EqualTo(Story.ProductId), "of the design's product");
        Assert.That(production["quantity"]!.GetValue<double>(), Is.EqualTo(10));
        Assert.That(production["state"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(notes!.AsArray().Select(n => n!["message"]!.GetValue<string>()), Has.Some.Contains("S 2, M 4, L 3, XL 1"), "the plan is kept with the order");
        Assert.That(Story.DesignerInbox, Has.Some.Contains("Your request to produce 10 pieces"), "the request is confirmed over SNS");
    }

    [Test]
    public async Task Step05_a_state_change_made_in_tryton_reaches_the_requester_as_progress()
    {
        await Story.RunThroughAsync(4);
        var id = long.Parse(Story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);

        // The company works the order in Tryton itself: waiting, materials assigned, running.
        await Story.Tryton.CallAsync("model.production.wait", new JsonArray(id));
        await Story.Tryton.CallAsync("model.production.assign_try", new JsonArray(id));
        await Story.Tryton.CallAsync("model.production.run", new JsonArray(id));
        await Story.Program.SyncAsync();
        var running = await Story.Tryton.ReadOneAsync("production", id, "state");
        await Story.Program.ReportProductionProgressAsync(Story.FirstOrder.Id, new ProductionProgressUpdate(70, "sewing"));
        await Story.Program.SyncAsync();
        var reported = await Story.Tryton.ReadOneAsync("production", id, "state", "reference");

        var progress = Story.DesignerInbox.Where(t => t.Contains("production:", StringComparison.Ordinal)).ToList();
        Assert.That(running!["state"]!.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(progress, Has.Count.EqualTo(2));
        Assert.That(progress[0], Does.Contain(Story.Title).And.Contain("50%").And.Contain("running"), "Tryton's own state change");
        Assert.That(progress[1], Does.Contain("70%").And.Contain("sewing"), "the progress the company reported through the SDK");
        Assert.That(reported!["reference"]!.GetValue<string>(), Is.EqualTo("70% sewing"), "the progress is written to Tryton");
    }

    [Test]
    public async Task Step11_completed_production_is_stocked_in_and_the_stock_reported_over_sns()
    {
        await Story.RunThroughAsync(6);

        var id = long.Parse(Story.FirstOrder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await Story.Tryton.ReadOneAsync("production", id, "state");
        var onHand = await Story.Tryton.OnHandAsync(Story.ProductId, await Story.WarehouseAsync());

        Assert.That(production!["state"]!.GetValue<string>(), Is.EqualTo("done"));
        Assert.That(onHand, Is.EqualTo(10), "Tryton's stock in the warehouse");
        Assert.That(Story.DesignerInbox, Has.Some.Contains($"Production of '{Story.Title}' is complete (10 pieces)"));
        Assert.That(Story.DesignerInbox, Has.Some.Contains("10 pieces").And.Contains("Stock on hand: 10"));
    }

    [Test]
    public async Task Steps09_10_a_sale_and_its_shipment_made_in_tryton_reach_the_designer()
    {
        await Story.RunThroughAsync(6);

        var sale = await Story.SellAndShipInTrytonAsync(2);
        await Story.Program.SyncAsync();
        await Story.Program.SyncAsync();

        var state = await Story.Tryton.ReadOneAsync("sale.sale", sale, "state");
        var onHand = await Story.Tryton.OnHandAsync(Story.ProductId, await Story.WarehouseAsync());
        Assert.That(state!["state"]!.GetValue<string>(), Is.AnyOf("processing", "done"), "the sale is confirmed in Tryton");
        Assert.That(onHand, Is.EqualTo(8), "the shipment took 2 pieces out of Tryton's stock");
        Assert.That(Story.DesignerInbox.Count(t => t.Contains($" of '{Story.Title}' sold (", StringComparison.Ordinal)), Is.EqualTo(1), "one sale message, however often Tryton rewrites the sale");
        Assert.That(Story.DesignerInbox, Has.Some.Contains($"2 pieces of '{Story.Title}' sold (KRW 90,000)"));
        Assert.That(Story.DesignerInbox, Has.Some.Contains($"Order {sale} of '{Story.Title}' has shipped"));
    }

    [Test]
    public async Task Step12_stock_moved_below_the_threshold_in_tryton_alerts_the_requester_and_the_manager_once()
    {
        await Story.RunThroughAsync(12);
        await Story.Program.SyncAsync();

        var onHand = await Story.Tryton.OnHandAsync(Story.ProductId, await Story.WarehouseAsync());

        Assert.That(onHand, Is.EqualTo(4), "10 made, 6 moved out in Tryton");
        Assert.That(Story.DesignerInbox.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1), "the requester, once");
        Assert.That(Story.ManagerInbox.Count(t => t.Contains("Low stock", StringComparison.Ordinal)), Is.EqualTo(1), "the production manager, once");
        Assert.That(Story.DesignerInbox.Single(t => t.Contains("Low stock", StringComparison.Ordinal)), Does.Contain("4 pieces").And.Contain("threshold 5"));
    }

    [Test]
    public async Task Step13_re_production_is_a_new_production_order_in_tryton()
    {
        await Story.RunThroughAsync(13);

        var id = long.Parse(Story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await Story.Tryton.ReadOneAsync("production", id, "product", "quantity", "state");

        Assert.That(Story.Reorder.Id, Is.Not.EqualTo(Story.FirstOrder!.Id));
        Assert.That(production!["product"]!.GetValue<long>(), Is.EqualTo(Story.ProductId));
        Assert.That(production["quantity"]!.GetValue<double>(), Is.EqualTo(60));
        Assert.That(production["state"]!.GetValue<string>(), Is.EqualTo("draft"));
    }

    [Test]
    public async Task Step14_re_production_progress_is_in_tryton_and_reaches_the_requester()
    {
        await Story.RunThroughAsync(14);

        var id = long.Parse(Story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture);
        var production = await Story.Tryton.ReadOneAsync("production", id, "state", "reference");

        Assert.That(production!["state"]!.GetValue<string>(), Is.EqualTo("running"));
        Assert.That(production["reference"]!.GetValue<string>(), Is.EqualTo("50% sewing"));
        Assert.That(Story.DesignerInbox, Has.Some.Contains("50%").And.Contains("sewing").And.Contains(Story.Title));
    }

    [Test]
    public async Task Step15_re_production_is_stocked_in_in_tryton_and_announced()
    {
        await Story.RunThroughAsync(15);

        var onHand = await Story.Tryton.OnHandAsync(Story.ProductId, await Story.WarehouseAsync());

        Assert.That(onHand, Is.EqualTo(4 + 60), "Tryton's stock after the second production");
        Assert.That(Story.DesignerInbox, Has.Some.Contains("60 pieces").And.Contains("Stock on hand: 64"));
    }

    [Test]
    public async Task Step17_revoking_access_deactivates_the_tryton_user_and_the_requesters_calls_fail()
    {
        await Story.RunThroughAsync(13);
        var userId = await Story.DesignerUserIdAsync();
        var account = await Story.Program.Enterprise.GetAccountAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        await Story.Grants.RevokeAllAsync(Story.Session!.ParticipantId, "sales ended", TrytonStory.System);

        var user = await Story.Tryton.ReadOneAsync("res.user", userId, "active");
        var groups = await Story.Tryton.GroupNamesAsync(userId);
        var production = await Story.Tryton.ReadOneAsync("production", long.Parse(Story.Reorder!.Id, System.Globalization.CultureInfo.InvariantCulture), "state");
        Assert.That(user!["active"]!.GetValue<int>(), Is.EqualTo(0), "the Tryton user is inactive");
        Assert.That(groups, Has.None.AnyOf("Product Administration", "Production", "Sales", "Production Administration"), "its mapped groups are removed");
        Assert.That(production, Is.Not.Null, "business records stay");
        Assert.ThrowsAsync<AccessDeniedException>(() => Story.Program.RequestProductionAsync(Story.Session, new ProductionRequest { DesignId = Story.Design!.Id, Quantity = 1, Plan = "x" }));
        Assert.ThrowsAsync<AccessDeniedException>(() => Story.Program.SubmitDesignAsync(Story.Session, new DesignSubmission { Title = "t", Description = "d" }));

        // The account copy still says active: Tryton's own record decides, so the adapter refuses too.
        var production2 = (IProductionSystem)Story.Program.Enterprise;
        var refused = Assert.ThrowsAsync<ProviderException>(() => production2.RequestProductionAsync(account, new ProductionRequest { DesignId = Story.Design!.Id, Quantity = 1, Plan = "x" }));
        Assert.That(account.IsActive, Is.True);
        Assert.That(refused!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
    }
}
