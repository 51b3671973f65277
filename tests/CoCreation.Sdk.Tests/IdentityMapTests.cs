using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class IdentityMapTests
{
    [Test]
    public async Task Linking_a_second_identity_with_a_valid_credential_finds_the_participant_from_both()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var micro = sdk.MicroSns.AddAccount("mj", "mj@micro.example");

        var linked = await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, micro);

        Assert.That(linked.SnsLinks.Select(l => l.Network), Is.EqualTo(new[] { SdkHarness.Social, SdkHarness.Micro }));
        Assert.That((await sdk.Identities.FindBySnsAsync(SdkHarness.Micro, "mj"))!.Id, Is.EqualTo(session.ParticipantId));
        Assert.That((await sdk.SignIn.SignInAsync(SdkHarness.Micro, micro)).ParticipantId, Is.EqualTo(session.ParticipantId));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Count(a => a.Action == AuditAction.Linked), Is.EqualTo(2));
    }

    [Test]
    public async Task Linking_needs_a_credential_the_network_verifies()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");

        Assert.ThrowsAsync<CredentialException>(() => sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, new SnsCredential("forged")));

        Assert.That((await sdk.Identities.GetAsync(session.ParticipantId))!.SnsLinks, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Linking_an_identity_owned_by_another_participant_conflicts()
    {
        await using var sdk = new SdkHarness();
        var minji = await sdk.SignInNewAsync("minji");
        var junhoCredential = sdk.MicroSns.AddAccount("junho", "junho@micro.example");
        var junho = await sdk.SignIn.SignInAsync(SdkHarness.Micro, junhoCredential);

        Assert.ThrowsAsync<CoCreationConflictException>(() => sdk.Identities.LinkSnsAsync(minji, SdkHarness.Micro, junhoCredential));

        Assert.That((await sdk.Identities.FindBySnsAsync(SdkHarness.Micro, "junho"))!.Id, Is.EqualTo(junho.ParticipantId));
        Assert.That((await sdk.Identities.GetAsync(minji.ParticipantId))!.SnsLinks, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Linking_with_an_expired_session_is_denied_and_audited()
    {
        await using var sdk = new SdkHarness(o => o.SessionLifetime = TimeSpan.FromMinutes(30));
        var session = await sdk.SignInNewAsync("minji");
        var micro = sdk.MicroSns.AddAccount("mj", "mj@micro.example");
        sdk.Clock.Advance(TimeSpan.FromMinutes(31));

        var ex = Assert.ThrowsAsync<AccessDeniedException>(() => sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, micro));

        Assert.That(ex!.Reason, Is.EqualTo("session expired"));
        Assert.That(await sdk.Identities.FindBySnsAsync(SdkHarness.Micro, "mj"), Is.Null);
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Last().Action, Is.EqualTo(AuditAction.Denied));
    }

    [Test]
    public async Task The_last_SNS_identity_cannot_be_unlinked_but_a_second_one_can()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, sdk.MicroSns.AddAccount("mj", "mj@micro.example"));
        await sdk.Identities.SetPreferencesAsync(session.ParticipantId, "en-US", SdkHarness.Micro);

        var after = await sdk.Identities.UnlinkSnsAsync(session.ParticipantId, SdkHarness.Micro, "mj");

        Assert.That(after.SnsLinks.Select(l => l.Network), Is.EqualTo(new[] { SdkHarness.Social }));
        Assert.That(after.PreferredNetwork, Is.Null);
        Assert.That(await sdk.Identities.FindBySnsAsync(SdkHarness.Micro, "mj"), Is.Null);
        Assert.ThrowsAsync<CoCreationConflictException>(() => sdk.Identities.UnlinkSnsAsync(session.ParticipantId, SdkHarness.Social, "minji"));
    }

    [Test]
    public async Task Cloud_and_enterprise_accounts_resolve_in_every_direction()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var cloud = new CloudAccount { Provider = SdkHarness.Cloud, AccountId = "c-1", Email = "minji@example.com" };
        var erp = new EnterpriseAccount { System = SdkHarness.Erp, AccountId = "e-1", Login = "minji" };

        await sdk.Identities.LinkCloudAccountAsync(session.ParticipantId, cloud);
        await sdk.Identities.LinkEnterpriseAccountAsync(session.ParticipantId, erp);

        Assert.That((await sdk.Identities.FindByCloudAccountAsync(SdkHarness.Cloud, "c-1"))!.Id, Is.EqualTo(session.ParticipantId));
        Assert.That((await sdk.Identities.FindByEnterpriseAccountAsync(SdkHarness.Erp, "e-1"))!.Id, Is.EqualTo(session.ParticipantId));

        await sdk.Identities.UnlinkCloudAccountAsync(session.ParticipantId, SdkHarness.Cloud, "c-1");
        Assert.That(await sdk.Identities.FindByCloudAccountAsync(SdkHarness.Cloud, "c-1"), Is.Null);
    }

    [Test]
    public async Task Preferences_refuse_an_unknown_locale_and_a_network_the_participant_is_not_on()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");

        var locale = Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Identities.SetPreferencesAsync(session.ParticipantId, "xx-YY", null));
        var network = Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.Identities.SetPreferencesAsync(session.ParticipantId, "en-US", SdkHarness.Micro));

        Assert.That(locale!.Field, Is.EqualTo("locale"));
        Assert.That(network!.Field, Is.EqualTo("preferredNetwork"));
    }

    [Test]
    public async Task Erase_revokes_at_the_provider_removes_links_and_keeps_only_an_anonymised_audit()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var id = session.ParticipantId;
        var grant = await sdk.GrantErpAsync(id, "member");

        await sdk.Identities.EraseAsync(id);

        Assert.That(sdk.Enterprise.Deprovisioned, Is.EqualTo(new[] { grant.EnterpriseAccountId }));
        Assert.That(await sdk.Identities.FindBySnsAsync(SdkHarness.Social, "minji"), Is.Null);
        Assert.That(await sdk.Identities.FindByEnterpriseAccountAsync(SdkHarness.Erp, grant.EnterpriseAccountId!), Is.Null);
        Assert.That(await sdk.Identities.GetAsync(id), Is.Null);
        Assert.That(await sdk.Audit.QueryAsync(id), Is.Empty);
        var audit = await sdk.Audit.QueryAsync();
        Assert.That(audit.Select(a => a.ParticipantId).Distinct().Single(), Does.StartWith("erased-"));
        Assert.That(audit.Last().Action, Is.EqualTo(AuditAction.Erased));
        Assert.That(audit.Select(a => a.Action), Does.Contain(AuditAction.Revoked));
        Assert.That(string.Join("|", audit.Select(a => a.Detail)), Does.Not.Contain("minji"));
        var storedGrant = await sdk.Store.GetGrantAsync(grant.Id);
        Assert.That(storedGrant!.ParticipantId, Does.StartWith("erased-"));
        Assert.That(storedGrant.Status, Is.EqualTo(GrantStatus.Revoked));
    }

    [Test]
    public async Task Erase_is_idempotent()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        await sdk.Identities.EraseAsync(session.ParticipantId);
        var auditAfterFirst = (await sdk.Audit.QueryAsync()).Count;

        await sdk.Identities.EraseAsync(session.ParticipantId);
        await sdk.Identities.EraseAsync("never-existed");

        Assert.That((await sdk.Audit.QueryAsync()).Count, Is.EqualTo(auditAfterFirst));
    }
}
