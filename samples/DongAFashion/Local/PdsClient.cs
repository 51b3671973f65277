using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace DongAFashion.Local;

/// <summary>An account the story made on the PDS.</summary>
public sealed record PdsAccount(string Did, string Handle, string Password, string AccessJwt);

/// <summary>
/// The story's own client for the Bluesky PDS, independent of the SDK: it makes the people's accounts and reads back
/// what was posted, straight from the repositories (<c>com.atproto.repo.listRecords</c>).
/// </summary>
public sealed class PdsClient(Uri url, string handleDomain, HttpClient http)
{
    private readonly Uri _base = new(url.AbsoluteUri.TrimEnd('/') + "/xrpc/");

    public async Task<PdsAccount> CreateAccountAsync(string prefix)
    {
        // The PDS allows at most 18 characters before the domain.
        var handle = prefix[..Math.Min(prefix.Length, 6)] + Guid.NewGuid().ToString("N")[..12] + handleDomain;
        var password = "pw-" + Guid.NewGuid().ToString("N");
        var created = await PostAsync("com.atproto.server.createAccount", new JsonObject
        {
            ["handle"] = handle,
            ["email"] = handle.Replace('.', '-') + "@example.test",
            ["password"] = password,
        }, null).ConfigureAwait(false);
        return new PdsAccount(Text(created, "did"), Text(created, "handle"), password, Text(created, "accessJwt"));
    }

    public async Task<string> CreateAppPasswordAsync(PdsAccount account)
        => Text(await PostAsync("com.atproto.server.createAppPassword", new JsonObject { ["name"] = "cocreation-" + Guid.NewGuid().ToString("N")[..8] }, account.AccessJwt).ConfigureAwait(false), "password");

    /// <summary>Every post in a person's repository, newest first: (record key, text, DIDs mentioned).</summary>
    public async Task<IReadOnlyList<PdsPost>> PostsAsync(string did)
    {
        var posts = new List<PdsPost>();
        string? cursor = null;
        do
        {
            var query = $"com.atproto.repo.listRecords?repo={Uri.EscapeDataString(did)}&collection=app.bsky.feed.post&limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await http.GetAsync(new Uri(_base, query)).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ScenarioCheckException($"the PDS refused listRecords for {did}: {(int)response.StatusCode} {text}");
            }

            var page = JsonNode.Parse(text)!.AsObject();
            foreach (var record in page["records"]!.AsArray())
            {
                var value = record!["value"]!;
                var mentions = value["facets"]?.AsArray()
                    .SelectMany(f => f!["features"]!.AsArray())
                    .Where(f => f!["$type"]?.GetValue<string>() == "app.bsky.richtext.facet#mention")
                    .Select(f => f!["did"]!.GetValue<string>())
                    .ToList() ?? [];
                posts.Add(new PdsPost(record["uri"]!.GetValue<string>(), value["text"]!.GetValue<string>(), mentions));
            }

            cursor = page["cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return posts;
    }

    private async Task<JsonObject> PostAsync(string nsid, JsonObject body, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, nsid)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ScenarioCheckException($"the PDS refused {nsid}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!.AsObject();
    }

    private static string Text(JsonObject node, string name) => node[name]?.GetValue<string>() ?? throw new ScenarioCheckException($"the PDS answered without '{name}'");
}

/// <summary>A post read back from a repository.</summary>
public sealed record PdsPost(string Uri, string Text, IReadOnlyList<string> MentionedDids);
