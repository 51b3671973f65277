using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>An erased designer in the community-products programme, read back from the embedded shop and the store.</summary>
[TestFixture]
public sealed class ErasureTests
{
    [Test]
    public async Task Her_listing_goes_off_sale_her_account_is_anonymised_and_the_sales_still_settle()
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(20000m, "KRW"));
        await h.Program.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Daily);
        var manager = await h.SignIn.SignInAsync(ProgramHarness.Network, h.Sns.RegisterAccount("manager", "Manager", "en-US").Credential);
        await h.Program.AppointProductionManagerAsync(manager.ParticipantId);
        var from = h.Clock.GetUtcNow();
        h.Enterprise.PlaceOrder(listing.Id, "A buyer", 2);
        h.Clock.Advance(TimeSpan.FromHours(1));
        await h.Program.SyncAsync();
        var herAccount = (await h.Identities.GetAsync(session.ParticipantId))!.FindEnterpriseLink(ProgramHarness.System)!.AccountId;

        await h.Identities.EraseAsync(session.ParticipantId);

        var delisted = await h.Enterprise.GetListingAsync(listing.Id);
        Assert.That(delisted.Status, Is.EqualTo(ListingStatus.Delisted), "her listing is off sale");
        Assert.Throws<CoCreationConflictException>(() => h.Enterprise.PlaceOrder(listing.Id, "Another buyer", 1), "nobody can buy it any more");
        var account = await h.Enterprise.GetAccountAsync(herAccount);
        Assert.That(account.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(account.Login, Is.EqualTo(ErasedPerson.Login(herAccount)));
        Assert.That(account.IsActive, Is.False);

        // The sales stay with the company and can still be settled; the payout is recorded to the anonymised account.
        var settlement = await h.Program.SettleAsync(listing.Id, from, h.Clock.GetUtcNow());
        Assert.That(settlement.Gross, Is.EqualTo(new Money(40000m, "KRW")));
        Assert.That(h.Enterprise.GetPayouts(herAccount), Has.Count.EqualTo(1));

        // Her subscription is gone: no report is issued for her any more.
        h.Clock.Advance(TimeSpan.FromDays(2));
        Assert.That(await h.Program.RunDueReportsAsync(), Is.Empty);
        Assert.That(await h.Identities.GetAsync(manager.ParticipantId), Is.Not.Null, "the manager stays");
        Assert.That(h.DesignerInbox, Is.Not.Empty, "she was told things before erasure");
    }
}
