using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Embedded;

// The records the embedded providers keep in their database files. They are the state, not a log of
// operations, so a restart rebuilds exactly what was there without re-running any rule, clock or id generator.

internal sealed record SnsAccountRecord(string Subject, string Handle, string DisplayName, string? Locale, DateTimeOffset CreatedAt);

/// <summary>A credential, stored by the SHA-256 of its token (the record id) so the file holds no usable token.</summary>
internal sealed record SnsCredentialRecord(string Subject, DateTimeOffset ExpiresAt, bool Revoked);

internal sealed record SnsPostRecord(
    long Sequence,
    string Id,
    string AuthorSubject,
    string Text,
    DateTimeOffset CreatedAt,
    string? InReplyToId,
    string? PollId,
    PostVisibility Visibility,
    IReadOnlyList<string> Notified);

internal sealed record SnsPollRecord(
    string Id,
    string PostId,
    IReadOnlyList<string> Options,
    IReadOnlyList<int> Counts,
    DateTimeOffset ExpiresAt,
    bool AllowMultiple,
    IReadOnlyList<string> Voters);

internal sealed record SnsMessageRecord(string Id, string SenderSubject, string RecipientSubject, string Text, DateTimeOffset SentAt);

internal sealed record SnsIdempotencyRecord(string Subject, string Key, string Kind, string ResultId, DateTimeOffset ExpiresAt);

internal sealed record CloudAccountRecord(string Id, string Email, string? DisplayName);

internal sealed record CloudWorkspaceRecord(string Id, string Name, string? Description, string TimeZone, string CalendarId, string OwnerAccountId);

internal sealed record CloudDocumentRecord(string Id, string WorkspaceId, string Title, DocumentKind Kind);

internal sealed record CloudRevisionRecord(string DocumentId, DocumentRevision Revision);

internal sealed record CloudCommentRecord(string DocumentId, string AccountId, string Text, DateTimeOffset At);

internal sealed record CloudEntryRecord(string Id, string WorkspaceId, string Title, IReadOnlyList<string> Attendees, string? Description, DateTimeOffset Start, DateTimeOffset End);

internal sealed record CloudShareRecord(string Id, string WorkspaceId, string AccountId, WorkspaceRole Role, int Sequence, bool Active);

internal sealed record CloudActivityRecord(string WorkspaceId, WorkspaceActivity Activity);

internal sealed record EnterpriseAccountRecord(string Id, string Login, string? DisplayName, string? Email, IReadOnlyList<string> Roles, bool IsActive);

internal sealed record EnterpriseDesignRecord(Design Design, IReadOnlyList<Uri> Attachments);

internal sealed record EnterpriseProductRecord(string Id, string DesignId, string OwnerAccountId, string Title, int OnHand, int? Threshold, bool LowAlertRaised);

internal sealed record EnterpriseSaleRecord(SaleRecord Sale, string BuyerName, string? Review, int? Rating, string? IdempotencyKey = null);

internal sealed record EnterprisePayoutRecord(string IdempotencyKey, Payout Payout);

internal sealed record EnterpriseRefundRecord(string IdempotencyKey, Refund Refund);

/// <summary>Writes <see cref="Money"/> as its amount (a JSON string, so no digit is lost) and currency.</summary>
internal sealed class MoneyJsonConverter : JsonConverter<Money>
{
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Money must be an object.");
        }

        decimal? amount = null;
        string? currency = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "amount":
                    amount = decimal.Parse(reader.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture);
                    break;
                case "currency":
                    currency = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return amount is { } value && currency is not null ? new Money(value, currency) : throw new JsonException("Money needs an amount and a currency.");
    }

    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("amount", value.Amount.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("currency", value.Currency);
        writer.WriteEndObject();
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(MoneyJsonConverter)])]
[JsonSerializable(typeof(SnsAccountRecord))]
[JsonSerializable(typeof(SnsCredentialRecord))]
[JsonSerializable(typeof(SnsPostRecord))]
[JsonSerializable(typeof(SnsPollRecord))]
[JsonSerializable(typeof(SnsMessageRecord))]
[JsonSerializable(typeof(SnsIdempotencyRecord))]
[JsonSerializable(typeof(CloudAccountRecord))]
[JsonSerializable(typeof(CloudWorkspaceRecord))]
[JsonSerializable(typeof(CloudDocumentRecord))]
[JsonSerializable(typeof(CloudRevisionRecord))]
[JsonSerializable(typeof(CloudCommentRecord))]
[JsonSerializable(typeof(CloudEntryRecord))]
[JsonSerializable(typeof(CloudShareRecord))]
[JsonSerializable(typeof(CloudActivityRecord))]
[JsonSerializable(typeof(EnterpriseAccountRecord))]
[JsonSerializable(typeof(EnterpriseDesignRecord))]
[JsonSerializable(typeof(EnterpriseProductRecord))]
[JsonSerializable(typeof(ProductionOrder))]
[JsonSerializable(typeof(Listing))]
[JsonSerializable(typeof(EnterpriseSaleRecord))]
[JsonSerializable(typeof(Shipment))]
[JsonSerializable(typeof(EnterprisePayoutRecord))]
[JsonSerializable(typeof(EnterpriseRefundRecord))]
[JsonSerializable(typeof(CoCreationEvent))]
internal sealed partial class EmbeddedJsonContext : JsonSerializerContext;

/// <summary>Reads the records of one kind into a provider's state, naming the file and record when one cannot be read.</summary>
internal static class EmbeddedRecordReader
{
    public static void Apply<T>(
        EmbeddedDatabase database,
        Dictionary<string, List<(string Id, string Body)>> records,
        string kind,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        Action<string, T> apply)
    {
        if (!records.TryGetValue(kind, out var list))
        {
            return;
        }

        foreach (var (id, body) in list)
        {
            T value;
            try
            {
                value = JsonSerializer.Deserialize(body, typeInfo) ?? throw new JsonException("the record is null");
            }
            catch (Exception ex) when (ex is JsonException or FormatException or OverflowException)
            {
                throw new CoCreationException($"The {database.Description} database '{database.Path}' holds a {kind} record '{id}' that cannot be read; the file is damaged or was written by another program.", ex);
            }

            apply(id, value);
        }
    }
}
