using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoCreation.Sdk.Testing;

/// <summary>Checking query options, JSON bodies and JSON batches.</summary>
public sealed partial class CsdlContract
{
    private const int MaxProblemsPerBody = 25;
    private const int MaxBatchRequests = 20;
    private static readonly HashSet<string> BatchRequestFields = new(StringComparer.Ordinal) { "id", "method", "url", "headers", "body", "dependsOn", "atomicityGroup" };
    private static readonly HashSet<string> BatchMethods = new(StringComparer.Ordinal) { "GET", "POST", "PATCH", "PUT", "DELETE" };

    private void CheckQuery(ContractRequest request, Target target, string label, List<string> problems)
    {
        var resource = target.ResourceType is { } resourceRef ? model.FindStructured(resourceRef.Name) : null;
        var custom = CustomQueryOptions(target);
        var paging = request.Query.ContainsKey("$skiptoken") || request.Query.ContainsKey("$deltatoken");
        if (request.Method.Equals("GET", StringComparison.OrdinalIgnoreCase) && target.Kind is TargetKind.EntitySet or TargetKind.Collection or TargetKind.Function && !paging)
        {
            foreach (var (name, _) in custom.Where(c => c.Value && !request.Query.ContainsKey(c.Key)))
            {
                problems.Add($"{label}: ?{name} is required by {target.Describe()}.");
            }
        }

        foreach (var (name, values) in request.Query)
        {
            if (values.Count > 1)
            {
                problems.Add($"{label}: ?{name} is sent {values.Count} times.");
            }

            var value = values.Count > 0 ? values[0] : string.Empty;
            if (name.StartsWith('$'))
            {
                if (!SystemQueryOptions.Contains(name))
                {
                    problems.Add($"{label}: ?{name} is not an OData system query option Graph knows ({string.Join(", ", SystemQueryOptions.Order(StringComparer.Ordinal))}).");
                    continue;
                }

                if (Restricted(target, r => r.RefusedOptions, name) is { } refusal)
                {
                    problems.Add($"{label}: ?{name} is not supported on {target.Describe()}: the metadata says {refusal}.");
                    continue;
                }

                CheckSystemOption(name, value, target, resource, label, problems);
            }
            else if (name.StartsWith('@'))
            {
                if (!target.Aliases.Contains(name) && !name.StartsWith("@microsoft.graph.", StringComparison.Ordinal))
                {
                    problems.Add($"{label}: ?{name} is neither a parameter alias used in the path nor a @microsoft.graph.* instance annotation.");
                }
            }
            else if (!custom.ContainsKey(name) && (target.Kind != TargetKind.Function || target.Operation!.Parameters.All(p => p.Name != name)))
            {
                var declared = custom.Count == 0 ? string.Empty : $" nor one of the custom query options declared here ({string.Join(", ", custom.Keys)})";
                problems.Add($"{label}: ?{name} is not an OData system query option{(target.Kind == TargetKind.Function ? $" nor a parameter of {target.Operation!.FullName}" : string.Empty)}{declared}.");
            }
        }
    }

    private static void CheckSystemOption(string name, string value, Target target, CsdlStructuredType? resource, string label, List<string> problems)
    {
        switch (name)
        {
            case "$top" or "$skip" when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                problems.Add($"{label}: ?{name} must be a non-negative integer (was '{value}').");
                return;
            case "$count" when value is not ("true" or "false"):
                problems.Add($"{label}: ?$count must be true or false (was '{value}').");
                return;
            case "$select" or "$expand" when resource is null:
                problems.Add($"{label}: ?{name} does not apply to {target.Describe()}, which returns no entity or complex type.");
                return;
            case "$select":
                foreach (var item in SplitTopLevel(value, ','))
                {
                    if (item != "*" && !item.Contains('/', StringComparison.Ordinal) && resource!.FindProperty(item) is null && resource.FindNavigation(item) is null)
                    {
                        problems.Add($"{label}: ?$select names '{item}', which is not a property of {resource}.");
                    }
                }

                return;
            case "$expand":
                foreach (var item in SplitTopLevel(value, ','))
                {
                    var member = item.Split('(', '/', ';')[0].Trim();
                    if (member != "*" && resource!.FindNavigation(member) is null)
                    {
                        problems.Add($"{label}: ?$expand names '{member}', which is not a navigation property of {resource}.");
                    }
                }

                return;
        }
    }

    private void CheckBody(ContractRequest request, string method, Target target, string label, List<string> problems)
    {
        var hasBody = !string.IsNullOrWhiteSpace(request.Body);
        if (method is "GET" or "DELETE")
        {
            if (hasBody)
            {
                problems.Add($"{label}: a {method} request carries no body, but one was sent.");
            }

            return;
        }

        if (target.Kind is TargetKind.Stream or TargetKind.Value)
        {
            return;
        }

        if (!hasBody)
        {
            switch (target.Kind)
            {
                case TargetKind.Action:
                    CheckActionParameters(target.Operation!, new JsonObject(), label, problems);
                    break;
                case TargetKind.EntitySet or TargetKind.Collection when method == "POST":
                    problems.Add($"{label}: creating a {target.Type} needs a JSON body, but none was sent.");
                    break;
                case TargetKind.Entity or TargetKind.Singleton when method == "PATCH":
                    problems.Add($"{label}: an update of {target.Type} needs a JSON body, but none was sent.");
                    break;
                case TargetKind.Ref when method is "POST" or "PUT":
                    problems.Add($"{label}: a reference is set with a body {{\"@odata.id\": \"...\"}}, but none was sent.");
                    break;
            }

            return;
        }

        if (request.ContentType is { } contentType && (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType != "application/json"))
        {
            problems.Add($"{label}: the body must be sent as application/json (was '{contentType}').");
            return;
        }

        if (!TryParseObject(request.Body!, out var body))
        {
            problems.Add($"{label}: the body is not a JSON object.");
            return;
        }

        var found = new List<string>();
        switch (target.Kind)
        {
            case TargetKind.Action:
                CheckActionParameters(target.Operation!, body, label, problems);
                return;
            case TargetKind.Ref:
                if (body["@odata.id"] is not JsonValue id || id.GetValueKind() != JsonValueKind.String || body.Count != 1)
                {
                    problems.Add($"{label}: a reference body holds exactly one string \"@odata.id\".");
                }

                return;
            case TargetKind.EntitySet or TargetKind.Collection or TargetKind.Entity or TargetKind.Singleton:
                CheckObject(body, target.Type!, "$", found, 0);
                break;
            default:
                found.Add($"{target.Describe()} takes no JSON body.");
                break;
        }

        problems.AddRange(found.Take(MaxProblemsPerBody).Select(p => $"{label}: body {p}"));
    }

    private void CheckActionParameters(CsdlOperation action, JsonObject body, string label, List<string> problems)
    {
        var found = new List<string>();
        foreach (var (key, value) in body)
        {
            if (key.StartsWith('@'))
            {
                CheckAnnotationName(key, "$." + key, found);
                continue;
            }

            var parameter = action.Parameters.FirstOrDefault(p => p.Name == key);
            if (parameter is null)
            {
                var known = action.Parameters.Count == 0 ? "it takes none" : "it takes " + string.Join(", ", action.Parameters.Select(p => p.Name));
                found.Add($"$.{key} is not a parameter of the action {action.FullName} ({known}).");
                continue;
            }

            CheckValue(value, parameter.Type, parameter.Nullable, "$." + key, found, 0);
        }

        foreach (var parameter in action.Parameters.Where(p => !p.Nullable && !body.ContainsKey(p.Name)))
        {
            found.Add($"the required parameter '{parameter.Name}' ({parameter.Type}) of the action {action.FullName} is missing.");
        }

        problems.AddRange(found.Take(MaxProblemsPerBody).Select(p => $"{label}: body {p}"));
    }

    private void CheckObject(JsonObject obj, CsdlStructuredType type, string path, List<string> found, int depth, bool response = false)
    {
        if (depth > 32)
        {
            return;
        }

        if (obj["@odata.type"] is JsonValue odataType && odataType.TryGetValue<string>(out var typeName))
        {
            var derived = model.FindStructured(model.Qualify(typeName.TrimStart('#')));
            if (derived is null || !derived.IsOrDerivesFrom(type.FullName))
            {
                found.Add($"{path}.@odata.type '{typeName}' is not {type} or a type derived from it.");
                return;
            }

            type = derived;
        }

        if (type.IsAbstract && !response)
        {
            found.Add($"{path} is of the abstract type {type}; name a concrete type with @odata.type.");
        }

        foreach (var (key, value) in obj)
        {
            var at = key.IndexOf('@', StringComparison.Ordinal);
            if (at >= 0)
            {
                var annotated = key[..at];
                if (annotated.Length > 0 && type.FindProperty(annotated) is null && type.FindNavigation(annotated) is null)
                {
                    found.Add($"{path}.{key} annotates '{annotated}', which is not a property of {type}.");
                }

                if (!(response && key == "@removed"))
                {
                    CheckAnnotationName(key[at..], $"{path}.{key}", found);
                }

                continue;
            }

            if (type.FindProperty(key) is { } property)
            {
                CheckValue(value, property.Type, property.Nullable || response, $"{path}.{key}", found, depth + 1, response);
            }
            else if (type.FindNavigation(key) is { } navigation)
            {
                CheckValue(value, navigation.Type, nullable: true, $"{path}.{key}", found, depth + 1, response);
            }
            else if (!(response && type.IsOpen))
            {
                found.Add($"{path}.{key} is not a property of {type} or its base types.");
            }
        }
    }

    private static void CheckAnnotationName(string annotation, string path, List<string> found)
    {
        if (!annotation.StartsWith("@odata.", StringComparison.Ordinal) && !annotation.StartsWith("@microsoft.graph.", StringComparison.Ordinal))
        {
            found.Add($"{path} is an annotation outside the @odata.* and @microsoft.graph.* namespaces.");
        }
    }

    private void CheckValue(JsonNode? node, CsdlTypeRef type, bool nullable, string path, List<string> found, int depth, bool response = false)
    {
        if (node is null)
        {
            if (!nullable)
            {
                found.Add($"{path} is null, but {type} is not nullable here.");
            }

            return;
        }

        if (type.IsCollection)
        {
            if (node is not JsonArray array)
            {
                found.Add($"{path} must be an array ({type}), was {node.GetValueKind()}.");
                return;
            }

            var element = type with { IsCollection = false };
            for (var i = 0; i < array.Count; i++)
            {
                CheckValue(array[i], element, nullable: true, $"{path}[{i}]", found, depth + 1, response);
            }

            return;
        }

        if (model.FindStructured(type.Name) is { } structured)
        {
            if (node is JsonObject obj)
            {
                CheckObject(obj, structured, path, found, depth, response);
            }
            else
            {
                found.Add($"{path} must be an object ({structured}), was {node.GetValueKind()}.");
            }

            return;
        }

        var kind = node.GetValueKind();
        if (model.EnumTypes.TryGetValue(type.Name, out var enumType))
        {
            var text = kind == JsonValueKind.String ? node.GetValue<string>() : null;
            var members = text is null ? [] : enumType.IsFlags ? text.Split(',', StringSplitOptions.TrimEntries) : [text];
            if (text is null || members.Any(m => !enumType.Members.Contains(m)))
            {
                found.Add($"{path} must be a member of {enumType.FullName} ({string.Join(", ", enumType.Members.Take(12))}{(enumType.Members.Count > 12 ? ", ..." : string.Empty)}), was {node.ToJsonString()}.");
            }

            return;
        }

        var ok = type.Name switch
        {
            "Edm.String" or "Edm.Guid" or "Edm.Date" or "Edm.Duration" or "Edm.TimeOfDay" or "Edm.Binary" => kind == JsonValueKind.String,
            "Edm.DateTimeOffset" => kind == JsonValueKind.String && DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
            "Edm.Boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "Edm.Byte" or "Edm.SByte" or "Edm.Int16" or "Edm.Int32" => kind == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out _),
            "Edm.Int64" => (kind == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out _)) || (kind == JsonValueKind.String && long.TryParse(node.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)),
            "Edm.Double" or "Edm.Single" or "Edm.Decimal" => kind is JsonValueKind.Number or JsonValueKind.String,
            _ => true,
        };
        if (!ok)
        {
            found.Add($"{path} must be {type.Name}, was {node.ToJsonString()}.");
        }
    }

    private static bool TryParseObject(string text, out JsonObject body)
    {
        body = [];
        try
        {
            if (JsonNode.Parse(text) is JsonObject obj)
            {
                body = obj;
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private void CheckBatch(ContractRequest request, string label, List<string> problems)
    {
        if (request.ContentType is { } contentType && (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType != "application/json"))
        {
            problems.Add($"{label}: a JSON batch is sent as application/json (was '{contentType}').");
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Body) || !TryParseObject(request.Body, out var body))
        {
            problems.Add($"{label}: a JSON batch body is an object {{\"requests\": [...]}}.");
            return;
        }

        foreach (var key in body.Select(p => p.Key).Where(k => k != "requests"))
        {
            problems.Add($"{label}: '{key}' is not a field of a JSON batch (only 'requests').");
        }

        if (body["requests"] is not JsonArray requests || requests.Count == 0)
        {
            problems.Add($"{label}: a JSON batch needs a non-empty 'requests' array.");
            return;
        }

        if (requests.Count > MaxBatchRequests)
        {
            problems.Add($"{label}: a JSON batch holds at most {MaxBatchRequests} requests, this one {requests.Count}.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requests.Count; i++)
        {
            CheckBatchRequest(requests[i], i, ids, label, problems);
        }
    }

    private void CheckBatchRequest(JsonNode? node, int index, HashSet<string> ids, string label, List<string> problems)
    {
        if (node is not JsonObject inner)
        {
            problems.Add($"{label}: requests[{index}] is not an object.");
            return;
        }

        var id = inner["id"] is JsonValue idValue && idValue.GetValueKind() == JsonValueKind.String ? idValue.GetValue<string>() : null;
        var where = $"{label}: batch request {(id is null ? $"[{index}]" : $"'{id}'")}";
        foreach (var key in inner.Select(p => p.Key).Where(k => !BatchRequestFields.Contains(k)))
        {
            problems.Add($"{where}: '{key}' is not a field of a batch request ({string.Join(", ", BatchRequestFields)}).");
        }

        if (string.IsNullOrEmpty(id))
        {
            problems.Add($"{where}: 'id' must be a non-empty string.");
        }
        else if (!ids.Add(id))
        {
            problems.Add($"{where}: the id is used twice.");
        }

        foreach (var dependency in inner["dependsOn"] as JsonArray ?? [])
        {
            var name = dependency is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (name is null || name == id || !ids.Contains(name))
            {
                problems.Add($"{where}: dependsOn names '{dependency?.ToJsonString()}', which is not an earlier request of the batch.");
            }
        }

        var method = inner["method"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
        var url = inner["url"] is JsonValue u && u.GetValueKind() == JsonValueKind.String ? u.GetValue<string>() : null;
        if (method is null || !BatchMethods.Contains(method.ToUpperInvariant()))
        {
            problems.Add($"{where}: 'method' must be one of {string.Join(", ", BatchMethods)} (was {inner["method"]?.ToJsonString() ?? "missing"}).");
            return;
        }

        if (string.IsNullOrEmpty(url) || Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            problems.Add($"{where}: 'url' must be a path relative to the version, for example /users (was {inner["url"]?.ToJsonString() ?? "missing"}).");
            return;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (inner["headers"] is JsonObject headerObject)
        {
            foreach (var (name, value) in headerObject)
            {
                headers[name] = value is JsonValue hv && hv.GetValueKind() == JsonValueKind.String ? hv.GetValue<string>() : value?.ToJsonString() ?? string.Empty;
            }
        }
        else if (inner["headers"] is not null)
        {
            problems.Add($"{where}: 'headers' must be an object.");
        }

        string? body = null;
        if (inner["body"] is { } bodyNode)
        {
            if (!headers.ContainsKey("Content-Type"))
            {
                problems.Add($"{where}: a request with a body needs a Content-Type header in 'headers'.");
            }

            body = bodyNode is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : bodyNode.ToJsonString();
        }

        var question = url.IndexOf('?', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(question < 0 ? url : url[..question]);
        var innerRequest = new ContractRequest(method, BasePath + "/" + path.TrimStart('/'))
        {
            Query = ContractRequest.ParseQuery(question < 0 ? null : url[(question + 1)..]),
            Headers = headers,
            ContentType = headers.GetValueOrDefault("Content-Type"),
            Body = body,
        };
        Check(innerRequest, $"{where} ({innerRequest})", problems, depth: 1);
    }
}
