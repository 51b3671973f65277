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
public sealed class TrytonErasureTests : TrytonStoryFixture
{
    [Test]
    public async Task Erasing_the_designer_anonymises_her_tryton_user_and_party_and_keeps_the_business_records()
    {
        await Story.RunThroughAsync(4);
        var userId = await Story.DesignerUserIdAsync();
        var before = await Story.Tryton.ReadOneAsync("res.user", userId, "login", "name", "employees");
        var login = before!["login"]!.GetValue<string>();
        var name = before["name"]!.GetValue<string>();
        Assert.That(name, Does.StartWith("Designer "), "the user carried her name before erasure");
        Assert.That(Story.Program.Enterprise.Capabilities.SupportsAccountErasure, Is.True);

        await Story.Identities.EraseAsync(Story.Session!.ParticipantId);

        var user = await Story.Tryton.ReadOneAsync("res.user", userId, "login", "name", "email", "active", "employees");
        Assert.That(user, Is.Not.Null, "the user record stays, so her work stays attributed to an account");
        Assert.That(user!["name"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(user["login"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.Login(userId.ToString(CultureInfo.InvariantCulture))));
        Assert.That(user["email"] is null || user["email"]!.GetValueKind() != System.Text.Json.JsonValueKind.String || string.IsNullOrEmpty(user["email"]!.GetValue<string>()), Is.True, "no e-mail is left");
        Assert.That(user["active"]!.GetValue<int>(), Is.EqualTo(0), "inactive in Tryton");
        Assert.That(await Story.Tryton.GroupNamesAsync(userId), Has.None.AnyOf("Product Administration", "Production", "Sales"), "no mapped group is left");

        var byOldLogin = await Story.Tryton.CallWithContextAsync("model.res.user.search", new JsonObject { ["active_test"] = false },
            new JsonArray(new JsonArray("login", "=", login)), 0, null, null);
        Assert.That(byOldLogin!.AsArray(), Is.Empty, "no user answers to her login any more");
        var byOldName = await Story.Tryton.CallWithContextAsync("model.party.party.search", new JsonObject { ["active_test"] = false },
            new JsonArray(new JsonArray("name", "=", name)), 0, null, null);
        Assert.That(byOldName!.AsArray(), Is.Empty, "no party carries her name any more");

        var employee = user["employees"]!.AsArray().Select(e => e!.GetValue<long>()).First();
        var party = (await Story.Tryton.ReadOneAsync("company.employee", employee, "party"))!["party"]!.GetValue<long>();
        Assert.That((await Story.Tryton.ReadOneAsync("party.party", party, "name"))!["name"]!.GetValue<string>(), Is.EqualTo(ErasedPerson.AccountDisplayName));

        var production = await Story.Tryton.ReadOneAsync("production", long.Parse(Story.FirstOrder!.Id, CultureInfo.InvariantCulture), "state");
        Assert.That(production, Is.Not.Null, "business records stay");
        Assert.That(await Story.Identities.GetAsync(Story.Session.ParticipantId), Is.Null, "the participant is gone from the SDK");

        // Erasure is idempotent at Tryton too: anonymising again changes nothing and does not fail.
        var again = await ((IEnterpriseAccountErasure)Story.Program.Enterprise).AnonymizeAccountAsync(
            new EnterpriseAccount { System = TrytonStory.System, AccountId = userId.ToString(CultureInfo.InvariantCulture), Login = "x" });
        Assert.That(again.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(again.IsActive, Is.False);
    }
}
