using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Checks HTTP traffic against Google API Discovery documents (Discovery v1 JSON, for example <c>drive.v3.json</c> and
/// <c>calendar.v3.json</c>): that a request's HTTP method and path belong to a method (resolved from <c>rootUrl</c>,
/// <c>servicePath</c>, <c>path</c>/<c>flatPath</c> and the <c>mediaUpload</c> paths), that its required path and query
/// parameters are present, that it sends no query parameter the method or the document's common <c>parameters</c>
/// (<c>fields</c>, <c>alt</c>, <c>key</c>, <c>prettyPrint</c>, <c>quotaUser</c>, <c>uploadType</c>…) do not declare, that
/// values are well-typed (boolean, integer with its bounds, enum), and that a JSON body (or the metadata part of a
/// <c>multipart/related</c> upload) only holds fields of the request schema with the right JSON types; and that a
/// response body only holds fields of the response schema with the right JSON types.
/// </summary>
/// <remarks>
/// <para>
/// Schemas are resolved through <c>$ref</c>, nested objects, arrays and <c>additionalProperties</c>. Both requests and
/// responses are checked strictly: a field the schema does not name is a violation. <c>int64</c> and <c>uint64</c>
/// values are JSON strings, as Google sends them. Error responses (4xx, 5xx) are checked against Google's error
/// envelope <c>{"error": {"code", "message", "errors": [{"domain", "reason", "message"}], "status"}}</c>.
/// </para>
/// <para>Instances are immutable after loading and safe for concurrent use.</para>
/// </remarks>
public sealed class DiscoveryContract
{
    private const int MaxViolationsPerBody = 25;
    private static readonly string[] UploadTypes = ["media", "multipart", "resumable"];

    private readonly List<DiscoveryMethod> methods = [];

    private DiscoveryContract(IEnumerable<JsonObject> documents)
    {
        foreach (var document in documents)
        {
            var name = document["name"]?.GetValue<string>() ?? throw new FormatException("A discovery document has no 'name'.");
            var rootUrl = document["rootUrl"]?.GetValue<string>() ?? throw new FormatException($"The discovery document '{name}' has no 'rootUrl'.");
            var servicePath = document["servicePath"]?.GetValue<string>() ?? string.Empty;
            var rootPath = new Uri(rootUrl, UriKind.Absolute).AbsolutePath;
            var common = document["parameters"] as JsonObject ?? [];
            var schemas = document["schemas"] as JsonObject ?? [];
            Collect(document["resources"] as JsonObject, name, rootPath, servicePath, common, schemas);
        }

        if (methods.Count == 0)
        {
            throw new FormatException("The discovery documents declare no methods.");
        }
    }

    /// <summary>The ids of every loaded method, for example <c>drive.files.create</c>.</summary>
    public IReadOnlyCollection<string> MethodIds => methods.Select(m => m.Id).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Loads discovery documents from files.</summary>
    /// <param name="paths">The files.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">A file is not a discovery document.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static DiscoveryContract Load(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return Parse(paths.Select(File.ReadAllText));
    }

    /// <summary>Parses discovery documents.</summary>
    /// <param name="documents">The documents' JSON texts.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">A text is not a discovery document.</exception>
    public static DiscoveryContract Parse(IEnumerable<string> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var parsed = new List<JsonObject>();
        foreach (var text in documents)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new FormatException("A discovery document is not valid JSON.", ex);
            }

            if (node is not JsonObject document || document["discoveryVersion"]?.GetValue<string>() != "v1" || document["resources"] is not JsonObject)
            {
                throw new FormatException("A document is not a Google API discovery document (it needs 'discoveryVersion': 'v1' and 'resources').");
            }

            parsed.Add(document);
        }

        return new DiscoveryContract(parsed);
    }

    /// <summary>Finds the method a request calls.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The method id, or <see langword="null"/> when no method has this HTTP method and path.</returns>
    public string? FindMethod(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Match(request)?.Method.Id;
    }

    /// <summary>Checks one request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The violations; empty when the request fits its method.</returns>
    public IReadOnlyList<string> CheckRequest(ContractRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var violations = new List<string>();
        var match = Match(request);
        if (match is null)
        {
            violations.Add($"{request}: no method in the discovery documents is sent as {request.Method.ToUpperInvariant()} to this path.");
            return violations;
        }

        var (method, route, captures) = match.Value;
        var label = $"{request} ({method.Id})";
        foreach (var (name, parameter) in method.Parameters)
        {
            if (parameter["required"]?.GetValue<bool>() != true)
            {
                continue;
            }

            var location = parameter["location"]?.GetValue<string>();
            if (location == "path" && (!captures.TryGetValue(name, out var value) || value.Length == 0))
            {
                violations.Add($"{label}: path parameter {{{name}}} is required.");
            }
            else if (location == "query" && !request.Query.ContainsKey(name))
            {
                violations.Add($"{label}: ?{name} is required.");
            }
        }

        foreach (var (name, values) in request.Query)
        {
            var parameter = method.Parameters.TryGetValue(name, out var own) && own["location"]?.GetValue<string>() == "query" ? own : method.Common[name] as JsonObject;
            if (parameter is null)
            {
                violations.Add($"{label}: ?{name} is not a parameter of {method.Id}.");
                continue;
            }

            if (values.Count > 1 && parameter["repeated"]?.GetValue<bool>() != true)
            {
                violations.Add($"{label}: ?{name} is sent {values.Count} times but is not repeated.");
            }

            foreach (var value in values)
            {
                CheckScalar(parameter, value, $"?{name}", label, violations);
            }
        }

        if (route.IsUpload)
        {
            if (!request.Query.TryGetValue("uploadType", out var uploadType) || !UploadTypes.Contains(uploadType[0], StringComparer.Ordinal))
            {
                violations.Add($"{label}: an upload needs ?uploadType=media|multipart|resumable.");
            }
        }

        CheckRequestBody(request, method, route, label, violations);
        return violations;
    }

    /// <summary>Checks one response to a request.</summary>
    /// <param name="request">The request it answers.</param>
    /// <param name="response">The response.</param>
    /// <returns>The violations; empty when the body fits the method's response schema (or Google's error envelope).</returns>
    public IReadOnlyList<string> CheckResponse(ContractRequest request, ContractResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var violations = new List<string>();
        var match = Match(request);
        if (match is null)
        {
            violations.Add($"{request}: no method in the discovery documents is sent as {request.Method.ToUpperInvariant()} to this path, so its response cannot be checked.");
            return violations;
        }

        var method = match.Value.Method;
        var label = $"{request} -> {response.StatusCode} ({method.Id})";
        if (response.StatusCode >= 400)
        {
            if (!string.IsNullOrWhiteSpace(response.Body))
            {
                CheckJson(response.Body, ErrorEnvelope, method.Schemas, label, violations);
            }

            return violations;
        }

        var schema = method.Definition["response"] as JsonObject;
        if (schema is null)
        {
            if (!string.IsNullOrWhiteSpace(response.Body))
            {
                violations.Add($"{label}: {method.Id} has no response body, but one was sent.");
            }

            return violations;
        }

        if (string.IsNullOrWhiteSpace(response.Body))
        {
            violations.Add($"{label}: {method.Id} returns {Describe(schema)}, but the body is empty.");
            return violations;
        }

        CheckJson(response.Body, schema, method.Schemas, label, violations);
        return violations;
    }

    private static JsonObject ErrorEnvelope { get; } = JsonNode.Parse("""
        {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "code": {"type": "integer"}, "message": {"type": "string"}, "status": {"type": "string"},
            "details": {"type": "array", "items": {"type": "any"}},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "domain": {"type": "string"}, "reason": {"type": "string"}, "message": {"type": "string"},
                "location": {"type": "string"}, "locationType": {"type": "string"}}}}}}}}
        """)!.AsObject();

    private static string Describe(JsonObject schema) => schema["$ref"]?.GetValue<string>() ?? schema["type"]?.GetValue<string>() ?? "a body";

    private static void CheckScalar(JsonObject parameter, string value, string path, string label, List<string> violations)
    {
        var type = parameter["type"]?.GetValue<string>();
        switch (type)
        {
            case "boolean" when value is not ("true" or "false"):
                violations.Add($"{label}: {path} must be true or false (was '{value}').");
                return;
            case "integer":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    violations.Add($"{label}: {path} is not an integer (was '{value}').");
                    return;
                }

                if (parameter["minimum"]?.GetValue<string>() is { } min && number < long.Parse(min, CultureInfo.InvariantCulture))
                {
                    violations.Add($"{label}: {path} is {number}; the minimum is {min}.");
                }

                if (parameter["maximum"]?.GetValue<string>() is { } max && number > long.Parse(max, CultureInfo.InvariantCulture))
                {
                    violations.Add($"{label}: {path} is {number}; the maximum is {max}.");
                }

                return;
        }

        if (parameter["enum"] is JsonArray allowed && !allowed.Any(a => a?.GetValue<string>() == value))
        {
            violations.Add($"{label}: {path} is '{value}'; allowed: {string.Join(", ", allowed.Select(a => a?.GetValue<string>()))}.");
        }
    }

    private static void CheckRequestBody(ContractRequest request, DiscoveryMethod method, DiscoveryRoute route, string label, List<string> violations)
    {
        var schema = method.Definition["request"] as JsonObject;
        if (string.IsNullOrEmpty(request.Body))
        {
            return;
        }

        if (schema is null)
        {
            violations.Add($"{label}: {method.Id} takes no request body, but one was sent.");
            return;
        }

        var contentType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        if (route.IsUpload && contentType?.MediaType == "multipart/related")
        {
            var boundary = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
            var parts = boundary is null ? [] : SplitMultipart(request.Body, boundary);
            if (parts.Count != 2)
            {
                violations.Add($"{label}: a multipart upload has two parts (metadata, then media); found {parts.Count}.");
                return;
            }

            if (!parts[0].ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{label}: the first part of a multipart upload is the JSON metadata (was '{parts[0].ContentType}').");
                return;
            }

            CheckJson(parts[0].Body, schema, method.Schemas, label + " metadata part", violations);
            return;
        }

        if (contentType?.MediaType != "application/json")
        {
            violations.Add($"{label}: the body must be sent as application/json (was '{request.ContentType}').");
            return;
        }

        CheckJson(request.Body, schema, method.Schemas, label, violations);
    }

    private static List<(string ContentType, string Body)> SplitMultipart(string body, string boundary)
    {
        var parts = new List<(string, string)>();
        var delimiter = "--" + boundary;
        foreach (var chunk in body.Split(delimiter, StringSplitOptions.None).Skip(1))
        {
            if (chunk.StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var text = chunk.TrimStart('\r', '\n');
            var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var separator = 4;
            if (split < 0)
            {
                split = text.IndexOf("\n\n", StringComparison.Ordinal);
                separator = 2;
            }

            if (split < 0)
            {
                continue;
            }

            var headers = text[..split].Split('\n').Select(h => h.Trim()).ToList();
            var type = headers.FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim() ?? string.Empty;
            var content = text[(split + separator)..];
            content = content.EndsWith("\r\n", StringComparison.Ordinal) ? content[..^2] : content.TrimEnd('\n');
            parts.Add((type, content));
        }

        return parts;
    }

    private static void CheckJson(string body, JsonObject schema, JsonObject schemas, string label, List<string> violations)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            violations.Add($"{label}: the body is not valid JSON.");
            return;
        }

        var found = new List<string>();
        CheckNode(node, schema, schemas, "$", found, 0);
        violations.AddRange(found.Take(MaxViolationsPerBody).Select(v => $"{label}: {v}"));
    }

    private static void CheckNode(JsonNode? node, JsonObject schema, JsonObject schemas, string path, List<string> violations, int depth)
    {
        if (depth > 64)
        {
            return;
        }

        var name = schema["$ref"]?.GetValue<string>();
        if (name is not null)
        {
            if (schemas[name] is not JsonObject referenced)
            {
                violations.Add($"{path}: the schema '{name}' is not in the discovery document.");
                return;
            }

            schema = referenced;
        }

        if (node is null)
        {
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var kind = node.GetValueKind();
        switch (type)
        {
            case "any" or null when schema["properties"] is null:
                return;
            case "string":
                if (kind != JsonValueKind.String)
                {
                    violations.Add($"{path} must be a string{(schema["format"] is { } f ? $" ({f})" : string.Empty)} (was {kind}).");
                }
                else if (schema["enum"] is JsonArray allowed && !allowed.Any(a => a?.GetValue<string>() == node.GetValue<string>()))
                {
                    violations.Add($"{path} is '{node.GetValue<string>()}'; allowed: {string.Join(", ", allowed.Select(a => a?.GetValue<string>()))}.");
                }

                return;
            case "boolean":
                if (kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    violations.Add($"{path} must be a boolean (was {kind}).");
                }

                return;
            case "integer":
                if (kind != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out _))
                {
                    violations.Add($"{path} must be an integer (was {kind}).");
                }

                return;
            case "number":
                if (kind != JsonValueKind.Number)
                {
                    violations.Add($"{path} must be a number (was {kind}).");
                }

                return;
            case "array":
                if (node is not JsonArray array)
                {
                    violations.Add($"{path} must be an array (was {kind}).");
                    return;
                }

                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        CheckNode(array[i], items, schemas, $"{path}[{i}]", violations, depth + 1);
                    }
                }

                return;
        }

        if (node is not JsonObject obj)
        {
            violations.Add($"{path} must be an object{(name is null ? string.Empty : $" ({name})")} (was {kind}).");
            return;
        }

        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"] as JsonObject;
        foreach (var (field, value) in obj)
        {
            if (properties?[field] is JsonObject property)
            {
                CheckNode(value, property, schemas, $"{path}.{field}", violations, depth + 1);
            }
            else if (additional is not null)
            {
                CheckNode(value, additional, schemas, $"{path}.{field}", violations, depth + 1);
            }
            else
            {
                violations.Add($"{path}.{field} is not a field of {name ?? "this object"}.");
            }
        }
    }

    private (DiscoveryMethod Method, DiscoveryRoute Route, Dictionary<string, string> Captures)? Match(ContractRequest request)
    {
        (DiscoveryMethod, DiscoveryRoute, Dictionary<string, string>)? best = null;
        var bestScore = -1;
        foreach (var method in methods)
        {
            if (!string.Equals(method.HttpMethod, request.Method, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var route in method.Routes)
            {
                var match = route.Pattern.Match(request.Path);
                if (match.Success && route.Literal > bestScore)
                {
                    var captures = route.Names.ToDictionary(n => n, n => match.Groups[DiscoveryRoute.GroupName(n)].Value, StringComparer.Ordinal);
                    best = (method, route, captures);
                    bestScore = route.Literal;
                }
            }
        }

        return best;
    }

    private void Collect(JsonObject? resources, string api, string rootPath, string servicePath, JsonObject common, JsonObject schemas)
    {
        if (resources is null)
        {
            return;
        }

        foreach (var (_, resourceNode) in resources)
        {
            if (resourceNode is not JsonObject resource)
            {
                continue;
            }

            foreach (var (methodName, methodNode) in resource["methods"] as JsonObject ?? [])
            {
                if (methodNode is not JsonObject definition)
                {
                    continue;
                }

                var id = definition["id"]?.GetValue<string>() ?? $"{api}.{methodName}";
                var parameters = (definition["parameters"] as JsonObject ?? []).Where(p => p.Value is JsonObject).ToDictionary(p => p.Key, p => (JsonObject)p.Value!, StringComparer.Ordinal);
                var routes = new List<DiscoveryRoute>();
                foreach (var key in new[] { "path", "flatPath" })
                {
                    if (definition[key]?.GetValue<string>() is { } relative)
                    {
                        routes.Add(DiscoveryRoute.Create(rootPath + servicePath + relative, isUpload: false));
                    }
                }

                foreach (var (_, protocol) in definition["mediaUpload"]?["protocols"] as JsonObject ?? [])
                {
                    if (protocol?["path"]?.GetValue<string>() is { } uploadPath)
                    {
                        routes.Add(DiscoveryRoute.Create(rootPath.TrimEnd('/') + uploadPath, isUpload: true));
                    }
                }

                methods.Add(new DiscoveryMethod(id, definition["httpMethod"]?.GetValue<string>() ?? "GET", definition, parameters, common, schemas, routes));
            }

            Collect(resource["resources"] as JsonObject, api, rootPath, servicePath, common, schemas);
        }
    }

    private sealed record DiscoveryMethod(string Id, string HttpMethod, JsonObject Definition, Dictionary<string, JsonObject> Parameters, JsonObject Common, JsonObject Schemas, List<DiscoveryRoute> Routes);

    private sealed record DiscoveryRoute(Regex Pattern, List<string> Names, int Literal, bool IsUpload)
    {
        public static DiscoveryRoute Create(string template, bool isUpload)
        {
            var pattern = new StringBuilder("^");
            var names = new List<string>();
            var literal = 0;
            var position = 0;
            foreach (Match parameter in Regex.Matches(template, @"\{(\+?)([A-Za-z0-9_.]+)\}"))
            {
                var text = template[position..parameter.Index];
                pattern.Append(Regex.Escape(text));
                literal += text.Length;
                names.Add(parameter.Groups[2].Value);

                // {+name} is a reserved expansion: it may span slashes.
                pattern.Append(CultureInfo.InvariantCulture, $"(?<{GroupName(parameter.Groups[2].Value)}>{(parameter.Groups[1].Value == "+" ? ".+" : "[^/]+")})");
                position = parameter.Index + parameter.Length;
            }

            var rest = template[position..];
            pattern.Append(Regex.Escape(rest)).Append('$');
            literal += rest.Length;
            return new DiscoveryRoute(new Regex(pattern.ToString(), RegexOptions.CultureInvariant), names, literal, isUpload);
        }

        public static string GroupName(string name) => name.Replace('.', '_');
    }
}
