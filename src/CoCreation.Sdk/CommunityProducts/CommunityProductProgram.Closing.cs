using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CommunityProducts;

// Closing: settlement and the end of sales.
public sealed partial class CommunityProductProgram
{
    /// <summary>
    /// Step 16: settles a listing's sales in a period and records the designer's share as a payout.
    /// Refunds are netted: the net is the gross of the sales made in the period less the refunds made in the period
    /// (by refund time, whichever period the refunded sale was in), so a refund made after its sale's period was settled
    /// is netted in the next settlement. The share is net × <see cref="CommunityProductOptions.DesignerShare"/>, rounded
    /// once to the currency's minor unit, half away from zero; when refunds exceed sales the share is zero (the excess is
    /// not carried further). Settling the same period again pays nothing twice.
    /// </summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="periodStart">Start, inclusive.</param>
    /// <param name="periodEnd">End, exclusive; not in the future.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settlement.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The period is empty or ends in the future; or the gross or refunds of the period are above
    /// <see cref="CoCreationLimits.MaxAmount"/> (field <c>Settlement.Gross</c> or <c>Settlement.Refunds</c>), in which case
    /// nothing is paid.
    /// </exception>
    public async Task<Settlement> SettleAsync(string listingId, DateTimeOffset periodStart, DateTimeOffset periodEnd, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        if (periodEnd <= periodStart)
        {
            throw new CoCreationValidationException(nameof(periodEnd), "must be after periodStart.");
        }

        if (periodEnd > _time.GetUtcNow())
        {
            throw new CoCreationValidationException(nameof(periodEnd), "must not be in the future: sales of an open period can still change.");
        }

        var commerce = Commerce;
        var listing = await commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        var sales = await commerce.GetSalesAsync(listingId, periodStart, periodEnd, cancellationToken).ConfigureAwait(false);
        var refunds = await commerce.GetRefundsAsync(listingId, periodStart, periodEnd, cancellationToken).ConfigureAwait(false);
        var gross = Total(sales.Select(s => s.Total), listing.Price.Currency, "Settlement.Gross");
        var refunded = Total(refunds.Select(r => r.Amount), listing.Price.Currency, "Settlement.Refunds");
        var net = gross.Subtract(refunded);
        var share = net.Amount > 0m
            ? net.Multiply(_options.DesignerShare).Round(MidpointRounding.AwayFromZero)
            : Money.Zero(net.Currency);
        var key = Hash($"settle\n{listingId}\n{periodStart.UtcTicks}\n{periodEnd.UtcTicks}");
        var payout = await commerce.RecordPayoutAsync(
            new PayoutRequest
            {
                OwnerAccountId = listing.OwnerAccountId,
                ListingId = listingId,
                PeriodStart = periodStart,
                PeriodEnd = periodEnd,
                Gross = gross,
                Refunds = refunds.Count > 0 ? refunded : null,
                Amount = share,
                IdempotencyKey = key,
            },
            cancellationToken).ConfigureAwait(false);

        return new Settlement
        {
            ListingId = listingId,
            OwnerAccountId = listing.OwnerAccountId,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            SalesCount = sales.Count,
            Gross = gross,
            RefundCount = refunds.Count,
            Refunds = refunded,
            Net = net,
            ShareRate = _options.DesignerShare,
            Share = payout.Amount,
            PayoutId = payout.Id,
        };
    }

    /// <summary>Adds amounts of one currency, refusing a total above <see cref="CoCreationLimits.MaxAmount"/> with the field named.</summary>
    private static Money Total(IEnumerable<Money> amounts, string currency, string field)
    {
        var total = Money.Zero(currency);
        foreach (var amount in amounts)
        {
            try
            {
                total = total.Add(amount);
            }
            catch (CoCreationValidationException ex) when (ex.Field == "Amount")
            {
                throw new CoCreationValidationException(field, $"is too large to compute: {ex.Message}", ex);
            }

            if (total.Amount > CoCreationLimits.MaxAmount)
            {
                throw new CoCreationValidationException(field, $"exceeds {CoCreationLimits.MaxAmount.ToString(CultureInfo.InvariantCulture)} {currency} (CoCreationLimits.MaxAmount); settle a shorter period. Nothing was paid.");
            }
        }

        return total;
    }

    /// <summary>
    /// Step 17: ends sales of a listing and restricts the designer's access: the listing is delisted,
    /// every grant the designer holds in the programme is revoked and their enterprise account is
    /// deprovisioned at the system.
    /// </summary>
    /// <param name="listingId">The listing.</param>
    /// <param name="reason">Why, for the audit and the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was closed.</returns>
    public async Task<SalesClosure> EndSalesAsync(string listingId, string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        CoCreationGuard.NotBlank(reason, nameof(reason));
        var commerce = Commerce;
        var listing = await commerce.DelistAsync(listingId, cancellationToken).ConfigureAwait(false);
        var designer = await ParticipantOfAccountAsync(listing.OwnerAccountId, cancellationToken).ConfigureAwait(false);
        var revoked = await _grants.RevokeAllAsync(designer.Id, reason, _options.EnterpriseSystem, cancellationToken).ConfigureAwait(false);

        // Reports of a closed listing stop with it.
        var changes = new StoreChanges();
        foreach (var (id, json) in await _store.ListDocumentsAsync(_reports, cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize<ReportSubscription>(json, Json)!.ListingId == listingId)
            {
                changes.DeleteDocument(_reports, id);
            }
        }

        if (!changes.IsEmpty)
        {
            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
        }

        await _relay.PublishAsync(
            ModuleEvent(
                CoCreationEventTypes.AccessRevoked,
                $"access-revoked:{listingId}:{designer.Id}",
                $"listings/{listingId}",
                ImmutableDictionary<string, string>.Empty
                    .Add(CoCreationEventData.ParticipantId, designer.Id)
                    .Add(CoCreationEventData.ListingId, listingId)
                    .Add(CoCreationEventData.Title, listing.Title)
                    .Add(CoCreationEventData.Text, reason)),
            cancellationToken).ConfigureAwait(false);

        return new SalesClosure { ListingId = listingId, ParticipantId = designer.Id, RevokedGrants = revoked };
    }
}
