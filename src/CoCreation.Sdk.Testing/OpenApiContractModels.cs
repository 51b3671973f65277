namespace CoCreation.Sdk.Testing;

/// <summary>One HTTP request an adapter sent, as <see cref="OpenApiContract"/> checks it.</summary>
/// <param name="Method">The HTTP method, for example <c>POST</c>.</param>
/// <param name="Path">The path without the query, percent-decoded, for example <c>/api/v1/polls/123</c>.</param>
/// <remarks>Build one from a WireMock log entry, a captured <see cref="HttpRequestMessage"/>, or by hand in a test.</remarks>
public sealed record ContractRequest(string Method, string Path)
{
    /// <summary>The query parameters by name as sent (including any <c>[]</c> suffix), each with its decoded values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Query { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The request headers; names are compared without regard to case.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The <c>Content-Type</c> of the body, where there is one.</summary>
    public string? ContentType { get; init; }

    /// <summary>The body as text, where there is one.</summary>
    public string? Body { get; init; }

    /// <summary>Splits a raw query string (with or without the leading <c>?</c>) into decoded names and values.</summary>
    /// <param name="rawQuery">The query string.</param>
    /// <returns>The parameters in the order first seen.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ParseQuery(string? rawQuery)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(rawQuery))
        {
            return result;
        }

        foreach (var pair in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            if (result.TryGetValue(name, out var values))
            {
                ((List<string>)values).Add(value);
            }
            else
            {
                result[name] = new List<string> { value };
            }
        }

        return result;
    }

    /// <summary>Describes the request for failure messages.</summary>
    /// <returns>The method and path.</returns>
    public override string ToString() => $"{Method.ToUpperInvariant()} {Path}";

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

/// <summary>One HTTP response, as <see cref="OpenApiContract"/> checks it against the operation's response schema.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
public sealed record ContractResponse(int StatusCode)
{
    /// <summary>The <c>Content-Type</c> of the body, where there is one.</summary>
    public string? ContentType { get; init; }

    /// <summary>The body as text, where there is one.</summary>
    public string? Body { get; init; }
}
