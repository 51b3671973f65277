using System.Net;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Unit;

/// <summary>
/// Throttling (429 with Retry-After, 503), refused tokens (one forced refresh), unknown ids, expired delta links and bad
/// input: each ends in a successful retry or the typed exception, and the request counts the fake saw prove what was
/// (and was not) sent.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GraphFailureTests
{
    private FakeGraph fake = null!;
    private ServiceProvider provider = null!;
    private Microsoft365CloudWorkspace adapter = null!;
    private CollectingLoggerProvider logs = null!;
    private FakeGraphTokens tokens = null!;
    private WorkspaceRef ws = null!;
    private string cursor = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        fake = new FakeGraph();
        logs = new CollectingLoggerProvider();
        tokens = new FakeGraphTokens(() => fake.IssueAccessToken());
        provider = GraphTestHost.Build(fake, logs: logs, tokens: tokens);
        adapter = provider.Workspace();
        ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair", TimeZone = "Asia/Seoul" });
        cursor = (await adapter.GetActivityAsync(ws, null)).Cursor;
        fake.Reset();
    }

    [TearDown]
    public void TearDown()
    {
        Assert.That(logs.Lines.Where(l => l.Contains("do-not-log", StringComparison.Ordinal) || l.Contains("eyJ", StringComparison.Ordinal)), Is.Empty, "no secret or token in any log line");
        provider.Dispose();
        fake.Dispose();
    }

    [Test]
    public async Task TooManyRequests_WithShortRetryAfter_OnAPost_WaitsAndSucceedsAsync()
    {
        fake.Intercept("POST invite", attempt => attempt == 1 ? FakeGraph.Error(429, "TooManyRequests", "Please retry again later.", TimeSpan.FromSeconds(1)) : null);

        var share = await adapter.ShareAsync(ws, await adapter.ResolveAccountAsync("minji@example.test"), WorkspaceRole.Editor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(share.Role, Is.EqualTo(WorkspaceRole.Editor));
            Assert.That(fake.RequestsTo("POST invite"), Is.EqualTo(2), "a throttled POST was not carried out, so it is sent again");
            Assert.That(fake.Permissions(ws.Id).Single(p => p.Email == "minji@example.test").Roles, Is.EqualTo(new[] { "write" }));
        }
    }

    [Test]
    public void TooManyRequests_WithLongRetryAfter_FailsAtOnceWithTheWait()
    {
        fake.Intercept("POST events", _ => FakeGraph.Error(429, "TooManyRequests", "Please retry again later.", TimeSpan.FromSeconds(120)));
        var start = DateTimeOffset.UtcNow.AddDays(2);

        var ex = Assert.CatchAsync<RateLimitedException>(() => adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(fake.RequestsTo("POST events"), Is.EqualTo(1), "a wait longer than MaxRetryAfter belongs to the caller");
        }
    }

    [Test]
    public async Task ServiceUnavailableBurst_OnARead_IsRetriedThenSucceedsAsync()
    {
        fake.Intercept("GET delta", attempt => attempt <= 2 ? FakeGraph.Error(503, "serviceNotAvailable", "Service unavailable") : null);

        var page = await adapter.GetActivityAsync(ws, cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Items, Is.Empty);
            Assert.That(page.Cursor, Is.EqualTo(cursor), "nothing changed");
            Assert.That(fake.RequestsTo("GET delta"), Is.EqualTo(3), "two 503s, then success");
        }
    }

    [Test]
    public async Task ServiceUnavailable_WithRetryAfter_OnAPost_IsRetriedAsync()
    {
        fake.Intercept("POST children", attempt => attempt == 1 ? FakeGraph.Error(503, "serviceNotAvailable", "Throttled", TimeSpan.FromSeconds(1)) : null);

        var created = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Sofa" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fake.Item(created.Id).Name, Is.EqualTo("Sofa"));
            Assert.That(fake.RequestsTo("POST children"), Is.EqualTo(2), "503 with Retry-After is throttling: nothing was done, so the POST is sent again");
        }
    }

    [Test]
    public void ServiceUnavailable_WithoutRetryAfter_OnAPost_IsNotRepeated()
    {
        fake.Intercept("POST children", _ => FakeGraph.Error(503, "serviceNotAvailable", "Service unavailable"));

        var ex = Assert.CatchAsync<ProviderException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Sofa" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("serviceNotAvailable"));
            Assert.That(fake.RequestsTo("POST children"), Is.EqualTo(1), "a POST that may have been carried out is not sent twice");
        }
    }

    [Test]
    public async Task Unauthorized_ForcesExactlyOneTokenRefresh_ThenSucceedsAsync()
    {
        // The fake stops accepting the token the adapter has cached; the next one it issues is accepted.
        using var strict = new FakeGraph();
        var stale = "eyJstale.token.do-not-log";
        var refreshing = new FakeGraphTokens(() => strict.IssueAccessToken(), first: stale);
        using var host = GraphTestHost.Build(strict, tokens: refreshing);
        var workspace = host.Workspace();

        var created = await workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Lamp" });
        var again = await workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Lamp 2" });

        var authorizations = strict.WaitForLog().Select(e => FakeGraph.Header(e.RequestMessage, "Authorization")).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refreshing.ForcedRefreshes, Is.EqualTo(1), "one 401, one forced refresh");
            Assert.That(strict.RequestsTo("POST children"), Is.EqualTo(3), "the refused request, its repeat, and the second workspace");
            Assert.That(authorizations[0], Is.EqualTo("Bearer " + stale));
            Assert.That(authorizations.Skip(1), Has.All.EqualTo(authorizations[1]).And.All.Not.EqualTo("Bearer " + stale), "the fresh token is used from then on");
            Assert.That(created.Id, Is.Not.EqualTo(again.Id));
        }
    }

    [Test]
    public void Unauthorized_Twice_IsACredentialException_AfterOneRefresh()
    {
        using var refusing = new FakeGraph(acceptToken: _ => false);
        var counted = new FakeGraphTokens(() => "eyJrefused." + Guid.NewGuid().ToString("N") + ".do-not-log");
        using var host = GraphTestHost.Build(refusing, tokens: counted);

        var ex = Assert.CatchAsync<CredentialException>(() => host.Workspace().CreateWorkspaceAsync(new WorkspaceSpec { Name = "Lamp" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(counted.ForcedRefreshes, Is.EqualTo(1), "exactly one forced refresh per refused call");
            Assert.That(refusing.RequestsTo("POST children"), Is.EqualTo(2), "the call and its one repeat with the fresh token");
            Assert.That(ex!.Message, Does.Not.Contain("eyJ").And.Not.Contain("do-not-log"), "no token in the message");
            Assert.That(ex.Message, Does.Contain("InvalidAuthenticationToken"));
        }
    }

    [Test]
    public void NotFound_NamesTheMissingFolder()
    {
        var gone = ws with { Id = "01FOLDERDOESNOTEXIST" };

        var ex = Assert.CatchAsync<ResourceNotFoundException>(async () => await adapter.ShareAsync(gone, await adapter.ResolveAccountAsync("minji@example.test"), WorkspaceRole.Viewer));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ResourceKind, Is.EqualTo("workspace folder"));
            Assert.That(ex.ResourceId, Is.EqualTo("01FOLDERDOESNOTEXIST"));
            Assert.That(fake.RequestsTo("POST invite"), Is.Zero, "nothing is sent after the folder turned out to be missing");
        }
    }

    [Test]
    public async Task RevokeShare_IsOneBatch_AndAPartAlreadyGoneCountsAsDoneAsync()
    {
        var member = await adapter.ResolveAccountAsync("minji@example.test");
        var share = await adapter.ShareAsync(ws, member, WorkspaceRole.Editor);
        var calendar = fake.Calendars().Single(c => c.Name == "Chair");
        Assert.That(calendar.Permissions, Has.Count.EqualTo(1), "the share added a calendar permission");
        fake.Reset();
        fake.Intercept("DELETE permission", _ => FakeGraph.Error(404, "itemNotFound", "The permission does not exist."));

        await adapter.RevokeShareAsync(share);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fake.RequestsTo("POST $batch"), Is.EqualTo(1), "both deletions in one batch");
            Assert.That(fake.TotalRequests, Is.EqualTo(1), "and nothing else on the wire");
            Assert.That(fake.RequestsTo("DELETE calendarPermission"), Is.EqualTo(1));
            Assert.That(calendar.Permissions, Is.Empty, "the calendar permission is gone");
        }
    }

    [Test]
    public async Task RevokeShare_ABatchPartThrottled_IsARateLimitedExceptionAsync()
    {
        var share = await adapter.ShareAsync(ws, await adapter.ResolveAccountAsync("minji@example.test"), WorkspaceRole.Viewer);
        fake.Intercept("DELETE calendarPermission", _ => FakeGraph.Error(429, "TooManyRequests", "Slow down.", TimeSpan.FromSeconds(7)));

        var ex = Assert.CatchAsync<RateLimitedException>(() => adapter.RevokeShareAsync(share));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)), "the part's own Retry-After");
            Assert.That(fake.Permissions(ws.Id).Where(p => p.Email == "minji@example.test"), Is.Empty, "the drive permission part went through");
        }
    }

    [Test]
    public async Task ExpiredDeltaLink_RestartsEnumeration_WithoutLosingOrRepeatingChangesAsync()
    {
        var member = await adapter.ResolveAccountAsync(fake.AddUser("editor@contoso.test").Mail);
        await adapter.ShareAsync(ws, member, WorkspaceRole.Editor);
        var first = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" });
        var before = await adapter.GetActivityAsync(ws, cursor);
        Assert.That(before.Items.Select(a => a.TargetId), Is.EqualTo(new[] { first.Id }), "the brief's creation, read before the link expires");

        fake.EditAsMember(first.Id, member.Email);
        var second = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Notes" });
        var elsewhere = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Elsewhere" });
        fake.AddFile(elsewhere.Id, "Other.docx");
        fake.ExpireDeltaLinks();
        fake.Reset();

        var after = await adapter.GetActivityAsync(ws, before.Cursor);
        var deltaReads = fake.RequestsTo("GET delta");
        var seen = before.Items.Select(a => a.Id).ToHashSet();
        var fresh = after.Items.Where(a => !seen.Contains(a.Id)).ToList();
        var quiet = await adapter.GetActivityAsync(ws, after.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deltaReads, Is.EqualTo(2), "the expired link (410), then one enumeration from the start");
            Assert.That(fresh.Select(a => (a.Kind, a.TargetId)), Is.EquivalentTo(new[] { (WorkspaceActivityKind.DocumentEdited, first.Id), (WorkspaceActivityKind.DocumentCreated, second.Id) }), "every change since the last read, once");
            Assert.That(fresh.Single(a => a.Kind == WorkspaceActivityKind.DocumentEdited).ActorAccountId, Is.EqualTo(member.AccountId));
            Assert.That(after.Items.Where(a => seen.Contains(a.Id)).Select(a => a.Id), Is.Empty.Or.EquivalentTo(before.Items.Select(a => a.Id)), "anything read before comes back only under the id it had");
            Assert.That(after.Items.Select(a => a.TargetName), Has.None.EqualTo("Other.docx"), "files of other folders are not this workspace's activity");
            Assert.That(quiet.Items, Is.Empty, "the new delta link works");
            Assert.That(logs.Lines, Has.Some.Contains("410 Gone"));
        }
    }

    [Test]
    public void CalendarFailure_RemovesTheNewFolderAgain()
    {
        fake.Intercept("POST calendars", _ => FakeGraph.Error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."));

        var ex = Assert.CatchAsync<CredentialException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Orphan" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("ErrorAccessDenied").And.Contain("Calendars.ReadWrite"), "the code and what to check");
            Assert.That(fake.Items().Where(i => i.Name == "Orphan").Select(i => i.Deleted), Is.EqualTo(new[] { true }), "the folder was created, then deleted");
            Assert.That(fake.RequestsTo("DELETE item"), Is.EqualTo(1));
        }
    }

    [Test]
    public void UnreachableGraph_IsATransientProviderException()
    {
        using var offline = GraphTestHost.Build(fake, o => { o.GraphBaseAddress = new Uri("http://127.0.0.1:9/v1.0/"); o.MaxRetryAttempts = 0; });

        var ex = Assert.CatchAsync<ProviderException>(() => offline.Workspace().ResolveAccountAsync("minji@example.test"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("unreachable"));
        }
    }

    [Test]
    public async Task BadInput_IsRefusedBeforeAnythingIsSentAsync()
    {
        var member = await adapter.ResolveAccountAsync("minji@example.test");
        fake.Reset();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Q3: plan" }))!.Field, Is.EqualTo("DocumentSpec.Title"));
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "a/b" }))!.Field, Is.EqualTo("WorkspaceSpec.Name"));
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.ShareAsync(ws, member, WorkspaceRole.Commenter))!.Field, Is.EqualTo("role"), "Graph has no comment-only invite role");
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.RevokeShareAsync(new ShareRef { Id = "not-ours", WorkspaceId = ws.Id, AccountId = member.AccountId, Role = WorkspaceRole.Viewer }))!.Field, Is.EqualTo("share.Id"));
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.GetActivityAsync(ws, "garbage"))!.Field, Is.EqualTo("cursor"));
            var foreign = "ma1." + Convert.ToBase64String("https://evil.example/steal"u8.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".MA";
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.GetActivityAsync(ws, foreign))!.Field, Is.EqualTo("cursor"), "a cursor pointing elsewhere is never followed with the token");
            Assert.That(Assert.CatchAsync<CoCreationValidationException>(() => adapter.ScheduleAsync(ws with { CalendarId = "x" }, new ScheduleEntrySpec { Title = "T", Start = DateTimeOffset.UtcNow, End = DateTimeOffset.UtcNow.AddHours(1) }))!.Field, Is.EqualTo("workspace.CalendarId"));
            Assert.That(fake.TotalRequests, Is.Zero, "the fake saw nothing");
        }
    }
}
