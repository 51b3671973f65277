using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Checks HTTP traffic against an OpenAPI 3.x document: that a request's path and method exist, its path and query
/// parameters are declared and well-typed, its required parameters are present, it carries authorization where the
/// operation needs it, and its body is of an accepted media type, valid against the request schema and free of fields
/// the schema does not name; and that a response's status is declared and its body is valid against the response schema.
/// </summary>
/// <remarks>
/// <para>
/// Adapter tests capture what the adapter sent (for example WireMock.Net log entries) and assert that
/// <see cref="CheckRequest"/> and <see cref="CheckResponse"/> return no violations. Schemas are evaluated as JSON Schema
/// 2020-12; <c>format</c> is not asserted. Request bodies are checked strictly: every object schema that is not merely a
/// part of another (an <c>allOf</c> member) refuses properties it and its parts do not declare, which also settles
/// <c>oneOf</c> choices that differ only by their properties. Response bodies are checked as the spec says (unknown fields are allowed).
/// </para>
/// <para>
/// <c>application/x-www-form-urlencoded</c> bodies are read with bracket names (<c>poll[options][]</c>) and checked for
/// field names and required fields only, since form values carry no JSON types; multipart bodies are not inspected.
/// </para>
/// <para>Instances are immutable after loading and safe for concurrent use.</para>
/// </remarks>
public sealed partial class OpenApiContract
{
    private const string ComponentSchemasPrefix = "#/components/schemas/";
    private const string Draft202012 = "https://json-schema.org/draft/2020-12/schema";
    private const int MaxViolationsPerBody = 25;

    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    private static readonly string[] DroppedAnnotations = ["description", "example", "examples", "externalDocs", "title"];
    private static readonly string[] ScalarConstraints = ["type", "enum", "const", "format", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

    private readonly JsonObject document;
    private readonly JsonObject componentSchemas;
    private readonly List<PathTemplate> templates = [];
    private readonly HashSet<string> headerParameters = new(StringComparer.OrdinalIgnoreCase);
    private readonly string schemaBase;
    private readonly EvaluationOptions evaluation;
    private readonly ConcurrentDictionary<string, JsonSchema> schemas = new(StringComparer.Ordinal);

    private OpenApiContract(JsonObject document)
    {
        this.document = document;
        if (document["openapi"]?.GetValue<string>() is not { } version || !version.StartsWith('3'))
        {
            throw new FormatException("The document is not an OpenAPI 3.x document (no 'openapi: 3.x' field).");
        }

        var paths = document["paths"] as JsonObject ?? throw new FormatException("The OpenAPI document has no 'paths'.");
        componentSchemas = document["components"]?["schemas"] as JsonObject ?? [];
        foreach (var (template, item) in paths)
        {
            if (item is JsonObject pathItem)
            {
                templates.Add(PathTemplate.Create(template, pathItem));
                foreach (var parameter in AllParameterNodes(pathItem))
                {
                    if (string.Equals(parameter["in"]?.GetValue<string>(), "header", StringComparison.Ordinal) && parameter["name"]?.GetValue<string>() is { } header)
                    {
                        headerParameters.Add(header);
                    }
                }
            }
        }

        // Each contract gets its own base URI so that two loaded documents never resolve into each other.
        schemaBase = $"https://contracts.cocreation.sdk/{Guid.NewGuid():N}/schemas";
        var defs = new JsonObject();
        foreach (var (name, schema) in componentSchemas)
        {
            defs[name] = RewriteReferences(schema);
        }

        var root = new JsonObject { ["$schema"] = Draft202012, ["$id"] = schemaBase, ["$defs"] = defs };
        evaluation = new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical, EvaluateAs = SpecVersion.Draft202012 };
        evaluation.SchemaRegistry.Register(JsonSchema.FromText(root.ToJsonString()));
    }

    /// <summary>The document's <c>info.title</c>.</summary>
    public string Title => document["info"]?["title"]?.GetValue<string>() ?? string.Empty;

    /// <summary>The document's <c>info.version</c>.</summary>
    public string Version => document["info"]?["version"]?.GetValue<string>() ?? string.Empty;

    /// <summary>Loads an OpenAPI 3.x document in JSON from a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">The file is not an OpenAPI 3.x JSON document.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OpenApiContract Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses an OpenAPI 3.x document in JSON.</summary>
    /// <param name="json">The document.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">The text is not an OpenAPI 3.x JSON document.</exception>
    public static OpenApiContract Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The OpenAPI document is not valid JSON.", ex);
        }

        return new OpenApiContract(node as JsonObject ?? throw new FormatException("The OpenAPI document is not a JSON object."));
    }

    /// <summary>Finds the path template a request path falls under, preferring the template with the most literal segments.</summary>
    /// <param name="path">The request path, for example <c>/api/v1/polls/123</c>.</param>
    /// <returns>The template, for example <c>/api/v1/polls/{id}</c>, or <see langword="null"/>.</returns>
    public string? FindPathTemplate(string path) => Match(path)?.Template.Template;

    /// <summary>Checks a request against the operation it calls.</summary>
    /// <param name="request">The request.</param>
    /// <returns>One line per violation, each naming the request; empty when the request fits the spec.</returns>
    public IReadOnlyList<string> CheckRequest(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new List<string>();
        if (!TryFindOperation(request, violations, out var match, out var operation))
        {
            return violations;
        }

        var prefix = $"{request} ({request.Method.ToUpperInvariant()} {match.Template.Template})";
        var parameters = Parameters(match.Template.Item, operation);
        CheckPathParameters(prefix, match, parameters, violations);
        CheckQuery(prefix, request, parameters, violations);
        CheckHeaders(prefix, request, operation, parameters, violations);
        CheckRequestBody(prefix, request, match, operation, violations);
        return violations;
    }

    /// <summary>Checks a response against the operation the request called.</summary>
    /// <param name="request">The request that was answered.</param>
    /// <param name="response">The response.</param>
    /// <returns>One line per violation; empty when the response fits the spec.</returns>
    public IReadOnlyList<string> CheckResponse(ContractRequest request, ContractResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var violations = new List<string>();
        if (!TryFindOperation(request, violations, out var match, out var operation))
        {
            return violations;
        }

        var status = response.StatusCode.ToString(CultureInfo.InvariantCulture);
        var prefix = $"{request} → {status}";
        var responses = operation["responses"] as JsonObject;
        var statusKey = responses is null ? null
            : responses.ContainsKey(status) ? status
            : responses.Select(r => r.Key).FirstOrDefault(k => string.Equals(k, status[0] + "XX", StringComparison.OrdinalIgnoreCase))
            ?? (responses.ContainsKey("default") ? "default" : null);
        if (statusKey is null)
        {
            violations.Add($"{prefix}: the spec declares no response with status {status} for {request.Method.ToUpperInvariant()} {match.Template.Template}.");
            return violations;
        }

        if (Resolve(responses![statusKey]) is not JsonObject declared || declared["content"] is not JsonObject content || content.Count == 0)
        {
            return violations;
        }

        if (string.IsNullOrWhiteSpace(response.Body))
        {
            violations.Add($"{prefix}: the spec declares a body ({string.Join(", ", content.Select(c => c.Key))}) but the response has none.");
            return violations;
        }

        var mediaType = MediaType(response.ContentType) ?? "application/json";
        var mediaKey = FindMediaType(content, mediaType);
        if (mediaKey is null)
        {
            violations.Add($"{prefix}: Content-Type {mediaType} is not declared (the spec has {string.Join(", ", content.Select(c => c.Key))}).");
            return violations;
        }

        if (content[mediaKey]?["schema"] is not { } schemaNode || !IsJson(mediaKey))
        {
            return violations;
        }

        if (!TryParseJson(response.Body, out var instance))
        {
            violations.Add($"{prefix}: the body is not valid JSON.");
            return violations;
        }

        var key = $"response {request.Method.ToUpperInvariant()} {match.Template.Template} {statusKey} {mediaKey}";
        var schema = schemas.GetOrAdd(key, _ => BuildSchema(RewriteReferences(schemaNode)));
        violations.AddRange(Evaluate(schema, instance).Select(e => $"{prefix}: body{e}"));
        return violations;
    }

    private bool TryFindOperation(ContractRequest request, List<string> violations, out PathMatch match, out JsonObject operation)
    {
        operation = null!;
        match = Match(request.Path)!;
        if (match is null)
        {
            violations.Add($"{request}: no path in the spec matches {request.Path}.");
            return false;
        }

        var method = request.Method.ToLowerInvariant();
        var item = match.Template.Item;
        if (item[method] is not JsonObject found)
        {
            violations.Add($"{request}: the spec has no {request.Method.ToUpperInvariant()} on {match.Template.Template} (it has {string.Join(", ", HttpMethods.Where(m => item.ContainsKey(m)).Select(m => m.ToUpperInvariant()))}).");
            return false;
        }

        operation = found;
        return true;
    }

    private PathMatch? Match(string path)
    {
        PathMatch? best = null;
        foreach (var template in templates)
        {
            if (template.TryMatch(path, out var values) && (best is null || template.LiteralSegments > best.Template.LiteralSegments))
            {
                best = new PathMatch(template, values);
            }
        }

        return best;
    }

    private void CheckPathParameters(string prefix, PathMatch match, List<Parameter> parameters, List<string> violations)
    {
        foreach (var (name, value) in match.Values)
        {
            var parameter = parameters.FirstOrDefault(p => p.In == "path" && p.Name == name);
            if (parameter is null)
            {
                violations.Add($"{prefix}: path parameter '{name}' is not declared.");
                continue;
            }

            CheckValues(prefix, $"path parameter '{name}'", parameter.Schema, [value], violations);
        }
    }

    private void CheckQuery(string prefix, ContractRequest request, List<Parameter> parameters, List<string> violations)
    {
        foreach (var (rawName, values) in request.Query)
        {
            var bracketed = rawName.EndsWith("[]", StringComparison.Ordinal);
            var name = bracketed ? rawName[..^2] : rawName;
            var parameter = parameters.FirstOrDefault(p => p.In == "query" && p.Name == name)
                ?? parameters.FirstOrDefault(p => p.In == "query" && p.Name == rawName);
            if (parameter is null)
            {
                violations.Add($"{prefix}: query parameter '{rawName}' is not in the spec.");
                continue;
            }

            var schema = Resolve(parameter.Schema) as JsonObject;
            if (!HasType(schema, "array") && (values.Count > 1 || (bracketed && parameter.Name != rawName)))
            {
                violations.Add($"{prefix}: query parameter '{rawName}' is sent as a list, but the spec declares one value.");
            }

            var itemSchema = HasType(schema, "array") ? schema!["items"] : schema;
            CheckValues(prefix, $"query parameter '{rawName}'", itemSchema, values, violations);
        }

        foreach (var parameter in parameters.Where(p => p.Required && p.In == "query"))
        {
            if (!request.Query.ContainsKey(parameter.Name) && !request.Query.ContainsKey(parameter.Name + "[]"))
            {
                violations.Add($"{prefix}: required query parameter '{parameter.Name}' is missing.");
            }
        }
    }

    private void CheckHeaders(string prefix, ContractRequest request, JsonObject operation, List<Parameter> parameters, List<string> violations)
    {
        var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters.Where(p => p.In == "header"))
        {
            if (parameter.Required && !headers.ContainsKey(parameter.Name))
            {
                violations.Add($"{prefix}: required header '{parameter.Name}' is missing.");
            }
            else if (headers.TryGetValue(parameter.Name, out var value) && Resolve(parameter.Schema) is JsonObject schema && !HasType(schema, "object"))
            {
                CheckValues(prefix, $"header '{parameter.Name}'", schema, [value], violations);
            }
        }

        // A header the spec defines for some operations is an API parameter; sending it where it is not declared is a mistake.
        foreach (var name in headers.Keys)
        {
            if (headerParameters.Contains(name) && !parameters.Any(p => p.In == "header" && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                violations.Add($"{prefix}: header '{name}' is not accepted by this operation.");
            }
        }

        if (RequiresAuthorization(operation) && (!headers.TryGetValue("Authorization", out var authorization) || string.IsNullOrWhiteSpace(authorization)))
        {
            violations.Add($"{prefix}: the operation requires authorization, but no Authorization header was sent.");
        }
    }

    private void CheckRequestBody(string prefix, ContractRequest request, PathMatch match, JsonObject operation, List<string> violations)
    {
        var hasBody = !string.IsNullOrEmpty(request.Body);
        if (Resolve(operation["requestBody"]) is not JsonObject requestBody)
        {
            if (hasBody)
            {
                violations.Add($"{prefix}: a body was sent, but the operation takes none.");
            }

            return;
        }

        if (!hasBody)
        {
            if (requestBody["required"]?.GetValue<bool>() == true)
            {
                violations.Add($"{prefix}: the operation requires a body, but none was sent.");
            }

            return;
        }

        if (requestBody["content"] is not JsonObject content || content.Count == 0)
        {
            return;
        }

        var mediaType = MediaType(request.ContentType);
        if (mediaType is null)
        {
            violations.Add($"{prefix}: a body was sent without a Content-Type.");
            return;
        }

        var mediaKey = FindMediaType(content, mediaType);
        if (mediaKey is null)
        {
            violations.Add($"{prefix}: the body is {mediaType}, but the operation accepts {string.Join(", ", content.Select(c => c.Key))}.");
            return;
        }

        if (content[mediaKey]?["schema"] is not { } schemaNode)
        {
            return;
        }

        JsonNode? instance;
        var loose = false;
        if (IsJson(mediaKey))
        {
            if (!TryParseJson(request.Body!, out instance))
            {
                violations.Add($"{prefix}: the body is not valid JSON.");
                return;
            }
        }
        else if (mediaKey.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            instance = FormToJson(request.Body!);
            loose = true;
        }
        else
        {
            return;
        }

        var key = $"request {request.Method.ToUpperInvariant()} {match.Template.Template} {mediaKey}";
        var schema = schemas.GetOrAdd(key, _ => BuildSchema(Strict(Inline(schemaNode, []), part: false, loose)));
        violations.AddRange(Evaluate(schema, instance).Take(MaxViolationsPerBody).Select(e => $"{prefix}: body{e}"));
    }

    private List<string> Evaluate(JsonSchema schema, JsonNode? instance)
    {
        var results = schema.Evaluate(instance, evaluation);
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        Collect(results, errors);
        if (errors.Count == 0)
        {
            errors.Add(" (root): does not match the schema.");
        }

        return errors;
    }

    /// <summary>
    /// Gathers the errors of a failed evaluation. Of the alternatives of a failed <c>oneOf</c>/<c>anyOf</c>, only those
    /// that came closest are reported: the errors of the others describe shapes the instance never meant to have.
    /// </summary>
    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        if (node.HasErrors)
        {
            var location = node.InstanceLocation.ToString();
            location = location.Length == 0 ? " (root)" : " " + location;
            foreach (var (_, message) in node.Errors!)
            {
                var line = message.Contains("false schema", StringComparison.OrdinalIgnoreCase)
                    ? $"{location}: is not in the spec (unknown field)."
                    : $"{location}: {message}";
                if (!errors.Contains(line))
                {
                    errors.Add(line);
                }
            }
        }

        if (!node.HasDetails)
        {
            return;
        }

        var alternatives = new Dictionary<string, List<EvaluationResults>>(StringComparer.Ordinal);
        foreach (var child in node.Details)
        {
            if (child.IsValid)
            {
                continue;
            }

            var segments = child.EvaluationPath.ToString().Split('/');
            if (segments.Length >= 2 && segments[^2] is "oneOf" or "anyOf" && int.TryParse(segments[^1], CultureInfo.InvariantCulture, out _))
            {
                var key = string.Join('/', segments[..^1]);
                if (!alternatives.TryGetValue(key, out var group))
                {
                    alternatives[key] = group = [];
                }

                group.Add(child);
            }
            else
            {
                Collect(child, errors);
            }
        }

        foreach (var group in alternatives.Values)
        {
            var candidates = group.Select(alternative =>
            {
                var candidate = new List<string>();
                Collect(alternative, candidate);
                return candidate;
            }).ToList();
            var fewest = candidates.Min(c => c.Count);

            // Alternatives that came equally close are all reported; the reader can tell which was meant.
            foreach (var line in candidates.Where(c => c.Count == fewest).SelectMany(c => c))
            {
                if (!errors.Contains(line))
                {
                    errors.Add(line);
                }
            }
        }
    }

    private JsonSchema BuildSchema(JsonNode? schemaNode)
    {
        var root = schemaNode is JsonObject obj ? obj : new JsonObject { ["allOf"] = new JsonArray(schemaNode) };
        root["$schema"] = Draft202012;
        return JsonSchema.FromText(root.ToJsonString());
    }

    private List<Parameter> Parameters(JsonObject pathItem, JsonObject operation)
    {
        var result = new List<Parameter>();
        foreach (var source in new[] { operation["parameters"], pathItem["parameters"] })
        {
            if (source is not JsonArray array)
            {
                continue;
            }

            foreach (var entry in array)
            {
                if (Resolve(entry) is not JsonObject parameter || parameter["name"]?.GetValue<string>() is not { } name || parameter["in"]?.GetValue<string>() is not { } location)
                {
                    continue;
                }

                // Operation-level parameters override path-level ones with the same name and location.
                if (!result.Any(p => p.Name == name && p.In == location))
                {
                    result.Add(new Parameter(name, location, parameter["required"]?.GetValue<bool>() == true || location == "path", parameter["schema"]));
                }
            }
        }

        return result;
    }

    private IEnumerable<JsonObject> AllParameterNodes(JsonObject pathItem)
    {
        var sources = new List<JsonNode?> { pathItem["parameters"] };
        sources.AddRange(HttpMethods.Select(m => pathItem[m]?["parameters"]));
        foreach (var source in sources.OfType<JsonArray>())
        {
            foreach (var entry in source)
            {
                if (Resolve(entry) is JsonObject parameter)
                {
                    yield return parameter;
                }
            }
        }
    }

    private void CheckValues(string prefix, string what, JsonNode? schemaNode, IReadOnlyList<string> values, List<string> violations)
    {
        if (Resolve(schemaNode) is not JsonObject schema)
        {
            return;
        }

        foreach (var value in values)
        {
            if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a is JsonValue v && v.ToString() == value))
            {
                violations.Add($"{prefix}: {what} has '{value}', which is not one of {string.Join(", ", allowed.Select(a => a?.ToString()))}.");
                continue;
            }

            var types = Types(schema);
            if (types.Count == 0 || types.Contains("string") || types.Contains("object") || types.Contains("array"))
            {
                continue;
            }

            var fits = (types.Contains("integer") && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                || (types.Contains("number") && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                || (types.Contains("boolean") && (value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase)))
                || (types.Contains("null") && value.Length == 0);
            if (!fits)
            {
                violations.Add($"{prefix}: {what} has '{value}', which is not of type {string.Join(" or ", types)}.");
            }
        }
    }

    private bool RequiresAuthorization(JsonObject operation)
    {
        var security = operation.ContainsKey("security") ? operation["security"] : document["security"];
        return security is JsonArray { Count: > 0 } alternatives && alternatives.All(a => a is JsonObject { Count: > 0 });
    }

    private JsonNode? Resolve(JsonNode? node)
    {
        for (var depth = 0; depth < 16 && node is JsonObject obj && obj["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal); depth++)
        {
            JsonNode? target = document;
            foreach (var token in reference[2..].Split('/'))
            {
                target = target?[token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            node = target;
        }

        return node;
    }

    /// <summary>Copies a schema with its component references made absolute, so it resolves against the registered definitions.</summary>
    private JsonNode? RewriteReferences(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(p => !DroppedAnnotations.Contains(p.Key))
            .Select(p => KeyValuePair.Create(p.Key, p.Key == "$ref" && p.Value?.GetValue<string>() is { } r && r.StartsWith(ComponentSchemasPrefix, StringComparison.Ordinal)
                ? JsonValue.Create($"{schemaBase}#/$defs/{r[ComponentSchemasPrefix.Length..]}")
                : RewriteReferences(p.Value)))),
        JsonArray array => new JsonArray(array.Select(RewriteReferences).ToArray()),
        _ => node?.DeepClone(),
    };

    /// <summary>Copies a schema with component references replaced by their targets; a recursive reference stays a reference.</summary>
    private JsonNode? Inline(JsonNode? node, HashSet<string> active)
    {
        switch (node)
        {
            case JsonObject obj when obj["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith(ComponentSchemasPrefix, StringComparison.Ordinal):
                var name = reference[ComponentSchemasPrefix.Length..];
                if (active.Contains(name) || !componentSchemas.ContainsKey(name))
                {
                    return RewriteReferences(obj);
                }

                var target = Inline(componentSchemas[name], [.. active, name]);
                var siblings = new JsonObject(obj.Where(p => p.Key != "$ref" && !DroppedAnnotations.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Inline(p.Value, active))));
                if (siblings.Count == 0)
                {
                    return target;
                }

                if (siblings["allOf"] is JsonArray existing)
                {
                    existing.Add(target);
                }
                else
                {
                    siblings["allOf"] = new JsonArray(target);
                }

                return siblings;
            case JsonObject obj:
                return new JsonObject(obj.Where(p => !DroppedAnnotations.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Inline(p.Value, active))));
            case JsonArray array:
                return new JsonArray(array.Select(n => Inline(n, active)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>
    /// Makes every object schema that is not merely a part of another refuse properties it does not declare. The names an
    /// object accepts are its own <c>properties</c> plus those of its <c>allOf</c> parts (and of its <c>oneOf</c>/<c>anyOf</c>
    /// parts when it also has a shape of its own); they are written into <c>properties</c> so that
    /// <c>additionalProperties: false</c> can refuse the rest. Unlike <c>unevaluatedProperties</c>, this does not report
    /// every sibling as unknown when one nested value fails.
    /// </summary>
    private static JsonNode? Strict(JsonNode? node, bool part, bool loose)
    {
        if (node is not JsonObject obj)
        {
            return node;
        }

        foreach (var mapKey in new[] { "properties", "patternProperties", "$defs" })
        {
            if (obj[mapKey] is JsonObject map)
            {
                foreach (var name in map.Select(p => p.Key).ToList())
                {
                    Strict(map[name], part: false, loose);
                }
            }
        }

        foreach (var single in new[] { "items", "additionalProperties", "contains" })
        {
            if (obj[single] is JsonObject child)
            {
                Strict(child, part: false, loose);
            }
        }

        if (obj["prefixItems"] is JsonArray prefixItems)
        {
            foreach (var item in prefixItems)
            {
                Strict(item, part: false, loose);
            }
        }

        var types = Types(obj);
        var hasShape = obj.ContainsKey("properties") || obj.ContainsKey("allOf") || types.Contains("object");
        foreach (var listKey in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (obj[listKey] is JsonArray list)
            {
                foreach (var member in list)
                {
                    Strict(member, part: listKey == "allOf" || hasShape, loose);
                }
            }
        }

        if (!part && hasShape && !obj.ContainsKey("additionalProperties") && !obj.ContainsKey("unevaluatedProperties") && !obj.ContainsKey("patternProperties"))
        {
            var properties = obj["properties"] as JsonObject ?? [];
            obj["properties"] = properties;
            foreach (var name in DeclaredNames(obj, includeAlternatives: hasShape))
            {
                if (!properties.ContainsKey(name))
                {
                    properties[name] = true;
                }
            }

            obj["additionalProperties"] = false;
        }

        if (loose && types.Count > 0 && !types.Contains("object") && !types.Contains("array"))
        {
            foreach (var constraint in ScalarConstraints)
            {
                obj.Remove(constraint);
            }
        }

        return obj;
    }

    private static IEnumerable<string> DeclaredNames(JsonObject schema, bool includeAlternatives)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, _) in properties)
            {
                yield return name;
            }
        }

        var lists = includeAlternatives ? new[] { "allOf", "oneOf", "anyOf" } : ["allOf"];
        foreach (var listKey in lists)
        {
            if (schema[listKey] is not JsonArray list)
            {
                continue;
            }

            foreach (var member in list.OfType<JsonObject>())
            {
                foreach (var name in DeclaredNames(member, includeAlternatives: true))
                {
                    yield return name;
                }
            }
        }
    }

    private static List<string> Types(JsonObject? schema) => schema?["type"] switch
    {
        JsonValue value when value.TryGetValue<string>(out var single) => [single],
        JsonArray many => many.Select(t => t?.GetValue<string>()).OfType<string>().ToList(),
        _ => [],
    };

    private static bool HasType(JsonObject? schema, string type) => Types(schema).Contains(type);

    private static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim().ToLowerInvariant();
    }

    private static string? FindMediaType(JsonObject content, string mediaType)
    {
        foreach (var (key, _) in content)
        {
            var declared = key.ToLowerInvariant();
            if (declared == mediaType || declared == "*/*" || (declared.EndsWith("/*", StringComparison.Ordinal) && mediaType.StartsWith(declared[..^1], StringComparison.Ordinal)))
            {
                return key;
            }
        }

        return null;
    }

    private static bool IsJson(string mediaType)
    {
        var lower = mediaType.ToLowerInvariant();
        return lower == "application/json" || lower.EndsWith("+json", StringComparison.Ordinal) || lower == "*/*";
    }

    private static bool TryParseJson(string text, out JsonNode? node)
    {
        try
        {
            node = JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    /// <summary>Reads <c>a[b][]=1&amp;a[c]=2</c> into <c>{"a":{"b":["1"],"c":"2"}}</c>; every value stays a string.</summary>
    private static JsonObject FormToJson(string body)
    {
        var root = new JsonObject();
        foreach (var (name, values) in ContractRequest.ParseQuery(body))
        {
            var keys = FormKey().Matches(name).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToList();
            var isList = name.EndsWith("[]", StringComparison.Ordinal);
            JsonObject current = root;
            for (var i = 0; i < keys.Count; i++)
            {
                var key = keys[i];
                var last = i == keys.Count - 1 || (isList && i == keys.Count - 2 && keys[^1].Length == 0);
                if (key.Length == 0)
                {
                    break;
                }

                if (last)
                {
                    current[key] = isList ? new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) : JsonValue.Create(values[^1]);
                    break;
                }

                if (current[key] is not JsonObject next)
                {
                    next = new JsonObject();
                    current[key] = next;
                }

                current = next;
            }
        }

        return root;
    }

    [GeneratedRegex(@"^([^\[\]]+)|\[([^\[\]]*)\]")]
    private static partial Regex FormKey();

    private sealed record Parameter(string Name, string In, bool Required, JsonNode? Schema);

    private sealed record PathMatch(PathTemplate Template, IReadOnlyDictionary<string, string> Values);

    private sealed partial class PathTemplate
    {
        private readonly Regex pattern;
        private readonly List<string> names;

        private PathTemplate(string template, JsonObject item, Regex pattern, List<string> names, int literalSegments)
        {
            Template = template;
            Item = item;
            this.pattern = pattern;
            this.names = names;
            LiteralSegments = literalSegments;
        }

        public string Template { get; }

        public JsonObject Item { get; }

        public int LiteralSegments { get; }

        public static PathTemplate Create(string template, JsonObject item)
        {
            var names = new List<string>();
            var regex = new System.Text.StringBuilder("^");
            var last = 0;
            foreach (Match placeholder in Placeholder().Matches(template))
            {
                regex.Append(Regex.Escape(template[last..placeholder.Index]));
                regex.Append("([^/]+)");
                names.Add(placeholder.Groups[1].Value);
                last = placeholder.Index + placeholder.Length;
            }

            regex.Append(Regex.Escape(template[last..])).Append("/?$");
            var literals = template.Split('/', StringSplitOptions.RemoveEmptyEntries).Count(s => !s.Contains('{', StringComparison.Ordinal));
            return new PathTemplate(template, item, new Regex(regex.ToString(), RegexOptions.CultureInvariant), names, literals);
        }

        public bool TryMatch(string path, out IReadOnlyDictionary<string, string> values)
        {
            var match = pattern.Match(path);
            if (!match.Success)
            {
                values = new Dictionary<string, string>();
                return false;
            }

            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++)
            {
                found[names[i]] = match.Groups[i + 1].Value;
            }

            values = found;
            return true;
        }

        [GeneratedRegex(@"\{([^}/]+)\}")]
        private static partial Regex Placeholder();
    }
}
