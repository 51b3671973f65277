using System.Text.Json;

namespace CoCreation.Sdk.Testing;

/// <summary>What is wrong with a GraphQL request or response, as <see cref="GraphQlContract"/> reports it.</summary>
public enum GraphQlViolationKind
{
    /// <summary>The document is not valid GraphQL syntax.</summary>
    Syntax,

    /// <summary>The request body is not a JSON object with a string <c>query</c> (only from the body overload of <see cref="GraphQlContract.CheckRequests(IEnumerable{string})"/>).</summary>
    InvalidRequestBody,

    /// <summary>The document holds a definition that cannot be executed (a type or schema definition) or no operation at all.</summary>
    NonExecutableDefinition,

    /// <summary>The operation's type (<c>mutation</c>, <c>subscription</c>) has no root type in the schema.</summary>
    UnknownOperationType,

    /// <summary>Two operations share a name.</summary>
    DuplicateOperationName,

    /// <summary>An anonymous operation stands beside other operations.</summary>
    AnonymousOperationNotAlone,

    /// <summary>The <c>operationName</c> names no operation of the document, or is missing where the document has several.</summary>
    OperationNotFound,

    /// <summary>A field is selected that its parent type does not have.</summary>
    UnknownField,

    /// <summary>An argument is given that the field or directive does not declare.</summary>
    UnknownArgument,

    /// <summary>An argument is given twice.</summary>
    DuplicateArgument,

    /// <summary>A non-null argument without a default value is not given.</summary>
    MissingRequiredArgument,

    /// <summary>A literal value (of an argument, an input field, a list item or a variable's default) does not fit its type.</summary>
    InvalidLiteral,

    /// <summary>A directive is used that the schema does not declare.</summary>
    UnknownDirective,

    /// <summary>A directive stands where the schema does not allow it (for example <c>@skip</c> on an operation).</summary>
    MisplacedDirective,

    /// <summary>A variable is used that the operation does not declare.</summary>
    UndeclaredVariable,

    /// <summary>A variable is declared but never used by the operation or the fragments it spreads.</summary>
    UnusedVariable,

    /// <summary>A variable is declared twice.</summary>
    DuplicateVariable,

    /// <summary>A variable's declared type names an unknown type or a type that is not an input type.</summary>
    InvalidVariableType,

    /// <summary>A variable is used where its declared type is not allowed (nullability or list depth or named type differ).</summary>
    VariableTypeMismatch,

    /// <summary>A non-null variable without a default value has no value in the request's <c>variables</c>.</summary>
    MissingVariableValue,

    /// <summary>A value in the request's <c>variables</c> does not fit the variable's type, or names no declared variable.</summary>
    InvalidVariableValue,

    /// <summary>Two selections with the same response key ask for different fields, different arguments or types of different shape.</summary>
    FieldConflict,

    /// <summary>A field of an object, interface or union type is selected without a selection set.</summary>
    MissingSelectionSet,

    /// <summary>A field of a scalar or enum type is selected with a selection set.</summary>
    UnexpectedSelectionSet,

    /// <summary>A fragment spread names a fragment the document does not define.</summary>
    UnknownFragment,

    /// <summary>Two fragments share a name.</summary>
    DuplicateFragmentName,

    /// <summary>A fragment is defined but no operation spreads it.</summary>
    UnusedFragment,

    /// <summary>A fragment spreads itself, directly or through others.</summary>
    FragmentCycle,

    /// <summary>A type condition names a type the schema does not have.</summary>
    UnknownType,

    /// <summary>A type condition names a scalar, enum or input type.</summary>
    InvalidFragmentType,

    /// <summary>A fragment's type condition can never apply where it is spread (the types share no possible type).</summary>
    ImpossibleFragment,

    /// <summary>A response's <c>data</c> lacks a field the request selected.</summary>
    ResponseMissingField,

    /// <summary>A response's <c>data</c> holds a field the request did not select.</summary>
    ResponseUnexpectedField,

    /// <summary>A response's <c>data</c> holds <c>null</c> where the schema declares a non-null type.</summary>
    ResponseNullValue,

    /// <summary>A response value is of the wrong JSON kind (object, list, number, string, boolean) for its type.</summary>
    ResponseWrongType,

    /// <summary>A response value of an enum type is not one of the enum's values.</summary>
    ResponseInvalidEnumValue,

    /// <summary>A response object's <c>__typename</c> is not a possible type of the field's type.</summary>
    ResponseInvalidTypename,
}

/// <summary>One problem <see cref="GraphQlContract"/> found in a request or a response.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Path">
/// Where: the operation (or <c>fragment Name</c>) and the response keys down to the node, for example
/// <c>GetProduct.product.variants</c>, <c>GetProduct.product(id:)</c> for an argument, <c>$input.lines[0].quantity</c> for a
/// variable value and <c>data.product.variants[0].price</c> in a response.
/// </param>
/// <param name="Message">A sentence naming the problem (types, fields and values involved).</param>
public sealed record GraphQlViolation(GraphQlViolationKind Kind, string Path, string Message)
{
    /// <summary>The position of the request in the sequence given to <c>CheckRequests</c>; <see langword="null"/> for a single check.</summary>
    public int? RequestIndex { get; init; }

    /// <summary>Describes the violation for failure messages.</summary>
    /// <returns>The request index where known, the kind, the path and the message.</returns>
    public override string ToString()
        => RequestIndex is { } index ? $"request {index}: {Kind} at {Path}: {Message}" : $"{Kind} at {Path}: {Message}";
}

/// <summary>One GraphQL request as sent over HTTP: a document, its variables and the operation to run.</summary>
/// <param name="Query">The GraphQL document.</param>
public sealed record GraphQlRequest(string Query)
{
    /// <summary>The <c>variables</c> object, where the request has one.</summary>
    public JsonElement? Variables { get; init; }

    /// <summary>The <c>operationName</c>, where the request has one.</summary>
    public string? OperationName { get; init; }

    /// <summary>Reads a GraphQL-over-HTTP JSON body: an object <c>{"query", "variables", "operationName"}</c>, or an array of them (a batch).</summary>
    /// <param name="body">The request body.</param>
    /// <returns>The requests in the body.</returns>
    /// <exception cref="FormatException">The body is not JSON, or an entry has no string <c>query</c>.</exception>
    public static IReadOnlyList<GraphQlRequest> FromJson(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new FormatException("The GraphQL request body is not valid JSON.", ex);
        }

        return root.ValueKind == JsonValueKind.Array
            ? root.EnumerateArray().Select(FromElement).ToList()
            : [FromElement(root)];
    }

    /// <summary>Reads a GraphQL-over-HTTP GET request's query string (<c>query</c>, <c>variables</c> as JSON, <c>operationName</c>).</summary>
    /// <param name="rawQuery">The query string, with or without the leading <c>?</c>.</param>
    /// <returns>The request.</returns>
    /// <exception cref="FormatException">The query string has no <c>query</c>, or <c>variables</c> is not JSON.</exception>
    public static GraphQlRequest FromQueryString(string rawQuery)
    {
        var parameters = ContractRequest.ParseQuery(rawQuery);
        if (!parameters.TryGetValue("query", out var query) || query.Count != 1)
        {
            throw new FormatException("The query string has no single 'query' parameter (persisted queries are not supported).");
        }

        JsonElement? variables = null;
        if (parameters.TryGetValue("variables", out var given) && given.Count > 0 && !string.IsNullOrEmpty(given[0]))
        {
            try
            {
                using var document = JsonDocument.Parse(given[0]);
                variables = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new FormatException("The query string's 'variables' is not valid JSON.", ex);
            }
        }

        return new GraphQlRequest(query[0])
        {
            Variables = variables,
            OperationName = parameters.TryGetValue("operationName", out var name) && name.Count > 0 && name[0].Length > 0 ? name[0] : null,
        };
    }

    private static GraphQlRequest FromElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("query", out var query)
            || query.ValueKind != JsonValueKind.String)
        {
            throw new FormatException("The GraphQL request body has no string 'query' (persisted queries are not supported).");
        }

        JsonElement? variables = element.TryGetProperty("variables", out var v) && v.ValueKind != JsonValueKind.Null ? v.Clone() : null;
        string? operationName = element.TryGetProperty("operationName", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        return new GraphQlRequest(query.GetString()!) { Variables = variables, OperationName = operationName };
    }
}

/// <summary>A GraphQL request or response does not fit the schema; <see cref="Violations"/> lists why.</summary>
/// <remarks>Thrown by the <c>EnsureValid…</c> methods of <see cref="GraphQlContract"/>. The message lists the violations (at most 20) and never holds variable values or string literals.</remarks>
public sealed class GraphQlContractException : CoCreationException
{
    private const int MaxListed = 20;

    /// <summary>Creates the exception.</summary>
    /// <param name="violations">What is wrong; at least one.</param>
    public GraphQlContractException(IReadOnlyList<GraphQlViolation> violations)
        : base(Describe(violations))
    {
        Violations = violations;
    }

    /// <summary>What is wrong.</summary>
    public IReadOnlyList<GraphQlViolation> Violations { get; }

    private static string Describe(IReadOnlyList<GraphQlViolation> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var lines = violations.Take(MaxListed).Select(v => "  " + v);
        var more = violations.Count > MaxListed ? $"{Environment.NewLine}  … and {violations.Count - MaxListed} more" : string.Empty;
        return $"The GraphQL traffic breaks the schema contract ({violations.Count} violation{(violations.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{more}";
    }
}
