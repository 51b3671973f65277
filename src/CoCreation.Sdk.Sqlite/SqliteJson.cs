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
