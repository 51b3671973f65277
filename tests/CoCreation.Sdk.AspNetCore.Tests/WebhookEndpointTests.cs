using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using static CoCreation.Sdk.AspNetCore.Tests.WebhookHost;

namespace CoCreation.Sdk.AspNetCore.Tests;

/// <summary>
/// <c>MapCoCreationWebhooks</c> end to end over an in-memory ASP.NET Core server: a verified request is answered 202
/// after its events went through the SDK's pipeline; each kind of refusal has its status, and none reaches a parser.
/// </summary>
[TestFixture]
[Category("Unit")]
[NonParallelizable]
public sealed class WebhookEndpointTests
{
    private WebhookHost host = null!;

    [SetUp]
    public async Task StartAsync() => host = await WebhookHost.StartAsync();

    [TearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    [Test]
    public async Task A_signed_request_is_accepted_after_its_event_went_through_the_pipeline()
    {
        var body = Order("o-1");

        using var response = await host.Client.SendAsync(Signed(Shop, "msg_1", Now, body));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(host.ShopReceiver.Parsed, Is.EqualTo(1));
            Assert.That(host.Consumer.Events.Select(e => e.Id), Is.EqualTo(new[] { "msg_1" }), "the pipeline published the receipt's event");
            Assert.That(host.Consumer.Events.Single().GetData("body"), Is.EqualTo(Encoding.UTF8.GetString(body)));
        }
    }

    [Test]
    public async Task The_body_reaches_the_verifier_and_the_parser_as_the_exact_bytes_sent()
    {
        // A byte-order mark, odd spacing, escapes and bytes that are not UTF-8: any rewriting would break the signature.
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{ \"order\" :\t\"o-\\u0032\" ,\r\n \"x\":1 }  "), 0xFF, 0x00, 0xC3];

        using var response = await host.Client.SendAsync(Signed(Shop, "msg_raw", Now, body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(host.ShopReceiver.Bodies.Single(), Is.EqualTo(body));
    }

    [Test]
    public async Task A_receipt_that_names_a_source_has_it_polled_before_the_answer()
    {
        host.Feed.Add("shipped-1");
        host.Feed.Add("shipped-2");

        using var response = await host.Client.SendAsync(Signed(Polling, "msg_poll", Now, Order("o-2")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(host.Feed.Reads, Is.EqualTo(1));
            Assert.That(host.Consumer.Events.Select(e => e.Id), Is.EqualTo(new[] { "msg_poll", "shipped-1", "shipped-2" }));
        }
    }

    [Test]
    public async Task A_name_no_receiver_has_is_not_found()
    {
        using var unknown = await host.Client.SendAsync(Signed("nobody", "msg_404", Now, Order("o")));
        using var wrongCase = await host.Client.SendAsync(Signed("SHOP", "msg_404b", Now, Order("o")));
        using var get = await host.Client.GetAsync("/webhooks/shop");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(wrongCase.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(host.ShopReceiver.Parsed, Is.Zero);
        }
    }

    [Test]
    public async Task Each_kind_of_refusal_is_answered_401_or_413_without_detail_and_never_parsed()
    {
        var body = Order("o-3");
        var valid = StandardWebhookSigner.CreateHeaders(Secret, "msg_ok", Now, body).ToDictionary(h => h.Key, h => h.Value);
        var oversize = Encoding.UTF8.GetBytes(new string('a', VerifierCap + 1));
        var endpointOversize = Encoding.UTF8.GetBytes(new string('a', EndpointCap + 1));

        (string Kind, HttpRequestMessage Request, HttpStatusCode Status)[] cases =
        [
            ("missing", Without(Post(Shop, body), valid, "webhook-signature"), HttpStatusCode.Unauthorized),
            ("malformed", With(Post(Shop, body), valid, "webhook-timestamp", "yesterday"), HttpStatusCode.Unauthorized),
            ("stale", Signed(Shop, "msg_stale", Now.AddMinutes(-6), body), HttpStatusCode.Unauthorized),
            ("future", Signed(Shop, "msg_future", Now.AddMinutes(6), body), HttpStatusCode.Unauthorized),
            ("wrong secret", Signed(Shop, "msg_wrong", Now, body, StandardWebhookSigner.GenerateSecret()), HttpStatusCode.Unauthorized),
            ("altered body", With(Post(Shop, Order("o-3", "1")), valid), HttpStatusCode.Unauthorized),
            ("verifier cap", Signed(Shop, "msg_big", Now, oversize), HttpStatusCode.RequestEntityTooLarge),
            ("endpoint cap, declared", Signed(Shop, "msg_bigger", Now, endpointOversize), HttpStatusCode.RequestEntityTooLarge),
        ];

        foreach (var (kind, request, status) in cases)
        {
            using var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(response.StatusCode, Is.EqualTo(status), kind);
                Assert.That(text, Is.Empty, kind + ": a refusal carries no detail");
            }
        }

        Assert.That(host.ShopReceiver.Parsed, Is.Zero);
        Assert.That(host.Consumer.Events, Is.Empty);
    }

    [Test]
    public async Task A_body_above_the_cap_without_a_declared_length_is_refused_while_it_is_read()
    {
        var body = Encoding.UTF8.GetBytes(new string('a', EndpointCap * 2));
        var request = Signed(Shop, "msg_chunked", Now, body);
        request.Content = new UnsizedContent(body);

        using var response = await host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(host.ShopReceiver.Parsed, Is.Zero);
    }

    [Test]
    public async Task The_endpoints_cap_holds_for_a_receiver_that_allows_more()
    {
        // The Microsoft 365 receiver reads up to 256 KiB itself; the endpoint here allows 8 KiB.
        const string receiver = "microsoft365-notifications:m365";
        var within = Encoding.UTF8.GetBytes("""{"value":[{"subscriptionId":"sub-unknown","clientState":"guess"}]}""" + new string(' ', 100));
        var beyond = Encoding.UTF8.GetBytes("""{"value":[{"subscriptionId":"sub-unknown","clientState":"guess"}]}""" + new string(' ', EndpointCap));

        using var small = await host.Client.SendAsync(Post(receiver, within));
        using var declared = await host.Client.SendAsync(Post(receiver, beyond));
        var unsized = Post(receiver, beyond);
        unsized.Content = new UnsizedContent(beyond);
        using var chunked = await host.Client.SendAsync(unsized);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(small.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "within the cap the receiver decides");
            Assert.That(declared.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(chunked.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        }
    }

    [Test]
    public async Task A_replayed_request_is_refused_after_the_first_is_accepted()
    {
        var body = Order("o-4");

        using var first = await host.Client.SendAsync(Signed(Shop, "msg_once", Now, body));
        using var again = await host.Client.SendAsync(Signed(Shop, "msg_once", Now, body));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(host.ShopReceiver.Parsed, Is.EqualTo(1));
            Assert.That(host.Consumer.Events, Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task A_handshake_is_answered_by_its_receiver_without_reading_the_body()
    {
        using var handshake = await host.Client.SendAsync(Post("handshake", Encoding.UTF8.GetBytes("ignored")).WithQuery("?challenge=c-123"));
        using var notHandshake = await host.Client.SendAsync(Post("handshake", Encoding.UTF8.GetBytes("x")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(handshake.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await handshake.Content.ReadAsStringAsync(), Is.EqualTo("c-123"));
            Assert.That(handshake.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(handshake.Headers.GetValues("X-Content-Type-Options").Single(), Is.EqualTo("nosniff"));
            Assert.That(host.HandshakeReceiver.LastBodyRead, Is.False);
            Assert.That(notHandshake.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a request that is not a handshake goes through verification");
            Assert.That(host.HandshakeReceiver.Verified, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Microsoft_Graphs_validation_request_is_echoed_and_a_forged_notification_refused()
    {
        const string receiver = "microsoft365-notifications:m365";
        using var validation = await host.Client.SendAsync(Post(receiver, []).WithQuery("?validationToken=Validation%3A+Testing+client+application+reachability"));
        using var unsafeToken = await host.Client.SendAsync(Post(receiver, []).WithQuery("?validationToken=line%0Abreak"));
        var forged = Encoding.UTF8.GetBytes("""{"value":[{"subscriptionId":"sub-unknown","clientState":"guess","changeType":"updated","resource":"drives/b!drive/root"}]}""");
        using var notification = await host.Client.SendAsync(Post(receiver, forged));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(validation.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await validation.Content.ReadAsStringAsync(), Is.EqualTo("Validation: Testing client application reachability"));
            Assert.That(validation.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(unsafeToken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(notification.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(host.Consumer.Events, Is.Empty);
        }
    }

    [Test]
    public async Task The_meters_count_verified_and_refused_requests_by_receiver_and_reason()
    {
        var measurements = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "CoCreation.Sdk" && instrument.Name.StartsWith("cocreation.webhook.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("cocreation.receiver"), Polling))
            {
                lock (measurements)
                {
                    measurements.Add((instrument.Name, value, map));
                }
            }
        });
        listener.Start();

        var body = Order("o-5");
        (await host.Client.SendAsync(Signed(Polling, "msg_m1", Now, body))).Dispose();
        (await host.Client.SendAsync(Signed(Polling, "msg_m1", Now, body))).Dispose();
        (await host.Client.SendAsync(Signed(Polling, "msg_m2", Now.AddHours(-1), body))).Dispose();
        (await host.Client.SendAsync(Signed(Polling, "msg_m3", Now, body, StandardWebhookSigner.GenerateSecret()))).Dispose();

        Assert.That(measurements.Select(m => (m.Instrument, m.Value, m.Tags.GetValueOrDefault("cocreation.reason"))), Is.EqualTo(new (string, long, object?)[]
        {
            ("cocreation.webhook.verified", 1, null),
            ("cocreation.webhook.refused", 1, "replayed"),
            ("cocreation.webhook.refused", 1, "stale"),
            ("cocreation.webhook.refused", 1, "bad_signature"),
        }));
    }

    [Test]
    public async Task The_prefix_is_the_callers()
    {
        await using var other = await WebhookHost.StartAsync("/hooks/v1/");

        using var response = await other.Client.SendAsync(Signed(Shop, "msg_prefix", Now, Order("o-6"), prefix: "/hooks/v1"));
        using var old = await other.Client.SendAsync(Signed(Shop, "msg_prefix2", Now, Order("o-6")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [TestCase("")]
    [TestCase("webhooks")]
    [TestCase("/webhooks/{tenant}")]
    public void A_bad_prefix_is_refused_when_mapping(string prefix)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        using var app = builder.Build();

        var ex = Assert.Throws<CoCreationValidationException>(() => Microsoft.AspNetCore.Builder.CoCreationWebhookEndpointRouteBuilderExtensions.MapCoCreationWebhooks(app, prefix));
        Assert.That(ex!.Field, Is.EqualTo("prefix"));
    }

    private static HttpRequestMessage With(HttpRequestMessage request, Dictionary<string, string> headers, string? name = null, string? value = null)
    {
        foreach (var (key, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(key, key == name ? value! : v);
        }

        return request;
    }

    private static HttpRequestMessage Without(HttpRequestMessage request, Dictionary<string, string> headers, string name)
        => With(request, headers.Where(h => h.Key != name).ToDictionary(h => h.Key, h => h.Value));
}

internal static class RequestExtensions
{
    public static HttpRequestMessage WithQuery(this HttpRequestMessage request, string query)
    {
        request.RequestUri = new Uri(request.RequestUri!.OriginalString + query, UriKind.Relative);
        return request;
    }
}
