using System.Text;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>The embedded providers with a database file: stop, start again on the same file, find the same state.</summary>
[TestFixture]
[Category("Unit")]
public sealed class EmbeddedPersistenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly List<IDisposable> _open = [];
    private FakeTimeProvider _time = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _directory = Path.Combine(Path.GetTempPath(), "cocreation-embedded-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var item in _open)
        {
            item.Dispose();
        }

        _open.Clear();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string SnsPath => Path.Combine(_directory, "sns.db");

    private string CloudPath => Path.Combine(_directory, "cloud.db");

    private string ErpPath => Path.Combine(_directory, "erp.db");

    private T Track<T>(T item)
        where T : IDisposable
    {
        _open.Add(item);
        return item;
    }

    private EmbeddedSnsNetwork OpenSns(EmbeddedSnsOptions? options = null)
    {
        options ??= new EmbeddedSnsOptions();
        options.DatabasePath = SnsPath;
        return Track(new EmbeddedSnsNetwork(options, _time));
    }

    private EmbeddedCloudService OpenCloud() => Track(new EmbeddedCloudService(new EmbeddedCloudOptions { DatabasePath = CloudPath }, _time));

    private EmbeddedEnterpriseSystem OpenErp() => Track(new EmbeddedEnterpriseSystem("erp", new EmbeddedEnterpriseOptions { DatabasePath = ErpPath }, _time));

    private static void Restart(IDisposable provider) => provider.Dispose();

    private static string Describe(CoCreationEvent e)
        => $"{e.Id}|{e.Source}|{e.Type}|{e.Time:O}|{e.Subject}|{string.Join(",", e.Data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => d.Key + "=" + d.Value))}";

    // ------------------------------------------------------------ SNS

    [Test]
    public async Task Sns_AfterRestart_FindsAccountsCredentialsPostsRepliesAndMentionsAsync()
    {
        var network = OpenSns();
        var brand = network.RegisterAccount("brand", "The Brand", "ko-KR");
        var minji = network.RegisterAccount("minji", "Minji Kim", "en-US");
        var connector = network.CreateConnector("social", brand.Credential);
        var post = await connector.PublishAsync(new PostRequest { Text = "Spring #linen launch", Mentions = ["minji"] });
        var reply = network.Post(minji.Credential, "Love it", post.Id);
        Restart(network);

        var reopened = OpenSns();
        var again = reopened.CreateConnector("social", brand.Credential);
        var identity = await again.VerifyCredentialsAsync(minji.Credential);
        var replies = await again.GetRepliesAsync(post.Id).ToListAsync();
        var found = await again.SearchAsync(new SearchQuery { Text = "#linen" }).ToListAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reopened.DatabasePath, Is.EqualTo(Path.GetFullPath(SnsPath)));
            Assert.That(identity.Subject, Is.EqualTo(minji.Subject));
            Assert.That(identity.DisplayName, Is.EqualTo("Minji Kim"));
            Assert.That(identity.Locale, Is.EqualTo("en-US"));
            Assert.That(identity.AccountCreatedAt, Is.EqualTo(Start));
            Assert.That(reopened.GetPost(post.Id).Text, Is.EqualTo(post.Text));
            Assert.That(replies.Select(r => r.Id), Is.EqualTo(new[] { reply.Id }));
            Assert.That(found.Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
            Assert.That(reopened.GetMentions(minji.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
            Assert.That(reopened.GetPostsBy(brand.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
            Assert.That(reopened.FindSubject("@MINJI"), Is.EqualTo(minji.Subject));
        }

        // New posts continue the order: the newest is found first.
        var later = await again.PublishAsync(new PostRequest { Text = "Second #linen drop" });
        var newest = await again.SearchAsync(new SearchQuery { Text = "#linen" }).ToListAsync();
        Assert.That(newest.Select(p => p.Id), Is.EqualTo(new[] { later.Id, post.Id }));
    }

    [Test]
    public async Task Sns_AfterRestart_KeepsPollsVotesAndTheOneVotePerAccountRuleAsync()
    {
        var network = OpenSns();
        var brand = network.RegisterAccount("brand");
        var voter = network.RegisterAccount("voter");
        var poll = await network.CreateConnector("social", brand.Credential).CreatePollAsync(new PollRequest
        {
            Question = "Which colour?",
            Options = ["Sand", "Olive", "Navy"],
            Duration = TimeSpan.FromDays(1),
        });
        network.Vote(voter.Credential, poll.Id, 1);
        Restart(network);

        var reopened = OpenSns();
        var results = await reopened.CreateConnector("social", brand.Credential).GetPollResultsAsync(poll.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Options.Select(o => o.Votes), Is.EqualTo(new[] { 0, 1, 0 }));
            Assert.That(results.VotersCount, Is.EqualTo(1));
            Assert.That(results.ExpiresAt, Is.EqualTo(Start + TimeSpan.FromDays(1)));
            Assert.That(reopened.GetPost(poll.Post.Id).PollId, Is.EqualTo(poll.Id));
        }

        Assert.Throws<CoCreationConflictException>(() => reopened.Vote(voter.Credential, poll.Id, 2));
    }

    [Test]
    public async Task Sns_AfterRestart_RepeatedIdempotencyKeysReturnTheFirstResultAsync()
    {
        var network = OpenSns();
        var brand = network.RegisterAccount("brand");
        var minji = network.RegisterAccount("minji");
        var connector = network.CreateConnector("social", brand.Credential);
        var message = await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = minji.Subject, Text = "Your design was selected", IdempotencyKey = "delivery-1" });
        var post = await connector.PublishAsync(new PostRequest { Text = "Thanks @minji", IdempotencyKey = "delivery-2" });
        Restart(network);

        var reopened = OpenSns();
        var again = reopened.CreateConnector("social", brand.Credential);
        var resent = await again.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = minji.Subject, Text = "Your design was selected", IdempotencyKey = "delivery-1" });
        var reposted = await again.PublishAsync(new PostRequest { Text = "Thanks @minji", IdempotencyKey = "delivery-2" });
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resent.Id, Is.EqualTo(message.Id));
            Assert.That(resent.SentAt, Is.EqualTo(message.SentAt));
            Assert.That(reposted.Id, Is.EqualTo(post.Id));
            Assert.That(reopened.GetInbox(minji.Subject).Select(m => m.Id), Is.EqualTo(new[] { message.Id }));
            Assert.That(reopened.GetPostsBy(brand.Subject), Has.Count.EqualTo(1));
        }

        // A key still replays after a second restart, and a key used for another kind of write is still refused.
        Restart(reopened);
        var third = OpenSns().CreateConnector("social", brand.Credential);
        Assert.That((await third.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = minji.Subject, Text = "x", IdempotencyKey = "delivery-1" })).Id, Is.EqualTo(message.Id));
        Assert.ThrowsAsync<CoCreationConflictException>(() => third.PublishAsync(new PostRequest { Text = "x", IdempotencyKey = "delivery-1" }));
    }

    [Test]
    public async Task Sns_AfterRestart_ExpiredIdempotencyKeysAreForgottenAsync()
    {
        var network = OpenSns(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMinutes(10) });
        var brand = network.RegisterAccount("brand");
        var minji = network.RegisterAccount("minji");
        var first = await network.CreateConnector("social", brand.Credential).SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = minji.Subject, Text = "one", IdempotencyKey = "k" });
        Restart(network);
        _time.Advance(TimeSpan.FromMinutes(11));

        var reopened = OpenSns(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromMinutes(10) });
        var second = await reopened.CreateConnector("social", brand.Credential).SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = minji.Subject, Text = "two", IdempotencyKey = "k" });
        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        Assert.That(reopened.GetInbox(minji.Subject).Select(m => m.Text), Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task Sns_AfterRestart_CredentialsKeepTheirExpiryAndRevocationAsync()
    {
        var network = OpenSns();
        var brand = network.RegisterAccount("brand");
        var member = network.RegisterAccount("member");
        var shortLived = network.IssueCredential(member.Subject, TimeSpan.FromMinutes(5));
        var revoked = network.IssueCredential(member.Subject);
        network.RevokeCredential(revoked);
        Restart(network);
        _time.Advance(TimeSpan.FromMinutes(6));

        var connector = OpenSns().CreateConnector("social", brand.Credential);
        Assert.That((await connector.VerifyCredentialsAsync(member.Credential)).Subject, Is.EqualTo(member.Subject));
        Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(shortLived));
        Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(revoked));
    }

    [Test]
    public void Sns_DatabaseFile_HoldsNoCredentialToken()
    {
        var network = OpenSns();
        var member = network.RegisterAccount("member");
        var second = network.IssueCredential(member.Subject);
        Restart(network);

        var bytes = File.ReadAllBytes(SnsPath).Concat(File.Exists(SnsPath + "-wal") ? File.ReadAllBytes(SnsPath + "-wal") : []).ToArray();
        var text = Encoding.UTF8.GetString(bytes);
        Assert.That(text, Does.Contain(member.Subject), "the file is read as text at all");
        Assert.That(text, Does.Not.Contain(member.Credential.AccessToken));
        Assert.That(text, Does.Not.Contain(second.AccessToken));
    }

    [Test]
    public async Task Sns_GetOrRegisterAccount_IsIdempotentAndIssuesAWorkingCredentialAsync()
    {
        var network = OpenSns();
        var brand = network.RegisterAccount("brand");
        var first = network.GetOrRegisterAccount("member7", "Member Seven", "ko-KR");
        Restart(network);

        var reopened = OpenSns();
        var again = reopened.GetOrRegisterAccount("Member7", "Ignored", "en-US");
        var identity = await reopened.CreateConnector("social", brand.Credential).VerifyCredentialsAsync(again.Credential);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Subject, Is.EqualTo(first.Subject));
            Assert.That(again.DisplayName, Is.EqualTo("Member Seven"));
            Assert.That(again.Credential.AccessToken, Is.Not.EqualTo(first.Credential.AccessToken));
            Assert.That(identity.Subject, Is.EqualTo(first.Subject));
            Assert.That(identity.Locale, Is.EqualTo("ko-KR"));
            Assert.That(reopened.FindSubject("nobody"), Is.Null);
        }
    }

    [Test]
    public void Sns_SecondInstanceOnTheSameFile_FailsAtStartWithAClearError()
    {
        OpenSns().RegisterAccount("brand");

        var ex = Assert.Throws<CoCreationException>(() => new EmbeddedSnsNetwork(new EmbeddedSnsOptions { DatabasePath = SnsPath }, _time));
        Assert.That(ex!.Message, Does.Contain("in use").And.Contain(Path.GetFullPath(SnsPath)));
    }

    [Test]
    public void Sns_CorruptFile_FailsAtStartWithAClearError()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(SnsPath, "this is not a database, it is a note someone left here. " + new string('x', 4096));

        var ex = Assert.Throws<CoCreationException>(() => new EmbeddedSnsNetwork(new EmbeddedSnsOptions { DatabasePath = SnsPath }, _time));
        Assert.That(ex!.Message, Does.Contain("corrupt or not a SQLite database"));
    }

    [Test]
    public void Sns_FileOfAnotherProvider_IsRefusedAtStart()
    {
        OpenErp().Dispose();

        var ex = Assert.Throws<CoCreationException>(() => new EmbeddedSnsNetwork(new EmbeddedSnsOptions { DatabasePath = ErpPath }, _time));
        Assert.That(ex!.Message, Does.Contain("enterprise").And.Contain("not to an embedded SNS"));
    }

    [Test]
    public void Sns_BlankDatabasePath_IsRefusedNamingTheOption()
    {
        var ex = Assert.Throws<CoCreationValidationException>(() => new EmbeddedSnsNetwork(new EmbeddedSnsOptions { DatabasePath = " " }, _time));
        Assert.That(ex!.Field, Is.EqualTo("DatabasePath"));
    }

    [Test]
    public void Sns_AfterDispose_AStoredNetworkRefusesChangesButAnInMemoryOneDoesNot()
    {
        var stored = OpenSns();
        var member = stored.RegisterAccount("member");
        stored.Dispose();
        var memory = new EmbeddedSnsNetwork(timeProvider: _time);
        memory.Dispose();

        Assert.Throws<ObjectDisposedException>(() => stored.RegisterAccount("other"));
        Assert.That(stored.GetInbox(member.Subject), Is.Empty);
        Assert.That(memory.RegisterAccount("other").Handle, Is.EqualTo("other"));
    }

    [Test]
    public async Task Sns_AFailedWrite_LeavesNothingBehindInMemoryOrOnDiskAsync()
    {
        var network = OpenSns(new EmbeddedSnsOptions { MaxPostLength = 20 });
        var brand = network.RegisterAccount("brand");
        var connector = network.CreateConnector("social", brand.Credential);
        network.FailNext(1);
        Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "fails", IdempotencyKey = "k" }));
        Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = new string('a', 21), IdempotencyKey = "k" }));
        var post = await connector.PublishAsync(new PostRequest { Text = "works", IdempotencyKey = "k" });
        Restart(network);

        var reopened = OpenSns(new EmbeddedSnsOptions { MaxPostLength = 20 });
        Assert.That(reopened.GetPostsBy(brand.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
    }

    // ------------------------------------------------------------ cloud

    [Test]
    public async Task Cloud_AfterRestart_FindsAccountsWorkspacesDocumentsSharesEntriesAndActivityAsync()
    {
        var service = OpenCloud();
        var connector = service.CreateConnector("drive");
        var minji = await connector.ResolveAccountAsync("minji@example.com");
        var junho = service.RegisterAccount("junho@example.com", "Junho Park");
        var workspace = await connector.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Linen dress" });
        var document = await connector.CreateDocumentAsync(workspace, new DocumentSpec { Title = "Plan", InitialContent = "v1" });
        var share = await connector.ShareAsync(workspace, minji, WorkspaceRole.Editor);
        var junhoShare = await connector.ShareAsync(workspace, junho, WorkspaceRole.Commenter);
        await connector.RevokeShareAsync(junhoShare);
        service.EditDocument(minji.AccountId, document.Id, "v2");
        service.Comment(minji.AccountId, document.Id, "Looks good");
        var entry = await connector.ScheduleAsync(workspace, new ScheduleEntrySpec { Title = "Fitting", Start = Start.AddDays(1), End = Start.AddDays(1).AddHours(1), Attendees = ["minji@example.com"] });
        service.MoveEntry(minji.AccountId, entry.Id, Start.AddDays(2), Start.AddDays(2).AddHours(1));
        var before = await connector.GetActivityAsync(workspace, null);
        Restart(service);

        var reopened = OpenCloud();
        var again = reopened.CreateConnector("drive");
        var resolved = await again.ResolveAccountAsync("MINJI@example.com");
        var nothingNew = await again.GetActivityAsync(workspace, before.Cursor);
        var all = await again.GetActivityAsync(workspace, null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(resolved.AccountId, Is.EqualTo(minji.AccountId));
            Assert.That(reopened.GetRevisions(document.Id).Select(r => r.Content), Is.EqualTo(new[] { "v1", "v2" }));
            Assert.That(reopened.ReadDocument(minji.AccountId, document.Id), Is.EqualTo("v2"));
            Assert.That(reopened.GetShares(workspace.Id).Select(s => (s.Id, s.Role)), Is.EqualTo(new[] { (share.Id, WorkspaceRole.Editor) }));
            Assert.That(reopened.GetScheduleEntries(workspace.Id).Single().Start, Is.EqualTo(Start.AddDays(2)));
            Assert.That(nothingNew.Items, Is.Empty);
            Assert.That(all.Items.Select(a => a.Id), Is.EqualTo(before.Items.Select(a => a.Id)));
            Assert.That(all.Items.Select(a => a.Kind), Does.Contain(WorkspaceActivityKind.DocumentCommented).And.Contain(WorkspaceActivityKind.MemberRemoved));
        }

        // The member's role still holds, and new activity continues after the stored cursor.
        reopened.EditDocument(minji.AccountId, document.Id, "v3");
        var next = await again.GetActivityAsync(workspace, before.Cursor);
        Assert.That(next.Items.Select(a => a.Kind), Is.EqualTo(new[] { WorkspaceActivityKind.DocumentEdited }));
        var revoked = Assert.Throws<ProviderException>(() => reopened.Comment(junho.AccountId, document.Id, "still here?"));
        Assert.That(revoked!.ProviderErrorCode, Is.EqualTo("forbidden"));
    }

    // ------------------------------------------------------------ enterprise

    [Test]
    public async Task Enterprise_AfterRestart_FindsAccountsDesignsOrdersListingsSalesStockPayoutsAndEventsAsync()
    {
        var erp = OpenErp();
        var designer = await erp.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "sns:social:minji", DisplayName = "Minji", Email = "minji@example.com", Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller] });
        var design = await erp.SubmitDesignAsync(designer, new DesignSubmission { Title = "Linen dress", Description = "Wrap dress", Attachments = [new Uri("https://example.com/a.png")] });
        design = await erp.ReviewDesignAsync(design.Id, new DesignReview(true, "Yes"));
        var order = await erp.RequestProductionAsync(designer, new ProductionRequest { DesignId = design.Id, Quantity = 10, Plan = "M 10" });
        await erp.ReportProgressAsync(order.Id, new ProductionProgressUpdate(100, "done"));
        var listing = await erp.CreateListingAsync(new ListingRequest { ProductId = design.ProductId!, OwnerAccountId = designer.AccountId, Title = "Linen dress", Price = new Money(39000m, "KRW") });
        listing = await erp.UpdateListingAsync(designer, listing.Id, new ListingUpdate(new Money(45000m, "KRW"), "14 days"));
        await erp.SetLowStockThresholdAsync(design.ProductId!, 5);
        var sale = erp.PlaceOrder(listing.Id, "Bob", 6, "Soft", 5);
        var shipment = await erp.ShipAsync(sale.Id, new ShipmentRequest("CJ", "6301"));
        var payoutRequest = new PayoutRequest { OwnerAccountId = designer.AccountId, ListingId = listing.Id, PeriodStart = Start, PeriodEnd = Start.AddDays(1), Gross = new Money(90000m, "KRW"), Amount = new Money(13500m, "KRW"), IdempotencyKey = "settle-1" };
        var payout = await erp.RecordPayoutAsync(payoutRequest);
        var firstPage = await erp.ReadEventsAsync(null);
        Restart(erp);

        var reopened = OpenErp();
        var account = await reopened.GetAccountAsync(designer.AccountId);
        var stock = await reopened.GetStockAsync(design.ProductId!);
        var sales = await reopened.GetSalesAsync(listing.Id, Start, Start.AddDays(1));
        var repeated = await reopened.RecordPayoutAsync(payoutRequest);
        var noNews = await reopened.ReadEventsAsync(firstPage.Cursor);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(account.Roles, Is.EquivalentTo(designer.Roles));
            Assert.That(account.IsActive, Is.True);
            Assert.That(await reopened.GetDesignAsync(design.Id), Is.EqualTo(design));
            Assert.That(reopened.GetDesignAttachments(design.Id), Is.EqualTo(new[] { new Uri("https://example.com/a.png") }));
            Assert.That((await reopened.GetProductionOrderAsync(order.Id)).Status, Is.EqualTo(ProductionStatus.Completed));
            Assert.That(await reopened.GetListingAsync(listing.Id), Is.EqualTo(listing));
            Assert.That(stock.OnHand, Is.EqualTo(4));
            Assert.That(stock.Threshold, Is.EqualTo(5));
            Assert.That(sales.Select(s => (s.Id, s.Shipped, s.UnitPrice)), Is.EqualTo(new[] { (sale.Id, true, new Money(45000m, "KRW")) }));
            Assert.That(repeated, Is.EqualTo(payout));
            Assert.That(reopened.GetPayouts(designer.AccountId), Has.Count.EqualTo(1));
            Assert.That(reopened.AllEvents.Select(Describe), Is.EqualTo(firstPage.Events.Select(Describe)));
            Assert.That(noNews.Events, Is.Empty);
            Assert.That(shipment.SaleId, Is.EqualTo(sale.Id));
        }

        // New records get new ids, the low-stock alert stays raised once, and events continue after the stored cursor.
        erp = reopened;
        var second = erp.PlaceOrder(listing.Id, "Carol", 1);
        var next = await erp.ReadEventsAsync(firstPage.Cursor);
        var ids = new[] { designer.AccountId, design.Id, design.ProductId!, order.Id, listing.Id, sale.Id, shipment.Id, payout.Id };
        Assert.That(ids, Does.Not.Contain(second.Id));
        Assert.That(next.Events.Select(e => e.Type), Is.EqualTo(new[] { CoCreationEventTypes.SaleCompleted }));

        // The SDK's typed event data reads what the provider really emitted, checked against the provider's own records.
        var soldData = next.Events[0].GetData<SaleCompletedData>();
        var stockAfter = await erp.GetStockAsync(design.ProductId!);
        Assert.That(
            (soldData.SaleId, soldData.ListingId, soldData.ProductId, soldData.Quantity, soldData.Amount, soldData.Currency, soldData.OnHand),
            Is.EqualTo((second.Id, listing.Id, design.ProductId, (decimal?)second.Quantity, second.Total.Amount, second.Total.Currency, (decimal?)stockAfter.OnHand)));
        var typed = firstPage.Events.Where(e => e.Type is CoCreationEventTypes.ProductionProgress or CoCreationEventTypes.StockReceived
            or CoCreationEventTypes.StockLow or CoCreationEventTypes.SettlementPaid).ToList();
        Assert.That(typed.Select(e => e.Type).Distinct(), Is.EquivalentTo(new[] { CoCreationEventTypes.StockReceived, CoCreationEventTypes.StockLow, CoCreationEventTypes.SettlementPaid }));
        foreach (var e in typed)
        {
            object parsed = e.Type switch
            {
                CoCreationEventTypes.ProductionProgress => e.GetData<ProductionProgressData>(),
                CoCreationEventTypes.StockReceived => e.GetData<StockReceivedData>(),
                CoCreationEventTypes.StockLow => e.GetData<StockLowData>(),
                _ => e.GetData<SettlementPaidData>(),
            };
            Assert.That(parsed, Is.Not.Null, e.Type);
        }

        var paid = typed.Single(e => e.Type == CoCreationEventTypes.SettlementPaid).GetData<SettlementPaidData>();
        var low = typed.Single(e => e.Type == CoCreationEventTypes.StockLow).GetData<StockLowData>();
        Assert.That((paid.Amount, paid.Currency), Is.EqualTo((payout.Amount.Amount, payout.Amount.Currency)));
        Assert.That((low.ProductId, (decimal?)low.Threshold), Is.EqualTo((design.ProductId, (decimal?)stock.Threshold)));
        var received = typed.Single(e => e.Type == CoCreationEventTypes.StockReceived).GetData<StockReceivedData>();
        Assert.That(received.ProductId, Is.EqualTo(design.ProductId));

        Assert.That(Assert.Throws<CoCreationConflictException>(() => erp.PlaceOrder(listing.Id, "Dan", 4)), Is.Not.Null);
    }

    [Test]
    public async Task Enterprise_AfterRestart_ADeprovisionedAccountStaysDeniedAsync()
    {
        var erp = OpenErp();
        var designer = await erp.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "sns:social:minji", DisplayName = "Minji", Roles = [EnterpriseRoles.Member] });
        await erp.DeprovisionAccountAsync(designer);
        Restart(erp);

        var reopened = OpenErp();
        var ex = Assert.ThrowsAsync<ProviderException>(() => reopened.SubmitDesignAsync(designer, new DesignSubmission { Title = "t", Description = "d" }));
        Assert.That(ex!.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
        var revived = await reopened.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "sns:social:minji", DisplayName = "Minji", Roles = [EnterpriseRoles.Member] });
        Assert.That(revived.AccountId, Is.EqualTo(designer.AccountId));
    }
}
