namespace CoCreation.Sdk.CommunityProducts;

/// <summary>The relay rules of the community-products programme: which event reaches whom, and in what words.</summary>
public static class CommunityProductRules
{
    /// <summary>
    /// The rules of one programme instance. Without named instances these are the rules of <see cref="Create"/>.
    /// With them, each instance answers only its own events: module events by their id (a named instance's ids start
    /// with its name) and enterprise events by their source (each instance runs on its own enterprise system), and a
    /// named instance's rules and production managers are its own.
    /// </summary>
    internal static IReadOnlyList<RelayRule> ForInstance(ICoCreationStore store, CommunityProductOptions options, string? instance, IReadOnlyList<(string Name, string EnterpriseSystem)> named)
    {
        var rules = CreateFor(store, options, CommunityProductProgram.CollectionOf("managers", instance));
        if (instance is null && named.Count == 0)
        {
            return rules;
        }

        var module = CoCreationEventSources.Module(CommunityProductProgram.ModuleName);
        var own = CoCreationEventSources.Enterprise(options.EnterpriseSystem);
        var others = named.Where(n => n.Name != instance).ToList();
        bool Mine(CoCreationEvent e)
        {
            if (e.Source == module)
            {
                return instance is null
                    ? !others.Any(n => e.Id.StartsWith(n.Name + ":", StringComparison.Ordinal))
                    : e.Id.StartsWith(instance + ":", StringComparison.Ordinal);
            }

            return instance is null
                ? !others.Any(n => e.Source == CoCreationEventSources.Enterprise(n.EnterpriseSystem))
                : e.Source == own;
        }

        return rules.Select(r =>
        {
            var when = r.When;
            return r with
            {
                Name = instance is null ? r.Name : $"community-products.{instance}.{r.Name["community-products.".Length..]}",
                When = e => Mine(e) && (when is null || when(e)),
            };
        }).ToList();
    }

    /// <summary>Creates the programme's rules.</summary>
    /// <param name="store">The store, read for the list of production managers when a low-stock alert goes out.</param>
    /// <param name="options">The programme's options; the brand name goes into every message, the unit word into counts of pieces and the role names into grant messages.</param>
    /// <exception cref="CoCreationValidationException">A unit word or role name in the options is blank or holds control characters, bidirectional formatting or template syntax.</exception>
    /// <returns>The rules.</returns>
    public static IReadOnlyList<RelayRule> Create(ICoCreationStore store, CommunityProductOptions options)
        => CreateFor(store, options, CommunityProductProgram.ManagersCollection);

    private static IReadOnlyList<RelayRule> CreateFor(ICoCreationStore store, CommunityProductOptions options, string managers)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var ownerAndManagers = new RecipientSelector(async (e, map, ct) =>
        {
            var ids = new List<string>(await RecipientSelector.Owner.Resolve(e, map, ct).ConfigureAwait(false));
            foreach (var (id, _) in await store.ListDocumentsAsync(managers, ct).ConfigureAwait(false))
            {
                if (!ids.Contains(id))
                {
                    ids.Add(id);
                }
            }

            return ids;
        });

        CheckMessageWords(options);
        return Definitions.Select(d => d with
        {
            Recipients = ReferenceEquals(d.Recipients, OwnerAndManagersPlaceholder) ? ownerAndManagers : d.Recipients,
            Template = new MessageTemplate
            {
                Texts = d.Template.Texts.ToImmutableDictionary(t => t.Key, t => Localize(t.Value, t.Key, options)),
            },
        }).ToList();
    }

    /// <summary>Puts the programme's words for a culture into a text: unit word forms, role names, then the brand.</summary>
    private static string Localize(string text, string culture, CommunityProductOptions options)
    {
        var roles = MessageRenderer.SelectArguments(options.NamedRoles.Select(r => KeyValuePair.Create(r, options.RoleDisplayNameFor(r, culture))));
        return text
            .Replace(UnitToken, options.ProductUnitFor(culture), StringComparison.Ordinal)
            .Replace(RolesToken, roles, StringComparison.Ordinal)
            .Replace("{brand}", options.BrandNameFor(culture), StringComparison.Ordinal);
    }

    /// <summary>Refuses unit words and role names that would break a message, naming the option.</summary>
    private static void CheckMessageWords(CommunityProductOptions options)
    {
        foreach (var (culture, forms) in options.ProductUnits)
        {
            var field = $"ProductUnits['{culture}']";
            var parts = forms?.Split(MessageRenderer.FormSeparator) ?? [""];
            if (parts.Length > 2)
            {
                throw new CoCreationValidationException(field, "takes one form, or two (for one and for more) separated by |.");
            }

            foreach (var part in parts)
            {
                MessageRenderer.CheckTemplateWord(part, field);
            }
        }

        MessageRenderer.CheckDisplayNames(options.RoleDisplayNames, nameof(options.RoleDisplayNames));
    }

    // Stand for the unit word forms and the role names of each culture; replaced in Create.
    private const string UnitToken = "{unit}";
    private const string RolesToken = "{roles}";

    /// <summary>The number of rules <see cref="Create"/> returns.</summary>
    public static int Count => Definitions.Length;

    // Stands in for the selector that needs the store; replaced in Create.
    private static readonly RecipientSelector OwnerAndManagersPlaceholder = new((_, _, _) => Task.FromResult<IReadOnlyList<string>>([]));

    private static readonly RelayRule[] Definitions = Define(RecipientSelector.Owner, RecipientSelector.SubjectParticipant, OwnerAndManagersPlaceholder);

    private static RelayRule[] Define(RecipientSelector owner, RecipientSelector participant, RecipientSelector ownerAndManagers)
    {
        return
        [
            Rule("design-accepted", CoCreationEventTypes.DesignReviewed, owner,
                "[{brand}] 디자인 '{title}'이(가) 생산 대상으로 선정되었습니다. 이제 생산 시스템에서 생산 계획을 작성할 수 있습니다.",
                "[{brand}] Your design '{title}' was selected for production. You can now write the production plan in the production system.",
                e => e.GetData("accepted") == "true"),
            Rule("design-declined", CoCreationEventTypes.DesignReviewed, owner,
                "[{brand}] 디자인 '{title}'은(는) 이번에는 선정되지 않았습니다.",
                "[{brand}] Your design '{title}' was not selected this time.",
                e => e.GetData("accepted") == "false"),
            Rule("access-granted", CoCreationEventTypes.AccessGranted, participant,
                "[{brand}] SNS 로그인으로 {role:select:{roles}} 권한이 부여되었습니다.",
                "[{brand}] Your SNS login now has the {role:select:{roles}} role."),
            Rule("production-requested", CoCreationEventTypes.ProductionRequested, owner,
                "[{brand}] '{title}' {quantity:count:{unit}} 생산 요청이 접수되었습니다 (주문 {orderId}).",
                "[{brand}] Your request to produce {quantity:count:{unit}} of '{title}' was received (order {orderId})."),
            Rule("production-progress", CoCreationEventTypes.ProductionProgress, owner,
                "[{brand}] '{title}' 생산 진행: {percent}% ({stage}).",
                "[{brand}] '{title}' production: {percent}% ({stage})."),
            Rule("production-completed", CoCreationEventTypes.ProductionCompleted, owner,
                "[{brand}] '{title}' 생산이 완료되었습니다 ({quantity:count:{unit}}).",
                "[{brand}] Production of '{title}' is complete ({quantity:count:{unit}})."),
            Rule("stock-received", CoCreationEventTypes.StockReceived, owner,
                "[{brand}] '{title}' 입고: {quantity:count:{unit}}. 현재 재고 {onHand:count:{unit}}.",
                "[{brand}] Stocked in: {quantity:count:{unit}} of '{title}'. Stock on hand: {onHand:number}."),
            Rule("listing-published", CoCreationEventTypes.ListingPublished, owner,
                "[{brand}] '{title}'이(가) 쇼핑몰에 등록되었습니다: {amount:money}. SNS 로그인으로 쇼핑몰에서 가격과 조건을 정하세요.",
                "[{brand}] '{title}' is listed in the shop at {amount:money}. Sign in to the shop with your SNS login to set price and terms."),
            Rule("listing-updated", CoCreationEventTypes.ListingUpdated, owner,
                "[{brand}] '{title}' 판매 가격이 {amount:money}(으)로 설정되었습니다.",
                "[{brand}] '{title}' now sells at {amount:money}."),
            Rule("sale-completed", CoCreationEventTypes.SaleCompleted, owner,
                "[{brand}] '{title}' 판매: {quantity:count:{unit}} ({amount:money}).",
                "[{brand}] {quantity:count:{unit}} of '{title}' sold ({amount:money})."),

            // Refunds and returns: the designer hears what was paid back and why.
            Rule("sale-refunded", CoCreationEventTypes.SaleRefunded, owner,
                "[{brand}] '{title}' 판매 {saleId} 환불: {quantity:count:{unit}} ({amount:money}). 사유: {text}",
                "[{brand}] {quantity:count:{unit}} of '{title}' from order {saleId} refunded ({amount:money}). Reason: {text}"),

            Rule("review-posted", CoCreationEventTypes.ReviewPosted, owner,
                "[{brand}] '{title}' 구매자 의견 ({rating}/5): \"{text}\"",
                "[{brand}] A buyer of '{title}' says ({rating}/5): \"{text}\""),
            Rule("shipment-sent", CoCreationEventTypes.ShipmentSent, owner,
                "[{brand}] '{title}' 주문 {saleId}이(가) 발송되었습니다 ({carrier} {trackingNumber}).",
                "[{brand}] Order {saleId} of '{title}' has shipped ({carrier} {trackingNumber})."),
            Rule("stock-low", CoCreationEventTypes.StockLow, ownerAndManagers,
                "[{brand}] 재고 부족 알림: '{title}' 재고 {onHand:count:{unit}}, 기준 {threshold:count:{unit}} 이하입니다. 추가 생산을 검토하세요.",
                "[{brand}] Low stock: '{title}' is down to {onHand:count:{unit}} (threshold {threshold:number}). Consider producing more."),
            Rule("report-issued-daily", CoCreationEventTypes.ReportIssued, participant,
                "[{brand}] {date} 일간 판매 보고 '{title}': 판매 {quantity:count:{unit}}, 매출 {amount:money}, 재고 {onHand:count:{unit}}.",
                "[{brand}] Daily report {date} for '{title}': {quantity:number} sold, revenue {amount:money}, {onHand:number} in stock.",
                e => e.GetData("period") == "daily"),
            Rule("report-issued-weekly", CoCreationEventTypes.ReportIssued, participant,
                "[{brand}] {date} 주간 판매 보고 '{title}': 판매 {quantity:count:{unit}}, 매출 {amount:money}, 재고 {onHand:count:{unit}}.",
                "[{brand}] Weekly report {date} for '{title}': {quantity:number} sold, revenue {amount:money}, {onHand:number} in stock.",
                e => e.GetData("period") == "weekly"),
            Rule("report-issued-monthly", CoCreationEventTypes.ReportIssued, participant,
                "[{brand}] {date} 월간 판매 보고 '{title}': 판매 {quantity:count:{unit}}, 매출 {amount:money}, 재고 {onHand:count:{unit}}.",
                "[{brand}] Monthly report {date} for '{title}': {quantity:number} sold, revenue {amount:money}, {onHand:number} in stock.",
                e => e.GetData("period") == "monthly"),
            Rule("settlement-paid", CoCreationEventTypes.SettlementPaid, owner,
                "[{brand}] '{title}' 판매 정산: 총매출 {gross:money} 중 디자이너 몫 {amount:money}이(가) 지급되었습니다.",
                "[{brand}] Settlement for '{title}': of {gross:money} gross sales, your share of {amount:money} was paid.",
                e => !HasRefunds(e)),
            Rule("settlement-paid-net", CoCreationEventTypes.SettlementPaid, owner,
                "[{brand}] '{title}' 판매 정산: 총매출 {gross:money}에서 환불 {refunds:money}을(를) 뺀 금액 중 디자이너 몫 {amount:money}이(가) 지급되었습니다.",
                "[{brand}] Settlement for '{title}': of {gross:money} gross sales less {refunds:money} refunded, your share of {amount:money} was paid.",
                HasRefunds),
            Rule("access-revoked", CoCreationEventTypes.AccessRevoked, participant,
                "[{brand}] '{title}' 판매가 종료되어 생산 시스템과 쇼핑몰 접근 권한이 해제되었습니다 ({text}). 함께해 주셔서 감사합니다.",
                "[{brand}] Sales of '{title}' have ended and your access to the production system and shop was removed ({text}). Thank you for co-creating with us."),
        ];
    }

    // A settlement that netted refunds says so; one without refunds keeps the shorter text.
    private static bool HasRefunds(CoCreationEvent e)
        => decimal.TryParse(e.GetData("refunds"), System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var refunds) && refunds > 0;

    private static RelayRule Rule(string name, string type, RecipientSelector recipients, string korean, string english, Func<CoCreationEvent, bool>? when = null) => new()
    {
        Name = "community-products." + name,
        EventType = type,
        Recipients = recipients,
        Template = MessageTemplate.KoreanAndEnglish(korean, english),
        When = when,
    };
}
