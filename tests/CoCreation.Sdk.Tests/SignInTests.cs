using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class SignInTests
{
    [Test]
    public async Task Unknown_credential_is_refused_audited_and_creates_no_participant()
    {
        await using var sdk = new SdkHarness();

        var ex = Assert.ThrowsAsync<CredentialException>(() => sdk.SignIn.SignInAsync(SdkHarness.Social, new SnsCredential("not-a-token")));

        Assert.That(ex!.Message, Does.Not.Contain("not-a-token"));
        var audit = await sdk.Audit.QueryAsync();
        Assert.That(audit.Select(a => a.Action), Is.EqualTo(new[] { AuditAction.SignInRefused }));
        Assert.That(audit[0].ParticipantId, Is.EqualTo("-"));
        Assert.That(audit[0].Detail ?? "", Does.Not.Contain("not-a-token"));
    }

    [Test]
    public async Task Expired_credential_is_refused_and_creates_no_participant()
    {
        await using var sdk = new SdkHarness();
        var credential = sdk.SocialSns.AddAccount("minji", "minji@social.example");
        sdk.SocialSns.Expire(credential);

        Assert.ThrowsAsync<CredentialException>(() => sdk.SignIn.SignInAsync(SdkHarness.Social, credential));

        Assert.That(await sdk.Identities.FindBySnsAsync(SdkHarness.Social, "minji"), Is.Null);
        Assert.That((await sdk.Audit.QueryAsync()).Any(a => a.Action == AuditAction.SignedIn), Is.False);
    }

    [Test]
    public async Task Signing_in_twice_finds_the_same_participant()
    {
        await using var sdk = new SdkHarness();
        var credential = sdk.SocialSns.AddAccount("minji", "minji@social.example", "Minji Kim", "en-US");

        var first = await sdk.SignIn.SignInAsync(SdkHarness.Social, credential);
        sdk.Clock.Advance(TimeSpan.FromHours(1));
        var second = await sdk.SignIn.SignInAsync(SdkHarness.Social, credential);

        Assert.That(second.ParticipantId, Is.EqualTo(first.ParticipantId));
        Assert.That(second.SessionId, Is.Not.EqualTo(first.SessionId));
        Assert.That(first.Participant.DisplayName, Is.EqualTo("Minji Kim"));
        Assert.That(first.Participant.PreferredLocale, Is.EqualTo("en-US"));
        Assert.That(first.Participant.Version, Is.EqualTo(1));
        Assert.That(second.ExpiresAt, Is.EqualTo(SdkHarness.Start + TimeSpan.FromHours(13)));
        var stored = await sdk.Identities.FindBySnsAsync(SdkHarness.Social, "minji");
        Assert.That(stored!.Id, Is.EqualTo(first.ParticipantId));
        var audit = await sdk.Audit.QueryAsync(first.ParticipantId);
        Assert.That(audit.Count(a => a.Action == AuditAction.SignedIn), Is.EqualTo(2));
    }

    [Test]
    public async Task New_participant_gets_the_default_locale_when_the_network_names_an_unsupported_one()
    {
        await using var sdk = new SdkHarness(o => o.DefaultLocale = "en-US");

        var session = await sdk.SignInNewAsync("pierre", locale: "fr-FR");

        Assert.That(session.Participant.PreferredLocale, Is.EqualTo("en-US"));
    }

    [Test]
    public async Task Session_lists_the_grants_active_at_sign_in()
    {
        await using var sdk = new SdkHarness();
        var credential = sdk.SocialSns.AddAccount("minji", "minji@social.example");
        var first = await sdk.SignIn.SignInAsync(SdkHarness.Social, credential);
        var grant = await sdk.GrantErpAsync(first.ParticipantId, "member");

        var second = await sdk.SignIn.SignInAsync(SdkHarness.Social, credential);

        Assert.That(first.Grants, Is.Empty);
        Assert.That(second.Grants.Select(g => g.Id), Is.EqualTo(new[] { grant.Id }));
    }

    [Test]
    public async Task Unknown_network_is_a_validation_error_naming_the_network()
    {
        await using var sdk = new SdkHarness();

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => sdk.SignIn.SignInAsync("nowhere", new SnsCredential("t")));

        Assert.That(ex!.Field, Is.EqualTo("network"));
    }

    [Test]
    public async Task A_changed_handle_is_updated_on_the_link()
    {
        await using var sdk = new SdkHarness();
        var first = await sdk.SignInNewAsync("minji");
        var renamed = sdk.SocialSns.AddAccount("minji", "minji.kim@social.example");

        var second = await sdk.SignIn.SignInAsync(SdkHarness.Social, renamed);

        Assert.That(second.ParticipantId, Is.EqualTo(first.ParticipantId));
        Assert.That(second.Participant.SnsLinks.Single().Handle, Is.EqualTo("minji.kim@social.example"));
        Assert.That((await sdk.Identities.GetAsync(first.ParticipantId))!.Version, Is.EqualTo(2));
    }
}
