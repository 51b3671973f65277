using System.Text.Json.Nodes;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;

namespace CoCreation.Sdk.Microsoft365.Tests.Unit;

/// <summary>What the adapter puts on the wire: paths, bodies and headers as the Graph documentation describes them.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GraphRequestShapeTests
{
    private FakeGraph fake = null!;
    private ServiceProvider provider = null!;
    private Microsoft365CloudWorkspace adapter = null!;

    [SetUp]
    public void SetUp()
    {
        fake = new FakeGraph();
        provider = GraphTestHost.Build(fake);
        adapter = provider.Workspace();
    }

    [TearDown]
    public void TearDown()
    {
        provider.Dispose();
        fake.Dispose();
    }

    [Test]
    public async Task CreateWorkspace_PostsAFolderThatFailsOnConflict_ThenRenamesAsync()
    {
        var first = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        var second = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        var posts = Requests("POST", "/children").Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Requests("POST", "/children").Select(e => e.RequestMessage.AbsolutePath), Has.All.EqualTo($"/v1.0/drives/{fake.DriveId}/items/root/children"));
            Assert.That(posts.Select(p => p["@microsoft.graph.conflictBehavior"]!.GetValue<string>()), Is.EqualTo(new[] { "fail", "fail", "rename" }));
            Assert.That(posts.Select(p => p["folder"]), Has.All.InstanceOf<JsonObject>(), "folder: {}");
            Assert.That(first.Name, Is.EqualTo("Chair"));
            Assert.That(second.Name, Is.EqualTo("Chair 1"), "Graph's new name is reported");
            Assert.That(fake.Calendars().Select(c => c.Name), Is.SupersetOf(new[] { "Chair", "Chair 1" }), "one calendar per workspace");
        }
    }

    [Test]
    public async Task ResolveAccount_FiltersOnMailOrUserPrincipalName_WithQuotesEscapedAsync()
    {
        var user = fake.AddUser("o'brien@contoso.test", "Siobhan O'Brien");

        var tenant = await adapter.ResolveAccountAsync("O'Brien@contoso.test");
        var external = await adapter.ResolveAccountAsync("Guest@Example.test");

        var queries = Requests("GET", "/v1.0/users").Select(e => ContractRequest.ParseQuery(e.RequestMessage.RawQuery)).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Requests("GET", "/v1.0/users")[0].RequestMessage.RawQuery, Does.Contain("$filter=").And.Contain("$select="), "OData names go out with their $, as Graph documents them");
            Assert.That(queries[0]["$filter"].Single(), Is.EqualTo("mail eq 'O''Brien@contoso.test' or userPrincipalName eq 'O''Brien@contoso.test'"));
            Assert.That(tenant.AccountId, Is.EqualTo(user.Id), "a tenant user is keyed by object id");
            Assert.That(tenant.DisplayName, Is.EqualTo("Siobhan O'Brien"));
            Assert.That(external.AccountId, Is.EqualTo("guest@example.test"), "an external address is keyed by itself, lower-cased");
        }
    }

    [Test]
    public async Task Share_InvitesWithRoleAndSignIn_ThenPatchesOnRoleChangeAsync()
    {
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        var member = await adapter.ResolveAccountAsync("guest@example.test");

        var viewer = await adapter.ShareAsync(ws, member, WorkspaceRole.Viewer);
        var editor = await adapter.ShareAsync(ws, member, WorkspaceRole.Editor);

        var invite = JsonNode.Parse(Requests("POST", "/invite").Single().RequestMessage.Body!)!;
        var patch = JsonNode.Parse(Requests("PATCH", "/permissions/").Single().RequestMessage.Body!)!;
        var calendar = fake.Calendars().Single(c => c.Name == "Chair");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(invite["recipients"]![0]!["email"]!.GetValue<string>(), Is.EqualTo("guest@example.test"));
            Assert.That(invite["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "read" }));
            Assert.That(invite["requireSignIn"]!.GetValue<bool>(), Is.True);
            Assert.That(invite["sendInvitation"]!.GetValue<bool>(), Is.False, "SendInvitation from the options");
            Assert.That(patch["roles"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "write" }));
            Assert.That(editor.Id, Is.EqualTo(viewer.Id), "sharing again keeps the ids");
            Assert.That(calendar.Permissions.Single()["role"]!.GetValue<string>(), Is.EqualTo("write"), "the calendar permission follows the role");
            Assert.That(calendar.Permissions.Single()["isInsideOrganization"]!.GetValue<bool>(), Is.False, "an external address");
        }
    }

    [Test]
    public async Task Schedule_SendsWallClockTimesInTheWorkspaceTimeZoneAsync()
    {
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair", TimeZone = "Asia/Seoul" });
        var start = new DateTimeOffset(2027, 3, 2, 1, 0, 0, TimeSpan.Zero);

        var entry = await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1), Attendees = ["a@example.test"], Description = "First fitting" });

        var body = JsonNode.Parse(Requests("POST", "/events").Single().RequestMessage.Body!)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["start"]!["dateTime"]!.GetValue<string>(), Is.EqualTo("2027-03-02T10:00:00"), "01:00 UTC is 10:00 in Seoul");
            Assert.That(body["start"]!["timeZone"]!.GetValue<string>(), Is.EqualTo("Korea Standard Time"), "Graph's Windows zone name");
            Assert.That(body["attendees"]![0]!["emailAddress"]!["address"]!.GetValue<string>(), Is.EqualTo("a@example.test"));
            Assert.That(body["attendees"]![0]!["type"]!.GetValue<string>(), Is.EqualTo("required"));
            Assert.That(body["body"]!["contentType"]!.GetValue<string>(), Is.EqualTo("text"));
            Assert.That(entry.Start, Is.EqualTo(start));
            Assert.That(entry.End, Is.EqualTo(start.AddHours(1)));
        }
    }

    [Test]
    public async Task Schedule_OnAGroupCalendar_PostsToTheGroupAndSharesTheFolderOnlyAsync()
    {
        using var groupHost = GraphTestHost.Build(fake, o => { o.CalendarUserId = null; o.CalendarGroupId = fake.GroupId; });
        var groupAdapter = groupHost.Workspace();
        var ws = await groupAdapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Group chair" });
        var start = DateTimeOffset.UtcNow.AddDays(3);

        await groupAdapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Review", Start = start, End = start.AddHours(1) });
        var share = await groupAdapter.ShareAsync(ws, await groupAdapter.ResolveAccountAsync("guest@example.test"), WorkspaceRole.Viewer);
        await groupAdapter.RevokeShareAsync(share);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Requests("POST", "/events").Single().RequestMessage.AbsolutePath, Is.EqualTo($"/v1.0/groups/{fake.GroupId}/calendar/events"));
            Assert.That(Requests("POST", "/calendars"), Is.Empty, "no calendar is created in group mode");
            Assert.That(Requests("POST", "/calendarPermissions"), Is.Empty, "group membership decides calendar access");
            Assert.That(Requests("DELETE", "/permissions/"), Has.Count.EqualTo(1), "a one-part share is revoked without a batch");
            Assert.That(fake.Permissions(ws.Id).Where(p => p.Email == "guest@example.test"), Is.Empty);
        }
    }

    [Test]
    public async Task CreateDocument_SmallFile_IsOnePutWithFailOnConflictAsync()
    {
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        var document = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Cost sheet", Kind = DocumentKind.Spreadsheet });

        var put = Requests("PUT", "/content").Single().RequestMessage;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(put.AbsolutePath, Does.EndWith($"/items/{ws.Id}:/Cost sheet.xlsx:/content").Or.EndWith($"/items/{ws.Id}:/Cost%20sheet.xlsx:/content"));
            Assert.That(ContractRequest.ParseQuery(put.RawQuery)["@microsoft.graph.conflictBehavior"].Single(), Is.EqualTo("fail"));
            Assert.That(fake.Item(document.Id).Content, Is.EqualTo(File.ReadAllBytes(TestTemplates.All[DocumentKind.Spreadsheet])), "the configured template, unchanged");
            Assert.That(fake.Item(document.Id).ParentId, Is.EqualTo(ws.Id));
            Assert.That(Assert.CatchAsync<ProviderException>(() => adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Cost sheet", Kind = DocumentKind.Spreadsheet }))!.ProviderErrorCode, Is.EqualTo("nameAlreadyExists"), "a taken title is refused, not overwritten");
        }
    }

    [Test]
    public async Task CreateDocument_LargeFile_GoesThroughAnUploadSessionWithoutTheTokenAsync()
    {
        using var largeHost = GraphTestHost.Build(fake, o => o.Templates[DocumentKind.Document] = TestTemplates.Large());
        var large = largeHost.Workspace();
        var ws = await large.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });

        var document = await large.CreateDocumentAsync(ws, new DocumentSpec { Title = "Tech pack" });

        var chunks = fake.WaitForLog().Where(e => e.RequestMessage.AbsolutePath.StartsWith("/upload/", StringComparison.Ordinal)).ToList();
        var expected = File.ReadAllBytes(TestTemplates.Large());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Requests("POST", "/createUploadSession"), Has.Count.EqualTo(1));
            Assert.That(Requests("PUT", "/content"), Is.Empty, "no simple upload above 4 MiB");
            Assert.That(chunks, Has.Count.EqualTo((expected.Length + Microsoft365CloudWorkspace.UploadChunkSize - 1) / Microsoft365CloudWorkspace.UploadChunkSize));
            Assert.That(chunks.Select(c => FakeGraph.Header(c.RequestMessage, "Authorization")), Has.All.Null, "upload URLs are pre-authenticated");
            Assert.That(Microsoft365CloudWorkspace.UploadChunkSize % (320 * 1024), Is.Zero, "chunks are multiples of 320 KiB");
            Assert.That(fake.Item(document.Id).Content, Is.EqualTo(expected), "every byte arrived in order");
            Assert.That(fake.Item(document.Id).Name, Is.EqualTo("Tech pack.docx"));
        }
    }

    [Test]
    public async Task Activity_FirstReadStartsAtTheLatestToken_AndListsTheFolderAsync()
    {
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        var existing = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" });

        var page = await adapter.GetActivityAsync(ws, null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ContractRequest.ParseQuery(Requests("GET", "/delta").Single().RequestMessage.RawQuery)["token"].Single(), Is.EqualTo("latest"));
            Assert.That(page.Items.Select(a => (a.Kind, a.TargetId)), Is.EqualTo(new[] { (WorkspaceActivityKind.DocumentCreated, existing.Id) }));
            Assert.That(page.Items.Single().ActorAccountId, Is.EqualTo(fake.Owner.Id));
        }
    }

    private List<ILogEntry> Requests(string method, string pathPart)
        => [.. fake.WaitForLog().Where(e => e.RequestMessage.Method == method && e.RequestMessage.AbsolutePath.Contains(pathPart, StringComparison.Ordinal))];
}
