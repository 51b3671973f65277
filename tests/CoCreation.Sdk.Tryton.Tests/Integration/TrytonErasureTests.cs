using System.Globalization;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Tryton.Tests.Integration;

/// <summary>
/// Erasing a designer anonymises her Tryton user, read back from Tryton with the test's own JSON-RPC client: the
/// name, login and e-mail that named her are gone, the user is inactive, and the productions she requested stay.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class TrytonErasureTests
{
    private TrytonStory _story = null!;

    [SetUp]
    public void SetUp() => _story = new TrytonStory();

    [TearDown]
    public async Task TearDown()
    {
        // Null when SetUp found no Tryton peer and ignored the test.
        if (_story is not null)
        {
            await _story.DisposeAsync();
        }
    }

    [Test]
    public async Task Erasing_the_designer_anonymises_her_tryton_user_and_party_and_keeps_the_business_records()
    {
        await _story.RunThroughAsync(4);
        var userId = await _story.DesignerUserIdAsync();
        var before = await _story.Tryton.ReadOneAsync("res.user", userId, "login", "name", "employees");
        var login = before!["login"]!.GetValue<string>();
        var name = before["name"]!.GetValue<string>();
        Assert.That(name, Does.StartWith("Designer "), "the user carried her name before erasure");
        Assert.That(_story.Program.Enterprise.Capabilities.SupportsAccountErasure, Is.True);

        await _story.Identities.EraseAsync(_story.Session!.ParticipantId);

        var user = await _story.Tryton.ReadOneAsync("res.user", userId, "login", "name", "email", "active", "employees");
        Assert.That(user, Is.Not.Null, "the user record stays, so her work stays attributed to an account");
        Assert.That(user!["name"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(user["login"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.Login(userId.ToString(CultureInfo.InvariantCulture))));
        Assert.That(user["email"] is null || user["email"]!.GetValueKind() != System.Text.Json.JsonValueKind.String || string.IsNullOrEmpty(user["email"]!.GetValue<string>()), Is.True, "no e-mail is left");
        Assert.That(user["active"]!.GetValue<int>(), Is.EqualTo(0), "inactive in Tryton");
        Assert.That(await _story.Tryton.GroupNamesAsync(userId), Has.None.AnyOf("Product Administration", "Production", "Sales"), "no mapped group is left");

        var byOldLogin = await _story.Tryton.CallWithContextAsync("model.res.user.search", new JsonObject { ["active_test"] = false },
            new JsonArray(new JsonArray("login", "=", login)), 0, null, null);
        Assert.That(byOldLogin!.AsArray(), Is.Empty, "no user answers to her login any more");
        var byOldName = await _story.Tryton.CallWithContextAsync("model.party.party.search", new JsonObject { ["active_test"] = false },
            new JsonArray(new JsonArray("name", "=", name)), 0, null, null);
        Assert.That(byOldName!.AsArray(), Is.Empty, "no party carries her name any more");

        var employee = user["employees"]!.AsArray().Select(e => e!.GetValue<long>()).First();
        var party = (await _story.Tryton.ReadOneAsync("company.employee", employee, "party"))!["party"]!.GetValue<long>();
        Assert.That((await _story.Tryton.ReadOneAsync("party.party", party, "name"))!["name"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.AccountDisplayName));

        var production = await _story.Tryton.ReadOneAsync("production", long.Parse(_story.FirstOrder!.Id, CultureInfo.InvariantCulture), "state");
        Assert.That(production, Is.Not.Null, "business records stay");
        Assert.That(await _story.Identities.GetAsync(_story.Session.ParticipantId), Is.Null, "the participant is gone from the SDK");

        // Erasure is idempotent at Tryton too: anonymising again changes nothing and does not fail.
        var again = await ((IEnterpriseAccountErasure)_story.Program.Enterprise).AnonymizeAccountAsync(
            new EnterpriseAccount { System = TrytonStory.System, AccountId = userId.ToString(CultureInfo.InvariantCulture), Login = "x" });
        Assert.That(again.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(again.IsActive, Is.False);
    }
}
