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

    /// <summary>
    /// The unit word of the programme's products per culture, as messages count them: one form for languages
    /// without plural (<c>ko-KR</c> → <c>벌</c> for clothing) or the forms for one and for more separated by
    /// <c>|</c> (<c>en-US</c> → <c>piece|pieces</c>). Cultures not set here use <c>개</c> in Korean and
    /// <c>piece|pieces</c> otherwise.
    /// </summary>
    /// <remarks>A word must not be blank nor hold control characters, bidirectional formatting or any of <c>{ } | =</c>; the relay rules check it when they are created.</remarks>
    public IDictionary<string, string> ProductUnits { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The unit word forms for a culture: the culture's entry in <see cref="ProductUnits"/>, else one of the same language, else the default.</summary>
    /// <param name="culture">The culture name.</param>
    /// <returns>The forms, for example <c>piece|pieces</c>.</returns>
    public string ProductUnitFor(string culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return MessageRenderer.ForCulture(ProductUnits, culture) ?? MessageRenderer.ForCulture(DefaultProductUnits, culture) ?? "piece|pieces";
    }

    /// <summary>
    /// How messages name roles, by role id and culture (<c>RoleDisplayNames["seller"]["ko-KR"] = "판매자"</c>).
    /// Roles and cultures not set here use the SDK's names for <see cref="Enterprise.EnterpriseRoles"/> in Korean
    /// and English, else the role id.
    /// </summary>
    /// <remarks>A name must not be blank nor hold control characters, bidirectional formatting or any of <c>{ } | =</c>; the relay rules check it when they are created.</remarks>
    public IDictionary<string, IDictionary<string, string>> RoleDisplayNames { get; } = new Dictionary<string, IDictionary<string, string>>(StringComparer.Ordinal);

    /// <summary>The name of a role for people in a culture.</summary>
    /// <param name="role">The role id, for example <see cref="Enterprise.EnterpriseRoles.Seller"/>.</param>
    /// <param name="culture">The culture name.</param>
    /// <returns>The configured name, else the SDK's, else <paramref name="role"/>.</returns>
    public string RoleDisplayNameFor(string role, string culture)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(culture);
        return (RoleDisplayNames.TryGetValue(role, out var names) && names is not null ? MessageRenderer.ForCulture(names, culture) : null)
            ?? (DefaultRoleDisplayNames.TryGetValue(role, out var defaults) ? MessageRenderer.ForCulture(defaults, culture) : null)
            ?? role;
    }

    /// <summary>Every role with a display name (the SDK's and the configured ones), by id.</summary>
    internal IEnumerable<string> NamedRoles => DefaultRoleDisplayNames.Keys.Union(RoleDisplayNames.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static readonly Dictionary<string, string> DefaultProductUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ko-KR"] = "개",
        ["en-US"] = "piece|pieces",
    };

    private static readonly Dictionary<string, Dictionary<string, string>> DefaultRoleDisplayNames = new(StringComparer.Ordinal)
    {
        [Enterprise.EnterpriseRoles.Member] = new() { ["ko-KR"] = "회원", ["en-US"] = "member" },
        [Enterprise.EnterpriseRoles.ProductionRequester] = new() { ["ko-KR"] = "생산 요청", ["en-US"] = "production requester" },
        [Enterprise.EnterpriseRoles.Seller] = new() { ["ko-KR"] = "판매자", ["en-US"] = "seller" },
        [Enterprise.EnterpriseRoles.ProductionManager] = new() { ["ko-KR"] = "생산 관리자", ["en-US"] = "production manager" },
    };
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
