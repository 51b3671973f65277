using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoCreation.Sdk.Testing;

/// <summary>Checking response bodies, for fakes that answer like Graph.</summary>
public sealed partial class CsdlContract
{
    private static readonly HashSet<string> ErrorFields = new(StringComparer.Ordinal) { "code", "message", "target", "details", "innerError", "innererror" };
    private static readonly HashSet<string> BatchResponseFields = new(StringComparer.Ordinal) { "id", "status", "headers", "body" };

    /// <summary>Checks the JSON body of a response to a request, for example one a Graph fake sent.</summary>
    /// <param name="request">The request it answers.</param>
    /// <param name="response">The response.</param>
    /// <returns>
    /// One line per problem; empty when the body fits what the request addresses: an entity (its properties and
    /// annotations), a collection (<c>{"value": [...]}</c> with <c>@odata.nextLink</c>/<c>@odata.deltaLink</c>), an
    /// action's or function's return type, a batch's <c>responses</c> (each checked against its request), or Graph's
    /// error envelope <c>{"error": {"code", "message"}}</c> for 4xx and 5xx. Bodies that are not JSON are not inspected,
    /// a <c>null</c> in a non-nullable property is tolerated (Graph sends them), and open types (<c>OpenType="true"</c>,
    /// for example <c>identity</c>) may carry properties the document does not declare, as the service sends them.
    /// </returns>
    public IReadOnlyList<string> CheckResponse(ContractRequest request, ContractResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var problems = new List<string>();
        CheckResponse(request, response.StatusCode, response.ContentType, response.Body, $"{request} -> {response.StatusCode}", problems, depth: 0);
        return problems;
    }

    private void CheckResponse(ContractRequest request, int status, string? contentType, string? body, string label, List<string> problems, int depth)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return;
        }

        if (contentType is not null && (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not ("application/json" or "text/json")))
        {
            return;
        }

        if (!TryParseObject(body, out var json))
        {
            problems.Add($"{label}: the body is not a JSON object.");
            return;
        }

        if (status >= 400)
        {
            CheckError(json, label, problems);
            return;
        }

        if (!TryStripBase(request.Path, out var relative) || Resolve(relative, request.Query.Keys.Where(k => !k.StartsWith('$') && !k.StartsWith('@')).ToHashSet(StringComparer.Ordinal), out _) is not { } target)
        {
            problems.Add($"{label}: the response cannot be checked, the request does not fit the metadata.");
            return;
        }

        var found = new List<string>();
        var method = request.Method.ToUpperInvariant();
        switch (target.Kind)
        {
            case TargetKind.Batch when depth == 0:
                CheckBatchResponse(request, json, label, problems);
                return;
            case TargetKind.EntitySet or TargetKind.Collection when method == "GET":
                CheckCollection(json, new CsdlTypeRef(target.Type!.FullName, IsCollection: true), found);
                break;
            case TargetKind.EntitySet or TargetKind.Collection or TargetKind.Entity or TargetKind.Singleton:
                CheckObject(json, target.Type!, "$", found, 0, response: true);
                break;
            case TargetKind.Action or TargetKind.Function when target.Operation!.ReturnType is null:
                found.Add($"the {target.Operation.Kind} {target.Operation.FullName} returns nothing, but a body was sent.");
                break;
            case TargetKind.Action or TargetKind.Function when target.Operation!.ReturnType is { IsCollection: true } many:
                CheckCollection(json, many, found);
                break;
            case TargetKind.Action or TargetKind.Function when model.FindStructured(target.Operation!.ReturnType!.Name) is { } single:
                CheckObject(json, single, "$", found, 0, response: true);
                break;
            case TargetKind.Action or TargetKind.Function:
                CheckEnvelope(json, "value", target.Operation!.ReturnType!, found);
                break;
        }

        problems.AddRange(found.Take(MaxProblemsPerBody).Select(p => $"{label}: body {p}"));
    }

    private void CheckCollection(JsonObject json, CsdlTypeRef type, List<string> found)
    {
        if (json["value"] is not JsonArray)
        {
            found.Add($"a collection of {type.Name} is sent as {{\"value\": [...]}}, but $.value is {(json["value"] is null ? "missing" : "not an array")}.");
            return;
        }

        CheckEnvelope(json, "value", type, found);
    }

    private void CheckEnvelope(JsonObject json, string member, CsdlTypeRef type, List<string> found)
    {
        foreach (var (key, value) in json)
        {
            if (key == member)
            {
                CheckValue(value, type, nullable: true, "$." + key, found, 0, response: true);
            }
            else if (key.StartsWith('@'))
            {
                CheckAnnotationName(key, "$." + key, found);
            }
            else
            {
                found.Add($"$.{key} is not part of a response holding {type} (only '{member}' and @odata.* annotations).");
            }
        }
    }

    private static void CheckError(JsonObject json, string label, List<string> problems)
    {
        if (json.Count != 1 || json["error"] is not JsonObject error)
        {
            problems.Add($"{label}: an error body is {{\"error\": {{\"code\", \"message\"}}}}; this one has {string.Join(", ", json.Select(p => p.Key))}.");
            return;
        }

        foreach (var field in new[] { "code", "message" })
        {
            if (error[field] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
            {
                problems.Add($"{label}: error.{field} must be a string.");
            }
        }

        foreach (var key in error.Select(p => p.Key).Where(k => !ErrorFields.Contains(k)))
        {
            problems.Add($"{label}: error.{key} is not a field of Graph's error ({string.Join(", ", ErrorFields)}).");
        }
    }

    private void CheckBatchResponse(ContractRequest request, JsonObject json, string label, List<string> problems)
    {
        var inner = new Dictionary<string, ContractRequest>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(request.Body) && TryParseObject(request.Body, out var batch) && batch["requests"] is JsonArray requests)
        {
            foreach (var node in requests.OfType<JsonObject>())
            {
                if (node["id"]?.GetValueKind() == JsonValueKind.String && node["method"]?.GetValueKind() == JsonValueKind.String && node["url"]?.GetValueKind() == JsonValueKind.String)
                {
                    var url = node["url"]!.GetValue<string>();
                    var question = url.IndexOf('?', StringComparison.Ordinal);
                    inner[node["id"]!.GetValue<string>()] = new ContractRequest(node["method"]!.GetValue<string>(), BasePath + "/" + Uri.UnescapeDataString(question < 0 ? url : url[..question]).TrimStart('/'))
                    {
                        Query = ContractRequest.ParseQuery(question < 0 ? null : url[(question + 1)..]),
                    };
                }
            }
        }

        foreach (var key in json.Select(p => p.Key).Where(k => k != "responses" && !k.StartsWith('@')))
        {
            problems.Add($"{label}: '{key}' is not a field of a JSON batch response (only 'responses').");
        }

        if (json["responses"] is not JsonArray responses)
        {
            problems.Add($"{label}: a JSON batch response holds a 'responses' array.");
            return;
        }

        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, index) in responses.Select((n, i) => (n, i)))
        {
            if (node is not JsonObject item)
            {
                problems.Add($"{label}: responses[{index}] is not an object.");
                continue;
            }

            foreach (var key in item.Select(p => p.Key).Where(k => !BatchResponseFields.Contains(k)))
            {
                problems.Add($"{label}: responses[{index}].{key} is not a field of a batch response ({string.Join(", ", BatchResponseFields)}).");
            }

            var id = item["id"]?.GetValueKind() == JsonValueKind.String ? item["id"]!.GetValue<string>() : null;
            if (id is null || !inner.TryGetValue(id, out var innerRequest))
            {
                problems.Add($"{label}: responses[{index}] answers '{id ?? "no id"}', which is not the id of a request in the batch.");
                continue;
            }

            if (!answered.Add(id))
            {
                problems.Add($"{label}: request '{id}' is answered twice.");
            }

            if (item["status"] is not JsonValue status || !status.TryGetValue<int>(out var code) || code is < 100 or > 599)
            {
                problems.Add($"{label}: responses[{index}].status must be an HTTP status code.");
                continue;
            }

            var headers = item["headers"] as JsonObject;
            var contentType = headers?.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value?.ToString();
            var body = item["body"] switch
            {
                null => null,
                JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
                var other => other.ToJsonString(),
            };
            CheckResponse(innerRequest, code, item["body"] is JsonObject ? contentType ?? "application/json" : contentType ?? "application/octet-stream", body, $"{label} response '{id}' ({innerRequest} -> {code.ToString(CultureInfo.InvariantCulture)})", problems, depth: 1);
        }

        foreach (var missing in inner.Keys.Where(k => !answered.Contains(k)))
        {
            problems.Add($"{label}: request '{missing}' of the batch has no response.");
        }
    }
}
