using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CoCreation.Sdk.Diagnostics;

/// <summary>The library's one activity source and one meter, both named <c>CoCreation.Sdk</c>.</summary>
internal static class CoCreationDiagnostics
{
    public const string Name = "CoCreation.Sdk";

    public const string OutcomeTag = "cocreation.outcome";
    public const string ProviderTag = "cocreation.provider";

    private static readonly string? Version = typeof(CoCreationDiagnostics).Assembly.GetName().Version?.ToString();

    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    public static Meter Meter { get; } = new(Name, Version);

    public static Counter<long> RelayDeliveries { get; } = Meter.CreateCounter<long>(
        "cocreation.relay.deliveries",
        unit: "{delivery}",
        description: "Relay delivery attempts by outcome and provider.");

    public static Histogram<double> RelayDuration { get; } = Meter.CreateHistogram<double>(
        "cocreation.relay.duration",
        unit: "ms",
        description: "Duration of one relay delivery attempt.");

    public const string ReceiverTag = "cocreation.receiver";
    public const string ReasonTag = "cocreation.reason";

    public static Counter<long> WebhooksVerified { get; } = Meter.CreateCounter<long>(
        "cocreation.webhook.verified",
        unit: "{request}",
        description: "Webhook requests a receiver verified and parsed, by receiver.");

    public static Counter<long> WebhooksRefused { get; } = Meter.CreateCounter<long>(
        "cocreation.webhook.refused",
        unit: "{request}",
        description: "Webhook requests a receiver refused, by receiver and reason.");

    public static void RecordWebhookVerified(string receiver)
        => WebhooksVerified.Add(1, new KeyValuePair<string, object?>(ReceiverTag, receiver));

    public static void RecordWebhookRefused(string receiver, WebhookRefusalReason reason)
        => WebhooksRefused.Add(1, new KeyValuePair<string, object?>(ReceiverTag, receiver), new KeyValuePair<string, object?>(ReasonTag, ReasonName(reason)));

    public static string ReasonName(WebhookRefusalReason reason) => reason switch
    {
        WebhookRefusalReason.Missing => "missing",
        WebhookRefusalReason.Malformed => "malformed",
        WebhookRefusalReason.Stale => "stale",
        WebhookRefusalReason.Future => "future",
        WebhookRefusalReason.Oversize => "oversize",
        WebhookRefusalReason.BadSignature => "bad_signature",
        WebhookRefusalReason.Replayed => "replayed",
        WebhookRefusalReason.UnknownSubscription => "unknown_subscription",
        _ => "unspecified",
    };

    public static void RecordDelivery(DeliveryStatus outcome, string? provider, double milliseconds)
    {
        var tags = new TagList
        {
            { OutcomeTag, OutcomeName(outcome) },
            { ProviderTag, provider ?? "none" },
        };
        RelayDeliveries.Add(1, tags);
        RelayDuration.Record(milliseconds, tags);
    }

    public static string OutcomeName(DeliveryStatus outcome) => outcome switch
    {
        DeliveryStatus.Pending => "retry",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Duplicate => "duplicate",
        DeliveryStatus.DeadLettered => "dead_lettered",
        DeliveryStatus.Unreachable => "unreachable",
        DeliveryStatus.Suppressed => "suppressed",
        _ => "unknown",
    };

    /// <summary>Marks an activity as failed without recording the exception's message (it may name people).</summary>
    public static void SetError(this Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        activity.SetTag("error.type", exception.GetType().FullName);
    }
}
