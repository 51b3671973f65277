using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CoCreation.Sdk.PostgreSql;

/// <summary>
/// The JSON shape of stored records, the same as the SQLite store's: generated at build time, enums by name, so that a
/// reordered enum cannot change what a stored row means.
/// </summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = false)]
[JsonSerializable(typeof(Participant))]
[JsonSerializable(typeof(AccessGrant))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(OutboxMessage))]
internal sealed partial class PostgreSqlJsonContext : JsonSerializerContext
{
    public static string Write<T>(T value, JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    public static T Read<T>(string json, JsonTypeInfo<T> info)
        => JsonSerializer.Deserialize(json, info) ?? throw new CoCreationException($"A stored {typeof(T).Name} is empty; the store's tables may be damaged.");
}
