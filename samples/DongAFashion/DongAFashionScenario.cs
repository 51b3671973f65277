using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace DongAFashion;

/// <summary>
/// The paper's validation scenario: Dong-A Fashion produces and sells a consumer's design through its
/// production system and online shop and shares the profit with the designer, every event reaching
/// people over SNS. Runs on the embedded providers; each step checks its own effect.
/// </summary>
/// <remarks>
/// Without a data directory everything lives in memory and every instance starts fresh. With one
/// (<see cref="OpenAsync"/>), the orchestrator's store is a SQLite file, the embedded networks and the
/// enterprise system keep their own files, and the progress (steps completed, the story's clock and the ids
/// later steps need) is saved after every step, so a later run continues where the last one stopped.
/// </remarks>
public sealed partial class DongAFashionScenario : IAsyncDisposable
{
    public const string Social = "social";
    public const string Micro = "micro";
    public const string Erp = "dong-a-erp";
    public const decimal DesignerShare = 0.15m;

    // Monday 2 March 2026, 10:00 in Seoul.
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(9));

    private readonly bool _english;
    private readonly string _language;
    private readonly string? _dataDirectory;
    private readonly ServiceProvider _services;
    private readonly Dictionary<string, int> _seen = [];

    // What each step left at the providers, by id, so that a check (now or in a later run) reads it back.
    private readonly Dictionary<int, List<StepMessage>> _stepMessages = [];
    private readonly Dictionary<string, int> _saleSteps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _trackingNumbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _announcementIds = new(StringComparer.Ordinal);
    private string? _promotionId;
    private bool _storedWithoutStepRecords;
    private string? _designId;
    private string? _firstOrderId;
    private string? _reorderId;
    private string? _listingId;
    private int _completed;

    /// <summary>Creates a fresh story in memory.</summary>
    /// <param name="language">"ko" or "en".</param>
    public DongAFashionScenario(string language = "ko")
        : this(language, null, null)
    {
    }

    private DongAFashionScenario(string language, string? dataDirectory, ScenarioProgress? progress)
    {
        _language = language;
        _english = language == "en";
        _dataDirectory = dataDirectory;
        var locale = _english ? "en-US" : "ko-KR";
        Clock = new SimulatedClock(progress?.Clock ?? Start);
        SocialNetwork = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { MaxPostLength = 500, DatabasePath = DataFile("social.db") }, Clock);
        MicroNetwork = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { MaxPostLength = 300, EnablePolls = false, DatabasePath = DataFile("micro.db") }, Clock);
        Enterprise = new EmbeddedEnterpriseSystem(Erp, new EmbeddedEnterpriseOptions { DatabasePath = DataFile("erp.db") }, Clock);

        // Idempotent, so a stored story finds its people again (each with a fresh credential).
        SocialBrand = SocialNetwork.GetOrRegisterAccount("dongafashion", "동아패션 Dong-A Fashion", locale);
        MicroBrand = MicroNetwork.GetOrRegisterAccount("dongafashion", "동아패션 Dong-A Fashion", locale);
        Minji = SocialNetwork.GetOrRegisterAccount("minji", _english ? "Minji Kim" : "김민지", locale);
        Junho = MicroNetwork.GetOrRegisterAccount("junho", _english ? "Junho Park" : "박준호", locale);
        Sora = SocialNetwork.GetOrRegisterAccount("sora", _english ? "Sora Lee" : "이소라", locale);

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        var builder = services.AddCoCreation(o => o.DefaultLocale = locale);
        if (DataFile("store.db") is { } storePath)
        {
            builder.UseSqlite($"Data Source={storePath}");
        }

        builder
            .AddEmbeddedSns(Social, SocialNetwork, SocialBrand.Credential)
            .AddEmbeddedSns(Micro, MicroNetwork, MicroBrand.Credential)
            .AddEmbeddedEnterprise(Enterprise)
            .AddCommunityProducts(o =>
            {
                o.ProgramId = "dong-a-community";
                o.EnterpriseSystem = Erp;
                o.DesignerShare = DesignerShare;
                o.BrandName = "Dong-A Fashion";
                o.LocalizedBrandNames["ko-KR"] = "동아패션";
                o.ProductUnits["ko-KR"] = "벌"; // clothing is counted in 벌 (the SDK's default is 개)
                o.ProductUnits["en-US"] = "piece|pieces";
            });
        AddShowroomRules(builder);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Program = _services.GetRequiredService<CommunityProductProgram>();
        SignIn = _services.GetRequiredService<ISnsSignIn>();
        Grants = _services.GetRequiredService<IAccessGrants>();
        Identities = _services.GetRequiredService<IIdentityMap>();
        Audit = _services.GetRequiredService<IAuditLog>();
    }

    /// <summary>
    /// Opens the story stored in <paramref name="dataDirectory"/> (created when missing): a new one, or the one a
    /// previous run left, restored so that <see cref="RunThroughAsync"/> continues after its last completed step.
    /// </summary>
    /// <param name="language">"ko" or "en"; a directory holds one language's story.</param>
    /// <param name="dataDirectory">Where the databases and the progress file are.</param>
    public static async Task<DongAFashionScenario> OpenAsync(string language, string dataDirectory)
    {
        var directory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var progress = ScenarioProgress.Load(Path.Combine(directory, ScenarioProgress.FileName));
        if (progress is not null && progress.Language != language)
        {
            throw new InvalidOperationException($"The story in '{directory}' was told in '{progress.Language}', not '{language}'.");
        }

        var scenario = new DongAFashionScenario(language, directory, progress);
        try
        {
            if (progress is not null)
            {
                await scenario.RestoreAsync(progress).ConfigureAwait(false);
            }

            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Where the story is stored, or <see langword="null"/> when it lives in memory.</summary>
    public string? DataDirectory => _dataDirectory;

    /// <summary>The steps a previous run had completed when this instance was opened (0 for a new story).</summary>
    public int CompletedBefore { get; private set; }

    public SimulatedClock Clock { get; }
    public EmbeddedSnsNetwork SocialNetwork { get; }
    public EmbeddedSnsNetwork MicroNetwork { get; }
    public EmbeddedEnterpriseSystem Enterprise { get; }
    public EmbeddedSnsAccount SocialBrand { get; }
    public EmbeddedSnsAccount MicroBrand { get; }
    public EmbeddedSnsAccount Minji { get; }
    public EmbeddedSnsAccount Junho { get; }
    public CommunityProductProgram Program { get; }
    public ISnsSignIn SignIn { get; }
    public IAccessGrants Grants { get; }
    public IIdentityMap Identities { get; }
    public IAuditLog Audit { get; }

    public IReadOnlyList<SnsPost> Announcements { get; private set; } = [];
    public ParticipantSession? MinjiSession { get; private set; }
    public ParticipantSession? JunhoSession { get; private set; }
    public Design? Design { get; private set; }
    public ProductionOrder? FirstOrder { get; private set; }
    public ProductionOrder? Reorder { get; private set; }
    public Listing? Listing { get; private set; }
    public SnsPost? Promotion { get; private set; }
    public List<SaleRecord> Sales { get; } = [];
    public List<Shipment> Shipments { get; } = [];
    public IReadOnlyList<SalesReport> Reports { get; private set; } = [];
    public Settlement? Settlement { get; private set; }
    public SalesClosure? Closure { get; private set; }
    public DateTimeOffset ListedAt { get; private set; }
    public IReadOnlyList<Exception> DeniedAfterClosure { get; private set; } = [];

    /// <summary>The period of the first daily report (step 11): its start and the instant it fell due.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? ReportPeriod { get; private set; }

    /// <summary>The steps a previous run had completed and this run checked again against the providers.</summary>
    public int Reverified { get; private set; }

    private string? DesignId => Design?.Id ?? _designId;

    private string? FirstOrderId => FirstOrder?.Id ?? _firstOrderId;

    private string? ReorderId => Reorder?.Id ?? _reorderId;

    private string? ListingId => Listing?.Id ?? _listingId;

    /// <summary>The steps run so far.</summary>
    public int Completed => _completed;

    /// <summary>Runs the steps up to and including <paramref name="through"/>, stopping at the first failure.</summary>
    public async Task<IReadOnlyList<StepResult>> RunThroughAsync(int through, Action<StepResult>? onStep = null)
    {
        var results = new List<StepResult>();
        while (_completed < through)
        {
            var result = await RunNextAsync().ConfigureAwait(false);
            results.Add(result);
            onStep?.Invoke(result);
            if (!result.Passed)
            {
                break;
            }
        }

        return results;
    }

    private async Task<StepResult> RunNextAsync()
    {
        var number = _completed + 1;
        var (actor, action, check, run) = Step(number);
        var details = new List<string>();
        string? failure = null;
        try
        {
            await run(details).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = $"{ex.GetType().Name}: {ex.Message}";
        }

        // What arrived during the step is recorded by message id before the check reads it back.
        var messages = NewMessages(number);
        if (failure is null)
        {
            failure = await CheckAsync(number, number).ConfigureAwait(false);
        }

        if (failure is null)
        {
            _completed = number;
            SaveProgress();
        }

        return new StepResult
        {
            Number = number,
            Actor = actor,
            Action = action,
            Details = details,
            Messages = messages,
            Check = check,
            Passed = failure is null,
            Failure = failure,
        };
    }

    /// <summary>
    /// Checks again, against the providers as they are now, every step a previous run completed (a stored story
    /// is not trusted because its progress file says so), stopping at the first step whose effects no longer hold.
    /// </summary>
    /// <param name="onStep">Called with each step's outcome.</param>
    /// <returns>One result per step checked; the last one failed when not all passed.</returns>
    public async Task<IReadOnlyList<StepResult>> ReverifyAsync(Action<StepResult>? onStep = null)
    {
        var results = new List<StepResult>();
        for (var number = 1; number <= _completed; number++)
        {
            var (actor, action, check, _) = Step(number);
            var failure = await CheckAsync(number, _completed).ConfigureAwait(false);
            var result = new StepResult
            {
                Number = number,
                Actor = actor,
                Action = action,
                Details = [],
                Messages = [],
                Check = check,
                Passed = failure is null,
                Failure = failure,
                Reverified = true,
            };
            results.Add(result);
            onStep?.Invoke(result);
            if (failure is not null)
            {
                break;
            }

            Reverified = number;
        }

        return results;
    }

    private async Task<string?> CheckAsync(int number, int storyAt)
    {
        try
        {
            await VerifyStepAsync(number, storyAt).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is ScenarioCheckException)
        {
            return ex.Message;
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private (string Actor, string Action, string Check, Func<List<string>, Task> Run) Step(int number) => number switch
    {
        1 => (T("회사", "Company"), T("SNS에 소비자 디자인 참여 프로그램을 홍보", "promotes the consumer design programme on SNS"),
            T("두 네트워크 모두에 홍보 글이 게시되고 검색된다", "the announcement is on both networks and can be searched"), Step1Async),
        2 => (T("소비자 (김민지)", "Consumer (Minji)"), T("SNS 로그인으로 홈페이지에 가입하고 디자인과 생산 요청을 등록", "signs up at the homepage with her SNS login and registers a design and production request"),
            T("SNS 신원에 연결된 참여자와 홈페이지 계정이 생기고 디자인이 접수된다", "a participant linked to her SNS identity and a homepage account exist; the design is submitted"), Step2Async),
        3 => (T("회사", "Company"), T("생산 여부를 결정하고 요청자에게 생산 시스템 권한을 부여", "decides to produce and grants the requester access to the production system"),
            T("생산 시스템 계정에 생산 요청 권한이 등록되고 요청자가 SNS로 통보받는다", "the production account holds the requester role and she is told over SNS"), Step3Async),
        4 => (T("소비자", "Consumer"), T("SNS 로그인으로 생산 시스템에 들어가 생산 계획을 작성하고 생산을 요청", "enters the production system with her SNS login, writes the plan and requests production"),
            T("그녀의 계정으로 생산 주문이 생성된다", "a production order exists under her account"), Step4Async),
        5 => (T("회사", "Company"), T("계획대로 생산하며 진행 상황을 SNS로 전달", "produces per the plan; progress goes out over SNS"),
            T("요청자가 진행률 DM(30%, 70%)을 받는다", "the requester receives progress DMs (30 %, 70 %)"), Step5Async),
        6 => (T("회사", "Company"), T("생산 완료를 알리고 쇼핑몰에 상품을 등록", "announces completion and lists the product in the shop"),
            T("완료·입고·등록 메시지가 오고, SNS 로그인으로 쇼핑몰 판매자 권한이 인증된다", "completion, stock-in and listing messages arrive; her SNS login is authorised as a shop seller"), Step6Async),
        7 => (T("소비자", "Consumer"), T("판매 가격과 조건을 설정", "sets the sale price and terms"),
            T("쇼핑몰 상품 가격이 45,000원으로 바뀐다", "the shop listing's price is 45,000 KRW"), Step7Async),
        8 => (T("소비자", "Consumer"), T("자신의 SNS에서 상품을 홍보", "promotes her product on her own SNS account"),
            T("그녀 명의의 홍보 글이 검색된다", "a post by her account can be found by search"), Step8Async),
        9 => (T("회사", "Company"), T("쇼핑몰에서 판매하고 구매자 의견을 전달", "sells in the shop and passes on buyers' opinions"),
            T("판매마다 DM이 오고 구매 후기가 그대로 전달된다", "a DM per sale arrives and the buyer's review is passed on word for word"), Step9Async),
        10 => (T("회사", "Company"), T("구매자에게 배송", "ships to buyers"),
            T("주문마다 운송장 번호가 담긴 배송 DM이 온다", "a shipping DM with the tracking number arrives per order"), Step10Async),
        11 => (T("회사", "Company"), T("판매와 재고를 요청자에게 정기 보고 (일간)", "reports sales and stock to the requester (daily)"),
            T("다음 날 09:00 보고에 전날 판매량과 현재 재고가 정확히 담긴다", "the next 09:00 report carries the day's units sold and the stock on hand"), Step11Async),
        12 => (T("회사", "Company"), T("재고가 기준 이하로 떨어지면 생산 담당자와 요청자에게 알림", "alerts the production manager and the requester when stock falls to the set level"),
            T("두 사람 모두 재고 부족 알림을 정확히 한 번 받는다", "both receive exactly one low-stock alert"), Step12Async),
        13 => (T("소비자", "Consumer"), T("추가 생산을 결정하고 요청", "decides on more production and requests it"),
            T("재생산 주문이 그녀의 계정으로 생성된다", "a re-production order exists under her account"), Step13Async),
        14 => (T("회사", "Company"), T("재생산하며 진행 상황을 SNS로 전달", "re-produces; progress over SNS"),
            T("재생산 진행 DM이 온다", "re-production progress DMs arrive"), Step14Async),
        15 => (T("회사", "Company"), T("재생산 완료 및 입고", "re-production done and stocked in"),
            T("입고 DM의 재고 수량이 생산 시스템 재고와 같다", "the stock-in DM's figure equals the system's stock"), Step15Async),
        16 => (T("회사", "Company"), T("판매 대금을 정산하고 요청자 몫을 지급", "settles the sales proceeds and pays the requester's share"),
            T("지급액 = 총매출 × 15%, 원 단위 반올림이고 정산 DM이 온다", "payout = gross × 15 % rounded to the won, and a settlement DM arrives"), Step16Async),
        17 => (T("회사", "Company"), T("판매를 종료하고 요청자의 시스템 접근을 제한", "ends sales and restricts the requester's system access"),
            T("그녀의 세션으로 하는 모든 호출이 거부되고 기업 계정이 비활성화된다", "every call with her session is denied and her enterprise account is deprovisioned"), Step17Async),
        _ => throw new ArgumentOutOfRangeException(nameof(number)),
    };

    // The steps below act and describe what they did; whether a step passed is decided afterwards by
    // VerifyStepAsync (StoryChecks.cs), which reads the providers, not these calls' return values.

    private async Task Step1Async(List<string> details)
    {
        Announcements = await Program.AnnounceAsync(new ProgramAnnouncement
        {
            KoreanText = AnnouncementKorean,
            EnglishText = AnnouncementEnglish,
            IdempotencyKey = "program-launch-2026",
        }).ConfigureAwait(false);
        foreach (var post in Announcements)
        {
            _announcementIds[post.Network] = post.Id;
            details.Add(T($"{post.Network}에 게시: {post.Id}", $"posted on {post.Network}: {post.Id}"));
        }
    }

    private async Task Step2Async(List<string> details)
    {
        MinjiSession = await SignIn.SignInAsync(Social, Minji.Credential).ConfigureAwait(false);
        details.Add(T($"SNS 로그인: @{MinjiSession.Identity.Handle} → 참여자 {MinjiSession.ParticipantId}", $"SNS login: @{MinjiSession.Identity.Handle} → participant {MinjiSession.ParticipantId}"));
        Design = await Program.SubmitDesignAsync(MinjiSession, new DesignSubmission
        {
            Title = DesignTitle,
            Description = _english ? "Wrap dress in washed linen, three colours, sizes S–XL. Production request: 100 pieces." : "워싱 리넨 랩 원피스, 3가지 색상, S–XL. 생산 요청 100벌.",
        }).ConfigureAwait(false);
        details.Add(T($"디자인 접수: {Design.Id} '{Design.Title}'", $"design submitted: {Design.Id} '{Design.Title}'"));
        var account = await MinjiAccountAsync().ConfigureAwait(false);
        details.Add(T($"홈페이지 계정: {account.Login} (역할: {string.Join(", ", account.Roles)})", $"homepage account: {account.Login} (roles: {string.Join(", ", account.Roles)})"));
    }

    private async Task Step3Async(List<string> details)
    {
        Design = await Program.ReviewDesignAsync(Design!.Id, new DesignReview(true, _english ? "Selected for the spring line." : "봄 시즌 라인으로 선정")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        var account = await MinjiAccountAsync().ConfigureAwait(false);
        details.Add(T($"디자인 {Design.Id} 선정, 상품 {Design.ProductId} 생성", $"design {Design.Id} accepted, product {Design.ProductId} created"));
        details.Add(T($"생산 시스템 계정 역할: {string.Join(", ", account.Roles)}", $"production account roles: {string.Join(", ", account.Roles)}"));
    }

    private async Task Step4Async(List<string> details)
    {
        MinjiSession = await SignIn.SignInAsync(Social, Minji.Credential).ConfigureAwait(false);
        FirstOrder = await Program.RequestProductionAsync(MinjiSession, new ProductionRequest
        {
            DesignId = Design!.Id,
            Quantity = FirstRunQuantity,
            Plan = FirstRunPlan,
        }).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"생산 주문 {FirstOrder.Id}: {FirstOrder.Quantity}벌", $"production order {FirstOrder.Id}: {FirstOrder.Quantity} pieces"));
    }

    private async Task Step5Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromDays(2));
        await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(30, _english ? "cutting" : "재단")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        Clock.Advance(TimeSpan.FromDays(3));
        FirstOrder = await Program.ReportProductionProgressAsync(FirstOrder.Id, new ProductionProgressUpdate(70, _english ? "sewing" : "봉제")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"진행률 {FirstOrder.Percent}%", $"progress {FirstOrder.Percent} %"));
    }

    private async Task Step6Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromDays(2));
        FirstOrder = await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(100, _english ? "finished and inspected" : "완성·검수")).ConfigureAwait(false);
        ListedAt = Clock.GetUtcNow();
        Listing = await Program.ListProductAsync(Design!.Id, ListPrice, _english ? "Ships in 2 days" : "2일 내 발송").ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"쇼핑몰 상품 {Listing.Id}: {Listing.Price}", $"shop listing {Listing.Id}: {Listing.Price}"));

        // Her SNS login is authorised as a seller here; VerifyStepAsync then reads the role at the shop itself.
        MinjiSession = await SignIn.SignInAsync(Social, Minji.Credential).ConfigureAwait(false);
        await Grants.AuthorizeAsync(MinjiSession, Program.Target, EnterpriseRoles.Seller).ConfigureAwait(false);
    }

    private async Task Step7Async(List<string> details)
    {
        Listing = await Program.SetPriceAndTermsAsync(MinjiSession!, Listing!.Id, SalePrice, SaleTerms).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"가격 {Listing.Price}, 조건: {Listing.Terms}", $"price {Listing.Price}, terms: {Listing.Terms}"));
    }

    private async Task Step8Async(List<string> details)
    {
        Promotion = await Program.PromoteListingAsync(MinjiSession!, Minji.Credential, Listing!.Id,
            _english ? $"My design '{Listing.Title}' is now on sale at Dong-A Fashion! #내가만든옷" : $"제가 디자인한 '{Listing.Title}'이 동아패션에서 판매 중이에요! #내가만든옷").ConfigureAwait(false);
        _promotionId = Promotion.Id;
        details.Add(T($"@{Minji.Handle}의 게시글 {Promotion.Id}", $"post {Promotion.Id} by @{Minji.Handle}"));
    }

    private async Task Step9Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromHours(5));
        await ShowroomBuyerJoinsAsync(details).ConfigureAwait(false);
        PlaceOrders(9);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"판매 {Sales.Count}건, {Sales.Sum(s => s.Quantity)}벌", $"{Sales.Count} sales, {Sales.Sum(s => s.Quantity)} pieces"));
        await DescribeShowroomHeldAsync(details, "showroom.sale").ConfigureAwait(false);
    }

    private async Task Step10Async(List<string> details)
    {
        var index = 1;
        foreach (var sale in Sales.Where(s => !s.Shipped).ToList())
        {
            var shipment = await Program.ShipAsync(sale.Id, new ShipmentRequest("CJ대한통운", $"6301-{index++:0000}-{sale.Id}")).ConfigureAwait(false);
            Shipments.Add(shipment);
            _trackingNumbers[sale.Id] = shipment.TrackingNumber;
        }

        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"발송 {Shipments.Count}건", $"{Shipments.Count} shipments"));
        await DescribeShowroomHeldAsync(details, "showroom.shipment").ConfigureAwait(false);
    }

    private async Task Step11Async(List<string> details)
    {
        var subscription = await Program.SubscribeToReportsAsync(MinjiSession!, Listing!.Id, ReportFrequency.Daily).ConfigureAwait(false);
        details.Add(T($"일간 보고 신청, 첫 보고 {subscription.NextDueAt.ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} (KST)", $"daily reports, first at {subscription.NextDueAt.ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} (KST)"));
        ReportPeriod = (subscription.PeriodStart, subscription.NextDueAt);
        Clock.Advance(TimeSpan.FromHours(1));
        PlaceOrders(11);
        await Program.SyncAsync().ConfigureAwait(false);
        Clock.AdvanceTo(subscription.NextDueAt);
        Reports = await Program.RunDueReportsAsync().ConfigureAwait(false);
        foreach (var report in Reports)
        {
            details.Add(T($"보고: {report.UnitsSold}벌 판매, 재고 {report.OnHand}벌", $"report: {report.UnitsSold} sold, {report.OnHand} in stock"));
        }
    }

    private async Task Step12Async(List<string> details)
    {
        JunhoSession = await SignIn.SignInAsync(Micro, Junho.Credential).ConfigureAwait(false);
        await Program.AppointProductionManagerAsync(JunhoSession.ParticipantId).ConfigureAwait(false);
        await Program.SetLowStockThresholdAsync(Listing!.ProductId, LowStockThreshold).ConfigureAwait(false);
        Clock.Advance(TimeSpan.FromHours(2));
        PlaceOrders(12);
        await Program.SyncAsync().ConfigureAwait(false);
        var stock = await Enterprise.GetStockAsync(Listing.ProductId).ConfigureAwait(false);
        details.Add(T($"재고 {stock.OnHand}벌 (기준 {stock.Threshold}벌)", $"stock {stock.OnHand} (threshold {stock.Threshold})"));
        DescribeShowroomDelivered(details);
    }

    private async Task Step13Async(List<string> details)
    {
        MinjiSession = await SignIn.SignInAsync(Social, Minji.Credential).ConfigureAwait(false);
        Reorder = await Program.RequestProductionAsync(MinjiSession, new ProductionRequest
        {
            DesignId = Design!.Id,
            Quantity = ReorderQuantity,
            Plan = ReorderPlan,
        }).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"재생산 주문 {Reorder.Id}: {Reorder.Quantity}벌", $"re-production order {Reorder.Id}: {Reorder.Quantity} pieces"));
    }

    private async Task Step14Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromDays(1));
        Reorder = await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(50, _english ? "sewing" : "봉제")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"재생산 진행률 {Reorder.Percent}%", $"re-production {Reorder.Percent} %"));
    }

    private async Task Step15Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromDays(2));
        Reorder = await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(100, _english ? "finished" : "완성")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        var stock = await Enterprise.GetStockAsync(Listing!.ProductId).ConfigureAwait(false);
        details.Add(T($"입고 후 재고 {stock.OnHand}벌", $"stock after stock-in: {stock.OnHand}"));
    }

    private async Task Step16Async(List<string> details)
    {
        Clock.Advance(TimeSpan.FromHours(1));
        Settlement = await Program.SettleAsync(Listing!.Id, ListedAt, Clock.GetUtcNow()).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"총매출 {Settlement.Gross}, 디자이너 몫 {Settlement.Share} ({Settlement.ShareRate:P0})", $"gross {Settlement.Gross}, designer's share {Settlement.Share} ({Settlement.ShareRate:P0})"));
    }

    private async Task Step17Async(List<string> details)
    {
        Closure = await Program.EndSalesAsync(Listing!.Id, _english ? "season ended" : "시즌 종료").ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"판매 종료, 권한 {Closure.RevokedGrants.Count}개 해제", $"sales ended, {Closure.RevokedGrants.Count} grants revoked"));

        // Her session is tried on every call a seller or requester makes; each must be refused. (Refused calls
        // change nothing, which VerifyStepAsync confirms at the providers: price, orders, posts.)
        var session = MinjiSession!;
        var denied = new List<Exception>();
        await Collect(denied, () => Program.SetPriceAndTermsAsync(session, Listing.Id, new Money(40000m, "KRW"), "sale")).ConfigureAwait(false);
        await Collect(denied, () => Program.RequestProductionAsync(session, new ProductionRequest { DesignId = Design!.Id, Quantity = 10, Plan = "more" })).ConfigureAwait(false);
        await Collect(denied, () => Program.PromoteListingAsync(session, Minji.Credential, Listing.Id, "still here")).ConfigureAwait(false);
        await Collect(denied, () => Program.SubscribeToReportsAsync(session, Listing.Id, ReportFrequency.Weekly)).ConfigureAwait(false);
        DeniedAfterClosure = denied;
        details.Add(T($"그녀의 세션으로 한 호출 {denied.Count(e => e is AccessDeniedException)}/4건 거부", $"{denied.Count(e => e is AccessDeniedException)} of 4 calls with her session denied"));
        Require(denied.Count == 4 && denied.All(e => e is AccessDeniedException), "all four calls with her session were denied");
        var account = await MinjiAccountAsync().ConfigureAwait(false);
        details.Add(T($"기업 계정 {account.Login}: 활성={account.IsActive}, 역할={account.Roles.Count}", $"enterprise account {account.Login}: active={account.IsActive}, roles={account.Roles.Count}"));
    }

    private static async Task Collect(List<Exception> denied, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (CoCreationException ex)
        {
            denied.Add(ex);
        }
    }

    public async Task<EnterpriseAccount> MinjiAccountAsync()
    {
        var participant = await Identities.FindBySnsAsync(Social, Minji.Subject).ConfigureAwait(false)
            ?? throw new ScenarioCheckException("Minji is not a participant");
        var link = participant.FindEnterpriseLink(Erp) ?? throw new ScenarioCheckException("Minji has no enterprise account");
        return await Enterprise.GetAccountAsync(link.AccountId).ConfigureAwait(false);
    }

    public static IReadOnlyList<string> InboxTexts(EmbeddedSnsNetwork network, EmbeddedSnsAccount person)
        => network.GetInbox(person.Subject).Select(m => m.Text).ToList();

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new ScenarioCheckException(what);
        }
    }

    private List<ReceivedMessage> NewMessages(int step)
    {
        var messages = new List<ReceivedMessage>();
        var recorded = new List<StepMessage>();
        foreach (var (name, network, networkName, person) in People())
        {
            var inbox = network.GetInbox(person.Subject);
            var key = "dm:" + networkName + ":" + person.Subject;
            var seen = _seen.GetValueOrDefault(key);
            foreach (var message in inbox.Skip(seen))
            {
                messages.Add(new ReceivedMessage(name, networkName, "DM", message.Text));
                recorded.Add(new StepMessage(networkName, person.Subject, message.Id));
            }

            _seen[key] = inbox.Count;

            var mentions = network.GetMentions(person.Subject);
            key = "mention:" + networkName + ":" + person.Subject;
            seen = _seen.GetValueOrDefault(key);
            messages.AddRange(mentions.Skip(seen).Select(m => new ReceivedMessage(name, networkName, T("멘션", "mention"), m.Text)));
            _seen[key] = mentions.Count;
        }

        _stepMessages[step] = recorded;
        return messages;
    }

    private IEnumerable<(string Name, EmbeddedSnsNetwork Network, string NetworkName, EmbeddedSnsAccount Person)> People()
    {
        yield return (T("김민지 (디자이너)", "Minji (designer)"), SocialNetwork, Social, Minji);
        yield return (T("박준호 (생산 담당)", "Junho (production manager)"), MicroNetwork, Micro, Junho);
        yield return (T("이소라 (뉴욕 쇼룸)", "Sora (New York showroom)"), SocialNetwork, Social, Sora);
    }

    private string T(string korean, string english) => _english ? english : korean;

    private string? DataFile(string name) => _dataDirectory is null ? null : Path.Combine(_dataDirectory, name);

    /// <summary>Saves what a later run needs to go on from here; the providers and the store saved their own state already.</summary>
    private void SaveProgress()
    {
        if (DataFile(ScenarioProgress.FileName) is not { } path)
        {
            return;
        }

        new ScenarioProgress
        {
            Language = _language,
            Completed = _completed,
            Clock = Clock.GetUtcNow(),
            DesignId = DesignId,
            FirstOrderId = FirstOrderId,
            ReorderId = ReorderId,
            ListingId = ListingId,
            ListedAt = ListingId is null ? null : ListedAt,
            SaleIds = [.. Sales.Select(s => s.Id)],
            Seen = new Dictionary<string, int>(_seen, StringComparer.Ordinal),
            AnnouncementIds = new Dictionary<string, string>(_announcementIds, StringComparer.Ordinal),
            PromotionId = _promotionId,
            ReportPeriodStart = ReportPeriod?.Start,
            ReportPeriodEnd = ReportPeriod?.End,
            SaleSteps = new Dictionary<string, int>(_saleSteps, StringComparer.Ordinal),
            TrackingNumbers = new Dictionary<string, string>(_trackingNumbers, StringComparer.Ordinal),
            StepMessages = _stepMessages.Where(p => p.Key <= _completed).ToDictionary(p => p.Key, p => (IReadOnlyList<StepMessage>)[.. p.Value]),
        }.Save(path);
    }

    /// <summary>What the stored providers hold now, read back from their files, for the "found a previous run" report.</summary>
    public async Task<IReadOnlyList<string>> DescribeStoredStateAsync()
    {
        var lines = new List<string>
        {
            T($"이야기 시각: {Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} (KST)", $"story clock: {Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(9)):yyyy-MM-dd HH:mm} (KST)"),
            T($"김민지가 받은 DM {SocialNetwork.GetInbox(Minji.Subject).Count}통, 박준호가 받은 DM {MicroNetwork.GetInbox(Junho.Subject).Count}통",
              $"Minji has {SocialNetwork.GetInbox(Minji.Subject).Count} DMs, Junho has {MicroNetwork.GetInbox(Junho.Subject).Count} DMs"),
            T($"기업 시스템 이벤트 {Enterprise.AllEvents.Count}건", $"{Enterprise.AllEvents.Count} enterprise events"),
        };
        if (Design is not null)
        {
            lines.Add(T($"디자인 {Design.Id} '{Design.Title}': {Design.Status}", $"design {Design.Id} '{Design.Title}': {Design.Status}"));
        }

        if (Listing is not null)
        {
            var listing = await Enterprise.GetListingAsync(Listing.Id).ConfigureAwait(false);
            var stock = await Enterprise.GetStockAsync(listing.ProductId).ConfigureAwait(false);
            lines.Add(T($"쇼핑몰 상품 {listing.Id}: {listing.Status}, {listing.Price}, 판매 {Sales.Count}건, 재고 {stock.OnHand}벌",
                $"listing {listing.Id}: {listing.Status}, {listing.Price}, {Sales.Count} sales, {stock.OnHand} in stock"));
            foreach (var payout in Enterprise.GetPayouts(listing.OwnerAccountId))
            {
                lines.Add(T($"지급 {payout.Id}: {payout.Amount}", $"payout {payout.Id}: {payout.Amount}"));
            }
        }

        return lines;
    }

    private static async Task<T?> FindAsync<T>(string? id, Func<string, Task<T>> read)
        where T : class
    {
        if (id is null)
        {
            return null;
        }

        try
        {
            return await read(id).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private async Task RestoreAsync(ScenarioProgress progress)
    {
        _completed = progress.Completed;
        CompletedBefore = progress.Completed;
        foreach (var (key, count) in progress.Seen)
        {
            _seen[key] = count;
        }

        _storedWithoutStepRecords = progress.Completed > 0 && progress.StepMessages is null;
        foreach (var (step, messages) in progress.StepMessages ?? new Dictionary<int, IReadOnlyList<StepMessage>>())
        {
            _stepMessages[step] = [.. messages];
        }

        foreach (var (saleId, step) in progress.SaleSteps)
        {
            _saleSteps[saleId] = step;
        }

        foreach (var (saleId, tracking) in progress.TrackingNumbers)
        {
            _trackingNumbers[saleId] = tracking;
        }

        if (progress.ReportPeriodStart is { } reportStart && progress.ReportPeriodEnd is { } reportEnd)
        {
            ReportPeriod = (reportStart, reportEnd);
        }

        foreach (var (network, postId) in progress.AnnouncementIds)
        {
            _announcementIds[network] = postId;
        }

        _promotionId = progress.PromotionId;

        // The records later steps build on are read back from the enterprise system. One that is gone stays
        // null here (its id is kept) and the re-verification names the step that made it.
        _designId = progress.DesignId;
        _firstOrderId = progress.FirstOrderId;
        _reorderId = progress.ReorderId;
        _listingId = progress.ListingId;
        ListedAt = progress.ListedAt ?? ListedAt;
        Design = await FindAsync(progress.DesignId, id => Enterprise.GetDesignAsync(id)).ConfigureAwait(false);
        FirstOrder = await FindAsync(progress.FirstOrderId, id => Enterprise.GetProductionOrderAsync(id)).ConfigureAwait(false);
        Reorder = await FindAsync(progress.ReorderId, id => Enterprise.GetProductionOrderAsync(id)).ConfigureAwait(false);
        Listing = await FindAsync(progress.ListingId, id => Enterprise.GetListingAsync(id)).ConfigureAwait(false);
        if (Listing is not null)
        {
            var sales = await Enterprise.GetSalesAsync(Listing.Id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue).ConfigureAwait(false);
            Sales.AddRange(progress.SaleIds.Select(id => sales.FirstOrDefault(s => s.Id == id)).OfType<SaleRecord>());
        }

        // Sessions are not stored; signing in again gives the same participant with the grants it holds now.
        if (_completed >= 2)
        {
            MinjiSession = await SignIn.SignInAsync(Social, Minji.Credential).ConfigureAwait(false);
        }

        if (_completed >= 12)
        {
            JunhoSession = await SignIn.SignInAsync(Micro, Junho.Credential).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        SocialNetwork.Dispose();
        MicroNetwork.Dispose();
        Enterprise.Dispose();
    }
}
