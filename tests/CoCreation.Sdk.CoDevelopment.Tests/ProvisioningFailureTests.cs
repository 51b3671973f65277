using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>
/// Provisioning resumes idempotently: a workspace that fails on the n-th call leaves the project in
/// <see cref="CoDevelopmentStatus.Provisioning"/> with what was made recorded, and the next run finishes it
/// without making anything twice.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ProvisioningFailureTests
{
    // A clean run makes: 1 folder + 2 documents + 3 shares + 1 activity read = 7 calls.
    private const int CallsOfACleanRun = 7;

    [Test]
    public async Task A_clean_run_makes_the_expected_number_of_workspace_calls()
    {
        await using var h = await ThreeMembersAsync();
        var before = h.Workspace.Calls;
        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        Assert.That(h.Workspace.Calls - before, Is.EqualTo(CallsOfACleanRun));
    }

    [Test]
    public async Task A_failure_on_any_call_resumes_to_one_folder_the_planned_documents_and_one_share_per_member(
        [Range(1, CallsOfACleanRun)] int failingCall)
    {
        await using var h = await ThreeMembersAsync();
        var members = await h.Project.GetMembersAsync();
        h.Workspace.FailOnNthCallFromNow(failingCall);

        var failure = Assert.ThrowsAsync<ProviderException>(() => h.Project.ProvisionAsync(CoDevelopmentHarness.Plan));
        Assert.That(failure!.IsTransient, Is.True);
        Assert.That(await h.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Provisioning), "a failed run leaves the project unfinished, not active");
        Assert.ThrowsAsync<CoCreationConflictException>(
            () => h.Project.ScheduleAsync(new MilestoneSpec { Title = "Too early", Start = CoDevelopmentHarness.Start.AddDays(1), End = CoDevelopmentHarness.Start.AddDays(2) }),
            "an unfinished project cannot be used");

        var provisioned = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);

        Assert.That(await h.Project.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Active));
        Assert.That(h.Workspace.CreatedWorkspaces, Is.EqualTo(new[] { provisioned.Workspace.Id }), "one folder, made once");
        Assert.That(h.Workspace.CreatedDocuments, Is.EqualTo(provisioned.Documents.Select(d => d.Id)), "each starter document made once");
        Assert.That(provisioned.Documents.Select(d => d.Title), Is.EqualTo(CoDevelopmentHarness.Plan.StarterDocuments.Select(d => d.Title)));
        var shares = h.CloudService.GetShares(provisioned.Workspace.Id);
        Assert.That(shares.Select(s => s.AccountId), Is.EquivalentTo(members.Select(m => m.CloudAccountId)));
        foreach (var member in members)
        {
            var grants = await h.Grants.ListAsync(member.ParticipantId, includeInactive: true);
            Assert.That(grants, Has.Count.EqualTo(1), "one grant per member");
            Assert.That(h.CloudService.ReadDocument(member.CloudAccountId, provisioned.Documents[0].Id), Is.EqualTo("What the chair must do."));
        }

        Assert.That((await h.Project.SyncAsync()).ChangesRead, Is.Zero, "provisioning's own changes are not relayed after a resume either");
    }

    [Test]
    public async Task Resuming_with_another_plan_is_refused()
    {
        await using var h = await ThreeMembersAsync();
        h.Workspace.FailOnNthCallFromNow(2);
        Assert.ThrowsAsync<ProviderException>(() => h.Project.ProvisionAsync(CoDevelopmentHarness.Plan));

        var other = CoDevelopmentHarness.Plan with { StarterDocuments = [new DocumentSpec { Title = "Something else" }] };
        Assert.ThrowsAsync<CoCreationConflictException>(() => h.Project.ProvisionAsync(other));
        Assert.That(h.Workspace.CreatedDocuments, Is.Empty);
    }

    private static async Task<CoDevelopmentHarness> ThreeMembersAsync()
    {
        var h = new CoDevelopmentHarness();
        await h.RecruitAsync();
        await h.AdmitNewAsync("ana", WorkspaceRole.Editor);
        await h.AdmitNewAsync("ben", WorkspaceRole.Commenter);
        await h.AdmitNewAsync("cho", WorkspaceRole.Viewer);
        return h;
    }
}
