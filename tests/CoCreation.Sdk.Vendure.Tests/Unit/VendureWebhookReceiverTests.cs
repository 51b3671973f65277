using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Vendure.Tests.Unit;

/// <summary>
/// <see cref="VendureWebhookReceiver"/>: a signed notification of the plugin's shape names the source to poll; a request
/// that is unsigned, forged, altered, stale or replayed is refused before its body is parsed; a verified body that is
/// not a Vendure notification is a typed exception; <c>AddVendureWebhooks</c> wires it into the pipeline and checks its
/// options at start.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class VendureWebhookReceiverTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 0, 0, TimeSpan.Zero);
    private static readonly string Secret = StandardWebhookSigner.GenerateSecret();

    // The bodies the peer plugin sends (eng/peers/vendure/vendure-peer.js), one per type.
    private static readonly Dictionary<string, string> PluginBodies = new(StringComparer.Ordinal)
    {
        ["order.state_transition"] = """{"type":"order.state_transition","timestamp":"2026-12-06T03:00:00.123Z","data":{"orderId":"41","orderCode":"K7Q2ZP","fromState":"ArrangingPayment","toState":"PaymentSettled"}}""",
        ["payment.state_transition"] = """{"type":"payment.state_transition","timestamp":"2026-12-06T03:00:00.120Z","data":{"orderId":"41","paymentId":"17","fromState":"Created","toState":"Settled"}}""",
        ["fulfillment.state_transition"] = """{"type":"fulfillment.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"fulfillmentId":"9","trackingCode":null,"method":"CJ","fromState":"Pending","toState":"Shipped"}}""",
        ["refund.state_transition"] = """{"type":"refund.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"orderId":"41","refundId":"3","total":1100000,"fromState":"Pending","toState":"Settled"}}""",
        ["stock.movement"] = """{"type":"stock.movement","timestamp":"2026-12-06T03:00:00Z","data":{"movements":[{"id":"88","type":"ALLOCATION","quantity":1,"productVariantId":"12"}]}}""",
    };

    private static (VendureWebhookReceiver Receiver, FakeTimeProvider Clock) Receiver(string pollSource = "enterprise:shop", string? previous = null)
    {
        var clock = new FakeTimeProvider(Now);
        var verifier = new StandardWebhookVerifier("vendure:shop", new StandardWebhookOptions { Secret = Secret, PreviousSecret = previous }, time: clock);
        return (new VendureWebhookReceiver(verifier, pollSource), clock);
    }

    private static WebhookRequest Signed(string body, string id = "msg_1", DateTimeOffset? time = null, string? secret = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return new WebhookRequest([.. StandardWebhookSigner.CreateHeaders(secret ?? Secret, id, time ?? Now, bytes), new("content-type", "application/json")], bytes);
    }

    [TestCase("order.state_transition")]
    [TestCase("payment.state_transition")]
    [TestCase("fulfillment.state_transition")]
    [TestCase("refund.state_transition")]
    [TestCase("stock.movement")]
    public async Task A_signed_notification_of_the_plugin_names_the_adapter_source_to_poll_and_carries_no_events(string type)
    {
        var (receiver, _) = Receiver();

        var receipt = await receiver.ReceiveAsync(Signed(PluginBodies[type]));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { "enterprise:shop" }), "the order history is the truth: poll it");
            Assert.That(receipt.Events, Is.Empty, "a notification only says that something changed");
            Assert.That(receiver.Name, Is.EqualTo("vendure:shop"));
        }
    }

    [Test]
    public async Task A_configured_poll_source_is_named_instead_for_example_a_composite_enterprise_system()
    {
        var (receiver, _) = Receiver(pollSource: "enterprise:dong-a");

        var receipt = await receiver.ReceiveAsync(Signed(PluginBodies["order.state_transition"]));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { "enterprise:dong-a" }));
    }

    [Test]
    public async Task A_type_the_plugin_may_add_later_is_accepted_and_polls_as_well()
    {
        var (receiver, _) = Receiver();

        var receipt = await receiver.ReceiveAsync(Signed("""{"type":"customer.created","timestamp":"2026-12-06T03:00:00Z","data":{"customerId":"5"}}"""));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { "enterprise:shop" }));
    }

    [Test]
    public async Task A_notification_signed_with_the_previous_secret_is_accepted_while_it_is_set()
    {
        var previous = StandardWebhookSigner.GenerateSecret();
        var (receiver, _) = Receiver(previous: previous);

        var receipt = await receiver.ReceiveAsync(Signed(PluginBodies["order.state_transition"], secret: previous));

        Assert.That(receipt.SourcesToPoll, Is.EqualTo(new[] { "enterprise:shop" }));
    }

    [Test]
    public void An_unsigned_request_is_refused_without_its_body_being_read()
    {
        var (receiver, _) = Receiver();
        var request = new WebhookRequest([new("content-type", "application/json")], Encoding.UTF8.GetBytes(PluginBodies["order.state_transition"]));

        var refused = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(request));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.Missing));
            Assert.That(request.IsBodyRead, Is.False, "refused on its headers: the body was not even read");
        }
    }

    // The bodies below are not notifications at all: had the parser run, it would have thrown VendureNotificationException.
    [TestCase("another-secret")]
    [TestCase("altered-body")]
    [TestCase("altered-id")]
    [TestCase("altered-timestamp")]
    public void A_forged_or_altered_request_is_refused_and_its_body_never_parsed(string forgery)
    {
        var (receiver, _) = Receiver();
        const string Body = "this is not JSON, so parsing it would throw VendureNotificationException";
        var bytes = Encoding.UTF8.GetBytes(Body);
        var headers = StandardWebhookSigner.CreateHeaders(forgery == "another-secret" ? StandardWebhookSigner.GenerateSecret() : Secret, "msg_f", Now, bytes).ToList();
        switch (forgery)
        {
            case "altered-body": bytes = Encoding.UTF8.GetBytes(Body + " "); break;
            case "altered-id": headers[0] = new(StandardWebhookVerifier.IdHeader, "msg_g"); break;
            case "altered-timestamp": headers[1] = new(StandardWebhookVerifier.TimestampHeader, (Now.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture)); break;
        }

        var refused = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(new WebhookRequest(headers, bytes)));

        Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
    }

    [Test]
    public async Task A_replayed_notification_is_refused_the_second_time()
    {
        var (receiver, _) = Receiver();
        var first = await receiver.ReceiveAsync(Signed(PluginBodies["order.state_transition"], id: "msg_once"));

        var replay = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed(PluginBodies["order.state_transition"], id: "msg_once")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.SourcesToPoll, Has.Count.EqualTo(1));
            Assert.That(replay!.Reason, Is.EqualTo(WebhookRefusalReason.Replayed));
        }
    }

    [Test]
    public void A_notification_older_than_the_tolerance_is_refused_unread()
    {
        var (receiver, clock) = Receiver();
        var request = Signed(PluginBodies["order.state_transition"], time: Now);
        clock.Advance(TimeSpan.FromMinutes(6));

        var refused = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(request));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.Stale));
            Assert.That(request.IsBodyRead, Is.False);
        }
    }

    [TestCase("not json at all SECRET-MARKER", "not JSON")]
    [TestCase("""["SECRET-MARKER"]""", "not a JSON object")]
    [TestCase("""{"timestamp":"2026-12-06T03:00:00Z","data":{}}""", "'type'")]
    [TestCase("""{"type":"Order.SECRET-MARKER","timestamp":"2026-12-06T03:00:00Z","data":{}}""", "'type'")]
    [TestCase("""{"type":"order","timestamp":"2026-12-06T03:00:00Z","data":{}}""", "'type'")]
    [TestCase("""{"type":7,"timestamp":"2026-12-06T03:00:00Z","data":{}}""", "'type'")]
    [TestCase("""{"type":"order.state_transition","data":{"orderId":"1","toState":"PaymentSettled"}}""", "'timestamp'")]
    [TestCase("""{"type":"order.state_transition","timestamp":"yesterday SECRET-MARKER","data":{"orderId":"1","toState":"PaymentSettled"}}""", "'timestamp'")]
    [TestCase("""{"type":"order.state_transition","timestamp":"2026-12-06T03:00:00Z","data":"SECRET-MARKER"}""", "'data'")]
    [TestCase("""{"type":"order.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"toState":"PaymentSettled"}}""", "'data.orderId'")]
    [TestCase("""{"type":"order.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"orderId":41,"toState":"PaymentSettled"}}""", "'data.orderId'")]
    [TestCase("""{"type":"order.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"orderId":"","toState":"PaymentSettled"}}""", "'data.orderId'")]
    [TestCase("""{"type":"payment.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"orderId":"1","toState":"Settled"}}""", "'data.paymentId'")]
    [TestCase("""{"type":"fulfillment.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"fulfillmentId":"1"}}""", "'data.toState'")]
    [TestCase("""{"type":"refund.state_transition","timestamp":"2026-12-06T03:00:00Z","data":{"orderId":"1","toState":"Settled"}}""", "'data.refundId'")]
    [TestCase("""{"type":"stock.movement","timestamp":"2026-12-06T03:00:00Z","data":{"movements":"SECRET-MARKER"}}""", "'data.movements'")]
    public void A_verified_body_that_is_not_a_vendure_notification_is_a_typed_exception_that_does_not_quote_it(string body, string named)
    {
        var (receiver, _) = Receiver();

        var ex = Assert.ThrowsAsync<VendureNotificationException>(() => receiver.ReceiveAsync(Signed(body, id: "msg_bad")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Problem, Does.Contain(named), "the problem names what is wrong");
            Assert.That(ex.Message, Does.Contain("msg_bad").And.Contain("vendure:shop"), "the message names the request and the receiver");
            Assert.That(ex.Message, Does.Not.Contain("SECRET-MARKER"), "the body is never quoted");
            Assert.That(ex.ProviderErrorCode, Is.EqualTo(VendureNotificationException.ErrorCode));
            Assert.That(ex.IsTransient, Is.False);
        }
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("enterprise: dong-a")]
    [TestCase("enterprise:dong-a\n")]
    public void The_constructor_refuses_a_bad_poll_source(string source)
    {
        var verifier = new StandardWebhookVerifier("vendure:shop", new StandardWebhookOptions { Secret = Secret });

        var ex = Assert.Throws<CoCreationValidationException>(() => _ = new VendureWebhookReceiver(verifier, source));

        Assert.That(ex!.Field, Is.EqualTo("pollSource"));
    }

    [Test]
    public void Names_follow_the_adapter_name()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(VendureWebhookReceiver.ReceiverName("shop"), Is.EqualTo("vendure:shop"));
            Assert.That(VendureWebhookReceiver.AdapterSource("shop"), Is.EqualTo("enterprise:shop"));
            Assert.Throws<CoCreationValidationException>(() => VendureWebhookReceiver.ReceiverName(" "));
        }
    }

    [Test]
    public void Options_never_show_a_secret()
    {
        var options = new VendureWebhookOptions { Secret = Secret, PreviousSecret = Secret, PollSource = "enterprise:dong-a" };

        Assert.That(options.ToString(), Does.Not.Contain(Secret["whsec_".Length..]).And.Contain("enterprise:dong-a"));
    }

    // ---- AddVendureWebhooks: the pipeline verifies, then polls the named source -------------------------------------

    [Test]
    public async Task Registered_a_verified_notification_has_the_adapter_source_polled_and_a_forged_one_polls_nothing()
    {
        var shop = new CountingSource("enterprise:shop");
        await using var services = Services(b => b
            .AddEventSource(_ => shop)
            .AddVendureWebhooks("shop", o => o.Secret = Secret));
        var pipeline = services.GetRequiredService<IEventPipeline>();

        var results = await pipeline.ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["order.state_transition"], time: DateTimeOffset.UtcNow));
        var forged = Assert.ThrowsAsync<WebhookVerificationException>(() => pipeline.ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["order.state_transition"], id: "msg_2", time: DateTimeOffset.UtcNow, secret: StandardWebhookSigner.GenerateSecret())));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shop.Reads, Is.EqualTo(1), "polled once, for the verified notification only");
            Assert.That(results.Select(r => r.Event.Id), Is.EqualTo(new[] { "enterprise:shop-1" }), "the poll's events were published");
            Assert.That(forged!.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
        }
    }

    [Test]
    public async Task Registered_with_a_poll_source_that_source_is_polled_and_not_the_adapter_own()
    {
        var own = new CountingSource("enterprise:shop");
        var composite = new CountingSource("enterprise:dong-a");
        await using var services = Services(b => b
            .AddEventSource(_ => own)
            .AddEventSource(_ => composite)
            .AddVendureWebhooks("shop", o =>
            {
                o.Secret = Secret;
                o.PollSource = "enterprise:dong-a";
            }));

        await services.GetRequiredService<IEventPipeline>().ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["refund.state_transition"], time: DateTimeOffset.UtcNow));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(composite.Reads, Is.EqualTo(1));
            Assert.That(own.Reads, Is.Zero);
        }
    }

    [Test]
    public async Task Bound_to_configuration_the_options_are_read_from_the_section_and_a_reload_rotates_the_secret()
    {
        var next = StandardWebhookSigner.GenerateSecret();
        var source = new CountingSource("enterprise:dong-a");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vendure:Webhooks:Secret"] = Secret,
            ["Vendure:Webhooks:PollSource"] = "enterprise:dong-a",
        }).Build();
        await using var services = Services(b => b.AddEventSource(_ => source).AddVendureWebhooks("shop", configuration.GetSection("Vendure:Webhooks")));
        var pipeline = services.GetRequiredService<IEventPipeline>();
        var receiver = services.GetServices<IWebhookReceiver>().OfType<VendureWebhookReceiver>().Single();

        await pipeline.ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["order.state_transition"], id: "msg_c1", time: DateTimeOffset.UtcNow));
        configuration["Vendure:Webhooks:Secret"] = next;
        configuration.Reload();
        var old = Assert.ThrowsAsync<WebhookVerificationException>(() => pipeline.ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["order.state_transition"], id: "msg_c2", time: DateTimeOffset.UtcNow)));
        await pipeline.ReceiveWebhookAsync("vendure:shop", Signed(PluginBodies["order.state_transition"], id: "msg_c3", time: DateTimeOffset.UtcNow, secret: next));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receiver.PollSource, Is.EqualTo("enterprise:dong-a"));
            Assert.That(old!.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature), "the old secret is refused once rotated out");
            Assert.That(source.Reads, Is.EqualTo(2));
        }
    }

    [TestCase("delegate")]
    [TestCase("configuration")]
    public async Task The_vendure_size_cap_of_64_KiB_applies_in_both_registration_forms(string form)
    {
        var source = new CountingSource("enterprise:shop");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Secret"] = Secret }).Build();
        await using var services = Services(b =>
        {
            b.AddEventSource(_ => source);
            _ = form == "delegate" ? b.AddVendureWebhooks("shop", o => o.Secret = Secret) : b.AddVendureWebhooks("shop", configuration);
        });
        var pipeline = services.GetRequiredService<IEventPipeline>();
        var padding = new string(' ', 64 * 1024);
        var fits = PluginBodies["stock.movement"] + padding[..(64 * 1024 - PluginBodies["stock.movement"].Length)];
        var over = fits + " ";

        await pipeline.ReceiveWebhookAsync("vendure:shop", Signed(fits, id: "msg_fits", time: DateTimeOffset.UtcNow));
        var refused = Assert.ThrowsAsync<WebhookVerificationException>(() => pipeline.ReceiveWebhookAsync("vendure:shop", Signed(over, id: "msg_over", time: DateTimeOffset.UtcNow)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.UTF8.GetByteCount(fits), Is.EqualTo(VendureWebhookOptions.DefaultMaxBodyBytes));
            Assert.That(source.Reads, Is.EqualTo(1), "64 KiB is accepted");
            Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.Oversize), "one byte more is refused");
        }
    }

    [TestCase(nameof(VendureWebhookOptions.Secret))]
    [TestCase(nameof(VendureWebhookOptions.PollSource))]
    [TestCase(nameof(VendureWebhookOptions.Tolerance))]
    [TestCase(nameof(VendureWebhookOptions.MaxBodyBytes))]
    public async Task A_bad_option_stops_the_host_at_start_named_and_without_the_secret(string option)
    {
        var badSecret = "whsec_" + Convert.ToBase64String(new byte[8]) + "SHORTSECRET";
        await using var services = Services(b => b.AddVendureWebhooks("shop", o =>
        {
            o.Secret = option == nameof(VendureWebhookOptions.Secret) ? badSecret : Secret;
            o.PollSource = option == nameof(VendureWebhookOptions.PollSource) ? "enterprise: dong-a" : null;
            o.Tolerance = option == nameof(VendureWebhookOptions.Tolerance) ? TimeSpan.FromHours(2) : TimeSpan.FromMinutes(5);
            o.MaxBodyBytes = option == nameof(VendureWebhookOptions.MaxBodyBytes) ? 0 : 1024;
        }));

        var ex = Assert.ThrowsAsync<OptionsValidationException>(async () => await services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(option).And.Contain("vendure:shop"));
            Assert.That(ex.Message, Does.Not.Contain("SHORTSECRET").And.Not.Contain(Secret["whsec_".Length..]));
        }
    }

    [Test]
    public async Task Valid_options_pass_the_start_check()
    {
        await using var services = Services(b => b.AddVendureWebhooks(o => o.Secret = Secret));

        Assert.DoesNotThrowAsync(async () => await services.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.That(services.GetServices<IWebhookReceiver>().Select(r => r.Name), Does.Contain("vendure:vendure"));
    }

    private static ServiceProvider Services(Action<ICoCreationBuilder> build)
    {
        var services = new ServiceCollection();
        build(services.AddCoCreation());
        return services.BuildServiceProvider();
    }

    /// <summary>An event source that counts its reads and returns one new event per read.</summary>
    private sealed class CountingSource(string name) : IEventSource
    {
        private int reads;

        public string Name => name;

        public int Reads => Volatile.Read(ref reads);

        public ConcurrentQueue<string> Cursors { get; } = new();

        public Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
        {
            var n = Interlocked.Increment(ref reads);
            Cursors.Enqueue(cursor ?? "");
            var @event = new CoCreationEvent
            {
                Id = $"{name}-{n}",
                Source = CoCreationEventSources.Enterprise(name["enterprise:".Length..]),
                Type = CoCreationEventTypes.SaleCompleted,
                Time = DateTimeOffset.UtcNow,
            };
            return Task.FromResult(new EventSourcePage([@event], n.ToString(CultureInfo.InvariantCulture), false));
        }
    }
}
