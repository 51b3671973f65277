using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Testing;

namespace CoCreation.Sdk.Bluesky.Tests.Support;

/// <summary>An account created on the real PDS for one test.</summary>
internal sealed record PdsAccount(string Did, string Handle, string Password, string AccessJwt);

/// <summary>
/// Talks to the real PDS started by <c>eng/peers/bluesky/up.sh</c> the way other people's apps would, without the
/// adapter: creates accounts and app passwords, reads records back, and replies as a member.
/// </summary>
internal sealed class PdsPeer : IDisposable
{
    public const string StartHint = "bash eng/peers/bluesky/up.sh";
    private readonly HttpClient http;

    private PdsPeer(Uri url)
    {
        Url = url;
        http = new HttpClient { BaseAddress = new Uri(url.AbsoluteUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Url { get; }

    /// <summary>The handle suffix the PDS accepts.</summary>
    public static string HandleDomain => Environment.GetEnvironmentVariable("COCREATION_BLUESKY_HANDLE_DOMAIN") is { Length: > 0 } d ? d : ".test";

    /// <summary>Finds the running PDS; the test is ignored (or fails under <c>.ci/run</c>) when it is not running.</summary>
    public static PdsPeer Connect() => new(new Uri(Peers.Get("COCREATION_BLUESKY_URL", StartHint)));

    /// <summary>A handle no other test uses; the PDS allows at most 18 characters before the domain.</summary>
    public static string UniqueHandle(string prefix) => prefix[..Math.Min(prefix.Length, 6)] + Guid.NewGuid().ToString("N")[..12] + HandleDomain;

    public async Task<PdsAccount> CreateAccountAsync(string prefix)
    {
        var handle = UniqueHandle(prefix);
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var created = await PostAsync("com.atproto.server.createAccount", new JsonObject { ["handle"] = handle, ["email"] = handle.Replace('.', '-') + "@example.test", ["password"] = password }, null);
        return new PdsAccount(Str(created, "did"), Str(created, "handle"), password, Str(created, "accessJwt"));
    }

    /// <summary>Creates an app password, which is what a brand gives the SDK instead of its main password.</summary>
    public async Task<string> CreateAppPasswordAsync(PdsAccount account)
        => Str(await PostAsync("com.atproto.server.createAppPassword", new JsonObject { ["name"] = "cocreation-" + Guid.NewGuid().ToString("N")[..8] }, account.AccessJwt), "password");

    public async Task<JsonObject> GetRecordAsync(string atUri)
    {
        var parts = atUri["at://".Length..].Split('/');
        var query = $"repo={Uri.EscapeDataString(parts[0])}&collection={Uri.EscapeDataString(parts[1])}&rkey={Uri.EscapeDataString(parts[2])}";
        using var response = await http.GetAsync("xrpc/com.atproto.repo.getRecord?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"getRecord {atUri}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>Replies to a post as a member, writing the record directly as another Bluesky app would.</summary>
    public async Task<(string Uri, DateTimeOffset CreatedAt)> ReplyAsync(PdsAccount member, string parentUri, string text)
    {
        var parent = await GetRecordAsync(parentUri);
        var parentRef = new JsonObject { ["uri"] = Str(parent, "uri"), ["cid"] = Str(parent, "cid") };
        var root = parent["value"]?["reply"]?["root"]?.DeepClone() ?? parentRef.DeepClone();
        var createdAt = DateTimeOffset.UtcNow;
        var record = new JsonObject
        {
            ["$type"] = "app.bsky.feed.post",
            ["text"] = text,
            ["createdAt"] = createdAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["reply"] = new JsonObject { ["root"] = root, ["parent"] = parentRef },
        };
        var created = await PostAsync("com.atproto.repo.createRecord", new JsonObject { ["repo"] = member.Did, ["collection"] = "app.bsky.feed.post", ["record"] = record }, member.AccessJwt);
        return (Str(created, "uri"), createdAt);
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonObject> PostAsync(string nsid, JsonObject body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "xrpc/" + nsid) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(200), $"{nsid}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    private static string Str(JsonNode node, string name) => node[name]?.GetValue<string>() ?? throw new AssertionException($"the PDS answered without '{name}'");
}
