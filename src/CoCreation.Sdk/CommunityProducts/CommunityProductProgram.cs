using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CommunityProducts;

/// <summary>
/// Community product design (co-creation type 5): consumers sign in with their SNS login, register
/// designs, plan production, set price and terms in the shop, and hear every production, sales,
/// shipping, stock and settlement event over SNS; at the end their access is revoked.
/// </summary>
/// <remarks>
/// Participant operations take a <see cref="ParticipantSession"/> and are authorised against grants
/// scoped to <see cref="CommunityProductOptions.ProgramId"/>; company operations take ids. Events from
/// the enterprise system reach people when <see cref="SyncAsync"/> runs (or the relay worker polls).
/// Thread-safe.
/// </remarks>
public sealed class CommunityProductProgram
{
    /// <summary>The module name used in event sources and store collections.</summary>
    public const string ModuleName = "community-products";

    internal const string ManagersCollection = "community-products.managers";
    private const string ReportsCollection = "community-products.reports";
    private const string RequestsCollection = "community-products.requests";

    /// <summary>The listings the programme opened, by listing id, with their owner's account: what erasure delists.</summary>
    private const string ListingsCollection = "community-products.listings";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly IAccessGrants _grants;
    private readonly IIdentityMap _identities;
    private readonly IEventRelay _relay;
    private readonly ICoCreationStore _store;
    private readonly TimeProvider _time;
    private readonly CommunityProductOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly KeyedLock _signUpLocks = new();
    private readonly KeyedLock _requestLocks = new();

    /// <summary>Creates the programme; normally resolved from dependency injection.</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="grants">Access grants.</param>
    /// <param name="identities">The identity map.</param>
    /// <param name="relay">The event relay.</param>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The programme's options.</param>
    /// <exception cref="CoCreationValidationException">The options are invalid.</exception>
    public CommunityProductProgram(
        ICoCreationProviders providers,
        IAccessGrants grants,
        IIdentityMap identities,
        IEventRelay relay,
        ICoCreationStore store,
        TimeProvider timeProvider,
        IOptions<CommunityProductOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _providers = providers;
        _grants = grants;
        _identities = identities;
        _relay = relay;
        _store = store;
        _time = timeProvider;
        _options = options.Value;
        Validate(_options);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone);
    }

    /// <summary>The enterprise adapter the programme runs on.</summary>
    public IEnterpriseAdapter Enterprise => _providers.GetEnterprise(_options.EnterpriseSystem);

    /// <summary>The grant target of the programme.</summary>
    public GrantTarget Target => new(GrantTargetKind.Enterprise, _options.EnterpriseSystem, _options.ProgramId);

    private IProductionSystem Production => Enterprise as IProductionSystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "production (IProductionSystem)");

    private ICommerceSystem Commerce => Enterprise as ICommerceSystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "a shop (ICommerceSystem)");

    private IInventorySystem Inventory => Enterprise as IInventorySystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "inventory (IInventorySystem)");

    /// <summary>Step 1: the company announces the programme on its networks.</summary>
    /// <param name="announcement">The announcement.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One post per network.</returns>
    public async Task<IReadOnlyList<SnsPost>> AnnounceAsync(ProgramAnnouncement announcement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var text = CoCreationGuard.NotBlank(announcement.KoreanText, "ProgramAnnouncement.KoreanText");
        if (announcement.EnglishText is { } english)
        {
            text = text + "\n\n" + CoCreationGuard.NotBlank(english, "ProgramAnnouncement.EnglishText");
        }

        var networks = _options.AnnouncementNetworks.Count > 0 ? _options.AnnouncementNetworks.ToList() : _providers.SnsNetworks.ToList();
        var connectors = networks.Select(_providers.GetSns).ToList();

        // Check every network's limits first so that a text too long for one network publishes nowhere.
        foreach (var connector in connectors)
        {
            CoCreationGuard.MaxLength(text, connector.Capabilities.MaxPostLength, "ProgramAnnouncement.KoreanText");
        }

        var posts = new List<SnsPost>(connectors.Count);
        foreach (var connector in connectors)
        {
            posts.Add(await connector.PublishAsync(
                new PostRequest { Text = text, Language = "ko", IdempotencyKey = announcement.IdempotencyKey is null ? null : $"{announcement.IdempotencyKey}:{connector.Metadata.Name}" },
                cancellationToken).ConfigureAwait(false));
        }

        return posts;
    }

    /// <summary>
    /// Step 2: a signed-in consumer registers a design. The first submission signs them up at the
    /// company homepage with their SNS login (an enterprise account with the member role).
    /// </summary>
    /// <param name="session">The consumer's session.</param>
    /// <param name="submission">The design.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The submitted design.</returns>
    /// <exception cref="CoCreationValidationException">The design has no title or description.</exception>
    /// <exception cref="AccessDeniedException">The session has expired.</exception>
    public async Task<Design> SubmitDesignAsync(ParticipantSession session, DesignSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(submission);
        CoCreationGuard.NotBlank(submission.Title, "DesignSubmission.Title");
        CoCreationGuard.MaxLength(submission.Title, 100, "DesignSubmission.Title");
        CoCreationGuard.NotBlank(submission.Description, "DesignSubmission.Description");
        const string keyField = "DesignSubmission.IdempotencyKey";
        CoCreationGuard.IdempotencyKey(submission.IdempotencyKey, keyField);
        var production = Production;

        // The session is verified before anything else: an expired, altered or forged one signs nobody up.
        var participant = await _grants.VerifySessionAsync(session, Target.ToString(), cancellationToken).ConfigureAwait(false);

        // Sign-up happens once, however many first submissions race: the check and the grant run under the
        // participant's lock, and the grant's idempotency key keeps a second grant out even past this process.
        // Someone whose membership was revoked (step 17) is refused, not re-enrolled.
        using (await _signUpLocks.AcquireAsync(participant.Id, cancellationToken).ConfigureAwait(false))
        {
            var history = await _grants.ListAsync(participant.Id, includeInactive: true, cancellationToken).ConfigureAwait(false);
            if (!history.Any(g => g.Target == Target && g.Roles.Contains(EnterpriseRoles.Member)))
            {
                await GrantAsync(participant.Id, EnterpriseRoles.Member, "homepage sign-up with SNS login", cancellationToken, idempotencyKey: $"{ModuleName}:{_options.ProgramId}:sign-up").ConfigureAwait(false);
            }
        }

        var actor = await ActorAsync(session, EnterpriseRoles.Member, cancellationToken).ConfigureAwait(false);
        return await OnceAsync(
            participant.Id,
            "design",
            keyField,
            submission.IdempotencyKey,
            Fingerprint(submission.Title, submission.Description, string.Join("\n", submission.Attachments)),
            () => production.SubmitDesignAsync(actor, submission, cancellationToken),
            id => production.GetDesignAsync(id, cancellationToken),
            design => design.Id,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Step 3: the company decides on a design. Accepting grants the designer access to the
    /// production system (the production-requester role) and tells them over SNS.
    /// </summary>
    /// <param name="designId">The design.</param>
    /// <param name="review">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reviewed design.</returns>
    public async Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(designId, nameof(designId));
        ArgumentNullException.ThrowIfNull(review);
        var production = Production;
        var design = await production.ReviewDesignAsync(designId, review, cancellationToken).ConfigureAwait(false);
        if (design.Status == DesignStatus.Accepted)
        {
            var designer = await ParticipantOfAccountAsync(design.DesignerAccountId, cancellationToken).ConfigureAwait(false);
            await GrantAsync(designer.Id, EnterpriseRoles.ProductionRequester, $"design {design.Id} accepted", cancellationToken).ConfigureAwait(false);
        }

        return design;
    }

    /// <summary>Steps 4 and 13: the designer writes a production plan and requests (re-)production.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="request">The plan.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The production order.</returns>
    /// <exception cref="CoCreationValidationException">The quantity is not above zero or the plan is empty.</exception>
    /// <exception cref="AccessDeniedException">The session has no active production-requester grant.</exception>
    public async Task<ProductionOrder> RequestProductionAsync(ParticipantSession session, ProductionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.DesignId, "ProductionRequest.DesignId");
        CoCreationGuard.Quantity(request.Quantity, "ProductionRequest.Quantity");
        CoCreationGuard.NotBlank(request.Plan, "ProductionRequest.Plan");
        const string keyField = "ProductionRequest.IdempotencyKey";
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, keyField);
        var production = Production;
        var actor = await ActorAsync(session, EnterpriseRoles.ProductionRequester, cancellationToken).ConfigureAwait(false);
        return await OnceAsync(
            session.ParticipantId,
            "production",
            keyField,
            request.IdempotencyKey,
            Fingerprint(request.DesignId, request.Quantity.ToString(CultureInfo.InvariantCulture), request.Plan),
            () => production.RequestProductionAsync(actor, request, cancellationToken),
            id => production.GetProductionOrderAsync(id, cancellationToken),
            order => order.Id,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Steps 5, 6, 14 and 15: the company reports production progress; at 100 % the goods are stocked in.</summary>
    /// <param name="orderId">The production order.</param>
    /// <param name="update">The progress.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The order.</returns>
    public Task<ProductionOrder> ReportProductionProgressAsync(string orderId, ProductionProgressUpdate update, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(orderId, nameof(orderId));
        ArgumentNullException.ThrowIfNull(update);
        if (update.Percent is < 0 or > 100)
        {
            throw new CoCreationValidationException("ProductionProgressUpdate.Percent", $"must be between 0 and 100 (was {update.Percent}).");
        }

        CoCreationGuard.NotBlank(update.Stage, "ProductionProgressUpdate.Stage");
        return Production.ReportProgressAsync(orderId, update, cancellationToken);
    }

    /// <summary>
    /// Step 6: the company lists the finished product in its shop and gives the designer shop access
    /// (the seller role) so that they can set price and terms.
    /// </summary>
    /// <param name="designId">The accepted design.</param>
    /// <param name="openingPrice">The opening price.</param>
    /// <param name="terms">The opening terms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing.</returns>
    /// <exception cref="CoCreationValidationException">The price is zero or negative.</exception>
    public async Task<Listing> ListProductAsync(string designId, Money openingPrice, string terms, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(designId, nameof(designId));
        CoCreationGuard.PositivePrice(openingPrice, nameof(openingPrice));
        ArgumentNullException.ThrowIfNull(terms);
        var commerce = Commerce;
        var design = await Production.GetDesignAsync(designId, cancellationToken).ConfigureAwait(false);
        if (design.Status != DesignStatus.Accepted || design.ProductId is null)
        {
            throw new CoCreationConflictException($"Design {designId} is not accepted; only accepted designs can be listed.");
        }

        var designer = await ParticipantOfAccountAsync(design.DesignerAccountId, cancellationToken).ConfigureAwait(false);
        var listing = await commerce.CreateListingAsync(
            new ListingRequest { ProductId = design.ProductId, OwnerAccountId = design.DesignerAccountId, Title = design.Title, Price = openingPrice, Terms = terms },
            cancellationToken).ConfigureAwait(false);
        await _store.ApplyAsync(
            new StoreChanges().PutDocument(ListingsCollection, listing.Id, JsonSerializer.Serialize(new ListingOwner(listing.OwnerAccountId), Json)),
            cancellationToken).ConfigureAwait(false);
        await GrantAsync(designer.Id, EnterpriseRoles.Seller, $"listing {listing.Id} opened", cancellationToken).ConfigureAwait(false);
        return listing;
    }

    /// <summary>Step 7: the designer sets the sale price and terms.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="price">The price, above zero.</param>
    /// <param name="terms">The terms.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The listing.</returns>
    /// <exception cref="CoCreationValidationException">The price is zero or negative.</exception>
    /// <exception cref="AccessDeniedException">The session has no active seller grant.</exception>
    public async Task<Listing> SetPriceAndTermsAsync(ParticipantSession session, string listingId, Money price, string terms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        CoCreationGuard.PositivePrice(price, nameof(price));
        CoCreationGuard.NotBlank(terms, nameof(terms));
        var commerce = Commerce;
        var actor = await ActorAsync(session, EnterpriseRoles.Seller, cancellationToken).ConfigureAwait(false);
        return await commerce.UpdateListingAsync(actor, listingId, new ListingUpdate(price, terms), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step 8: the designer promotes their product on the network they signed in with, as themselves.</summary>
    /// <param name="session">The designer's session.</param>
    /// <param name="memberCredential">The designer's own credential on that network (used for this post only, never stored).</param>
    /// <param name="listingId">The listing.</param>
    /// <param name="text">The post.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The post.</returns>
    /// <exception cref="AccessDeniedException">The session has no active seller grant.</exception>
    public async Task<SnsPost> PromoteListingAsync(ParticipantSession session, SnsCredential memberCredential, string listingId, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(memberCredential);
        CoCreationGuard.NotBlank(listingId, nameof(listingId));
        CoCreationGuard.NotBlank(text, nameof(text));
        await ActorAsync(session, EnterpriseRoles.Seller, cancellationToken).ConfigureAwait(false);
        var connector = _providers.GetSns(session.Identity.Network);
        var listing = await Commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
        if (listing.Status != ListingStatus.Active)
        {
            throw new CoCreationConflictException($"Listing {listingId} is not on sale.");
        }

        // The post must come from the signed-in person, not from whoever holds the credential.
        var author = await connector.VerifyCredentialsAsync(memberCredential, cancellationToken).ConfigureAwait(false);
        if (author.Subject != session.Identity.Subject)
        {
            throw new CredentialException(connector.Metadata.Name, "The credential belongs to a different account than the session.");
        }

        return await connector.PublishAsync(new PostRequest { Text = text, Author = memberCredential }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Step 10: the company ships a sale; the designer hears of it over SNS.</summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">Carrier and tracking number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The shipment.</returns>
    public Task<Shipment> ShipAsync(string saleId, ShipmentRequest request, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(saleId, nameof(saleId));
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Carrier, "ShipmentRequest.Carrier");
        CoCreationGuard.NotBlank(request.TrackingNumber, "ShipmentRequest.TrackingNumber");
        return Commerce.ShipAsync(saleId, request, cancellationToken);
    }

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
        await _store.ApplyAsync(new StoreChanges().PutDocument(ReportsCollection, ReportKey(subscription), JsonSerializer.Serialize(subscription, Json)), cancellationToken).ConfigureAwait(false);
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
        foreach (var (_, json) in await _store.ListDocumentsAsync(ReportsCollection, cancellationToken).ConfigureAwait(false))
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
                await _store.ApplyAsync(new StoreChanges().PutDocument(ReportsCollection, ReportKey(subscription), JsonSerializer.Serialize(subscription, Json)), cancellationToken).ConfigureAwait(false);
            }
        }

        return reports;
    }

    /// <summary>Step 12: sets the stock level at which the production managers and the designer are alerted.</summary>
    /// <param name="productId">The product.</param>
    /// <param name="threshold">The level, zero or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stock level.</returns>
    public Task<StockLevel> SetLowStockThresholdAsync(string productId, int threshold, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(productId, nameof(productId));
        CoCreationGuard.StockLevel(threshold, nameof(threshold));
        return Inventory.SetLowStockThresholdAsync(productId, threshold, cancellationToken);
    }

    /// <summary>Makes a signed-in company employee a production manager: they receive low-stock alerts.</summary>
    /// <param name="participantId">The employee's participant id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grant of the production-manager role.</returns>
    public async Task<AccessGrant> AppointProductionManagerAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var grant = await GrantAsync(participantId, EnterpriseRoles.ProductionManager, "appointed production manager", cancellationToken).ConfigureAwait(false);
        await _store.ApplyAsync(new StoreChanges().PutDocument(ManagersCollection, participantId, "{}"), cancellationToken).ConfigureAwait(false);
        return grant;
    }

    /// <summary>
    /// A company operation: refunds some or all pieces of a sale (a return when <see cref="RefundRequest.Restock"/> is set,
    /// which puts the pieces back into stock). The designer hears of it over SNS when the relay next runs, and the
    /// refund is netted in the settlement of the period it falls in (see <see cref="SettleAsync"/>). Repeating the call
    /// with the same <see cref="RefundRequest.IdempotencyKey"/> returns the first refund and refunds nothing twice.
    /// </summary>
    /// <param name="saleId">The sale.</param>
    /// <param name="request">How many pieces, why, whether they come back into stock, and the idempotency key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund, as the enterprise system recorded it.</returns>
    /// <exception cref="CoCreationValidationException">
    /// The sale id, reason or key is blank; the quantity is not above zero, above <see cref="CoCreationLimits.MaxQuantity"/>
    /// or above what is left unrefunded of the sale (field <c>RefundRequest.Quantity</c>). Nothing is refunded.
    /// </exception>
    /// <exception cref="ResourceNotFoundException">No such sale.</exception>
    /// <exception cref="CoCreationConflictException">The idempotency key was used to refund another sale.</exception>
    /// <exception cref="CapabilityNotSupportedException">The enterprise system has no shop.</exception>
    public Task<Refund> RefundAsync(string saleId, RefundRequest request, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(saleId, nameof(saleId));
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return Commerce.RefundAsync(saleId, request, cancellationToken);
    }

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
        foreach (var (id, json) in await _store.ListDocumentsAsync(ReportsCollection, cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize<ReportSubscription>(json, Json)!.ListingId == listingId)
            {
                changes.DeleteDocument(ReportsCollection, id);
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

    /// <summary>
    /// Relays what happened: reads the enterprise system's new events, retries deliveries that are due,
    /// enforces grant expiry and issues due reports. Call it on a schedule, or register the relay worker.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relay results of the events read now.</returns>
    public async Task<IReadOnlyList<RelayResult>> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _grants.EnforceExpiryAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<RelayResult>(await _relay.PollSourcesAsync(cancellationToken).ConfigureAwait(false));
        await _relay.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var report in await RunDueReportsAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(report.Delivery);
        }

        return results;
    }

    /// <summary>
    /// Erasure: the person's listings that are still on sale are taken off sale at the enterprise system (a listing
    /// without a seller cannot be priced, promoted or settled with anyone); their report subscriptions and their
    /// production-manager appointment are deleted. Sales, payouts and settlement figures stay at the enterprise system,
    /// as the company's business records, owned by the account the system anonymised; the SDK keeps no copy of them.
    /// Delisting is idempotent, so erasure can run again after a failure.
    /// </summary>
    /// <remarks>Static, with its services passed in: the identity map that calls it is itself a service of the programme.</remarks>
    internal static async Task EraseParticipantAsync(
        ICoCreationStore store, ICoCreationProviders providers, CommunityProductOptions options, ParticipantErasure erasure, CancellationToken cancellationToken)
    {
        var participantId = erasure.Participant.Id;
        var account = erasure.Participant.FindEnterpriseLink(options.EnterpriseSystem)?.AccountId;
        var listings = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, json) in await store.ListDocumentsAsync(ReportsCollection, cancellationToken).ConfigureAwait(false))
        {
            var subscription = JsonSerializer.Deserialize<ReportSubscription>(json, Json)!;
            if (subscription.ParticipantId == participantId)
            {
                listings.Add(subscription.ListingId);
                erasure.Changes.DeleteDocument(ReportsCollection, id);
            }
        }

        if (account is not null)
        {
            foreach (var (id, json) in await store.ListDocumentsAsync(ListingsCollection, cancellationToken).ConfigureAwait(false))
            {
                if (JsonSerializer.Deserialize<ListingOwner>(json, Json)!.OwnerAccountId == account)
                {
                    listings.Add(id);
                    erasure.Changes.DeleteDocument(ListingsCollection, id);
                }
            }

            if (listings.Count > 0
                && providers.EnterpriseSystems.Contains(options.EnterpriseSystem, StringComparer.Ordinal)
                && providers.GetEnterprise(options.EnterpriseSystem) is ICommerceSystem commerce)
            {
                foreach (var listingId in listings.Order(StringComparer.Ordinal))
                {
                    var listing = await commerce.GetListingAsync(listingId, cancellationToken).ConfigureAwait(false);
                    if (listing.OwnerAccountId == account && listing.Status == ListingStatus.Active)
                    {
                        await commerce.DelistAsync(listingId, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        if (await store.GetDocumentAsync(ManagersCollection, participantId, cancellationToken).ConfigureAwait(false) is not null)
        {
            erasure.Changes.DeleteDocument(ManagersCollection, participantId);
        }
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

    private async Task<AccessGrant> GrantAsync(string participantId, string role, string reason, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var grant = await _grants.GrantAsync(
            new AccessGrantRequest
            {
                ParticipantId = participantId,
                Target = Target,
                Roles = [role],
                ExpiresAt = _options.GrantLifetime is { } lifetime ? _time.GetUtcNow() + lifetime : null,
                Reason = reason,
                IdempotencyKey = idempotencyKey,
            },
            cancellationToken).ConfigureAwait(false);

        await _relay.PublishAsync(
            ModuleEvent(
                CoCreationEventTypes.AccessGranted,
                $"access-granted:{grant.Id}",
                $"grants/{grant.Id}",
                ImmutableDictionary<string, string>.Empty
                    .Add(CoCreationEventData.ParticipantId, participantId)
                    .Add("role", role)),
            cancellationToken).ConfigureAwait(false);
        return grant;
    }

    private async Task<EnterpriseAccount> ActorAsync(ParticipantSession session, string role, CancellationToken cancellationToken)
    {
        // AuthorizeAsync has verified the session and read the participant's grants; an enterprise grant names the
        // account it opened, so the participant need not be read again.
        var grant = await _grants.AuthorizeAsync(session, Target, role, cancellationToken).ConfigureAwait(false);
        var accountId = grant.EnterpriseAccountId
            ?? (await _identities.GetAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false))?.FindEnterpriseLink(_options.EnterpriseSystem)?.AccountId
            ?? throw new AccessDeniedException(grant.ParticipantId, Target.ToString(), "no enterprise account is linked");
        return await Enterprise.GetAccountAsync(accountId, cancellationToken).ConfigureAwait(false);
    }

    // Runs a participant's write once per idempotency key: the key's record names the result, so a retry reads
    // the result back from the provider instead of creating a second one. A crash between the provider's answer
    // and the record's write leaves no record: the retry then creates again (the provider call is not keyed).
    private async Task<T> OnceAsync<T>(
        string participantId,
        string operation,
        string keyField,
        string? key,
        string fingerprint,
        Func<Task<T>> run,
        Func<string, Task<T>> load,
        Func<T, string> idOf,
        CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return await run().ConfigureAwait(false);
        }

        var recordId = Hash($"{operation}\n{_options.ProgramId}\n{participantId}\n{key}");
        using (await _requestLocks.AcquireAsync(recordId, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.GetDocumentAsync(RequestsCollection, recordId, cancellationToken).ConfigureAwait(false) is { } json)
            {
                var earlier = JsonSerializer.Deserialize<RequestRecord>(json, Json)!;
                if (earlier.Fingerprint != fingerprint)
                {
                    throw new CoCreationConflictException($"{keyField} was used before for a different {operation} request; use a new key for a new request.");
                }

                return await load(earlier.ResultId).ConfigureAwait(false);
            }

            var result = await run().ConfigureAwait(false);
            var record = new RequestRecord(fingerprint, idOf(result), _time.GetUtcNow());
            await _store.ApplyAsync(new StoreChanges().PutDocument(RequestsCollection, recordId, JsonSerializer.Serialize(record, Json)), cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private static string Fingerprint(params string[] parts) => Hash(string.Join("\u001f", parts));

    private async Task<Participant> ParticipantOfAccountAsync(string accountId, CancellationToken cancellationToken)
        => await _identities.FindByEnterpriseAccountAsync(_options.EnterpriseSystem, accountId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationConflictException($"Enterprise account {accountId} is not linked to any participant of the programme.");

    private CoCreationEvent ModuleEvent(string type, string id, string subject, ImmutableDictionary<string, string> data) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module(ModuleName),
        Type = type,
        Time = _time.GetUtcNow(),
        Subject = subject,
        Data = data,
    };

    private sealed record RequestRecord(string Fingerprint, string ResultId, DateTimeOffset At);

    private static string ReportKey(ReportSubscription subscription) => $"{subscription.ListingId}:{subscription.ParticipantId}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static void Validate(CommunityProductOptions options)
    {
        CoCreationGuard.NotBlank(options.ProgramId, "CommunityProductOptions.ProgramId");
        CoCreationGuard.NotBlank(options.EnterpriseSystem, "CommunityProductOptions.EnterpriseSystem");
        if (options.DesignerShare is < 0m or > 1m)
        {
            throw new CoCreationValidationException("CommunityProductOptions.DesignerShare", "must be between 0 and 1.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            throw new CoCreationValidationException("CommunityProductOptions.TimeZone", $"'{options.TimeZone}' is not a known time zone.");
        }

        if (options.GrantLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("CommunityProductOptions.GrantLifetime", "must be positive.");
        }
    }
}

/// <summary>The stored owner of a listing the programme opened.</summary>
internal sealed record ListingOwner(string OwnerAccountId);
