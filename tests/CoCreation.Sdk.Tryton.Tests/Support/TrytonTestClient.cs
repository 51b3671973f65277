using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace CoCreation.Sdk.Tryton.Tests.Support;

/// <summary>
/// A plain JSON-RPC client the tests use to act as the company in Tryton and to read back what Tryton holds,
/// without going through the adapter (so assertions do not depend on the adapter's own reading).
/// </summary>
internal sealed class TrytonTestClient(TrytonOptions options, HttpClient http)
{
    private string? _token;
    private JsonObject _context = new();
    private long _id;
    private long _userId;

    private Uri Endpoint => new(options.Url!, options.Database + "/");

    public async Task<JsonNode?> CallAsync(string method, params JsonNode?[] parameters)
    {
        await EnsureLoginAsync();
        var list = parameters.ToList();
        if (method.StartsWith("model.", StringComparison.Ordinal))
        {
            list.Add(_context.DeepClone());
        }

        return await SendAsync(method, [.. list]);
    }

    private async Task EnsureLoginAsync()
    {
        if (_token is null)
        {
            var login = await SendAsync("common.db.login", [options.User, new JsonObject { ["password"] = options.Password }, "en"]);
            var uid = login!.AsArray()[0]!.GetValue<long>();
            _userId = uid;
            var key = login.AsArray()[1]!.GetValue<string>();
            _token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.User}:{uid}:{key}"));
            _context = (JsonObject)(await SendAsync("model.res.user.get_preferences", [true, new JsonObject()]))!;
        }
    }

    /// <summary>Calls a model method with an extra context (for example <c>active_test</c> or stock <c>locations</c>).</summary>
    public async Task<JsonNode?> CallWithContextAsync(string method, JsonObject context, params JsonNode?[] parameters)
    {
        await EnsureLoginAsync();
        var merged = (JsonObject)_context.DeepClone();
        foreach (var (key, value) in context)
        {
            merged[key] = value?.DeepClone();
        }

        return await SendAsync(method, [.. parameters, merged]);
    }

    /// <summary>Calls a model method; when Tryton answers with a warning, confirms it (as its client does) and calls again.</summary>
    public async Task<JsonNode?> CallConfirmingWarningsAsync(string method, params JsonNode?[] parameters)
    {
        try
        {
            return await CallAsync(method, parameters);
        }
        catch (TrytonWarningException warning)
        {
            await CallAsync("model.res.user.warning.create", new JsonArray(new JsonObject { ["user"] = _userId, ["name"] = warning.Name, ["always"] = false }));
            return await CallAsync(method, parameters);
        }
    }

    public async Task<JsonObject?> ReadOneAsync(string model, long id, params string[] fields)
    {
        var found = await CallWithContextAsync($"model.{model}.search_read", new JsonObject { ["active_test"] = false },
            new JsonArray(new JsonArray("id", "=", id)), 0, 1, null, new JsonArray(fields.Select(f => (JsonNode?)f).ToArray()));
        return found!.AsArray().FirstOrDefault() as JsonObject;
    }

    public async Task<IReadOnlyList<string>> GroupNamesAsync(long userId)
    {
        var user = await ReadOneAsync("res.user", userId, "groups");
        var ids = user!["groups"]!.AsArray().Select(g => g!.GetValue<long>()).ToArray();
        var groups = await CallAsync("model.res.group.read", new JsonArray(ids.Select(i => (JsonNode?)i).ToArray()), new JsonArray("name"));
        return groups!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();
    }

    public async Task<int> OnHandAsync(long productId, long warehouseId)
    {
        var products = await CallWithContextAsync("model.product.product.read", new JsonObject { ["locations"] = new JsonArray(warehouseId) },
            new JsonArray(productId), new JsonArray("quantity"));
        return (int)Math.Round(products!.AsArray()[0]!["quantity"]!.GetValue<double>());
    }

    public async Task<long> LocationAsync(string type, string? code = null)
    {
        var domain = new JsonArray(new JsonArray("type", "=", type));
        if (code is not null)
        {
            domain.Add(new JsonArray("code", "=", code));
        }

        var found = await CallAsync("model.stock.location.search", domain, 0, 1, null);
        return found!.AsArray()[0]!.GetValue<long>();
    }

    private async Task<JsonNode?> SendAsync(string method, JsonNode?[] parameters)
    {
        var body = new JsonObject { ["id"] = Interlocked.Increment(ref _id), ["method"] = method, ["params"] = new JsonArray(parameters.Select(p => p?.DeepClone()).ToArray()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Session", _token);
        }

        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        if (reply["error"] is JsonArray { Count: > 1 } warning && warning[0]?.GetValue<string>() == "UserWarning")
        {
            throw new TrytonWarningException(warning[1]!.AsArray()[0]!.GetValue<string>());
        }

        if (reply["error"] is { } error)
        {
            throw new InvalidOperationException($"Tryton {method}: {error.ToJsonString()}");
        }

        return reply["result"];
    }
}

internal sealed class TrytonWarningException(string name) : Exception("Tryton warned: " + name)
{
    public string Name { get; } = name;
}
