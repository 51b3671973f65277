using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tests.Preferences;

[TestFixture]
[Category("Unit")]
public sealed class DeliveryPreferencesApiTests
{
    [Test]
    public async Task A_person_changes_their_own_settings_with_their_session_and_the_store_holds_them_with_an_audit_line()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();

        var settings = await preferences.ChangeAsync(session, new DeliverySettingsChange
        {
            Kinds = new Dictionary<string, DeliveryMode> { ["Shipment"] = DeliveryMode.Digest, ["stock"] = DeliveryMode.Off },
            TimeZone = "Asia/Seoul",
            QuietFrom = new TimeOnly(22, 0),
            QuietUntil = new TimeOnly(7, 0),
            Locale = "en-us",
            PreferredNetwork = SdkHarness.Social,
        });

        var stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.Multiple(() =>
        {
            Assert.That(stored.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Digest));
            Assert.That(stored.Delivery.ModeFor("stock"), Is.EqualTo(DeliveryMode.Off));
            Assert.That(stored.Delivery.ModeFor("sale"), Is.EqualTo(DeliveryMode.Immediately));
            Assert.That(stored.Delivery.TimeZone, Is.EqualTo("Asia/Seoul"));
            Assert.That(stored.Delivery.QuietFrom, Is.EqualTo(new TimeOnly(22, 0)));
            Assert.That(stored.Delivery.QuietUntil, Is.EqualTo(new TimeOnly(7, 0)));
            Assert.That(stored.PreferredLocale, Is.EqualTo("en-US"));
            Assert.That(stored.PreferredNetwork, Is.EqualTo(SdkHarness.Social));
            Assert.That(settings.Version, Is.EqualTo(stored.Version));
            Assert.That(settings.Delivery, Is.EqualTo(stored.Delivery));
        });

        var audit = await sdk.Audit.QueryAsync(session.ParticipantId);
        var line = audit.Single(a => a.Action == AuditAction.PreferencesChanged);
        Assert.That(line.Detail, Does.Contain("shipment: Immediately → Digest").And.Contain("time zone: Asia/Seoul").And.Contain("locale: en-US"));

        // The same change again changes nothing and writes nothing.
        var version = stored.Version;
        await preferences.ChangeAsync(session, new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode> { ["shipment"] = DeliveryMode.Digest } });
        Assert.That((await sdk.Store.GetParticipantAsync(session.ParticipantId))!.Version, Is.EqualTo(version));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Count(a => a.Action == AuditAction.PreferencesChanged), Is.EqualTo(1));
    }

    [TestCase("Mars/Olympus_Mons", "change.TimeZone")]
    [TestCase("   ", "change.TimeZone")]
    [TestCase("locale:fr-FR", "change.Locale")]
    [TestCase("network:micro", "change.PreferredNetwork")]
    [TestCase("network:nowhere", "change.PreferredNetwork")]
    [TestCase("kind: ", "change.Kinds")]
    [TestCase("kind:ship ment", "change.Kinds")]
    [TestCase("quiet:from-only", "change.QuietUntil")]
    [TestCase("quiet:same", "change.QuietUntil")]
    public async Task A_bad_field_throws_the_typed_exception_naming_it_and_nothing_is_written(string bad, string field)
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();
        var before = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;

        // Every bad change also carries a good part, which must not be written either.
        var good = new Dictionary<string, DeliveryMode> { ["shipment"] = DeliveryMode.Off };
        var change = bad switch
        {
            _ when bad.StartsWith("locale:", StringComparison.Ordinal) => new DeliverySettingsChange { Kinds = good, Locale = bad["locale:".Length..] },
            _ when bad.StartsWith("network:", StringComparison.Ordinal) => new DeliverySettingsChange { Kinds = good, PreferredNetwork = bad["network:".Length..] },
            _ when bad.StartsWith("kind:", StringComparison.Ordinal) => new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode>(good) { [bad["kind:".Length..]] = DeliveryMode.Digest } },
            "quiet:from-only" => new DeliverySettingsChange { Kinds = good, QuietFrom = new TimeOnly(22, 0) },
            "quiet:same" => new DeliverySettingsChange { Kinds = good, QuietFrom = new TimeOnly(22, 0), QuietUntil = new TimeOnly(22, 0) },
            _ => new DeliverySettingsChange { Kinds = good, TimeZone = bad },
        };

        var thrown = Assert.ThrowsAsync<CoCreationValidationException>(() => preferences.ChangeAsync(session, change));
        Assert.That(thrown!.Field, Does.StartWith(field));

        var after = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        Assert.That(after.Version, Is.EqualTo(before.Version));
        Assert.That(after.Delivery.ModeFor("shipment"), Is.EqualTo(DeliveryMode.Immediately));
        Assert.That((await sdk.Audit.QueryAsync(session.ParticipantId)).Any(a => a.Action == AuditAction.PreferencesChanged), Is.False);
    }

    [Test]
    public async Task A_windows_time_zone_id_is_stored_as_its_iana_id_and_the_preferred_network_must_be_linked()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();

        var settings = await preferences.ChangeForAsync(session.ParticipantId, new DeliverySettingsChange { TimeZone = "Korea Standard Time" });
        Assert.That(settings.Delivery.TimeZone, Is.EqualTo("Asia/Seoul"));

        // Linked on micro now: it may be the preferred network.
        await sdk.Identities.LinkSnsAsync(session, SdkHarness.Micro, sdk.MicroSns.AddAccount("mj", "mj@micro.example"));
        settings = await preferences.ChangeForAsync(session.ParticipantId, new DeliverySettingsChange { PreferredNetwork = SdkHarness.Micro });
        Assert.That((await sdk.Store.GetParticipantAsync(session.ParticipantId))!.PreferredNetwork, Is.EqualTo(SdkHarness.Micro));
        Assert.That(settings.LinkedNetworks, Is.EquivalentTo(new[] { SdkHarness.Social, SdkHarness.Micro }));

        settings = await preferences.ChangeForAsync(session.ParticipantId, new DeliverySettingsChange { ClearPreferredNetwork = true, ClearTimeZone = true });
        Assert.That(settings.PreferredNetwork, Is.Null);
        Assert.That(settings.Delivery.TimeZone, Is.Null);
    }

    [Test]
    public async Task A_signed_out_session_is_refused_before_the_change_is_looked_at()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();
        await sdk.SignIn.SignOutAsync(session);

        Assert.ThrowsAsync<AccessDeniedException>(() => preferences.ChangeAsync(session, new DeliverySettingsChange { TimeZone = "Not/A_Zone" }));
        Assert.ThrowsAsync<AccessDeniedException>(() => preferences.GetAsync(session));
        Assert.That((await sdk.Store.GetParticipantAsync(session.ParticipantId))!.Delivery, Is.EqualTo(DeliveryPreferences.Default));
    }

    [Test]
    public async Task Unknown_participants_and_null_changes_are_refused_with_the_field_named()
    {
        await using var sdk = new SdkHarness();
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();

        var unknown = Assert.ThrowsAsync<CoCreationValidationException>(() => preferences.ChangeForAsync("nobody", new DeliverySettingsChange { TimeZone = "Asia/Seoul" }));
        Assert.That(unknown!.Field, Is.EqualTo("participantId"));
        var session = await sdk.SignInNewAsync("minji");
        var none = Assert.ThrowsAsync<CoCreationValidationException>(() => preferences.ChangeForAsync(session.ParticipantId, null!));
        Assert.That(none!.Field, Is.EqualTo("change"));
    }

    [Test]
    public async Task Changes_made_at_the_same_time_are_each_kept_or_refused_never_lost()
    {
        await using var sdk = new SdkHarness();
        var session = await sdk.SignInNewAsync("minji");
        var preferences = sdk.Services.GetRequiredService<IDeliveryPreferences>();
        var kinds = new[] { "shipment", "stock", "sale", "production", "settlement", "design" };

        // Each change reads, applies and writes with the version it read: the ones that collide are decided again.
        var outcomes = await Task.WhenAll(kinds.Select(kind => Task.Run(async () =>
        {
            try
            {
                await preferences.ChangeForAsync(session.ParticipantId, new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode> { [kind] = DeliveryMode.Off } });
                return (Kind: kind, Kept: true);
            }
            catch (CoCreationConflictException)
            {
                return (Kind: kind, Kept: false);
            }
        })));

        var stored = (await sdk.Store.GetParticipantAsync(session.ParticipantId))!;
        var kept = outcomes.Where(o => o.Kept).Select(o => o.Kind).ToArray();
        Assert.That(kept, Is.Not.Empty);
        Assert.That(stored.Delivery.Kinds.Keys, Is.EquivalentTo(kept), "every change that returned is stored, and no refused one");
        Assert.That(stored.Delivery.Kinds.Values, Is.All.EqualTo(DeliveryMode.Off));
        var audit = await sdk.Audit.QueryAsync(session.ParticipantId);
        Assert.That(audit.Count(a => a.Action == AuditAction.PreferencesChanged), Is.EqualTo(kept.Length), "one audit line per stored change");
    }
}
