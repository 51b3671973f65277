using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Checks XRPC traffic against AT Protocol lexicons (Lexicon v1 JSON documents): that a request names a known method
/// (<c>/xrpc/{nsid}</c>) with the right HTTP method, that a query's parameters are declared, present where required and
/// well-typed, and that a procedure's JSON input holds the required fields with the declared types, formats and limits
/// (<c>maxLength</c> in UTF-8 bytes, <c>maxGraphemes</c> in grapheme clusters) and no field the lexicon does not name.
/// Records written with <c>com.atproto.repo.createRecord</c>, <c>putRecord</c> or <c>applyWrites</c> are checked against
/// the record lexicon named by their <c>$type</c>, which must match the collection.
/// </summary>
/// <remarks>
/// <para>
/// Adapter tests capture what the adapter sent (for example WireMock.Net log entries), convert each request into a
/// <see cref="ContractRequest"/> and assert that <see cref="CheckRequest"/> returns no violations. Only requests are
/// checked; responses are what the stand-in server wrote.
/// </para>
/// <para>
/// Union members whose lexicon is not loaded are accepted when the union is open (the lexicon default), as the
/// protocol allows; every <c>ref</c> must resolve. Formats are checked with the syntax rules of the AT Protocol
/// specification (<c>did</c>, <c>handle</c>, <c>at-identifier</c>, <c>at-uri</c>, <c>nsid</c>, <c>cid</c>,
/// <c>datetime</c>, <c>uri</c>, <c>language</c>, <c>record-key</c>, <c>tid</c>).
/// </para>
/// <para>Instances are immutable after loading and safe for concurrent use.</para>
/// </remarks>
public sealed partial class LexiconContract
{
    private const int MaxViolationsPerRequest = 25;
    private static readonly string[] RecordWriters = ["com.atproto.repo.createRecord", "com.atproto.repo.putRecord"];

    private readonly Dictionary<string, JsonObject> documents;

    private LexiconContract(Dictionary<string, JsonObject> documents)
    {
        this.documents = documents;
    }

    /// <summary>The NSIDs of the loaded lexicons.</summary>
    public IReadOnlyCollection<string> Ids => documents.Keys;

    /// <summary>Loads every lexicon document (<c>*.json</c> with <c>"lexicon": 1</c>) under a folder, recursively.</summary>
    /// <param name="directory">The folder.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">A lexicon file is not valid, or two files declare the same id.</exception>
    /// <exception cref="IOException">The folder cannot be read.</exception>
    public static LexiconContract Load(string directory)
        => Parse(Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).Select(File.ReadAllText));

    /// <summary>Parses lexicon documents.</summary>
    /// <param name="lexicons">The documents' JSON texts.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">A document is not a lexicon, or two declare the same id.</exception>
    public static LexiconContract Parse(IEnumerable<string> lexicons)
    {
        ArgumentNullException.ThrowIfNull(lexicons);
        var documents = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var text in lexicons)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new FormatException("A lexicon document is not valid JSON.", ex);
            }

            if (node is not JsonObject document || document["lexicon"]?.GetValueKind() != JsonValueKind.Number || document["id"]?.GetValue<string>() is not { } id || document["defs"] is not JsonObject)
            {
                throw new FormatException("A document is not a lexicon (it needs 'lexicon', 'id' and 'defs').");
            }

            if (!documents.TryAdd(id, document))
            {
                throw new FormatException($"Two lexicon documents declare the id '{id}'.");
            }
        }

        return new LexiconContract(documents);
    }

    /// <summary>Whether a lexicon with this NSID is loaded.</summary>
    /// <param name="nsid">The NSID, for example <c>app.bsky.feed.post</c>.</param>
    /// <returns><see langword="true"/> when it is loaded.</returns>
    public bool Contains(string nsid) => documents.ContainsKey(nsid);

    /// <summary>Checks one request against the lexicon of the method its path names.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The violations, each naming the method and the field; empty when the request is valid.</returns>
    public IReadOnlyList<string> CheckRequest(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new Violations(request.ToString());
        const string prefix = "/xrpc/";
        if (!request.Path.StartsWith(prefix, StringComparison.Ordinal))
        {
            violations.Add("$", "is not an XRPC path (/xrpc/{nsid})");
            return violations.Items;
        }

        var nsid = request.Path[prefix.Length..].TrimEnd('/');
        if (!documents.TryGetValue(nsid, out var document) || document["defs"]?["main"] is not JsonObject main)
        {
            violations.Add("$", $"no lexicon is loaded for the method '{nsid}'");
            return violations.Items;
        }

        var type = Str(main, "type");
        var method = request.Method.ToUpperInvariant();
        if (type == "query" && method != "GET")
        {
            violations.Add("$", $"{nsid} is a query and must be sent with GET, not {method}");
        }
        else if (type == "procedure" && method != "POST")
        {
            violations.Add("$", $"{nsid} is a procedure and must be sent with POST, not {method}");
        }
        else if (type is not ("query" or "procedure"))
        {
            violations.Add("$", $"{nsid} is a {type}, not an XRPC query or procedure");
            return violations.Items;
        }

        CheckParameters(nsid, main["parameters"] as JsonObject, request.Query, violations);
        if (type == "procedure")
        {
            CheckInput(nsid, main["input"] as JsonObject, request, violations);
        }
        else if (!string.IsNullOrEmpty(request.Body))
        {
            violations.Add("body", "a query carries no body");
        }

        return violations.Items;
    }

    /// <summary>Checks a record (a JSON object with <c>$type</c>) against the record lexicon its <c>$type</c> names.</summary>
    /// <param name="recordJson">The record.</param>
    /// <returns>The violations; empty when the record is valid.</returns>
    public IReadOnlyList<string> CheckRecord(string recordJson)
    {
        ArgumentNullException.ThrowIfNull(recordJson);
        var violations = new Violations("record");
        JsonNode? record;
        try
        {
            record = JsonNode.Parse(recordJson);
        }
        catch (JsonException)
        {
            violations.Add("$", "is not valid JSON");
            return violations.Items;
        }

        if (record is not JsonObject obj || Str(obj, "$type") is not { } recordType)
        {
            violations.Add("$", "is not an object with a $type");
            return violations.Items;
        }

        if (!TryResolve(recordType, out var def, out var docId) || Str(def, "type") != "record")
        {
            violations.Add("$type", $"'{recordType}' names no loaded record lexicon");
            return violations.Items;
        }

        ValidateValue(obj, def, docId, "$", violations);
        return violations.Items;
    }

    private void CheckParameters(string nsid, JsonObject? parameters, IReadOnlyDictionary<string, IReadOnlyList<string>> query, Violations violations)
    {
        var properties = parameters?["properties"] as JsonObject ?? [];
        foreach (var required in Strings(parameters?["required"]))
        {
            if (!query.ContainsKey(required))
            {
                violations.Add($"?{required}", "is required and missing");
            }
        }

        foreach (var (name, values) in query)
        {
            if (properties[name] is not JsonObject schema)
            {
                violations.Add($"?{name}", $"is not a parameter of {nsid}");
                continue;
            }

            var paramType = Str(schema, "type");
            if (paramType == "array")
            {
                CheckCount(values.Count, schema, $"?{name}", violations);
                var items = schema["items"] as JsonObject ?? [];
                for (var i = 0; i < values.Count; i++)
                {
                    CheckParameterValue(values[i], items, nsid, $"?{name}[{i}]", violations);
                }
            }
            else if (values.Count != 1)
            {
                violations.Add($"?{name}", $"is not an array but was sent {values.Count} times");
            }
            else
            {
                CheckParameterValue(values[0], schema, nsid, $"?{name}", violations);
            }
        }
    }

    private void CheckParameterValue(string raw, JsonObject schema, string docId, string path, Violations violations)
    {
        switch (Str(schema, "type"))
        {
            case "integer":
                if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    violations.Add(path, $"'{raw}' is not an integer");
                    return;
                }

                ValidateValue(JsonValue.Create(number), schema, docId, path, violations);
                return;
            case "boolean":
                if (raw is not ("true" or "false"))
                {
                    violations.Add(path, $"'{raw}' is not true or false");
                }

                return;
            default:
                ValidateValue(JsonValue.Create(raw), schema, docId, path, violations);
                return;
        }
    }

    private void CheckInput(string nsid, JsonObject? input, ContractRequest request, Violations violations)
    {
        if (input is null)
        {
            if (!string.IsNullOrEmpty(request.Body))
            {
                violations.Add("body", $"{nsid} takes no input, but a body was sent");
            }

            return;
        }

        var encoding = Str(input, "encoding") ?? "application/json";
        var contentType = request.ContentType ?? request.Headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        if (contentType is null || !contentType.Split(';')[0].Trim().Equals(encoding, StringComparison.OrdinalIgnoreCase))
        {
            violations.Add("body", $"must be sent as {encoding} (Content-Type was '{contentType ?? "(none)"}')");
        }

        if (encoding != "application/json" || input["schema"] is not JsonObject schema)
        {
            return;
        }

        JsonNode? body;
        try
        {
            body = string.IsNullOrEmpty(request.Body) ? null : JsonNode.Parse(request.Body);
        }
        catch (JsonException)
        {
            violations.Add("body", "is not valid JSON");
            return;
        }

        if (body is null)
        {
            violations.Add("body", "is required and missing");
            return;
        }

        ValidateValue(body, schema, nsid, "$", violations);
        if (RecordWriters.Contains(nsid) && body is JsonObject write)
        {
            CheckWrittenRecord(Str(write, "collection"), write["record"], "$.record", violations);
        }
    }

    private void CheckWrittenRecord(string? collection, JsonNode? record, string path, Violations violations)
    {
        if (record is not JsonObject obj)
        {
            violations.Add(path, "must be an object");
            return;
        }

        var recordType = Str(obj, "$type");
        if (recordType is null)
        {
            violations.Add(path + ".$type", "is required on a record and missing");
        }
        else if (collection is not null && recordType != collection)
        {
            violations.Add(path + ".$type", $"is '{recordType}' but the record is written to the collection '{collection}'");
        }

        if (collection is not null && !documents.ContainsKey(collection))
        {
            violations.Add(path, $"no lexicon is loaded for the collection '{collection}', so the record cannot be checked");
        }
    }

    private void ValidateValue(JsonNode? value, JsonObject schema, string docId, string path, Violations violations)
    {
        if (violations.Full)
        {
            return;
        }

        var type = Str(schema, "type");
        switch (type)
        {
            case "ref":
                {
                    var reference = Str(schema, "ref") ?? string.Empty;
                    if (!TryResolve(Absolute(reference, docId), out var target, out var targetDoc))
                    {
                        violations.Add(path, $"refers to '{reference}', which no loaded lexicon defines");
                        return;
                    }

                    ValidateValue(value, Str(target, "type") == "record" ? target["record"] as JsonObject ?? [] : target, targetDoc, path, violations);
                    return;
                }

            case "record":
                ValidateValue(value, schema["record"] as JsonObject ?? [], docId, path, violations);
                return;
            case "union":
                ValidateUnion(value, schema, docId, path, violations);
                return;
            case "unknown":
                if (value is not JsonObject unknown)
                {
                    violations.Add(path, "must be an object");
                    return;
                }

                if (Str(unknown, "$type") is { } unknownType && TryResolve(unknownType, out var unknownDef, out var unknownDoc))
                {
                    ValidateValue(unknown, Str(unknownDef, "type") == "record" ? unknownDef["record"] as JsonObject ?? [] : unknownDef, unknownDoc, path, violations);
                }

                return;
            case "object":
                ValidateObject(value, schema, docId, path, violations);
                return;
            case "array":
                if (value is not JsonArray array)
                {
                    violations.Add(path, $"must be an array, not {Kind(value)}");
                    return;
                }

                CheckCount(array.Count, schema, path, violations);
                var items = schema["items"] as JsonObject ?? [];
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateValue(array[i], items, docId, $"{path}[{i}]", violations);
                }

                return;
            case "string":
                ValidateString(value, schema, path, violations);
                return;
            case "token":
                violations.Add(path, "is a token; tokens are names, not values");
                return;
            case "integer":
                ValidateInteger(value, schema, path, violations);
                return;
            case "boolean":
                if (value?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    violations.Add(path, $"must be a boolean, not {Kind(value)}");
                }
                else if (schema["const"] is { } boolConst && boolConst.GetValue<bool>() != value.GetValue<bool>())
                {
                    violations.Add(path, $"must be {boolConst.ToJsonString()}");
                }

                return;
            case "null":
                if (value is not null)
                {
                    violations.Add(path, "must be null");
                }

                return;
            case "bytes":
                if (value is not JsonObject bytes || Str(bytes, "$bytes") is null)
                {
                    violations.Add(path, "must be bytes ({\"$bytes\": base64})");
                }

                return;
            case "cid-link":
                if (value is not JsonObject link || Str(link, "$link") is null)
                {
                    violations.Add(path, "must be a CID link ({\"$link\": cid})");
                }

                return;
            case "blob":
                if (value is not JsonObject)
                {
                    violations.Add(path, "must be a blob object");
                }

                return;
            default:
                violations.Add(path, $"has the unknown lexicon type '{type}'");
                return;
        }
    }

    private void ValidateObject(JsonNode? value, JsonObject schema, string docId, string path, Violations violations)
    {
        if (value is not JsonObject obj)
        {
            violations.Add(path, $"must be an object, not {Kind(value)}");
            return;
        }

        var properties = schema["properties"] as JsonObject ?? [];
        var nullable = Strings(schema["nullable"]).ToHashSet(StringComparer.Ordinal);
        foreach (var required in Strings(schema["required"]))
        {
            if (!obj.ContainsKey(required))
            {
                violations.Add($"{path}.{required}", "is required and missing");
            }
        }

        foreach (var (name, field) in obj)
        {
            if (name == "$type")
            {
                continue;
            }

            if (properties[name] is not JsonObject fieldSchema)
            {
                violations.Add($"{path}.{name}", "is not a field the lexicon declares");
                continue;
            }

            if (field is null)
            {
                if (!nullable.Contains(name))
                {
                    violations.Add($"{path}.{name}", "is null but the lexicon does not declare it nullable");
                }

                continue;
            }

            ValidateValue(field, fieldSchema, docId, $"{path}.{name}", violations);
        }
    }

    private void ValidateUnion(JsonNode? value, JsonObject schema, string docId, string path, Violations violations)
    {
        if (value is not JsonObject obj || Str(obj, "$type") is not { } memberType)
        {
            violations.Add(path, "must be an object with a $type naming a union member");
            return;
        }

        var refs = Strings(schema["refs"]).Select(r => Normalize(Absolute(r, docId))).ToList();
        var member = Normalize(memberType);
        if (!refs.Contains(member))
        {
            if (schema["closed"]?.GetValueKind() == JsonValueKind.True)
            {
                violations.Add(path + ".$type", $"'{memberType}' is not a member of this closed union ({string.Join(", ", refs)})");
            }

            return;
        }

        if (TryResolve(member, out var def, out var defDoc))
        {
            ValidateValue(obj, Str(def, "type") == "record" ? def["record"] as JsonObject ?? [] : def, defDoc, path, violations);
        }
    }

    private static void ValidateString(JsonNode? value, JsonObject schema, string path, Violations violations)
    {
        if (value?.GetValueKind() != JsonValueKind.String)
        {
            violations.Add(path, $"must be a string, not {Kind(value)}");
            return;
        }

        var text = value.GetValue<string>();
        if (Str(schema, "const") is { } constant && text != constant)
        {
            violations.Add(path, $"must be '{constant}'");
        }

        var allowed = Strings(schema["enum"]).ToList();
        if (allowed.Count > 0 && !allowed.Contains(text))
        {
            violations.Add(path, $"'{text}' is not one of {string.Join(", ", allowed)}");
        }

        // Lexicon string lengths count UTF-8 bytes; grapheme limits count user-perceived characters.
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (Int(schema, "maxLength") is { } maxLength && bytes > maxLength)
        {
            violations.Add(path, $"is {bytes} UTF-8 bytes long; the lexicon allows at most {maxLength}");
        }

        if (Int(schema, "minLength") is { } minLength && bytes < minLength)
        {
            violations.Add(path, $"is {bytes} UTF-8 bytes long; the lexicon needs at least {minLength}");
        }

        var graphemes = new StringInfo(text).LengthInTextElements;
        if (Int(schema, "maxGraphemes") is { } maxGraphemes && graphemes > maxGraphemes)
        {
            violations.Add(path, $"is {graphemes} graphemes long; the lexicon allows at most {maxGraphemes}");
        }

        if (Int(schema, "minGraphemes") is { } minGraphemes && graphemes < minGraphemes)
        {
            violations.Add(path, $"is {graphemes} graphemes long; the lexicon needs at least {minGraphemes}");
        }

        if (Str(schema, "format") is { } format && !FormatHolds(format, text))
        {
            violations.Add(path, $"'{Shorten(text)}' is not a valid {format}");
        }
    }

    private static void ValidateInteger(JsonNode? value, JsonObject schema, string path, Violations violations)
    {
        if (value?.GetValueKind() != JsonValueKind.Number || !long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            violations.Add(path, $"must be an integer, not {Kind(value)}");
            return;
        }

        if (Int(schema, "minimum") is { } minimum && number < minimum)
        {
            violations.Add(path, $"is {number}; the lexicon's minimum is {minimum}");
        }

        if (Int(schema, "maximum") is { } maximum && number > maximum)
        {
            violations.Add(path, $"is {number}; the lexicon's maximum is {maximum}");
        }

        if (Int(schema, "const") is { } constant && number != constant)
        {
            violations.Add(path, $"must be {constant}");
        }

        if (schema["enum"] is JsonArray allowed && allowed.Count > 0 && !allowed.Any(a => a?.ToJsonString() == number.ToString(CultureInfo.InvariantCulture)))
        {
            violations.Add(path, $"{number} is not one of {allowed.ToJsonString()}");
        }
    }

    private static void CheckCount(int count, JsonObject schema, string path, Violations violations)
    {
        if (Int(schema, "maxLength") is { } max && count > max)
        {
            violations.Add(path, $"has {count} items; the lexicon allows at most {max}");
        }

        if (Int(schema, "minLength") is { } min && count < min)
        {
            violations.Add(path, $"has {count} items; the lexicon needs at least {min}");
        }
    }

    private static bool FormatHolds(string format, string text) => format switch
    {
        "did" => DidPattern().IsMatch(text) && text.Length <= 2048,
        "handle" => HandlePattern().IsMatch(text) && text.Length <= 253,
        "at-identifier" => (DidPattern().IsMatch(text) && text.Length <= 2048) || (HandlePattern().IsMatch(text) && text.Length <= 253),
        "nsid" => NsidPattern().IsMatch(text) && text.Length <= 317,
        "at-uri" => AtUriPattern().IsMatch(text) && text.Length <= 8192,
        "cid" => CidPattern().IsMatch(text),
        "datetime" => DateTimePattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uri" => UriPattern().IsMatch(text) && text.Length <= 8192,
        "language" => LanguagePattern().IsMatch(text),
        "record-key" => RecordKeyPattern().IsMatch(text) && text is not ("." or ".."),
        "tid" => TidPattern().IsMatch(text),
        _ => true,
    };

    private bool TryResolve(string reference, out JsonObject def, out string docId)
    {
        def = null!;
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        docId = hash < 0 ? reference : reference[..hash];
        var name = hash < 0 ? "main" : reference[(hash + 1)..];
        if (documents.TryGetValue(docId, out var document) && document["defs"]?[name] is JsonObject found)
        {
            def = found;
            return true;
        }

        return false;
    }

    private static string Absolute(string reference, string docId) => reference.StartsWith('#') ? docId + reference : reference;

    private static string Normalize(string reference) => reference.EndsWith("#main", StringComparison.Ordinal) ? reference[..^5] : reference;

    private static string? Str(JsonObject obj, string name) => obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Int(JsonObject obj, string name) => obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<long>() : null;

    private static IEnumerable<string> Strings(JsonNode? node)
        => node is JsonArray array ? array.Select(n => n?.GetValue<string>()).OfType<string>() : [];

    private static string Kind(JsonNode? value) => value?.GetValueKind().ToString().ToLowerInvariant() ?? "null";

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex(@"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$")]
    private static partial Regex DidPattern();

    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex HandlePattern();

    [GeneratedRegex(@"^[a-zA-Z]([a-zA-Z0-9-]{0,62})?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62})?)+(\.[a-zA-Z]([a-zA-Z0-9]{0,62})?)$")]
    private static partial Regex NsidPattern();

    [GeneratedRegex(@"^at://[^\s/?#]+(/[a-zA-Z][a-zA-Z0-9.-]*(/[a-zA-Z0-9._~:@!$&'()*+,;=%-]+)?)?$")]
    private static partial Regex AtUriPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9+=]{8,256}$")]
    private static partial Regex CidPattern();

    [GeneratedRegex(@"^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{1,20})?(Z|[+-][0-2][0-9]:[0-5][0-9])$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[a-z][a-z.-]{0,80}:[^\s]+$")]
    private static partial Regex UriPattern();

    [GeneratedRegex(@"^(i|[a-z]{2,3})(-[a-zA-Z0-9]+)*$")]
    private static partial Regex LanguagePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_~.:-]{1,512}$")]
    private static partial Regex RecordKeyPattern();

    [GeneratedRegex(@"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")]
    private static partial Regex TidPattern();

    /// <summary>Collects violations of one request, bounded so that one broken body cannot flood a test report.</summary>
    private sealed class Violations(string subject)
    {
        private readonly List<string> items = [];

        public IReadOnlyList<string> Items => items;

        public bool Full => items.Count >= MaxViolationsPerRequest;

        public void Add(string path, string message)
        {
            if (!Full)
            {
                items.Add($"{subject}: {path} {message}");
            }
        }
    }
}
