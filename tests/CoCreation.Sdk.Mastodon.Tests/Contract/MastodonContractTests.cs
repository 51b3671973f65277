using System.Net.Http.Headers;
using System.Text;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Mastodon.Tests.Contract;

/// <summary>
/// Every request the adapter sends for every operation, and every response the fake serves, checked against the
/// Mastodon OpenAPI document; and proof that the check fails when a request breaks the spec.
/// </summary>
[TestFixture]
[Category("Contract")]
public sealed class MastodonContractTests
{
    private static readonly string[] AdapterOperations =
    [
        "GET /api/v2/instance",
        "GET /api/v1/accounts/verify_credentials",
        "GET /api/v1/accounts/{id}",
        "POST /api/v1/statuses",
        "GET /api/v1/polls/{id}",
        "GET /api/v2/search",
        "GET /api/v1/statuses/{id}/context",
        "GET /api/v1/notifications",
        "POST /api/v1/apps",
        "POST /oauth/token",
        "POST /oauth/revoke",
    ];

    private FakeMastodon fake = null!;
    private HttpClient raw = null!;

    [OneTimeSetUp]
    public void StartInstance()
    {
        fake = new FakeMastodon();
        raw = new HttpClient { BaseAddress = fake.Url };
    }

    [OneTimeTearDown]
    public void StopInstance()
    {
        raw.Dispose();
        fake.Dispose();
    }

    [SetUp]
    public void ResetInstance() => fake.Reset(content: true);

    [Test]
    public async Task EveryOperation_SendsRequestsTheSpecAllows_AndGetsResponsesTheSpecDescribesAsync()
    {
        var (_, brandToken) = fake.AddAccount("fashionbrand", "Fashion Brand");
        var (member, memberToken) = fake.AddAccount("minji", "Minji");
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();
        var oauth = provider.GetRequiredKeyedService<MastodonOAuth>(MastodonTestHost.Name);

        var identity = await connector.VerifyCredentialsAsync(new SnsCredential(memberToken));
        var post = await connector.PublishAsync(new PostRequest { Text = "Which colour next? #dongafashion", Mentions = ["minji"], IdempotencyKey = "relay-1", Language = "ko" });
        var reply = await connector.PublishAsync(new PostRequest { Text = "Navy, please", InReplyToId = post.Id, Author = new SnsCredential(memberToken), Visibility = PostVisibility.Unlisted });
        var poll = await connector.CreatePollAsync(new PollRequest { Question = "Pick one #dongafashion", Options = ["Navy", "Olive", "Sand"], Duration = TimeSpan.FromDays(1), AllowMultiple = true, IdempotencyKey = "relay-2" });
        var results = await connector.GetPollResultsAsync(poll.Id);
        var message = await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Id, Text = "Your design was picked", IdempotencyKey = "relay-3" });
        var found = new List<SnsPost>();
        await foreach (var page in connector.SearchAsync(new SearchQuery { Text = "#dongafashion" }).AsPages(pageSizeHint: 1))
        {
            found.AddRange(page.Values);
        }

        var replies = new List<SnsPost>();
        await foreach (var item in connector.GetRepliesAsync(post.Id))
        {
            replies.Add(item);
        }

        fake.EndPoll(poll.Id);
        var notifications = await connector.ReadNotificationsAsync(null);
        var app = await oauth.RegisterApplicationAsync("DongA Fashion", ["https://donga.example/callback"], MastodonOAuth.MemberScopes, new Uri("https://donga.example/"));
        var authorization = oauth.CreateAuthorizationRequest(app, "https://donga.example/callback", MastodonOAuth.MemberScopes);
        var token = await oauth.ExchangeCodeAsync(app, fake.Approve(authorization.AuthorizeUrl, member.Id), authorization.RedirectUri, authorization.CodeVerifier);
        await oauth.RevokeTokenAsync(app, token.AccessToken);

        var entries = fake.WaitForLog();
        var operations = entries.Select(e => $"{e.RequestMessage.Method.ToUpperInvariant()} {MastodonSpec.Contract.FindPathTemplate(e.RequestMessage.AbsolutePath)}").Distinct().ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MastodonSpec.Check(entries), Is.Empty, "every request and response fits the spec");
            Assert.That(operations, Is.SupersetOf(AdapterOperations), "the run exercised every operation the adapter uses");
            Assert.That(identity.Subject, Is.EqualTo(member.Id));
            Assert.That(reply.AuthorSubject, Is.EqualTo(member.Id));
            Assert.That(results.Options.Select(o => o.Title), Is.EqualTo(new[] { "Navy", "Olive", "Sand" }));
            Assert.That(message.RecipientSubject, Is.EqualTo(member.Id));
            Assert.That(found.Select(p => p.Id), Is.EquivalentTo(new[] { post.Id, poll.Post.Id }));
            Assert.That(replies.Select(p => p.Id), Is.EqualTo(new[] { reply.Id }));
            Assert.That(notifications.Notifications.Select(n => n.Kind), Does.Contain(MastodonNotificationKind.PollEnded));
            Assert.That(fake.IsRevoked(token.AccessToken), Is.True);
        }
    }

    [Test]
    public void AuthorizeUrl_FitsTheSpec()
    {
        using var client = new HttpClient();
        var oauth = new MastodonOAuth(client, fake.Url);
        var request = oauth.CreateAuthorizationRequest(new MastodonApplication("client-1", "secret-1"), MastodonOAuth.OutOfBandRedirectUri, MastodonOAuth.MemberScopes, "state-1");
        var url = request.AuthorizeUrl;

        var violations = MastodonSpec.Contract.CheckRequest(new ContractRequest("GET", url.AbsolutePath) { Query = ContractRequest.ParseQuery(url.Query) });

        Assert.That(violations, Is.Empty);
    }

    [Test]
    public async Task Checker_FailsOnDeliberatelyWrongRequestsSentToTheServerAsync()
    {
        var (_, token) = fake.AddAccount("fashionbrand");

        // A status with a field Mastodon does not know, a search without its required query and with an unknown
        // parameter, a poll read that carries a header only status creation accepts, and a notifications read without a token.
        await SendAsync(HttpMethod.Post, "api/v1/statuses", token, "{\"status\":\"hello\",\"colour\":\"navy\"}");
        await SendAsync(HttpMethod.Get, "api/v2/search?type=statuses&sort=newest", token);
        await SendAsync(HttpMethod.Get, "api/v1/polls/123", token, idempotencyKey: "k-1");
        await SendAsync(HttpMethod.Get, "api/v1/notifications?types[]=mentions", null);

        var violations = MastodonSpec.Check(fake.WaitForLog());
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, violations));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(violations, Has.Some.Contains("/colour").And.Contains("unknown field"));
            Assert.That(violations, Has.Some.Contains("required query parameter 'q' is missing"));
            Assert.That(violations, Has.Some.Contains("query parameter 'sort' is not in the spec"));
            Assert.That(violations, Has.Some.Contains("header 'Idempotency-Key' is not accepted"));
            Assert.That(violations, Has.Some.Contains("'mentions', which is not one of"));
            Assert.That(violations, Has.Some.Contains("requires authorization"));
        }
    }

    [Test]
    public void Checker_RefusesUnknownPathsAndMethods()
    {
        var contract = MastodonSpec.Contract;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(contract.CheckRequest(new ContractRequest("GET", "/api/v1/no_such_thing")), Has.One.Contains("no path in the spec matches"));
            Assert.That(contract.CheckRequest(new ContractRequest("DELETE", "/api/v2/instance")), Has.One.Contains("has no DELETE"));
            Assert.That(contract.FindPathTemplate("/api/v1/accounts/verify_credentials"), Is.EqualTo("/api/v1/accounts/verify_credentials"), "a literal segment wins over a placeholder");
            Assert.That(contract.FindPathTemplate("/api/v1/accounts/109"), Is.EqualTo("/api/v1/accounts/{id}"));
        }
    }

    [Test]
    public void Checker_RefusesBadParameterValues()
    {
        var request = new ContractRequest("GET", "/api/v2/search")
        {
            Query = ContractRequest.ParseQuery("q=navy&limit=many&resolve=maybe&limit=2"),
            Headers = Bearer(),
        };

        var violations = MastodonSpec.Contract.CheckRequest(request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(violations, Has.Some.Contains("'many', which is not of type integer"));
            Assert.That(violations, Has.Some.Contains("'maybe', which is not of type boolean"));
            Assert.That(violations, Has.Some.Contains("'limit' is sent as a list"));
        }
    }

    [Test]
    public void Checker_ChecksPollBodiesStrictly()
    {
        static ContractRequest Status(string body) => new("POST", "/api/v1/statuses") { Headers = Bearer(), ContentType = "application/json; charset=utf-8", Body = body };
        var contract = MastodonSpec.Contract;

        var valid = contract.CheckRequest(Status("{\"status\":\"Pick\",\"visibility\":\"public\",\"poll\":{\"options\":[\"a\",\"b\"],\"expires_in\":300,\"multiple\":false}}"));
        var unknownPollField = contract.CheckRequest(Status("{\"status\":\"Pick\",\"poll\":{\"options\":[\"a\",\"b\"],\"expires_in\":300,\"duration\":5}}"));
        var wrongType = contract.CheckRequest(Status("{\"status\":\"Pick\",\"poll\":{\"options\":[\"a\",\"b\"],\"expires_in\":\"one day\"}}"));
        var badVisibility = contract.CheckRequest(Status("{\"status\":\"hi\",\"visibility\":\"followers\"}"));
        var notJson = contract.CheckRequest(Status("status=hi"));
        var noBody = contract.CheckRequest(new ContractRequest("POST", "/api/v1/statuses") { Headers = Bearer() });
        var form = contract.CheckRequest(Status("status=hi") with { ContentType = "application/x-www-form-urlencoded" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(valid, Is.Empty, "a JSON poll status as the spec describes it");
            Assert.That(unknownPollField, Has.Some.Contains("/poll/duration").And.Contains("unknown field"));
            Assert.That(wrongType, Has.Some.Contains("/poll/expires_in"));
            Assert.That(badVisibility, Has.Some.Contains("/visibility"));
            Assert.That(notJson, Has.One.Contains("not valid JSON"));
            Assert.That(noBody, Has.One.Contains("requires a body"));
            Assert.That(form, Has.One.Contains("application/x-www-form-urlencoded, but the operation accepts application/json"));
        }
    }

    [Test]
    public void Checker_ReadsFormBodiesWhereTheSpecAcceptsThem()
    {
        var spec = """
            {"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/things":{"post":{"requestBody":{"required":true,"content":{"application/x-www-form-urlencoded":{"schema":{
              "type":"object","required":["name"],"properties":{"name":{"type":"string"},"count":{"type":"integer"},
              "poll":{"type":"object","properties":{"options":{"type":"array","items":{"type":"string"}}}}}}}}},
              "responses":{"200":{"description":"ok"}}}}}}
            """;
        var contract = OpenApiContract.Parse(spec);
        static ContractRequest Form(string body) => new("POST", "/things") { ContentType = "application/x-www-form-urlencoded", Body = body };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(contract.CheckRequest(Form("name=a&count=2&poll%5Boptions%5D%5B%5D=x&poll%5Boptions%5D%5B%5D=y")), Is.Empty, "bracket names map onto the schema; form values are not typed");
            Assert.That(contract.CheckRequest(Form("name=a&poll%5Bduration%5D=5")), Has.Some.Contains("/poll/duration").And.Contains("unknown field"));
            Assert.That(contract.CheckRequest(Form("count=2")), Has.Some.Contains("name"));
        }
    }

    [Test]
    public void Checker_ValidatesResponsesAgainstTheResponseSchema()
    {
        var request = new ContractRequest("GET", "/api/v1/polls/1") { Headers = Bearer() };
        var contract = MastodonSpec.Contract;
        var poll = "{\"id\":\"1\",\"expires_at\":null,\"expired\":false,\"multiple\":false,\"votes_count\":0,\"options\":[{\"title\":\"a\",\"votes_count\":0}],\"emojis\":[]}";

        using (Assert.EnterMultipleScope())
        {
            Assert.That(contract.CheckResponse(request, new ContractResponse(200) { ContentType = "application/json", Body = poll }), Is.Empty);
            Assert.That(contract.CheckResponse(request, new ContractResponse(200) { ContentType = "application/json", Body = poll.Replace("\"votes_count\":0,\"options\"", "\"options\"", StringComparison.Ordinal) }), Has.Some.Contains("votes_count"));
            Assert.That(contract.CheckResponse(request, new ContractResponse(200) { ContentType = "application/json", Body = "{\"id\":1}" }), Is.Not.Empty);
            Assert.That(contract.CheckResponse(request, new ContractResponse(500) { ContentType = "application/json", Body = "{\"error\":\"x\"}" }), Has.One.Contains("no response with status 500"));
            Assert.That(contract.CheckResponse(request, new ContractResponse(404) { ContentType = "application/json", Body = "{\"error\":\"Record not found\"}" }), Is.Empty);
            Assert.That(contract.CheckResponse(request, new ContractResponse(200) { ContentType = "text/html", Body = "<html/>" }), Has.One.Contains("Content-Type text/html is not declared"));
        }
    }

    [Test]
    public async Task Checker_ReportsTheMalformedStubItServedAsync()
    {
        // The failure tests mark their deliberately broken bodies; unmarked, the check must catch one.
        var (_, token) = fake.AddAccount("fashionbrand");
        fake.Intercept("GET", "/api/v1/polls/{id}", (_, _) => Task.FromResult<WireMock.IResponseMessage?>(FakeMastodon.Json(200, new System.Text.Json.Nodes.JsonObject { ["id"] = "1" })));
        await SendAsync(HttpMethod.Get, "api/v1/polls/1", token);

        var violations = MastodonSpec.Check(fake.WaitForLog());

        Assert.That(violations, Has.Some.Contains("GET /api/v1/polls/1 → 200").And.Contains("body"));
    }

    private static Dictionary<string, string> Bearer() => new(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = "Bearer test" };

    private async Task SendAsync(HttpMethod method, string path, string? token, string? json = null, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await raw.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.GreaterThan(0));
    }
}
