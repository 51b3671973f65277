using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Testing;

namespace CoCreation.Sdk.Vendure.Tests.Unit;

/// <summary>
/// Every document in <see cref="VendureDocuments.All"/> is checked against the Admin API schema of Vendure 3.7.3
/// (Specs/vendure-admin-schema.json, written by eng/vendure/refresh-schema.mjs): variable types exist, every field
/// selected exists on its type (through inline fragments too), and every argument exists on its field.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed partial class VendureDocumentsContractTests
{
    private static readonly Lazy<Dictionary<string, JsonObject>> Types = new(() =>
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Specs", "vendure-admin-schema.json");
        var schema = JsonNode.Parse(File.ReadAllText(path))!["data"]!["__schema"]!;
        return schema["types"]!.AsArray().OfType<JsonObject>().ToDictionary(t => t["name"]!.GetValue<string>(), StringComparer.Ordinal);
    });

    public static IEnumerable<TestCaseData> Documents()
        => VendureDocuments.All.Select(d => new TestCaseData(d).SetArgDisplayNames(VendureDocuments.OperationName(d)));

    /// <summary>The schema as the SDK's GraphQL contract checker reads it.</summary>
    internal static GraphQlContract Contract { get; } = GraphQlContract.Load(Path.Combine(AppContext.BaseDirectory, "Specs", "vendure-admin-schema.json"));

    [TestCaseSource(nameof(Documents))]
    public void The_document_matches_the_schema(string document)
        => Assert.That(Problems(document), Is.Empty, document);

    // The checker of CoCreation.Sdk.Testing: syntax, fields, arguments, variable declarations and fragments. Variable
    // values are checked on real traffic (VendureTrafficContractTests); here the documents carry none.
    [TestCaseSource(nameof(Documents))]
    public void The_document_passes_the_graphql_contract_checker(string document)
    {
        var violations = Contract.CheckRequest(document, operationName: VendureDocuments.OperationName(document))
            .Where(v => v.Kind != GraphQlViolationKind.MissingVariableValue)
            .ToList();

        Assert.That(violations, Is.Empty, string.Join(Environment.NewLine, violations));
    }

    [Test]
    public void The_check_finds_unknown_fields_arguments_types_and_deprecated_fields()
    {
        var problems = Problems("query Broken($id: NoSuchInput!) { product(id: $id, colour: \"red\") { id nonsense variants { stockOnHand } } }");

        Assert.That(problems, Is.EquivalentTo(new[]
        {
            "variable type NoSuchInput is not in the schema",
            "Query.product has no argument colour",
            "Product.nonsense is not in the schema",
            "ProductVariant.stockOnHand is deprecated",
        }));
    }

    private static List<string> Problems(string document)
    {
        var problems = new List<string>();
        var tokens = new Queue<string>(TokenPattern().Matches(document).Select(m => m.Value));
        var kind = tokens.Dequeue();
        var root = kind == "query" ? "Query" : kind == "mutation" ? "Mutation" : null;
        Assert.That(root, Is.Not.Null, "the document is a query or a mutation");
        tokens.Dequeue(); // the operation name
        if (tokens.Peek() == "(")
        {
            tokens.Dequeue();
            while (tokens.Peek() != ")")
            {
                var token = tokens.Dequeue();
                if (token.StartsWith('$') || token is ":" or "!" or "[" or "]" or ",")
                {
                    continue;
                }

                if (!Types.Value.ContainsKey(token))
                {
                    problems.Add($"variable type {token} is not in the schema");
                }
            }

            tokens.Dequeue();
        }

        Selection(tokens, root!, problems);
        return problems;
    }

    [Test]
    public void Every_document_has_its_own_operation_name()
        => Assert.That(VendureDocuments.All.Select(VendureDocuments.OperationName), Is.Unique.And.None.EqualTo("anonymous"));

    private static void Selection(Queue<string> tokens, string typeName, List<string> problems)
    {
        Expect(tokens, "{");
        while (tokens.Peek() != "}")
        {
            var name = tokens.Dequeue();
            if (name == "...")
            {
                Expect(tokens, "on");
                var fragmentType = tokens.Dequeue();
                if (!Types.Value.ContainsKey(fragmentType))
                {
                    problems.Add($"fragment type {fragmentType} is not in the schema");
                }

                Selection(tokens, fragmentType, problems);
                continue;
            }

            var type = Types.Value.GetValueOrDefault(typeName);
            var field = (type?["fields"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(f => f["name"]!.GetValue<string>() == name);
            if (field is null && name != "__typename")
            {
                problems.Add($"{typeName}.{name} is not in the schema");
            }
            else if (field?["isDeprecated"]?.GetValue<bool>() == true)
            {
                problems.Add($"{typeName}.{name} is deprecated");
            }

            if (tokens.Peek() == "(")
            {
                tokens.Dequeue();
                var depth = 0;
                var expectName = true;
                while (depth > 0 || tokens.Peek() != ")")
                {
                    var token = tokens.Dequeue();
                    if (token is "{" or "[")
                    {
                        depth++;
                        expectName = depth == 0;
                    }
                    else if (token is "}" or "]")
                    {
                        depth--;
                    }
                    else if (depth == 0 && expectName && token != ",")
                    {
                        if (field?["args"] is JsonArray args && !args.OfType<JsonObject>().Any(a => a["name"]!.GetValue<string>() == token))
                        {
                            problems.Add($"{typeName}.{name} has no argument {token}");
                        }

                        expectName = false;
                    }
                    else if (depth == 0 && token == ":")
                    {
                        continue;
                    }
                    else if (depth == 0)
                    {
                        expectName = true;
                    }
                }

                tokens.Dequeue();
            }

            if (tokens.Peek() == "{")
            {
                Selection(tokens, field is null ? "" : NamedType(field["type"]!), problems);
            }
        }

        tokens.Dequeue();
    }

    private static string NamedType(JsonNode type) => type["ofType"] is JsonObject inner ? NamedType(inner) : type["name"]!.GetValue<string>();

    private static void Expect(Queue<string> tokens, string expected)
    {
        var token = tokens.Dequeue();
        Assert.That(token, Is.EqualTo(expected), "document syntax");
    }

    [GeneratedRegex(@"\.\.\.|\$?[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+|""[^""]*""|[{}()\[\]:!,]")]
    private static partial Regex TokenPattern();
}
