namespace CoCreation.Sdk.RabbitMQ;

/// <summary>
/// The body of a notice: <c>{"deliveryKeys":["…","…"]}</c> in UTF-8 JSON. Written and read without reflection.
/// </summary>
internal static class RabbitMqNotice
{
    /// <summary>The AMQP message type of a notice.</summary>
    public const string MessageType = "cocreation.relay.due";

    /// <summary>The content type of a notice.</summary>
    public const string ContentType = "application/json";

    private const string KeysProperty = "deliveryKeys";

    public static byte[] Write(IEnumerable<string> keys)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(KeysProperty);
            foreach (var key in keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a notice's keys.</summary>
    /// <exception cref="FormatException">The body is not a notice: not JSON, no key array, or a blank or non-string key.</exception>
    public static string[] Read(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(KeysProperty, out var array)
                || array.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"a notice is a JSON object with a '{KeysProperty}' array.");
            }

            var keys = new List<string>(array.GetArrayLength());
            foreach (var item in array.EnumerateArray())
            {
                var key = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (string.IsNullOrWhiteSpace(key))
                {
                    throw new FormatException($"every entry of '{KeysProperty}' must be a non-blank string.");
                }

                keys.Add(key);
            }

            return [.. keys.Distinct(StringComparer.Ordinal)];
        }
        catch (JsonException ex)
        {
            throw new FormatException("a notice must be JSON.", ex);
        }
    }
}
