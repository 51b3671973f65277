using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Outbox = CoCreation.Sdk.OutboxMessage;

namespace CoCreation.Sdk.Sqlite;

/// <summary>
/// The JSON shape of stored records. Generated at build time so that reading a row costs no reflection,
/// and enums are written by name so that a reordered enum cannot change what a stored row means.
/// </summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = false)]
[JsonSerializable(typeof(Participant))]
[JsonSerializable(typeof(AccessGrant))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(OutboxMessage))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext
{
    private const int MaxKeptBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string Write<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    public static T Read<T>(string json, JsonTypeInfo<T> info)
        => JsonSerializer.Deserialize(json, info) ?? throw new CoCreationException($"A stored {typeof(T).Name} is empty; the store file may be damaged.");

    /// <summary>
    /// An outbox row's JSON, exactly as <see cref="Write{T}"/> with <see cref="OutboxMessage"/> writes it, but written
    /// directly and with the event's JSON kept per event instance: an event relayed to many recipients, and then its
    /// outcomes, share it. Enum members are written by name, as the generated serializer writes defined values; the tests
    /// compare both writers over every member of <see cref="OutboxMessage"/>.
    /// </summary>
    public static string WriteOutbox(Outbox message)
    {
        // One buffer and writer per thread, reset for each row: a fan-out writes many rows in a row.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString(nameof(Outbox.DeliveryKey), message.DeliveryKey);
        writer.WritePropertyName(nameof(Outbox.Event));
        writer.WriteRawValue(SharedEventJson.Of(message.Event), skipInputValidation: true);
        writer.WriteString(nameof(Outbox.RuleName), message.RuleName);
        writer.WriteString(nameof(Outbox.RecipientId), message.RecipientId);
        writer.WriteString(nameof(Outbox.Channel), message.Channel.ToString());
        writer.WriteString(nameof(Outbox.Status), message.Status.ToString());
        writer.WriteNumber(nameof(Outbox.Attempts), message.Attempts);
        writer.WriteString(nameof(Outbox.NextAttemptAt), message.NextAttemptAt);
        writer.WriteStartArray(nameof(Outbox.FailedNetworks));
        foreach (var network in message.FailedNetworks.IsDefault ? [] : message.FailedNetworks)
        {
            writer.WriteStringValue(network);
        }

        writer.WriteEndArray();
        if (message.LastError is { } error)
        {
            writer.WriteString(nameof(Outbox.LastError), error);
        }

        writer.WriteString(nameof(Outbox.CreatedAt), message.CreatedAt);
        writer.WriteEndObject();
        writer.Flush();
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > MaxKeptBuffer)
        {
            // A rare large row does not leave its buffer held by the thread.
            t_buffer = null;
            t_writer = null;
        }

        return json;
    }

    /// <summary>
    /// An event's JSON as the generated serializer writes it, kept for as long as the event instance lives.
    /// <see cref="CoCreationEvent"/> is immutable (init-only members, an immutable data dictionary), so the bytes stay
    /// right for the instance.
    /// </summary>
    private static class SharedEventJson
    {
        private static readonly ConditionalWeakTable<CoCreationEvent, byte[]> Written = [];

        public static byte[] Of(CoCreationEvent value)
            => Written.GetValue(value, static e => JsonSerializer.SerializeToUtf8Bytes(e, Default.CoCreationEvent));
    }
}
