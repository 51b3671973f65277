using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CommunityProducts;

// Reports: sales report subscriptions and their schedule.
public sealed partial class CommunityProductProgram
{
    /// <summary>
    /// Step 11: the designer subscribes to sales and stock reports of their listing. Reports are
    /// issued at <see cref="CommunityProductOptions.ReportTimeOfDay"/> in the programme's time zone:
    /// daily, on Mondays, or on the first of the month. Each report covers the whole period that ends
    /// at its report time (the first daily report covers the day before it, sales made before the
    /// subscription included).
    /// </summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="frequency">How often.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="AccessDeniedException">The session has no active seller grant, or the listing is someone else's.</exception>
    public async Task<ReportSubscription> SubscribeToReportsAsync(ParticipantSession session, string listingId, ReportFrequency frequency, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        if (!Enum.IsDefined(frequency))
        {
            throw new CoCreationValidationException(nameof(frequency), $"{frequency} is not a report frequency.");
        }

        var actor = await ActorAsync(session, EnterpriseRoles.Seller, cancellationToken).ConfigureAwait(false);
        var listing = await Commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        if (listing.OwnerAccountId != actor.AccountId)
        {
            throw new AccessDeniedException(session.ParticipantId, $"{Target}/listings/{listingId}", "not the listing's owner");
        }

        // Periods are whole calendar periods ending at the report time, so the first daily report
        // covers the whole day, not only the hours since the subscription.
        var due = NextReportTime(_time.GetUtcNow(), frequency);
        var subscription = new ReportSubscription
        {
            ListingId = listingId,
            ParticipantId = session.ParticipantId,
            Frequency = frequency,
            PeriodStart = PreviousReportTime(due, frequency),
            NextDueAt = due,
        };
        await _store.ApplyAsync(new StoreChanges().PutDocument(_reports, ReportKey(subscription), JsonSerializer.Serialize(subscription, Json)), cancellationToken).ConfigureAwait(false);
        return subscription;
    }

    /// <summary>
    /// Issues every report that is due on the clock and relays it. A report period that was missed
    /// (the process was down) is issued when this next runs, one report per period.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reports issued now.</returns>
    public async Task<IReadOnlyList<SalesReport>> RunDueReportsAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var reports = new List<SalesReport>();
        foreach (var (_, json) in await _store.ListDocumentsAsync(_reports, cancellationToken).ConfigureAwait(false))
        {
            var subscription = JsonSerializer.Deserialize<ReportSubscription>(json, Json)!;
            while (subscription.NextDueAt <= now)
            {
                reports.Add(await IssueReportAsync(subscription, cancellationToken).ConfigureAwait(false));
                subscription = subscription with
                {
                    PeriodStart = subscription.NextDueAt,
                    NextDueAt = NextReportTime(subscription.NextDueAt, subscription.Frequency),
                };

                // Stored after the report event was relayed: a crash in between re-issues the same
                // event id, which the relay's de-duplication turns into nothing.
                await _store.ApplyAsync(new StoreChanges().PutDocument(_reports, ReportKey(subscription), JsonSerializer.Serialize(subscription, Json)), cancellationToken).ConfigureAwait(false);
            }
        }

        return reports;
    }

    private async Task<SalesReport> IssueReportAsync(ReportSubscription subscription, CancellationToken cancellationToken)
    {
        var commerce = Commerce;
        var listing = await commerce.GetListingAsync(subscription.ListingId, cancellationToken).ConfigureAwait(false);
        var sales = await commerce.GetSalesAsync(subscription.ListingId, subscription.PeriodStart, subscription.NextDueAt, cancellationToken).ConfigureAwait(false);
        var stock = await Inventory.GetStockAsync(listing.ProductId, cancellationToken).ConfigureAwait(false);
        var revenue = Total(sales.Select(s => s.Total), listing.Price.Currency, "SalesReport.Revenue");

        var units = sales.Sum(s => s.Quantity);
        var local = TimeZoneInfo.ConvertTime(subscription.NextDueAt, _zone);
        var periodEnd = subscription.NextDueAt;
        var result = await _relay.PublishAsync(
            ModuleEvent(
                CoCreationEventTypes.ReportIssued,
                $"report:{subscription.ListingId}:{subscription.ParticipantId}:{periodEnd.UtcTicks}",
                $"listings/{subscription.ListingId}",
                ImmutableDictionary<string, string>.Empty
                    .Add(CoCreationEventData.ParticipantId, subscription.ParticipantId)
                    .Add(CoCreationEventData.ListingId, subscription.ListingId)
                    .Add(CoCreationEventData.Title, listing.Title)
                    .Add(CoCreationEventData.Quantity, units.ToString(CultureInfo.InvariantCulture))
                    .Add(CoCreationEventData.Amount, revenue.Amount.ToString(CultureInfo.InvariantCulture))
                    .Add(CoCreationEventData.Currency, revenue.Currency)
                    .Add(CoCreationEventData.OnHand, stock.OnHand.ToString(CultureInfo.InvariantCulture))
                    .Add("period", subscription.Frequency.ToString().ToLowerInvariant())
                    .Add("date", local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))),
            cancellationToken).ConfigureAwait(false);

        return new SalesReport
        {
            ListingId = subscription.ListingId,
            ParticipantId = subscription.ParticipantId,
            Frequency = subscription.Frequency,
            PeriodStart = subscription.PeriodStart,
            PeriodEnd = periodEnd,
            UnitsSold = units,
            Revenue = revenue,
            OnHand = stock.OnHand,
            Delivery = result,
        };
    }

    private DateTimeOffset NextReportTime(DateTimeOffset after, ReportFrequency frequency)
    {
        var local = TimeZoneInfo.ConvertTime(after, _zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        var daysToMonday = ((int)DayOfWeek.Monday - (int)date.DayOfWeek + 7) % 7;
        var candidate = frequency switch
        {
            ReportFrequency.Daily => date.AddDays(1),
            ReportFrequency.Weekly => date.AddDays(daysToMonday == 0 ? 7 : daysToMonday),
            _ => new DateOnly(date.Year, date.Month, 1).AddMonths(1),
        };
        var localTime = candidate.ToDateTime(_options.ReportTimeOfDay);
        return new DateTimeOffset(localTime, _zone.GetUtcOffset(localTime));
    }

    private DateTimeOffset PreviousReportTime(DateTimeOffset due, ReportFrequency frequency)
    {
        var local = TimeZoneInfo.ConvertTime(due, _zone).DateTime;
        var start = frequency switch
        {
            ReportFrequency.Daily => local.AddDays(-1),
            ReportFrequency.Weekly => local.AddDays(-7),
            _ => local.AddMonths(-1),
        };
        return new DateTimeOffset(start, _zone.GetUtcOffset(start));
    }

    private static string ReportKey(ReportSubscription subscription) => $"{subscription.ListingId}:{subscription.ParticipantId}";
}
