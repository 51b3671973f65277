using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Tests.Shared;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>Every refusal of the issue: a typed error that names the problem, and nothing changed in the store or at the workspace.</summary>
[TestFixture]
[Category("Unit")]
public sealed class FailureTests
{
    private static async Task<string> SnapshotAsync(CoDevelopmentHarness h) => await h.StoreSnapshotAsync() + "\n--\n" + await h.WorkspaceSnapshotAsync();

    [Test]
    public async Task Admitting_without_a_verified_sns_sign_in_is_refused_and_changes_nothing()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.SignUpAsync("ana");
        var code = await h.ConfirmationCodeAsync(ana);
        var before = await SnapshotAsync(h);
        var auditBefore = (await h.Store.GetAuditAsync(null)).Count;

        // A session the SDK issued, with its identity swapped for one the identity map never linked.
        var stranger = h.SocialNetwork.RegisterAccount("stranger");
        var forged = SessionForgery.Alter(ana.Session, identity: new SnsIdentity { Network = CoDevelopmentHarness.Social, Subject = stranger.Subject, Handle = "stranger" });
        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Project.AdmitAsync(forged, ana.Email, code));
        Assert.That(denied!.Reason, Does.Contain("altered"));

        // The same session re-dated into the past: the store's expiry counts, and the change is seen.
        var redated = SessionForgery.Alter(ana.Session, expiresAt: h.Clock.GetUtcNow().AddSeconds(-1));
        var late = Assert.ThrowsAsync<AccessDeniedException>(() => h.Project.AdmitAsync(redated, ana.Email, code));
        Assert.That(late!.Reason, Does.Contain("altered"));

        // Genuinely expired: refused as expired.
        h.Clock.Advance(TimeSpan.FromHours(13));
        var expired = Assert.ThrowsAsync<AccessDeniedException>(() => h.Project.AdmitAsync(ana.Session, ana.Email, code));
        Assert.That(expired!.Reason, Does.Contain("expired"));

        var missing = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.AdmitAsync(null!, ana.Email, code));
        Assert.That(missing!.Field, Is.EqualTo("session"));

        // Nothing changed but the three refusals, each audited.
        var denials = (await h.Store.GetAuditAsync(null)).Skip(auditBefore).ToList();
        Assert.That(denials.Select(a => a.Action), Is.EqualTo(new[] { AuditAction.Denied, AuditAction.Denied, AuditAction.Denied }));
        Assert.That(await SnapshotAsync(h), Is.EqualTo(before.Replace($"audit={auditBefore}", $"audit={auditBefore + 3}", StringComparison.Ordinal)));
        Assert.That(await h.Identities.FindByCloudAccountAsync(CoDevelopmentHarness.Cloud, "anything"), Is.Null);
        Assert.That(await h.Project.GetMembersAsync(), Is.Empty);
    }

    [Test]
    public async Task A_handle_changed_in_the_session_object_is_not_what_gets_stored()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var account = h.SocialNetwork.RegisterAccount("bora", "Bora", "en-US");
        var session = await h.SignIn.SignInAsync(CoDevelopmentHarness.Social, account.Credential);

        // Network and subject are what the stored record vouches for; the handle is only the object's word.
        var spoofed = SessionForgery.Alter(session, identity: session.Identity with { Handle = "brand_official" });
        var applicant = await h.Project.ApplyAsync(spoofed);

        Assert.That(applicant.Handle, Is.EqualTo(account.Handle));
        Assert.That((await h.Project.GetApplicantsAsync()).Single().Handle, Is.EqualTo(account.Handle), "read back from the project's store");
    }

    [TestCase("not-an-address")]
    [TestCase("ana@")]
    [TestCase("ana example@example.com")]
    [TestCase("")]
    public async Task An_invalid_email_is_refused_naming_the_field_and_changes_nothing(string email)
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.SignUpAsync("ana");
        var code = await h.ConfirmationCodeAsync(ana);
        var inbox = h.Inbox(ana).Count;
        var before = await SnapshotAsync(h);

        var onRequest = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.RequestEmailConfirmationAsync(ana.Session, email));
        Assert.That(onRequest!.Field, Is.EqualTo("email"));
        var onAdmit = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.AdmitAsync(ana.Session, email, code));
        Assert.That(onAdmit!.Field, Is.EqualTo("email"));

        Assert.That(await SnapshotAsync(h), Is.EqualTo(before));
        Assert.That(h.Inbox(ana), Has.Count.EqualTo(inbox), "no code was sent");
        Assert.That(h.Workspace.Calls, Is.Zero, "the workspace was never asked");
    }

    [Test]
    public async Task A_wrong_code_or_another_address_than_the_confirmed_one_is_refused()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.SignUpAsync("ana");
        var code = await h.ConfirmationCodeAsync(ana);
        var wrong = code == "000000" ? "111111" : "000000";

        var bad = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.AdmitAsync(ana.Session, ana.Email, wrong));
        Assert.That(bad!.Field, Is.EqualTo("confirmationCode"));
        var other = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.AdmitAsync(ana.Session, "other@example.com", code));
        Assert.That(other!.Field, Is.EqualTo("email"));
        Assert.That(h.Workspace.Calls, Is.Zero);
        Assert.That(await h.Project.GetMembersAsync(), Is.Empty);

        h.Clock.Advance(TimeSpan.FromMinutes(31));
        var expired = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.AdmitAsync(ana.Session, ana.Email, code));
        Assert.That(expired!.Message, Does.Contain("expired"));
    }

    [Test]
    public async Task Admitting_twice_is_refused_and_changes_nothing()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var before = await SnapshotAsync(h);
        var inbox = h.Inbox(ana).Count;

        var onRequest = Assert.ThrowsAsync<CoCreationConflictException>(() => h.Project.RequestEmailConfirmationAsync(ana.Session, ana.Email));
        Assert.That(onRequest!.Message, Does.Contain("already admitted"));
        var onAdmit = Assert.ThrowsAsync<CoCreationConflictException>(() => h.Project.AdmitAsync(ana.Session, ana.Email, "123456"));
        Assert.That(onAdmit!.Message, Does.Contain("already admitted"));

        Assert.That(await SnapshotAsync(h), Is.EqualTo(before));
        Assert.That(h.Inbox(ana), Has.Count.EqualTo(inbox));
    }

    [Test]
    public async Task Sharing_admitting_and_scheduling_after_close_are_refused_and_change_nothing()
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var ben = await h.SignUpAsync("ben");
        var benCode = await h.ConfirmationCodeAsync(ben);
        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        await h.Project.CloseAsync("done");
        var before = await SnapshotAsync(h);
        var calls = h.Workspace.Calls;

        var share = Assert.ThrowsAsync<ProjectClosedException>(() => h.Project.ShareAsync(ana.Session.ParticipantId, WorkspaceRole.Editor));
        Assert.That(share!.Operation, Is.EqualTo("sharing"));
        Assert.That(share.Message, Does.Contain("closed"));
        Assert.ThrowsAsync<ProjectClosedException>(() => h.Project.AdmitAsync(ben.Session, ben.Email, benCode));
        Assert.ThrowsAsync<ProjectClosedException>(() => h.Project.ScheduleAsync(new MilestoneSpec { Title = "Late", Start = CoDevelopmentHarness.Start.AddDays(1), End = CoDevelopmentHarness.Start.AddDays(2) }));
        Assert.ThrowsAsync<ProjectClosedException>(() => h.Project.ProvisionAsync(CoDevelopmentHarness.Plan));

        Assert.That(await SnapshotAsync(h), Is.EqualTo(before));
        Assert.That(h.Workspace.Calls, Is.EqualTo(calls), "the workspace was never asked");
    }

    [TestCase(0)]
    [TestCase(-60)]
    public async Task A_milestone_that_ends_before_it_starts_is_refused_naming_the_field_and_changes_nothing(int minutes)
    {
        await using var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        await h.AdmitNewAsync("ana");
        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var before = await SnapshotAsync(h);
        var posts = h.SocialNetwork.WriteCallCount;
        var start = CoDevelopmentHarness.Start.AddDays(3);

        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Project.ScheduleAsync(new MilestoneSpec { Title = "Review", Start = start, End = start.AddMinutes(minutes) }));

        Assert.That(refused!.Field, Is.EqualTo("MilestoneSpec.End"));
        Assert.That(await SnapshotAsync(h), Is.EqualTo(before));
        Assert.That(h.SocialNetwork.WriteCallCount, Is.EqualTo(posts), "no thread was posted");
        Assert.That(await h.Project.GetMilestonesAsync(), Is.Empty);
    }

    [Test]
    public async Task Options_are_checked_when_the_project_is_created()
    {
        await using var h = new CoDevelopmentHarness(o => o.CloudWorkspace = " ");
        var refused = Assert.Throws<CoCreationValidationException>(() => _ = h.Project);
        Assert.That(refused!.Field, Is.EqualTo("CoDevelopmentOptions.CloudWorkspace"));
    }
}
