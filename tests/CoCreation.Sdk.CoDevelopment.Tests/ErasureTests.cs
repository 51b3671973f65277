namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>Erasure in co-development, read back from the project's stored records and the provider.</summary>
[TestFixture]
public sealed class ErasureTests
{
    [Test]
    public async Task A_pending_confirmation_and_an_application_are_erased_without_moving_anyone_else()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync(cap: 5);
        var ana = await h.AdmitNewAsync("ana");
        var sora = await h.SignUpAsync("sora");
        await h.ConfirmationCodeAsync(sora);
        Assert.That(await h.Store.ListDocumentsAsync("co-development.confirmations"), Has.Count.EqualTo(1), "her confirmation is pending");
        var before = await h.Project.GetApplicantsAsync();
        Assert.That(before.Single(a => a.ParticipantId == sora.Session.ParticipantId).Status, Is.EqualTo(ApplicantStatus.Selected));

        await h.Identities.EraseAsync(sora.Session.ParticipantId);

        Assert.That(await h.Store.ListDocumentsAsync("co-development.confirmations"), Is.Empty);
        var after = await h.Project.GetApplicantsAsync();
        Assert.That(after.Select(a => (a.Sequence, a.Status)), Is.EqualTo(before.Select(a => (a.Sequence, a.Status))), "order and status stay");
        var erased = after.Single(a => a.Sequence == before.Single(b => b.ParticipantId == sora.Session.ParticipantId).Sequence);
        Assert.That(erased.Subject, Does.StartWith("erased-"));
        Assert.That(erased.Handle, Is.Empty);
        Assert.That(erased.ParticipantId, Is.Null);
        Assert.That(after.Single(a => a.ParticipantId == ana.Session.ParticipantId).Handle, Is.Not.Empty, "the other applicant is untouched");
        Assert.That((await h.Project.GetMembersAsync()).Select(m => m.ParticipantId), Is.EqualTo(new[] { ana.Session.ParticipantId }));
    }

    [Test]
    public async Task An_admitted_member_leaves_members_discussion_attendees_and_other_members_queued_activity()
    {
        await using var h = new CoDevelopmentHarness(o => o.DigestWindow = TimeSpan.FromHours(1));
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var sora = await h.AdmitNewAsync("sora");
        var workspace = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var milestone = await h.Project.ScheduleAsync(new MilestoneSpec { Title = "Fitting", Start = CoDevelopmentHarness.Start.AddDays(3), End = CoDevelopmentHarness.Start.AddDays(3).AddHours(1) });
        h.SocialNetwork.Post(sora.Account.Credential, "I will bring the fabric swatches", milestone.Threads.Single().PostId);
        var soraAccount = await h.AccountOfAsync(sora);

        // Two edits within the digest window: the second waits in Ana's queue, naming Sora.
        h.CloudService.EditDocument(soraAccount, workspace.Documents[0].Id, "v1");
        await h.Project.SyncAsync();
        h.CloudService.EditDocument(soraAccount, workspace.Documents[0].Id, "v2");
        await h.Project.SyncAsync();
        var queued = await h.Store.ListDocumentsAsync("co-development.relay");
        Assert.That(queued.Single(d => d.Key.EndsWith(ana.Session.ParticipantId, StringComparison.Ordinal)).Value, Does.Contain("Sora"), "Ana's queue names Sora");

        await h.Identities.EraseAsync(sora.Session.ParticipantId);

        Assert.That((await h.Project.GetMembersAsync()).Select(m => m.ParticipantId), Is.EqualTo(new[] { ana.Session.ParticipantId }));
        var discussion = (await h.Project.GetDiscussionAsync()).Single();
        Assert.That(discussion.Text, Is.Empty);
        Assert.That(discussion.AuthorHandle, Is.Empty);
        Assert.That(discussion.ParticipantId, Does.StartWith("erased-"));
        Assert.That((await h.Project.GetMilestonesAsync()).Single().Attendees, Is.EqualTo(new[] { ana.Email }));
        var relay = await h.Store.ListDocumentsAsync("co-development.relay");
        Assert.That(relay.Select(d => d.Key), Has.None.EndsWith(sora.Session.ParticipantId), "her own queue is gone");
        Assert.That(relay.Single().Value, Does.Not.Contain("Sora").And.Contain(ErasedPerson.EnglishName));
        // The harness wraps the embedded workspace in a decorator that does not pass account erasure on: the audit says so.
        Assert.That((await h.Store.GetAuditAsync(null)).Last().Detail, Does.Contain("not anonymised (the provider cannot): cloud:" + CoDevelopmentHarness.Cloud));

        // Ana's queued digest goes out later without her name.
        h.Clock.Advance(TimeSpan.FromHours(2));
        await h.Project.SyncAsync();
        Assert.That(h.Inbox(ana).Last(), Does.Contain(ErasedPerson.EnglishName).And.Not.Contain("Sora"));
    }
}
