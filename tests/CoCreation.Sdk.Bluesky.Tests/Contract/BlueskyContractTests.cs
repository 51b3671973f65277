using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Contract;

/// <summary>
/// Every request the adapter sends is checked against the lexicon of its method (copied under <c>Specs/lexicons</c>),
/// and the checker itself is shown to refuse wrong requests. <c>app.bsky.feed.searchPosts</c> and
/// <c>app.bsky.notification.listNotifications</c> need an AppView, which the local PDS peer does not run, so they are
/// covered here.
/// </summary>
[TestFixture]
[Category("Contract")]
public sealed class BlueskyContractTests
{
    private static readonly string[] AllMethods =
    [
        "com.atproto.server.createSession", "com.atproto.server.getSession", "com.atproto.server.refreshSession",
        "com.atproto.identity.resolveHandle", "com.atproto.repo.createRecord", "com.atproto.repo.getRecord",
        "com.atproto.repo.listRecords", "com.atproto.repo.describeRepo", "com.atproto.sync.listRepos",
        "app.bsky.feed.getPostThread", "app.bsky.feed.searchPosts", "app.bsky.notification.listNotifications",
        "chat.bsky.convo.getConvoForMembers", "chat.bsky.convo.sendMessage",
    ];

    private FakeBluesky fake = null!;

    [SetUp]
    public void Start() => fake = new FakeBluesky();

    [TearDown]
    public void Stop() => fake.Dispose();

    [Test]
    public async Task EveryMethodTheAdapterUses_FitsItsLexiconAsync()
    {
        var brand = fake.AddAccount("brand.fake.test");
        var member = fake.AddAccount("minji.fake.test");
        using var provider = BlueskyTestHost.Build(fake, brand, o => o.ChatService = FakeBluesky.ChatProxy);
        using var repoProvider = BlueskyTestHost.Build(fake.Url, brand.Handle, brand.Password, o => o.ReadMode = BlueskyReadMode.PdsRepositories, name: "repo-brand");
        var connector = provider.Connector();

        var session = await connector.CreateSessionAsync(member.Handle, member.Password);
        await connector.VerifyCredentialsAsync(session.ToCredential());
        var root = await connector.PublishAsync(new PostRequest { Text = "Café drop 🎉 — vote at https://example.test/vote!", Mentions = [member.Handle], Language = "ko" });
        var reply = await connector.PublishAsync(new PostRequest { Text = "Count me in", InReplyToId = root.Id, Author = session.ToCredential() });
        await connector.PublishAsync(new PostRequest { Text = "Thanks!", InReplyToId = reply.Id });
        await ToListAsync(connector.GetRepliesAsync(root.Id));
        await ToListAsync(repoProvider.Connector("repo-brand").GetRepliesAsync(root.Id));
        await ToListAsync(connector.SearchAsync(new SearchQuery { Text = "drop", Since = DateTimeOffset.UtcNow.AddDays(-1) }));
        await connector.ReadNotificationsAsync(null);
        await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Did, Text = "Your sample ships today" });
        fake.ExpireAccessTokens();
        await connector.GetBrandIdentityAsync();
        await connector.RefreshSessionAsync(session.RefreshJwt);

        var entries = fake.WaitForLog();
        var methods = entries.Select(e => e.RequestMessage.AbsolutePath["/xrpc/".Length..]).ToHashSet(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(BlueskySpec.Check(entries), Is.Empty, "every request fits the lexicon of its method");
            Assert.That(methods, Is.SupersetOf(AllMethods), "the workload used every method the adapter calls");
            Assert.That(AllMethods.Where(m => !BlueskySpec.Contract.Contains(m)), Is.Empty, "a lexicon is shipped for every method");
        }
    }

    [Test]
    public async Task CreateRecord_CarriesFacetsInUtf8BytesAndStrongRefsAsync()
    {
        var brand = fake.AddAccount("brand.fake.test");
        var member = fake.AddAccount("minji.fake.test");
        using var provider = BlueskyTestHost.Build(fake, brand);
        var connector = provider.Connector();
        const string link = "https://example.test/a";
        var root = await connector.PublishAsync(new PostRequest { Text = $"Café 🎉 hi @{member.Handle}, see {link}.", Mentions = ["@" + member.Handle.ToUpperInvariant()] });

        var reply = await connector.PublishAsync(new PostRequest { Text = "Reply", InReplyToId = root.Id });
        var nested = await connector.PublishAsync(new PostRequest { Text = "Nested", InReplyToId = reply.Id });

        var writes = fake.WaitForLog().Where(e => e.RequestMessage.AbsolutePath.EndsWith("createRecord", StringComparison.Ordinal)).Select(e => JsonNode.Parse(e.RequestMessage.Body!)!["record"]!).ToList();
        var text = writes[0]["text"]!.GetValue<string>();
        var facets = (JsonArray)writes[0]["facets"]!;
        var rootCid = fake.Posts().Single(p => p.Uri == root.Id).Cid;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.EndWith(member.Handle), "a mention already in the text is not appended again");
            Assert.That(facets, Has.Count.EqualTo(2));
            Assert.That(Slice(text, facets[0]!["index"]!), Is.EqualTo("@" + member.Handle), "mention offsets are UTF-8 bytes after 'é' and an emoji");
            Assert.That(facets[0]!["features"]![0]!["did"]!.GetValue<string>(), Is.EqualTo(member.Did));
            Assert.That(Slice(text, facets[1]!["index"]!), Is.EqualTo(link), "the link excludes the trailing full stop");
            Assert.That(writes[1]["reply"]!["root"]!["uri"]!.GetValue<string>(), Is.EqualTo(root.Id));
            Assert.That(writes[1]["reply"]!["root"]!["cid"]!.GetValue<string>(), Is.EqualTo(rootCid), "strong refs carry the CID");
            Assert.That(writes[2]["reply"]!["root"]!["uri"]!.GetValue<string>(), Is.EqualTo(root.Id), "a nested reply keeps the thread's root");
            Assert.That(writes[2]["reply"]!["parent"]!["uri"]!.GetValue<string>(), Is.EqualTo(reply.Id));
            Assert.That(nested.InReplyToId, Is.EqualTo(reply.Id));
        }
    }

    [Test]
    public async Task ChatCalls_CarryTheProxyHeader_AndOtherCallsDoNotAsync()
    {
        var brand = fake.AddAccount("brand.fake.test");
        var member = fake.AddAccount("minji.fake.test");
        using var provider = BlueskyTestHost.Build(fake, brand, o => o.ChatService = FakeBluesky.ChatProxy);

        await provider.Connector().SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Did, Text = "Hello" });

        foreach (var entry in fake.WaitForLog())
        {
            var proxy = entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, "atproto-proxy", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
            var isChat = entry.RequestMessage.AbsolutePath.StartsWith("/xrpc/chat.bsky.", StringComparison.Ordinal);
            Assert.That(proxy, isChat ? Is.EqualTo(FakeBluesky.ChatProxy) : Is.Null, entry.RequestMessage.AbsolutePath);
        }
    }

    [Test]
    public async Task Checker_RefusesAMutatedRequestTheAdapterSentAsync()
    {
        var brand = fake.AddAccount("brand.fake.test");
        using var provider = BlueskyTestHost.Build(fake, brand);
        var root = await provider.Connector().PublishAsync(new PostRequest { Text = "Root" });
        await provider.Connector().PublishAsync(new PostRequest { Text = "Reply", InReplyToId = root.Id });
        var sent = fake.WaitForLog().Last(e => e.RequestMessage.AbsolutePath.EndsWith("createRecord", StringComparison.Ordinal));
        var original = BlueskySpec.ToRequest(sent.RequestMessage);
        var body = JsonNode.Parse(original.Body!)!;
        body["record"]!["reply"]!["root"]!.AsObject().Remove("cid");

        var violations = BlueskySpec.Contract.CheckRequest(original with { Body = body.ToJsonString() });

        Assert.That(BlueskySpec.Contract.CheckRequest(original), Is.Empty, "the request as sent is valid");
        Assert.That(violations, Has.Some.Contains("$.record.reply.root.cid").And.Some.Contains("required"));
    }

    [TestCaseSource(nameof(WrongRequests))]
    public void Checker_RefusesWrongRequests(ContractRequest request, string expected)
    {
        var violations = BlueskySpec.Contract.CheckRequest(request);

        Assert.That(violations, Has.Some.Contains(expected), string.Join(Environment.NewLine, violations));
    }

    [Test]
    public void Checker_AcceptsAValidPostAndChecksRecordsOnTheirOwn()
    {
        var valid = Procedure("com.atproto.repo.createRecord", CreatePost(new JsonObject { ["$type"] = "app.bsky.feed.post", ["text"] = "ok", ["createdAt"] = "2026-11-28T04:00:00.000Z" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(BlueskySpec.Contract.CheckRequest(valid), Is.Empty);
            Assert.That(BlueskySpec.Contract.CheckRecord("""{"$type":"app.bsky.feed.post","text":"ok","createdAt":"2026-11-28T04:00:00Z"}"""), Is.Empty);
            Assert.That(BlueskySpec.Contract.CheckRecord("""{"$type":"app.bsky.feed.post","text":"ok","createdAt":"yesterday"}"""), Has.Some.Contains("datetime"));
            Assert.That(BlueskySpec.Contract.CheckRecord("""{"$type":"app.bsky.feed.nothing","text":"ok"}"""), Has.Some.Contains("no loaded record lexicon"));
        }
    }

    [Test]
    public void Checker_RefusesDocumentsThatAreNotLexicons()
    {
        Assert.Throws<FormatException>(() => LexiconContract.Parse(["{\"openapi\":\"3.1.0\"}"]));
        Assert.Throws<FormatException>(() => LexiconContract.Parse(["""{"lexicon":1,"id":"a.b.c","defs":{}}""", """{"lexicon":1,"id":"a.b.c","defs":{}}"""]));
    }

    private static IEnumerable<TestCaseData> WrongRequests()
    {
        var post = (string text) => new JsonObject { ["$type"] = "app.bsky.feed.post", ["text"] = text, ["createdAt"] = "2026-11-28T04:00:00.000Z" };
        yield return Case("301 graphemes", Procedure("com.atproto.repo.createRecord", CreatePost(post(new string('x', 301)))), "at most 300");
        yield return Case("3001 bytes", Procedure("com.atproto.repo.createRecord", CreatePost(post(string.Concat(Enumerable.Repeat("한", 1001))))), "UTF-8 bytes long");
        var noCreatedAt = post("hi");
        noCreatedAt.Remove("createdAt");
        yield return Case("record without createdAt", Procedure("com.atproto.repo.createRecord", CreatePost(noCreatedAt)), "$.record.createdAt is required");
        var wrongType = post("hi");
        wrongType["$type"] = "app.bsky.feed.like";
        yield return Case("record $type differs from collection", Procedure("com.atproto.repo.createRecord", CreatePost(wrongType)), "written to the collection");
        var badFacet = post("@x");
        badFacet["facets"] = new JsonArray(new JsonObject
        {
            ["index"] = new JsonObject { ["byteStart"] = 0, ["byteEnd"] = 2 },
            ["features"] = new JsonArray(new JsonObject { ["$type"] = "app.bsky.richtext.facet#mention", ["did"] = "not-a-did" }),
        });
        yield return Case("mention facet without a DID", Procedure("com.atproto.repo.createRecord", CreatePost(badFacet)), "not a valid did");
        var negative = post("hi");
        negative["facets"] = new JsonArray(new JsonObject
        {
            ["index"] = new JsonObject { ["byteStart"] = -1, ["byteEnd"] = "2" },
            ["features"] = new JsonArray(),
        });
        yield return Case("facet offsets of the wrong type", Procedure("com.atproto.repo.createRecord", CreatePost(negative)), "must be an integer");
        var extra = CreatePost(post("hi"));
        extra["visibility"] = "public";
        yield return Case("input field the lexicon does not declare", Procedure("com.atproto.repo.createRecord", extra), "$.visibility is not a field");
        yield return Case("session without password", Procedure("com.atproto.server.createSession", new JsonObject { ["identifier"] = "a.test" }), "$.password is required");
        yield return Case("identifier of the wrong type", Procedure("com.atproto.server.createSession", new JsonObject { ["identifier"] = 5, ["password"] = "p" }), "must be a string");
        yield return Case("procedure body of the wrong encoding", Procedure("com.atproto.server.createSession", new JsonObject { ["identifier"] = "a.test", ["password"] = "p" }) with { ContentType = "text/plain" }, "must be sent as application/json");
        yield return Case("thread without uri", Query("app.bsky.feed.getPostThread", ("depth", "6")), "?uri is required");
        yield return Case("thread deeper than allowed", Query("app.bsky.feed.getPostThread", ("uri", "at://did:plc:abc/app.bsky.feed.post/3k"), ("depth", "2000")), "maximum is 1000");
        yield return Case("thread uri that is not an AT URI", Query("app.bsky.feed.getPostThread", ("uri", "https://bsky.app/post/1")), "not a valid at-uri");
        yield return Case("undeclared parameter", Query("app.bsky.feed.searchPosts", ("q", "x"), ("page", "2")), "?page is not a parameter");
        yield return Case("limit below the minimum", Query("app.bsky.notification.listNotifications", ("limit", "0")), "minimum is 1");
        yield return Case("limit that is not a number", Query("app.bsky.feed.searchPosts", ("q", "x"), ("limit", "ten")), "is not an integer");
        yield return Case("query sent as POST", new ContractRequest("POST", "/xrpc/app.bsky.feed.searchPosts") { Query = Params(("q", "x")) }, "must be sent with GET");
        yield return Case("unknown method", new ContractRequest("GET", "/xrpc/app.bsky.feed.getEverything"), "no lexicon is loaded");
        yield return Case("too many chat members", Query("chat.bsky.convo.getConvoForMembers", Enumerable.Range(0, 11).Select(i => ("members", $"did:plc:m{i}")).ToArray()), "at most 10");
        yield return Case("message over 1000 graphemes", Procedure("chat.bsky.convo.sendMessage", new JsonObject { ["convoId"] = "c", ["message"] = new JsonObject { ["text"] = new string('x', 1001) } }), "at most 1000");
    }

    private static TestCaseData Case(string name, ContractRequest request, string expected) => new TestCaseData(request, expected).SetName($"Checker_RefusesWrongRequests({name})");

    private static JsonObject CreatePost(JsonObject record) => new() { ["repo"] = "did:plc:abcdefghijklmnopqrstuvwx", ["collection"] = "app.bsky.feed.post", ["record"] = record };

    private static ContractRequest Procedure(string nsid, JsonObject body)
        => new("POST", "/xrpc/" + nsid) { ContentType = "application/json; charset=utf-8", Body = body.ToJsonString() };

    private static ContractRequest Query(string nsid, params (string Name, string Value)[] parameters) => new("GET", "/xrpc/" + nsid) { Query = Params(parameters) };

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Params(params (string Name, string Value)[] parameters)
        => parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Value).ToList());

    private static string Slice(string text, JsonNode index)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var start = index["byteStart"]!.GetValue<int>();
        return Encoding.UTF8.GetString(bytes, start, index["byteEnd"]!.GetValue<int>() - start);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
