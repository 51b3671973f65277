using CoCreation.Sdk.Enterprise;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// The behaviour every <see cref="IEnterpriseAdapter"/> must show, and the behaviour of the optional
/// <see cref="IProductionSystem"/>, <see cref="ICommerceSystem"/> and <see cref="IInventorySystem"/> features it has.
/// An adapter's test project derives a non-abstract fixture from this class and implements the hooks.
/// </summary>
/// <remarks>
/// <para>
/// Feature tests are not skipped: each first asserts that the adapter has the feature exactly when
/// <see cref="ExpectedFeatures"/> says so, and only then exercises it. An adapter without a feature therefore
/// passes its feature tests by not having it — and fails them if it was declared.
/// </para>
/// <para>
/// <see cref="CreateAdapterAsync"/> runs before every test; the other hooks run during the test, after it.
/// NUnit creates one fixture instance and runs its tests one after another; the suite is not meant to run tests of
/// one fixture in parallel.
/// </para>
/// </remarks>
[TestFixture]
[Category("Conformance")]
public abstract partial class EnterpriseAdapterConformanceTests
{
    // Enough for any real system to drain the events of one test, few enough to stop a cursor that never advances.
    private const int MaxEventReads = 200;

    private IEnterpriseAdapter? adapter;

    /// <summary>The adapter under test, created by <see cref="CreateAdapterAsync"/> before each test.</summary>
    protected IEnterpriseAdapter Adapter => adapter ?? throw new InvalidOperationException("The adapter is created before each test; it is not available outside a test.");

    /// <summary>The clock the adapter uses; the suite takes sales periods from it. The default is the system clock.</summary>
    protected virtual TimeProvider TimeProvider => TimeProvider.System;

    /// <summary>The currency of the prices the suite lists products at. The default is <c>KRW</c>.</summary>
    protected virtual string Currency => "KRW";

    /// <summary>Which optional domain interfaces the adapter implements.</summary>
    protected abstract EnterpriseFeatures ExpectedFeatures { get; }

    /// <summary>Creates the adapter under test. Called before every test.</summary>
    /// <returns>An adapter to a system (or a stand-in for it) that the other hooks also act on.</returns>
    protected abstract Task<IEnterpriseAdapter> CreateAdapterAsync();

    /// <summary>Does something in the system that makes it raise at least one event readable through <see cref="IEnterpriseAdapter.ReadEventsAsync"/>.</summary>
    /// <param name="adapter">The adapter under test.</param>
    /// <returns>A task that completes when the event can be read.</returns>
    protected abstract Task ProduceEventAsync(IEnterpriseAdapter adapter);

    /// <summary>
    /// Creates a product owned by an account, for the commerce and inventory tests. The default registers a design
    /// as the owner and accepts it through <see cref="IProductionSystem"/>; adapters without that feature override it.
    /// </summary>
    /// <param name="adapter">The adapter under test.</param>
    /// <param name="owner">The active account that owns the product.</param>
    /// <returns>The product id.</returns>
    /// <exception cref="NotSupportedException">The adapter has no <see cref="IProductionSystem"/> and the hook was not overridden.</exception>
    protected virtual async Task<string> CreateProductAsync(IEnterpriseAdapter adapter, EnterpriseAccount owner)
    {
        if (adapter is not IProductionSystem production)
        {
            throw new NotSupportedException("Override CreateProductAsync: the adapter has no IProductionSystem to make a product with.");
        }

        var design = await production.SubmitDesignAsync(owner, new DesignSubmission { Title = UniqueName("Jacket"), Description = "Linen, boxy cut, sand." }).ConfigureAwait(false);
        var accepted = await production.ReviewDesignAsync(design.Id, new DesignReview(true, "Accepted by the conformance suite")).ConfigureAwait(false);
        return accepted.ProductId ?? throw new InvalidOperationException("An accepted design carries the id of the product made from it.");
    }

    /// <summary>Creates the adapter under test.</summary>
    /// <returns>A task.</returns>
    [SetUp]
    public async Task SetUpAdapterAsync() => adapter = await CreateAdapterAsync().ConfigureAwait(false);

    /// <summary>Disposes the adapter under test when it is disposable.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public async Task TearDownAdapterAsync()
    {
        var current = adapter;
        adapter = null;
        await ConformanceDisposal.DisposeAsync(current).ConfigureAwait(false);
    }

    /// <summary>Metadata and capabilities describe a usable system.</summary>
    [Test]
    public void MetadataAndCapabilities_AreCoherent()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Adapter.Metadata.Name, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Name");
            Assert.That(Adapter.Metadata.Provider, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Provider");
            Assert.That(Adapter.Capabilities.Roles, Is.Not.Empty.And.Unique, "Roles");
            Assert.That(Adapter.Capabilities.Roles, Has.None.Null.And.None.Empty, "Roles");
        }
    }

    /// <summary>The adapter implements exactly the optional features its fixture declares.</summary>
    [Test]
    public void Features_MatchTheDeclaration()
    {
        var actual = EnterpriseFeatures.None;
        actual |= Adapter is IProductionSystem ? EnterpriseFeatures.Production : EnterpriseFeatures.None;
        actual |= Adapter is ICommerceSystem ? EnterpriseFeatures.Commerce : EnterpriseFeatures.None;
        actual |= Adapter is IInventorySystem ? EnterpriseFeatures.Inventory : EnterpriseFeatures.None;

        Assert.That(actual, Is.EqualTo(ExpectedFeatures));
    }

    /// <summary>
    /// Account erasure is declared exactly when it is implemented; where it is, an anonymised account keeps its id and
    /// reads back with the neutral name and login of <see cref="ErasedPerson"/>, inactive and without roles, and
    /// anonymising again changes nothing.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task AccountErasure_MatchesTheDeclaration_AndAnonymisesAsync()
    {
        Assert.That(Adapter is IEnterpriseAccountErasure, Is.EqualTo(Adapter.Capabilities.SupportsAccountErasure), "SupportsAccountErasure matches IEnterpriseAccountErasure");
        if (Adapter is not IEnterpriseAccountErasure erasure || !Adapter.Capabilities.SupportsAccountErasure)
        {
            return;
        }

        var login = UniqueLogin();
        var account = await Adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = login, DisplayName = "Erasable Person", Email = login + "@example.com", Roles = Adapter.Capabilities.Roles.Take(1).ToArray() }).ConfigureAwait(false);

        await erasure.AnonymizeAccountAsync(account).ConfigureAwait(false);
        var read = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);
        var again = await erasure.AnonymizeAccountAsync(read).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.AccountId, Is.EqualTo(account.AccountId), "the account keeps its id");
            Assert.That(read.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName), "read back: DisplayName");
            Assert.That(read.Login, Is.EqualTo(ErasedPerson.Login(account.AccountId)), "read back: Login");
            Assert.That(read.IsActive, Is.False, "read back: IsActive");
            Assert.That(read.Roles, Is.Empty, "read back: Roles");
            Assert.That(again.Login, Is.EqualTo(read.Login), "anonymising again changes nothing");
        }
    }

    /// <summary>Provisioning with known roles returns an active account with those roles, as the system then holds it.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Provision_KnownRoles_ReturnsActiveAccountAsync()
    {
        var roles = Adapter.Capabilities.Roles.Take(2).ToArray();
        var login = UniqueLogin();

        var account = await Adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = login, DisplayName = "Conformance Member", Email = login + "@example.com", Roles = roles }).ConfigureAwait(false);
        var read = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(account.AccountId, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "AccountId");
            Assert.That(account.Login, Is.EqualTo(login), "Login");
            Assert.That(account.System, Is.EqualTo(Adapter.Metadata.Name), "System is the adapter's registered name");
            Assert.That(account.IsActive, Is.True, "IsActive");
            Assert.That(account.Roles, Is.EquivalentTo(roles), "Roles");
            Assert.That(read.AccountId, Is.EqualTo(account.AccountId), "read back: AccountId");
            Assert.That(read.Login, Is.EqualTo(login), "read back: Login");
            Assert.That(read.IsActive, Is.True, "read back: IsActive");
            Assert.That(read.Roles, Is.EquivalentTo(roles), "read back: Roles");
        }
    }

    /// <summary>Two logins get two accounts.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Provision_TwoLogins_CreatesTwoAccountsAsync()
    {
        var one = await ProvisionAsync().ConfigureAwait(false);
        var two = await ProvisionAsync().ConfigureAwait(false);

        Assert.That(two.AccountId, Is.Not.EqualTo(one.AccountId));
    }

    /// <summary>A role the system does not know is refused, naming the field and the role.</summary>
    [Test]
    public void Provision_UnknownRole_IsRefused()
    {
        var unknown = "no-such-role-" + Guid.NewGuid().ToString("N")[..8];

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Nobody", Roles = [unknown] }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("EnterpriseAccountRequest.Roles"), "Field");
            Assert.That(ex.Message, Does.Contain(unknown), "the message names the unknown role");
        }
    }

    /// <summary>An account without a login is refused, naming the field.</summary>
    [Test]
    public void Provision_BlankLogin_IsRefused()
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = " ", DisplayName = "Nobody" }));

        Assert.That(ex!.Field, Is.EqualTo("EnterpriseAccountRequest.Login"));
    }

    /// <summary>Setting roles replaces them; an unknown role is refused and leaves the roles as they were.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task SetAccountRoles_ReplacesTheRolesAsync()
    {
        var known = Adapter.Capabilities.Roles;
        var account = await ProvisionAsync(known[0]).ConfigureAwait(false);
        var replacement = known.Count > 1 ? new[] { known[^1] } : Array.Empty<string>();

        var updated = await Adapter.SetAccountRolesAsync(account, replacement).ConfigureAwait(false);
        var refused = Assert.CatchAsync<CoCreationValidationException>(() => Adapter.SetAccountRolesAsync(account, ["no-such-role"]));
        var read = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);
        var cleared = await Adapter.SetAccountRolesAsync(account, []).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(updated.Roles, Is.EquivalentTo(replacement), "the returned roles");
            Assert.That(refused!.Field, Is.EqualTo("roles"), "the refused role's field");
            Assert.That(read.Roles, Is.EquivalentTo(replacement), "the roles as the system holds them, unchanged by the refused call");
            Assert.That(read.IsActive, Is.True, "setting roles keeps the account active");
            Assert.That(cleared.Roles, Is.Empty, "an empty set clears the roles");
        }
    }

    /// <summary>A deprovisioned account is inactive with no roles; deprovisioning again succeeds.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Deprovision_DeactivatesAndIsIdempotentAsync()
    {
        var account = await ProvisionAsync(Adapter.Capabilities.Roles[0]).ConfigureAwait(false);

        await Adapter.DeprovisionAccountAsync(account).ConfigureAwait(false);
        var read = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);
        Assert.DoesNotThrowAsync(() => Adapter.DeprovisionAccountAsync(account), "deprovisioning twice");
        var again = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.IsActive, Is.False, "IsActive after deprovisioning");
            Assert.That(read.Roles, Is.Empty, "Roles after deprovisioning");
            Assert.That(again.IsActive, Is.False, "IsActive after deprovisioning twice");
        }
    }

    /// <summary>Provisioning a deprovisioned login again re-activates the same account with the new roles.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Provision_AfterDeprovision_ReactivatesAsync()
    {
        var roles = new[] { Adapter.Capabilities.Roles[^1] };
        var request = new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Returning Member", Roles = [Adapter.Capabilities.Roles[0]] };
        var account = await Adapter.ProvisionAccountAsync(request).ConfigureAwait(false);
        await Adapter.DeprovisionAccountAsync(account).ConfigureAwait(false);

        var back = await Adapter.ProvisionAccountAsync(request with { Roles = roles }).ConfigureAwait(false);
        var read = await Adapter.GetAccountAsync(account.AccountId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(back.AccountId, Is.EqualTo(account.AccountId), "the same account comes back");
            Assert.That(back.IsActive, Is.True, "IsActive");
            Assert.That(back.Roles, Is.EquivalentTo(roles), "Roles");
            Assert.That(read.IsActive, Is.True, "read back: IsActive");
            Assert.That(read.Roles, Is.EquivalentTo(roles), "read back: Roles");
        }
    }

    /// <summary>Reading an account that does not exist is not found.</summary>
    [Test]
    public void GetAccount_Unknown_IsNotFound()
        => Assert.CatchAsync<ResourceNotFoundException>(() => Adapter.GetAccountAsync("no-such-account-" + Guid.NewGuid().ToString("N")));

    /// <summary>
    /// Events read from a saved cursor are only the new ones, with the CloudEvents fields set; a read with nothing
    /// new is empty and keeps the cursor.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Events_CursorDeliversOnlyNewEventsAsync()
    {
        // An event before the first read makes sure the cursor has something to leave behind.
        await ProduceEventAsync(Adapter).ConfigureAwait(false);
        var (before, cursor) = await ReadEventsToEndAsync(null).ConfigureAwait(false);

        await ProduceEventAsync(Adapter).ConfigureAwait(false);
        var (fresh, next) = await ReadEventsToEndAsync(cursor).ConfigureAwait(false);
        var empty = await Adapter.ReadEventsAsync(next).ConfigureAwait(false);
        var source = CoCreationEventSources.Enterprise(Adapter.Metadata.Name);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.Not.Empty, "reading from the start returns the event ProduceEventAsync raised");
            Assert.That(fresh, Is.Not.Empty, "ProduceEventAsync raised at least one event");
            Assert.That(fresh.Select(e => e.Id).Intersect(before.Select(e => e.Id)), Is.Empty, "only events not seen before");
            Assert.That(before.Concat(fresh).Select(e => e.Key), Is.Unique, "no event is delivered twice");
            foreach (var e in before.Concat(fresh))
            {
                Assert.That(e.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
                Assert.That(e.Source, Is.EqualTo(source), $"Source of event {e.Id}");
                Assert.That(e.Type, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, $"Type of event {e.Id}");
                Assert.That(e.Time, Is.Not.EqualTo(default(DateTimeOffset)), $"Time of event {e.Id}");
            }

            Assert.That(empty.Events, Is.Empty, "nothing happened since the last read");
            Assert.That(empty.HasMore, Is.False, "HasMore on an empty read");
            Assert.That(empty.Cursor, Is.EqualTo(next), "an empty read keeps the cursor");
        }
    }

    /// <summary>Designs are registered as submitted, read back, and accepted (with a product) or declined.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ProductionSystem_DesignLifecycleAsync()
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var designer = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);
        var submission = new DesignSubmission { Title = UniqueName("Coat"), Description = "Wool, double-breasted, navy.", Attachments = [new Uri("https://example.com/coat.png")] };

        var design = await production.SubmitDesignAsync(designer, submission).ConfigureAwait(false);
        var read = await production.GetDesignAsync(design.Id).ConfigureAwait(false);
        var accepted = await production.ReviewDesignAsync(design.Id, new DesignReview(true, "Lovely")).ConfigureAwait(false);
        var other = await production.SubmitDesignAsync(designer, submission with { Title = UniqueName("Hat") }).ConfigureAwait(false);
        var declined = await production.ReviewDesignAsync(other.Id, new DesignReview(false, "Not this season")).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(design.Id, Is.Not.Null.And.Not.Empty, "Id");
            Assert.That(design.Title, Is.EqualTo(submission.Title), "Title");
            Assert.That(design.Description, Is.EqualTo(submission.Description), "Description");
            Assert.That(design.DesignerAccountId, Is.EqualTo(designer.AccountId), "DesignerAccountId");
            Assert.That(design.Status, Is.EqualTo(DesignStatus.Submitted), "a new design is submitted");
            Assert.That(design.ProductId, Is.Null, "a submitted design has no product");
            Assert.That(read.Id, Is.EqualTo(design.Id), "read back: Id");
            Assert.That(read.Status, Is.EqualTo(DesignStatus.Submitted), "read back: Status");
            Assert.That(other.Id, Is.Not.EqualTo(design.Id), "two designs have two ids");
            Assert.That(accepted.Status, Is.EqualTo(DesignStatus.Accepted), "accepted: Status");
            Assert.That(accepted.ProductId, Is.Not.Null.And.Not.Empty, "accepting creates a product");
            Assert.That(accepted.ReviewNote, Is.EqualTo("Lovely"), "accepted: ReviewNote");
            Assert.That(declined.Status, Is.EqualTo(DesignStatus.Declined), "declined: Status");
            Assert.That(declined.ProductId, Is.Null, "a declined design has no product");
        }
    }

    /// <summary>A design without a title or description is refused, naming the field.</summary>
    /// <param name="title">The title.</param>
    /// <param name="description">The description.</param>
    /// <param name="field">The part of the field name the refusal must contain.</param>
    /// <returns>A task.</returns>
    [TestCase("", "Cotton tee", "Title")]
    [TestCase("  ", "Cotton tee", "Title")]
    [TestCase("Tee", "", "Description")]
    public async Task ProductionSystem_EmptyDesign_IsRefusedAsync(string title, string description, string field)
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var designer = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => production.SubmitDesignAsync(designer, new DesignSubmission { Title = title, Description = description }));

        Assert.That(ex!.Field, Does.Contain(field).IgnoreCase);
    }

    /// <summary>
    /// A production order starts requested at 0 %, progresses, refuses to go backwards, and completes at 100 %,
    /// stocking its goods in where the system keeps stock.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ProductionSystem_OrderLifecycleAsync()
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var (requester, design) = await AcceptedDesignAsync(production).ConfigureAwait(false);
        var request = new ProductionRequest { DesignId = design.Id, Quantity = 40, Plan = "Sizes S-XL, linen, ready in six weeks" };

        var order = await production.RequestProductionAsync(requester, request).ConfigureAwait(false);
        var progressed = await production.ReportProgressAsync(order.Id, new ProductionProgressUpdate(50, "sewing")).ConfigureAwait(false);
        var backwards = Assert.CatchAsync<CoCreationException>(() => production.ReportProgressAsync(order.Id, new ProductionProgressUpdate(30, "cutting")));
        var completed = await production.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done")).ConfigureAwait(false);
        var read = await production.GetProductionOrderAsync(order.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Id, Is.Not.Null.And.Not.Empty, "Id");
            Assert.That(order.DesignId, Is.EqualTo(design.Id), "DesignId");
            Assert.That(order.ProductId, Is.EqualTo(design.ProductId), "ProductId is the accepted design's product");
            Assert.That(order.RequesterAccountId, Is.EqualTo(requester.AccountId), "RequesterAccountId");
            Assert.That(order.Quantity, Is.EqualTo(request.Quantity), "Quantity");
            Assert.That(order.Plan, Is.EqualTo(request.Plan), "Plan");
            Assert.That(order.Status, Is.EqualTo(ProductionStatus.Requested), "a new order is requested");
            Assert.That(order.Percent, Is.Zero, "a new order is at 0 %");
            Assert.That(progressed.Status, Is.EqualTo(ProductionStatus.InProgress), "at 50 %: Status");
            Assert.That(progressed.Percent, Is.EqualTo(50), "at 50 %: Percent");
            Assert.That(progressed.Stage, Is.EqualTo("sewing"), "at 50 %: Stage");
            Assert.That(backwards, Is.Not.Null, "progress lower than before is refused");
            Assert.That(completed.Status, Is.EqualTo(ProductionStatus.Completed), "at 100 %: Status");
            Assert.That(completed.CompletedAt, Is.Not.Null, "at 100 %: CompletedAt");
            Assert.That(read.Status, Is.EqualTo(ProductionStatus.Completed), "read back: Status");
            Assert.That(read.Percent, Is.EqualTo(100), "read back: Percent");
        }

        if (Adapter is IInventorySystem inventory)
        {
            var stock = await inventory.GetStockAsync(order.ProductId).ConfigureAwait(false);
            Assert.That(stock.OnHand, Is.EqualTo(request.Quantity), "a completed order's goods are stocked in");
        }
    }

    /// <summary>A production request for no pieces (or fewer) is refused, naming the field.</summary>
    /// <param name="quantity">The bad quantity.</param>
    /// <returns>A task.</returns>
    [TestCase(0)]
    [TestCase(-3)]
    public async Task ProductionSystem_NonPositiveQuantity_IsRefusedAsync(int quantity)
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var (requester, design) = await AcceptedDesignAsync(production).ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => production.RequestProductionAsync(requester, new ProductionRequest { DesignId = design.Id, Quantity = quantity, Plan = "Sizes S-XL" }));

        Assert.That(ex!.Field, Does.Contain("Quantity").IgnoreCase);
    }

    /// <summary>Progress outside 0 to 100 % is refused, naming the field.</summary>
    /// <param name="percent">The bad percentage.</param>
    /// <returns>A task.</returns>
    [TestCase(101)]
    [TestCase(-1)]
    public async Task ProductionSystem_ProgressOutOfRange_IsRefusedAsync(int percent)
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var (requester, design) = await AcceptedDesignAsync(production).ConfigureAwait(false);
        var order = await production.RequestProductionAsync(requester, new ProductionRequest { DesignId = design.Id, Quantity = 5, Plan = "One size" }).ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => production.ReportProgressAsync(order.Id, new ProductionProgressUpdate(percent, "sewing")));
        var read = await production.GetProductionOrderAsync(order.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Does.Contain("Percent").IgnoreCase, "Field");
            Assert.That(read.Percent, Is.Zero, "a refused update changes nothing");
        }
    }

    /// <summary>
    /// An inactive account cannot register designs, an account without the requester role cannot request production,
    /// and only accepted designs can be produced.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ProductionSystem_RefusesWhatTheRulesForbidAsync()
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var inactive = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);
        await Adapter.DeprovisionAccountAsync(inactive).ConfigureAwait(false);
        var (requester, accepted) = await AcceptedDesignAsync(production).ConfigureAwait(false);
        var notRequester = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);
        var submitted = await production.SubmitDesignAsync(requester, new DesignSubmission { Title = UniqueName("Scarf"), Description = "Silk" }).ConfigureAwait(false);
        var declined = await production.SubmitDesignAsync(requester, new DesignSubmission { Title = UniqueName("Belt"), Description = "Leather" }).ConfigureAwait(false);
        await production.ReviewDesignAsync(declined.Id, new DesignReview(false)).ConfigureAwait(false);

        // The inactive account is passed as the caller last saw it (IsActive still true): the system, not the
        // caller's copy, must decide whether the account may act.
        using (Assert.EnterMultipleScope())
        {
            Assert.CatchAsync<CoCreationException>(
                () => production.SubmitDesignAsync(inactive, new DesignSubmission { Title = UniqueName("Vest"), Description = "Denim" }),
                "an inactive account registers a design");
            Assert.CatchAsync<CoCreationException>(
                () => production.RequestProductionAsync(notRequester, new ProductionRequest { DesignId = accepted.Id, Quantity = 5, Plan = "One size" }),
                "an account without the requester role requests production");
            Assert.CatchAsync<CoCreationException>(
                () => production.RequestProductionAsync(requester, new ProductionRequest { DesignId = submitted.Id, Quantity = 5, Plan = "One size" }),
                "production of a design not yet accepted");
            Assert.CatchAsync<CoCreationException>(
                () => production.RequestProductionAsync(requester, new ProductionRequest { DesignId = declined.Id, Quantity = 5, Plan = "One size" }),
                "production of a declined design");
        }
    }

    /// <summary>Designs and orders that do not exist are not found.</summary>
    [Test]
    public void ProductionSystem_UnknownIds_AreNotFound()
    {
        if (!HasFeature<IProductionSystem>(EnterpriseFeatures.Production, out var production))
        {
            return;
        }

        var unknown = "no-such-id-" + Guid.NewGuid().ToString("N");
        using (Assert.EnterMultipleScope())
        {
            Assert.CatchAsync<ResourceNotFoundException>(() => production.GetDesignAsync(unknown), "GetDesignAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => production.ReviewDesignAsync(unknown, new DesignReview(true)), "ReviewDesignAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => production.GetProductionOrderAsync(unknown), "GetProductionOrderAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => production.ReportProgressAsync(unknown, new ProductionProgressUpdate(10, "cutting")), "ReportProgressAsync");
        }
    }

    /// <summary>
    /// A listing starts active and can be read back; its owner changes price and terms; a new listing has no sales;
    /// delisting takes it off sale and is idempotent.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_ListingLifecycleAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member, EnterpriseRoles.Seller)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        var request = new ListingRequest { ProductId = productId, OwnerAccountId = owner.AccountId, Title = UniqueName("Linen jacket"), Price = Price(39000m), Terms = "Ships in 3 days" };

        var listing = await commerce.CreateListingAsync(request).ConfigureAwait(false);
        var read = await commerce.GetListingAsync(listing.Id).ConfigureAwait(false);
        var updated = await commerce.UpdateListingAsync(owner, listing.Id, new ListingUpdate(Price(45000m), "Ships in 5 days; free returns")).ConfigureAwait(false);
        var now = TimeProvider.GetUtcNow();
        var sales = await commerce.GetSalesAsync(listing.Id, now.AddDays(-30), now.AddDays(1)).ConfigureAwait(false);
        var delisted = await commerce.DelistAsync(listing.Id).ConfigureAwait(false);
        var delistedAgain = await commerce.DelistAsync(listing.Id).ConfigureAwait(false);
        var readDelisted = await commerce.GetListingAsync(listing.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(listing.Id, Is.Not.Null.And.Not.Empty, "Id");
            Assert.That(listing.ProductId, Is.EqualTo(productId), "ProductId");
            Assert.That(listing.OwnerAccountId, Is.EqualTo(owner.AccountId), "OwnerAccountId");
            Assert.That(listing.Title, Is.EqualTo(request.Title), "Title");
            Assert.That(listing.Price, Is.EqualTo(request.Price), "Price");
            Assert.That(listing.Terms, Is.EqualTo(request.Terms), "Terms");
            Assert.That(listing.Status, Is.EqualTo(ListingStatus.Active), "a new listing is active");
            Assert.That(read.Id, Is.EqualTo(listing.Id), "read back: Id");
            Assert.That(read.Price, Is.EqualTo(request.Price), "read back: Price");
            Assert.That(updated.Price, Is.EqualTo(Price(45000m)), "updated: Price");
            Assert.That(updated.Terms, Is.EqualTo("Ships in 5 days; free returns"), "updated: Terms");
            Assert.That(sales, Is.Empty, "a new listing has no sales");
            Assert.That(delisted.Status, Is.EqualTo(ListingStatus.Delisted), "delisted: Status");
            Assert.That(delistedAgain.Status, Is.EqualTo(ListingStatus.Delisted), "delisting twice");
            Assert.That(readDelisted.Status, Is.EqualTo(ListingStatus.Delisted), "read back: Status");
        }
    }

    /// <summary>A price of zero or less is refused when listing and when updating, naming the field.</summary>
    /// <param name="amount">The bad amount.</param>
    /// <returns>A task.</returns>
    [TestCase(0)]
    [TestCase(-1000)]
    public async Task CommerceSystem_NonPositivePrice_IsRefusedAsync(int amount)
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member, EnterpriseRoles.Seller)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        var request = new ListingRequest { ProductId = productId, OwnerAccountId = owner.AccountId, Title = UniqueName("Tote"), Price = Price(amount) };
        var listing = await commerce.CreateListingAsync(request with { Price = Price(25000m) }).ConfigureAwait(false);

        var onCreate = Assert.CatchAsync<CoCreationValidationException>(() => commerce.CreateListingAsync(request));
        var onUpdate = Assert.CatchAsync<CoCreationValidationException>(() => commerce.UpdateListingAsync(owner, listing.Id, new ListingUpdate(Price(amount), "")));
        var read = await commerce.GetListingAsync(listing.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(onCreate!.Field, Does.Contain("Price").IgnoreCase, "listing: Field");
            Assert.That(onUpdate!.Field, Does.Contain("Price").IgnoreCase, "updating: Field");
            Assert.That(read.Price, Is.EqualTo(Price(25000m)), "a refused update changes nothing");
        }
    }

    /// <summary>Only the listing's owner, while active, may change its price and terms.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CommerceSystem_OnlyTheActiveOwnerMayUpdateAsync()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var roles = KnownRoles(EnterpriseRoles.Member, EnterpriseRoles.Seller);
        var owner = await ProvisionAsync(roles).ConfigureAwait(false);
        var stranger = await ProvisionAsync(roles).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);
        var listing = await commerce.CreateListingAsync(new ListingRequest { ProductId = productId, OwnerAccountId = owner.AccountId, Title = UniqueName("Cap"), Price = Price(19000m) }).ConfigureAwait(false);

        var byStranger = Assert.CatchAsync<CoCreationException>(() => commerce.UpdateListingAsync(stranger, listing.Id, new ListingUpdate(Price(1000m), "Mine now")));
        await Adapter.DeprovisionAccountAsync(owner).ConfigureAwait(false);

        // The owner's record still says active: the system, not the caller's copy, must decide whether it may act.
        var byInactiveOwner = Assert.CatchAsync<CoCreationException>(() => commerce.UpdateListingAsync(owner, listing.Id, new ListingUpdate(Price(1000m), "Sale")));
        var read = await commerce.GetListingAsync(listing.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byStranger, Is.Not.Null, "another account updates the listing");
            Assert.That(byInactiveOwner, Is.Not.Null, "the deprovisioned owner updates the listing");
            Assert.That(read.Price, Is.EqualTo(Price(19000m)), "refused updates change nothing");
        }
    }

    /// <summary>Listings and sales that do not exist are not found.</summary>
    [Test]
    public void CommerceSystem_UnknownIds_AreNotFound()
    {
        if (!HasFeature<ICommerceSystem>(EnterpriseFeatures.Commerce, out var commerce))
        {
            return;
        }

        var unknown = "no-such-id-" + Guid.NewGuid().ToString("N");
        using (Assert.EnterMultipleScope())
        {
            Assert.CatchAsync<ResourceNotFoundException>(() => commerce.GetListingAsync(unknown), "GetListingAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => commerce.DelistAsync(unknown), "DelistAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => commerce.ShipAsync(unknown, new ShipmentRequest("CJ Logistics", "123456789")), "ShipAsync");
        }
    }

    /// <summary>A product's stock can be read and its low-stock threshold set; a negative threshold is refused.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task InventorySystem_ThresholdAsync()
    {
        if (!HasFeature<IInventorySystem>(EnterpriseFeatures.Inventory, out var inventory))
        {
            return;
        }

        var owner = await ProvisionAsync(KnownRoles(EnterpriseRoles.Member)).ConfigureAwait(false);
        var productId = await CreateProductAsync(Adapter, owner).ConfigureAwait(false);

        var stock = await inventory.GetStockAsync(productId).ConfigureAwait(false);
        var low = await inventory.SetLowStockThresholdAsync(productId, stock.OnHand + 1).ConfigureAwait(false);
        var refused = Assert.CatchAsync<CoCreationValidationException>(() => inventory.SetLowStockThresholdAsync(productId, -1));
        var zero = await inventory.SetLowStockThresholdAsync(productId, 0).ConfigureAwait(false);
        var read = await inventory.GetStockAsync(productId).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(stock.ProductId, Is.EqualTo(productId), "ProductId");
            Assert.That(stock.OnHand, Is.GreaterThanOrEqualTo(0), "OnHand");
            Assert.That(low.Threshold, Is.EqualTo(stock.OnHand + 1), "the new threshold");
            Assert.That(low.IsLow, Is.True, "stock below the threshold is low");
            Assert.That(refused!.Field, Does.Contain("threshold").IgnoreCase, "a negative threshold's field");
            Assert.That(zero.Threshold, Is.Zero, "a threshold of zero is allowed");
            Assert.That(read.Threshold, Is.Zero, "read back: Threshold");
            Assert.That(read.OnHand, Is.EqualTo(stock.OnHand), "setting a threshold does not change stock");
        }
    }

    /// <summary>The stock of a product that does not exist is not found.</summary>
    [Test]
    public void InventorySystem_UnknownProduct_IsNotFound()
    {
        if (!HasFeature<IInventorySystem>(EnterpriseFeatures.Inventory, out var inventory))
        {
            return;
        }

        var unknown = "no-such-product-" + Guid.NewGuid().ToString("N");
        using (Assert.EnterMultipleScope())
        {
            Assert.CatchAsync<ResourceNotFoundException>(() => inventory.GetStockAsync(unknown), "GetStockAsync");
            Assert.CatchAsync<ResourceNotFoundException>(() => inventory.SetLowStockThresholdAsync(unknown, 3), "SetLowStockThresholdAsync");
        }
    }

    /// <summary>Returns a login no other account of this run has.</summary>
    /// <returns>The login.</returns>
    protected static string UniqueLogin() => "conformance-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Returns a title no other design or listing of this run has.</summary>
    /// <param name="prefix">A readable prefix.</param>
    /// <returns>The title.</returns>
    protected static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..8]}";

    private Money Price(decimal amount) => new(amount, Currency);

    private bool HasFeature<TFeature>(EnterpriseFeatures feature, out TFeature implementation)
        where TFeature : class
    {
        var declared = ExpectedFeatures.HasFlag(feature);
        Assert.That(Adapter is TFeature, Is.EqualTo(declared), declared
            ? $"The fixture declares {feature}, but the adapter does not implement {typeof(TFeature).Name}."
            : $"The adapter implements {typeof(TFeature).Name}, but the fixture does not declare {feature}; declare it so its tests run.");
        implementation = (Adapter as TFeature)!;
        return implementation is not null;
    }

    private string[] KnownRoles(params string[] roles) => roles.Where(r => Adapter.Capabilities.Roles.Contains(r, StringComparer.Ordinal)).ToArray();

    private Task<EnterpriseAccount> ProvisionAsync(params string[] roles)
        => Adapter.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Conformance Member", Roles = roles });

    private async Task<(EnterpriseAccount Requester, Design Design)> AcceptedDesignAsync(IProductionSystem production)
    {
        Assert.That(Adapter.Capabilities.Roles, Does.Contain(EnterpriseRoles.ProductionRequester), "a production system knows the production-requester role");
        var requester = await ProvisionAsync([.. KnownRoles(EnterpriseRoles.Member), EnterpriseRoles.ProductionRequester]).ConfigureAwait(false);
        var design = await production.SubmitDesignAsync(requester, new DesignSubmission { Title = UniqueName("Shirt"), Description = "Oxford cotton, white." }).ConfigureAwait(false);
        var accepted = await production.ReviewDesignAsync(design.Id, new DesignReview(true)).ConfigureAwait(false);
        return (requester, accepted);
    }

    private async Task<(List<CoCreationEvent> Events, string Cursor)> ReadEventsToEndAsync(string? cursor)
    {
        var events = new List<CoCreationEvent>();
        for (var read = 0; read < MaxEventReads; read++)
        {
            var page = await Adapter.ReadEventsAsync(cursor).ConfigureAwait(false);
            Assert.That(page.Cursor, Is.Not.Null.And.Not.Empty, "an event page always carries a cursor");
            events.AddRange(page.Events);
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                return (events, cursor);
            }
        }

        Assert.Fail($"The system still had more events after {MaxEventReads} reads; its cursor does not seem to advance.");
        return (events, cursor!);
    }
}
