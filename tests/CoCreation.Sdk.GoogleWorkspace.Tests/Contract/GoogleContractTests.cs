using System.Text.Json.Nodes;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Contract;

/// <summary>
/// Every Drive and Calendar method the adapter calls is exercised and checked against Google's discovery documents
/// (copied under <c>Specs/</c>), and the checker itself is shown to refuse wrong requests and wrong responses.
/// </summary>
[TestFixture]
[Category("Contract")]
public sealed class GoogleContractTests
{
    private static readonly string[] AllMethods =
    [
        "drive.files.create", "drive.files.delete", "drive.files.list",
        "drive.permissions.create", "drive.permissions.update", "drive.permissions.delete",
        "drive.changes.getStartPageToken", "drive.changes.list", "drive.changes.watch", "drive.channels.stop",
        "calendar.calendars.insert", "calendar.acl.insert", "calendar.acl.delete",
        "calendar.events.insert", "calendar.events.list", "calendar.events.watch", "calendar.channels.stop",
    ];

    private FakeGoogle fake = null!;

    [SetUp]
    public void Start() => fake = new FakeGoogle();

    [TearDown]
    public void Stop() => fake.Dispose();

    [Test]
    public async Task EveryMethodTheAdapterUses_FitsTheDiscoveryDocumentsAsync()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var provider = GoogleTestHost.Build(fake, time: time);
        var adapter = provider.Workspace();
        var member = await adapter.ResolveAccountAsync("minji@example.test");

        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair 2027", Description = "Co-development", TimeZone = "Asia/Seoul" });
        var cursor = (await adapter.GetActivityAsync(ws, null)).Cursor;
        await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Requirements", InitialContent = "Seat height 42-46 cm." });
        await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Costs", Kind = DocumentKind.Spreadsheet, InitialContent = "item,cost\nseat,12" });
        await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Sketches", Kind = DocumentKind.Presentation, InitialContent = "Slide 1: side view" });
        await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Empty notes" });
        await adapter.ShareAsync(ws, member, WorkspaceRole.Editor);
        var share = await adapter.ShareAsync(ws, member, WorkspaceRole.Viewer);
        await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = time.GetUtcNow().AddDays(3), End = time.GetUtcNow().AddDays(3).AddHours(1), Attendees = [member.Email], Description = "First fitting" });
        await adapter.GetActivityAsync(ws, null);
        await adapter.GetActivityAsync(ws, cursor);
        await adapter.WatchAsync(ws);
        time.Advance(TimeSpan.FromDays(1));
        await adapter.RenewExpiringChannelsAsync();
        await adapter.RevokeShareAsync(share);
        fake.Intercept("calendar.calendars.insert", (_, _) => FakeGoogle.Error(403, "quotaExceeded", "Calendar usage limits exceeded."));
        Assert.CatchAsync<ProviderException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Rolled back" }));

        var entries = fake.WaitForLog();
        var used = entries.Select(e => GoogleSpec.Contract.FindMethod(GoogleSpec.ToRequest(e.RequestMessage))).OfType<string>().ToHashSet(StringComparer.Ordinal);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.Check(entries), Is.Empty, "every request and response fits the discovery documents");
            Assert.That(used, Is.SupersetOf(AllMethods), "the workload used every method the adapter calls");
            Assert.That(AllMethods.Where(m => !GoogleSpec.Contract.MethodIds.Contains(m)), Is.Empty, "every method is in the shipped discovery documents");
        }
    }

    [Test]
    public async Task CreateDocument_WithBody_IsOneMultipartUploadWithMetadataThenMediaAsync()
    {
        using var provider = GoogleTestHost.Build(fake);
        var adapter = provider.Workspace();
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        var document = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief", InitialContent = "Fabric: linen. 한국어" });

        var upload = fake.WaitForLog().Single(e => e.RequestMessage.AbsolutePath == "/upload/drive/v3/files");
        var request = GoogleSpec.ToRequest(upload.RequestMessage);
        var stored = fake.File(document.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.Query["uploadType"], Is.EqualTo(new[] { "multipart" }));
            Assert.That(request.Query["supportsAllDrives"], Is.EqualTo(new[] { "true" }));
            Assert.That(request.ContentType, Does.StartWith("multipart/related"));
            Assert.That(stored.MimeType, Is.EqualTo("application/vnd.google-apps.document"));
            Assert.That(stored.Parents, Is.EqualTo(new[] { ws.Id }));
            Assert.That(stored.Content, Is.EqualTo("Fabric: linen. 한국어"), "the media part carries the starter body");
            Assert.That(GoogleSpec.Contract.CheckRequest(request), Is.Empty);
        }
    }

    [Test]
    public async Task Checker_RefusesAMutatedRequestTheAdapterSentAsync()
    {
        using var provider = GoogleTestHost.Build(fake);
        var adapter = provider.Workspace();
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        await adapter.ShareAsync(ws, await adapter.ResolveAccountAsync("jun@example.test"), WorkspaceRole.Commenter);
        var sent = GoogleSpec.ToRequest(fake.WaitForLog().Single(e => e.RequestMessage.AbsolutePath.EndsWith("/permissions", StringComparison.Ordinal)).RequestMessage);
        var body = JsonNode.Parse(sent.Body!)!;
        body["canComment"] = true;

        var violations = GoogleSpec.Contract.CheckRequest(sent with { Body = body.ToJsonString() });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.Contract.CheckRequest(sent), Is.Empty, "the request as sent is valid");
            Assert.That(violations, Has.Some.Contains("$.canComment is not a field of Permission"));
        }
    }

    [TestCaseSource(nameof(WrongRequests))]
    public void Checker_RefusesWrongRequests(ContractRequest request, string expected)
    {
        var violations = GoogleSpec.Contract.CheckRequest(request);

        Assert.That(violations, Has.Some.Contains(expected), string.Join(Environment.NewLine, violations));
    }

    [TestCaseSource(nameof(WrongResponses))]
    public void Checker_RefusesWrongResponses(ContractRequest request, ContractResponse response, string expected)
    {
        var violations = GoogleSpec.Contract.CheckResponse(request, response);

        Assert.That(violations, Has.Some.Contains(expected), string.Join(Environment.NewLine, violations));
    }

    [Test]
    public void Checker_AcceptsValidTrafficAndKnowsBothApis()
    {
        var list = Get("/calendar/v3/calendars/c1@group.calendar.google.com/events", ("syncToken", "s1"), ("maxResults", "250"), ("showDeleted", "true"), ("fields", "items(id)"), ("prettyPrint", "false"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.Contract.FindMethod(list), Is.EqualTo("calendar.events.list"));
            Assert.That(GoogleSpec.Contract.FindMethod(Get("/drive/v3/files/generateIds")), Is.EqualTo("drive.files.generateIds"), "a literal path wins over files/{fileId}");
            Assert.That(GoogleSpec.Contract.FindMethod(Get("/drive/v3/files/abc")), Is.EqualTo("drive.files.get"));
            Assert.That(GoogleSpec.Contract.CheckRequest(list), Is.Empty);
            Assert.That(GoogleSpec.Contract.CheckResponse(Get("/drive/v3/changes/startPageToken"), Ok("""{"kind":"drive#startPageToken","startPageToken":"42"}""")), Is.Empty);
            Assert.That(GoogleSpec.Contract.CheckResponse(Get("/drive/v3/changes/startPageToken"), new ContractResponse(429) { Body = """{"error":{"code":429,"message":"slow down","errors":[{"domain":"usageLimits","reason":"rateLimitExceeded","message":"slow down"}],"status":"RESOURCE_EXHAUSTED"}}""" }), Is.Empty);
            Assert.That(GoogleSpec.Contract.MethodIds, Has.Member("drive.files.create").And.Member("calendar.acl.insert"));
        }
    }

    [Test]
    public void Checker_RefusesDocumentsThatAreNotDiscoveryDocuments()
    {
        Assert.Throws<FormatException>(() => DiscoveryContract.Parse(["{\"openapi\":\"3.1.0\",\"paths\":{}}"]));
        Assert.Throws<FormatException>(() => DiscoveryContract.Parse(["not json"]));
    }

    private static IEnumerable<TestCaseData> WrongRequests()
    {
        yield return Case("unknown path", Get("/drive/v3/folders"), "no method in the discovery documents");
        yield return Case("known path, wrong HTTP method", new ContractRequest("DELETE", "/drive/v3/changes"), "no method in the discovery documents");
        yield return Case("unknown query parameter", Get("/drive/v3/changes", ("pageToken", "1"), ("since", "yesterday")), "?since is not a parameter of drive.changes.list");
        yield return Case("missing required query parameter", Get("/drive/v3/changes", ("pageSize", "10")), "?pageToken is required");
        yield return Case("missing required query parameter of Calendar", Post("/calendar/v3/calendars/c1/events/quickAdd", null), "?text is required");
        yield return Case("integer that is not one", Get("/drive/v3/changes", ("pageToken", "1"), ("pageSize", "ten")), "?pageSize is not an integer");
        yield return Case("integer above the maximum", Get("/drive/v3/changes", ("pageToken", "1"), ("pageSize", "5000")), "the maximum is 1000");
        yield return Case("boolean in the wrong case", Get("/drive/v3/changes", ("pageToken", "1"), ("supportsAllDrives", "True")), "must be true or false");
        yield return Case("value outside the enum", Post("/calendar/v3/calendars/c1/events", """{"summary":"x"}""", ("sendUpdates", "everyone")), "allowed: all, externalOnly, none");
        yield return Case("unknown body field", Post("/drive/v3/files/f1/permissions", """{"type":"user","role":"writer","emailAddress":"a@example.test","notify":true}"""), "$.notify is not a field of Permission");
        yield return Case("nested unknown body field", Post("/calendar/v3/calendars/c1/acl", """{"role":"reader","scope":{"type":"user","email":"a@example.test"}}"""), "$.scope.email is not a field");
        yield return Case("body field of the wrong type", Post("/calendar/v3/calendars/c1/events", """{"summary":"x","attendees":{"email":"a@example.test"}}"""), "$.attendees must be an array");
        yield return Case("array item of the wrong type", Post("/drive/v3/files", """{"name":"x","parents":[7]}"""), "$.parents[0] must be a string");
        yield return Case("body on a method without one", new ContractRequest("DELETE", "/drive/v3/files/f1/permissions/p1") { ContentType = "application/json", Body = "{}" }, "takes no request body");
        yield return Case("JSON body sent as form", Post("/drive/v3/files", """{"name":"x"}""") with { ContentType = "application/x-www-form-urlencoded" }, "must be sent as application/json");
        yield return Case("upload without uploadType", Upload("""{"name":"x"}""", "hello", withType: false), "needs ?uploadType");
        yield return Case("upload metadata with an unknown field", Upload("""{"name":"x","folder":"f1"}""", "hello", withType: true), "$.folder is not a field of File");
    }

    private static IEnumerable<TestCaseData> WrongResponses()
    {
        yield return Response("unknown response field", Get("/drive/v3/changes/startPageToken"), Ok("""{"startPageToken":"1","nextToken":"2"}"""), "$.nextToken is not a field of StartPageToken");
        yield return Response("int64 sent as a number", Post("/drive/v3/files", """{"name":"x"}"""), Ok("""{"id":"f1","version":3}"""), "$.version must be a string (int64)");
        yield return Response("nested wrong type", Get("/calendar/v3/calendars/c1/events"), Ok("""{"items":[{"id":"e1","attendees":[{"email":5}]}]}"""), "$.items[0].attendees[0].email must be a string");
        yield return Response("empty body where a resource is returned", Post("/calendar/v3/calendars", """{"summary":"x"}"""), new ContractResponse(200), "the body is empty");
        yield return Response("body where none is returned", new ContractRequest("DELETE", "/drive/v3/files/f1/permissions/p1"), Ok("""{"id":"p1"}"""), "has no response body");
        yield return Response("error envelope with a foreign shape", Get("/drive/v3/changes/startPageToken"), new ContractResponse(403) { Body = """{"error":"rate_limited","error_description":"x"}""" }, "$.error must be an object");
    }

    private static TestCaseData Case(string name, ContractRequest request, string expected) => new TestCaseData(request, expected).SetName($"Checker_RefusesWrongRequests({name})");

    private static TestCaseData Response(string name, ContractRequest request, ContractResponse response, string expected) => new TestCaseData(request, response, expected).SetName($"Checker_RefusesWrongResponses({name})");

    private static ContractResponse Ok(string body) => new(200) { ContentType = "application/json", Body = body };

    private static ContractRequest Get(string path, params (string Name, string Value)[] query) => new("GET", path) { Query = Params(query) };

    private static ContractRequest Post(string path, string? body, params (string Name, string Value)[] query)
        => new("POST", path) { Query = Params(query), ContentType = body is null ? null : "application/json; charset=utf-8", Body = body };

    private static ContractRequest Upload(string metadata, string media, bool withType)
    {
        const string boundary = "b1";
        var body = $"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n--{boundary}\r\nContent-Type: text/plain\r\n\r\n{media}\r\n--{boundary}--\r\n";
        return new ContractRequest("POST", "/upload/drive/v3/files")
        {
            Query = withType ? Params(("uploadType", "multipart")) : Params(),
            ContentType = $"multipart/related; boundary=\"{boundary}\"",
            Body = body,
        };
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Params(params (string Name, string Value)[] parameters)
        => parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Value).ToList());
}
