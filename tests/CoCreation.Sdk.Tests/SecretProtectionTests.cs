using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Tests;

[TestFixture]
[Category("Unit")]
public sealed class SecretProtectionTests
{
    private const string Secret = "tok_live_4f9a1c7e-secret";

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static AesGcmSecretProtector Protector(string key) => new(new SecretProtectionOptions { Key = key });

    [Test]
    public void A_secret_comes_back_and_is_never_protected_the_same_way_twice()
    {
        using var protector = Protector(NewKey());

        var first = protector.Protect(Secret);
        var second = protector.Protect(Secret);

        Assert.That(protector.Unprotect(first), Is.EqualTo(Secret));
        Assert.That(protector.Unprotect(second), Is.EqualTo(Secret));
        Assert.That(first, Is.Not.EqualTo(second), "each value has its own nonce");
        Assert.That(first, Does.StartWith("v1."));
        Assert.That(first, Does.Not.Contain(Secret));
        Assert.That(protector.Unprotect(protector.Protect("")), Is.Empty);
        Assert.That(protector.Unprotect(protector.Protect("비밀 ✓")), Is.EqualTo("비밀 ✓"));
    }

    [Test]
    public void A_value_from_another_key_fails_clearly_without_showing_the_secret()
    {
        using var writer = Protector(NewKey());
        using var reader = Protector(NewKey());
        var stored = writer.Protect(Secret);

        var ex = Assert.Throws<CoCreationException>(() => reader.Unprotect(stored));

        Assert.That(ex!.Message, Does.Contain("another key"));
        Assert.That(ex.ToString(), Does.Not.Contain(Secret));
    }

    [Test]
    public void An_altered_or_foreign_value_fails_clearly_without_echoing_it()
    {
        using var protector = Protector(NewKey());
        var stored = protector.Protect(Secret);
        var altered = stored[..^2] + (stored[^2] == 'A' ? "B" : "A") + stored[^1];

        var tampered = Assert.Throws<CoCreationException>(() => protector.Unprotect(altered));
        var plain = Assert.Throws<CoCreationException>(() => protector.Unprotect(Secret));
        var truncated = Assert.Throws<CoCreationException>(() => protector.Unprotect("v1.AAAA"));

        Assert.That(tampered!.Message, Does.Contain("altered or is damaged"));
        Assert.That(plain!.Message, Does.Not.Contain(Secret).And.Not.Contain("tok_"));
        Assert.That(truncated!.Message, Does.Contain("too short"));
    }

    [TestCase(null, "missing")]
    [TestCase("   ", "missing")]
    [TestCase("not base64 !!", "not valid base64")]
    [TestCase("c2hvcnQta2V5", "it is 9 bytes")]
    public void A_missing_or_bad_key_is_refused_naming_the_setting_but_not_showing_the_key(string? key, string reason)
    {
        var ex = Assert.Throws<CoCreationValidationException>(() => Protector(key!).Dispose());

        Assert.That(ex!.Field, Is.EqualTo("SecretProtection.Key"));
        Assert.That(ex.Message, Does.Contain(reason));
        if (!string.IsNullOrWhiteSpace(key))
        {
            Assert.That(ex.Message, Does.Not.Contain(key));
        }
    }

    [Test]
    public void A_bad_key_is_refused_at_registration_and_a_missing_one_when_the_options_are_built()
    {
        var atRegistration = Assert.Throws<CoCreationValidationException>(() =>
            new ServiceCollection().AddCoCreation().AddSecretProtection(o => o.Key = Convert.ToBase64String(new byte[16])));

        var services = new ServiceCollection();
        services.AddCoCreation().AddSecretProtection();
        using var provider = services.BuildServiceProvider();
        var atStart = Assert.Throws<CoCreationValidationException>(() => _ = provider.GetRequiredService<IOptions<SecretProtectionOptions>>().Value);

        Assert.That(atRegistration!.Message, Does.Contain("16 bytes"));
        Assert.That(atStart!.Message, Does.Contain("missing"));
    }

    [Test]
    public async Task Secrets_are_stored_protected_read_back_and_deleted()
    {
        var services = new ServiceCollection();
        var key = NewKey();
        services.AddCoCreation().AddSecretProtection(o => o.Key = key);
        await using var provider = services.BuildServiceProvider();
        var secrets = provider.GetRequiredService<ICoCreationSecrets>();
        var store = provider.GetRequiredService<ICoCreationStore>();

        await secrets.PutAsync("mastodon:brand-token", Secret);
        var document = await store.GetDocumentAsync("cocreation.secrets", "mastodon:brand-token");
        var read = await secrets.GetAsync("mastodon:brand-token");
        await secrets.DeleteAsync("mastodon:brand-token");

        Assert.That(document, Does.Contain("v1.").And.Not.Contain(Secret));
        Assert.That(read, Is.EqualTo(Secret));
        Assert.That(await secrets.GetAsync("mastodon:brand-token"), Is.Null);
        Assert.That(await secrets.GetAsync("never-stored"), Is.Null);
        Assert.ThrowsAsync<CoCreationValidationException>(() => secrets.PutAsync(" ", Secret));
    }

    [Test]
    public async Task Another_protector_can_be_plugged_in_and_then_needs_no_key()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().UseSecretProtector(new ReversingProtector()).AddSecretProtection();
        await using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<SecretProtectionOptions>>().Value;
        var secrets = provider.GetRequiredService<ICoCreationSecrets>();

        await secrets.PutAsync("webhook", "abc");

        Assert.That(await provider.GetRequiredService<ICoCreationStore>().GetDocumentAsync("cocreation.secrets", "webhook"), Does.Contain("cba"));
        Assert.That(await secrets.GetAsync("webhook"), Is.EqualTo("abc"));
    }

    private sealed class ReversingProtector : ISecretProtector
    {
        public string Protect(string secret) => new([.. secret.Reverse()]);

        public string Unprotect(string protectedValue) => new([.. protectedValue.Reverse()]);
    }
}
