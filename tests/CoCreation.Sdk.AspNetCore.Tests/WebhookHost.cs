using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using CoCreation.Sdk.Microsoft365;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.AspNetCore.Tests;

/// <summary>
/// An ASP.NET Core host in memory with the SDK, a Standard Webhooks receiver (<c>shop</c>), a receiver that answers a
/// handshake (<c>handshake</c>), the Microsoft 365 adapter's notification receiver (<c>m365</c>), an event consumer that
/// records what the pipeline published and an event source a receipt can ask to poll.
/// </summary>
internal sealed class WebhookHost : IAsyncDisposable
{
    public const string Shop = "shop";
    public const string Polling = "polling";
    public const string ShopSource = "shop-orders";
    public const int EndpointCap = 8 * 1024;
    public const int VerifierCap = 4 * 1024;

    public static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly WebApplication app;

    private WebhookHost(WebApplication app, FakeTimeProvider clock)
    {
        this.app = app;
        Clock = clock;
        Client = app.GetTestClient();
    }

    public static string Secret { get; } = StandardWebhookSigner.GenerateSecret();

    public FakeTimeProvider Clock { get; }

    public HttpClient Client { get; }

    public RecordingConsumer Consumer => app.Services.GetRequiredService<RecordingConsumer>();

    public ShopReceiver ShopReceiver => app.Services.GetServices<IWebhookReceiver>().OfType<ShopReceiver>().Single(r => r.Name == Shop);

    public ShopReceiver PollingReceiver => app.Services.GetServices<IWebhookReceiver>().OfType<ShopReceiver>().Single(r => r.Name == Polling);

    public HandshakeReceiver HandshakeReceiver => app.Services.GetServices<IWebhookReceiver>().OfType<HandshakeReceiver>().Single();

    public OrderFeed Feed => app.Services.GetRequiredService<OrderFeed>();

    public static async Task<WebhookHost> StartAsync(string prefix = "/webhooks")
    {
        var clock = new FakeTimeProvider(Now);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<RecordingConsumer>();
        builder.Services.AddSingleton<OrderFeed>();
        builder.Services.AddCoCreation()
            .AddEventConsumer(sp => sp.GetRequiredService<RecordingConsumer>())
            .AddEventSource(sp => sp.GetRequiredService<OrderFeed>())
            .AddWebhookReceiver(sp => new ShopReceiver(Verifier(Shop, sp), pollSource: null))
            .AddWebhookReceiver(sp => new ShopReceiver(Verifier(Polling, sp), pollSource: ShopSource))
            .AddWebhookReceiver(_ => new HandshakeReceiver())
            .AddMicrosoft365("m365", o =>
            {
                o.GraphBaseAddress = new Uri("https://graph.example.test/v1.0/");
                o.AuthorityHost = new Uri("https://login.example.test/");
                o.TenantId = "tenant";
                o.ClientId = "client";
                o.ClientSecret = "client-secret";
                o.DriveId = "b!drive";
                o.CalendarUserId = "calendar-user";
                o.NotificationUrl = new Uri("https://hooks.example.test/webhooks/microsoft365-notifications:m365");
            });
        builder.Services.AddSingleton<TimeProvider>(clock);
        var app = builder.Build();
        app.MapCoCreationWebhooks(prefix, o => o.MaxBodyBytes = EndpointCap);
        await app.StartAsync();
        return new WebhookHost(app, clock);
    }

    private static StandardWebhookVerifier Verifier(string name, IServiceProvider services)
        => new(name, new StandardWebhookOptions { Secret = Secret, MaxBodyBytes = VerifierCap }, time: services.GetRequiredService<TimeProvider>());

    public static HttpRequestMessage Signed(string receiver, string id, DateTimeOffset time, byte[] body, string? secret = null, string prefix = "/webhooks")
    {
        var message = Post(receiver, body, prefix);
        foreach (var (name, value) in StandardWebhookSigner.CreateHeaders(secret ?? Secret, id, time, body))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    public static HttpRequestMessage Post(string receiver, byte[] body, string prefix = "/webhooks")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpRequestMessage(HttpMethod.Post, $"{prefix}/{Uri.EscapeDataString(receiver)}") { Content = content };
    }

    public static byte[] Order(string order, string amount = "12500") => Encoding.UTF8.GetBytes($$"""{"order":"{{order}}","amount":"{{amount}}"}""");

    public static string Stamp(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>A provider receiver on the Standard Webhooks base: it writes only its parser.</summary>
internal sealed class ShopReceiver(StandardWebhookVerifier verifier, string? pollSource) : SignedWebhookReceiver(verifier)
{
    private int parsed;

    public int Parsed => Volatile.Read(ref parsed);

    public ConcurrentQueue<byte[]> Bodies { get; } = new();

    protected override Task<WebhookReceipt> ParseVerifiedAsync(VerifiedWebhook webhook, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref parsed);
        Bodies.Enqueue(webhook.Body.ToArray());
        var @event = new CoCreationEvent
        {
            Id = webhook.MessageId,
            Source = new Uri("urn:example:shop"),
            Type = "com.example.shop.order.paid",
            Time = webhook.Timestamp,
            Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty.Add("body", Encoding.UTF8.GetString(webhook.Body.Span)),
        };
        return Task.FromResult(new WebhookReceipt([@event], pollSource is null ? [] : [pollSource]));
    }
}

/// <summary>A receiver whose provider checks the endpoint with <c>?challenge=…</c> before sending anything.</summary>
internal sealed class HandshakeReceiver : WebhookReceiverBase, IWebhookHandshake
{
    public override string Name => "handshake";

    public int Verified { get; private set; }

    public bool LastBodyRead { get; private set; }

    public WebhookHandshakeAnswer? TryAnswerHandshake(IReadOnlyList<KeyValuePair<string, string?>> query, WebhookRequest request)
    {
        var challenge = query.FirstOrDefault(q => q.Key == "challenge").Value;
        LastBodyRead = request.IsBodyRead;
        return challenge is null ? null : new WebhookHandshakeAnswer(200, "text/plain", challenge);
    }

    protected override ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        Verified++;
        throw new WebhookVerificationException(Name, WebhookRefusalReason.BadSignature, "this test receiver accepts handshakes only");
    }

    protected override Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
        => throw new InvalidOperationException("never reached");
}

/// <summary>Records every event the pipeline published.</summary>
internal sealed class RecordingConsumer : IEventConsumer
{
    public ConcurrentQueue<CoCreationEvent> Events { get; } = new();

    public bool Accepts(CoCreationEvent @event) => true;

    public Task ConsumeAsync(CoCreationEvent @event, CancellationToken cancellationToken = default)
    {
        Events.Enqueue(@event);
        return Task.CompletedTask;
    }
}

/// <summary>An event source that a receipt asks the pipeline to poll.</summary>
internal sealed class OrderFeed : IEventSource
{
    private readonly List<CoCreationEvent> log = [];

    public string Name => WebhookHost.ShopSource;

    public int Reads { get; private set; }

    public void Add(string id) => log.Add(new CoCreationEvent
    {
        Id = id,
        Source = new Uri("urn:example:shop-feed"),
        Type = "com.example.shop.order.shipped",
        Time = WebhookHost.Now,
    });

    public Task<EventSourcePage> ReadAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        Reads++;
        var from = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
        var events = log.Skip(from).ToList();
        return Task.FromResult(new EventSourcePage(events, (from + events.Count).ToString(CultureInfo.InvariantCulture), false));
    }
}

/// <summary>Content without a declared length: sent chunked, so only the read can enforce the cap.</summary>
internal sealed class UnsizedContent(byte[] body) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(body).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
