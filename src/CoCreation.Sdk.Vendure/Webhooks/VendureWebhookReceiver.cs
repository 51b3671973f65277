using System.Text.Json;
using CoCreation.Sdk.Http.Webhooks;
using CoCreation.Sdk.Vendure.Implementation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Vendure;

/// <summary>
/// Takes the notifications a Vendure shop's CoCreation webhook plugin posts (order, payment, fulfillment and refund
/// state transitions, stock movements), verified by the Standard Webhooks scheme on the raw body before anything of it
/// is parsed. A notification only says that something changed: its receipt carries no events and names the event
/// source to poll now (<see cref="PollSource"/>), whose read of the order history is the truth.
/// </summary>
/// <remarks>
/// <para>
/// Verification is <see cref="SignedWebhookReceiver"/>'s: the three <c>webhook-*</c> headers, the timestamp window,
/// the size cap, an HMAC-SHA256 signature under the current or the previous secret (compared in constant time), and a
/// message id not seen before. A request that fails is refused with a <see cref="WebhookVerificationException"/> and is
/// never parsed.
/// </para>
/// <para>
/// A verified body must be a JSON object with a <c>type</c> (dot-separated lower-case words, for example
/// <c>order.state_transition</c>), an ISO 8601 <c>timestamp</c> and a <c>data</c> object; the types the plugin sends
/// must carry their ids (<c>orderId</c>, <c>paymentId</c>, <c>fulfillmentId</c>, <c>refundId</c>, <c>movements</c>)
/// and, for state transitions, <c>toState</c>. Anything else is a <see cref="VendureNotificationException"/>. A type
/// the plugin may add later is accepted and polls as well.
/// </para>
/// <para>Registered with <c>AddVendureWebhooks(…)</c>, named <c>vendure:{adapter name}</c>. Safe for concurrent use.</para>
/// </remarks>
public sealed class VendureWebhookReceiver : SignedWebhookReceiver
{
    /// <summary>What every receiver name starts with.</summary>
    public const string NamePrefix = "vendure:";

    private const int MaxTypeLength = 100;
    private const int MaxIdLength = 256;

    // The fields each notification type of the plugin carries in "data".
    private static readonly Dictionary<string, string[]> RequiredData = new(StringComparer.Ordinal)
    {
        ["order.state_transition"] = ["orderId", "toState"],
        ["payment.state_transition"] = ["orderId", "paymentId", "toState"],
        ["fulfillment.state_transition"] = ["fulfillmentId", "toState"],
        ["refund.state_transition"] = ["orderId", "refundId", "toState"],
        ["stock.movement"] = [],
    };

    private readonly ILogger logger;

    /// <summary>Creates a receiver; normally registered with <c>AddVendureWebhooks(…)</c>.</summary>
    /// <param name="verifier">Verifies every request; its name is the receiver's (by convention <see cref="ReceiverName"/> of the adapter).</param>
    /// <param name="pollSource">The event source a verified notification has polled, for example <c>enterprise:shop</c>.</param>
    /// <param name="logger">Logs verified and unusable notifications (never the body); none by default.</param>
    /// <exception cref="CoCreationValidationException"><paramref name="pollSource"/> is blank, too long or holds spaces or control characters.</exception>
    public VendureWebhookReceiver(StandardWebhookVerifier verifier, string pollSource, ILogger<VendureWebhookReceiver>? logger = null)
        : base(verifier)
    {
        var problem = pollSource is null ? "is required." : VendureWebhookOptions.PollSourceProblem(pollSource);
        if (problem is not null)
        {
            throw new CoCreationValidationException(nameof(pollSource), problem);
        }

        PollSource = pollSource!;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The event source every verified notification has polled.</summary>
    public string PollSource { get; }

    /// <summary>The name of the receiver for the Vendure adapter registered under <paramref name="adapterName"/>: <c>vendure:{adapterName}</c>.</summary>
    /// <param name="adapterName">The adapter's name.</param>
    /// <returns>The receiver name, the last path segment of the webhook URL the shop posts to.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="adapterName"/> is blank.</exception>
    public static string ReceiverName(string adapterName) => NamePrefix + CoCreationGuard.NotBlank(adapterName, nameof(adapterName));

    /// <summary>The event source of the Vendure adapter registered under <paramref name="adapterName"/>: <c>enterprise:{adapterName}</c>.</summary>
    /// <param name="adapterName">The adapter's name.</param>
    /// <returns>The source name.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="adapterName"/> is blank.</exception>
    public static string AdapterSource(string adapterName) => "enterprise:" + CoCreationGuard.NotBlank(adapterName, nameof(adapterName));

    /// <inheritdoc />
    /// <exception cref="VendureNotificationException">The verified body is not a notification of the plugin.</exception>
    protected override Task<WebhookReceipt> ParseVerifiedAsync(VerifiedWebhook webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var problem = Check(webhook.Body, out var type, out var cause);
        if (problem is not null)
        {
            Log.NotificationInvalid(logger, Name, webhook.MessageId, problem);
            throw new VendureNotificationException(Name, webhook.MessageId, problem, cause);
        }

        Log.NotificationVerified(logger, Name, webhook.MessageId, type, PollSource);
        return Task.FromResult(new WebhookReceipt([], [PollSource]));
    }

    // Returns what is wrong with the body, or null with the notification's type. Values are never quoted.
    private static string? Check(ReadOnlyMemory<byte> body, out string type, out JsonException? cause)
    {
        type = "";
        cause = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            cause = e;
            return "the body is not JSON.";
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "the body is not a JSON object.";
            }

            if (!root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                return "'type' is missing or not a string.";
            }

            var text = typeElement.GetString()!;
            if (!IsType(text))
            {
                return "'type' is not dot-separated lower-case words.";
            }

            if (!root.TryGetProperty("timestamp", out var timestamp) || timestamp.ValueKind != JsonValueKind.String || !timestamp.TryGetDateTimeOffset(out _))
            {
                return "'timestamp' is missing or not an ISO 8601 time.";
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return "'data' is missing or not an object.";
            }

            if (RequiredData.TryGetValue(text, out var fields))
            {
                foreach (var field in fields)
                {
                    if (!data.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 and <= MaxIdLength })
                    {
                        return $"'data.{field}' of a {text} notification is missing, empty, too long or not a string.";
                    }
                }

                if (text == "stock.movement" && (!data.TryGetProperty("movements", out var movements) || movements.ValueKind != JsonValueKind.Array))
                {
                    return "'data.movements' of a stock.movement notification is missing or not an array.";
                }
            }

            type = text;
            return null;
        }
    }

    private static bool IsType(string type)
    {
        if (type.Length is 0 or > MaxTypeLength)
        {
            return false;
        }

        var words = type.Split('.');
        return words.Length >= 2 && words.All(w => w.Length > 0 && char.IsAsciiLetterLower(w[0]) && w.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'));
    }
}
