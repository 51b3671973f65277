using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.CommunityProducts;

/// <summary>Options of the community-products programme, set with <c>AddCommunityProducts(o => …)</c>.</summary>
public sealed class CommunityProductOptions
{
    /// <summary>The programme id; grants are scoped to it. Default <c>community-products</c>.</summary>
    public string ProgramId { get; set; } = "community-products";

    /// <summary>The registered name of the enterprise system (homepage, production, shop) the programme runs on. Required.</summary>
    public string EnterpriseSystem { get; set; } = "";

    /// <summary>The designer's share of gross sales, as a fraction between 0 and 1. Default 0.10 (10 %).</summary>
    public decimal DesignerShare { get; set; } = 0.10m;

    /// <summary>How long participants' grants last; <see langword="null"/> until revoked. Default none.</summary>
    public TimeSpan? GrantLifetime { get; set; }

    /// <summary>The IANA time zone reports are scheduled in. Default <c>Asia/Seoul</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Seoul";

    /// <summary>The local time of day periodic reports are issued. Default 09:00.</summary>
    public TimeOnly ReportTimeOfDay { get; set; } = new(9, 0);

    /// <summary>The company's name as messages show it. Default <c>CoCreation</c>.</summary>
    public string BrandName { get; set; } = "CoCreation";

    /// <summary>The company's name per culture (<c>ko-KR</c> → <c>동아패션</c>), where it differs from <see cref="BrandName"/>.</summary>
    public IDictionary<string, string> LocalizedBrandNames { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The brand name for a culture.</summary>
    /// <param name="culture">The culture name.</param>
    /// <returns>The localized name, else <see cref="BrandName"/>.</returns>
    public string BrandNameFor(string culture) => LocalizedBrandNames.TryGetValue(culture, out var name) ? name : BrandName;

    /// <summary>The networks announcements go to; empty for every registered network.</summary>
    public IList<string> AnnouncementNetworks { get; } = [];
}

/// <summary>A programme announcement (step 1).</summary>
public sealed record ProgramAnnouncement
{
    /// <summary>The text in Korean.</summary>
    public required string KoreanText { get; init; }

    /// <summary>The text in English; published after the Korean text in the same post when given.</summary>
    public string? EnglishText { get; init; }

    /// <summary>A key that makes a repeated announcement publish nothing new.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>How often a participant receives sales and stock reports.</summary>
public enum ReportFrequency
{
    /// <summary>Every day.</summary>
    Daily,
    /// <summary>Every Monday.</summary>
    Weekly,
    /// <summary>On the first day of each month.</summary>
    Monthly,
}

/// <summary>A participant's subscription to periodic reports of a listing.</summary>
public sealed record ReportSubscription
{
    /// <summary>The listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>The participant who receives the reports.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>How often.</summary>
    public required ReportFrequency Frequency { get; init; }

    /// <summary>The start of the period the next report covers.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>When the next report is due (the end of its period).</summary>
    public required DateTimeOffset NextDueAt { get; init; }
}

/// <summary>One periodic report of sales and stock.</summary>
public sealed record SalesReport
{
    /// <summary>The listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>The participant it was sent to.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>How often reports are issued.</summary>
    public required ReportFrequency Frequency { get; init; }

    /// <summary>Period start, inclusive.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>Period end, exclusive.</summary>
    public required DateTimeOffset PeriodEnd { get; init; }

    /// <summary>Pieces sold in the period.</summary>
    public required int UnitsSold { get; init; }

    /// <summary>Gross sales in the period.</summary>
    public required Money Revenue { get; init; }

    /// <summary>Stock on hand when the report was made.</summary>
    public required int OnHand { get; init; }

    /// <summary>The relay's outcome for the report message.</summary>
    public required RelayResult Delivery { get; init; }
}

/// <summary>A settlement of a listing's sales for a period (step 16).</summary>
public sealed record Settlement
{
    /// <summary>The listing.</summary>
    public required string ListingId { get; init; }

    /// <summary>The designer's enterprise account.</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>Period start, inclusive.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>Period end, exclusive.</summary>
    public required DateTimeOffset PeriodEnd { get; init; }

    /// <summary>Sales in the period.</summary>
    public required int SalesCount { get; init; }

    /// <summary>Gross sales in the period.</summary>
    public required Money Gross { get; init; }

    /// <summary>Refunds made in the period (by refund time, whichever period their sales were in).</summary>
    public int RefundCount { get; init; }

    /// <summary>The amount refunded in the period; zero when there were no refunds.</summary>
    public Money Refunds { get; init; }

    /// <summary>Gross less refunds; negative when the period's refunds exceed its sales.</summary>
    public Money Net { get; init; }

    /// <summary>The share rate applied.</summary>
    public required decimal ShareRate { get; init; }

    /// <summary>The designer's share: net × rate, rounded once to the currency's minor unit, half away from zero; zero when the net is not above zero.</summary>
    public required Money Share { get; init; }

    /// <summary>The payout recorded at the enterprise system.</summary>
    public required string PayoutId { get; init; }
}

/// <summary>The end of sales of a listing (step 17).</summary>
public sealed record SalesClosure
{
    /// <summary>The listing, now delisted.</summary>
    public required string ListingId { get; init; }

    /// <summary>The designer.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The grants that were revoked.</summary>
    public required IReadOnlyList<AccessGrant> RevokedGrants { get; init; }
}

/// <summary>Posts a participant published to promote a listing (step 8).</summary>
/// <param name="Posts">The posts.</param>
public sealed record ListingPromotion(IReadOnlyList<SnsPost> Posts);
