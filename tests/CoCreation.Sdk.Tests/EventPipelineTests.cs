using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The one event pipeline: pulled sources with SDK-kept cursors, webhooks verified before they are parsed, custom event
/// types from adapters, and the one scheduler that runs all periodic work.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class EventPipelineTests
{
    private const string CouponType = "com.example.shop.coupon.redeemed";

    private static SdkHarness Harness(ICoCreationStore? store = null, Action<ICoCreationBuilder>? build = null) => new(
        store: store,
        build: b =>
        {
            b.AddRelayRule(new RelayRule
            {
                Name = "coupon",
                EventType = CouponType,
                Recipients = RecipientSelector.SubjectParticipant,
                Template = MessageTemplate.KoreanAndEnglish("쿠폰 {code} 사용", "Coupon {code} redeemed for {amount:money}"),
            });
            build?.Invoke(b);
        });

    [Test]
    public async Task A_custom_event_type_from_an_adapter_source_reaches_the_participant()
    {
        var source = new CouponFeed("shop-coupons");
        await using var sdk = Harness(build: b => b.AddEventSource(_ => source));
        var minji = await sdk.SignInNewAsync("minji", "en-US");
        source.Add(new CouponRedeemedData("SPRING", 12_500m, "KRW", minji.ParticipantId));

        var results = await sdk.Services.GetRequiredService<IEventPipeline>().PollAsync("shop-coupons");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sdk.Services.GetRequiredService<IEventPipeline>().SourceNames, Is.EquivalentTo(new[] { "enterprise:erp", "shop-coupons" }));
            Assert.That(results.Single().Event.GetData<CouponRedeemedData>().Code, Is.EqualTo("SPRING"), "the adapter's own typed data reads back");
            Assert.That(results.Single().Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));
            Assert.That(sdk.SocialSns.InboxOf("minji").Single().Text, Is.EqualTo("Coupon SPRING redeemed for KRW 12,500"));
        }
    }

    [Test]
    public async Task Cursors_are_stored_per_source_and_a_restarted_sdk_resumes_from_them()
    {
        var store = new InMemoryCoCreationStore();
        var source = new CouponFeed("shop-coupons");
        string participant;
        await using (var first = Harness(store, b => b.AddEventSource(_ => source)))
        {
            participant = (await first.SignInNewAsync("minji", "en-US")).ParticipantId;
            source.Add(new CouponRedeemedData("A", 1m, "KRW", participant));
            source.Add(new CouponRedeemedData("B", 2m, "KRW", participant));
            await first.Relay.PollSourcesAsync();
            Assert.That(await store.GetCursorAsync("shop-coupons"), Is.EqualTo("2"));
        }

        // A new process: a new source object with no memory, the same store.
        var restarted = new CouponFeed("shop-coupons", source);
        restarted.Add(new CouponRedeemedData("C", 3m, "KRW", participant));
        await using var second = Harness(store, b => b.AddEventSource(_ => restarted));
        var results = await second.Relay.PollSourcesAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(restarted.CursorsSeen, Is.EqualTo(new[] { "2" }), "the source was handed the stored cursor");
            Assert.That(results.Select(r => r.Event.GetData<CouponRedeemedData>().Code), Is.EqualTo(new[] { "C" }), "only what is new since the restart");
            Assert.That(await store.GetCursorAsync("shop-coupons"), Is.EqualTo("3"));
        }
    }

    [Test]
    public async Task A_forged_webhook_is_refused_before_it_is_parsed_and_nothing_is_published()
    {
        var receiver = new SignedWebhookReceiver("shop-hooks", "s3cret-signing-key");
        await using var sdk = Harness(build: b => b.AddWebhookReceiver(_ => receiver));
        var minji = await sdk.SignInNewAsync("minji", "en-US");
        var pipeline = sdk.Services.GetRequiredService<IEventPipeline>();
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = "w-1", code = "FORGED", participant = minji.ParticipantId }));
        var forged = new WebhookRequest([new("X-Signature", SignedWebhookReceiver.Sign("wrong-key", body))], body);

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(() => pipeline.ReceiveWebhookAsync("shop-hooks", forged));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("signature").And.Not.Contain("s3cret"));
            Assert.That(receiver.Parsed, Is.Zero, "nothing was parsed");
            Assert.That(await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Is.Empty);
            Assert.That(sdk.SocialSns.Messages, Is.Empty);
        }

        var genuine = new WebhookRequest([new("X-Signature", SignedWebhookReceiver.Sign("s3cret-signing-key", body))], body);
        var results = await pipeline.ReceiveWebhookAsync("shop-hooks", genuine);
        Assert.That(results.Single().Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered), "a genuine one with the same body goes through");
    }

    [Test]
    public async Task A_webhook_without_a_signature_is_refused_before_the_body_is_read()
    {
        var receiver = new SignedWebhookReceiver("shop-hooks", "s3cret-signing-key");
        await using var sdk = Harness(build: b => b.AddWebhookReceiver(_ => receiver));
        var request = new WebhookRequest([], _ => throw new AssertionException("the body was read"));

        Assert.ThrowsAsync<WebhookVerificationException>(() => sdk.Services.GetRequiredService<IEventPipeline>().ReceiveWebhookAsync("shop-hooks", request));
        Assert.That(request.IsBodyRead, Is.False);
    }

    [Test]
    public async Task A_verified_notification_without_data_polls_the_sources_it_names()
    {
        var source = new CouponFeed("shop-coupons");
        var nudge = new NudgeReceiver("shop-push", ["shop-coupons", "not-registered"]);
        await using var sdk = Harness(build: b => b.AddEventSource(_ => source).AddWebhookReceiver(_ => nudge));
        var minji = await sdk.SignInNewAsync("minji", "en-US");
        source.Add(new CouponRedeemedData("PUSHED", 5m, "KRW", minji.ParticipantId));

        var results = await sdk.Services.GetRequiredService<IEventPipeline>().ReceiveWebhookAsync("shop-push", new WebhookRequest([new("X-Token", "ok")], ReadOnlyMemory<byte>.Empty));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Event.GetData<CouponRedeemedData>().Code), Is.EqualTo(new[] { "PUSHED" }));
            Assert.That(source.CursorsSeen, Is.EqualTo(new string?[] { null }), "polled once, from the stored (empty) cursor");
            Assert.That(await sdk.Store.GetCursorAsync("shop-coupons"), Is.EqualTo("1"));
            Assert.That(sdk.SocialSns.InboxOf("minji"), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task Unknown_receivers_and_sources_are_refused_by_name()
    {
        await using var sdk = Harness();
        var pipeline = sdk.Services.GetRequiredService<IEventPipeline>();

        var receiver = Assert.ThrowsAsync<CoCreationValidationException>(() => pipeline.ReceiveWebhookAsync("nobody", new WebhookRequest([], ReadOnlyMemory<byte>.Empty)));
        var source = Assert.ThrowsAsync<CoCreationValidationException>(() => pipeline.PollAsync("nowhere"));

        Assert.That(receiver!.Field, Is.EqualTo("receiverName"));
        Assert.That(source!.Field, Is.EqualTo("sourceName"));
    }

    [Test]
    public void Two_sources_with_one_name_are_refused()
    {
        var sdk = Harness(build: b => b.AddEventSource(_ => new CouponFeed("dup")).AddEventSource(_ => new CouponFeed("dup")));

        var ex = Assert.Throws<CoCreationValidationException>(() => _ = sdk.Relay);

        Assert.That(ex!.Message, Does.Contain("'dup' is registered twice"));
    }

    [Test]
    public async Task The_scheduler_runs_each_item_on_its_own_period()
    {
        var everyMinute = new CountingWork(TimeSpan.FromMinutes(1));
        var everyFive = new CountingWork(TimeSpan.FromMinutes(5));
        var onInterval = new CountingWork(null);
        await using var sdk = Harness(build: b => b.AddCoCreationScheduler(TimeSpan.FromMinutes(2)).AddScheduledWork(_ => everyMinute).AddScheduledWork(_ => everyFive).AddScheduledWork(_ => onInterval));
        everyMinute.Clock = everyFive.Clock = onInterval.Clock = sdk.Clock;
        var scheduler = sdk.Services.GetServices<IHostedService>().OfType<CoCreationScheduler>().Single();

        var waits = new List<TimeSpan> { await scheduler.RunDueAsync(CancellationToken.None) };
        for (var minute = 1; minute <= 10; minute++)
        {
            sdk.Clock.Advance(TimeSpan.FromMinutes(1));
            waits.Add(await scheduler.RunDueAsync(CancellationToken.None));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(everyMinute.RunsAt, Has.Count.EqualTo(11), "minutes 0 to 10");
            Assert.That(everyFive.RunsAt.Select(t => (t - SdkHarness.Start).TotalMinutes), Is.EqualTo(new[] { 0d, 5, 10 }));
            Assert.That(onInterval.RunsAt.Select(t => (t - SdkHarness.Start).TotalMinutes), Is.EqualTo(new[] { 0d, 2, 4, 6, 8, 10 }), "no period: the scheduler's interval");
            Assert.That(waits, Has.All.EqualTo(TimeSpan.FromMinutes(1)), "it sleeps until the next item is due");
            Assert.That(scheduler.Items.Select(i => i.Name).Take(3), Is.EqualTo(new[] { "grants.expiry", "relay.sources", "relay.delivery" }));
        }
    }

    [Test]
    public async Task A_failing_item_does_not_stop_the_others_and_runs_again_next_period()
    {
        var failing = new CountingWork(TimeSpan.FromMinutes(1)) { Fail = true };
        var healthy = new CountingWork(TimeSpan.FromMinutes(1));
        await using var sdk = Harness(build: b => b.AddRelayWorker(TimeSpan.FromMinutes(1)).AddScheduledWork(_ => failing).AddScheduledWork(_ => healthy));
        failing.Clock = healthy.Clock = sdk.Clock;
        var scheduler = sdk.Services.GetServices<IHostedService>().OfType<CoCreationScheduler>().Single();

        await scheduler.RunDueAsync(CancellationToken.None);
        sdk.Clock.Advance(TimeSpan.FromMinutes(1));
        await scheduler.RunDueAsync(CancellationToken.None);

        Assert.That(failing.RunsAt, Has.Count.EqualTo(2));
        Assert.That(healthy.RunsAt, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task The_hosted_scheduler_runs_work_when_the_clock_reaches_its_period()
    {
        var work = new CountingWork(TimeSpan.FromMinutes(10));
        await using var sdk = Harness(build: b => b.AddRelayWorker(TimeSpan.FromHours(1)).AddScheduledWork(_ => work));
        work.Clock = sdk.Clock;
        var scheduler = sdk.Services.GetServices<IHostedService>().OfType<CoCreationScheduler>().Single();

        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await work.WaitForRunsAsync(1);
            Assert.That(work.RunsAt, Has.Count.EqualTo(1), "the clock has not moved: one run at start");

            // The loop sleeps on the fake clock; advancing it (and only that) wakes it.
            while (work.RunsAt.Count < 2)
            {
                sdk.Clock.Advance(TimeSpan.FromMinutes(10));
                await work.WaitForRunsAsync(2, orWhenIdle: true);
            }

            Assert.That(work.RunsAt[1] - work.RunsAt[0], Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(10)));
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public void AddRelayWorker_registers_the_one_scheduler()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().AddRelayWorker().AddCoCreationScheduler(TimeSpan.FromMinutes(3));

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).ToList();

        Assert.That(hosted.Select(d => d.ImplementationType), Is.EqualTo(new[] { typeof(CoCreationScheduler) }));
        Assert.That(services.Single(d => d.ServiceType == typeof(SchedulerSettings)).ImplementationInstance, Is.EqualTo(new SchedulerSettings(TimeSpan.FromMinutes(3))));
    }

    [Test]
    public void No_package_starts_a_timer_of_its_own()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var timer = new Regex(@"\bCreateTimer\s*\(|\bnew\s+(System\.Threading\.|System\.Timers\.)?(Periodic)?Timer\s*\(|\bPeriodicTimer\b|\bTask\.Delay\s*\(|\bThread\.Sleep\s*\(", RegexOptions.CultureInvariant);
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var offenders = files
            // The relay's one-off wait for a rate-limit token it reserved (bounded by RelayOptions.MaxRateLimitWait) is
            // part of a send, not periodic work. The RabbitMQ worker is a broker consumer: it waits before it connects
            // again after losing the broker, and it sweeps the outbox between notices, both on the registered clock.
            .Where(f => Path.GetFileName(f) is not ("CoCreationScheduler.cs" or "EventRelay.RateLimits.cs" or "RabbitMqRelayWorker.cs"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(src, f), Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && timer.IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.That(files, Has.Count.GreaterThan(100), "the sources were found");
        Assert.That(File.ReadAllText(files.Single(f => Path.GetFileName(f) == "CoCreationScheduler.cs")), Does.Match(timer), "the check would see the scheduler's own delay");
        Assert.That(offenders, Is.Empty, "periodic work belongs to the scheduler (ICoCreationScheduledWork)");
    }

    [Test]
    public void The_sdk_event_data_records_round_trip_through_the_flat_map()
    {
        var source = CoCreationEventSources.Enterprise("erp");
        var sale = new SaleCompletedData("s-1", 1234.5m, "KRW") { ListingId = "l-1", Quantity = 3, OwnerAccountId = "e-1" };
        var stock = new StockLowData("p-1", 2, 5) { Title = "Chair" };

        var saleEvent = sale.ToEvent("e1", source, SdkHarness.Start, "sales/s-1");
        var stockEvent = stock.ToEvent("e2", source, SdkHarness.Start);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(saleEvent.Type, Is.EqualTo(CoCreationEventTypes.SaleCompleted));
            Assert.That(saleEvent.GetData(CoCreationEventData.Amount), Is.EqualTo("1234.5"), "numbers in the invariant culture");
            Assert.That(saleEvent.GetData<SaleCompletedData>(), Is.EqualTo(sale));
            Assert.That(stockEvent.GetData<StockLowData>(), Is.EqualTo(stock));
            Assert.That(saleEvent.TryGetData<StockLowData>(out _), Is.False, "another type");
            Assert.That(Assert.Throws<CoCreationValidationException>(() => (saleEvent with { Data = saleEvent.Data.Remove(CoCreationEventData.Currency) }).GetData<SaleCompletedData>())!.Field, Is.EqualTo("Event.Data.currency"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => (saleEvent with { Data = saleEvent.Data.SetItem(CoCreationEventData.Amount, "12,5") }).GetData<SaleCompletedData>())!.Field, Is.EqualTo("Event.Data.amount"));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CoCreation.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (CoCreation.Sdk.sln) is not above the test directory.");
    }

    /// <summary>An adapter's own event type, defined outside the Abstractions package.</summary>
    private sealed record CouponRedeemedData(string Code, decimal Amount, string Currency, string ParticipantId) : ICoCreationEventData<CouponRedeemedData>
    {
        public static string EventType => CouponType;

        public static CouponRedeemedData FromData(IReadOnlyDictionary<string, string> data) => new(
            EventDataMap.Text(data, "code"),
            EventDataMap.Number(data, CoCreationEventData.Amount),
            EventDataMap.Text(data, CoCreationEventData.Currency),
            EventDataMap.Text(data, CoCreationEventData.ParticipantId));

        public ImmutableDictionary<string, string> ToData() => EventDataMap.Build(
            ("code", Code), (CoCreationEventData.Amount, Amount), (CoCreationEventData.Currency, Currency), (CoCreationEventData.ParticipantId, ParticipantId));
    }

    /// <summary>An adapter's feed: its cursor is the number of events read; it keeps no position itself.</summary>
    private sealed class CouponFeed(string name, CouponFeed? sharedLog = null) : IEventSource
    {
        private readonly List<CoCreationEvent> _log = sharedLog?._log ?? [];

        public string Name { get; } = name;

        public List<string?> CursorsSeen { get; } = [];

        public void Add(CouponRedeemedData data)
            => _log.Add(data.ToEvent($"c-{_log.Count + 1}", new Uri("urn:example:shop"), SdkHarness.Start.AddMinutes(_log.Count)));

        public Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
        {
            CursorsSeen.Add(cursor);
            var from = cursor is null ? 0 : int.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
            var events = _log.Skip(from).ToList();
            return Task.FromResult(new EventSourcePage(events, (from + events.Count).ToString(System.Globalization.CultureInfo.InvariantCulture), false));
        }
    }

    /// <summary>A receiver signed with HMAC-SHA256 over the body, compared in constant time.</summary>
    private sealed class SignedWebhookReceiver(string name, string key) : WebhookReceiverBase
    {
        public override string Name { get; } = name;

        public int Parsed { get; private set; }

        public static string Sign(string key, byte[] body) => Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

        protected override async ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            var presented = request.GetHeader("X-Signature");
            if (string.IsNullOrEmpty(presented))
            {
                throw new WebhookVerificationException(Name, "no signature header");
            }

            var body = await request.ReadBodyAsync(cancellationToken);
            var expected = Encoding.ASCII.GetBytes(Sign(key, body.ToArray()));
            if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(presented)))
            {
                throw new WebhookVerificationException(Name, "the signature does not match the body");
            }

            return body;
        }

        protected override Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
        {
            Parsed++;
            using var json = JsonDocument.Parse((ReadOnlyMemory<byte>)verified!);
            var root = json.RootElement;
            var data = new CouponRedeemedData(root.GetProperty("code").GetString()!, 100m, "KRW", root.GetProperty("participant").GetString()!);
            return Task.FromResult(new WebhookReceipt([data.ToEvent(root.GetProperty("id").GetString()!, new Uri("urn:example:shop"), SdkHarness.Start)], []));
        }
    }

    private sealed class NudgeReceiver(string name, IReadOnlyList<string> sources) : WebhookReceiverBase
    {
        public override string Name { get; } = name;

        protected override ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
            => request.GetHeader("x-token") == "ok" ? ValueTask.FromResult<object?>(null) : throw new WebhookVerificationException(Name, "no token");

        protected override Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
            => Task.FromResult(new WebhookReceipt([], sources));
    }

    private sealed class CountingWork(TimeSpan? period) : ICoCreationScheduledWork
    {
        private readonly List<DateTimeOffset> _runs = [];
        private readonly SemaphoreSlim _ran = new(0);

        public TimeSpan? Period { get; } = period;

        public bool Fail { get; init; }

        public IReadOnlyList<DateTimeOffset> RunsAt
        {
            get
            {
                lock (_runs)
                {
                    return [.. _runs];
                }
            }
        }

        public TimeProvider? Clock { get; set; }

        public Task RunDueAsync(CancellationToken cancellationToken = default)
        {
            lock (_runs)
            {
                _runs.Add(Clock!.GetUtcNow());
            }

            _ran.Release();
            return Fail ? Task.FromException(new InvalidOperationException("work failed")) : Task.CompletedTask;
        }

        // Each waiter either sees a run or (orWhenIdle) gives the loop one chance to register its next delay.
        public async Task WaitForRunsAsync(int count, bool orWhenIdle = false)
        {
            while (RunsAt.Count < count)
            {
                if (!await _ran.WaitAsync(TimeSpan.FromSeconds(orWhenIdle ? 0.05 : 30)))
                {
                    if (orWhenIdle)
                    {
                        return;
                    }

                    throw new AssertionException($"the scheduler did not run the work {count} time(s)");
                }
            }
        }
    }
}

/// <summary>Export and import through the CNCF CloudEvents SDK.</summary>
[TestFixture]
[Category("Unit")]
public sealed class CloudEventsInteropTests
{
    private static readonly CoCreationEvent Sample = new SaleCompletedData("s-9", 3915000m, "KRW") { Title = "셔츠" }
        .ToEvent("sale-9", CoCreationEventSources.Enterprise("shop"), new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), "sales/s-9");

    [Test]
    public void An_event_round_trips_through_structured_mode_json()
    {
        var json = CoCreationCloudEvents.ToStructuredJson(Sample);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        var back = CoCreationCloudEvents.FromStructuredJson(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(root.GetProperty("specversion").GetString(), Is.EqualTo("1.0"));
            Assert.That(root.GetProperty("source").GetString(), Is.EqualTo("urn:cocreation:enterprise:shop"));
            Assert.That(root.GetProperty("type").GetString(), Is.EqualTo(CoCreationEventTypes.SaleCompleted));
            Assert.That(root.GetProperty("datacontenttype").GetString(), Is.EqualTo("application/json"));
            Assert.That(root.GetProperty("data").GetProperty("amount").GetString(), Is.EqualTo("3915000"));
            Assert.That(back with { Data = ImmutableDictionary<string, string>.Empty }, Is.EqualTo(Sample with { Data = ImmutableDictionary<string, string>.Empty }));
            Assert.That(back.Data, Is.EquivalentTo(Sample.Data));
            Assert.That(back.GetData<SaleCompletedData>().Title, Is.EqualTo("셔츠"));
        }
    }

    [TestCase("""{"specversion":"1.0","id":"1","source":"urn:x","type":"t"}""", "CloudEvent.time")]
    [TestCase("""{"specversion":"1.0","id":"1","source":"urn:x","type":"t","time":"2026-03-02T10:00:00Z","datacontenttype":"application/json","data":{"n":5}}""", "CloudEvent.data.n")]
    [TestCase("""{"specversion":"0.1","id":"1"}""", "CloudEvent")]
    [TestCase("""not json""", "CloudEvent")]
    public void Json_the_sdk_cannot_hold_is_refused_naming_the_attribute(string json, string field)
    {
        var ex = Assert.Throws<CoCreationValidationException>(() => CoCreationCloudEvents.FromStructuredJson(Encoding.UTF8.GetBytes(json)));

        Assert.That(ex!.Field, Is.EqualTo(field));
    }
}
