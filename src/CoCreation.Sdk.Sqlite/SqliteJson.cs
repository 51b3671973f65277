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
        var buffer = Rows();
        WriteOutbox(Writer(buffer), message);
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        ReleaseLarge(buffer);
        return json;
    }

    /// <summary>
    /// The rows' JSON as UTF-8, one after another in one pooled buffer, for binding to SQLite as they are: no string is
    /// made of them and none is converted back.
    /// </summary>
    public static SqliteOutboxRows WriteOutboxRows(IReadOnlyList<Outbox> messages)
    {
        // Most store changes carry no outbox rows: nothing is rented for them.
        if (messages.Count == 0)
        {
            return SqliteOutboxRows.Empty;
        }

        // One buffer and writer per thread, reset for each call: a fan-out writes many rows in a row. The rows are copied
        // out of it before the caller waits for anything, so another call on this thread cannot overwrite them.
        var buffer = Rows();
        var ends = new int[messages.Count];
        var writer = Writer(buffer);
        for (var i = 0; i < ends.Length; i++)
        {
            writer.Reset(buffer);
            WriteOutbox(writer, messages[i]);
            ends[i] = buffer.WrittenCount;
        }

        var rows = new SqliteOutboxRows(buffer.WrittenSpan, ends);
        ReleaseLarge(buffer);
        return rows;
    }

    private static ArrayBufferWriter<byte> Rows()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        return buffer;
    }

    private static Utf8JsonWriter Writer(ArrayBufferWriter<byte> buffer)
    {
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        return writer;
    }

    // A rare large batch does not leave its buffer held by the thread.
    private static void ReleaseLarge(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxKeptBuffer)
        {
            t_buffer = null;
            t_writer = null;
        }
    }

    private static void WriteOutbox(Utf8JsonWriter writer, Outbox message)
    {
        writer.WriteStartObject();
        writer.WriteString(OutboxNames.DeliveryKey, message.DeliveryKey);
        writer.WritePropertyName(OutboxNames.Event);
        writer.WriteRawValue(SharedEventJson.Of(message.Event), skipInputValidation: true);
        writer.WriteString(OutboxNames.RuleName, message.RuleName);
        writer.WriteString(OutboxNames.RecipientId, message.RecipientId);
        writer.WriteString(OutboxNames.Channel, OutboxNames.Of(message.Channel));
        writer.WriteString(OutboxNames.Status, OutboxNames.Of(message.Status));
        writer.WriteNumber(OutboxNames.Attempts, message.Attempts);
        writer.WriteString(OutboxNames.NextAttemptAt, message.NextAttemptAt);
        writer.WriteStartArray(OutboxNames.FailedNetworks);
        foreach (var network in message.FailedNetworks.IsDefault ? [] : message.FailedNetworks)
        {
            writer.WriteStringValue(network);
        }

        writer.WriteEndArray();
        if (message.LastError is { } error)
        {
            writer.WriteString(OutboxNames.LastError, error);
        }

        writer.WriteString(OutboxNames.CreatedAt, message.CreatedAt);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>The outbox row's member names and enum values, escaped and encoded once rather than for every row.</summary>
    private static class OutboxNames
    {
        public static readonly JsonEncodedText DeliveryKey = JsonEncodedText.Encode(nameof(Outbox.DeliveryKey));
        public static readonly JsonEncodedText Event = JsonEncodedText.Encode(nameof(Outbox.Event));
        public static readonly JsonEncodedText RuleName = JsonEncodedText.Encode(nameof(Outbox.RuleName));
        public static readonly JsonEncodedText RecipientId = JsonEncodedText.Encode(nameof(Outbox.RecipientId));
        public static readonly JsonEncodedText Channel = JsonEncodedText.Encode(nameof(Outbox.Channel));
        public static readonly JsonEncodedText Status = JsonEncodedText.Encode(nameof(Outbox.Status));
        public static readonly JsonEncodedText Attempts = JsonEncodedText.Encode(nameof(Outbox.Attempts));
        public static readonly JsonEncodedText NextAttemptAt = JsonEncodedText.Encode(nameof(Outbox.NextAttemptAt));
        public static readonly JsonEncodedText FailedNetworks = JsonEncodedText.Encode(nameof(Outbox.FailedNetworks));
        public static readonly JsonEncodedText LastError = JsonEncodedText.Encode(nameof(Outbox.LastError));
        public static readonly JsonEncodedText CreatedAt = JsonEncodedText.Encode(nameof(Outbox.CreatedAt));

        private static readonly Dictionary<RelayChannel, JsonEncodedText> Channels = Enum.GetValues<RelayChannel>().ToDictionary(c => c, c => JsonEncodedText.Encode(c.ToString()));
        private static readonly Dictionary<DeliveryStatus, JsonEncodedText> Statuses = Enum.GetValues<DeliveryStatus>().ToDictionary(s => s, s => JsonEncodedText.Encode(s.ToString()));

        // A value outside the enum is written as ToString() gives it, as before.
        public static JsonEncodedText Of(RelayChannel channel) => Channels.TryGetValue(channel, out var name) ? name : JsonEncodedText.Encode(channel.ToString());

        public static JsonEncodedText Of(DeliveryStatus status) => Statuses.TryGetValue(status, out var name) ? name : JsonEncodedText.Encode(status.ToString());
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

/// <summary>The UTF-8 JSON of several outbox rows in one buffer rented from the shared pool, returned on dispose.</summary>
internal sealed class SqliteOutboxRows : IDisposable
{
    private readonly int[] _ends;
    private byte[]? _bytes;

    public SqliteOutboxRows(ReadOnlySpan<byte> written, int[] ends)
    {
        _ends = ends;
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(written.Length, 1));
        written.CopyTo(_bytes);
    }

    private SqliteOutboxRows()
    {
        _ends = [];
    }

    /// <summary>No rows; holds no buffer, so it can be shared and disposed any number of times.</summary>
    public static SqliteOutboxRows Empty { get; } = new();

    public int Count => _ends.Length;

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_bytes is null, this);
            var start = index == 0 ? 0 : _ends[index - 1];
            return _bytes.AsSpan(start, _ends[index] - start);
        }
    }

    public void Dispose()
    {
        if (_bytes is { } bytes)
        {
            _bytes = null;
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
