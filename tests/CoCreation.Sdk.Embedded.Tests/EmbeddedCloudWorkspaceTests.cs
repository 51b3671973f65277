using System.Net;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

[TestFixture]
[Category("Unit")]
public sealed class EmbeddedCloudWorkspaceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider clock = null!;
    private EmbeddedCloudService service = null!;
    private EmbeddedCloudWorkspace workspace = null!;

    [SetUp]
    public void SetUp()
    {
        clock = new FakeTimeProvider(Start);
        service = new EmbeddedCloudService(timeProvider: clock);
        workspace = service.CreateConnector("drive");
    }

    private Task<WorkspaceRef> NewWorkspaceAsync(string name = "Linen jacket")
        => workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = name, TimeZone = "Asia/Seoul" });

    private async Task<List<WorkspaceActivity>> ReadAllActivityAsync(WorkspaceRef ws)
    {
        var items = new List<WorkspaceActivity>();
        string? cursor = null;
        ActivityPage page;
        do
        {
            page = await workspace.GetActivityAsync(ws, cursor);
            items.AddRange(page.Items);
            cursor = page.Cursor;
        }
        while (page.HasMore);

        return items;
    }

    private static void AssertForbidden(Action action, string because)
    {
        var ex = Assert.Throws<ProviderException>(action, because);
        Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), because);
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("forbidden"), because);
    }

    [Test]
    public async Task ResolveAccount_FindsARegisteredAccountByEmailAsync()
    {
        var registered = service.RegisterAccount("minji@example.com", "Minji Kim");

        var resolved = await workspace.ResolveAccountAsync("MINJI@example.com");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolved.AccountId, Is.EqualTo(registered.AccountId));
            Assert.That(resolved.Email, Is.EqualTo("minji@example.com"));
            Assert.That(resolved.DisplayName, Is.EqualTo("Minji Kim"));
            Assert.That(resolved.Provider, Is.EqualTo("drive"));
            Assert.That(workspace.Metadata.Provider, Is.EqualTo("embedded"));
        }
    }

    [Test]
    public async Task ResolveAccount_UnknownEmail_IsCreatedOnlyWhenAllowedAsync()
    {
        var created = await workspace.ResolveAccountAsync("new@example.com");
        var again = await workspace.ResolveAccountAsync("new@example.com");
        var strict = new EmbeddedCloudService(new EmbeddedCloudOptions { AutoCreateAccounts = false }, clock).CreateConnector("strict");

        Assert.That(again.AccountId, Is.EqualTo(created.AccountId));
        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => strict.ResolveAccountAsync("new@example.com"));
        Assert.That(ex!.ResourceKind, Is.EqualTo("account"));
        Assert.Throws<CoCreationConflictException>(() => service.RegisterAccount("NEW@example.com"), "the auto-created account holds the address");
    }

    [Test]
    public void RegisterAccount_InvalidOrDuplicateEmail_IsRefused()
    {
        service.RegisterAccount("a@example.com");

        Assert.That(Assert.Throws<CoCreationValidationException>(() => service.RegisterAccount("not-an-email"))!.Field, Is.EqualTo("email"));
        Assert.Throws<CoCreationConflictException>(() => service.RegisterAccount("A@EXAMPLE.COM"));
    }

    [Test]
    public async Task CreateWorkspaceAndDocuments_StoreInitialContentAsRevisionOneAsync()
    {
        var ws = await NewWorkspaceAsync();
        var doc = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Tech pack", InitialContent = "Fabric: linen" });
        var sheet = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Costing", Kind = DocumentKind.Spreadsheet });
        var deck = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Pitch", Kind = DocumentKind.Presentation });
        var revisions = service.GetRevisions(doc.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ws.CalendarId, Is.Not.Null.And.Not.Empty);
            Assert.That(ws.Provider, Is.EqualTo("drive"));
            Assert.That(doc.Revision, Is.EqualTo(1));
            Assert.That(sheet.Kind, Is.EqualTo(DocumentKind.Spreadsheet));
            Assert.That(deck.Kind, Is.EqualTo(DocumentKind.Presentation));
            Assert.That(revisions, Is.EqualTo(new[] { new DocumentRevision(1, "Fabric: linen", workspace.OwnerAccountId, Start) }));
            Assert.That(service.GetRevisions(sheet.Id).Single().Content, Is.Empty);
            Assert.That(workspace.Capabilities.SupportsRevisions, Is.True);
            Assert.That(workspace.Capabilities.SupportsCalendar, Is.True);
        }
    }

    [Test]
    public void CreateDocument_UnknownWorkspace_IsNotFound()
    {
        var missing = new WorkspaceRef { Provider = "drive", Id = "ws_missing", Name = "gone" };

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => workspace.CreateDocumentAsync(missing, new DocumentSpec { Title = "x" }));

        Assert.That(ex!.ResourceKind, Is.EqualTo("workspace"));
    }

    [Test]
    public async Task Share_EnforcesRolesAndRevokeTakesAccessAwayAsync()
    {
        var ws = await NewWorkspaceAsync();
        var doc = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Plan", InitialContent = "v1" });
        var member = await workspace.ResolveAccountAsync("minji@example.com");

        AssertForbidden(() => service.ReadDocument(member.AccountId, doc.Id), "no share yet");

        var viewer = await workspace.ShareAsync(ws, member, WorkspaceRole.Viewer);
        Assert.That(service.ReadDocument(member.AccountId, doc.Id), Is.EqualTo("v1"));
        AssertForbidden(() => service.Comment(member.AccountId, doc.Id, "nice"), "a viewer may not comment");
        AssertForbidden(() => service.EditDocument(member.AccountId, doc.Id, "v2"), "a viewer may not edit");

        var editor = await workspace.ShareAsync(ws, member, WorkspaceRole.Editor);
        var edited = service.EditDocument(member.AccountId, doc.Id, "v2");
        service.Comment(member.AccountId, doc.Id, "updated the fabric");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(editor.Id, Is.EqualTo(viewer.Id), "sharing again keeps the share id");
            Assert.That(editor.Role, Is.EqualTo(WorkspaceRole.Editor));
            Assert.That(service.GetShares(ws.Id), Is.EqualTo(new[] { editor }), "one active share per account");
            Assert.That(edited.Revision, Is.EqualTo(2));
        }

        await workspace.RevokeShareAsync(editor);
        await workspace.RevokeShareAsync(editor);

        Assert.That(service.GetShares(ws.Id), Is.Empty);
        AssertForbidden(() => service.ReadDocument(member.AccountId, doc.Id), "a revoked member may not read");
        AssertForbidden(() => service.EditDocument(member.AccountId, doc.Id, "v3"), "a revoked member may not edit");
        Assert.That(service.GetRevisions(doc.Id), Has.Count.EqualTo(2), "the refused edit stored nothing");

        var again = await workspace.ShareAsync(ws, member, WorkspaceRole.Commenter);
        Assert.That(again.Id, Is.Not.EqualTo(editor.Id), "a new share after revocation is a new share");
        Assert.DoesNotThrow(() => service.Comment(member.AccountId, doc.Id, "back again"));
    }

    [Test]
    public async Task Share_UnknownAccount_IsNotFoundAsync()
    {
        var ws = await NewWorkspaceAsync();
        var stranger = new CloudAccount { Provider = "drive", AccountId = "acct_missing", Email = "x@example.com" };

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => workspace.ShareAsync(ws, stranger, WorkspaceRole.Viewer));

        Assert.That(ex!.ResourceKind, Is.EqualTo("account"));
    }

    [Test]
    public async Task EditDocument_KeepsEveryRevisionWithAuthorAndTimeAsync()
    {
        var ws = await NewWorkspaceAsync();
        var doc = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Spec", InitialContent = "draft" });
        var minji = await workspace.ResolveAccountAsync("minji@example.com");
        var junho = await workspace.ResolveAccountAsync("junho@example.com");
        await workspace.ShareAsync(ws, minji, WorkspaceRole.Editor);
        await workspace.ShareAsync(ws, junho, WorkspaceRole.Editor);

        clock.Advance(TimeSpan.FromMinutes(5));
        service.EditDocument(minji.AccountId, doc.Id, "draft + sleeves");
        clock.Advance(TimeSpan.FromMinutes(5));
        var last = service.EditDocument(junho.AccountId, doc.Id, "");

        var revisions = service.GetRevisions(doc.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(revisions.Select(r => r.Number), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(revisions.Select(r => r.Content), Is.EqualTo(new[] { "draft", "draft + sleeves", "" }));
            Assert.That(revisions.Select(r => r.AuthorAccountId), Is.EqualTo(new[] { workspace.OwnerAccountId, minji.AccountId, junho.AccountId }));
            Assert.That(revisions.Select(r => r.At), Is.EqualTo(new[] { Start, Start.AddMinutes(5), Start.AddMinutes(10) }));
            Assert.That(last.Revision, Is.EqualTo(3));
            Assert.That(service.ReadDocument(minji.AccountId, doc.Id), Is.Empty);
        }

        Assert.Throws<ResourceNotFoundException>(() => service.GetRevisions("doc_missing"));
    }

    [Test]
    public async Task Schedule_StoresAttendeesAndEditorsMayMoveEntriesAsync()
    {
        var ws = await NewWorkspaceAsync();
        var editor = await workspace.ResolveAccountAsync("minji@example.com");
        var viewer = await workspace.ResolveAccountAsync("junho@example.com");
        await workspace.ShareAsync(ws, editor, WorkspaceRole.Editor);
        await workspace.ShareAsync(ws, viewer, WorkspaceRole.Viewer);
        var start = Start.AddDays(7);

        var entry = await workspace.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Fitting", Start = start, End = start.AddHours(1), Attendees = ["minji@example.com", "junho@example.com"] });
        AssertForbidden(() => service.MoveEntry(viewer.AccountId, entry.Id, start.AddDays(1), start.AddDays(1).AddHours(1)), "a viewer may not move entries");
        var moved = service.MoveEntry(editor.AccountId, entry.Id, start.AddDays(1), start.AddDays(1).AddHours(2));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(entry.Attendees, Is.EqualTo(new[] { "minji@example.com", "junho@example.com" }));
            Assert.That(moved.Id, Is.EqualTo(entry.Id));
            Assert.That(moved.Start, Is.EqualTo(start.AddDays(1)));
            Assert.That(moved.End, Is.EqualTo(start.AddDays(1).AddHours(2)));
            Assert.That(service.GetScheduleEntries(ws.Id), Is.EqualTo(new[] { moved }).Using<ScheduleEntry>((a, b) => a.Id == b.Id && a.Start == b.Start && a.End == b.End));
        }

        Assert.That(Assert.Throws<CoCreationValidationException>(() => service.MoveEntry(editor.AccountId, entry.Id, start, start))!.Field, Is.EqualTo("end"));
    }

    [Test]
    public async Task Activity_RecordsEachChangeOnceInOrderAsync()
    {
        var ws = await NewWorkspaceAsync();
        var doc = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Plan", InitialContent = "v1" });
        var member = await workspace.ResolveAccountAsync("minji@example.com");
        var share = await workspace.ShareAsync(ws, member, WorkspaceRole.Editor);
        await workspace.ShareAsync(ws, member, WorkspaceRole.Editor);
        service.EditDocument(member.AccountId, doc.Id, "v2");
        service.Comment(member.AccountId, doc.Id, "done");
        var entry = await workspace.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Review", Start = Start.AddDays(1), End = Start.AddDays(1).AddHours(1) });
        service.MoveEntry(member.AccountId, entry.Id, Start.AddDays(2), Start.AddDays(2).AddHours(1));
        await workspace.RevokeShareAsync(share);

        var activity = await ReadAllActivityAsync(ws);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(activity.Select(a => a.Kind), Is.EqualTo(new[]
            {
                WorkspaceActivityKind.DocumentCreated,
                WorkspaceActivityKind.MemberAdded,
                WorkspaceActivityKind.DocumentEdited,
                WorkspaceActivityKind.DocumentCommented,
                WorkspaceActivityKind.EventScheduled,
                WorkspaceActivityKind.EventMoved,
                WorkspaceActivityKind.MemberRemoved,
            }));
            Assert.That(activity.Select(a => a.Id), Is.Unique);
            Assert.That(activity[2].ActorAccountId, Is.EqualTo(member.AccountId));
            Assert.That(activity[2].TargetId, Is.EqualTo(doc.Id));
            Assert.That(activity[0].ActorAccountId, Is.EqualTo(workspace.OwnerAccountId));
            Assert.That(activity[^1].TargetId, Is.EqualTo(member.AccountId));
        }
    }

    [Test]
    public async Task Activity_CursorResumesWithoutDuplicatesAcrossPagesAsync()
    {
        var ws = await NewWorkspaceAsync();
        var other = await NewWorkspaceAsync("Other");
        await workspace.CreateDocumentAsync(other, new DocumentSpec { Title = "Not in this feed" });
        var created = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            created.Add((await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = $"Doc {i}" })).Id);
        }

        var first = await workspace.GetActivityAsync(ws, null);
        var second = await workspace.GetActivityAsync(ws, first.Cursor);
        var empty = await workspace.GetActivityAsync(ws, second.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Items, Has.Count.EqualTo(100));
            Assert.That(first.HasMore, Is.True);
            Assert.That(second.Items, Has.Count.EqualTo(50));
            Assert.That(second.HasMore, Is.False);
            Assert.That(first.Items.Concat(second.Items).Select(a => a.TargetId), Is.EqualTo(created));
            Assert.That(empty.Items, Is.Empty);
            Assert.That(empty.HasMore, Is.False);
            Assert.That(empty.Cursor, Is.EqualTo(second.Cursor), "an empty page keeps the cursor");
        }

        var later = await workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "Later" });
        var resumed = await workspace.GetActivityAsync(ws, empty.Cursor);

        Assert.That(resumed.Items.Select(a => a.TargetId), Is.EqualTo(new[] { later.Id }));
        Assert.That((await workspace.GetActivityAsync(ws, first.Cursor)).Items.Select(a => a.TargetId), Is.EqualTo(created.Skip(100).Append(later.Id)), "an old cursor replays from its position");
    }

    [Test]
    public async Task Activity_EmptyFeed_ReturnsAStableCursorAsync()
    {
        var ws = await NewWorkspaceAsync();

        var page = await workspace.GetActivityAsync(ws, null);
        var again = await workspace.GetActivityAsync(ws, page.Cursor);

        Assert.That(page.Items, Is.Empty);
        Assert.That(page.Cursor, Is.Not.Null.And.Not.Empty);
        Assert.That(again.Cursor, Is.EqualTo(page.Cursor));
    }

    [TestCase("garbage")]
    [TestCase("%%%")]
    [TestCase("")]
    public async Task Activity_BadCursor_IsRefusedAsync(string cursor)
    {
        var ws = await NewWorkspaceAsync();

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => workspace.GetActivityAsync(ws, cursor));

        Assert.That(ex!.Field, Is.EqualTo("cursor"));
    }

    [Test]
    public async Task Activity_CursorOfAnotherWorkspace_IsRefusedAsync()
    {
        var ws = await NewWorkspaceAsync();
        var other = await NewWorkspaceAsync("Other");
        await workspace.CreateDocumentAsync(other, new DocumentSpec { Title = "Doc" });
        var foreign = (await workspace.GetActivityAsync(other, null)).Cursor;

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => workspace.GetActivityAsync(ws, foreign));

        Assert.That(ex!.Field, Is.EqualTo("cursor"));
    }

    [Test]
    public void MemberActions_OnUnknownDocumentOrAccount_AreNotFound()
    {
        var account = service.RegisterAccount("a@example.com");

        Assert.That(Assert.Throws<ResourceNotFoundException>(() => service.ReadDocument(account.AccountId, "doc_missing"))!.ResourceKind, Is.EqualTo("document"));
        Assert.That(Assert.Throws<ResourceNotFoundException>(() => service.MoveEntry(account.AccountId, "evt_missing", Start, Start.AddHours(1)))!.ResourceKind, Is.EqualTo("entry"));
        Assert.Throws<ResourceNotFoundException>(() => service.GetShares("ws_missing"));
    }
}
