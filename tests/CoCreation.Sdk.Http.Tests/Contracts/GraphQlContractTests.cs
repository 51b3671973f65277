using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Http.Tests.Contracts;

/// <summary>
/// <see cref="GraphQlContract"/> against a small Vendure-shaped shop schema, loaded both from the checked-in
/// introspection result (<c>shop.introspection.json</c>, the format a real server's schema is recorded in) and from the
/// same schema's SDL (<c>shop.graphql</c>): valid documents pass, each kind of wrong request is reported with its kind,
/// path and a message naming the problem, and responses are checked against the selection.
/// </summary>
[TestFixture]
[Category("Contract")]
public sealed class GraphQlContractTests
{
    private static readonly Lazy<GraphQlContract> IntrospectedShop = new(() => GraphQlContract.Load(Fixture("shop.introspection.json")));
    private static readonly Lazy<GraphQlContract> SdlShop = new(() => GraphQlContract.Load(Fixture("shop.graphql")));

    private static GraphQlContract Shop => IntrospectedShop.Value;

    private static IEnumerable<GraphQlContract> BothShops => [IntrospectedShop.Value, SdlShop.Value];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Contracts", name);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static JsonElement? Vars(string? json) => json is null ? null : Json(json);

    private static string Describe(IEnumerable<GraphQlViolation> violations) => string.Join(Environment.NewLine, violations);

    // ---------------------------------------------------------------- loading

    [Test]
    public void Load_Introspection_ReadsRootsAndTypes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Shop.QueryTypeName, Is.EqualTo("Query"));
            Assert.That(Shop.MutationTypeName, Is.EqualTo("Mutation"));
            Assert.That(Shop.SubscriptionTypeName, Is.Null);
            Assert.That(Shop.TypeNames, Does.Contain("ProductVariant").And.Contain("UpdateOrderItemsResult").And.Contain("Money"));
        });
    }

    [Test]
    public void Load_Sdl_HasTheSameTypesAsTheIntrospection()
    {
        var introspected = Shop.TypeNames.Where(n => !n.StartsWith("__", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.That(SdlShop.Value.TypeNames.Order(StringComparer.Ordinal), Is.EqualTo(introspected));
        Assert.That(SdlShop.Value.MutationTypeName, Is.EqualTo("Mutation"));
    }

    [Test]
    public void Parse_UnwrappedSchema_IsAccepted()
    {
        var wrapped = Json(File.ReadAllText(Fixture("shop.introspection.json")));
        var unwrapped = wrapped.GetProperty("data").GetRawText();

        var contract = GraphQlContract.Parse(unwrapped);

        Assert.That(contract.CheckRequest("{ activeOrder { code } }"), Is.Empty);
        Assert.That(contract.CheckRequest("{ activeOrder { title } }").Single().Kind, Is.EqualTo(GraphQlViolationKind.UnknownField));
    }

    [TestCase("{ \"data\": {} }", "__schema")]
    [TestCase("[1, 2]", "__schema")]
    [TestCase("{ \"__schema\": { \"queryType\": { \"name\": \"Query\" } } }", "types")]
    [TestCase("{ \"__schema\": { \"queryType\": { \"name\": \"Query\" }, \"types\": [ { \"kind\": \"OBJECT\", \"name\": \"Query\", \"fields\": [ { \"name\": \"a\", \"args\": [], \"type\": { \"kind\": \"NON_NULL\", \"name\": null } } ] } ] } }", "ofType")]
    [TestCase("{ \"__schema\": { \"queryType\": { \"name\": \"Root\" }, \"types\": [] } }", "query root")]
    [TestCase("{ \"__schema\": ", "not valid JSON")]
    [TestCase("type Query { a: Int ", "SDL is not valid")]
    [TestCase("type Mutation { a: Int }", "query root")]
    [TestCase("type Query { a: Cart }", "Query.a is of type Cart, but the schema does not define Cart")]
    [TestCase("type Query { a(o: Options): Int }", "Query.a(o:)")]
    [TestCase("union U = A | B type A { x: Int } type Query { u: U }", "does not define")]
    public void Parse_NotASchema_IsRefusedNamingTheProblem(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => GraphQlContract.Parse(text));
        Assert.That(ex!.Message, Does.Contain(expected));
    }

    [Test]
    public void Load_MissingFile_Throws()
        => Assert.Throws<FileNotFoundException>(() => GraphQlContract.Load(Fixture("no-such-schema.json")));

    // ---------------------------------------------------------------- valid requests

    private static IEnumerable<TestCaseData> ValidRequests()
    {
        yield return new TestCaseData(
            """
            query ProductList($options: ProductListOptions) {
              products(options: $options) {
                totalItems
                items { ...ProductCard variants { id sku price currencyCode } }
              }
            }
            fragment ProductCard on Product { id name slug createdAt featuredAsset { preview focalPoint { x y } } }
            """,
            """{"options":{"take":10,"skip":0,"sort":{"createdAt":"DESC"},"filter":{"name":{"contains":"mug"},"enabled":{"eq":true}}}}""",
            null).SetName("Valid_ListWithFragmentAndOptions");
        yield return new TestCaseData(
            """query { first: product(id: "1") { id title: name } second: product(slug: "mug") { id __typename } }""",
            null, null).SetName("Valid_AliasesAndTypename");
        yield return new TestCaseData(
            """
            mutation AddItem($variantId: ID!, $qty: Int!) {
              addItemToOrder(productVariantId: $variantId, quantity: $qty) {
                __typename
                ... on Order { id code totalWithTax lines { quantity productVariant { sku } } }
                ... on ErrorResult { errorCode message }
                ... on InsufficientStockError { quantityAvailable }
              }
            }
            """,
            """{"variantId":"42","qty":3}""", "AddItem").SetName("Valid_UnionWithInlineFragmentsAndInterface");
        yield return new TestCaseData(
            """
            mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id slug customFields } }
            """,
            """{"input":{"translations":[{"languageCode":"en","name":"Mug","slug":"mug"}],"facetValueIds":["1",2],"customFields":{"anything":[1,"x"]}}}""",
            null).SetName("Valid_InputObjectVariableWithCustomScalar");
        yield return new TestCaseData(
            """mutation { createProduct(input: { translations: [{ languageCode: de, name: "Tasse", slug: "tasse" }], customFields: { color: "red", sizes: [1, 2] } }) { id } }""",
            null, null).SetName("Valid_InputObjectLiteralWithCustomScalar");
        yield return new TestCaseData(
            """query Search($term: String!) { search(term: $term, groupByProduct: true) { ...SearchHit ... on ProductVariant { sku } } } fragment SearchHit on SearchResult { __typename ... on Product { slug } }""",
            """{"term":"mug"}""", null).SetName("Valid_UnionFragmentSpread");
        yield return new TestCaseData(
            """query Node($id: ID!) { node(id: $id) { id ... on Product { name } ... on Order { code } } }""",
            """{"id":7}""", null).SetName("Valid_InterfaceWithInlineFragmentsAndIntegerId");
        yield return new TestCaseData(
            """query Order($id: ID!, $withLines: Boolean!, $noCustomer: Boolean = false) { order(id: $id) { code lines @include(if: $withLines) { quantity } customer @skip(if: $noCustomer) { emailAddress } } }""",
            """{"id":"1","withLines":true}""", null).SetName("Valid_SkipAndIncludeWithVariables");
        yield return new TestCaseData(
            """query Orders($take: Int = 5, $first: ID = "1") { orders(ids: [$first, "2"], take: $take) { code } single: order(id: $first) { code } }""",
            null, null).SetName("Valid_VariablesWithDefaultsInNonNullPositions");
        yield return new TestCaseData(
            """query { orders(ids: "1") { code } }""", null, null).SetName("Valid_SingleValueCoercedToList");
        yield return new TestCaseData(
            """query Orders($ids: [ID!]!) { orders(ids: $ids) { code } }""", """{"ids":"1"}""", null).SetName("Valid_SingleJsonValueCoercedToList");
        yield return new TestCaseData(
            """mutation Names($names: [[String!]!]) { setCustomerNames(names: $names) }""", """{"names":[["Ada","Lovelace"],["Alan"]]}""", null)
            .SetName("Valid_NestedListVariable");
        yield return new TestCaseData(
            """mutation Update($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id price } }""",
            """{"input":[{"id":"1","price":1299,"stockOnHand":5},{"id":"2","sku":"MUG-2"}]}""", null).SetName("Valid_ListOfInputObjects");
        yield return new TestCaseData(
            """query A { activeOrder { code } } query B($id: ID!) { order(id: $id) { code } }""", """{"id":"1"}""", "B")
            .SetName("Valid_SeveralOperationsWithOperationName");
        yield return new TestCaseData(
            """{ search(term: "x") { ... on Product { label: name } ... on ProductVariant { label: sku } } activeOrder { code ...O } } fragment O on Order { code lines { quantity } }""",
            null, null).SetName("Valid_SameKeyOnExclusiveTypesAndRepeatedFields");
        yield return new TestCaseData(
            """query Strict($id: ID!) { order(id: $id) { code } } query Loose { activeOrder { code } }""", null, "Loose")
            .SetName("Valid_RequiredVariablesOfAnotherOperationAreNotAsked");
    }

    [TestCaseSource(nameof(ValidRequests))]
    public void ValidRequest_HasNoViolations(string query, string? variables, string? operationName)
    {
        foreach (var contract in BothShops)
        {
            var violations = contract.CheckRequest(query, Vars(variables), operationName);
            Assert.That(violations, Is.Empty, Describe(violations));
        }
    }

    [Test]
    public void Introspection_QueryOnTheMetaFields_IsCheckedAgainstTheIntrospectionTypes()
    {
        Assert.That(Shop.CheckRequest("""{ __schema { queryType { name } types { name kind fields(includeDeprecated: true) { name } } } __type(name: "Product") { name } }"""), Is.Empty);
        var violations = Shop.CheckRequest("""{ __type(name: "Product") { label } }""");
        Assert.That(violations.Single().Kind, Is.EqualTo(GraphQlViolationKind.UnknownField));
        Assert.That(violations.Single().Message, Does.Contain("__Type"));
    }

    // ---------------------------------------------------------------- invalid requests: one per kind and variant

    private static TestCaseData Bad(string name, GraphQlViolationKind kind, string query, string? variables = null, string? operationName = null, string? path = null, string? message = null)
        => new TestCaseData(kind, query, variables, operationName, path, message).SetName("Invalid_" + name);

    private static IEnumerable<TestCaseData> InvalidRequests()
    {
        const GraphQlViolationKind Syntax = GraphQlViolationKind.Syntax;
        yield return Bad("Syntax_UnclosedBrace", Syntax, "query { products { items { id } }", path: "1:", message: "not valid GraphQL");
        yield return Bad("Syntax_VariableInDefaultValue", Syntax, """query Q($a: ID = "1", $b: ID = $a) { x: order(id: $a) { id } y: product(id: $b) { id } }""", message: "Unexpected $");
        yield return Bad("NonExecutable_EmptyDocument", GraphQlViolationKind.NonExecutableDefinition, " ", message: "no operation");
        yield return Bad("NonExecutable_TypeDefinition", GraphQlViolationKind.NonExecutableDefinition, "type Cart { id: ID } query { activeOrder { id } }", message: "ObjectTypeDefinition");
        yield return Bad("NonExecutable_OnlyFragments", GraphQlViolationKind.NonExecutableDefinition, "fragment F on Order { id }", message: "no operation");
        yield return Bad("UnknownOperationType_Subscription", GraphQlViolationKind.UnknownOperationType, "subscription { activeOrder { id } }", message: "no subscription root type");
        yield return Bad("DuplicateOperationName", GraphQlViolationKind.DuplicateOperationName, "query A { activeOrder { id } } query A { activeOrder { code } }", operationName: "A", path: "A");
        yield return Bad("AnonymousOperationNotAlone", GraphQlViolationKind.AnonymousOperationNotAlone, "{ activeOrder { id } } query B { activeOrder { id } }", operationName: "B");
        yield return Bad("OperationNotFound_WrongName", GraphQlViolationKind.OperationNotFound, "query A { activeOrder { id } }", operationName: "B", message: "'B' names no operation");
        yield return Bad("OperationNotFound_NameMissing", GraphQlViolationKind.OperationNotFound, "query A { activeOrder { id } } query B { activeOrder { code } }", message: "operationName");

        yield return Bad("UnknownField_OnObject", GraphQlViolationKind.UnknownField, """{ product(id: "1") { id title } }""", path: "(anonymous query).product.title", message: "Type Product has no field 'title'");
        yield return Bad("UnknownField_OnRoot", GraphQlViolationKind.UnknownField, "{ collections { id } }", message: "Type Query has no field 'collections'");
        yield return Bad("UnknownField_OnMutationRoot", GraphQlViolationKind.UnknownField, """mutation { deleteAsset(id: "1") }""", message: "Type Mutation");
        yield return Bad("UnknownField_OnUnion", GraphQlViolationKind.UnknownField, """mutation { addItemToOrder(productVariantId: "1", quantity: 1) { id } }""", message: "Union UpdateOrderItemsResult has no fields");
        yield return Bad("UnknownField_OnInterfaceNotOnImplementation", GraphQlViolationKind.UnknownField, """{ node(id: "1") { name } }""", message: "Type Node has no field 'name'");
        yield return Bad("UnknownField_InsideFragment", GraphQlViolationKind.UnknownField, "{ activeOrder { ...O } } fragment O on Order { total discount }", path: "fragment O.discount", message: "Type Order");
        yield return Bad("UnknownField_InsideInlineFragment", GraphQlViolationKind.UnknownField, """mutation { addItemToOrder(productVariantId: "1", quantity: 1) { ... on InsufficientStockError { quantityOnHand } } }""", message: "InsufficientStockError");
        yield return Bad("UnknownField_AliasedKeepsAliasInPath", GraphQlViolationKind.UnknownField, "{ current: activeOrder { ref: reference } }", path: "(anonymous query).current.ref", message: "'reference'");

        yield return Bad("UnknownArgument_OnField", GraphQlViolationKind.UnknownArgument, """{ product(sku: "x") { id } }""", path: "(anonymous query).product(sku:)", message: "has no argument 'sku' (it has: id, slug)");
        yield return Bad("UnknownArgument_OnFieldWithoutArguments", GraphQlViolationKind.UnknownArgument, "{ activeOrder(latest: true) { id } }", message: "it takes none");
        yield return Bad("UnknownArgument_OnDirective", GraphQlViolationKind.UnknownArgument, "{ activeOrder @skip(if: false, unless: true) { id } }", message: "Directive @skip");
        yield return Bad("UnknownArgument_OnTypename", GraphQlViolationKind.UnknownArgument, "{ activeOrder { __typename(x: 1) } }");
        yield return Bad("DuplicateArgument", GraphQlViolationKind.DuplicateArgument, """{ product(id: "1", id: "2") { id } }""", message: "more than once");
        yield return Bad("MissingRequiredArgument_OnField", GraphQlViolationKind.MissingRequiredArgument, "{ order { id } }", path: "(anonymous query).order(id:)", message: "requires argument 'id' of type ID!");
        yield return Bad("MissingRequiredArgument_OneOfTwo", GraphQlViolationKind.MissingRequiredArgument, """mutation { adjustOrderLine(orderLineId: "1") { __typename } }""", message: "'quantity' of type Int!");
        yield return Bad("MissingRequiredArgument_OnDirective", GraphQlViolationKind.MissingRequiredArgument, "{ activeOrder @include { id } }", message: "Directive @include requires argument 'if'");

        const GraphQlViolationKind Literal = GraphQlViolationKind.InvalidLiteral;
        yield return Bad("Literal_StringForInt", Literal, """{ products(options: { take: "10" }) { totalItems } }""", path: "(anonymous query).products(options:).take", message: "Int is expected, but the literal is a string");
        yield return Bad("Literal_IntBeyond32Bits", Literal, "{ products(options: { take: 3000000000 }) { totalItems } }", message: "Int is expected");
        yield return Bad("Literal_FloatForInt", Literal, "{ products(options: { skip: 1.5 }) { totalItems } }", message: "the number 1.5");
        yield return Bad("Literal_IntForBoolean", Literal, "{ products(options: { filter: { enabled: { eq: 1 } } }) { totalItems } }", message: "Boolean is expected");
        yield return Bad("Literal_BooleanForString", Literal, "{ product(slug: true) { id } }", message: "String is expected");
        yield return Bad("Literal_FloatForId", Literal, "{ order(id: 1.5) { id } }", message: "ID is expected");
        yield return Bad("Literal_ObjectForId", Literal, "{ order(id: { value: 1 }) { id } }", message: "an object");
        yield return Bad("Literal_QuotedEnum", Literal, """{ products(options: { sort: { name: "ASC" } }) { totalItems } }""", message: "written without quotes");
        yield return Bad("Literal_UnknownEnumValue", Literal, "{ products(options: { sort: { name: UP } }) { totalItems } }", message: "enum SortOrder (ASC, DESC)");
        yield return Bad("Literal_InputUnknownField", Literal, """{ products(options: { filter: { title: { eq: "x" } } }) { totalItems } }""", path: "(anonymous query).products(options:).filter.title", message: "Input type ProductFilterParameter has no field 'title'");
        yield return Bad("Literal_InputMissingRequiredField", Literal, """mutation { createProduct(input: { translations: [{ name: "Mug", slug: "mug" }] }) { id } }""", path: "(anonymous mutation).createProduct(input:).translations[0].languageCode", message: "requires field 'languageCode' of type LanguageCode!");
        yield return Bad("Literal_ScalarForInputObject", Literal, """mutation { createProduct(input: "mug") { id } }""", message: "Input object CreateProductInput is expected");
        yield return Bad("Literal_InputDuplicateField", Literal, """{ products(options: { take: 1, take: 2 }) { totalItems } }""", message: "more than once");
        yield return Bad("Literal_NullForNonNullArgument", Literal, "{ order(id: null) { id } }", message: "null is given where ID! is expected");
        yield return Bad("Literal_NullItemInNonNullList", Literal, """{ orders(ids: ["1", null]) { id } }""", path: "(anonymous query).orders(ids:)[1]");
        yield return Bad("Literal_WrongItemInNestedList", Literal, """mutation { setCustomerNames(names: [["Ada", 1]]) }""", path: "(anonymous mutation).setCustomerNames(names:)[0][1]");
        yield return Bad("Literal_ListForScalar", Literal, """{ product(slug: ["a"]) { id } }""", message: "a list");
        yield return Bad("Literal_DefaultValueOfWrongType", Literal, """query Q($take: Int = "ten") { products(options: { take: $take }) { totalItems } }""", path: "$take (default)");
        yield return Bad("Literal_DirectiveArgument", Literal, """{ activeOrder @include(if: "yes") { id } }""", message: "Boolean is expected");

        yield return Bad("MisplacedDirective_OnOperation", GraphQlViolationKind.MisplacedDirective, "query Q @skip(if: true) { activeOrder { id } }", path: "Q@skip", message: "may not stand on QUERY");
        yield return Bad("MisplacedDirective_OnFragmentDefinition", GraphQlViolationKind.MisplacedDirective, "{ activeOrder { ...F } } fragment F on Order @include(if: true) { id }", path: "fragment F@include", message: "FRAGMENT_DEFINITION");
        yield return Bad("MisplacedDirective_OnVariableDefinition", GraphQlViolationKind.MisplacedDirective, "query Q($id: ID! @skip(if: true)) { order(id: $id) { id } }", """{"id":"1"}""", path: "$id@skip");
        yield return Bad("UnknownDirective", GraphQlViolationKind.UnknownDirective, "{ activeOrder @cached(ttl: 60) { id } }", path: "(anonymous query).activeOrder@cached", message: "@cached");

        yield return Bad("UndeclaredVariable_InOperation", GraphQlViolationKind.UndeclaredVariable, "{ order(id: $id) { id } }", path: "(anonymous query).order(id:)", message: "$id");
        yield return Bad("UndeclaredVariable_InFragment", GraphQlViolationKind.UndeclaredVariable, "query Q { ...F } fragment F on Query { order(id: $id) { id } }", message: "operation Q does not declare it");
        yield return Bad("UndeclaredVariable_InNestedInput", GraphQlViolationKind.UndeclaredVariable, "query Q { products(options: { filter: { name: { in: [$name] } } }) { totalItems } }", path: "Q.products(options:).filter.name.in[0]", message: "$name");
        yield return Bad("UnusedVariable", GraphQlViolationKind.UnusedVariable, "query Q($id: ID!) { activeOrder { id } }", """{"id":"1"}""", path: "$id", message: "never uses it");
        yield return Bad("UnusedVariable_WithFragments", GraphQlViolationKind.UnusedVariable, "query Q($id: ID!) { activeOrder { ...F } } fragment F on Order { code }", """{"id":"1"}""");
        yield return Bad("DuplicateVariable", GraphQlViolationKind.DuplicateVariable, "query Q($id: ID!, $id: ID!) { order(id: $id) { id } }", """{"id":"1"}""", path: "$id");
        yield return Bad("InvalidVariableType_Unknown", GraphQlViolationKind.InvalidVariableType, "query Q($o: ProductOptions) { products(options: $o) { totalItems } }", path: "$o", message: "no type ProductOptions");
        yield return Bad("InvalidVariableType_OutputType", GraphQlViolationKind.InvalidVariableType, "query Q($p: Product) { product(id: $p) { id } }", message: "Product is an object type, not an input type");
        yield return Bad("InvalidVariableType_UnionInList", GraphQlViolationKind.InvalidVariableType, "query Q($r: [SearchResult!]) { product(id: $r) { id } }", message: "union type");

        const GraphQlViolationKind Mismatch = GraphQlViolationKind.VariableTypeMismatch;
        yield return Bad("Mismatch_NullableIntoNonNull", Mismatch, "query Q($id: ID) { order(id: $id) { id } }", """{"id":"1"}""", path: "Q.order(id:)", message: "$id of type ID is used where ID! is expected");
        yield return Bad("Mismatch_OtherNamedType", Mismatch, "query Q($id: String!) { order(id: $id) { id } }", """{"id":"1"}""", message: "String! is used where ID! is expected");
        yield return Bad("Mismatch_NullableList", Mismatch, "query Q($ids: [ID!]) { orders(ids: $ids) { id } }", """{"ids":["1"]}""", message: "[ID!] is used where [ID!]! is expected");
        yield return Bad("Mismatch_NullableListItems", Mismatch, "query Q($ids: [ID]!) { orders(ids: $ids) { id } }", """{"ids":["1"]}""", message: "[ID]! is used where [ID!]! is expected");
        yield return Bad("Mismatch_ListIntoScalar", Mismatch, "query Q($id: [ID!]!) { order(id: $id) { id } }", """{"id":["1"]}""", message: "[ID!]! is used where ID! is expected");
        yield return Bad("Mismatch_ScalarIntoList", Mismatch, "mutation M($name: String!) { setCustomerNames(names: $name) }", """{"name":"x"}""", operationName: null, message: "[[String!]!]");
        yield return Bad("Mismatch_InInputObjectField", Mismatch, "query Q($take: String) { products(options: { take: $take }) { totalItems } }", """{"take":"1"}""", message: "String is used where Int is expected");
        yield return Bad("Mismatch_InListItem", Mismatch, "query Q($first: ID) { orders(ids: [$first]) { id } }", """{"first":"1"}""", message: "ID is used where ID! is expected");
        yield return Bad("Mismatch_InDirective", Mismatch, "query Q($show: Boolean) { activeOrder @include(if: $show) { id } }", """{"show":true}""", message: "Boolean!");
        yield return Bad("Mismatch_InFragmentUsage", Mismatch, "query Q($id: Int!) { ...F } fragment F on Query { order(id: $id) { id } }", """{"id":1}""", message: "Int! is used where ID! is expected");

        yield return Bad("MissingVariableValue_EmptyVariables", GraphQlViolationKind.MissingVariableValue, "query Q($id: ID!) { order(id: $id) { id } }", "{}", path: "$id", message: "no value");
        yield return Bad("MissingVariableValue_NoVariablesAtAll", GraphQlViolationKind.MissingVariableValue, "query Q($id: ID!) { order(id: $id) { id } }");

        const GraphQlViolationKind Value = GraphQlViolationKind.InvalidVariableValue;
        const string ListQuery = "query Q($o: ProductListOptions) { products(options: $o) { totalItems } }";
        yield return Bad("Value_StringForInt", Value, ListQuery, """{"o":{"take":"10"}}""", path: "$o.take", message: "Int is expected, but the value is a string");
        yield return Bad("Value_FractionForInt", Value, ListQuery, """{"o":{"take":1.5}}""", message: "a number with a fraction");
        yield return Bad("Value_IntBeyond32Bits", Value, ListQuery, """{"o":{"skip":4000000000}}""", message: "beyond 32 bits");
        yield return Bad("Value_StringForBoolean", Value, ListQuery, """{"o":{"filter":{"enabled":{"eq":"true"}}}}""", path: "$o.filter.enabled.eq", message: "Boolean is expected");
        yield return Bad("Value_UnknownEnumValue", Value, ListQuery, """{"o":{"sort":{"name":"UP"}}}""", path: "$o.sort.name", message: "enum SortOrder (ASC, DESC)");
        yield return Bad("Value_NumberForEnum", Value, ListQuery, """{"o":{"sort":{"name":1}}}""", message: "an integer");
        yield return Bad("Value_InputUnknownField", Value, ListQuery, """{"o":{"limit":10}}""", path: "$o.limit", message: "ProductListOptions has no field 'limit'");
        yield return Bad("Value_ScalarForInputObject", Value, ListQuery, """{"o":"all"}""", message: "Input object ProductListOptions is expected");
        yield return Bad("Value_InputMissingRequiredField", Value, "mutation M($input: CreateProductInput!) { createProduct(input: $input) { id } }", """{"input":{"translations":[{"name":"Mug","slug":"mug"}]}}""", path: "$input.translations[0].languageCode", message: "requires field 'languageCode'");
        yield return Bad("Value_NullForRequiredInputField", Value, "mutation M($input: CreateProductInput!) { createProduct(input: $input) { id } }", """{"input":{"translations":null}}""", path: "$input.translations", message: "null is given");
        yield return Bad("Value_NullForNonNullVariable", Value, "query Q($id: ID!) { order(id: $id) { id } }", """{"id":null}""", path: "$id");
        yield return Bad("Value_NullItemInNonNullList", Value, "query Q($ids: [ID!]!) { orders(ids: $ids) { id } }", """{"ids":["1",null]}""", path: "$ids[1]");
        yield return Bad("Value_BooleanForId", Value, "query Q($id: ID!) { order(id: $id) { id } }", """{"id":true}""", message: "ID is expected, but the value is a boolean");
        yield return Bad("Value_WrongItemInNestedList", Value, "mutation N($names: [[String!]!]) { setCustomerNames(names: $names) }", """{"names":[["Ada"],["Alan",7]]}""", path: "$names[1][1]");
        yield return Bad("Value_WrongFieldInListOfInputObjects", Value, "mutation U($input: [UpdateProductVariantInput!]!) { updateProductVariants(input: $input) { id } }", """{"input":[{"id":"1"},{"id":"2","price":"12.99","colour":"red"}]}""", path: "$input[1].colour");
        yield return Bad("Value_VariablesNotAnObject", Value, "query Q { activeOrder { id } }", "[]", path: "variables");
        yield return Bad("Value_UndeclaredVariableGiven", Value, "query Q { activeOrder { id } }", """{"id":"1"}""", path: "$id", message: "does not declare");

        yield return Bad("FieldConflict_OneAliasTwoFields", GraphQlViolationKind.FieldConflict, "{ activeOrder { ref: code ref: state } }", path: "(anonymous query).activeOrder.ref", message: "'ref' is both Order.code and Order.state");
        yield return Bad("FieldConflict_DifferentArguments", GraphQlViolationKind.FieldConflict, """{ product(id: "1") { id } product(id: "2") { id } }""", path: "(anonymous query).product", message: "different arguments");
        yield return Bad("FieldConflict_ThroughFragment", GraphQlViolationKind.FieldConflict, "{ activeOrder { code ...F } } fragment F on Order { code: state }", message: "Order.code and Order.state");
        yield return Bad("FieldConflict_DifferentShapesOnExclusiveTypes", GraphQlViolationKind.FieldConflict, """{ search(term: "x") { ... on Product { label: slug } ... on ProductVariant { label: stockOnHand } } }""", message: "String! and Int");
        yield return Bad("MissingSelectionSet_ObjectField", GraphQlViolationKind.MissingSelectionSet, "{ activeOrder }", path: "(anonymous query).activeOrder", message: "object type Order; it needs a selection set");
        yield return Bad("MissingSelectionSet_ListOfObjects", GraphQlViolationKind.MissingSelectionSet, """{ product(id: "1") { variants } }""", message: "[ProductVariant!]!");
        yield return Bad("MissingSelectionSet_Union", GraphQlViolationKind.MissingSelectionSet, """mutation { addItemToOrder(productVariantId: "1", quantity: 1) }""", message: "union type");
        yield return Bad("MissingSelectionSet_Interface", GraphQlViolationKind.MissingSelectionSet, """{ node(id: "1") }""", message: "interface type");
        yield return Bad("UnexpectedSelectionSet_Scalar", GraphQlViolationKind.UnexpectedSelectionSet, "{ activeOrder { code { length } } }", message: "scalar type String!");
        yield return Bad("UnexpectedSelectionSet_CustomScalar", GraphQlViolationKind.UnexpectedSelectionSet, "{ activeOrder { total { amount } } }", message: "Money!");
        yield return Bad("UnexpectedSelectionSet_Enum", GraphQlViolationKind.UnexpectedSelectionSet, "{ activeOrder { currencyCode { name } } }", message: "enum type CurrencyCode!");
        yield return Bad("UnexpectedSelectionSet_Typename", GraphQlViolationKind.UnexpectedSelectionSet, "{ activeOrder { __typename { name } } }");

        yield return Bad("UnknownFragment", GraphQlViolationKind.UnknownFragment, "{ activeOrder { ...OrderFields } }", path: "(anonymous query).activeOrder(...OrderFields)");
        yield return Bad("DuplicateFragmentName", GraphQlViolationKind.DuplicateFragmentName, "{ activeOrder { ...F } } fragment F on Order { id } fragment F on Order { code }", path: "fragment F");
        yield return Bad("UnusedFragment", GraphQlViolationKind.UnusedFragment, "{ activeOrder { id } } fragment Lines on Order { lines { quantity } }", path: "fragment Lines");
        yield return Bad("FragmentCycle", GraphQlViolationKind.FragmentCycle, "{ activeOrder { ...A } } fragment A on Order { code ...B } fragment B on Order { id ...A }", message: "A → B → A");
        yield return Bad("UnknownType_InlineFragment", GraphQlViolationKind.UnknownType, "{ activeOrder { ... on Cart { id } } }", path: "(anonymous query).activeOrder(... on Cart)", message: "type Cart");
        yield return Bad("UnknownType_FragmentDefinition", GraphQlViolationKind.UnknownType, "{ activeOrder { ...C } } fragment C on Cart { id }", path: "fragment C");
        yield return Bad("InvalidFragmentType_Enum", GraphQlViolationKind.InvalidFragmentType, "{ activeOrder { ... on CurrencyCode { x } } }", message: "enum type");
        yield return Bad("InvalidFragmentType_InputObject", GraphQlViolationKind.InvalidFragmentType, "{ activeOrder { ...I } } fragment I on ProductListOptions { take }", message: "input object type");
        yield return Bad("ImpossibleFragment_InlineOnUnrelatedObject", GraphQlViolationKind.ImpossibleFragment, "{ activeOrder { ... on Product { id } } }", message: "within Order");
        yield return Bad("ImpossibleFragment_SpreadOnUnrelatedObject", GraphQlViolationKind.ImpossibleFragment, "{ activeOrder { ...P } } fragment P on Product { id }", message: "Fragment P (on Product)");
        yield return Bad("ImpossibleFragment_ObjectOutsideUnion", GraphQlViolationKind.ImpossibleFragment, """mutation { addItemToOrder(productVariantId: "1", quantity: 1) { ... on Customer { id } } }""", message: "within UpdateOrderItemsResult");
        yield return Bad("ImpossibleFragment_InterfaceOutsideUnion", GraphQlViolationKind.ImpossibleFragment, """{ search(term: "x") { ... on ErrorResult { message } } }""", message: "within SearchResult");
        yield return Bad("ImpossibleFragment_UnionOnObject", GraphQlViolationKind.ImpossibleFragment, "{ activeOrder { ... on SearchResult { __typename } } }", message: "within Order");
    }

    [TestCaseSource(nameof(InvalidRequests))]
    public void InvalidRequest_IsReportedWithItsKind(GraphQlViolationKind kind, string query, string? variables, string? operationName, string? path, string? message)
    {
        foreach (var contract in BothShops)
        {
            var violations = contract.CheckRequest(query, Vars(variables), operationName);

            Assert.That(violations.Select(v => v.Kind).Distinct(), Is.EqualTo(new[] { kind }), Describe(violations));
            if (path is not null)
            {
                Assert.That(violations.Select(v => v.Path), Has.Some.StartsWith(path), Describe(violations));
            }

            if (message is not null)
            {
                Assert.That(violations.Select(v => v.Message), Has.Some.Contains(message), Describe(violations));
            }
        }
    }

    [Test]
    public void UnknownOperationType_MutationOnAQueryOnlySchema_IsReported()
    {
        var readOnly = GraphQlContract.Parse("type Query { ping: String }");

        var violations = readOnly.CheckRequest("mutation { ping }");

        Assert.That(readOnly.MutationTypeName, Is.Null);
        Assert.That(violations.Single().Kind, Is.EqualTo(GraphQlViolationKind.UnknownOperationType));
        Assert.That(violations.Single().Message, Does.Contain("no mutation root type"));
        Assert.That(readOnly.CheckRequest("query { ping }"), Is.Empty);
    }

    [Test]
    public void SeveralProblems_AreAllReported_Once()
    {
        var violations = Shop.CheckRequest(
            "query Q($unused: Int, $id: ID) { order(id: $id) { code title } product { variants } }",
            Vars("""{"id":"1","extra":true}"""));

        Assert.That(violations.Select(v => v.Kind), Is.EquivalentTo(new[]
        {
            GraphQlViolationKind.UnknownField,
            GraphQlViolationKind.MissingSelectionSet,
            GraphQlViolationKind.VariableTypeMismatch,
            GraphQlViolationKind.UnusedVariable,
            GraphQlViolationKind.InvalidVariableValue,
        }), Describe(violations));
    }

    [Test]
    public void FragmentSpreadTwice_ReportsItsProblemsOnce()
    {
        var violations = Shop.CheckRequest("{ a: activeOrder { ...F } b: activeOrder { ...F } } fragment F on Order { discount }");

        Assert.That(violations, Has.Count.EqualTo(1), Describe(violations));
        Assert.That(violations[0].Path, Is.EqualTo("fragment F.discount"));
    }

    // ---------------------------------------------------------------- many requests, WireMock log, exceptions

    [Test]
    public void CheckRequests_GivesEachViolationItsRequestIndex()
    {
        var violations = Shop.CheckRequests(new[]
        {
            new GraphQlRequest("{ activeOrder { code } }"),
            new GraphQlRequest("query Q($id: ID!) { order(id: $id) { code } }") { Variables = Json("{}") },
            new GraphQlRequest("{ activeOrder { reference } }"),
        });

        Assert.That(violations.Select(v => (v.RequestIndex, v.Kind)), Is.EqualTo(new (int?, GraphQlViolationKind)[]
        {
            (1, GraphQlViolationKind.MissingVariableValue),
            (2, GraphQlViolationKind.UnknownField),
        }));
        Assert.That(violations[1].ToString(), Does.StartWith("request 2: UnknownField at (anonymous query).activeOrder.reference"));
    }

    [Test]
    public async Task CheckRequests_OnAWireMockLog_ChecksEveryBodyAsSent()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/admin-api").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"data":{}}"""));
        using var http = new HttpClient { BaseAddress = new Uri(server.Url!) };
        string[] bodies =
        [
            JsonSerializer.Serialize(new { query = "mutation Add($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) { __typename } }", variables = new { v = "7", q = 2 }, operationName = "Add" }),
            JsonSerializer.Serialize(new { query = "mutation Add($v: ID!, $q: Int!) { addItemToOrder(productVariantId: $v, quantity: $q) { __typename } }", variables = new { v = "7", q = "two" } }),
            """[{"query":"{ activeOrder { code } }"},{"query":"{ activeOrder { coupon } }"}]""",
            "query=%7B%20activeOrder%20%7B%20code%20%7D%20%7D",
        ];
        foreach (var body in bodies)
        {
            using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await http.PostAsync(new Uri("admin-api", UriKind.Relative), content);
            Assert.That(response.IsSuccessStatusCode, Is.True);
        }

        var violations = Shop.CheckRequests(server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(e => e.RequestMessage.Body!));

        Assert.That(violations.Select(v => (v.RequestIndex, v.Kind, v.Path)), Is.EqualTo(new (int?, GraphQlViolationKind, string)[]
        {
            (1, GraphQlViolationKind.InvalidVariableValue, "$q"),
            (2, GraphQlViolationKind.UnknownField, "(anonymous query).activeOrder.coupon"),
            (3, GraphQlViolationKind.InvalidRequestBody, "body"),
        }), Describe(violations));
    }

    [Test]
    public void GraphQlRequest_FromJson_ReadsTheBodyFields()
    {
        var request = GraphQlRequest.FromJson("""{"query":"{ activeOrder { id } }","variables":{"a":1},"operationName":"X"}""").Single();

        Assert.That(request.Query, Is.EqualTo("{ activeOrder { id } }"));
        Assert.That(request.OperationName, Is.EqualTo("X"));
        Assert.That(request.Variables!.Value.GetProperty("a").GetInt32(), Is.EqualTo(1));
        Assert.Throws<FormatException>(() => GraphQlRequest.FromJson("""{"extensions":{"persistedQuery":{}}}"""));
        Assert.Throws<FormatException>(() => GraphQlRequest.FromJson("not json"));
    }

    [Test]
    public void GraphQlRequest_FromQueryString_ReadsAGetRequest()
    {
        var request = GraphQlRequest.FromQueryString("?query=query%20Q(%24id%3A%20ID!)%20%7B%20order(id%3A%20%24id)%20%7B%20code%20%7D%20%7D&variables=%7B%22id%22%3A%221%22%7D&operationName=Q");

        Assert.That(request.OperationName, Is.EqualTo("Q"));
        Assert.That(Shop.CheckRequest(request), Is.Empty);
        Assert.That(Shop.CheckRequest(request with { Variables = Json("""{"id":false}""") }).Single().Kind, Is.EqualTo(GraphQlViolationKind.InvalidVariableValue));
        Assert.Throws<FormatException>(() => GraphQlRequest.FromQueryString("operationName=Q"));
        Assert.Throws<FormatException>(() => GraphQlRequest.FromQueryString("query=%7B%20activeOrder%20%7B%20id%20%7D%20%7D&variables=%7Bid"));
    }

    [Test]
    public void EnsureValidRequest_Valid_DoesNotThrow()
        => Assert.DoesNotThrow(() => Shop.EnsureValidRequest("query Q($id: ID!) { order(id: $id) { code } }", Json("""{"id":"1"}""")));

    [Test]
    public void EnsureValidRequest_Invalid_ThrowsListingTheViolationsWithoutVariableValues()
    {
        const string Secret = "s3cr3t-session-token";
        var ex = Assert.Throws<GraphQlContractException>(() => Shop.EnsureValidRequest(
            "query Q($slug: Int) { product(slug: $slug) { id title } }",
            Json($$"""{"slug":"{{Secret}}"}""")));

        Assert.That(ex, Is.InstanceOf<CoCreationException>());
        Assert.That(ex!.Violations.Select(v => v.Kind), Is.EquivalentTo(new[]
        {
            GraphQlViolationKind.UnknownField,
            GraphQlViolationKind.VariableTypeMismatch,
            GraphQlViolationKind.InvalidVariableValue,
        }));
        Assert.That(ex.Message, Does.Contain("3 violations").And.Contain("Type Product has no field 'title'"));
        Assert.That(ex.Message, Does.Not.Contain(Secret));
    }

    [Test]
    public void Messages_DoNotEchoStringLiteralsOfTheDocument()
    {
        const string Secret = "hunter2-password";
        var violations = Shop.CheckRequest($$"""{ a: product(id: "1", slug: "{{Secret}}") { id } a: product(id: "1") { id } b: order(id: true) { id } c: products(options: { take: "{{Secret}}" }) { totalItems } }""");

        Assert.That(violations.Select(v => v.Kind), Is.EquivalentTo(new[] { GraphQlViolationKind.FieldConflict, GraphQlViolationKind.InvalidLiteral, GraphQlViolationKind.InvalidLiteral }), Describe(violations));
        Assert.That(Describe(violations), Does.Not.Contain(Secret));
    }

    [TestCase("{ login(password: \"hunter2-password\" \"hunter2-password\") { id } }")]
    [TestCase("{ login(password: \"hunter2-password\"")]
    [TestCase("{ login(password: \"hunter2-password)")]
    public void SyntaxErrors_DoNotEchoStringTokens(string query)
    {
        var violations = Shop.CheckRequest(query);

        Assert.That(violations.Single().Kind, Is.EqualTo(GraphQlViolationKind.Syntax));
        Assert.That(violations.Single().Message, Does.Not.Contain("hunter2"));
    }

    [Test]
    public void EnsureValidRequests_Bodies_ThrowsForAnUnreadableBody()
    {
        var ex = Assert.Throws<GraphQlContractException>(() => Shop.EnsureValidRequests(new[] { """{"query":"{ activeOrder { id } }"}""", "{" }));
        Assert.That(ex!.Violations.Single(), Is.EqualTo(new GraphQlViolation(GraphQlViolationKind.InvalidRequestBody, "body", ex.Violations[0].Message) { RequestIndex = 1 }));
    }

    // ---------------------------------------------------------------- responses

    private const string ProductQuery = """
        query Product($id: ID!, $withVariants: Boolean!) {
          product(id: $id) {
            id
            title: name
            enabled
            createdAt
            description
            featuredAsset { preview width focalPoint { x y } }
            variants @include(if: $withVariants) { sku price currencyCode stockOnHand }
            __typename
          }
        }
        """;

    private const string ProductData = """
        {"product":{"id":"1","title":"Mug","enabled":true,"createdAt":"2026-12-01T10:00:00Z","description":null,
          "featuredAsset":{"preview":"https://cdn.example/mug.png","width":800,"focalPoint":{"x":0.5,"y":1}},
          "variants":[{"sku":"MUG-1","price":1299,"currencyCode":"EUR","stockOnHand":null}],"__typename":"Product"}}
        """;

    private static readonly JsonElement ProductVars = Json("""{"id":"1","withVariants":true}""");

    private const string AddItemQuery = """
        mutation Add($v: ID!, $q: Int!) {
          addItemToOrder(productVariantId: $v, quantity: $q) {
            __typename
            ... on Order { code totalWithTax lines { quantity } }
            ... on ErrorResult { errorCode message }
            ... on InsufficientStockError { quantityAvailable }
          }
        }
        """;

    private static readonly JsonElement AddItemVars = Json("""{"v":"7","q":2}""");

    private static IEnumerable<TestCaseData> ValidResponses()
    {
        yield return new TestCaseData(ProductQuery, ProductVars, ProductData).SetName("Response_Valid_ObjectWithAliasNullableAndList");
        yield return new TestCaseData(ProductQuery, ProductVars, """{"product":null}""").SetName("Response_Valid_NullableRootField");
        yield return new TestCaseData(ProductQuery, ProductVars, "{\"data\":" + ProductData + ",\"extensions\":{\"cost\":1}}").SetName("Response_Valid_WholeBody");
        yield return new TestCaseData(ProductQuery, ProductVars, """{"errors":[{"message":"Forbidden"}],"data":null}""").SetName("Response_Valid_ErrorBody");
        yield return new TestCaseData(ProductQuery, Json("""{"id":"1","withVariants":false}"""),
            """{"product":{"id":"1","title":"Mug","enabled":true,"createdAt":"x","description":"d","featuredAsset":null,"__typename":"Product"}}""")
            .SetName("Response_Valid_IncludeFalseLeavesTheFieldOut");
        yield return new TestCaseData(AddItemQuery, AddItemVars,
            """{"addItemToOrder":{"__typename":"Order","code":"A1","totalWithTax":2598,"lines":[{"quantity":2}]}}""").SetName("Response_Valid_UnionResolvedToOrder");
        yield return new TestCaseData(AddItemQuery, AddItemVars,
            """{"addItemToOrder":{"__typename":"InsufficientStockError","errorCode":"INSUFFICIENT_STOCK_ERROR","message":"Only 1 left","quantityAvailable":1}}""")
            .SetName("Response_Valid_UnionResolvedToErrorWithInterfaceFields");
        yield return new TestCaseData(AddItemQuery, AddItemVars,
            """{"addItemToOrder":{"__typename":"NegativeQuantityError","errorCode":"NEGATIVE_QUANTITY_ERROR","message":"No"}}""")
            .SetName("Response_Valid_UnionResolvedToOtherError");
        yield return new TestCaseData("""{ search(term: "mug") { ... on Product { slug } ... on ProductVariant { sku } } }""", null,
            """{"search":[{"slug":"mug"},{"sku":"MUG-1"},{}]}""").SetName("Response_Valid_UnionWithoutTypenameMakesFragmentFieldsOptional");
        yield return new TestCaseData("""{ node(id: "1") { id __typename ... on Order { code } } }""", null,
            """{"node":{"id":"1","__typename":"Order","code":"A1"}}""").SetName("Response_Valid_Interface");
        yield return new TestCaseData("""{ orders(ids: ["1"]) { customer { emailAddress } lines { productVariant { product { name } } } } }""", null,
            """{"orders":[{"customer":null,"lines":[]},{"customer":{"emailAddress":"a@b.c"},"lines":[{"productVariant":{"product":{"name":"Mug"}}}]}]}""")
            .SetName("Response_Valid_NestedLists");
        yield return new TestCaseData("""{ activeOrder { ...A } } fragment A on Order { code ...B } fragment B on Order { code state }""", null,
            """{"activeOrder":{"code":"A1","state":"AddingItems"}}""").SetName("Response_Valid_MergedFragments");
        yield return new TestCaseData("""{ product(id: "1") { customFields } }""", null,
            """{"product":{"customFields":{"any":["thing",1,null]}}}""").SetName("Response_Valid_CustomScalarAcceptsAnyJson");
    }

    [TestCaseSource(nameof(ValidResponses))]
    public void ValidResponse_HasNoViolations(string query, JsonElement? variables, string data)
    {
        var violations = Shop.CheckResponse(query, variables, Json(data));
        Assert.That(violations, Is.Empty, Describe(violations));
    }

    private static TestCaseData BadResponse(string name, GraphQlViolationKind kind, string query, JsonElement? variables, string data, string path, string? message = null)
        => new TestCaseData(kind, query, variables, data, path, message).SetName("Response_Invalid_" + name);

    private static IEnumerable<TestCaseData> InvalidResponses()
    {
        const string List = "{ products { totalItems items { id name } } }";
        yield return BadResponse("MissingField", GraphQlViolationKind.ResponseMissingField, List, null, """{"products":{"items":[]}}""", "data.products.totalItems", "ProductList.totalItems");
        yield return BadResponse("MissingFieldInListItem", GraphQlViolationKind.ResponseMissingField, List, null, """{"products":{"totalItems":2,"items":[{"id":"1","name":"a"},{"id":"2"}]}}""", "data.products.items[1].name");
        yield return BadResponse("UnexpectedField", GraphQlViolationKind.ResponseUnexpectedField, List, null, """{"products":{"totalItems":0,"items":[],"hasMore":false}}""", "data.products.hasMore", "does not select on ProductList");
        yield return BadResponse("NullForNonNullScalar", GraphQlViolationKind.ResponseNullValue, List, null, """{"products":{"totalItems":1,"items":[{"id":"1","name":null}]}}""", "data.products.items[0].name", "String!");
        yield return BadResponse("NullItemInNonNullList", GraphQlViolationKind.ResponseNullValue, List, null, """{"products":{"totalItems":1,"items":[null]}}""", "data.products.items[0]", "Product!");
        yield return BadResponse("NullForNonNullRootField", GraphQlViolationKind.ResponseNullValue, List, null, """{"products":null}""", "data.products");
        yield return BadResponse("ObjectForList", GraphQlViolationKind.ResponseWrongType, List, null, """{"products":{"totalItems":1,"items":{"id":"1","name":"a"}}}""", "data.products.items", "A list");
        yield return BadResponse("StringForInt", GraphQlViolationKind.ResponseWrongType, List, null, """{"products":{"totalItems":"1","items":[]}}""", "data.products.totalItems", "Int is expected, but the value is a string");
        yield return BadResponse("NumberForId", GraphQlViolationKind.ResponseWrongType, List, null, """{"products":{"totalItems":1,"items":[{"id":1,"name":"a"}]}}""", "data.products.items[0].id", "ID is expected");
        yield return BadResponse("StringForBoolean", GraphQlViolationKind.ResponseWrongType, """{ product(id: "1") { enabled } }""", null, """{"product":{"enabled":"yes"}}""", "data.product.enabled", "Boolean");
        yield return BadResponse("StringForFloat", GraphQlViolationKind.ResponseWrongType, """{ product(id: "1") { featuredAsset { focalPoint { x y } } } }""", null, """{"product":{"featuredAsset":{"focalPoint":{"x":"0.5","y":1}}}}""", "data.product.featuredAsset.focalPoint.x", "Float");
        yield return BadResponse("ScalarForObject", GraphQlViolationKind.ResponseWrongType, """{ product(id: "1") { featuredAsset { preview } } }""", null, """{"product":{"featuredAsset":"mug.png"}}""", "data.product.featuredAsset", "An object of type Asset");
        yield return BadResponse("DataNotAnObject", GraphQlViolationKind.ResponseWrongType, List, null, "[]", "data");
        yield return BadResponse("InvalidEnumValue", GraphQlViolationKind.ResponseInvalidEnumValue, """{ activeOrder { currencyCode } }""", null, """{"activeOrder":{"currencyCode":"GBP"}}""", "data.activeOrder.currencyCode", "'GBP' is not a value of enum CurrencyCode");
        yield return BadResponse("NumberForEnum", GraphQlViolationKind.ResponseWrongType, """{ activeOrder { currencyCode } }""", null, """{"activeOrder":{"currencyCode":1}}""", "data.activeOrder.currencyCode", "enum CurrencyCode");
        yield return BadResponse("TypenameNotAPossibleType", GraphQlViolationKind.ResponseInvalidTypename, AddItemQuery, AddItemVars, """{"addItemToOrder":{"__typename":"Customer"}}""", "data.addItemToOrder.__typename", "not a possible type of UpdateOrderItemsResult");
        yield return BadResponse("TypenameOfAnotherObject", GraphQlViolationKind.ResponseInvalidTypename, """{ activeOrder { __typename } }""", null, """{"activeOrder":{"__typename":"Product"}}""", "data.activeOrder.__typename");
        yield return BadResponse("TypenameNotAString", GraphQlViolationKind.ResponseInvalidTypename, """{ activeOrder { __typename } }""", null, """{"activeOrder":{"__typename":1}}""", "data.activeOrder.__typename");
        yield return BadResponse("UnionMemberMissesItsFragmentFields", GraphQlViolationKind.ResponseMissingField, AddItemQuery, AddItemVars, """{"addItemToOrder":{"__typename":"Order","code":"A1"}}""", "data.addItemToOrder.totalWithTax");
        yield return BadResponse("UnionMemberCarriesAnotherMembersFields", GraphQlViolationKind.ResponseUnexpectedField, AddItemQuery, AddItemVars, """{"addItemToOrder":{"__typename":"OrderModificationError","errorCode":"ORDER_MODIFICATION_ERROR","message":"m","quantityAvailable":1}}""", "data.addItemToOrder.quantityAvailable", "OrderModificationError");
        yield return BadResponse("ErrorEnumInsideUnion", GraphQlViolationKind.ResponseInvalidEnumValue, AddItemQuery, AddItemVars, """{"addItemToOrder":{"__typename":"NegativeQuantityError","errorCode":"NEGATIVE","message":"m"}}""", "data.addItemToOrder.errorCode");
        yield return BadResponse("SkippedFieldPresent", GraphQlViolationKind.ResponseUnexpectedField, "query Q($skip: Boolean!) { activeOrder { code state @skip(if: $skip) } }", Json("""{"skip":true}"""), """{"activeOrder":{"code":"A1","state":"x"}}""", "data.activeOrder.state");
        yield return BadResponse("IncludedFieldMissing", GraphQlViolationKind.ResponseMissingField, "query Q($on: Boolean!) { activeOrder { code state @include(if: $on) } }", Json("""{"on":true}"""), """{"activeOrder":{"code":"A1"}}""", "data.activeOrder.state");
        yield return BadResponse("NestedInFragment", GraphQlViolationKind.ResponseNullValue, "{ activeOrder { ...L } } fragment L on Order { lines { quantity } }", null, """{"activeOrder":{"lines":[{"quantity":null}]}}""", "data.activeOrder.lines[0].quantity");
    }

    [TestCaseSource(nameof(InvalidResponses))]
    public void InvalidResponse_IsReportedWithItsKind(GraphQlViolationKind kind, string query, JsonElement? variables, string data, string path, string? message)
    {
        var violations = Shop.CheckResponse(query, variables, Json(data));

        Assert.That(violations.Select(v => v.Kind), Has.Member(kind), Describe(violations));
        Assert.That(violations.Where(v => v.Kind == kind).Select(v => v.Path), Has.Some.StartsWith(path), Describe(violations));
        if (message is not null)
        {
            Assert.That(violations.Where(v => v.Kind == kind).Select(v => v.Message), Has.Some.Contains(message), Describe(violations));
        }
    }

    [Test]
    public void Response_AliasNotHonoured_ReportsTheMissingAliasAndTheUnexpectedName()
    {
        var violations = Shop.CheckResponse("""{ product(id: "1") { title: name } }""", null, Json("""{"product":{"name":"Mug"}}"""));

        Assert.That(violations.Select(v => (v.Kind, v.Path)), Is.EquivalentTo(new[]
        {
            (GraphQlViolationKind.ResponseMissingField, "data.product.title"),
            (GraphQlViolationKind.ResponseUnexpectedField, "data.product.name"),
        }), Describe(violations));
    }

    [Test]
    public void Response_ForAnInvalidRequest_ReturnsTheRequestViolations()
    {
        var violations = Shop.CheckResponse("{ activeOrder { coupon } }", null, Json("""{"activeOrder":{"coupon":"X"}}"""));

        Assert.That(violations.Single().Kind, Is.EqualTo(GraphQlViolationKind.UnknownField));
    }

    [Test]
    public void Response_SelectedOperation_IsTheOneChecked()
    {
        const string Query = "query A { activeOrder { code } } query B { products { totalItems } }";

        Assert.That(Shop.CheckResponse(Query, null, Json("""{"products":{"totalItems":3}}"""), "B"), Is.Empty);
        Assert.That(Shop.CheckResponse(Query, null, Json("""{"products":{"totalItems":3}}"""), "A").Select(v => v.Kind),
            Is.EquivalentTo(new[] { GraphQlViolationKind.ResponseMissingField, GraphQlViolationKind.ResponseUnexpectedField }));
    }

    [Test]
    public void Response_FromARequestRecord_UsesItsVariablesAndOperation()
    {
        var request = new GraphQlRequest("query A { activeOrder { code } } query B($skip: Boolean!) { activeOrder { code state @skip(if: $skip) } }")
        {
            OperationName = "B",
            Variables = Json("""{"skip":true}"""),
        };

        Assert.That(Shop.CheckResponse(request, Json("""{"activeOrder":{"code":"A1"}}""")), Is.Empty);
        Assert.That(Shop.CheckResponse(request with { Variables = Json("""{"skip":false}""") }, Json("""{"activeOrder":{"code":"A1"}}""")).Single().Path,
            Is.EqualTo("data.activeOrder.state"));
    }

    [Test]
    public void EnsureValidResponse_Invalid_ThrowsWithTheViolations()
    {
        var ex = Assert.Throws<GraphQlContractException>(() => Shop.EnsureValidResponse(AddItemQuery, AddItemVars, Json("""{"addItemToOrder":{"__typename":"Cart"}}""")));

        Assert.That(ex!.Violations.Single().Kind, Is.EqualTo(GraphQlViolationKind.ResponseInvalidTypename));
        Assert.That(ex.Message, Does.Contain("data.addItemToOrder.__typename"));
        Assert.DoesNotThrow(() => Shop.EnsureValidResponse(ProductQuery, ProductVars, Json(ProductData)));
    }
}
