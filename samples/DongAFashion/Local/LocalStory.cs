using System.Globalization;
using System.Text.RegularExpressions;
using CoCreation.Sdk;
using CoCreation.Sdk.Bluesky;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Tryton;
using CoCreation.Sdk.Vendure;
using Microsoft.Extensions.DependencyInjection;

namespace DongAFashion.Local;

/// <summary>
/// The 17 steps on real local systems: a Bluesky PDS for SNS (sign-in, posts, and mentions in place of direct messages,
/// since a PDS has no chat service), Tryton for accounts, production and the designer's payout, and Vendure for the
/// shop (listing, price, orders, fulfilments, stock). Tryton and Vendure are one enterprise system to the programme,
/// a composite (ADR 14). Each step's check reads the effect back from the real system with the story's own clients
/// (<see cref="PdsClient"/>, <see cref="TrytonClient"/>, <see cref="VendureClient"/>), never from what the SDK returned.
/// </summary>
public sealed class LocalStory : IAsyncDisposable
{
    public const string Bluesky = "bluesky";
    public const string Erp = "erp";
    public const string Shop = "shop";
    public const string Company = "dong-a";
    public const decimal DesignerShare = 0.15m;
    public const int FirstRunQuantity = 100;
    public const int ReorderQuantity = 60;
    public const int LowStockThreshold = 20;
    public static readonly Money ListPrice = new(39000m, "KRW");
    public static readonly Money SalePrice = new(45000m, "KRW");

    /// <summary>The shop orders placed in each step: buyer and pieces.</summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyList<(string Buyer, int Quantity)>> PlannedOrders =
        new Dictionary<int, IReadOnlyList<(string Buyer, int Quantity)>>
        {
            [9] = [("buyer-1", 2), ("buyer-2", 1), ("buyer-3", 3)],
            [11] = [("buyer-4", 4), ("buyer-5", 5)],
            [12] = [("boutique-seoul", 70), ("buyer-6", 2)],
        };

    private readonly bool _english;
    private readonly HttpClient _http;
    private readonly ServiceProvider _services;
    private readonly Dictionary<string, int> _seenMentions = new(StringComparer.Ordinal);
    private readonly List<string> _orderIds = [];
    private readonly Dictionary<string, string> _tracking = new(StringComparer.Ordinal);
    private readonly string _run;
    private int _completed;

    private LocalStory(string language, LocalSettings settings, HttpClient http, PdsClient pds, PdsAccount brand, string brandAppPassword, PdsAccount minji, PdsAccount junho)
    {
        _english = language == "en";
        _http = http;
        _run = Guid.NewGuid().ToString("N")[..6];
        Pds = pds;
        Brand = brand;
        Minji = minji;
        Junho = junho;
        Tryton = new TrytonClient(settings, http);
        Vendure = new VendureClient(settings, http);
        Clock = new SimulatedClock(DateTimeOffset.UtcNow);
        var locale = _english ? "en-US" : "ko-KR";

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddCoCreation(o =>
            {
                o.DefaultLocale = locale;

                // A PDS has no chat service: the programme's direct messages go out as mentions of the person. They are
                // public, which is acceptable on this closed local network only.
                o.Relay.MentionWhereNoDirectMessages = true;

                // The PDS is this machine's own test server, and the story runs on its own clock, which moves only
                // when a step says so: Bluesky's published posting limit (one post every 2.2 s) is for bsky.social,
                // not for it. A deployment on a real PDS keeps the default.
                o.Relay.UsePublishedRateLimits = false;
            })
            .AddBluesky(Bluesky, o =>
            {
                o.Service = settings.BlueskyUrl;
                o.Identifier = brand.Handle;
                o.AppPassword = brandAppPassword;
                o.ReadMode = BlueskyReadMode.PdsRepositories;
            })
            .AddTryton(Erp, o =>
            {
                o.Url = settings.TrytonUrl;
                o.Database = settings.TrytonDatabase;
                o.User = settings.TrytonUser;
                o.Password = settings.TrytonPassword;
                o.PayoutExpenseAccountCode = "6210";
            })
            .AddVendure(Shop, o =>
            {
                o.AdminApiUrl = settings.VendureAdminApi;
                o.User = settings.VendureUser;
                o.Password = settings.VendurePassword;
            })
            .AddCompositeEnterprise(Company, o =>
            {
                o.AccountSystems.Add(Erp);
                o.AccountSystems.Add(Shop);
                o.ProductionSystem = Erp;
                o.CommerceSystem = Shop;
                o.InventorySystem = Shop;
                o.PayoutSystem = Erp;
                o.DisplayName = "Dong-A Fashion (Tryton + Vendure)";
            })
            .AddCommunityProducts(o =>
            {
                o.ProgramId = "dong-a-community-" + _run;
                o.EnterpriseSystem = Company;
                o.DesignerShare = DesignerShare;
                o.BrandName = "Dong-A Fashion";
                o.LocalizedBrandNames["ko-KR"] = "동아패션";
                o.ProductUnits["ko-KR"] = "벌";
                o.ProductUnits["en-US"] = "piece|pieces";
            });
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Program = _services.GetRequiredService<CommunityProductProgram>();
        SignIn = _services.GetRequiredService<ISnsSignIn>();
        Grants = _services.GetRequiredService<IAccessGrants>();
        Identities = _services.GetRequiredService<IIdentityMap>();
        Connector = (BlueskyConnector)_services.GetRequiredKeyedService<ISnsConnector>(Bluesky);
    }

    /// <summary>Makes the story's people on the PDS (the brand with an app password, Minji, Junho) and the SDK over the three systems.</summary>
    public static async Task<LocalStory> StartAsync(LocalSettings settings, string language = "ko")
    {
        ArgumentNullException.ThrowIfNull(settings);
        // No cookies: each call carries its own bearer token, so the superadmin's session never reaches a buyer's calls.
        var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            var pds = new PdsClient(settings.BlueskyUrl, settings.HandleDomain, http);
            var brand = await pds.CreateAccountAsync("donga").ConfigureAwait(false);
            var appPassword = await pds.CreateAppPasswordAsync(brand).ConfigureAwait(false);
            var minji = await pds.CreateAccountAsync("minji").ConfigureAwait(false);
            var junho = await pds.CreateAccountAsync("junho").ConfigureAwait(false);
            return new LocalStory(language, settings, http, pds, brand, appPassword, minji, junho);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    public SimulatedClock Clock { get; }
    public PdsClient Pds { get; }
    public TrytonClient Tryton { get; }
    public VendureClient Vendure { get; }
    public PdsAccount Brand { get; }
    public PdsAccount Minji { get; }
    public PdsAccount Junho { get; }
    public CommunityProductProgram Program { get; }
    public ISnsSignIn SignIn { get; }
    public IAccessGrants Grants { get; }
    public IIdentityMap Identities { get; }
    public BlueskyConnector Connector { get; }

    public ParticipantSession? MinjiSession { get; private set; }
    public Design? Design { get; private set; }
    public ProductionOrder? FirstOrder { get; private set; }
    public ProductionOrder? Reorder { get; private set; }
    public Listing? Listing { get; private set; }
    public DateTimeOffset ListedAt { get; private set; }
    public SnsPost? Promotion { get; private set; }
    public IReadOnlyList<SalesReport> Reports { get; private set; } = [];
    public (DateTimeOffset Start, DateTimeOffset End) ReportPeriod { get; private set; }
    public Settlement? Settlement { get; private set; }

    // Sales are read from a little before the listing: Vendure stamps orders in whole seconds, so an order placed in the
    // second the listing was made can read as earlier than it. No order of this story's product exists before the listing.
    private DateTimeOffset SalesFrom => ListedAt.AddMinutes(-1);

    private string DesignTitle => T($"리넨 랩 원피스 {_run}", $"Linen wrap dress {_run}");

    private string Announcement => T(
        $"동아패션 #내가만든옷 프로그램 ({_run}): 여러분의 디자인을 등록하세요. 선정되면 생산·판매하고 수익을 나눕니다.",
        $"Dong-A Fashion #내가만든옷 programme ({_run}): register your design. Selected designs are produced and sold, and the profit is shared.");

    private int Sold(int throughStep) => PlannedOrders.Where(p => p.Key <= throughStep).Sum(p => p.Value.Sum(o => o.Quantity));

    /// <summary>Runs the steps after the last one run, through <paramref name="through"/>, stopping at the first that fails.</summary>
    public async Task<IReadOnlyList<StepResult>> RunThroughAsync(int through, Action<StepResult>? onStep = null)
    {
        var results = new List<StepResult>();
        while (_completed < through)
        {
            var number = _completed + 1;
            var (actor, action, check, run, verify) = Step(number);
            var details = new List<string>();
            string? failure = null;
            IReadOnlyList<ReceivedMessage> messages = [];
            try
            {
                await run(details).ConfigureAwait(false);
                messages = await NewMentionsAsync().ConfigureAwait(false);
                await verify(messages, details).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = $"{ex.GetType().Name}: {ex.Message}";
            }

            var result = new StepResult
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
            results.Add(result);
            onStep?.Invoke(result);
            if (failure is not null)
            {
                break;
            }

            _completed = number;
        }

        return results;
    }

    private (string Actor, string Action, string Check, Func<List<string>, Task> Run, Func<IReadOnlyList<ReceivedMessage>, List<string>, Task> Verify) Step(int number) => number switch
    {
        1 => (T("회사", "Company"), T("Bluesky에 프로그램을 홍보", "promotes the programme on Bluesky"),
            T("브랜드 저장소에 홍보 글이 있다 (PDS)", "the announcement is in the brand's repository (PDS)"), Step1Async, Verify1Async),
        2 => (T("소비자 (김민지)", "Consumer (Minji)"), T("Bluesky 로그인으로 가입하고 디자인을 등록", "signs up with her Bluesky login and registers a design"),
            T("Tryton 사용자(회원 그룹)와 Vendure 관리자, Tryton의 디자인 (Tryton, Vendure)", "a Tryton user in the member group, a Vendure administrator, the design in Tryton (Tryton, Vendure)"), Step2Async, Verify2Async),
        3 => (T("회사", "Company"), T("디자인을 선정하고 생산 권한을 부여", "accepts the design and grants production access"),
            T("Tryton 사용자가 생산 그룹에 있고, 그녀를 멘션한 선정 알림 (Tryton, PDS)", "her Tryton user is in the Production group; a mention tells her the design was selected (Tryton, PDS)"), Step3Async, Verify3Async),
        4 => (T("소비자 (김민지)", "Consumer (Minji)"), T("생산 계획을 작성하고 생산을 요청", "writes the plan and requests production"),
            T("Tryton에 100벌 생산 주문, 주문 번호를 담은 멘션 (Tryton, PDS)", "a production of 100 pieces in Tryton; a mention names the order (Tryton, PDS)"), Step4Async, Verify4Async),
        5 => (T("회사", "Company"), T("생산 진행 상황을 SNS로 전달", "reports production progress over SNS"),
            T("Tryton 생산 참조가 70%, 30%와 70% 멘션 (Tryton, PDS)", "Tryton's production reads 70 %; mentions with 30 % and 70 % (Tryton, PDS)"), Step5Async, Verify5Async),
        6 => (T("회사", "Company"), T("생산 완료, 쇼핑몰에 상품 등록, 판매자 권한", "completes production, lists the product, grants the seller role"),
            T("Tryton 생산 완료, Vendure 상품(SKU, 39,000원, 재고 100), 판매자 역할 (Tryton, Vendure, PDS)", "Tryton's production is done; Vendure holds the product (SKU, 39,000 KRW, 100 in stock) and her seller role (Tryton, Vendure, PDS)"), Step6Async, Verify6Async),
        7 => (T("소비자 (김민지)", "Consumer (Minji)"), T("가격과 판매 조건을 설정", "sets price and terms"),
            T("Vendure 가격 45,000원과 판매 조건 (Vendure)", "Vendure sells at 45,000 KRW with her terms (Vendure)"), Step7Async, Verify7Async),
        8 => (T("소비자 (김민지)", "Consumer (Minji)"), T("자신의 Bluesky 계정으로 상품을 홍보", "promotes the product from her own Bluesky account"),
            T("그녀의 저장소에 홍보 글 (PDS)", "the post is in her own repository (PDS)"), Step8Async, Verify8Async),
        9 => (T("구매자", "Buyers"), T("쇼핑몰에서 주문, 판매 알림", "order in the shop; sales are relayed"),
            T("Vendure 주문 3건 결제 완료, 판매마다 멘션 (Vendure, PDS)", "three Vendure orders settled; one mention per sale (Vendure, PDS)"), Step9Async, Verify9Async),
        10 => (T("회사", "Company"), T("발송", "ships"),
            T("Vendure 주문마다 운송장, 운송장 멘션 (Vendure, PDS)", "each Vendure order has its tracking code; mentions carry them (Vendure, PDS)"), Step10Async, Verify10Async),
        11 => (T("회사", "Company"), T("일간 판매 보고", "daily sales report"),
            T("보고의 판매량과 재고가 Vendure와 같다 (Vendure, PDS)", "the report's units and stock equal Vendure's (Vendure, PDS)"), Step11Async, Verify11Async),
        12 => (T("회사", "Company"), T("재고 부족 알림을 생산 담당과 디자이너에게", "low-stock alert to the production manager and the designer"),
            T("Vendure 재고가 기준 이하, 두 사람 각각 한 번 멘션 (Vendure, PDS)", "Vendure's stock is at or below the threshold; each of the two is mentioned once (Vendure, PDS)"), Step12Async, Verify12Async),
        13 => (T("소비자 (김민지)", "Consumer (Minji)"), T("재생산 요청", "requests re-production"),
            T("Tryton에 60벌 생산 주문, 확인 멘션 (Tryton, PDS)", "a production of 60 pieces in Tryton; a mention confirms it (Tryton, PDS)"), Step13Async, Verify13Async),
        14 => (T("회사", "Company"), T("재생산 진행", "re-production progress"),
            T("Tryton 참조 50%, 50% 멘션 (Tryton, PDS)", "Tryton's reference reads 50 %; a mention with 50 % (Tryton, PDS)"), Step14Async, Verify14Async),
        15 => (T("회사", "Company"), T("재생산 완료, 쇼핑몰 입고", "re-production done, stocked into the shop"),
            T("Vendure 재고 = 생산량 − 판매량, 입고 멘션 (Tryton, Vendure, PDS)", "Vendure's stock = produced − sold; a stock-in mention (Tryton, Vendure, PDS)"), Step15Async, Verify15Async),
        16 => (T("회사", "Company"), T("정산하고 디자이너 몫을 지급", "settles and pays the designer's share"),
            T("Tryton 공급자 송장 = Vendure 매출 × 15%, 정산 멘션 (Tryton, Vendure, PDS)", "a Tryton supplier invoice of Vendure's gross × 15 %; a settlement mention (Tryton, Vendure, PDS)"), Step16Async, Verify16Async),
        17 => (T("회사", "Company"), T("판매 종료, 권한 해제", "ends sales and removes access"),
            T("Vendure 상품 비활성, Vendure 관리자 역할 없음, Tryton 사용자 비활성, 그녀의 세션 거부 (Tryton, Vendure)", "the Vendure product is disabled and her administrator holds no role, her Tryton user is inactive, her session refused (Tryton, Vendure)"), Step17Async, Verify17Async),
        _ => throw new ArgumentOutOfRangeException(nameof(number)),
    };

    // ------------------------------------------------------------------ steps

    private async Task Step1Async(List<string> details)
    {
        var posts = await Program.AnnounceAsync(new ProgramAnnouncement
        {
            KoreanText = Announcement,
            EnglishText = Announcement,
            IdempotencyKey = "program-launch-" + _run,
        }).ConfigureAwait(false);
        details.AddRange(posts.Select(p => T($"{p.Network}에 게시: {p.Id}", $"posted on {p.Network}: {p.Id}")));
    }

    private async Task Verify1Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var posts = await Pds.PostsAsync(Brand.Did).ConfigureAwait(false);
        Require(posts.Any(p => p.Text.Contains(_run, StringComparison.Ordinal) && p.Text.Contains("#내가만든옷", StringComparison.Ordinal)), "the brand's repository holds the announcement");
        details.Add(T("PDS에서 확인: 홍보 글", "read back from the PDS: the announcement"));
    }

    private async Task<ParticipantSession> SignInMinjiAsync()
    {
        var session = await Connector.CreateSessionAsync(Minji.Handle, Minji.Password).ConfigureAwait(false);
        return MinjiSession = await SignIn.SignInAsync(Bluesky, session.ToCredential()).ConfigureAwait(false);
    }

    private async Task Step2Async(List<string> details)
    {
        await SignInMinjiAsync().ConfigureAwait(false);
        details.Add(T($"Bluesky 로그인: @{MinjiSession!.Identity.Handle} → 참여자 {MinjiSession.ParticipantId}", $"Bluesky login: @{MinjiSession!.Identity.Handle} → participant {MinjiSession.ParticipantId}"));
        Design = await Program.SubmitDesignAsync(MinjiSession, new DesignSubmission
        {
            Title = DesignTitle,
            Description = T("워싱 리넨 랩 원피스, S–XL.", "Wrap dress in washed linen, sizes S–XL."),
        }).ConfigureAwait(false);
        details.Add(T($"디자인 접수: {Design.Id}", $"design submitted: {Design.Id}"));
    }

    private async Task<(long TrytonUser, string Login)> MinjiErpAccountAsync()
    {
        var participant = await Identities.FindBySnsAsync(Bluesky, Minji.Did).ConfigureAwait(false) ?? throw new ScenarioCheckException("Minji's DID resolves to no participant");
        var link = participant.FindEnterpriseLink(Company) ?? throw new ScenarioCheckException("Minji has no account at the company's systems");
        return (long.Parse(link.AccountId, CultureInfo.InvariantCulture), link.Login);
    }

    private async Task Verify2Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var (user, login) = await MinjiErpAccountAsync().ConfigureAwait(false);
        var tryton = await Tryton.ReadAsync("res.user", user, "login", "active").ConfigureAwait(false);
        Require(tryton["login"]!.GetValue<string>() == login && TrytonClient.IsTrue(tryton["active"]), "her Tryton user is active under her login");
        Require((await Tryton.GroupNamesAsync(user).ConfigureAwait(false)).Contains("Product Administration"), "her Tryton user is in the member group (Product Administration)");
        var template = await Tryton.ReadAsync("product.template", long.Parse(Design!.Id, CultureInfo.InvariantCulture), "name").ConfigureAwait(false);
        Require(template["name"]!.GetValue<string>() == DesignTitle, "Tryton holds the design under its title");
        Require(await Vendure.AdministratorAsync(login).ConfigureAwait(false) is not null, "Vendure has her administrator");
        details.Add(T($"Tryton 사용자 {user}, Vendure 관리자 {login}, 디자인 {Design.Id}", $"Tryton user {user}, Vendure administrator {login}, design {Design.Id}"));
    }

    private async Task Step3Async(List<string> details)
    {
        Design = await Program.ReviewDesignAsync(Design!.Id, new DesignReview(true, T("봄 시즌 라인으로 선정", "Selected for the spring line."))).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"디자인 {Design.Id} 선정, 상품 {Design.ProductId}", $"design {Design.Id} accepted, product {Design.ProductId}"));
    }

    private async Task Verify3Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var (user, _) = await MinjiErpAccountAsync().ConfigureAwait(false);
        Require((await Tryton.GroupNamesAsync(user).ConfigureAwait(false)).Contains("Production"), "her Tryton user is in the Production group");
        await Tryton.ReadAsync("product.product", long.Parse(Design!.ProductId!, CultureInfo.InvariantCulture), "id").ConfigureAwait(false);
        RequireMention(messages, Minji, DesignTitle);
    }

    private async Task Step4Async(List<string> details)
    {
        await SignInMinjiAsync().ConfigureAwait(false);
        FirstOrder = await Program.RequestProductionAsync(MinjiSession!, new ProductionRequest
        {
            DesignId = Design!.Id,
            Quantity = FirstRunQuantity,
            Plan = T("S 20 / M 35 / L 30 / XL 15", "S 20 / M 35 / L 30 / XL 15"),
        }).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"생산 주문 {FirstOrder.Id}: {FirstOrder.Quantity}벌", $"production order {FirstOrder.Id}: {FirstOrder.Quantity} pieces"));
    }

    private async Task Verify4Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(FirstOrder!.Id, CultureInfo.InvariantCulture), "quantity", "product").ConfigureAwait(false);
        Require((int)production["quantity"]!.GetValue<double>() == FirstRunQuantity, "Tryton's production is for 100 pieces");
        Require(production["product"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture) == Design!.ProductId, "Tryton's production is of the design's product");
        RequireMention(messages, Minji, FirstOrder.Id);
    }

    private async Task Step5Async(List<string> details)
    {
        await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(30, T("재단", "cutting"))).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        FirstOrder = await Program.ReportProductionProgressAsync(FirstOrder.Id, new ProductionProgressUpdate(70, T("봉제", "sewing"))).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"진행률 {FirstOrder.Percent}%", $"progress {FirstOrder.Percent} %"));
    }

    private async Task Verify5Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(FirstOrder!.Id, CultureInfo.InvariantCulture), "reference").ConfigureAwait(false);
        Require(production["reference"]!.GetValue<string>().StartsWith("70%", StringComparison.Ordinal), "Tryton's production reference reads 70 %");
        RequireMention(messages, Minji, "30%");
        RequireMention(messages, Minji, "70%");
    }

    private async Task Step6Async(List<string> details)
    {
        FirstOrder = await Program.ReportProductionProgressAsync(FirstOrder!.Id, new ProductionProgressUpdate(100, T("완성·검수", "finished and inspected"))).ConfigureAwait(false);
        ListedAt = Clock.GetUtcNow();
        Listing = await Program.ListProductAsync(Design!.Id, ListPrice, T("2일 내 발송", "Ships in 2 days")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        await SignInMinjiAsync().ConfigureAwait(false);
        await Grants.AuthorizeAsync(MinjiSession!, Program.Target, EnterpriseRoles.Seller).ConfigureAwait(false);
        details.Add(T($"쇼핑몰 상품 {Listing.Id}: {Listing.Price}", $"shop listing {Listing.Id}: {Listing.Price}"));
    }

    private async Task Verify6Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(FirstOrder!.Id, CultureInfo.InvariantCulture), "state").ConfigureAwait(false);
        Require(production["state"]!.GetValue<string>() == "done", "Tryton's production is done");
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        Require(product.Sku == Design!.ProductId, $"the Vendure variant's SKU is the product id {Design.ProductId} (was {product.Sku})");
        Require(product.PriceWithTax == 39000 * VendureClient.MinorUnits, $"Vendure sells at 39,000 KRW (was {product.PriceWithTax / VendureClient.MinorUnits})");
        Require(product.OnHand - product.Allocated == FirstRunQuantity, $"Vendure stocks the 100 pieces made in Tryton (has {product.OnHand - product.Allocated})");
        var (_, login) = await MinjiErpAccountAsync().ConfigureAwait(false);
        var admin = await Vendure.AdministratorAsync(login).ConfigureAwait(false);
        Require(admin is { } a && a.Roles.Any(r => r.EndsWith("role-" + EnterpriseRoles.Seller, StringComparison.Ordinal)), "her Vendure administrator holds the seller role");
        RequireMention(messages, Minji, "100");
        details.Add(T($"Vendure 상품 {product.Id}: {product.PriceWithTax / VendureClient.MinorUnits:N0}원, 재고 {product.OnHand}", $"Vendure product {product.Id}: {product.PriceWithTax / VendureClient.MinorUnits:N0} KRW, {product.OnHand} in stock"));
    }

    private async Task Step7Async(List<string> details)
    {
        Listing = await Program.SetPriceAndTermsAsync(MinjiSession!, Listing!.Id, SalePrice, T("2일 내 발송, 14일 내 무료 반품", "Ships in 2 days; free returns within 14 days")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"가격 {Listing.Price}", $"price {Listing.Price}"));
    }

    private async Task Verify7Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        Require(product.PriceWithTax == 45000 * VendureClient.MinorUnits, $"Vendure sells at 45,000 KRW (was {product.PriceWithTax / VendureClient.MinorUnits})");
        Require(product.Description.Contains(T("반품", "returns"), StringComparison.Ordinal), "Vendure holds her terms as the product's description");
    }

    private async Task Step8Async(List<string> details)
    {
        var session = await Connector.CreateSessionAsync(Minji.Handle, Minji.Password).ConfigureAwait(false);
        Promotion = await Program.PromoteListingAsync(MinjiSession!, session.ToCredential(), Listing!.Id,
            T($"제가 디자인한 '{Listing.Title}' 판매 중! #내가만든옷", $"My design '{Listing.Title}' is on sale! #내가만든옷")).ConfigureAwait(false);
        details.Add(T($"@{Minji.Handle}의 게시글 {Promotion.Id}", $"post {Promotion.Id} by @{Minji.Handle}"));
    }

    private async Task Verify8Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var posts = await Pds.PostsAsync(Minji.Did).ConfigureAwait(false);
        Require(posts.Any(p => p.Text.Contains(Listing!.Title, StringComparison.Ordinal)), "her own repository holds the promotion");
    }

    private async Task PlaceOrdersAsync(int step)
    {
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        foreach (var (buyer, quantity) in PlannedOrders[step])
        {
            _orderIds.Add(await Vendure.BuyAsync(product.VariantId, quantity, buyer).ConfigureAwait(false));
        }
    }

    private async Task Step9Async(List<string> details)
    {
        await PlaceOrdersAsync(9).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"주문 {_orderIds.Count}건", $"{_orderIds.Count} orders"));
    }

    private async Task Verify9Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var pieces = 0;
        foreach (var id in _orderIds)
        {
            var order = await Vendure.OrderAsync(id).ConfigureAwait(false);
            Require(order.State == "PaymentSettled", $"Vendure order {order.Code} is settled (is {order.State})");
            pieces += order.Pieces;
        }

        Require(pieces == Sold(9), $"Vendure's orders hold {Sold(9)} pieces (hold {pieces})");
        var toMinji = messages.Where(m => m.Person == Minji.Handle).ToList();
        Require(toMinji.Count == PlannedOrders[9].Count, $"one mention per sale ({toMinji.Count} for {PlannedOrders[9].Count} sales)");
        foreach (var (_, quantity) in PlannedOrders[9])
        {
            RequireMention(messages, Minji, (quantity * SalePrice.Amount).ToString("N0", CultureInfo.InvariantCulture));
        }
    }

    private async Task Step10Async(List<string> details)
    {
        var commerce = (ICommerceSystem)Program.Enterprise;
        var sales = await commerce.GetSalesAsync(Listing!.Id, SalesFrom, Clock.GetUtcNow().AddDays(1)).ConfigureAwait(false);
        var index = 1;
        foreach (var sale in sales.Where(s => !s.Shipped))
        {
            var shipment = await Program.ShipAsync(sale.Id, new ShipmentRequest("CJ대한통운", $"6301-{_run}-{index++:000}")).ConfigureAwait(false);
            _tracking[sale.Id] = shipment.TrackingNumber;
        }

        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"발송 {_tracking.Count}건", $"{_tracking.Count} shipments"));
    }

    private async Task Verify10Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var codes = new List<string>();
        foreach (var id in _orderIds)
        {
            codes.AddRange((await Vendure.OrderAsync(id).ConfigureAwait(false)).TrackingCodes);
        }

        Require(_tracking.Count == PlannedOrders[9].Count, $"every sale was shipped ({_tracking.Count})");
        Require(_tracking.Values.All(codes.Contains), "Vendure's fulfillments carry every tracking number sent");
        foreach (var tracking in _tracking.Values)
        {
            RequireMention(messages, Minji, tracking);
        }
    }

    private async Task Step11Async(List<string> details)
    {
        var subscription = await Program.SubscribeToReportsAsync(MinjiSession!, Listing!.Id, ReportFrequency.Daily).ConfigureAwait(false);
        ReportPeriod = (subscription.PeriodStart, subscription.NextDueAt);
        await PlaceOrdersAsync(11).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        Clock.AdvanceTo(subscription.NextDueAt);
        Reports = await Program.RunDueReportsAsync().ConfigureAwait(false);
        details.AddRange(Reports.Select(r => T($"보고: {r.UnitsSold}벌 판매, 재고 {r.OnHand}벌", $"report: {r.UnitsSold} sold, {r.OnHand} in stock")));
    }

    private async Task Verify11Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        var onHand = product.OnHand - product.Allocated;
        Require(onHand == FirstRunQuantity - Sold(11), $"Vendure's stock is {FirstRunQuantity - Sold(11)} (is {onHand})");
        var report = Reports.SingleOrDefault() ?? throw new ScenarioCheckException("no report was issued");
        var units = 0;
        foreach (var id in _orderIds)
        {
            var order = await Vendure.OrderAsync(id).ConfigureAwait(false);
            units += order.PlacedAt >= ReportPeriod.Start && order.PlacedAt < ReportPeriod.End ? order.Pieces : 0;
        }

        Require(report.UnitsSold == units && report.OnHand == onHand, $"the report says {report.UnitsSold} sold, {report.OnHand} in stock; Vendure has {units} sold in the period and {onHand} in stock");
        RequireMention(messages, Minji, onHand.ToString("N0", CultureInfo.InvariantCulture));
    }

    private async Task Step12Async(List<string> details)
    {
        var session = await Connector.CreateSessionAsync(Junho.Handle, Junho.Password).ConfigureAwait(false);
        var junho = await SignIn.SignInAsync(Bluesky, session.ToCredential()).ConfigureAwait(false);
        await Program.AppointProductionManagerAsync(junho.ParticipantId).ConfigureAwait(false);
        await Program.SetLowStockThresholdAsync(Listing!.ProductId, LowStockThreshold).ConfigureAwait(false);
        await PlaceOrdersAsync(12).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        var stock = await ((IInventorySystem)Program.Enterprise).GetStockAsync(Listing.ProductId).ConfigureAwait(false);
        details.Add(T($"재고 {stock.OnHand}벌 (기준 {stock.Threshold}벌)", $"stock {stock.OnHand} (threshold {stock.Threshold})"));
    }

    private async Task Verify12Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        var onHand = product.OnHand - product.Allocated;
        Require(onHand == FirstRunQuantity - Sold(12) && onHand <= LowStockThreshold, $"Vendure's stock is {FirstRunQuantity - Sold(12)}, at or below {LowStockThreshold} (is {onHand})");
        Require(messages.Count(m => m.Person == Minji.Handle && SaysNumber(m, onHand) && SaysNumber(m, LowStockThreshold)) == 1, $"Minji is mentioned once with the low stock ({onHand}); {MentionsIn(messages, Minji)}");
        Require(messages.Count(m => m.Person == Junho.Handle && SaysNumber(m, onHand)) == 1, $"Junho is mentioned once with the low stock ({onHand}); {MentionsIn(messages, Junho)}");
    }

    private async Task Step13Async(List<string> details)
    {
        await SignInMinjiAsync().ConfigureAwait(false);
        Reorder = await Program.RequestProductionAsync(MinjiSession!, new ProductionRequest
        {
            DesignId = Design!.Id,
            Quantity = ReorderQuantity,
            Plan = T("재생산: M 25 / L 25 / XL 10", "Re-run: M 25 / L 25 / XL 10"),
        }).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"재생산 주문 {Reorder.Id}: {Reorder.Quantity}벌", $"re-production order {Reorder.Id}: {Reorder.Quantity} pieces"));
    }

    private async Task Verify13Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(Reorder!.Id, CultureInfo.InvariantCulture), "quantity").ConfigureAwait(false);
        Require((int)production["quantity"]!.GetValue<double>() == ReorderQuantity, "Tryton's second production is for 60 pieces");
        RequireMention(messages, Minji, Reorder.Id);
    }

    private async Task Step14Async(List<string> details)
    {
        Reorder = await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(50, T("봉제", "sewing"))).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"재생산 진행률 {Reorder.Percent}%", $"re-production {Reorder.Percent} %"));
    }

    private async Task Verify14Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(Reorder!.Id, CultureInfo.InvariantCulture), "reference").ConfigureAwait(false);
        Require(production["reference"]!.GetValue<string>().StartsWith("50%", StringComparison.Ordinal), "Tryton's reference reads 50 %");
        RequireMention(messages, Minji, "50%");
    }

    private async Task Step15Async(List<string> details)
    {
        Reorder = await Program.ReportProductionProgressAsync(Reorder!.Id, new ProductionProgressUpdate(100, T("완성", "finished"))).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"재생산 주문 {Reorder.Id} 완료", $"re-production order {Reorder.Id} done"));
    }

    private async Task Verify15Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var production = await Tryton.ReadAsync("production", long.Parse(Reorder!.Id, CultureInfo.InvariantCulture), "state").ConfigureAwait(false);
        Require(production["state"]!.GetValue<string>() == "done", "Tryton's second production is done");
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        var onHand = product.OnHand - product.Allocated;
        var expected = FirstRunQuantity + ReorderQuantity - Sold(12);
        Require(onHand == expected, $"Vendure's stock is produced less sold, {expected} (is {onHand})");
        RequireMention(messages, Minji, expected.ToString("N0", CultureInfo.InvariantCulture));
        details.Add(T($"Vendure 재고 {onHand}벌", $"Vendure stock {onHand}"));
    }

    private async Task Step16Async(List<string> details)
    {
        Settlement = await Program.SettleAsync(Listing!.Id, SalesFrom, Clock.GetUtcNow()).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"총매출 {Settlement.Gross}, 디자이너 몫 {Settlement.Share}", $"gross {Settlement.Gross}, designer's share {Settlement.Share}"));
    }

    private async Task Verify16Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var gross = 0m;
        foreach (var id in _orderIds)
        {
            var order = await Vendure.OrderAsync(id).ConfigureAwait(false);
            gross += order.Pieces * SalePrice.Amount;
        }

        var share = Math.Round(gross * DesignerShare, 0, MidpointRounding.AwayFromZero);
        var (user, _) = await MinjiErpAccountAsync().ConfigureAwait(false);
        var employees = (await Tryton.ReadAsync("res.user", user, "employees").ConfigureAwait(false))["employees"]!.AsArray();
        var party = (await Tryton.ReadAsync("company.employee", employees[0]!.GetValue<long>(), "party").ConfigureAwait(false))["party"]!.GetValue<long>();
        var invoices = await Tryton.SearchReadAsync("account.invoice", new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonArray("party", "=", party), new System.Text.Json.Nodes.JsonArray("type", "=", "in")), "total_amount", "reference").ConfigureAwait(false);
        Require(invoices.Count == 1, $"Tryton holds one supplier invoice to her party (holds {invoices.Count})");
        var total = decimal.Parse(invoices[0]["total_amount"]!["decimal"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Require(total == share, $"the invoice is Vendure's gross {gross:N0} × 15 % = {share:N0} (is {total:N0})");
        RequireMention(messages, Minji, share.ToString("N0", CultureInfo.InvariantCulture));
        details.Add(T($"Tryton 송장 {total:N0}원", $"Tryton invoice {total:N0} KRW"));
    }

    private async Task Step17Async(List<string> details)
    {
        var closure = await Program.EndSalesAsync(Listing!.Id, T("시즌 종료", "season ended")).ConfigureAwait(false);
        await Program.SyncAsync().ConfigureAwait(false);
        details.Add(T($"판매 종료, 권한 {closure.RevokedGrants.Count}개 해제", $"sales ended, {closure.RevokedGrants.Count} grants revoked"));
        var session = MinjiSession!;
        var refused = 0;
        foreach (var call in new Func<Task>[]
        {
            () => Program.SetPriceAndTermsAsync(session, Listing.Id, new Money(40000m, "KRW"), "sale"),
            () => Program.RequestProductionAsync(session, new ProductionRequest { DesignId = Design!.Id, Quantity = 10, Plan = "more" }),
        })
        {
            try
            {
                await call().ConfigureAwait(false);
            }
            catch (AccessDeniedException)
            {
                refused++;
            }
        }

        Require(refused == 2, $"both calls with her session were refused ({refused} of 2)");
    }

    private async Task Verify17Async(IReadOnlyList<ReceivedMessage> messages, List<string> details)
    {
        var product = await Vendure.ProductAsync(Listing!.Id).ConfigureAwait(false);
        Require(!product.Enabled, "the Vendure product is disabled");
        Require(product.PriceWithTax == 45000 * VendureClient.MinorUnits, "the refused price change changed nothing at Vendure");
        var (user, login) = await MinjiErpAccountAsync().ConfigureAwait(false);
        var admin = await Vendure.AdministratorAsync(login).ConfigureAwait(false);
        Require(admin is null || !admin.Value.Roles.Any(r => r.StartsWith("cocreation-a", StringComparison.Ordinal)), "her Vendure administrator holds no role of hers any more");
        var tryton = await Tryton.ReadAsync("res.user", user, "active").ConfigureAwait(false);
        Require(!TrytonClient.IsTrue(tryton["active"]), "her Tryton user is inactive");
        Require(!(await Tryton.GroupNamesAsync(user).ConfigureAwait(false)).Any(g => g is "Product Administration" or "Production" or "Sales"), "her Tryton user has no mapped group left");
        var productions = await Tryton.SearchReadAsync("production", new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonArray("product", "=", long.Parse(Design!.ProductId!, CultureInfo.InvariantCulture))), "id").ConfigureAwait(false);
        Require(productions.Count == 2, $"the refused production request added nothing in Tryton ({productions.Count} productions)");
    }

    // ------------------------------------------------------------------ mentions

    /// <summary>The brand's posts that mention Minji or Junho and were not seen before, read from the brand's repository.</summary>
    private async Task<IReadOnlyList<ReceivedMessage>> NewMentionsAsync()
    {
        var posts = await Pds.PostsAsync(Brand.Did).ConfigureAwait(false);
        var received = new List<ReceivedMessage>();
        foreach (var person in new[] { Minji, Junho })
        {
            var mine = posts.Where(p => p.MentionedDids.Contains(person.Did)).Reverse().ToList();
            var seen = _seenMentions.GetValueOrDefault(person.Did);
            received.AddRange(mine.Skip(seen).Select(p => new ReceivedMessage(person.Handle, Bluesky, T("멘션", "mention"), p.Text)));
            _seenMentions[person.Did] = mine.Count;
        }

        return received;
    }

    private static void RequireMention(IReadOnlyList<ReceivedMessage> messages, PdsAccount person, string text)
        => Require(messages.Any(m => m.Person == person.Handle && WithoutHandles(m.Text).Contains(text, StringComparison.Ordinal)), $"a mention of @{person.Handle} in the brand's repository says '{text}'");

    // The number as a number of its own (not part of a longer one), in the text without its @handles.
    private static bool SaysNumber(ReceivedMessage message, decimal number) => DongAFashionScenario.Mentions(WithoutHandles(message.Text), number);

    // The test accounts' handles end in random hex, so they can hold any run of digits: a check for a number or a
    // code in a mention looks at the text without them.
    private static string WithoutHandles(string text) => Regex.Replace(text, @"@[A-Za-z0-9.\-]+", "");

    // For a failed check: what the step's new mentions of the person said, read from the brand's repository.
    private static string MentionsIn(IReadOnlyList<ReceivedMessage> messages, PdsAccount person)
    {
        var texts = messages.Where(m => m.Person == person.Handle).Select(m => $"\"{m.Text}\"").ToList();
        return $"this step's new mentions of @{person.Handle}: {texts.Count}{(texts.Count == 0 ? "" : ": " + string.Join(", ", texts))}";
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new ScenarioCheckException(what);
        }
    }

    private string T(string korean, string english) => _english ? english : korean;

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        _http.Dispose();
    }
}
