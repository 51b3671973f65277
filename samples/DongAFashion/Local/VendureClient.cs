using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DongAFashion.Local;

/// <summary>
/// The story's own GraphQL client for Vendure, independent of the SDK's adapter: as the superadmin on the Admin API it
/// reads back what the shop holds, and as buyers on the Shop API it places orders.
/// </summary>
public sealed class VendureClient(LocalSettings settings, HttpClient http)
{
    /// <summary>Vendure keeps prices in hundredths of the currency unit (its default price precision), won included.</summary>
    public const long MinorUnits = 100;

    private const string Errors = "... on ErrorResult { errorCode message }";
    private string? _adminToken;

    /// <summary>Sends an Admin API document as the superadmin; GraphQL errors fail the check.</summary>
    public async Task<JsonObject> AdminAsync(string query, JsonObject? variables = null)
    {
        _adminToken ??= await LoginAsync(settings.VendureUser, settings.VendurePassword).ConfigureAwait(false)
            ?? throw new ScenarioCheckException("the Vendure superadmin could not log in");
        return (await PostAsync(settings.VendureAdminApi, query, variables, _adminToken).ConfigureAwait(false)).Data;
    }

    /// <summary>Logs in to the Admin API; the session token, or <see langword="null"/> when Vendure refuses.</summary>
    public async Task<string?> LoginAsync(string user, string password)
    {
        var (data, token) = await PostAsync(settings.VendureAdminApi, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }",
            new JsonObject { ["u"] = user, ["p"] = password }, null).ConfigureAwait(false);
        return data["login"]?["__typename"]?.GetValue<string>() == "CurrentUser" ? token : null;
    }

    /// <summary>A product (listing) as Vendure holds it: enabled, and its one variant's SKU, price with tax and stock.</summary>
    public async Task<VendureProduct> ProductAsync(string productId)
    {
        var read = await AdminAsync("query($id: ID!) { product(id: $id) { id name enabled description channels { code } variants { id sku price priceWithTax stockLevels { stockOnHand stockAllocated } } } }",
            new JsonObject { ["id"] = productId }).ConfigureAwait(false);
        var product = read["product"] as JsonObject ?? throw new ScenarioCheckException($"Vendure has no product {productId}");
        var variant = product["variants"]!.AsArray()[0]!;
        var levels = variant["stockLevels"]!.AsArray();
        return new VendureProduct(
            product["id"]!.GetValue<string>(),
            product["name"]!.GetValue<string>(),
            product["enabled"]!.GetValue<bool>(),
            product["description"]?.GetValue<string>() ?? "",
            variant["id"]!.GetValue<string>(),
            variant["sku"]!.GetValue<string>(),
            variant["priceWithTax"]!.GetValue<long>(),
            levels.Sum(l => l!["stockOnHand"]!.GetValue<int>()),
            levels.Sum(l => l!["stockAllocated"]!.GetValue<int>()),
            product["channels"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()).ToList());
    }

    /// <summary>An order: its state, the pieces of each SKU, and the tracking codes of its fulfillments.</summary>
    public async Task<VendureOrder> OrderAsync(string orderId)
    {
        var read = await AdminAsync("query($id: ID!) { order(id: $id) { id code state orderPlacedAt totalWithTax lines { quantity productVariant { sku } } fulfillments { state trackingCode method } } }",
            new JsonObject { ["id"] = orderId }).ConfigureAwait(false);
        var order = read["order"] as JsonObject ?? throw new ScenarioCheckException($"Vendure has no order {orderId}");
        return new VendureOrder(
            order["id"]!.GetValue<string>(),
            order["code"]!.GetValue<string>(),
            order["state"]!.GetValue<string>(),
            DateTimeOffset.Parse(order["orderPlacedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            order["lines"]!.AsArray().Sum(l => l!["quantity"]!.GetValue<int>()),
            order["fulfillments"]!.AsArray().Select(f => f!["trackingCode"]?.GetValue<string>() ?? "").ToList());
    }

    /// <summary>The administrator with a login (e-mail address), with the codes of its roles; <see langword="null"/> when there is none.</summary>
    public async Task<(string Id, IReadOnlyList<string> Roles)?> AdministratorAsync(string login)
    {
        var read = await AdminAsync("query($e: String!) { administrators(options: { filter: { emailAddress: { eq: $e } } }) { items { id user { roles { code } } } } }",
            new JsonObject { ["e"] = login }).ConfigureAwait(false);
        var admin = read["administrators"]!["items"]!.AsArray().FirstOrDefault();
        return admin is null ? null : (admin["id"]!.GetValue<string>(), admin["user"]!["roles"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ToList());
    }

    /// <summary>A buyer orders pieces of a product through the Shop API and pays with the peer's settling payment method; returns the order id.</summary>
    public async Task<string> BuyAsync(string variantId, int quantity, string buyer)
    {
        string? token = null;
        async Task<JsonObject> Shop(string query, JsonObject? variables = null)
        {
            var (data, issued) = await PostAsync(settings.VendureShopApi, query, variables, token).ConfigureAwait(false);
            token ??= issued;
            return data;
        }

        Expect((await Shop($"mutation($v: ID!, $q: Int!) {{ addItemToOrder(productVariantId: $v, quantity: $q) {{ __typename {Errors} }} }}", new JsonObject { ["v"] = variantId, ["q"] = quantity }).ConfigureAwait(false))["addItemToOrder"], "Order");
        Expect((await Shop($"mutation($e: String!) {{ setCustomerForOrder(input: {{ emailAddress: $e, firstName: \"Buyer\", lastName: \"Kim\" }}) {{ __typename {Errors} }} }}", new JsonObject { ["e"] = $"{buyer}-{Guid.NewGuid():N}@example.com" }).ConfigureAwait(false))["setCustomerForOrder"], "Order");
        Expect((await Shop($"mutation {{ setOrderShippingAddress(input: {{ fullName: \"Buyer Kim\", streetLine1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", countryCode: \"KR\" }}) {{ __typename {Errors} }} }}").ConfigureAwait(false))["setOrderShippingAddress"], "Order");
        var methods = await Shop("{ eligibleShippingMethods { id } }").ConfigureAwait(false);
        var methodId = methods["eligibleShippingMethods"]!.AsArray()[0]!["id"]!.GetValue<string>();
        Expect((await Shop($"mutation($m: [ID!]!) {{ setOrderShippingMethod(shippingMethodId: $m) {{ __typename {Errors} }} }}", new JsonObject { ["m"] = new JsonArray(methodId) }).ConfigureAwait(false))["setOrderShippingMethod"], "Order");
        Expect((await Shop($"mutation {{ transitionOrderToState(state: \"ArrangingPayment\") {{ __typename {Errors} }} }}").ConfigureAwait(false))["transitionOrderToState"], "Order");
        var paid = (await Shop($"mutation {{ addPaymentToOrder(input: {{ method: \"cocreation-settled\", metadata: {{}} }}) {{ __typename ... on Order {{ id state }} {Errors} }} }}").ConfigureAwait(false))["addPaymentToOrder"];
        Expect(paid, "Order");
        return paid!["state"]!.GetValue<string>() == "PaymentSettled"
            ? paid["id"]!.GetValue<string>()
            : throw new ScenarioCheckException($"the order of {buyer} is {paid["state"]}, not PaymentSettled");
    }

    private static void Expect(JsonNode? result, string type)
    {
        if (result?["__typename"]?.GetValue<string>() != type)
        {
            throw new ScenarioCheckException($"the shop answered {result?.ToJsonString()}");
        }
    }

    private async Task<(JsonObject Data, string? Token)> PostAsync(Uri endpoint, string query, JsonObject? variables, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(new JsonObject { ["query"] = query, ["variables"] = variables ?? new JsonObject() }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!.AsObject();
        if (body["errors"] is JsonArray { Count: > 0 } errors)
        {
            throw new ScenarioCheckException($"Vendure refused the story's own call: {errors.ToJsonString()}");
        }

        var issued = response.Headers.TryGetValues("vendure-auth-token", out var values) ? values.First() : null;
        return (body["data"]!.AsObject(), issued);
    }
}

public sealed record VendureProduct(string Id, string Name, bool Enabled, string Description, string VariantId, string Sku, long PriceWithTax, int OnHand, int Allocated, IReadOnlyList<string> Channels);

public sealed record VendureOrder(string Id, string Code, string State, DateTimeOffset PlacedAt, int Pieces, IReadOnlyList<string> TrackingCodes);
