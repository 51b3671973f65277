using System.Globalization;
using System.Text.Json.Nodes;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// The community-products programme on the embedded SNS and the real Tryton, driven step by step the way the
/// scenario runs it. Every story has its own SNS network and participants, so its Tryton users, products and
/// productions are its own in the shared database.
/// </summary>
internal sealed class TrytonStory : IAsyncDisposable
{
    public const string Network = "social";
    public const string System = "erp";

    private readonly ServiceProvider _services;

    public TrytonStory()
    {
        var options = TrytonPeer.Options();
        Tryton = TrytonPeer.Client();
        Sns = new EmbeddedSnsNetwork(null, TimeProvider.System);
        var tag = Guid.NewGuid().ToString("N")[..10];
        Brand = Sns.RegisterAccount("brand" + tag);
        Designer = Sns.RegisterAccount("designer" + tag, "Designer " + tag, "en-US");
        Manager = Sns.RegisterAccount("manager" + tag, "Manager " + tag, "en-US");
        Title = "Linen wrap dress " + tag;
        var collection = new ServiceCollection();
        collection.AddSingleton(TimeProvider.System);
        collection.AddCoCreation()
            .AddEmbeddedSns(Network, Sns, Brand.Credential)
            .AddTryton(System, o =>
            {
                o.Url = options.Url;
                o.Database = options.Database;
                o.User = options.User;
                o.Password = options.Password;
            })
            .AddCommunityProducts(o =>
            {
                o.EnterpriseSystem = System;
                o.BrandName = "Test Brand";
            });
        _services = collection.BuildServiceProvider();
    }

    public TrytonTestClient Tryton { get; }
    public EmbeddedSnsNetwork Sns { get; }
    public EmbeddedSnsAccount Brand { get; }
    public EmbeddedSnsAccount Designer { get; }
    public EmbeddedSnsAccount Manager { get; }
    public string Title { get; }
    public CommunityProductProgram Program => _services.GetRequiredService<CommunityProductProgram>();
    public ISnsSignIn SignIn => _services.GetRequiredService<ISnsSignIn>();
    public IAccessGrants Grants => _services.GetRequiredService<IAccessGrants>();
    public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();

    public ParticipantSession? Session { get; private set; }
    public Design? Design { get; private set; }
    public ProductionOrder? FirstOrder { get; private set; }
    public ProductionOrder? Reorder { get; private set; }
    public int Completed { get; private set; }

    public IReadOnlyList<string> DesignerInbox => Sns.GetInbox(Designer.Subject).Select(m => m.Text).ToList();
    public IReadOnlyList<string> ManagerInbox => Sns.GetInbox(Manager.Subject).Select(m => m.Text).ToList();

    public long ProductId => long.Parse(Design!.ProductId!, CultureInfo.InvariantCulture);

    public async Task<long> DesignerUserIdAsync()
    {
        var participant = await Identities.GetAsync(Session!.ParticipantId);
        return long.Parse(participant!.FindEnterpriseLink(System)!.AccountId, CultureInfo.InvariantCulture);
    }

    public async Task<long> WarehouseAsync() => await Tryton.LocationAsync("warehouse", "WH");

    /// <summary>Runs the steps of the scenario that touch Tryton, in order, up to <paramref name="step"/>.</summary>
    public async Task RunThroughAsync(int step)
    {
        foreach (var number in new[] { 2, 3, 4, 5, 6, 12, 13, 14, 15 }.Where(n => n <= step && n > Completed))
        {
            await RunStepAsync(number);
            Completed = number;
        }

        await Program.SyncAsync();
    }

    private async Task RunStepAsync(int step)
    {
        switch (step)
        {
            case 2:
                Session = await SignIn.SignInAsync(Network, Designer.Credential);
                Design = await Program.SubmitDesignAsync(Session, new DesignSubmission { Title = Title, Description = "Linen, wrap cut, sand colour." });
                break;
            case 3:
                Design = await Program.ReviewDesignAsync(Design!.Id, new DesignReview(true, "Selected for the spring line"));
                break;
            case 4:
                FirstOrder = await Program.RequestProductionAsync(Session!, new ProductionRequest { DesignId = Design!.Id, Quantity = 10, Plan = "S 2, M 4, L 3, XL 1; linen 20 m" });
                break;
            case 5:
                await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(30, "cutting"));
                await Program.SyncAsync();
                break;
            case 6:
                await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(100, "done"));
                break;
            case 12:
                var manager = await SignIn.SignInAsync(Network, Manager.Credential);
                await Program.AppointProductionManagerAsync(manager.ParticipantId);
                await Program.SetLowStockThresholdAsync(Design!.ProductId!, 5);
                await ShipOutInTrytonAsync(6);
                break;
            case 13:
                Reorder = await Program.RequestProductionAsync(Session!, new ProductionRequest { DesignId = Design!.Id, Quantity = 60, Plan = "Re-production: M 30, L 30" });
                break;
            case 14:
                await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(50, "sewing"));
                break;
            case 15:
                await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(100, "done"));
                break;
        }
    }

    /// <summary>The company moves pieces from storage to a customer in Tryton itself, as its warehouse staff would.</summary>
    public async Task ShipOutInTrytonAsync(int quantity)
    {
        var storage = await Tryton.LocationAsync("storage", "STO");
        var customer = await Tryton.LocationAsync("customer");
        var company = (await Tryton.CallAsync("model.company.company.search", new JsonArray(), 0, 1, null))!.AsArray()[0]!.GetValue<long>();
        var currency = (await Tryton.ReadOneAsync("company.company", company, "currency"))!["currency"]!.GetValue<long>();
        var uom = (await Tryton.CallAsync("model.product.uom.search", new JsonArray(new JsonArray("symbol", "=", "u")), 0, 1, null))!.AsArray()[0]!.GetValue<long>();
        var move = new JsonObject
        {
            ["product"] = ProductId,
            ["uom"] = uom,
            ["quantity"] = quantity,
            ["from_location"] = storage,
            ["to_location"] = customer,
            ["company"] = company,
            ["unit_price"] = "45000",
            ["currency"] = currency,
        };
        var ids = await Tryton.CallAsync("model.stock.move.create", new JsonArray(move));
        // A move without a shipment makes Tryton warn; staff would confirm the warning, and so does the test client.
        await Tryton.CallConfirmingWarningsAsync("model.stock.move.do", ids!.DeepClone());
    }

    /// <summary>The company sells pieces in Tryton (a confirmed sale) and ships them (a done customer shipment).</summary>
    public async Task<long> SellAndShipInTrytonAsync(int quantity)
    {
        var template = (await Tryton.ReadOneAsync("product.product", ProductId, "template"))!["template"]!.GetValue<long>();
        var uom = (await Tryton.CallAsync("model.product.uom.search", new JsonArray(new JsonArray("symbol", "=", "u")), 0, 1, null))!.AsArray()[0]!.GetValue<long>();
        await Tryton.CallAsync("model.product.template.write", new JsonArray(template), new JsonObject { ["salable"] = true, ["sale_uom"] = uom });
        var party = (await Tryton.CallAsync("model.party.party.create", new JsonArray(new JsonObject
        {
            ["name"] = "Buyer of " + Title,
            ["addresses"] = new JsonArray(new JsonArray("create", new JsonArray(new JsonObject { ["street"] = "1 Main Street" }))),
        })))!.AsArray()[0]!.GetValue<long>();
        var address = (await Tryton.CallAsync("model.party.address.search", new JsonArray(new JsonArray("party", "=", party)), 0, 1, null))!.AsArray()[0]!.GetValue<long>();
        var line = new JsonObject
        {
            ["type"] = "line",
            ["product"] = ProductId,
            ["quantity"] = quantity,
            ["unit"] = uom,
            ["unit_price"] = new JsonObject { ["__class__"] = "Decimal", ["decimal"] = "45000" },
            ["description"] = Title,
        };
        var sale = (await Tryton.CallAsync("model.sale.sale.create", new JsonArray(new JsonObject
        {
            ["party"] = party,
            ["invoice_address"] = address,
            ["shipment_address"] = address,
            ["invoice_method"] = "manual",
            ["shipment_method"] = "order",
            ["lines"] = new JsonArray(new JsonArray("create", new JsonArray(line))),
        })))!.AsArray()[0]!.GetValue<long>();
        await Tryton.CallAsync("model.sale.sale.quote", new JsonArray(sale));
        await Tryton.CallAsync("model.sale.sale.confirm", new JsonArray(sale));
        var shipments = (await Tryton.ReadOneAsync("sale.sale", sale, "shipments"))!["shipments"]!.AsArray();
        foreach (var step in new[] { "wait", "assign_try", "pick", "pack", "done" })
        {
            await Tryton.CallAsync($"model.stock.shipment.out.{step}", shipments.DeepClone());
        }

        return sale;
    }

    public ValueTask DisposeAsync()
    {
        Sns.Dispose();
        return _services.DisposeAsync();
    }
}
