using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Fakes;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class AccessGrantsTests
{
    [Test]
    public async Task Granting_provisions_an_account_with_the_roles_and_links_it()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");

        var grant = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester);

        var provisioned = sdk.Enterprise.Provisioned.Single();
        Assert.That(provisioned.Login, Is.EqualTo("p-" + session.ParticipantId));
        Assert.That(provisioned.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester }));
        Assert.That(grant.Status, Is.EqualTo(GrantStatus.Active));
        Assert.That(grant.EnterpriseAccountId, Is.Not.Null);
        Assert.That((await sdk.Identities.FindByEnterpriseAccountAsync(SdkHarness.Erp, grant.EnterpriseAccountId!))!.Id, Is.EqualTo(session.ParticipantId));
        var granted = (await sdk.Audit.QueryAsync(session.ParticipantId)).Single(a => a.Action == AuditAction.Granted);
        Assert.That(granted.GrantId, Is.EqualTo(grant.Id));
        Assert.That(granted.Target, Is.EqualTo("enterprise:erp/programme"));
    }

    [Test]
    public async Task A_second_grant_on_the_same_system_sets_the_union_of_roles()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var first = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);

        await sdk.Grants.GrantAsync(new AccessGrantRequest { ParticipantId = session.ParticipantId, Target = SdkHarness.ErpTarget("shop"), Roles = [EnterpriseRoles.Seller] });

        Assert.That(sdk.Enterprise.Provisioned, Has.Count.EqualTo(1));
        Assert.That(sdk.Enterprise.RoleChanges.Single().AccountId, Is.EqualTo(first.EnterpriseAccountId));
        Assert.That(sdk.Enterprise.RoleChanges.Single().Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member, EnterpriseRoles.Seller }));
    }

    [Test]
    public async Task Revoking_one_of_two_grants_keeps_the_remaining_roles_and_revoking_the_last_deprovisions()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var member = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        var seller = await sdk.Grants.GrantAsync(new AccessGrantRequest { ParticipantId = session.ParticipantId, Target = SdkHarness.ErpTarget("shop"), Roles = [EnterpriseRoles.Seller] });

        var revokedSeller = await sdk.Grants.RevokeAsync(seller.Id, "sales ended");

        Assert.That(revokedSeller.Status, Is.EqualTo(GrantStatus.Revoked));
        Assert.That(revokedSeller.EndReason, Is.EqualTo("sales ended"));
        Assert.That(revokedSeller.EndedAt, Is.EqualTo(SdkHarness.Start));
        Assert.That(sdk.Enterprise.Deprovisioned, Is.Empty);
        Assert.That(sdk.Enterprise.RoleChanges.Last().Roles, Is.EqualTo(new[] { EnterpriseRoles.Member }));

        await sdk.Grants.RevokeAsync(member.Id, "left");

        Assert.That(sdk.Enterprise.Deprovisioned, Is.EqualTo(new[] { member.EnterpriseAccountId }));
        Assert.That(sdk.Enterprise.Account(member.EnterpriseAccountId!).IsActive, Is.False);
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Count(a => a.Action == AuditAction.Revoked), Is.EqualTo(2));
    }

    [Test]
    public async Task Revoking_twice_changes_nothing_the_second_time()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var grant = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        var first = await sdk.Grants.RevokeAsync(grant.Id, "left");
        sdk.Clock.Advance(TimeSpan.FromMinutes(5));

        var second = await sdk.Grants.RevokeAsync(grant.Id, "again");

        Assert.That((second.Status, second.EndedAt, second.EndReason), Is.EqualTo((first.Status, first.EndedAt, first.EndReason)));
        Assert.That(second.EndReason, Is.EqualTo("left"));
        Assert.That(sdk.Enterprise.Deprovisioned, Has.Count.EqualTo(1));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Count(a => a.Action == AuditAction.Revoked), Is.EqualTo(1));
    }

    [Test]
    public async Task Granting_again_after_everything_was_revoked_provisions_the_account_again()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var first = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        await sdk.Grants.RevokeAsync(first.Id, "paused");

        var second = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Seller);

        Assert.That(sdk.Enterprise.Provisioned, Has.Count.EqualTo(2));
        Assert.That(second.EnterpriseAccountId, Is.EqualTo(first.EnterpriseAccountId));
        Assert.That(sdk.Enterprise.Account(second.EnterpriseAccountId!).IsActive, Is.True);
        Assert.That(sdk.Enterprise.Account(second.EnterpriseAccountId!).Roles, Is.EqualTo(new[] { EnterpriseRoles.Seller }));
    }

    [Test]
    public async Task Authorizing_with_an_active_grant_returns_it_and_audits_the_use()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var grant = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);

        var used = await sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member);

        Assert.That(used.Id, Is.EqualTo(grant.Id));
        var entry = (await sdk.Audit.QueryAsync(session.ParticipantId)).Last();
        Assert.That(entry.Action, Is.EqualTo(AuditAction.Used));
        Assert.That(entry.GrantId, Is.EqualTo(grant.Id));
    }

    [Test]
    public async Task An_expired_grant_is_denied_audited_and_deprovisioned()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var grant = await sdk.Grants.GrantAsync(new AccessGrantRequest
        {
            ParticipantId = session.ParticipantId,
            Target = SdkHarness.ErpTarget(),
            Roles = [EnterpriseRoles.Member],
            ExpiresAt = SdkHarness.Start.AddHours(1),
        });
        sdk.Clock.Advance(TimeSpan.FromHours(1));

        var ex = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member));

        Assert.That(ex!.Reason, Is.EqualTo("expired"));
        Assert.That(sdk.Enterprise.Deprovisioned, Is.EqualTo(new[] { grant.EnterpriseAccountId }));
        Assert.That((await sdk.Store.GetGrantAsync(grant.Id))!.Status, Is.EqualTo(GrantStatus.Expired));
        var actions = (await sdk.Audit.QueryAsync(session.ParticipantId)).Select(a => a.Action).ToList();
        Assert.That(actions[^2..], Is.EqualTo(new[] { AuditAction.Expired, AuditAction.Denied }));
    }

    [Test]
    public async Task A_revoked_grant_is_denied_at_once()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var grant = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        await sdk.Grants.RevokeAsync(grant.Id, "ended");

        var ex = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member));

        Assert.That(ex!.Reason, Is.EqualTo("revoked"));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Last().Action, Is.EqualTo(AuditAction.Denied));
    }

    [Test]
    public async Task Without_a_grant_access_is_denied_and_audited()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);

        var wrongRole = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Seller));
        var wrongResource = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget("other"), EnterpriseRoles.Member));

        Assert.That(wrongRole!.Reason, Is.EqualTo("no grant"));
        Assert.That(wrongResource!.Reason, Is.EqualTo("no grant"));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Count(a => a.Action == AuditAction.Denied), Is.EqualTo(2));
    }

    [Test]
    public async Task An_expired_session_is_denied_even_with_an_active_grant()
    {
        await using var sdk = new SdkHarness(o => o.SessionLifetime = TimeSpan.FromHours(1));
        var session = await sdk.SignInNewAsync("minji");
        await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        sdk.Clock.Advance(TimeSpan.FromHours(2));

        var ex = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member));

        Assert.That(ex!.Reason, Is.EqualTo("session expired"));
    }

    [Test]
    public async Task Enforcing_expiry_deprovisions_expired_grants_only()
    {
        await using var sdk = new SdkHarness();
        var minji = await sdk.SignInNewAsync("minji");
        var junho = await sdk.SignInNewAsync("junho");
        var shortGrant = await sdk.Grants.GrantAsync(new AccessGrantRequest
        {
            ParticipantId = minji.ParticipantId,
            Target = SdkHarness.ErpTarget(),
            Roles = [EnterpriseRoles.Member],
            ExpiresAt = SdkHarness.Start.AddDays(1),
        });
        await sdk.GrantErpAsync(junho.ParticipantId, EnterpriseRoles.Member);

        Assert.That(await sdk.Grants.EnforceExpiryAsync(), Is.Empty);
        sdk.Clock.Advance(TimeSpan.FromDays(1));
        var expired = await sdk.Grants.EnforceExpiryAsync();

        Assert.That(expired.Select(g => g.Id), Is.EqualTo(new[] { shortGrant.Id }));
        Assert.That(expired[0].Status, Is.EqualTo(GrantStatus.Expired));
        Assert.That(sdk.Enterprise.Deprovisioned, Is.EqualTo(new[] { shortGrant.EnterpriseAccountId }));
        Assert.That((await sdk.Audit.QueryAsync(minji.ParticipantId)).Last().Action, Is.EqualTo(AuditAction.Expired));
        Assert.That(await sdk.Grants.ListAsync(minji.ParticipantId), Is.Empty);
        Assert.That(await sdk.Grants.ListAsync(minji.ParticipantId, includeInactive: true), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Bad_requests_are_refused_before_anything_is_provisioned()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var id = session.ParticipantId;

        AccessGrantRequest Request(string[] roles, DateTimeOffset? expires = null, string system = SdkHarness.Erp, string? participant = null) => new()
        {
            ParticipantId = participant ?? id,
            Target = new GrantTarget(GrantTargetKind.Enterprise, system, "programme"),
            Roles = roles,
            ExpiresAt = expires,
        };

        var fields = new[]
        {
            Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(Request([])))!.Field,
            Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(Request(["member"], SdkHarness.Start)))!.Field,
            Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(Request(["member"], system: "nowhere")))!.Field,
            Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(Request(["member", "admin"])))!.Field,
            Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(Request(["member"], participant: "nobody")))!.Field,
        };

        Assert.That(fields, Is.EqualTo(new[] { "Roles", "ExpiresAt", "Target.System", "Roles[1]", "ParticipantId" }));
        Assert.That(sdk.Enterprise.Calls, Is.Empty);
        Assert.That((await sdk.Audit.QueryAsync(id)).Any(a => a.Action == AuditAction.Granted), Is.False);
    }

    [Test]
    public async Task A_workspace_grant_needs_a_linked_cloud_account()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var request = new AccessGrantRequest
        {
            ParticipantId = session.ParticipantId,
            Target = new GrantTarget(GrantTargetKind.Workspace, SdkHarness.Cloud, "ws-1"),
            Roles = [nameof(WorkspaceRole.Editor)],
            Workspace = sdk.Workspace.Workspace("ws-1"),
        };

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Grants.GrantAsync(request));

        Assert.That(ex!.Field, Is.EqualTo("ParticipantId"));
        Assert.That(ex.Message, Does.Contain("no linked cloud account"));
        Assert.That(sdk.Workspace.Shares, Is.Empty);
    }

    [Test]
    public async Task A_workspace_grant_shares_and_its_revocation_unshares()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkCloudAccountAsync(session.ParticipantId, new CloudAccount { Provider = SdkHarness.Cloud, AccountId = "c-1", Email = "minji@example.com" });

        var grant = await sdk.Grants.GrantAsync(new AccessGrantRequest
        {
            ParticipantId = session.ParticipantId,
            Target = new GrantTarget(GrantTargetKind.Workspace, SdkHarness.Cloud, "ws-1"),
            Roles = ["editor"],
            Workspace = sdk.Workspace.Workspace("ws-1"),
        });
        await sdk.Grants.RevokeAsync(grant.Id, "project closed");

        var share = sdk.Workspace.Shares.Single();
        Assert.That(share.AccountId, Is.EqualTo("c-1"));
        Assert.That(share.Role, Is.EqualTo(WorkspaceRole.Editor));
        Assert.That(grant.Share, Is.EqualTo(share));
        Assert.That(grant.Roles, Is.EqualTo(new[] { "Editor" }));
        Assert.That(sdk.Workspace.Revoked, Is.EqualTo(new[] { share }));
    }

    [Test]
    public async Task When_storing_the_grant_fails_the_provisioned_account_is_taken_back()
    {
        var store = new FlakyStore();
        await using var sdk = new SdkHarness(store: store);
        var session = await sdk.SignInNewAsync("minji");
        store.FailWhen(changes => changes.Grants.Count > 0);

        Assert.ThrowsAsync<InvalidOperationException>(() => sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member));

        Assert.That(sdk.Enterprise.Calls, Has.Count.EqualTo(2));
        Assert.That(sdk.Enterprise.Calls[0], Does.StartWith("provision"));
        Assert.That(sdk.Enterprise.Calls[1], Does.StartWith("deprovision"));
        Assert.That(await sdk.Grants.ListAsync(session.ParticipantId, includeInactive: true), Is.Empty);
        Assert.That((await sdk.Identities.GetAsync(session.ParticipantId))!.EnterpriseLinks, Is.Empty);
    }

    [Test]
    public async Task Every_grant_use_denial_and_revocation_is_audited()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var grant = await sdk.GrantErpAsync(session.ParticipantId, EnterpriseRoles.Member);
        await sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member);
        await sdk.Grants.RevokeAsync(grant.Id, "done");
        Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Grants.AuthorizeAsync(session, SdkHarness.ErpTarget(), EnterpriseRoles.Member));

        var grantLines = (await sdk.Audit.QueryAsync(session.ParticipantId)).Where(a => a.GrantId == grant.Id).Select(a => a.Action);

        Assert.That(grantLines, Is.EqualTo(new[] { AuditAction.Granted, AuditAction.Used, AuditAction.Revoked, AuditAction.Denied }));
    }
}
