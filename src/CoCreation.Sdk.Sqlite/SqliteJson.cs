using System.Text.Json;
using System.Text.Json.Serialization;

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
    public static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) => JsonSerializer.Serialize(value, info);

    public static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        => JsonSerializer.Deserialize(json, info) ?? throw new CoCreationException($"A stored {typeof(T).Name} is empty; the store file may be damaged.");
}
