using Microsoft.Extensions.DependencyInjection;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Scenarios.Tests;

[TestFixture]
[Category("Unit")]
public sealed class CommunityProductProgramTests
{
    [Test]
    public async Task An_empty_design_is_refused_before_the_participant_is_signed_up()
    {
        await using var h = new ProgramHarness();
        var session = await h.SignInDesignerAsync();
        var events = h.Enterprise.AllEvents.Count;

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = " ", Description = "x" }));

        Assert.That(error!.Field, Is.EqualTo("DesignSubmission.Title"));
        Assert.That((await h.Identities.GetAsync(session.ParticipantId))!.EnterpriseLinks, Is.Empty, "no account was provisioned");
        Assert.That(await h.Grants.ListAsync(session.ParticipantId, includeInactive: true), Is.Empty);
        Assert.That(h.Enterprise.AllEvents, Has.Count.EqualTo(events));
    }

    [TestCase(0)]
    [TestCase(-5)]
    public async Task A_quantity_not_above_zero_is_refused_and_nothing_is_ordered(int quantity)
    {
        await using var h = new ProgramHarness();
        var (session, design, _) = await h.ListedProductAsync(new Money(1000m, "KRW"));
        var events = h.Enterprise.AllEvents.Count;

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = quantity, Plan = "p" }));

        Assert.That(error!.Field, Is.EqualTo("ProductionRequest.Quantity"));
        Assert.That(h.Enterprise.AllEvents, Has.Count.EqualTo(events));
    }

    [TestCase(0)]
    [TestCase(-1000)]
    public async Task A_price_not_above_zero_is_refused_and_the_listing_keeps_its_price(decimal amount)
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SetPriceAndTermsAsync(session, listing.Id, new Money(amount, "KRW"), "terms"));

        Assert.That(error!.Field, Is.EqualTo("price.Amount"));
        Assert.That((await h.Enterprise.GetListingAsync(listing.Id)).Price, Is.EqualTo(new Money(1000m, "KRW")));
    }

    [Test]
    public void An_unknown_currency_is_refused_when_the_amount_is_made()
    {
        var error = Assert.Throws<CoCreationValidationException>(() => _ = new Money(10m, "XYZ"));
        Assert.That(error!.Field, Is.EqualTo("Currency"));
        Assert.That(error.Message, Does.Contain("XYZ"));
    }

    [Test]
    public async Task A_price_with_more_decimals_than_the_currency_is_refused()
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SetPriceAndTermsAsync(session, listing.Id, new Money(999.5m, "KRW"), "terms"));

        Assert.That(error!.Field, Is.EqualTo("price.Amount"));
    }

    [Test]
    public async Task A_session_without_a_grant_is_denied_and_the_denial_is_audited()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));
        var stranger = h.Sns.RegisterAccount("stranger");
        var session = await h.SignIn.SignInAsync(ProgramHarness.Network, stranger.Credential);

        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.SetPriceAndTermsAsync(session, listing.Id, new Money(5m, "KRW"), "mine now"));

        Assert.That(denied!.ParticipantId, Is.EqualTo(session.ParticipantId));
        var audit = await h.Audit.QueryAsync(session.ParticipantId);
        Assert.That(audit.Select(a => a.Action), Does.Contain(AuditAction.Denied));
        Assert.That((await h.Enterprise.GetListingAsync(listing.Id)).Price, Is.EqualTo(new Money(1000m, "KRW")));
    }

    [Test]
    public async Task An_expired_grant_is_denied_and_the_account_is_deprovisioned_at_the_provider()
    {
        await using var h = new ProgramHarness(o => o.GrantLifetime = TimeSpan.FromDays(30));
        var (session, design, _) = await h.ListedProductAsync(new Money(1000m, "KRW"));
        h.Clock.Advance(TimeSpan.FromDays(31));
        // Her SNS token has expired too; she signs in again with a fresh one.
        session = await h.SignIn.SignInAsync(ProgramHarness.Network, h.Sns.IssueCredential(h.Designer.Subject));

        var denied = Assert.ThrowsAsync<AccessDeniedException>(() => h.Program.RequestProductionAsync(session, new ProductionRequest { DesignId = design.Id, Quantity = 1, Plan = "p" }));

        Assert.That(denied!.Reason, Does.Contain("expired"));
        await h.Program.SyncAsync();
        var link = (await h.Identities.GetAsync(session.ParticipantId))!.FindEnterpriseLink(ProgramHarness.System)!;
        var account = await h.Enterprise.GetAccountAsync(link.AccountId);
        Assert.That(account.IsActive, Is.False);
        var audit = await h.Audit.QueryAsync(session.ParticipantId);
        Assert.That(audit.Select(a => a.Action), Does.Contain(AuditAction.Expired));
    }

    [Test]
    public async Task Settlement_rounds_once_to_the_minor_unit_half_away_from_zero()
    {
        await using var h = new ProgramHarness(o => o.DesignerShare = 0.15m);
        var (_, _, listing) = await h.ListedProductAsync(new Money(10.10m, "USD"));
        var from = h.Clock.GetUtcNow();
        h.Enterprise.PlaceOrder(listing.Id, "buyer", 3);
        h.Clock.Advance(TimeSpan.FromHours(1));

        var settlement = await h.Program.SettleAsync(listing.Id, from, h.Clock.GetUtcNow());

        // 3 × 10.10 = 30.30; × 0.15 = 4.545 → 4.55 (half away from zero; banker's rounding would give 4.54).
        Assert.That(settlement.Gross, Is.EqualTo(new Money(30.30m, "USD")));
        Assert.That(settlement.Share, Is.EqualTo(new Money(4.55m, "USD")));
        Assert.That(h.Enterprise.GetPayouts(listing.OwnerAccountId).Single().Amount, Is.EqualTo(new Money(4.55m, "USD")));
    }

    [Test]
    public async Task Settling_a_period_that_has_not_ended_is_refused()
    {
        await using var h = new ProgramHarness();
        var (_, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));

        var error = Assert.ThrowsAsync<CoCreationValidationException>(() => h.Program.SettleAsync(listing.Id, h.Clock.GetUtcNow(), h.Clock.GetUtcNow().AddDays(1)));

        Assert.That(error!.Field, Is.EqualTo("periodEnd"));
        Assert.That(h.Enterprise.GetPayouts(listing.OwnerAccountId), Is.Empty);
    }

    [Test]
    public async Task Weekly_reports_fall_on_monday_at_nine_in_the_programme_time_zone()
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));

        var subscription = await h.Program.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Weekly);

        var local = subscription.NextDueAt.ToOffset(TimeSpan.FromHours(9));
        Assert.That(local.DayOfWeek, Is.EqualTo(DayOfWeek.Monday));
        Assert.That(local.Hour, Is.EqualTo(9));
        Assert.That(subscription.NextDueAt, Is.GreaterThan(h.Clock.GetUtcNow()));
        Assert.That(subscription.NextDueAt - h.Clock.GetUtcNow(), Is.LessThanOrEqualTo(TimeSpan.FromDays(7)));
    }

    [Test]
    public async Task Missed_report_periods_are_each_issued_once()
    {
        await using var h = new ProgramHarness();
        var (session, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));
        await h.Program.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Daily);
        h.Clock.Advance(TimeSpan.FromDays(3));

        var first = await h.Program.RunDueReportsAsync();
        var second = await h.Program.RunDueReportsAsync();

        Assert.That(first, Has.Count.EqualTo(3));
        Assert.That(second, Is.Empty);
        Assert.That(h.DesignerInbox.Count(t => t.Contains("Daily report", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public async Task The_relay_worker_issues_due_reports_without_the_app_calling_the_programme()
    {
        var cycleDone = new CycleSignal();
        await using var h = new ProgramHarness(withRelayWorker: true, services: s => s.AddSingleton<ICoCreationScheduledWork>(cycleDone));
        var (session, _, listing) = await h.ListedProductAsync(new Money(1000m, "KRW"));
        var subscription = await h.Program.SubscribeToReportsAsync(session, listing.Id, ReportFrequency.Daily);
        h.Clock.SetUtcNow(subscription.NextDueAt);
        var worker = h.HostedServices.Single();

        await worker.StartAsync(CancellationToken.None);
        // Scheduled work runs in registration order, so the signal fires after the programme's reports ran.
        await cycleDone.Ran.WaitAsync(TimeSpan.FromSeconds(30));
        await worker.StopAsync(CancellationToken.None);

        Assert.That(h.DesignerInbox.Count(t => t.Contains("Daily report", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    private sealed class CycleSignal : ICoCreationScheduledWork
    {
        private readonly TaskCompletionSource _ran = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Ran => _ran.Task;

        public Task RunDueAsync(CancellationToken cancellationToken = default)
        {
            _ran.TrySetResult();
            return Task.CompletedTask;
        }
    }

    [Test]
    public async Task Syncing_twice_sends_each_message_once()
    {
        await using var h = new ProgramHarness();
        await h.ListedProductAsync(new Money(1000m, "KRW"));
        var before = h.DesignerInbox.Count;

        await h.Program.SyncAsync();
        await h.Program.SyncAsync();

        Assert.That(before, Is.GreaterThan(3));
        Assert.That(h.DesignerInbox, Has.Count.EqualTo(before));
        Assert.That(h.DesignerInbox.Distinct().Count(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_network_answering_429_is_retried_after_its_retry_after_then_delivered()
    {
        await using var h = new ProgramHarness(snsOptions: new EmbeddedSnsOptions { RateLimitPerWindow = 2, RateLimitWindow = TimeSpan.FromMinutes(1) });
        var session = await h.SignInDesignerAsync();
        var design = await h.Program.SubmitDesignAsync(session, new DesignSubmission { Title = "Scarf", Description = "Silk" });
        await h.Program.ReviewDesignAsync(design.Id, new DesignReview(true));

        // Grant notices and the review use up the brand's 2 writes a minute; the review notice waits.
        var results = await h.Program.SyncAsync();
        var deliveries = results.SelectMany(r => r.Deliveries).ToList();
        var pending = (await h.Relay.DeliverDueAsync());
        var inboxBefore = h.DesignerInbox.Count;

        Assert.That(inboxBefore, Is.EqualTo(2));
        var waiting = deliveries.Where(d => d.Status == DeliveryStatus.Pending).ToList();
        Assert.That(waiting, Is.Not.Empty);
        Assert.That(waiting.All(d => d.NextAttemptAt > h.Clock.GetUtcNow()), Is.True);
        Assert.That(pending, Is.Empty, "nothing is retried before the provider's retry-after");

        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Relay.DeliverDueAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(1));
        await h.Relay.DeliverDueAsync();

        Assert.That(h.DesignerInbox.Count, Is.GreaterThan(inboxBefore));
        Assert.That(h.DesignerInbox.Distinct().Count(), Is.EqualTo(h.DesignerInbox.Count), "no message twice");
        Assert.That(await h.Relay.GetDeadLettersAsync(), Is.Empty);
    }
}
