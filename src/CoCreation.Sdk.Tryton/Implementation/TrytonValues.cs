using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CoCreation.Sdk.Tryton.Implementation;

/// <summary>Reads and writes the values of Tryton's JSON-RPC encoding (datetimes and decimals are tagged objects).</summary>
internal static class TrytonValues
{
    public static JsonArray Args(params JsonNode?[] values) => new(values);

    public static JsonArray Ids(params long[] ids) => new(ids.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static JsonArray Fields(params string[] names) => new(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());

    public static JsonArray Clause(string field, string op, JsonNode? value) => new(JsonValue.Create(field), JsonValue.Create(op), value);

    public static JsonArray Domain(params JsonNode[] clauses) => new(clauses);

    public static JsonObject DateTime(DateTimeOffset value)
    {
        // Tryton stores timestamps in UTC without an offset.
        var utc = value.UtcDateTime;
        return new JsonObject
        {
            ["__class__"] = "datetime",
            ["year"] = utc.Year,
            ["month"] = utc.Month,
            ["day"] = utc.Day,
            ["hour"] = utc.Hour,
            ["minute"] = utc.Minute,
            ["second"] = utc.Second,
            ["microsecond"] = (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10),
        };
    }

    public static DateTimeOffset? ReadDateTime(JsonNode? node)
    {
        if (node is not JsonObject o || o["year"] is null)
        {
            return null;
        }

        var value = new DateTime(Int(o["year"]), Int(o["month"]), Int(o["day"]), Int(o["hour"]), Int(o["minute"]), Int(o["second"]), DateTimeKind.Utc)
            .AddTicks(Int(o["microsecond"]) * 10L);
        return new DateTimeOffset(value);
    }

    public static int Int(JsonNode? node) => (int)Long(node);

    public static long Long(JsonNode? node) => node switch
    {
        null => 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<double>(out var d) => (long)Math.Round(d),
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) => p,
        JsonObject o when o["decimal"] is JsonValue d && d.TryGetValue<string>(out var s) => (long)Math.Round(decimal.Parse(s, CultureInfo.InvariantCulture)),
        _ => 0,
    };

    public static long? Id(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        _ => null,
    };

    public static bool Bool(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l != 0,
        _ => false,
    };

    public static string? String(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static IEnumerable<JsonObject> Records(JsonNode? node) => node is JsonArray a ? a.OfType<JsonObject>() : [];

    public static long[] IdList(JsonNode? node) => node is JsonArray a ? a.Select(Id).Where(i => i.HasValue).Select(i => i!.Value).ToArray() : [];

    /// <summary>Parses an SDK id (a decimal Tryton record id); anything else names no record.</summary>
    public static bool TryParseId(string? text, out long id)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    public static string Inv(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What the adapter keeps about a design, in a note (<c>ir.note</c>) on its product template.</summary>
internal sealed record DesignNote
{
    public required long Designer { get; init; }

    public required string Status { get; init; }

    public string? ReviewNote { get; init; }

    public IReadOnlyList<string> Attachments { get; init; } = [];

    public required DateTimeOffset SubmittedAt { get; init; }
}

/// <summary>What the adapter keeps about a production order, in a note on the <c>production</c> record.</summary>
internal sealed record ProductionNote
{
    public required long Design { get; init; }

    public required long Requester { get; init; }

    public required string Plan { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>A product's low-stock threshold and alert state, in a note on the <c>product.product</c> record.</summary>
internal sealed record StockNote
{
    public required int Threshold { get; init; }

    public bool Alerted { get; init; }

    public int OnHand { get; init; }

    /// <summary>Set by the write that raised the alert (stock went to or below the threshold); later writes clear it.</summary>
    public bool Raised { get; init; }
}

/// <summary>An event cursor: the change time read up to, and the changes at exactly that time already delivered.</summary>
internal sealed record EventCursor
{
    public required long Ticks { get; init; }

    public IReadOnlyList<string> Seen { get; init; } = [];
}

/// <summary>What a payout invoice's comment keeps: the payout's figures, read back on a repeat.</summary>
internal sealed record PayoutNote
{
    public string? Owner { get; init; }

    public string? Listing { get; init; }

    public decimal Gross { get; init; }

    public decimal? Refunds { get; init; }

    public decimal Amount { get; init; }

    public string? Currency { get; init; }

    public DateTimeOffset PeriodStart { get; init; }

    public DateTimeOffset PeriodEnd { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DesignNote))]
[JsonSerializable(typeof(ProductionNote))]
[JsonSerializable(typeof(StockNote))]
[JsonSerializable(typeof(EventCursor))]
[JsonSerializable(typeof(PayoutNote))]
internal sealed partial class TrytonJsonContext : JsonSerializerContext;
