using System.Net;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Unit;

/// <summary>
/// Rate limits (403 with a rate-limit reason, 429 with Retry-After), 5xx bursts, refused tokens, unknown ids, expired
/// sync tokens and bad input: each ends in a successful retry or the typed exception, and the request counts the fake
/// saw prove what was (and was not) sent.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class GoogleFailureTests
{
    private FakeGoogle fake = null!;
    private ServiceProvider provider = null!;
    private GoogleCloudWorkspace adapter = null!;
    private CollectingLoggerProvider logs = null!;
    private WorkspaceRef ws = null!;
    private string cursor = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        fake = new FakeGoogle();
        logs = new CollectingLoggerProvider();
        provider = GoogleTestHost.Build(fake, logs: logs);
        adapter = provider.Workspace();
        ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair" });
        cursor = (await adapter.GetActivityAsync(ws, null)).Cursor;
        fake.Reset();
    }

    [TearDown]
    public void TearDown()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.Check(fake.WaitForLog()), Is.Empty, "requests and (not deliberately broken) responses fit the discovery documents");
            Assert.That(logs.Lines.Where(l => l.Contains("do-not-log", StringComparison.Ordinal) || l.Contains("ya29.", StringComparison.Ordinal)), Is.Empty, "no secret or token in any log line");
        }

        provider.Dispose();
        fake.Dispose();
    }

    [TestCase("userRateLimitExceeded")]
    [TestCase("rateLimitExceeded")]
    public async Task RateLimit403_OnARead_IsRetriedAndSucceedsAsync(string reason)
    {
        fake.Intercept("drive.changes.list", (_, attempt) => attempt == 1 ? FakeGoogle.Error(403, reason, "Rate Limit Exceeded") : null);

        var page = await adapter.GetActivityAsync(ws, cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Cursor, Is.EqualTo(cursor), "nothing changed");
            Assert.That(fake.RequestsTo("drive.changes.list"), Is.EqualTo(2), "one rate-limited answer, one retry");
        }
    }

    [Test]
    public void RateLimit403_ThatPersists_IsARateLimitedException_AfterRetryingEvenAPost()
    {
        fake.Intercept("drive.files.create", (_, _) => FakeGoogle.Error(403, "userRateLimitExceeded", "User Rate Limit Exceeded"));

        var ex = Assert.CatchAsync<RateLimitedException>(() => adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.RetryAfter, Is.GreaterThan(TimeSpan.Zero), "Google sends no wait; the adapter reports its fallback");
            Assert.That(fake.RequestsTo("drive.files.create"), Is.EqualTo(4), "a rate-limited POST was not carried out, so it is retried (1 + 3)");
        }
    }

    [Test]
    public async Task TooManyRequests_WithShortRetryAfter_WaitsAndSucceedsAsync()
    {
        fake.Intercept("drive.permissions.create", (_, attempt) => attempt == 1 ? FakeGoogle.Error(429, "rateLimitExceeded", "Too many requests", retryAfter: TimeSpan.FromSeconds(1)) : null);

        var share = await adapter.ShareAsync(ws, await adapter.ResolveAccountAsync("minji@example.test"), WorkspaceRole.Editor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(share.Role, Is.EqualTo(WorkspaceRole.Editor));
            Assert.That(fake.RequestsTo("drive.permissions.create"), Is.EqualTo(2));
            Assert.That(fake.Permissions(ws.Id).Single().Role, Is.EqualTo("writer"));
        }
    }

    [Test]
    public void TooManyRequests_WithLongRetryAfter_FailsAtOnceWithTheWait()
    {
        fake.Intercept("calendar.events.insert", (_, _) => FakeGoogle.Error(429, "rateLimitExceeded", "Too many requests", retryAfter: TimeSpan.FromSeconds(120)));
        var start = DateTimeOffset.UtcNow.AddDays(2);

        var ex = Assert.CatchAsync<RateLimitedException>(() => adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(fake.RequestsTo("calendar.events.insert"), Is.EqualTo(1), "a wait longer than MaxRetryAfter belongs to the caller");
        }
    }

    [Test]
    public async Task ServerErrorBurst_OnARead_IsRetriedThenSucceedsAsync()
    {
        fake.Intercept("calendar.events.list", (_, attempt) => attempt <= 2 ? FakeGoogle.Error(503, "backendError", "Backend Error") : null);

        var page = await adapter.GetActivityAsync(ws, cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Items, Is.Empty);
            Assert.That(fake.RequestsTo("calendar.events.list"), Is.EqualTo(3), "two 503s, then success");
        }
    }

    [Test]
    public void ServerErrors_ThatPersist_AreATransientProviderException()
    {
        fake.Intercept("drive.changes.list", (_, _) => FakeGoogle.Error(500, "internalError", "Internal Error"));

        var ex = Assert.CatchAsync<ProviderException>(() => adapter.GetActivityAsync(ws, cursor));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex, Is.Not.InstanceOf<RateLimitedException>());
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("internalError"));
            Assert.That(fake.RequestsTo("drive.changes.list"), Is.EqualTo(4), "1 + 3 retries");
        }
    }

    [Test]
    public void ServerError_OnACreate_IsNotRepeated()
    {
        fake.Intercept("drive.files.create", (_, _) => FakeGoogle.Error(503, "backendError", "Backend Error"));

        var ex = Assert.CatchAsync<ProviderException>(() => adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(fake.RequestsTo("drive.files.create"), Is.EqualTo(1), "a create that may have happened is not repeated (no twin documents)");
        }
    }

    [Test]
    public void Unauthorized_IsACredentialException_NotRetried()
    {
        fake.Intercept("drive.files.create", (_, _) => FakeGoogle.Error(401, "authError", "Invalid Credentials"));

        var ex = Assert.CatchAsync<CredentialException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Table" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Provider, Is.EqualTo(GoogleTestHost.Name));
            Assert.That(ex.Message, Does.Contain("authError").And.Not.Contain("ya29."));
            Assert.That(fake.RequestsTo("drive.files.create"), Is.EqualTo(1));
        }
    }

    [Test]
    public void NotFound_Folder_IsAResourceNotFoundException()
    {
        var gone = ws with { Id = "file-that-does-not-exist" };

        var ex = Assert.CatchAsync<ResourceNotFoundException>(() => adapter.CreateDocumentAsync(gone, new DocumentSpec { Title = "Brief" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ResourceKind, Is.EqualTo("workspace folder"));
            Assert.That(ex.ResourceId, Is.EqualTo("file-that-does-not-exist"));
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task ExpiredSyncToken_410_TriggersAFullCalendarResync_UnderTheSameActivityIdsAsync()
    {
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var entry = await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1) });
        var first = await adapter.GetActivityAsync(ws, cursor);
        fake.SyncTokensExpired = true;

        var resynced = await adapter.GetActivityAsync(ws, first.Cursor);
        fake.SyncTokensExpired = false;
        var after = await adapter.GetActivityAsync(ws, resynced.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Items.Single(a => a.Kind == WorkspaceActivityKind.EventScheduled).TargetId, Is.EqualTo(entry.Id));
            Assert.That(resynced.Items.Select(a => a.Id), Is.EqualTo(first.Items.Where(a => a.TargetId == entry.Id).Select(a => a.Id)), "the full read reports the entry again under the same id");
            Assert.That(after.Items, Is.Empty, "the new sync token works");
            Assert.That(after.Cursor, Is.EqualTo(resynced.Cursor));
            Assert.That(logs.Lines, Has.Some.Contains("410 Gone"));
        }
    }

    [Test]
    public async Task MovedEntry_AndMemberEdit_AreReportedWithTheirKindAsync()
    {
        var start = DateTimeOffset.UtcNow.AddDays(3);
        var member = await adapter.ResolveAccountAsync("Sora@Example.test");
        var document = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Plan", InitialContent = "v1" });
        var entry = await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1) });
        await adapter.ShareAsync(ws, member, WorkspaceRole.Editor);
        var created = await adapter.GetActivityAsync(ws, cursor);

        fake.MoveEvent(ws.CalendarId!, entry.Id, TimeSpan.FromDays(1));
        fake.EditAsMember(document.Id, member.Email, "v2");
        var changed = await adapter.GetActivityAsync(ws, created.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(member.AccountId, Is.EqualTo("sora@example.test"), "the account id is the lower-cased address");
            Assert.That(created.Items.Select(a => a.Kind), Is.EquivalentTo(new[] { WorkspaceActivityKind.DocumentCreated, WorkspaceActivityKind.EventScheduled }));
            Assert.That(changed.Items.Select(a => (a.Kind, a.TargetId)), Is.EquivalentTo(new[] { (WorkspaceActivityKind.EventMoved, entry.Id), (WorkspaceActivityKind.DocumentEdited, document.Id) }));
            Assert.That(changed.Items.Single(a => a.Kind == WorkspaceActivityKind.DocumentEdited).ActorAccountId, Is.EqualTo(member.AccountId));
            Assert.That(changed.Items.Select(a => a.OccurredAt), Is.Ordered, "oldest first");
        }
    }

    [Test]
    public async Task Share_SendsTheNotificationSettingAndSharesTheCalendar_AndRevokeRemovesBothAsync()
    {
        using var quiet = GoogleTestHost.Build(fake, o => o.SendNotificationEmail = false);
        var member = await adapter.ResolveAccountAsync("jun@example.test");

        var share = await quiet.Workspace().ShareAsync(ws, member, WorkspaceRole.Commenter);
        var permission = fake.Permissions(ws.Id).Single();
        var rule = fake.AclRules(ws.CalendarId!).Single();
        await adapter.RevokeShareAsync(share);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(permission.Role, Is.EqualTo("commenter"));
            Assert.That(permission.Notified, Is.False, "sendNotificationEmail=false from the options");
            Assert.That(rule["role"]!.GetValue<string>(), Is.EqualTo("reader"), "a commenter reads the calendar");
            Assert.That(rule["scope"]!["value"]!.GetValue<string>(), Is.EqualTo("jun@example.test"));
            Assert.That(fake.Permissions(ws.Id), Is.Empty, "the Drive permission is gone");
            Assert.That(fake.AclRules(ws.CalendarId!), Is.Empty, "the calendar rule is gone");
        }
    }

    [Test]
    public async Task Schedule_SendsAttendeesAndSendUpdatesAsync()
    {
        var start = DateTimeOffset.UtcNow.AddDays(3);

        var entry = await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1), Attendees = ["a@example.test", "b@example.test"] });

        var request = fake.WaitForLog().Single(e => e.RequestMessage.Method == "POST" && e.RequestMessage.AbsolutePath.EndsWith("/events", StringComparison.Ordinal));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(GoogleSpec.ToRequest(request.RequestMessage).Query["sendUpdates"], Is.EqualTo(new[] { "all" }));
            Assert.That(entry.Attendees, Is.EqualTo(new[] { "a@example.test", "b@example.test" }));
            Assert.That(fake.Events(ws.CalendarId!).Single()["attendees"]!.AsArray(), Has.Count.EqualTo(2));
        }
    }

    [TestCase("not-an-email")]
    [TestCase("a@b")]
    [TestCase("")]
    public void ResolveAccount_BadAddress_IsRefusedNamingTheField_AndNothingIsSent(string email)
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => adapter.ResolveAccountAsync(email));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("email"));
            Assert.That(fake.WaitForLog(), Is.Empty);
        }
    }

    [Test]
    public void Share_WithAnAccountWhoseAddressIsBad_IsRefusedBeforeSending()
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => adapter.ShareAsync(ws, new CloudAccount { Provider = "google", AccountId = "x", Email = "x" }, WorkspaceRole.Viewer));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("member.Email"));
            Assert.That(fake.WaitForLog(), Is.Empty);
        }
    }

    [Test]
    public void ForeignShareIdAndCursor_AreRefusedBeforeSending()
    {
        var share = Assert.CatchAsync<CoCreationValidationException>(() => adapter.RevokeShareAsync(new ShareRef { Id = "12345", WorkspaceId = ws.Id, AccountId = "a", Role = WorkspaceRole.Viewer }));
        var page = Assert.CatchAsync<CoCreationValidationException>(() => adapter.GetActivityAsync(ws, "garbage"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(share!.Field, Is.EqualTo("share.Id"));
            Assert.That(page!.Field, Is.EqualTo("cursor"));
            Assert.That(fake.WaitForLog(), Is.Empty);
        }
    }

    [Test]
    public void CalendarFailure_RemovesTheNewFolderAgain()
    {
        fake.Intercept("calendar.calendars.insert", (_, _) => FakeGoogle.Error(403, "quotaExceeded", "Calendar usage limits exceeded."));

        var ex = Assert.CatchAsync<ProviderException>(() => adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Table" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ProviderErrorCode, Is.EqualTo("quotaExceeded"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(fake.RequestsTo("drive.files.delete"), Is.EqualTo(1), "the folder is not left behind");
        }
    }

    [Test]
    public void MalformedBody_IsAProviderException()
    {
        fake.Intercept("drive.files.create", (_, _) => FakeGoogle.Deliberately(FakeGoogle.Json(200, new System.Text.Json.Nodes.JsonObject { ["name"] = "no id" })));

        var ex = Assert.CatchAsync<ProviderException>(() => adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" }));

        Assert.That(ex!.ProviderErrorCode, Is.EqualTo("malformed_response"));
    }
}
