using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Shared;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The programme's trust boundary on the embedded providers: sessions are verified on every participant call,
/// the sign-up grant happens once however many first submissions race, and idempotency keys make retried
/// submissions and production requests safe. Effects are read back from the embedded shop and SNS.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class TrustBoundaryTests
{
    [Test]
    public async Task A_session_altered_to_name_the_designer_cannot_change_her_price()
    {
        await using var h = new ProgramHarness();
        var (designer, _, listing) = await h.ListedProductAsync(new Money(50_000m, "KRW"));
        var mallory = h.Sns.RegisterAccount("mallory");
        var malloryOwn = await h.SignIn.SignInAsync(ProgramHarness.Network, mallory.Credential);

        var asDesigner = SessionForgery.Alter(malloryOwn, participant: designer.Participant, identity: designer.Identity);
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SetPriceAndTermsAsync(asDesigner, listing.Id, new Money(1m, "KRW"), "free"));
        var forged = SessionForgery.Forge(designer.Participant, designer.Identity, h.Clock.GetUtcNow().AddHours(1));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SetPriceAndTermsAsync(forged, listing.Id, new Money(1m, "KRW"), "free"));

        // Read back from the shop: the price is the designer's.
        var atShop = await h.Enterprise.GetListingAsync(listing.Id);
        Assert.That(atShop.Price, Is.EqualTo(new Money(50_000m, "KRW")));
        var denials = (await h.Audit.QueryAsync()).Where(a => a.Action == AuditAction.Denied).ToList();
        Assert.That(denials, Has.Count.EqualTo(2));
        Assert.That(denials.All(d => d.Detail!.StartsWith("session refused", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task An_expired_session_re_dated_signs_nobody_up()
    {
        await using var h = new ProgramHarness();
        var session = await h.SignInDesignerAsync();
        h.Clock.Advance(TimeSpan.FromHours(13));

        var redated = SessionForgery.Alter(session, expiresAt: h.Clock.GetUtcNow().AddHours(12));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SubmitDesignAsync(redated, new DesignSubmission { Title = "Coat", Description = "Wool" }));
        Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Coat", Description = "Wool" }));

        Assert.That(await h.Grants.ListAsync(session.ParticipantId, includeInactive: true), Is.Empty);
        Assert.That(h.Enterprise.AllEvents.Where(e => e.Type == CoCreationEventTypes.DesignSubmitted), Is.Empty);
        Assert.That(h.DesignerInbox, Is.Empty);
    }

    [TestCase(2, "memory")]
    [TestCase(20, "memory")]
    [TestCase(2, "interleaving")]
    [TestCase(20, "interleaving")]
    [TestCase(2, "sqlite")]
    [TestCase(20, "sqlite")]
    public async Task Concurrent_first_submissions_grant_the_member_role_once(int concurrent, string store)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cocreation-race-{Guid.NewGuid():N}.db");
        await using var h = new ProgramHarness(build: b =>
        {
            switch (store)
            {
                case "sqlite":
                    b.UseSqlite($"Data Source={file}");
                    break;
                case "interleaving":
                    // Every store call really waits, so the racing calls interleave between check and grant.
                    b.UseStore(_ => new InterleavingStore(new InMemoryCoCreationStore()));
                    break;
            }
        });
        var session = await h.SignInDesignerAsync();

        var designs = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(i => Task.Run(() =>
            h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = $"Design {i}", Description = "Cotton" }))));

        Assert.That(designs.Select(d => d.Id).Distinct().Count(), Is.EqualTo(concurrent), "every distinct design is registered");
        var grants = await h.Grants.ListAsync(session.ParticipantId, includeInactive: true);
        Assert.That(grants, Has.Count.EqualTo(1));
        Assert.That(grants[0].Roles, Is.EqualTo(new[] { EnterpriseRoles.Member }));
        var granted = (await h.Audit.QueryAsync(session.ParticipantId)).Where(a => a.Action == AuditAction.Granted).ToList();
        Assert.That(granted, Has.Count.EqualTo(1));

        // Before any sync only the sign-up message can have been sent: exactly one reached her inbox.
        Assert.That(h.DesignerInbox, Has.Count.EqualTo(1));

        // At the enterprise system: one account, with the member role.
        var participant = await h.Identities.GetAsync(session.ParticipantId);
        var account = await h.Enterprise.GetAccountAsync(participant!.FindEnterpriseLink(ProgramHarness.System)!.AccountId);
        Assert.That(account.Roles, Is.EquivalentTo(new[] { EnterpriseRoles.Member }));
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.DesignSubmitted), Is.EqualTo(concurrent));
    }

    [Test]
    public async Task A_submission_retried_with_its_key_registers_one_design()
    {
        await using var h = new ProgramHarness();
        var session = await h.SignInDesignerAsync();
        var submission = new DesignSubmission { Title = "Linen dress", Description = "Wrap dress", IdempotencyKey = "dress-1" };

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => h.Program.SubmitDesignAsync(session, submission))));
        var again = await h.Program.SubmitDesignAsync(session, submission);

        Assert.That(results.Select(d => d.Id).Append(again.Id).Distinct().Count(), Is.EqualTo(1));
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.DesignSubmitted), Is.EqualTo(1), "the shop holds one design");
        Assert.That((await h.Enterprise.GetDesignAsync(again.Id)).Title, Is.EqualTo("Linen dress"));

        // The same key for a different design is a conflict, and nothing is registered.
        Assert.ThrowsAsync<CoCreationConflictException>(() => h.Program.SubmitDesignAsync(session, submission with { Title = "Other" }));
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.DesignSubmitted), Is.EqualTo(1));

        // A new key is a new design.
        await h.Program.SubmitDesignAsync(session, submission with { IdempotencyKey = "dress-2" });
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.DesignSubmitted), Is.EqualTo(2));
    }

    [Test]
    public async Task A_production_request_retried_with_its_key_orders_once()
    {
        await using var h = new ProgramHarness();
        var session = await h.SignInDesignerAsync();
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });
        await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));
        var request = new ProductionRequest { DesignId = design.Id, Quantity = 30, Plan = "S/M/L", IdempotencyKey = "plan-1" };

        var first = await h.Program.RequestProductionAsync(session, request);
        var retry = await h.Program.RequestProductionAsync(session, request);

        Assert.That(retry.Id, Is.EqualTo(first.Id));
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.ProductionRequested), Is.EqualTo(1));
        Assert.That((await h.Enterprise.GetProductionOrderAsync(first.Id)).Quantity, Is.EqualTo(30));
        Assert.ThrowsAsync<CoCreationConflictException>(() => h.Program.RequestProductionAsync(session, request with { Quantity = 31 }));
        Assert.That(h.Enterprise.AllEvents.Count(e => e.Type == CoCreationEventTypes.ProductionRequested), Is.EqualTo(1));
    }

    [TestCase("")]
    [TestCase("  ")]
    public async Task A_blank_or_long_idempotency_key_is_refused_naming_the_field(string key)
    {
        await using var h = new ProgramHarness();
        var session = await h.SignInDesignerAsync();

        var blank = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "T", Description = "D", IdempotencyKey = key }));
        Assert.That(blank!.Field, Is.EqualTo("DesignSubmission.IdempotencyKey"));
        var tooLong = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "T", Description = "D", IdempotencyKey = new string('k', 201) }));
        Assert.That(tooLong!.Field, Is.EqualTo("DesignSubmission.IdempotencyKey"));

        Assert.That(await h.Grants.ListAsync(session.ParticipantId, includeInactive: true), Is.Empty, "refused before anything was written");
    }

    [Test]
    public async Task A_revoked_member_is_not_signed_up_again_by_a_keyed_grant()
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(10_000m, "KRW"));
        await h.Program.EndSalesAsync(listing.Id, "season over");

        Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Again", Description = "D" }));
        var grants = await h.Grants.ListAsync(session.ParticipantId, includeInactive: true);
        Assert.That(grants.Count(g => g.Roles.Contains(EnterpriseRoles.Member)), Is.EqualTo(1));
        Assert.That(grants.All(g => g.Status == GrantStatus.Revoked), Is.True);
    }
}
