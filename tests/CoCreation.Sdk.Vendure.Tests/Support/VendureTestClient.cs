using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Vendure.Tests.Support;

/// <summary>
/// Plain GraphQL calls the tests make themselves: as the superadmin on the Admin API (to stock products and read back
/// what Vendure holds) and as a customer on the Shop API (to buy), without going through the adapter.
/// </summary>
internal sealed class VendureTestClient(VendureOptions options, Uri shopApi, HttpClient http)
{
    private string? _adminToken;

    /// <summary>Sends an Admin API document as the superadmin and returns its data; GraphQL errors fail the test.</summary>
    public async Task<JsonObject> AdminAsync(string query, JsonObject? variables = null)
    {
        _adminToken ??= await LoginAsync(options.User!, options.Password!) ?? throw new AssertionException("the superadmin could not log in");
        var (data, _) = await PostAsync(options.AdminApiUrl!, query, variables, _adminToken);
        return data;
    }

    /// <summary>Logs in to the Admin API; returns the session token, or <see langword="null"/> when Vendure refuses the credentials.</summary>
    public async Task<string?> LoginAsync(string user, string password)
    {
        var (data, token) = await PostAsync(options.AdminApiUrl!, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }", new JsonObject { ["u"] = user, ["p"] = password }, null);
        return data["login"]?["__typename"]?.GetValue<string>() == "CurrentUser" ? token : null;
    }

    /// <summary>Raises a listing's saleable stock by <paramref name="pieces"/> at the default stock location.</summary>
    public async Task AddStockAsync(Listing listing, int pieces)
    {
        var read = await AdminAsync("query($id: ID!) { product(id: $id) { variants { id stockLevels { stockLocationId stockOnHand } } } }", new JsonObject { ["id"] = listing.Id });
        var variant = read["product"]!["variants"]![0]!;
        var level = variant["stockLevels"]!.AsArray()[0]!;
        await AdminAsync("mutation($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id } }", new JsonObject
        {
            ["input"] = new JsonArray(new JsonObject
            {
                ["id"] = variant["id"]!.GetValue<string>(),
                ["stockLevels"] = new JsonArray(new JsonObject { ["stockLocationId"] = level["stockLocationId"]!.GetValue<string>(), ["stockOnHand"] = level["stockOnHand"]!.GetValue<int>() + pieces }),
            }),
        });
    }

    /// <summary>Reads a listing's variant: price, stock on hand and allocated at the first stock location.</summary>
    public async Task<(long Price, int OnHand, int Allocated, bool Enabled, string Sku)> VariantAsync(string listingId)
    {
        var read = await AdminAsync("query($id: ID!) { product(id: $id) { enabled variants { sku price stockLevels { stockOnHand stockAllocated } } } }", new JsonObject { ["id"] = listingId });
        var product = read["product"] ?? throw new AssertionException($"product {listingId} does not exist in Vendure");
        var variant = product["variants"]![0]!;
        var level = variant["stockLevels"]!.AsArray()[0]!;
        return (variant["price"]!.GetValue<long>(), level["stockOnHand"]!.GetValue<int>(), level["stockAllocated"]!.GetValue<int>(), product["enabled"]!.GetValue<bool>(), variant["sku"]!.GetValue<string>());
    }

    /// <summary>Buys <paramref name="quantity"/> pieces of a listing through the Shop API, paying with the peer's payment method that settles at once; returns the order id.</summary>
    public async Task<string> BuyAsync(Listing listing, int quantity)
    {
        var read = await AdminAsync("query($id: ID!) { product(id: $id) { variants { id } } }", new JsonObject { ["id"] = listing.Id });
        var variantId = read["product"]!["variants"]![0]!["id"]!.GetValue<string>();
        string? token = null;
        async Task<JsonObject> Shop(string query, JsonObject? variables = null)
        {
            var (data, issued) = await PostAsync(shopApi, query, variables, token);
            token ??= issued;
            return data;
        }

        const string Errors = "... on ErrorResult { errorCode message }";
        var added = await Shop($"mutation($v: ID!, $q: Int!) {{ addItemToOrder(productVariantId: $v, quantity: $q) {{ __typename ... on Order {{ id }} {Errors} }} }}", new JsonObject { ["v"] = variantId, ["q"] = quantity });
        Expect(added["addItemToOrder"], "Order");
        Expect((await Shop($"mutation {{ setCustomerForOrder(input: {{ emailAddress: \"buyer-{Guid.NewGuid():N}@example.com\", firstName: \"Min\", lastName: \"Kim\" }}) {{ __typename {Errors} }} }}"))["setCustomerForOrder"], "Order");
        Expect((await Shop($"mutation {{ setOrderShippingAddress(input: {{ fullName: \"Min Kim\", streetLine1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", countryCode: \"KR\" }}) {{ __typename {Errors} }} }}"))["setOrderShippingAddress"], "Order");
        var methods = await Shop("{ eligibleShippingMethods { id } }");
        var methodId = methods["eligibleShippingMethods"]!.AsArray()[0]!["id"]!.GetValue<string>();
        Expect((await Shop($"mutation($m: [ID!]!) {{ setOrderShippingMethod(shippingMethodId: $m) {{ __typename {Errors} }} }}", new JsonObject { ["m"] = new JsonArray(methodId) }))["setOrderShippingMethod"], "Order");
        Expect((await Shop($"mutation {{ transitionOrderToState(state: \"ArrangingPayment\") {{ __typename {Errors} }} }}"))["transitionOrderToState"], "Order");
        var paid = await Shop($"mutation {{ addPaymentToOrder(input: {{ method: \"cocreation-settled\", metadata: {{}} }}) {{ __typename ... on Order {{ id state }} {Errors} }} }}");
        Expect(paid["addPaymentToOrder"], "Order");
        Assert.That(paid["addPaymentToOrder"]!["state"]!.GetValue<string>(), Is.EqualTo("PaymentSettled"), "the peer's payment settles at once");
        return paid["addPaymentToOrder"]!["id"]!.GetValue<string>();
    }

    private static void Expect(JsonNode? result, string type)
        => Assert.That(result?["__typename"]?.GetValue<string>(), Is.EqualTo(type), $"shop answered {result?.ToJsonString()}");

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

        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (body["errors"] is JsonArray { Count: > 0 } errors)
        {
            throw new AssertionException($"Vendure refused the test's own call: {errors.ToJsonString()}");
        }

        var issued = response.Headers.TryGetValues("vendure-auth-token", out var values) ? values.First() : null;
        return (body["data"]!.AsObject(), issued);
    }
}
