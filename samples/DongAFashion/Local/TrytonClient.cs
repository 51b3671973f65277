using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DongAFashion.Local;

/// <summary>The story's own JSON-RPC client for Tryton, independent of the SDK's adapter: it reads back what Tryton holds.</summary>
public sealed class TrytonClient(LocalSettings settings, HttpClient http)
{
    private readonly Uri _endpoint = new(settings.TrytonUrl, settings.TrytonDatabase + "/");
    private string? _token;
    private JsonObject _context = [];
    private long _id;

    /// <summary>Reads records by a domain, inactive ones too.</summary>
    public async Task<IReadOnlyList<JsonObject>> SearchReadAsync(string model, JsonArray domain, params string[] fields)
    {
        var found = await CallAsync($"model.{model}.search_read", new JsonObject { ["active_test"] = false },
            domain, 0, null, null, new JsonArray(fields.Select(f => (JsonNode?)f).ToArray())).ConfigureAwait(false);
        return found!.AsArray().OfType<JsonObject>().ToList();
    }

    public async Task<JsonObject> ReadAsync(string model, long id, params string[] fields)
        => (await SearchReadAsync(model, new JsonArray(new JsonArray("id", "=", id)), fields).ConfigureAwait(false)).SingleOrDefault()
            ?? throw new ScenarioCheckException($"Tryton has no {model} {id}");

    public async Task<IReadOnlyList<string>> GroupNamesAsync(long userId)
    {
        var user = await ReadAsync("res.user", userId, "groups").ConfigureAwait(false);
        var groups = await SearchReadAsync("res.group", new JsonArray(new JsonArray("id", "in", user["groups"]!.DeepClone())), "name").ConfigureAwait(false);
        return groups.Select(g => g["name"]!.GetValue<string>()).ToList();
    }

    /// <summary>A Tryton boolean, which SQLite databases send as 0 or 1.</summary>
    public static bool IsTrue(JsonNode? node) => node is JsonValue value
        && (value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<long>(out var number) && number != 0);

    public async Task<JsonNode?> CallAsync(string method, JsonObject? context, params JsonNode?[] parameters)
    {
        if (_token is null)
        {
            var login = await SendAsync("common.db.login", [settings.TrytonUser, new JsonObject { ["password"] = settings.TrytonPassword }, "en"]).ConfigureAwait(false);
            var uid = login!.AsArray()[0]!.GetValue<long>();
            var key = login.AsArray()[1]!.GetValue<string>();
            _token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.TrytonUser}:{uid}:{key}"));
            _context = (JsonObject)(await SendAsync("model.res.user.get_preferences", [true, new JsonObject()]).ConfigureAwait(false))!;
        }

        var merged = (JsonObject)_context.DeepClone();
        foreach (var (key, value) in context ?? [])
        {
            merged[key] = value?.DeepClone();
        }

        return await SendAsync(method, [.. parameters, merged]).ConfigureAwait(false);
    }

    private async Task<JsonNode?> SendAsync(string method, JsonNode?[] parameters)
    {
        var body = new JsonObject { ["id"] = Interlocked.Increment(ref _id), ["method"] = method, ["params"] = new JsonArray(parameters.Select(p => p?.DeepClone()).ToArray()) };
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Session", _token);
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!.AsObject();
        return reply["error"] is { } error ? throw new ScenarioCheckException($"Tryton {method}: {error.ToJsonString()}") : reply["result"];
    }
}
