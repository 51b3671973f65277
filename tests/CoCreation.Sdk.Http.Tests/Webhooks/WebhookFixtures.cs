using System.Globalization;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Http.Tests.Webhooks;

/// <summary>Signed requests and a receiver that counts how often it parsed, on a fake clock.</summary>
internal static class WebhookFixtures
{
    public const string Receiver = "shop";

    public static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public static readonly string Secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    public static FakeTimeProvider Clock() => new(Now);

    public static StandardWebhookVerifier Verifier(TimeProvider time, Action<StandardWebhookOptions>? configure = null, IWebhookReplayGuard? guard = null)
    {
        var options = new StandardWebhookOptions { Secret = Secret, MaxBodyBytes = 4096 };
        configure?.Invoke(options);
        return new StandardWebhookVerifier(Receiver, options, guard, time);
    }

    public static byte[] Body(int n = 0) => Encoding.UTF8.GetBytes($$"""{"type":"order.paid","order":"o-{{n}}","amount":"12500"}""");

    /// <summary>A request as a sender signs it; headers in the order given, with the body's Content-Length unless told not to.</summary>
    public static WebhookRequest Request(IEnumerable<KeyValuePair<string, string>> headers, byte[] body, bool contentLength = true)
    {
        var all = headers.ToList();
        if (contentLength)
        {
            all.Add(KeyValuePair.Create("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)));
        }

        return new WebhookRequest(all, body);
    }

    public static WebhookRequest Signed(string id, DateTimeOffset time, byte[] body, string? secret = null)
        => Request(StandardWebhookSigner.CreateHeaders(secret ?? Secret, id, time, body), body);

    public static Dictionary<string, string> Headers(string id, DateTimeOffset time, byte[] body, string? secret = null)
        => StandardWebhookSigner.CreateHeaders(secret ?? Secret, id, time, body).ToDictionary(h => h.Key, h => h.Value);

    public static string Stamp(DateTimeOffset time) => time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}

/// <summary>A provider receiver that writes only its parser, counting every call of it.</summary>
internal sealed class CountingReceiver(StandardWebhookVerifier verifier) : SignedWebhookReceiver(verifier)
{
    private int parsed;

    public int Parsed => Volatile.Read(ref parsed);

    public List<string> Bodies { get; } = [];

    protected override Task<WebhookReceipt> ParseVerifiedAsync(VerifiedWebhook webhook, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref parsed);
        lock (Bodies)
        {
            Bodies.Add(Encoding.UTF8.GetString(webhook.Body.Span));
        }

        var @event = new CoCreationEvent
        {
            Id = webhook.MessageId,
            Source = new Uri("urn:example:shop"),
            Type = "com.example.shop.order.paid",
            Time = webhook.Timestamp,
        };
        return Task.FromResult(new WebhookReceipt([@event], []));
    }
}
