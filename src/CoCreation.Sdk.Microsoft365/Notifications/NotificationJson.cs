using System.Text.Json.Serialization;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>A change notification collection as Graph posts it (<c>changeNotificationCollection</c>); read only after verification.</summary>
internal sealed class ChangeNotificationCollectionDto
{
    public List<ChangeNotificationDto>? Value { get; set; }
}

/// <summary>One change or lifecycle notification (<c>changeNotification</c>). Its <c>clientState</c> is checked by the scan and not kept here.</summary>
internal sealed class ChangeNotificationDto
{
    public string? SubscriptionId { get; set; }

    public string? ChangeType { get; set; }

    public string? Resource { get; set; }

    public string? TenantId { get; set; }

    public string? LifecycleEvent { get; set; }

    public DateTimeOffset? SubscriptionExpirationDateTime { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChangeNotificationCollectionDto))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
