using System.Net;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.CoDevelopment.Tests;

[TestFixture]
[Category("Scenario")]
public sealed class LifecycleTests
{
    [Test]
    public async Task Recruitment_publishes_the_call_and_selects_repliers_first_come_up_to_the_cap_by_the_selection_rule()
    {
        await using var h = new CoDevelopmentHarness(o => o.Selection = a => !a.Handle.StartsWith("spam", StringComparison.Ordinal));
        var recruitment = await h.RecruitAsync(cap: 2);
        Assert.That(recruitment.Posts, Has.Count.EqualTo(1));
        var postId = recruitment.Posts[0].Id;

        foreach (var handle in new[] { "ana", "spammer", "ben", "cho" })
        {
            var account = h.SocialNetwork.RegisterAccount(handle);
            h.SocialNetwork.Post(account.Credential, $"I'd love to join! ({handle})", postId);
            h.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var added = await h.Project.CollectApplicationsAsync();
        Assert.That(added.Select(a => (a.Handle, a.Status)), Is.EqualTo(new[]
        {
            ("ana", ApplicantStatus.Selected),
            ("spammer", ApplicantStatus.Declined),
            ("ben", ApplicantStatus.Selected),
            ("cho", ApplicantStatus.Waitlisted),
        }));
        Assert.That(await h.Project.CollectApplicationsAsync(), Is.Empty, "replies already read are not applicants twice");
        string Inbox(string handle) => string.Join("|", h.SocialNetwork.GetInbox(h.SocialNetwork.FindSubject(handle)!).Select(m => m.Text));
        Assert.That(Inbox("ana"), Does.Contain("You were selected for Chair 2027"));
        Assert.That(Inbox("cho"), Does.Contain("you are on the waiting list"));
        Assert.That(Inbox("spammer"), Is.Empty, "a declined applicant is not messaged");
        Assert.That(await h.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Recruiting));
    }

    [Test]
    public async Task A_replier_who_was_selected_is_admitted_after_signing_in_and_a_waitlisted_one_is_refused()
    {
        await using var h = new CoDevelopmentHarness();
        var post = (await h.RecruitAsync(cap: 1)).Posts[0];
        var ana = h.SocialNetwork.RegisterAccount("ana", "Ana", "en-US");
        var ben = h.SocialNetwork.RegisterAccount("ben", "Ben", "en-US");
        h.SocialNetwork.Post(ana.Credential, "me!", post.Id);
        h.Clock.Advance(TimeSpan.FromSeconds(5));
        h.SocialNetwork.Post(ben.Credential, "me too!", post.Id);
        await h.Project.CollectApplicationsAsync();

        var anaPerson = new Person("ana", ana, await h.SignIn.SignInAsync(CoDevelopmentHarness.Social, ana.Credential), "ana@example.com");
        var code = await h.ConfirmationCodeAsync(anaPerson);
        var member = await h.Project.AdmitAsync(anaPerson.Session, anaPerson.Email, code);
        Assert.That(member.Email, Is.EqualTo("ana@example.com"));

        var benSession = await h.SignIn.SignInAsync(CoDevelopmentHarness.Social, ben.Credential);
        var refused = Assert.ThrowsAsync<AccessDeniedException>(() => h.Project.RequestEmailConfirmationAsync(benSession, "ben@example.com"));
        Assert.That(refused!.Reason, Does.Contain("not selected"));
    }

    [Test]
    public async Task Admission_confirms_the_address_resolves_the_cloud_account_and_links_it_to_the_sns_identity()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");

        var member = ana.Member!;
        Assert.That(member.ParticipantId, Is.EqualTo(ana.Session.ParticipantId));
        var linked = await h.Identities.FindByCloudAccountAsync(CoDevelopmentHarness.Cloud, member.CloudAccountId);
        Assert.That(linked?.Id, Is.EqualTo(ana.Session.ParticipantId));
        Assert.That(linked!.FindCloudLink(CoDevelopmentHarness.Cloud)!.Email, Is.EqualTo("ana@example.com"));
        var inbox = h.Inbox(ana);
        Assert.That(inbox[0], Does.Contain("confirmation code"));
        Assert.That(inbox[^1], Does.Contain("welcome to Chair 2027"));
    }

    [Test]
    public async Task Provisioning_creates_folder_documents_and_calendar_and_shares_by_role()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var editor = await h.AdmitNewAsync("ana", WorkspaceRole.Editor);
        var commenter = await h.AdmitNewAsync("ben", WorkspaceRole.Commenter);
        var viewer = await h.AdmitNewAsync("cho", WorkspaceRole.Viewer);

        var provisioned = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);

        Assert.That(await h.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Active));
        Assert.That(provisioned.Workspace.CalendarId, Is.Not.Null);
        Assert.That(provisioned.Documents.Select(d => d.Title), Is.EqualTo(new[] { "Requirements", "Sketches" }));
        var shares = h.CloudService.GetShares(provisioned.Workspace.Id).ToDictionary(s => s.AccountId, s => s.Role);
        Assert.That(shares, Is.EquivalentTo(new Dictionary<string, WorkspaceRole>
        {
            [editor.Member!.CloudAccountId] = WorkspaceRole.Editor,
            [commenter.Member!.CloudAccountId] = WorkspaceRole.Commenter,
            [viewer.Member!.CloudAccountId] = WorkspaceRole.Viewer,
        }));

        var requirements = provisioned.Documents[0].Id;
        Assert.That(h.CloudService.ReadDocument(viewer.Member.CloudAccountId, requirements), Is.EqualTo("What the chair must do."));
        var denied = Assert.Throws<ProviderException>(() => h.CloudService.EditDocument(viewer.Member.CloudAccountId, requirements, "x"));
        Assert.That(denied!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.DoesNotThrow(() => h.CloudService.Comment(commenter.Member.CloudAccountId, requirements, "Looks good"));
        Assert.DoesNotThrow(() => h.CloudService.EditDocument(editor.Member.CloudAccountId, requirements, "v2"));

        var grants = await h.Grants.ListAsync(viewer.Session.ParticipantId);
        Assert.That(grants.Single().Target, Is.EqualTo(new GrantTarget(GrantTargetKind.Workspace, CoDevelopmentHarness.Cloud, provisioned.Workspace.Id)));
        Assert.That(grants.Single().Roles, Is.EqualTo(new[] { "Viewer" }));
        Assert.That(h.Inbox(viewer)[^1], Does.Contain("shared with you as viewer"));

        var again = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        Assert.That(again.Workspace.Id, Is.EqualTo(provisioned.Workspace.Id), "provisioning twice creates nothing new");
        Assert.That(h.Workspace.CreatedWorkspaces, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_member_admitted_after_provisioning_is_shared_with_at_once_and_a_role_change_replaces_the_share()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        await h.AdmitNewAsync("ana");
        var workspace = (await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan)).Workspace;

        var ben = await h.AdmitNewAsync("ben", WorkspaceRole.Viewer);
        Assert.That(h.CloudService.GetShares(workspace.Id).Single(s => s.AccountId == ben.Member!.CloudAccountId).Role, Is.EqualTo(WorkspaceRole.Viewer));

        var changed = await h.Project.ShareAsync(ben.Session.ParticipantId, WorkspaceRole.Editor);
        Assert.That(changed.Role, Is.EqualTo(WorkspaceRole.Editor));
        Assert.That(h.CloudService.GetShares(workspace.Id).Single(s => s.AccountId == ben.Member!.CloudAccountId).Role, Is.EqualTo(WorkspaceRole.Editor));
        var grants = await h.Grants.ListAsync(ben.Session.ParticipantId, includeInactive: true);
        Assert.That(grants.Select(g => (g.Roles[0], g.Status)), Is.EquivalentTo(new[] { ("Viewer", GrantStatus.Revoked), ("Editor", GrantStatus.Active) }));
    }

    [Test]
    public async Task Without_a_moderation_hook_the_opinions_filters_moderate_the_discussion_log()
    {
        await using var h = new CoDevelopmentHarness(opinions: o => o.Moderation.BannedWordsEnglish.Add("knockoff"));
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var ben = await h.AdmitNewAsync("ben");
        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var milestone = await h.Project.ScheduleAsync(new MilestoneSpec { Title = "Fabric review", Start = CoDevelopmentHarness.Start.AddDays(3), End = CoDevelopmentHarness.Start.AddDays(3).AddHours(1) });
        var thread = milestone.Threads.Single();

        h.SocialNetwork.Post(ana.Account.Credential, "The wool sample feels right.", thread.PostId);
        h.SocialNetwork.Post(ben.Account.Credential, "Just buy the Knockoff version", thread.PostId);
        h.SocialNetwork.Post(ben.Account.Credential, "Links: http://a.example http://b.example http://c.example", thread.PostId);
        await h.Project.SyncAsync();

        var log = await h.Project.GetDiscussionAsync(milestone.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(log, Has.Count.EqualTo(3), "filtered replies are kept with their reason");
            Assert.That(log.Single(e => e.Text.StartsWith("The wool", StringComparison.Ordinal)).Status, Is.EqualTo(DiscussionStatus.Accepted));
            Assert.That(log.Single(e => e.Text.Contains("Knockoff", StringComparison.Ordinal)).FilterReason, Does.StartWith("banned-words"));
            Assert.That(log.Single(e => e.Text.StartsWith("Links", StringComparison.Ordinal)).FilterReason, Does.StartWith("link-spam"));
        }
    }

    [Test]
    public async Task A_milestone_goes_on_the_calendar_with_the_members_as_attendees_and_gets_a_discussion_thread()
    {
        await using var h = new CoDevelopmentHarness(o => o.Moderation = (entry, _) =>
            ValueTask.FromResult(entry.Text.Contains("http", StringComparison.Ordinal) ? "links are not allowed" : null));
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var ben = await h.AdmitNewAsync("ben");
        var workspace = (await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan)).Workspace;

        var milestone = await h.Project.ScheduleAsync(new MilestoneSpec { Title = "Prototype review", Start = CoDevelopmentHarness.Start.AddDays(7), End = CoDevelopmentHarness.Start.AddDays(7).AddHours(2) });

        var entry = h.CloudService.GetScheduleEntries(workspace.Id).Single();
        Assert.That(entry.Id, Is.EqualTo(milestone.Id));
        Assert.That(entry.Attendees, Is.EquivalentTo(new[] { "ana@example.com", "ben@example.com" }));
        var thread = milestone.Threads.Single();
        Assert.That(thread.Network, Is.EqualTo(CoDevelopmentHarness.Social));

        h.SocialNetwork.Post(ana.Account.Credential, "I can bring the foam model.", thread.PostId);
        h.SocialNetwork.Post(ben.Account.Credential, "Buy cheap chairs at http://spam.example", thread.PostId);
        var outsider = h.SocialNetwork.RegisterAccount("outsider");
        h.SocialNetwork.Post(outsider.Credential, "Not a member, but hi", thread.PostId);

        var sync = await h.Project.SyncAsync();
        Assert.That(sync.Discussion, Has.Count.EqualTo(2));
        var log = await h.Project.GetDiscussionAsync(milestone.Id);
        Assert.That(log.Select(e => (e.AuthorHandle, e.Status, e.FilterReason)), Is.EquivalentTo(new[]
        {
            ("ana", DiscussionStatus.Accepted, (string?)null),
            ("ben", DiscussionStatus.Filtered, "links are not allowed"),
        }));
        Assert.That((await h.Project.SyncAsync()).Discussion, Is.Empty, "replies are collected once");
    }

    [Test]
    public async Task Close_revokes_every_share_so_the_embedded_workspace_refuses_every_former_member()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var people = new List<Person>();
        foreach (var (handle, role) in new[] { ("ana", WorkspaceRole.Editor), ("ben", WorkspaceRole.Commenter), ("cho", WorkspaceRole.Viewer) })
        {
            people.Add(await h.AdmitNewAsync(handle, role));
        }

        var provisioned = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var document = provisioned.Documents[0].Id;
        foreach (var person in people)
        {
            Assert.DoesNotThrow(() => h.CloudService.ReadDocument(person.Member!.CloudAccountId, document));
        }

        var closure = await h.Project.CloseAsync("the chair is finished");

        Assert.That(closure.RevokedGrants, Has.Count.EqualTo(3));
        Assert.That(await h.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Closed));
        Assert.That(h.CloudService.GetShares(provisioned.Workspace.Id), Is.Empty);
        foreach (var person in people)
        {
            foreach (var doc in provisioned.Documents)
            {
                var refused = Assert.Throws<ProviderException>(() => h.CloudService.ReadDocument(person.Member!.CloudAccountId, doc.Id));
                Assert.That(refused!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), $"{person.Handle} must not read {doc.Title}");
            }

            Assert.Throws<ProviderException>(() => h.CloudService.Comment(person.Member!.CloudAccountId, document, "still here?"));
            Assert.That(h.Inbox(person)[^1], Does.Contain("has closed").And.Contain("the chair is finished"));
            Assert.That((await h.Grants.ListAsync(person.Session.ParticipantId)), Is.Empty, "no active grant is left");
        }

        Assert.That((await h.Project.CloseAsync("again")).RevokedGrants, Is.Empty, "closing twice does nothing");
    }
}
