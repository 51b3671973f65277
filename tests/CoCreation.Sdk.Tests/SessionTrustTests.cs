using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Tests.Shared;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// Sessions are the SDK's to issue: forged, altered, re-dated and replayed sessions are refused on every
/// authorised path (grants, linking, resuming), and every refusal is audited.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class SessionTrustTests
{
    private static async Task<List<AuditEntry>> SessionRefusalsAsync(SdkHarness h)
        => (await h.Audit.QueryAsync()).Where(a => a.Action == AuditAction.Denied && a.Detail!.StartsWith("session refused", StringComparison.Ordinal)).ToList();

    [Test]
    public async Task An_issued_session_is_accepted_and_its_token_stays_out_of_ToString()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        await h.GrantErpAsync(mina.ParticipantId, "member");

        var grant = await h.Grants.AuthorizeAsync(mina, SdkHarness.ErpTarget(), "member");

        Assert.That(grant.ParticipantId, Is.EqualTo(mina.ParticipantId));
        Assert.That(mina.Token, Does.StartWith("cps1."));
        Assert.That(mina.ToString(), Does.Not.Contain(mina.Token).And.Contain(mina.SessionId));
        Assert.That(await SessionRefusalsAsync(h), Is.Empty);
    }

    [Test]
    public async Task A_session_altered_to_name_another_participant_is_refused_and_audited()
    {
        await using var h = new SdkHarness();
        var victim = await h.SignInNewAsync("victim");
        var attacker = await h.SignInNewAsync("attacker");
        await h.GrantErpAsync(victim.ParticipantId, "seller");

        var asVictim = SessionForgery.Alter(attacker, participant: victim.Participant);
        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(asVictim, SdkHarness.ErpTarget(), "seller"));
        Assert.That(denied!.Reason, Does.Contain("altered"));

        // The victim's identity and participant together, with the attacker's token: still the attacker's record.
        var wholesale = SessionForgery.Alter(attacker, participant: victim.Participant, identity: victim.Identity);
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(wholesale, SdkHarness.ErpTarget(), "seller"));

        var refusals = await SessionRefusalsAsync(h);
        Assert.That(refusals, Has.Count.EqualTo(2));
        Assert.That(refusals.Select(r => r.ParticipantId), Is.All.EqualTo(attacker.ParticipantId), "audited under the token's owner");
        Assert.That((await h.Audit.QueryAsync(victim.ParticipantId)).Where(a => a.Action == AuditAction.Used), Is.Empty, "the victim's grant was never used");
    }

    [Test]
    public async Task A_session_built_without_the_sdk_is_refused_and_audited()
    {
        await using var h = new SdkHarness();
        var victim = await h.SignInNewAsync("victim");
        await h.GrantErpAsync(victim.ParticipantId, "member");

        var forged = SessionForgery.Forge(victim.Participant, victim.Identity, h.Clock.GetUtcNow().AddHours(1));
        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(forged, SdkHarness.ErpTarget(), "member"));
        Assert.That(denied!.Reason, Does.Contain("not issued"));

        // The victim's real session id with a made-up secret.
        var guessed = SessionForgery.Alter(victim, token: $"cps1.{victim.SessionId}.guess");
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(guessed, SdkHarness.ErpTarget(), "member"));

        // One character of the real secret changed.
        var secret = victim.Token[^1] == 'A' ? victim.Token[..^1] + "B" : victim.Token[..^1] + "A";
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(SessionForgery.Alter(victim, token: secret), SdkHarness.ErpTarget(), "member"));

        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(SessionForgery.Alter(victim, token: "garbage"), SdkHarness.ErpTarget(), "member"));

        var refusals = await SessionRefusalsAsync(h);
        Assert.That(refusals, Has.Count.EqualTo(4));
        Assert.That(refusals.All(r => r.Target == SdkHarness.ErpTarget().ToString()), Is.True);
    }

    [Test]
    public async Task An_expired_session_re_dated_is_refused_and_so_is_the_expired_one()
    {
        await using var h = new SdkHarness(o => o.SessionLifetime = TimeSpan.FromHours(1));
        var mina = await h.SignInNewAsync("mina");
        await h.GrantErpAsync(mina.ParticipantId, "member");
        h.Clock.Advance(TimeSpan.FromHours(2));

        var expired = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(mina, SdkHarness.ErpTarget(), "member"));
        Assert.That(expired!.Reason, Is.EqualTo(AccessGrants.SessionExpiredReason));

        var redated = SessionForgery.Alter(mina, expiresAt: h.Clock.GetUtcNow().AddDays(30));
        var altered = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(redated, SdkHarness.ErpTarget(), "member"));
        Assert.That(altered!.Reason, Does.Contain("altered"));

        // Re-dated both ways (sign-in moved too): the stored record still decides.
        var both = SessionForgery.Alter(mina, signedInAt: h.Clock.GetUtcNow(), expiresAt: h.Clock.GetUtcNow().AddHours(1));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(both, SdkHarness.ErpTarget(), "member"));

        Assert.ThrowsAsync<AccessDeniedException>(() => h.SignIn.ResumeAsync(mina.Token));
        Assert.That(await SessionRefusalsAsync(h), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task A_signed_out_session_is_refused_when_replayed_everywhere()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        await h.GrantErpAsync(mina.ParticipantId, "member");
        Assert.That(await h.Grants.AuthorizeAsync(mina, SdkHarness.ErpTarget(), "member"), Is.Not.Null);

        await h.SignIn.SignOutAsync(mina);
        await h.SignIn.SignOutAsync(mina); // idempotent

        var replay = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(mina, SdkHarness.ErpTarget(), "member"));
        Assert.That(replay!.Reason, Does.Contain("signed out"));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.SignIn.ResumeAsync(mina.Token));
        var micro = h.MicroSns.AddAccount("mina-micro", "m@micro.example", "MINA");
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Identities.LinkSnsAsync(mina, SdkHarness.Micro, micro));
        Assert.That((await h.Identities.GetAsync(mina.ParticipantId))!.SnsLinks, Has.Count.EqualTo(1), "nothing was linked");

        var audit = await h.Audit.QueryAsync(mina.ParticipantId);
        Assert.That(audit.Count(a => a.Action == AuditAction.SignedOut), Is.EqualTo(1));
        Assert.That(await SessionRefusalsAsync(h), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_session_from_another_sdk_instance_is_refused()
    {
        await using var first = new SdkHarness();
        await using var second = new SdkHarness();
        var mina = await first.SignInNewAsync("mina");
        var minaThere = await second.SignInNewAsync("mina");
        await second.GrantErpAsync(minaThere.ParticipantId, "member");

        // Same person, same participant object shape, but the token was issued by the other store.
        var carried = SessionForgery.Alter(mina, participant: minaThere.Participant);
        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => second.Grants.AuthorizeAsync(carried, SdkHarness.ErpTarget(), "member"));
        Assert.That(denied!.Reason, Does.Contain("not issued"));
        Assert.That(await SessionRefusalsAsync(second), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_session_is_resumed_from_its_token_and_refused_once_the_identity_is_unlinked()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        await h.GrantErpAsync(mina.ParticipantId, "member");

        var resumed = await h.SignIn.ResumeAsync(mina.Token);
        Assert.That(resumed.ParticipantId, Is.EqualTo(mina.ParticipantId));
        Assert.That(resumed.Identity.Subject, Is.EqualTo(mina.Identity.Subject));
        Assert.That(resumed.ExpiresAt, Is.EqualTo(mina.ExpiresAt));
        Assert.That(resumed.Grants, Has.Count.EqualTo(1));
        Assert.That(await h.Grants.AuthorizeAsync(resumed, SdkHarness.ErpTarget(), "member"), Is.Not.Null);

        // Linking a second network and unlinking the first ends every session signed in through the first.
        var micro = h.MicroSns.AddAccount("mina-micro", "m@micro.example", "MINA");
        await h.Identities.LinkSnsAsync(mina, SdkHarness.Micro, micro);
        await h.Identities.UnlinkSnsAsync(mina.ParticipantId, SdkHarness.Social, mina.Identity.Subject);
        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.AuthorizeAsync(resumed, SdkHarness.ErpTarget(), "member"));
        Assert.That(denied!.Reason, Does.Contain("no longer linked"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public async Task Resuming_a_blank_token_names_the_field(string token)
    {
        await using var h = new SdkHarness();
        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.SignIn.ResumeAsync(token));
        Assert.That(error!.Field, Is.EqualTo("token"));
    }

    [Test]
    public async Task A_forged_session_cannot_link_an_identity_to_its_victim()
    {
        await using var h = new SdkHarness();
        var victim = await h.SignInNewAsync("victim");
        var forged = SessionForgery.Forge(victim.Participant, victim.Identity, h.Clock.GetUtcNow().AddHours(1));
        var attackerAccount = h.MicroSns.AddAccount("attacker", "a@micro.example", "ATTACKER");

        Assert.ThrowsAsync<AccessDeniedException>(() => h.Identities.LinkSnsAsync(forged, SdkHarness.Micro, attackerAccount));

        Assert.That((await h.Identities.GetAsync(victim.ParticipantId))!.SnsLinks, Has.Count.EqualTo(1));
        Assert.That(await SessionRefusalsAsync(h), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_store_keeps_no_token_and_no_subject_in_clear()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina-subject-7781");
        var secret = mina.Token.Split('.')[2];

        var records = await h.Store.ListDocumentsAsync(SessionBook.Collection);
        Assert.That(records, Has.Count.EqualTo(1));
        Assert.That(records[0].Value, Does.Not.Contain(secret).And.Not.Contain("mina-subject-7781"));
    }

    [Test]
    public async Task Sessions_expired_for_a_day_are_purged_by_the_expiry_run()
    {
        await using var h = new SdkHarness(o => o.SessionLifetime = TimeSpan.FromHours(1));
        await h.SignInNewAsync("old");
        h.Clock.Advance(TimeSpan.FromHours(30));
        await h.SignInNewAsync("fresh");

        await h.Grants.EnforceExpiryAsync();

        Assert.That(await h.Store.ListDocumentsAsync(SessionBook.Collection), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_purge_runs_at_most_once_an_hour()
    {
        // The purge reads the whole collection, so it must not run on every expiry run (every relay cycle).
        await using var h = new SdkHarness(o => o.SessionLifetime = TimeSpan.FromHours(1));
        await h.SignInNewAsync("old");                       // expires at +1 h, purgeable after +25 h
        h.Clock.Advance(TimeSpan.FromHours(25));
        await h.Grants.EnforceExpiryAsync();                  // runs; "old" is not yet a day past expiry
        Assert.That(await h.Store.ListDocumentsAsync(SessionBook.Collection), Has.Count.EqualTo(1));

        h.Clock.Advance(TimeSpan.FromMinutes(30));
        await h.Grants.EnforceExpiryAsync();                  // "old" is purgeable now, but the purge ran 30 min ago
        Assert.That(await h.Store.ListDocumentsAsync(SessionBook.Collection), Has.Count.EqualTo(1));

        h.Clock.Advance(TimeSpan.FromMinutes(31));
        await h.Grants.EnforceExpiryAsync();
        Assert.That(await h.Store.ListDocumentsAsync(SessionBook.Collection), Is.Empty);
    }

    [Test]
    public async Task Erasure_deletes_the_session_records_and_refuses_the_sessions()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        var minaAgain = await h.SignIn.SignInAsync(SdkHarness.Social, h.SocialSns.AddAccount("mina-2", "@m2"));
        await h.SignInNewAsync("other");

        await h.Identities.EraseAsync(mina.ParticipantId);

        var left = await h.Store.ListDocumentsAsync(SessionBook.Collection);
        Assert.That(left, Has.Count.EqualTo(2), "the other two people's sessions stay");
        Assert.That(left.Any(r => r.Value.Contains(mina.ParticipantId, StringComparison.Ordinal)), Is.False);
        Assert.ThrowsAsync<AccessDeniedException>(() => h.SignIn.ResumeAsync(mina.Token));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Grants.VerifySessionAsync(mina, "anything"));
        Assert.That(await h.Grants.VerifySessionAsync(minaAgain, "anything"), Is.Not.Null);
    }
}
