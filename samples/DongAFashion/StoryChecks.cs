using System.Globalization;
using System.Text.RegularExpressions;
using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace DongAFashion;

/// <summary>
/// The story's figures, and the check of every step. A check reads the providers through their own read APIs
/// (the networks' timelines and inboxes, the enterprise system's accounts, orders, listings, sales, stock and
/// payouts) and the orchestrator's store, never what the SDK call of the step returned. It runs right after
/// its step, and again in every later run of a stored story for each step completed before, so a record
/// changed or deleted in the providers' files since is reported with the step that made it.
/// </summary>
/// <remarks>
/// Message texts are checked by what they must carry (the design title, an order id, a quantity, an amount, a
/// tracking number, the buyer's words), not by their exact wording, so that a change of phrasing or number
/// format in the SDK's templates does not break the story while a missing or wrong figure still does.
/// </remarks>
public sealed partial class DongAFashionScenario
{
    public const string AnnouncementKorean = "동아패션 #내가만든옷 프로그램: 여러분의 디자인을 등록하세요. 선정되면 생산·판매하고 수익을 나눕니다.";
    public const string AnnouncementEnglish = "Dong-A Fashion #내가만든옷 programme: register your design. Selected designs are produced and sold, and the profit is shared.";
    public const string Hashtag = "#내가만든옷";
    public const int FirstRunQuantity = 100;
    public const int ReorderQuantity = 60;
    public const int LowStockThreshold = 20;
    public static readonly Money ListPrice = new(39000m, "KRW");
    public static readonly Money SalePrice = new(45000m, "KRW");

    /// <summary>The shop orders placed in each step: buyer, pieces, review, rating.</summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<(string Buyer, int Quantity, bool Review)>> PlannedOrders =
        new Dictionary<int, IReadOnlyList<(string Buyer, int Quantity, bool Review)>>
        {
            [9] = [("buyer-1", 2, false), ("buyer-2", 1, true), ("buyer-3", 3, false)],
            [11] = [("buyer-4", 4, false), ("buyer-5", 5, false)],
            [12] = [("boutique-seoul", 70, false), ("buyer-6", 2, false)],
        };

    public string DesignTitle => T("리넨 랩 원피스", "Linen wrap dress");

    public string FirstRunPlan => T("S 20 / M 35 / L 30 / XL 15; 워싱 리넨 180m; 3월 20일까지", "S 20 / M 35 / L 30 / XL 15; washed linen 180 m; deliver by 20 March");

    public string ReorderPlan => T("재생산: M 25 / L 25 / XL 10", "Re-run: M 25 / L 25 / XL 10");

    public string SaleTerms => T("2일 내 발송, 14일 내 무료 반품", "Ships in 2 days; free returns within 14 days");

    public string Review => T("핏이 딱 맞고 리넨이 부드러워요.", "Fits perfectly and the linen is soft.");

    private void PlaceOrders(int step)
    {
        foreach (var (buyer, quantity, review) in PlannedOrders[step])
        {
            var sale = review
                ? Enterprise.PlaceOrder(ListingId!, buyer, quantity, Review, 5)
                : Enterprise.PlaceOrder(ListingId!, buyer, quantity);
            Sales.Add(sale);
            _saleSteps[sale.Id] = step;
        }
    }

    /// <summary>
    /// Checks that what step <paramref name="number"/> did still holds at the providers, for a story that has now
    /// completed <paramref name="storyAt"/> steps (later steps legitimately change some of it: step 17 takes the
    /// roles back, sales lower the stock).
    /// </summary>
    private async Task VerifyStepAsync(int number, int storyAt)
    {
        if (_storedWithoutStepRecords)
        {
            throw new ScenarioCheckException(T(
                "이 저장본에는 단계별 메시지 기록이 없습니다 (이전 버전의 샘플이 저장). --reset으로 다시 시작하세요",
                "the stored story has no record of each step's messages (written by an older sample); start over with --reset"));
        }

        var closed = storyAt >= 17;
        switch (number)
        {
            case 1:
                await VerifyAnnouncementAsync(Social, SocialNetwork, SocialBrand).ConfigureAwait(false);
                await VerifyAnnouncementAsync(Micro, MicroNetwork, MicroBrand).ConfigureAwait(false);
                break;

            case 2:
            {
                var participant = await Identities.FindBySnsAsync(Social, Minji.Subject).ConfigureAwait(false);
                Require(participant is not null, "her SNS identity resolves to a participant in the store");
                var account = await MinjiAccountAsync().ConfigureAwait(false);
                RequireAccount(account, EnterpriseRoles.Member, closed);
                var design = await ReadDesignAsync().ConfigureAwait(false);
                Require(design.DesignerAccountId == account.AccountId && design.Title == DesignTitle, $"design {design.Id} '{DesignTitle}' is at the enterprise system under her account");
                Require(design.Status == (storyAt >= 3 ? DesignStatus.Accepted : DesignStatus.Submitted), $"design {design.Id} is {(storyAt >= 3 ? "accepted" : "submitted")} (it is {design.Status})");
                StepInbox(2, SocialNetwork, Social, Minji, atLeast: 1, "the member-role notice");
                break;
            }

            case 3:
            {
                var design = await ReadDesignAsync().ConfigureAwait(false);
                Require(design.Status == DesignStatus.Accepted && design.ProductId is not null, $"design {design.Id} is accepted with a product");
                var account = await MinjiAccountAsync().ConfigureAwait(false);
                RequireAccount(account, EnterpriseRoles.ProductionRequester, closed);
                await RequireGrantAsync(EnterpriseRoles.ProductionRequester, closed).ConfigureAwait(false);
                Require(StepInbox(3, SocialNetwork, Social, Minji, atLeast: 1, "the selection notice").Any(m => m.Text.Contains(DesignTitle, StringComparison.Ordinal)),
                    "her step-3 DMs include the selection notice naming the design");
                break;
            }

            case 4:
                await VerifyOrderAsync(4, FirstOrderId, FirstRunQuantity, FirstRunPlan).ConfigureAwait(false);
                break;

            case 5:
            {
                var order = await ReadOrderAsync(FirstOrderId, "the first production order").ConfigureAwait(false);
                Require(order.Percent >= 70, $"order {order.Id} is at least 70 % done (it is at {order.Percent} %)");
                var messages = StepInbox(5, SocialNetwork, Social, Minji, atLeast: 2, "the progress DMs");
                Require(messages.Any(m => MentionsPercent(m.Text, 30)) && messages.Any(m => MentionsPercent(m.Text, 70)), "her step-5 DMs report 30 % and 70 %");
                break;
            }

            case 6:
            {
                var order = await ReadOrderAsync(FirstOrderId, "the first production order").ConfigureAwait(false);
                Require(order.Status == ProductionStatus.Completed && order.Quantity == FirstRunQuantity, $"order {order.Id} is completed with {FirstRunQuantity} pieces");
                var listing = await ReadListingAsync().ConfigureAwait(false);
                var design = await ReadDesignAsync().ConfigureAwait(false);
                Require(listing.ProductId == design.ProductId && listing.Title == DesignTitle, $"listing {listing.Id} sells the design's product");
                Require(listing.Status == (closed ? ListingStatus.Delisted : ListingStatus.Active), $"listing {listing.Id} is {(closed ? "delisted" : "active")} (it is {listing.Status})");
                RequireAccount(await MinjiAccountAsync().ConfigureAwait(false), EnterpriseRoles.Seller, closed);
                await RequireGrantAsync(EnterpriseRoles.Seller, closed).ConfigureAwait(false);
                var messages = StepInbox(6, SocialNetwork, Social, Minji, atLeast: 3, "the completion, stock-in and listing DMs");
                var onHand = await OnHandAtAsync(order.CompletedAt!.Value).ConfigureAwait(false);
                Require(messages.Count(m => Names(m.Text) && Mentions(m.Text, FirstRunQuantity)) >= 2, $"her step-6 DMs announce completion and stock-in of {FirstRunQuantity} pieces");
                Require(messages.Any(m => Names(m.Text) && Mentions(m.Text, FirstRunQuantity) && Mentions(m.Text, onHand)), $"a stock-in DM states {onHand} on hand");
                Require(messages.Any(m => Names(m.Text) && Mentions(m.Text, ListPrice.Amount)), $"a DM tells her the product is listed at {ListPrice.Amount} KRW");
                await VerifyStockIfLastAsync(6, storyAt).ConfigureAwait(false);
                break;
            }

            case 7:
            {
                var listing = await ReadListingAsync().ConfigureAwait(false);
                Require(listing.Price == SalePrice && listing.Terms == SaleTerms, $"the shop holds the price {SalePrice.Amount} KRW and her terms (it holds {listing.Price}, '{listing.Terms}')");
                Require(StepInbox(7, SocialNetwork, Social, Minji, atLeast: 1, "the price notice").Any(m => Names(m.Text) && Mentions(m.Text, SalePrice.Amount)), $"a DM confirms the price {SalePrice.Amount} KRW");
                break;
            }

            case 8:
            {
                Require(_promotionId is not null, "the promotion post id was recorded");
                var post = SocialNetwork.GetPostsBy(Minji.Subject).FirstOrDefault(p => p.Id == _promotionId);
                Require(post is not null, $"her promotion post {_promotionId} is on her timeline");
                Require(post!.Text.Contains(DesignTitle, StringComparison.Ordinal) && post.Text.Contains(Hashtag, StringComparison.Ordinal), "her post names the design and carries the hashtag");
                var found = await _services.GetRequiredKeyedService<ISnsConnector>(Social).SearchAsync(new SearchQuery { Text = DesignTitle }).ToListAsync().ConfigureAwait(false);
                Require(found.Any(p => p.Id == _promotionId), "her post is found by search");
                break;
            }

            case 9:
            {
                var sales = await VerifySalesAsync(9).ConfigureAwait(false);
                var messages = StepInbox(9, SocialNetwork, Social, Minji, atLeast: sales.Count + 1, "a DM per sale and the review");
                foreach (var sale in sales)
                {
                    Require(messages.Any(m => Names(m.Text) && Mentions(m.Text, sale.Quantity) && Mentions(m.Text, sale.Total.Amount)),
                        $"a DM reports sale {sale.Id}: {sale.Quantity} pieces for {sale.Total.Amount} KRW");
                }

                Require(messages.Any(m => m.Text.Contains(Review, StringComparison.Ordinal)), "the buyer's review is passed on word for word");
                await VerifyShowroomSalesAsync(storyAt).ConfigureAwait(false);
                await VerifyStockIfLastAsync(9, storyAt).ConfigureAwait(false);
                break;
            }

            case 10:
            {
                var sales = await VerifySalesAsync(9).ConfigureAwait(false);
                var messages = StepInbox(10, SocialNetwork, Social, Minji, atLeast: sales.Count, "a shipping DM per order");
                foreach (var sale in sales)
                {
                    Require(sale.Shipped, $"sale {sale.Id} is shipped at the enterprise system");
                    Require(_trackingNumbers.TryGetValue(sale.Id, out var tracking), $"a tracking number was recorded for sale {sale.Id}");
                    Require(messages.Count(m => m.Text.Contains(tracking!, StringComparison.Ordinal)) == 1, $"one shipping DM carries tracking number {tracking}");
                }

                await VerifyShowroomDigestAsync(storyAt).ConfigureAwait(false);
                break;
            }

            case 11:
            {
                await VerifySalesAsync(11).ConfigureAwait(false);
                Require(ReportPeriod is not null, "the report period was recorded");
                var (start, end) = ReportPeriod!.Value;
                var all = await ReadAllSalesAsync().ConfigureAwait(false);
                var sold = all.Where(s => s.SoldAt >= start && s.SoldAt < end).Sum(s => s.Quantity);
                var onHand = await OnHandAtAsync(end).ConfigureAwait(false);
                var messages = StepInbox(11, SocialNetwork, Social, Minji, atLeast: 1, "the daily report");
                Require(messages.Any(m => Names(m.Text) && Mentions(m.Text, sold) && Mentions(m.Text, onHand)),
                    $"the daily report DM carries the {sold} pieces sold in the day and {onHand} in stock");
                await VerifyStockIfLastAsync(11, storyAt).ConfigureAwait(false);
                break;
            }

            case 12:
            {
                await VerifySalesAsync(12).ConfigureAwait(false);
                var stock = await Enterprise.GetStockAsync((await ReadListingAsync().ConfigureAwait(false)).ProductId).ConfigureAwait(false);
                Require(stock.Threshold == LowStockThreshold, $"the low-stock level is {LowStockThreshold} at the enterprise system (it is {stock.Threshold?.ToString(CultureInfo.InvariantCulture) ?? "unset"})");
                var minji = StepInbox(12, SocialNetwork, Social, Minji, atLeast: 1, "the low-stock alert");
                var junho = StepInbox(12, MicroNetwork, Micro, Junho, atLeast: 1, "the low-stock alert");
                Require(minji.Count(IsLowStockAlert) == 1, "the requester got exactly one low-stock alert");
                Require(junho.Count(IsLowStockAlert) == 1, "the production manager got exactly one low-stock alert");

                // The first relay run after her quiet hours and after her digest window: both arrive in this step.
                var sora = StepInbox(12, SocialNetwork, Social, Sora, atLeast: 1, "her held sale DMs and her daily digest");
                Require(sora.Count(IsShowroomDigest) == 1, "her daily digest of shipments arrived in this step");
                await VerifyShowroomSalesAsync(storyAt).ConfigureAwait(false);
                await VerifyStockIfLastAsync(12, storyAt).ConfigureAwait(false);
                break;
            }

            case 13:
                await VerifyOrderAsync(13, ReorderId, ReorderQuantity, ReorderPlan).ConfigureAwait(false);
                Require(ReorderId != FirstOrderId, "the re-production order is a second order");
                break;

            case 14:
            {
                var order = await ReadOrderAsync(ReorderId, "the re-production order").ConfigureAwait(false);
                Require(order.Percent >= 50, $"order {order.Id} is at least 50 % done (it is at {order.Percent} %)");
                Require(StepInbox(14, SocialNetwork, Social, Minji, atLeast: 1, "the progress DM").Any(m => MentionsPercent(m.Text, 50)), "her step-14 DMs report 50 %");
                break;
            }

            case 15:
            {
                var order = await ReadOrderAsync(ReorderId, "the re-production order").ConfigureAwait(false);
                Require(order.Status == ProductionStatus.Completed && order.CompletedAt is not null, $"order {order.Id} is completed");
                var onHand = await OnHandAtAsync(order.CompletedAt!.Value).ConfigureAwait(false);
                var messages = StepInbox(15, SocialNetwork, Social, Minji, atLeast: 2, "the completion and stock-in DMs");
                Require(messages.Any(m => Names(m.Text) && Mentions(m.Text, ReorderQuantity) && Mentions(m.Text, onHand)), $"a stock-in DM with {ReorderQuantity} pieces and {onHand} on hand");
                await VerifyStockIfLastAsync(15, storyAt).ConfigureAwait(false);
                break;
            }

            case 16:
            {
                var listing = await ReadListingAsync().ConfigureAwait(false);
                var gross = (await ReadAllSalesAsync().ConfigureAwait(false)).Sum(s => s.Total.Amount);
                var share = decimal.Round(gross * DesignerShare, 0, MidpointRounding.AwayFromZero);
                var payouts = Enterprise.GetPayouts(listing.OwnerAccountId);
                Require(payouts.Count == 1, $"one payout is recorded at the enterprise system (there are {payouts.Count})");
                Require(payouts[0].Gross == new Money(gross, "KRW") && payouts[0].Amount == new Money(share, "KRW"),
                    $"the payout is {share} KRW, 15 % of the {gross} KRW sold (it is {payouts[0].Amount} of {payouts[0].Gross})");
                Require(StepInbox(16, SocialNetwork, Social, Minji, atLeast: 1, "the settlement DM").Any(m => Names(m.Text) && Mentions(m.Text, share)), $"the settlement DM states the share {share} KRW");
                break;
            }

            case 17:
            {
                var account = await MinjiAccountAsync().ConfigureAwait(false);
                Require(!account.IsActive && account.Roles.Count == 0, $"her enterprise account is deactivated with no roles (active={account.IsActive}, roles={account.Roles.Count})");
                var listing = await ReadListingAsync().ConfigureAwait(false);
                Require(listing.Status == ListingStatus.Delisted, $"listing {listing.Id} is off sale (it is {listing.Status})");
                Require(listing.Price == SalePrice, "the refused price change did not reach the shop");
                var participant = await Identities.FindBySnsAsync(Social, Minji.Subject).ConfigureAwait(false);
                Require(participant is not null && (await Grants.ListAsync(participant.Id).ConfigureAwait(false)).Count == 0, "she holds no active grant in the store");
                Require(SocialNetwork.GetPostsBy(Minji.Subject).Count == 1, "the refused promotion was not posted");
                Require(StepInbox(17, SocialNetwork, Social, Minji, atLeast: 1, "the end-of-sales DM").Any(m => Names(m.Text)), "she is told sales ended");
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(number));
        }
    }

    private async Task VerifyAnnouncementAsync(string name, EmbeddedSnsNetwork network, EmbeddedSnsAccount brand)
    {
        Require(_announcementIds.TryGetValue(name, out var postId), $"an announcement was recorded for {name}");
        var post = network.GetPostsBy(brand.Subject).FirstOrDefault(p => p.Id == postId);
        Require(post is not null, $"the announcement {postId} is on the brand's timeline on {name}");
        Require(post!.Text.Contains(AnnouncementKorean, StringComparison.Ordinal) && post.Text.Contains(AnnouncementEnglish, StringComparison.Ordinal),
            $"the announcement on {name} carries the programme text");
        var found = await _services.GetRequiredKeyedService<ISnsConnector>(name).SearchAsync(new SearchQuery { Text = Hashtag }).ToListAsync().ConfigureAwait(false);
        Require(found.Any(p => p.Id == postId), $"the announcement on {name} is found by hashtag search");
    }

    private async Task VerifyOrderAsync(int step, string? orderId, int quantity, string plan)
    {
        var order = await ReadOrderAsync(orderId, step == 4 ? "the first production order" : "the re-production order").ConfigureAwait(false);
        var account = await MinjiAccountAsync().ConfigureAwait(false);
        Require(order.RequesterAccountId == account.AccountId, $"order {order.Id} is under her enterprise account");
        Require(order.Quantity == quantity && order.Plan == plan && order.DesignId == DesignId, $"order {order.Id} is for {quantity} pieces of her design with her plan (it is for {order.Quantity})");
        Require(StepInbox(step, SocialNetwork, Social, Minji, atLeast: 1, "the order confirmation").Any(m => Names(m.Text) && Mentions(m.Text, quantity) && MentionsId(m.Text, order.Id)),
            $"her inbox has the DM confirming order {order.Id} for {quantity} pieces");
    }

    /// <summary>The step's sales, each still at the enterprise system as placed.</summary>
    private async Task<IReadOnlyList<SaleRecord>> VerifySalesAsync(int step)
    {
        var all = await ReadAllSalesAsync().ConfigureAwait(false);
        var ids = _saleSteps.Where(p => p.Value == step).Select(p => p.Key).ToList();
        var planned = PlannedOrders[step];
        Require(ids.Count == planned.Count, $"{planned.Count} sales were recorded for this step");
        var sales = new List<SaleRecord>();
        foreach (var id in ids)
        {
            var sale = all.FirstOrDefault(s => s.Id == id);
            Require(sale is not null, $"sale {id} is at the enterprise system");
            sales.Add(sale!);
        }

        Require(sales.Select(s => s.Quantity).Order().SequenceEqual(planned.Select(p => p.Quantity).Order()), $"the sales are for {string.Join(", ", planned.Select(p => p.Quantity))} pieces");
        return sales;
    }

    /// <summary>
    /// The stock on hand equals what was produced less what was sold, all read from the enterprise system. Checked
    /// with the last stock-changing step the story has completed, so a changed stock figure is named there.
    /// </summary>
    private async Task VerifyStockIfLastAsync(int step, int storyAt)
    {
        int[] stockSteps = [6, 9, 11, 12, 15];
        if (stockSteps.Where(s => s <= storyAt).Max() != step)
        {
            return;
        }

        var listing = await ReadListingAsync().ConfigureAwait(false);
        var stock = await Enterprise.GetStockAsync(listing.ProductId).ConfigureAwait(false);
        var expected = await OnHandAtAsync(DateTimeOffset.MaxValue).ConfigureAwait(false);
        Require(stock.OnHand == expected, $"the stock on hand is {expected} (produced less sold), but the enterprise system holds {stock.OnHand}");
    }

    /// <summary>Pieces produced by completed orders less pieces sold, up to an instant, from the enterprise system.</summary>
    private async Task<int> OnHandAtAsync(DateTimeOffset at)
    {
        var produced = 0;
        foreach (var id in new[] { FirstOrderId, ReorderId }.OfType<string>())
        {
            var order = await ReadOrderAsync(id, "a production order").ConfigureAwait(false);
            if (order.CompletedAt is { } done && done <= at)
            {
                produced += order.Quantity;
            }
        }

        var sold = (await ReadAllSalesAsync().ConfigureAwait(false)).Where(s => s.SoldAt <= at).Sum(s => s.Quantity);
        return produced - sold;
    }

    private async Task<IReadOnlyList<SaleRecord>> ReadAllSalesAsync()
        => await Enterprise.GetSalesAsync((await ReadListingAsync().ConfigureAwait(false)).Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ConfigureAwait(false);

    private Task<Design> ReadDesignAsync() => ReadAsync(DesignId, "her design", id => Enterprise.GetDesignAsync(id));

    private Task<Listing> ReadListingAsync() => ReadAsync(ListingId, "the shop listing", id => Enterprise.GetListingAsync(id));

    private Task<ProductionOrder> ReadOrderAsync(string? id, string what) => ReadAsync(id, what, orderId => Enterprise.GetProductionOrderAsync(orderId));

    private static async Task<T> ReadAsync<T>(string? id, string what, Func<string, Task<T>> read)
    {
        Require(id is not null, $"{what} was recorded");
        try
        {
            return await read(id!).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            throw new ScenarioCheckException($"{what} ({id}) is no longer at the enterprise system");
        }
    }

    private void RequireAccount(EnterpriseAccount account, string role, bool closed)
    {
        if (closed)
        {
            // Step 17 took the roles back and deactivated the account; step 17's own check covers that.
            Require(!account.Roles.Contains(role), $"her enterprise account no longer holds '{role}' after the end of sales");
            return;
        }

        Require(account.IsActive && account.Roles.Contains(role), $"her enterprise account {account.Login} is active and holds '{role}' (roles: {string.Join(", ", account.Roles)})");
    }

    private async Task RequireGrantAsync(string role, bool closed)
    {
        var participant = await Identities.FindBySnsAsync(Social, Minji.Subject).ConfigureAwait(false)
            ?? throw new ScenarioCheckException("Minji is not a participant");
        var grants = await Grants.ListAsync(participant.Id, includeInactive: true).ConfigureAwait(false);
        var grant = grants.FirstOrDefault(g => g.Roles.Contains(role));
        Require(grant is not null, $"the store holds her '{role}' grant");
        Require(grant!.Status == (closed ? GrantStatus.Revoked : GrantStatus.Active), $"her '{role}' grant is {(closed ? "revoked" : "active")} (it is {grant.Status})");
    }

    /// <summary>
    /// The DMs a step delivered to a person, read back by id from the person's inbox at the network; fails when one
    /// is gone or fewer than <paramref name="atLeast"/> were delivered.
    /// </summary>
    private List<SnsMessage> StepInbox(int step, EmbeddedSnsNetwork network, string networkName, EmbeddedSnsAccount person, int atLeast, string what)
    {
        var inbox = network.GetInbox(person.Subject).ToDictionary(m => m.Id, StringComparer.Ordinal);
        var recorded = _stepMessages.GetValueOrDefault(step)?.Where(m => m.Network == networkName && m.Subject == person.Subject).ToList() ?? [];
        var messages = new List<SnsMessage>();
        foreach (var record in recorded)
        {
            Require(inbox.TryGetValue(record.Id, out var message), $"DM {record.Id} to @{person.Handle} on {networkName} is no longer in the inbox");
            messages.Add(message!);
        }

        Require(messages.Count >= atLeast, $"@{person.Handle} received {what} on {networkName} ({messages.Count} DM(s) in this step)");
        return messages;
    }

    private bool IsLowStockAlert(SnsMessage message) => Names(message.Text) && Mentions(message.Text, LowStockThreshold);

    private bool Names(string text) => text.Contains(DesignTitle, StringComparison.Ordinal);

    /// <summary>Whether a text states a number, written with or without digit grouping ("587250", "587,250").</summary>
    public static bool Mentions(string text, decimal number)
        => Regex.IsMatch(Ungrouped(text), $@"(?<![\d.]){Regex.Escape(number.ToString("0.##", CultureInfo.InvariantCulture))}(?![\d])");

    private static bool MentionsId(string text, string id) => Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(id)}(?![\w-])");

    private static bool MentionsPercent(string text, int percent) => Regex.IsMatch(text, $@"(?<!\d){percent}\s?%");

    private static string Ungrouped(string text) => Regex.Replace(text, @"(?<=\d)[,\u00A0\u202F\u2009'](?=\d{3}(?!\d))", "");
}
