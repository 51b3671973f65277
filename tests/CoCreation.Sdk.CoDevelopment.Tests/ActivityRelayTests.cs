using Microsoft.Extensions.DependencyInjection;
using CoCreation.Sdk.Sqlite;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.CoDevelopment.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ActivityRelayTests
{
    private static async Task<(CoDevelopmentHarness H, Person Ana, Person Ben, Person Cho, ProvisionedWorkspace Workspace)> ActiveProjectAsync(Action<CoDevelopmentOptions>? configure = null)
    {
        var h = new CoDevelopmentHarness(configure);
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var ben = await h.AdmitNewAsync("ben");
        var cho = await h.AdmitNewAsync("cho");
        var workspace = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        return (h, ana, ben, cho, workspace);
    }

    [Test]
    public async Task A_change_reaches_every_other_member_once_and_not_the_author()
    {
        var (h, ana, ben, cho, workspace) = await ActiveProjectAsync();
        await using var _ = h;
        var before = new[] { ana, ben, cho }.ToDictionary(p => p.Handle, p => h.Inbox(p).Count);

        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "Ana's version");
        var sync = await h.Project.SyncAsync();

        Assert.That(sync.ChangesRead, Is.EqualTo(1));
        Assert.That(h.Inbox(ana), Has.Count.EqualTo(before["ana"]), "the author hears nothing of their own change");
        foreach (var other in new[] { ben, cho })
        {
            var received = h.Inbox(other).Skip(before[other.Handle]).ToList();
            Assert.That(received, Has.Count.EqualTo(1), other.Handle);
            Assert.That(received[0], Is.EqualTo("[Test Brand] Chair 2027: Ana edited the document 'Requirements'."));
        }

        Assert.That((await h.Project.SyncAsync()).ChangesRead, Is.Zero, "the cursor moved past the change");
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(before["ben"] + 1));
    }

    [Test]
    public async Task Provisioning_itself_is_not_relayed_but_a_later_member_joining_is_told_to_the_others_only()
    {
        var (h, ana, ben, _, _) = await ActiveProjectAsync();
        await using var __ = h;
        Assert.That((await h.Project.SyncAsync()).ChangesRead, Is.Zero);

        var anaBefore = h.Inbox(ana).Count;
        var dan = await h.AdmitNewAsync("dan");
        var danBefore = h.Inbox(dan).Count;
        await h.Project.SyncAsync();

        Assert.That(h.Inbox(ana).Skip(anaBefore).Single(), Does.Contain("Dan joined the workspace"));
        Assert.That(h.Inbox(ana).Skip(anaBefore).Single(), Does.Not.Contain("@"), "the relay names the person, not their address");
        Assert.That(h.Inbox(dan), Has.Count.EqualTo(danBefore), "the member who joined is not told of their own joining");
        Assert.That(h.Inbox(ben).Last(), Does.Contain("Dan joined"));
    }

    [Test]
    public async Task Changes_within_the_window_are_held_and_sent_as_one_digest_when_it_ends()
    {
        var (h, ana, ben, cho, workspace) = await ActiveProjectAsync(o => o.DigestWindow = TimeSpan.FromMinutes(10));
        await using var _ = h;
        var requirements = workspace.Documents[0].Id;
        var benBefore = h.Inbox(ben).Count;

        h.CloudService.EditDocument(ana.Member!.CloudAccountId, requirements, "v1");
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Skip(benBefore).ToList(), Has.Count.EqualTo(1), "the first change after a quiet period goes out at once");

        h.Clock.Advance(TimeSpan.FromMinutes(2));
        h.CloudService.EditDocument(ana.Member.CloudAccountId, requirements, "v2");
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.CloudService.Comment(cho.Member!.CloudAccountId, requirements, "Nice");
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Skip(benBefore).ToList(), Has.Count.EqualTo(1), "changes inside the window are held");

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Skip(benBefore).ToList(), Has.Count.EqualTo(1), "a minute before the window ends nothing more goes out");

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Project.SyncAsync();
        var received = h.Inbox(ben).Skip(benBefore).ToList();
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[1], Does.StartWith("[Test Brand] Chair 2027 workspace, 2 changes:"));
        Assert.That(received[1], Does.Contain("Ana edited 'Requirements'").And.Contain("Cho commented on 'Requirements'"));

        // Cho wrote the comment: Cho gets only Ana's edit, held since the first message, as a single message.
        var choTail = h.Inbox(cho).TakeLast(2).ToList();
        Assert.That(choTail[1], Is.EqualTo("[Test Brand] Chair 2027: Ana edited the document 'Requirements'."));
        Assert.That(h.Inbox(cho).Count(m => m.Contains("Cho commented", StringComparison.Ordinal)), Is.Zero);
    }

    [Test]
    public async Task A_zero_window_relays_every_change_on_its_own()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync(o => o.DigestWindow = TimeSpan.Zero);
        await using var _ = h;
        var benBefore = h.Inbox(ben).Count;
        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "v1");
        h.CloudService.EditDocument(ana.Member.CloudAccountId, workspace.Documents[0].Id, "v2");
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Skip(benBefore).ToList(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_milestone_moved_by_a_member_reaches_the_others()
    {
        var (h, ana, ben, cho, _) = await ActiveProjectAsync();
        await using var _ = h;
        var milestone = await h.Project.ScheduleAsync(new MilestoneSpec { Title = "Prototype review", Start = CoDevelopmentHarness.Start.AddDays(7), End = CoDevelopmentHarness.Start.AddDays(7).AddHours(1) });
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ana).Last(), Does.Contain("'Prototype review' was added to the development calendar"));

        h.Clock.Advance(TimeSpan.FromHours(1));
        h.CloudService.MoveEntry(cho.Member!.CloudAccountId, milestone.Id, milestone.Start.AddDays(1), milestone.End.AddDays(1));
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Last(), Is.EqualTo("[Test Brand] Chair 2027: Cho moved the calendar entry 'Prototype review'."));
        Assert.That(h.Inbox(cho).Last(), Does.Not.Contain("Cho moved"));
    }

    [Test]
    public async Task A_member_linked_on_two_networks_gets_one_message_on_the_network_they_prefer()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync();
        await using var _ = h;
        var benMicro = h.MicroNetwork.RegisterAccount("ben_micro", "Ben", "en-US");
        await h.Identities.LinkSnsAsync(ben.Session, CoDevelopmentHarness.Micro, benMicro.Credential);
        await h.Identities.SetPreferencesAsync(ben.Session.ParticipantId, "en-US", CoDevelopmentHarness.Micro);
        var socialBefore = h.Inbox(ben).Count;

        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "v1");
        await h.Project.SyncAsync();

        Assert.That(h.Inbox(ben), Has.Count.EqualTo(socialBefore), "nothing on the other network");
        Assert.That(h.MicroNetwork.GetInbox(benMicro.Subject).Select(m => m.Text), Is.EqualTo(new[] { "[Test Brand] Chair 2027: Ana edited the document 'Requirements'." }));
    }

    [Test]
    public async Task The_cursor_and_held_changes_survive_a_restart_so_nothing_is_relayed_twice_or_lost()
    {
        var (h, ana, ben, cho, workspace) = await ActiveProjectAsync();
        await using var _ = h;
        var requirements = workspace.Documents[0].Id;
        h.CloudService.EditDocument(ana.Member!.CloudAccountId, requirements, "v1");
        await h.Project.SyncAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        h.CloudService.EditDocument(cho.Member!.CloudAccountId, requirements, "v2");
        await h.Project.SyncAsync();
        var benBefore = h.Inbox(ben).Count;

        // A new process on the same store and the same worlds.
        await using var restarted = new CoDevelopmentHarness(sharedWorld: h);
        var sync = await restarted.Project.SyncAsync();
        Assert.That(sync.ChangesRead, Is.Zero, "the stored cursor is used");
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(benBefore));

        h.Clock.Advance(TimeSpan.FromMinutes(10));
        await restarted.Project.SyncAsync();
        Assert.That(h.Inbox(ben).Skip(benBefore).Single(), Is.EqualTo("[Test Brand] Chair 2027: Cho edited the document 'Requirements'."), "the held change is sent once after the restart");
        await restarted.Project.SyncAsync();
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(benBefore + 1));
    }

    [Test]
    public async Task On_the_durable_sqlite_store_a_restarted_process_relays_nothing_twice_and_finishes_the_held_digest()
    {
        var path = Path.Combine(Path.GetTempPath(), $"codev-{Guid.NewGuid():N}.db");
        try
        {
            var first = new CoDevelopmentHarness(store: new SqliteCoCreationStore($"Data Source={path}"));
            await first.RecruitAsync();
            var ana = await first.AdmitNewAsync("ana");
            var ben = await first.AdmitNewAsync("ben");
            var cho = await first.AdmitNewAsync("cho");
            var workspace = await first.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
            var requirements = workspace.Documents[0].Id;
            first.CloudService.EditDocument(ana.Member!.CloudAccountId, requirements, "v1");
            await first.Project.SyncAsync();
            first.Clock.Advance(TimeSpan.FromMinutes(1));
            first.CloudService.EditDocument(cho.Member!.CloudAccountId, requirements, "v2");
            first.CloudService.Comment(cho.Member.CloudAccountId, requirements, "see v2");
            await first.Project.SyncAsync();
            var benBefore = first.Inbox(ben).Count;

            // The process ends (its store is closed) and a new one opens the same file.
            await first.DisposeAsync();
            await using var second = new CoDevelopmentHarness(sharedWorld: first, store: new SqliteCoCreationStore($"Data Source={path}"));
            Assert.That(await second.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Active));
            Assert.That((await second.Project.SyncAsync()).ChangesRead, Is.Zero);
            Assert.That(second.Inbox(ben), Has.Count.EqualTo(benBefore));

            second.Clock.Advance(TimeSpan.FromMinutes(10));
            await second.Project.SyncAsync();
            await second.Project.SyncAsync();
            var received = second.Inbox(ben).Skip(benBefore).ToList();
            Assert.That(received, Has.Count.EqualTo(1));
            Assert.That(received[0], Does.StartWith("[Test Brand] Chair 2027 workspace, 2 changes:"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Test]
    public async Task The_relay_worker_runs_the_sync_as_scheduled_work()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync();
        await using var _ = h;
        var work = h.Services.GetServices<ICoCreationScheduledWork>().ToList();
        Assert.That(work, Has.Count.EqualTo(1));
        var benBefore = h.Inbox(ben).Count;
        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "v1");
        await work[0].RunDueAsync();
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(benBefore + 1));
    }

    [Test]
    public async Task After_close_nothing_more_is_relayed()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync();
        await using var _ = h;
        await h.Project.CloseAsync("done");
        var benBefore = h.Inbox(ben).Count;
        Assert.Throws<ProviderException>(() => h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "late"));
        var sync = await h.Project.SyncAsync();
        Assert.That(sync.ChangesRead, Is.Zero);
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(benBefore));
    }
}
