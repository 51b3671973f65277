namespace CoCreation.Sdk.Tests;

/// <summary>A grant with an idempotency key happens once, however many calls race, and changes the provider once.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GrantIdempotencyTests
{
    private static AccessGrantRequest Request(string participantId, string key, string resource = "programme") => new()
    {
        ParticipantId = participantId,
        Target = SdkHarness.ErpTarget(resource),
        Roles = ["member"],
        IdempotencyKey = key,
    };

    [TestCase(2)]
    [TestCase(20)]
    public async Task Racing_grants_with_one_key_grant_once_and_provision_once(int concurrent)
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");

        var grants = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(_ => Task.Run(() => h.Grants.GrantAsync(Request(mina.ParticipantId, "sign-up")))));

        Assert.That(grants.Select(g => g.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(await h.Grants.ListAsync(mina.ParticipantId, includeInactive: true), Has.Count.EqualTo(1));
        Assert.That(h.Enterprise.Provisioned, Has.Count.EqualTo(1), "the provider was asked once");
        Assert.That((await h.Audit.QueryAsync(mina.ParticipantId)).Count(a => a.Action == AuditAction.Granted), Is.EqualTo(1));
    }

    [Test]
    public async Task A_revoked_keyed_grant_is_returned_not_granted_again()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        var first = await h.Grants.GrantAsync(Request(mina.ParticipantId, "sign-up"));
        await h.Grants.RevokeAsync(first.Id, "left");

        var again = await h.Grants.GrantAsync(Request(mina.ParticipantId, "sign-up"));

        Assert.That(again.Id, Is.EqualTo(first.Id));
        Assert.That(again.Status, Is.EqualTo(GrantStatus.Revoked));
        Assert.That(h.Enterprise.Provisioned, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_key_reused_for_another_target_is_a_conflict()
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        await h.Grants.GrantAsync(Request(mina.ParticipantId, "k"));

        Assert.ThrowsAsync<CoCreationConflictException>(() => h.Grants.GrantAsync(Request(mina.ParticipantId, "k", resource: "other")));
        Assert.That(await h.Grants.ListAsync(mina.ParticipantId, includeInactive: true), Has.Count.EqualTo(1));
    }

    [TestCase("")]
    [TestCase(" ")]
    public async Task A_blank_key_is_refused_naming_the_field(string key)
    {
        await using var h = new SdkHarness();
        var mina = await h.SignInNewAsync("mina");
        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Grants.GrantAsync(Request(mina.ParticipantId, key)));
        Assert.That(error!.Field, Is.EqualTo(nameof(AccessGrantRequest.IdempotencyKey)));
        Assert.That(h.Enterprise.Provisioned, Is.Empty);
    }
}
