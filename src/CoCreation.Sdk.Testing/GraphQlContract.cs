using System.Text.Json;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Checks GraphQL traffic against a schema: that a request's document is valid for the schema (fields, arguments,
/// variables, fragments, selection sets, operations), that its <c>variables</c> fit the declared types, and that a
/// response's <c>data</c> has the shape the selection asks for.
/// </summary>
/// <remarks>
/// <para>
/// Load the schema from the result of the standard introspection query run against the real server (a checked-in
/// <c>{"data":{"__schema":…}}</c> or <c>{"__schema":…}</c> file) or from SDL text. Adapter tests capture what the adapter
/// sent (for example the bodies in a WireMock.Net log) and assert that <see cref="CheckRequests(IEnumerable{string})"/>
/// returns no violations, and check the stubbed answers with <see cref="CheckResponse(string, JsonElement?, JsonElement, string?)"/>.
/// </para>
/// <para>
/// The built-in scalars are checked strictly: <c>Int</c> is a 32-bit integer, <c>Float</c> any number, <c>String</c> a
/// string, <c>Boolean</c> a boolean, and <c>ID</c> a string or an integer in input (a string in responses). Custom scalars
/// (<c>DateTime</c>, <c>JSON</c>, <c>Money</c>, …) accept any literal or JSON value, since their format is the server's own.
/// Enums accept only their values. Fields with the same response key are compared within each
/// selection set (names, arguments, type shape) but their sub-selections are not merged across fields. Not checked:
/// deprecation, repeated non-repeatable directives, and the semantics of custom scalars.
/// </para>
/// <para>Messages name types, fields and enum values but never echo variable values or string literals (they may hold passwords or tokens).</para>
/// <para>Instances are immutable after loading and safe for concurrent use.</para>
/// </remarks>
public sealed partial class GraphQlContract
{
    private readonly GqlSchema schema;

    private GraphQlContract(GqlSchema schema)
    {
        this.schema = schema;
    }

    /// <summary>The name of the query root type, for example <c>Query</c>.</summary>
    public string QueryTypeName => schema.QueryType!;

    /// <summary>The name of the mutation root type, or <see langword="null"/> when the schema accepts no mutations.</summary>
    public string? MutationTypeName => schema.MutationType;

    /// <summary>The name of the subscription root type, or <see langword="null"/> when the schema has no subscriptions.</summary>
    public string? SubscriptionTypeName => schema.SubscriptionType;

    /// <summary>The names of every type in the schema, including the built-in scalars.</summary>
    public IReadOnlyCollection<string> TypeNames => schema.Types.Keys;

    /// <summary>Loads a schema from a file: an introspection result in JSON, or SDL.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">The file is neither an introspection result nor a valid SDL schema.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GraphQlContract Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses a schema: an introspection result in JSON (text starting with <c>{</c> or <c>[</c>), otherwise SDL.</summary>
    /// <param name="text">The introspection JSON or the SDL.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">The text is neither an introspection result nor a valid SDL schema.</exception>
    public static GraphQlContract Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        if (!trimmed.StartsWith('{') && !trimmed.StartsWith('['))
        {
            return new GraphQlContract(GqlSchema.FromSdl(text));
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The introspection result is not valid JSON.", ex);
        }
    }

    /// <summary>Reads a schema from an introspection result already parsed.</summary>
    /// <param name="introspection">The result: <c>{"data":{"__schema":…}}</c> or <c>{"__schema":…}</c>.</param>
    /// <returns>The contract.</returns>
    /// <exception cref="FormatException">The element is not an introspection result.</exception>
    public static GraphQlContract Parse(JsonElement introspection) => new(GqlSchema.FromIntrospection(introspection));

    /// <summary>Checks one request: its document against the schema and its variables against the operation's declarations.</summary>
    /// <param name="query">The GraphQL document.</param>
    /// <param name="variables">The <c>variables</c> object sent with it, if any.</param>
    /// <param name="operationName">The <c>operationName</c> sent with it, if any; required when the document has several operations.</param>
    /// <returns>The violations; empty when the request fits the schema.</returns>
    public IReadOnlyList<GraphQlViolation> CheckRequest(string query, JsonElement? variables = null, string? operationName = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new RequestValidator(schema).Run(query, variables, operationName);
    }

    /// <summary>Checks one request.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The violations; empty when the request fits the schema.</returns>
    public IReadOnlyList<GraphQlViolation> CheckRequest(GraphQlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CheckRequest(request.Query, request.Variables, request.OperationName);
    }

    /// <summary>Checks many requests, for example every request a fake server logged.</summary>
    /// <param name="requests">The requests.</param>
    /// <returns>The violations of all requests, each with <see cref="GraphQlViolation.RequestIndex"/> set; empty when all fit.</returns>
    public IReadOnlyList<GraphQlViolation> CheckRequests(IEnumerable<GraphQlRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var violations = new List<GraphQlViolation>();
        var index = 0;
        foreach (var request in requests)
        {
            var at = index++;
            violations.AddRange(CheckRequest(request).Select(v => v with { RequestIndex = at }));
        }

        return violations;
    }

    /// <summary>Checks many GraphQL-over-HTTP JSON bodies (<c>{"query", "variables", "operationName"}</c> or a batch array of them).</summary>
    /// <param name="bodies">The request bodies, for example <c>server.LogEntries.Select(e =&gt; e.RequestMessage.Body)</c>.</param>
    /// <returns>
    /// The violations, each with <see cref="GraphQlViolation.RequestIndex"/> set to the body's position; a body that is not
    /// such JSON gives one <see cref="GraphQlViolationKind.InvalidRequestBody"/>.
    /// </returns>
    public IReadOnlyList<GraphQlViolation> CheckRequests(IEnumerable<string> bodies)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var violations = new List<GraphQlViolation>();
        var index = 0;
        foreach (var body in bodies)
        {
            var at = index++;
            IReadOnlyList<GraphQlRequest> requests;
            try
            {
                requests = GraphQlRequest.FromJson(body ?? string.Empty);
            }
            catch (FormatException ex)
            {
                violations.Add(new GraphQlViolation(GraphQlViolationKind.InvalidRequestBody, "body", ex.Message) { RequestIndex = at });
                continue;
            }

            foreach (var request in requests)
            {
                violations.AddRange(CheckRequest(request).Select(v => v with { RequestIndex = at }));
            }
        }

        return violations;
    }

    /// <summary>Checks a response (for example a stubbed one) against the selection of the request it answers.</summary>
    /// <param name="query">The request's GraphQL document.</param>
    /// <param name="variables">The request's variables (they decide <c>@skip</c> and <c>@include</c>).</param>
    /// <param name="responseData">
    /// The response's <c>data</c>, or the whole response body <c>{"data", "errors", "extensions"}</c>. A body whose
    /// <c>data</c> is <see langword="null"/> or absent is an error response and is accepted as it is.
    /// </param>
    /// <param name="operationName">The request's <c>operationName</c>, if any.</param>
    /// <returns>
    /// The violations; empty when every selected field is present with a value of its type (honouring aliases, fragments,
    /// nullability, lists, scalar kinds, enum values and <c>__typename</c>) and no field was added. When the request itself
    /// breaks the schema, its violations are returned instead.
    /// </returns>
    public IReadOnlyList<GraphQlViolation> CheckResponse(string query, JsonElement? variables, JsonElement responseData, string? operationName = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validator = new RequestValidator(schema);
        var requestViolations = validator.Run(query, variables, operationName);
        if (requestViolations.Count > 0)
        {
            return requestViolations;
        }

        var root = schema.RootType(validator.Selected!.Operation)!;
        var data = responseData;
        if (data.ValueKind == JsonValueKind.Object && IsEnvelope(data, root))
        {
            if (!data.TryGetProperty("data", out data) || data.ValueKind == JsonValueKind.Null)
            {
                return [];
            }
        }

        return new ResponseValidator(schema, validator.Fragments, variables).Run(validator.Selected!, root, data);
    }

    /// <summary>Checks a response against the selection of the request it answers.</summary>
    /// <param name="request">The request.</param>
    /// <param name="responseData">The response's <c>data</c>, or the whole response body.</param>
    /// <returns>The violations, as <see cref="CheckResponse(string, JsonElement?, JsonElement, string?)"/> gives them.</returns>
    public IReadOnlyList<GraphQlViolation> CheckResponse(GraphQlRequest request, JsonElement responseData)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CheckResponse(request.Query, request.Variables, responseData, request.OperationName);
    }

    /// <summary>Throws when a request breaks the schema.</summary>
    /// <param name="query">The GraphQL document.</param>
    /// <param name="variables">The <c>variables</c> object, if any.</param>
    /// <param name="operationName">The <c>operationName</c>, if any.</param>
    /// <exception cref="GraphQlContractException">The request breaks the schema; the exception lists why.</exception>
    public void EnsureValidRequest(string query, JsonElement? variables = null, string? operationName = null)
        => ThrowIfAny(CheckRequest(query, variables, operationName));

    /// <summary>Throws when any of the requests breaks the schema.</summary>
    /// <param name="requests">The requests.</param>
    /// <exception cref="GraphQlContractException">A request breaks the schema; the exception lists every violation.</exception>
    public void EnsureValidRequests(IEnumerable<GraphQlRequest> requests) => ThrowIfAny(CheckRequests(requests));

    /// <summary>Throws when any of the request bodies breaks the schema.</summary>
    /// <param name="bodies">The GraphQL-over-HTTP JSON bodies.</param>
    /// <exception cref="GraphQlContractException">A body is unreadable or breaks the schema; the exception lists every violation.</exception>
    public void EnsureValidRequests(IEnumerable<string> bodies) => ThrowIfAny(CheckRequests(bodies));

    /// <summary>Throws when a response does not match the selection of its request.</summary>
    /// <param name="query">The request's GraphQL document.</param>
    /// <param name="variables">The request's variables.</param>
    /// <param name="responseData">The response's <c>data</c> or whole body.</param>
    /// <param name="operationName">The request's <c>operationName</c>, if any.</param>
    /// <exception cref="GraphQlContractException">The response (or the request) breaks the schema; the exception lists why.</exception>
    public void EnsureValidResponse(string query, JsonElement? variables, JsonElement responseData, string? operationName = null)
        => ThrowIfAny(CheckResponse(query, variables, responseData, operationName));

    private static void ThrowIfAny(IReadOnlyList<GraphQlViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new GraphQlContractException(violations);
        }
    }

    private static bool IsEnvelope(JsonElement element, GqlType root)
    {
        if (root.Fields.ContainsKey("data") || root.Fields.ContainsKey("errors"))
        {
            return false;
        }

        var any = false;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("data" or "errors" or "extensions"))
            {
                return false;
            }

            any = true;
        }

        return any;
    }
}
