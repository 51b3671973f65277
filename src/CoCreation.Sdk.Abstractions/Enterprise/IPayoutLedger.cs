namespace CoCreation.Sdk.Enterprise;

/// <summary>
/// Records revenue-share payouts in a system that keeps the company's books but runs no shop, for example an ERP's
/// supplier invoices. A composite enterprise system sends settlement payouts here when its shop keeps no payouts
///.
/// </summary>
public interface IPayoutLedger
{
    /// <summary>
    /// Records a payout to an account. A request whose <see cref="PayoutRequest.IdempotencyKey"/> was recorded before returns
    /// the first payout and changes nothing.
    /// </summary>
    /// <param name="request">The payout.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payout.</returns>
    /// <exception cref="CoCreationValidationException">A field is blank; an amount is negative, above the limits, in another currency than the ledger's or the gross's; the amount is above the gross less refunds; the period ends before it starts.</exception>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    /// <exception cref="CoCreationConflictException">The idempotency key was used for a different payout.</exception>
    Task<Payout> RecordPayoutAsync(PayoutRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads the payouts recorded for an account, oldest first.</summary>
    /// <param name="ownerAccountId">The payee's account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payouts.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    Task<IReadOnlyList<Payout>> GetPayoutsAsync(string ownerAccountId, CancellationToken cancellationToken = default);
}

/// <summary>Checks shared by every place that records a payout.</summary>
public static class PayoutRules
{
    /// <summary>Checks a payout request's fields, before anything is sent or written.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="CoCreationValidationException">A field is blank; an amount is negative, above the limits or in another currency than the gross's; the amount is above the gross less refunds; the period ends before it starts.</exception>
    public static void Check(PayoutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.OwnerAccountId, "PayoutRequest.OwnerAccountId");
        CoCreationGuard.NotBlank(request.ListingId, "PayoutRequest.ListingId");
        CoCreationGuard.NotBlank(request.IdempotencyKey, "PayoutRequest.IdempotencyKey");
        CoCreationGuard.Amount(request.Gross, "PayoutRequest.Gross");
        CoCreationGuard.Amount(request.Amount, "PayoutRequest.Amount");
        if (request.Amount.Currency != request.Gross.Currency)
        {
            throw new CoCreationValidationException("PayoutRequest.Amount.Currency", $"must be the gross's currency {request.Gross.Currency} (was {request.Amount.Currency}).");
        }

        var net = request.Gross;
        if (request.Refunds is { } refunds)
        {
            CoCreationGuard.Amount(refunds, "PayoutRequest.Refunds");
            if (refunds.Currency != request.Gross.Currency)
            {
                throw new CoCreationValidationException("PayoutRequest.Refunds.Currency", $"must be the gross's currency {request.Gross.Currency} (was {refunds.Currency}).");
            }

            net = request.Gross.Subtract(refunds);
        }

        if (request.Amount.Amount > Math.Max(net.Amount, 0m))
        {
            throw new CoCreationValidationException("PayoutRequest.Amount", request.Refunds is null
                ? $"must not exceed the gross ({request.Amount} > {request.Gross})."
                : $"must not exceed the gross less refunds ({request.Amount} > {request.Gross} - {request.Refunds}).");
        }

        if (request.PeriodEnd < request.PeriodStart)
        {
            throw new CoCreationValidationException("PayoutRequest.PeriodEnd", "must not be before PeriodStart.");
        }
    }
}
