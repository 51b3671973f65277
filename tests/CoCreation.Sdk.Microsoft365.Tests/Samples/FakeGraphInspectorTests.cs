using CoCreation.Sdk.Workspaces;
using CoDevelopmentSample;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Microsoft365.Tests.Samples;

/// <summary>The inspector reads back what the adapter did, from the fake's state: documents, shares added and removed, calendar access and milestones.</summary>
[TestFixture]
[Category("Unit")]
public sealed class FakeGraphInspectorTests
{
    [Test]
    public async Task Inspector_SeesFolderDocumentsSharesAndMilestonesAsync()
    {
        using var fake = new FakeGraph();
        await using var provider = GraphTestHost.Build(fake);
        var adapter = provider.Workspace();
        var inspector = new FakeGraphInspector(fake);
        var ws = await adapter.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair", TimeZone = "Europe/Berlin" });
        var document = await adapter.CreateDocumentAsync(ws, new DocumentSpec { Title = "Brief" });
        var tenant = await adapter.ResolveAccountAsync(fake.AddUser("designer@contoso.test").Mail);
        var guest = await adapter.ResolveAccountAsync("maker@example.test");
        await adapter.ShareAsync(ws, tenant, WorkspaceRole.Editor);
        var guestShare = await adapter.ShareAsync(ws, guest, WorkspaceRole.Viewer);
        var start = new DateTimeOffset(2027, 5, 4, 8, 0, 0, TimeSpan.Zero);
        await adapter.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Prototype", Start = start, End = start.AddHours(2), Attendees = [guest.Email] });

        var sharesBefore = inspector.Shares(ws);
        await adapter.RevokeShareAsync(guestShare);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(inspector.DocumentTitle(ws, document.Id), Is.EqualTo("Brief"));
            Assert.That(inspector.DocumentTitle(ws, "01NOSUCHFILE"), Is.Null);
            Assert.That(sharesBefore, Is.EquivalentTo(new Dictionary<string, WorkspaceRole> { [tenant.AccountId] = WorkspaceRole.Editor, [guest.AccountId] = WorkspaceRole.Viewer }));
            Assert.That(inspector.Shares(ws), Is.EquivalentTo(new Dictionary<string, WorkspaceRole> { [tenant.AccountId] = WorkspaceRole.Editor }), "the revoked share is gone");
            Assert.That(inspector.CalendarAccess(ws), Is.EquivalentTo(new[] { tenant.AccountId }));
            Assert.That(inspector.Entries(ws), Is.EqualTo(new[] { new InspectedEntry("Prototype", start, [guest.Email]) }).Using<InspectedEntry>((a, b) => a.Title == b.Title && a.Start == b.Start && a.Attendees.SequenceEqual(b.Attendees)));
        }
    }
}
