using System.Text.Json;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace CoCreation.Sdk.Testing;

/// <summary>The schema model <see cref="GraphQlContract"/> checks against, read from introspection JSON or SDL.</summary>
internal sealed class GqlSchema
{
    private static readonly string[] BuiltInScalars = ["Int", "Float", "String", "Boolean", "ID"];

    public Dictionary<string, GqlType> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GqlDirective> Directives { get; } = new(StringComparer.Ordinal);

    public string? QueryType { get; set; }

    public string? MutationType { get; set; }

    public string? SubscriptionType { get; set; }

    public GqlType? RootType(OperationType operation)
    {
        var name = operation switch
        {
            OperationType.Query => QueryType,
            OperationType.Mutation => MutationType,
            _ => SubscriptionType,
        };
        return name is not null && Types.TryGetValue(name, out var type) ? type : null;
    }

    public GqlType? Find(string name) => Types.GetValueOrDefault(name);

    /// <summary>The object types a value of <paramref name="type"/> can be at run time.</summary>
    public IReadOnlySet<string> PossibleTypes(GqlType type)
        => type.Kind == GqlTypeKind.Object ? new HashSet<string>(StringComparer.Ordinal) { type.Name } : type.PossibleTypes;

    public static GqlSchema FromIntrospection(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var data))
        {
            root = data;
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("__schema", out var schemaElement) || schemaElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The introspection result has no '__schema' object (expected {\"data\":{\"__schema\":…}} or {\"__schema\":…}).");
        }

        var schema = new GqlSchema
        {
            QueryType = RootName(schemaElement, "queryType"),
            MutationType = RootName(schemaElement, "mutationType"),
            SubscriptionType = RootName(schemaElement, "subscriptionType"),
        };
        if (!schemaElement.TryGetProperty("types", out var types) || types.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The introspection result's '__schema' has no 'types' array.");
        }

        foreach (var t in types.EnumerateArray())
        {
            var name = RequiredString(t, "name", "a type");
            var kind = RequiredString(t, "kind", $"type {name}") switch
            {
                "SCALAR" => GqlTypeKind.Scalar,
                "OBJECT" => GqlTypeKind.Object,
                "INTERFACE" => GqlTypeKind.Interface,
                "UNION" => GqlTypeKind.Union,
                "ENUM" => GqlTypeKind.Enum,
                "INPUT_OBJECT" => GqlTypeKind.InputObject,
                var other => throw new FormatException($"Type {name} has an unknown kind '{other}'."),
            };
            var type = new GqlType(name, kind);
            foreach (var f in Array(t, "fields"))
            {
                var fieldName = RequiredString(f, "name", $"a field of {name}");
                var field = new GqlField(fieldName, ReadTypeRef(f, $"{name}.{fieldName}"));
                foreach (var a in Array(f, "args"))
                {
                    var arg = ReadInputValue(a, $"{name}.{fieldName}");
                    field.Arguments[arg.Name] = arg;
                }

                type.Fields[fieldName] = field;
            }

            foreach (var i in Array(t, "inputFields"))
            {
                var input = ReadInputValue(i, name);
                type.InputFields[input.Name] = input;
            }

            foreach (var e in Array(t, "enumValues"))
            {
                type.EnumValues.Add(RequiredString(e, "name", $"an enum value of {name}"));
            }

            foreach (var p in Array(t, "possibleTypes"))
            {
                type.PossibleTypes.Add(RequiredString(p, "name", $"a possible type of {name}"));
            }

            schema.Types[name] = type;
        }

        if (schemaElement.TryGetProperty("directives", out var directives) && directives.ValueKind == JsonValueKind.Array)
        {
            foreach (var d in directives.EnumerateArray())
            {
                var directive = new GqlDirective(RequiredString(d, "name", "a directive"));
                foreach (var location in Array(d, "locations").Where(l => l.ValueKind == JsonValueKind.String))
                {
                    directive.Locations.Add(location.GetString()!);
                }

                foreach (var a in Array(d, "args"))
                {
                    var arg = ReadInputValue(a, "@" + directive.Name);
                    directive.Arguments[arg.Name] = arg;
                }

                schema.Directives[directive.Name] = directive;
            }
        }

        schema.Complete();
        return schema;
    }

    public static GqlSchema FromSdl(string sdl)
    {
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(sdl);
        }
        catch (GraphQLParserException ex)
        {
            throw new FormatException($"The SDL is not valid GraphQL at {ex.Location.Line}:{ex.Location.Column}: {ex.Description}", ex);
        }

        var schema = new GqlSchema();
        var unions = new List<(string Union, string Member)>();
        var implementations = new List<(string Type, string Interface)>();
        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case GraphQLSchemaDefinition sd:
                    ReadRootTypes(schema, sd.OperationTypes);
                    break;
                case GraphQLSchemaExtension se when se.OperationTypes is not null:
                    ReadRootTypes(schema, se.OperationTypes);
                    break;
                case GraphQLDirectiveDefinition dd:
                    var directive = new GqlDirective(dd.Name.StringValue);
                    directive.Locations.UnionWith(dd.Locations.Items.Select(LocationName));
                    foreach (var a in dd.Arguments?.Items ?? [])
                    {
                        directive.Arguments[a.Name.StringValue] = SdlInputValue(a);
                    }

                    schema.Directives[directive.Name] = directive;
                    break;
                case GraphQLTypeDefinition td:
                    ReadSdlType(schema, td, SdlKind(td), unions, implementations);
                    break;
                case GraphQLTypeExtension te:
                    var existing = schema.Find(te.Name.StringValue)
                        ?? throw new FormatException($"The SDL extends type {te.Name.StringValue} before defining it.");
                    ReadSdlMembers(existing, te, unions, implementations);
                    break;
                case GraphQLOperationDefinition or GraphQLFragmentDefinition:
                    throw new FormatException("The SDL holds an operation or a fragment; a schema holds type definitions only.");
            }
        }

        foreach (var (union, member) in unions)
        {
            schema.Types[union].PossibleTypes.Add(member);
        }

        foreach (var (type, iface) in implementations)
        {
            if (schema.Find(iface) is { Kind: GqlTypeKind.Interface } i && schema.Find(type) is { Kind: GqlTypeKind.Object })
            {
                i.PossibleTypes.Add(type);
            }
        }

        schema.QueryType ??= schema.Types.ContainsKey("Query") ? "Query" : null;
        schema.MutationType ??= schema.Types.ContainsKey("Mutation") ? "Mutation" : null;
        schema.SubscriptionType ??= schema.Types.ContainsKey("Subscription") ? "Subscription" : null;
        schema.Complete();
        return schema;
    }

    /// <summary>The spec's name of a location: <c>FragmentSpread</c> becomes <c>FRAGMENT_SPREAD</c>.</summary>
    internal static string LocationName(DirectiveLocation location)
        => string.Concat(location.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    private static void ReadRootTypes(GqlSchema schema, List<GraphQLRootOperationTypeDefinition> operationTypes)
    {
        foreach (var root in operationTypes)
        {
            var name = root.Type!.Name.StringValue;
            switch (root.Operation)
            {
                case OperationType.Query: schema.QueryType = name; break;
                case OperationType.Mutation: schema.MutationType = name; break;
                default: schema.SubscriptionType = name; break;
            }
        }
    }

    private static GqlTypeKind SdlKind(GraphQLTypeDefinition definition) => definition switch
    {
        GraphQLScalarTypeDefinition => GqlTypeKind.Scalar,
        GraphQLObjectTypeDefinition => GqlTypeKind.Object,
        GraphQLInterfaceTypeDefinition => GqlTypeKind.Interface,
        GraphQLUnionTypeDefinition => GqlTypeKind.Union,
        GraphQLEnumTypeDefinition => GqlTypeKind.Enum,
        GraphQLInputObjectTypeDefinition => GqlTypeKind.InputObject,
        _ => throw new FormatException($"The SDL holds an unsupported definition {definition.Kind}."),
    };

    private static void ReadSdlType(GqlSchema schema, GraphQLTypeDefinition definition, GqlTypeKind kind, List<(string, string)> unions, List<(string, string)> implementations)
    {
        var type = new GqlType(definition.Name.StringValue, kind);
        schema.Types[type.Name] = type;
        ReadSdlMembers(type, definition, unions, implementations);
    }

    private static void ReadSdlMembers(GqlType type, ASTNode node, List<(string, string)> unions, List<(string, string)> implementations)
    {
        if (node is IHasFieldsDefinitionNode { Fields: { } fields })
        {
            foreach (var f in fields.Items)
            {
                var field = new GqlField(f.Name.StringValue, SdlTypeRef(f.Type));
                foreach (var a in f.Arguments?.Items ?? [])
                {
                    field.Arguments[a.Name.StringValue] = SdlInputValue(a);
                }

                type.Fields[field.Name] = field;
            }
        }

        if (node is IHasInterfacesNode { Interfaces: { } interfaces })
        {
            foreach (var i in interfaces.Items)
            {
                implementations.Add((type.Name, i.Name.StringValue));
            }
        }

        switch (node)
        {
            case GraphQLInputObjectTypeDefinition { Fields: { } inputs }:
                AddInputs(type, inputs.Items);
                break;
            case GraphQLInputObjectTypeExtension { Fields: { } inputs }:
                AddInputs(type, inputs.Items);
                break;
            case GraphQLEnumTypeDefinition { Values: { } values }:
                type.EnumValues.UnionWith(values.Items.Select(v => v.Name.StringValue));
                break;
            case GraphQLEnumTypeExtension { Values: { } values }:
                type.EnumValues.UnionWith(values.Items.Select(v => v.Name.StringValue));
                break;
            case GraphQLUnionTypeDefinition { Types: { } members }:
                unions.AddRange(members.Items.Select(m => (type.Name, m.Name.StringValue)));
                break;
            case GraphQLUnionTypeExtension { Types: { } members }:
                unions.AddRange(members.Items.Select(m => (type.Name, m.Name.StringValue)));
                break;
        }
    }

    private static void AddInputs(GqlType type, List<GraphQLInputValueDefinition> inputs)
    {
        foreach (var i in inputs)
        {
            type.InputFields[i.Name.StringValue] = SdlInputValue(i);
        }
    }

    private static GqlInputValue SdlInputValue(GraphQLInputValueDefinition value)
        => new(value.Name.StringValue, SdlTypeRef(value.Type), value.DefaultValue is not null);

    internal static GqlTypeRef SdlTypeRef(GraphQLType type) => type switch
    {
        GraphQLNonNullType nn => GqlTypeRef.NonNull(SdlTypeRef(nn.Type)),
        GraphQLListType l => GqlTypeRef.List(SdlTypeRef(l.Type)),
        GraphQLNamedType n => GqlTypeRef.Named(n.Name.StringValue),
        _ => throw new FormatException($"Unsupported type node {type.Kind}."),
    };

    private void Complete()
    {
        foreach (var scalar in BuiltInScalars)
        {
            Types.TryAdd(scalar, new GqlType(scalar, GqlTypeKind.Scalar));
        }

        var condition = new GqlInputValue("if", GqlTypeRef.NonNull(GqlTypeRef.Named("Boolean")), false);
        foreach (var name in new[] { "skip", "include" })
        {
            if (!Directives.ContainsKey(name))
            {
                var directive = new GqlDirective(name);
                directive.Arguments["if"] = condition;
                directive.Locations.UnionWith(["FIELD", "FRAGMENT_SPREAD", "INLINE_FRAGMENT"]);
                Directives[name] = directive;
            }
        }

        if (QueryType is null || !Types.ContainsKey(QueryType))
        {
            throw new FormatException("The schema has no query root type.");
        }

        foreach (var type in Types.Values)
        {
            var references = type.Fields.Values.Select(f => ($"{type.Name}.{f.Name}", f.Type))
                .Concat(type.Fields.Values.SelectMany(f => f.Arguments.Values.Select(a => ($"{type.Name}.{f.Name}({a.Name}:)", a.Type))))
                .Concat(type.InputFields.Values.Select(i => ($"{type.Name}.{i.Name}", i.Type)));
            foreach (var (owner, reference) in references)
            {
                if (!Types.ContainsKey(reference.NamedType))
                {
                    throw new FormatException($"{owner} is of type {reference}, but the schema does not define {reference.NamedType}.");
                }
            }
        }

        foreach (var type in Types.Values.Where(t => t.Kind == GqlTypeKind.Union || t.Kind == GqlTypeKind.Interface))
        {
            foreach (var possible in type.PossibleTypes)
            {
                if (!Types.ContainsKey(possible))
                {
                    throw new FormatException($"Type {type.Name} names {possible} as a possible type, but the schema does not define it.");
                }
            }
        }
    }

    private static string? RootName(JsonElement schema, string property)
        => schema.TryGetProperty(property, out var root) && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;

    private static IEnumerable<JsonElement> Array(JsonElement element, string property)
        => element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static string RequiredString(JsonElement element, string property, string what)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"The introspection result lacks '{property}' for {what}.");

    private static GqlInputValue ReadInputValue(JsonElement element, string owner)
    {
        var name = RequiredString(element, "name", $"an argument or input field of {owner}");
        var hasDefault = element.TryGetProperty("defaultValue", out var d) && d.ValueKind != JsonValueKind.Null;
        return new GqlInputValue(name, ReadTypeRef(element, $"{owner}.{name}"), hasDefault);
    }

    private static GqlTypeRef ReadTypeRef(JsonElement element, string owner)
    {
        if (!element.TryGetProperty("type", out var type))
        {
            throw new FormatException($"The introspection result lacks 'type' for {owner}.");
        }

        return ReadTypeNode(type, owner);
    }

    private static GqlTypeRef ReadTypeNode(JsonElement type, string owner)
    {
        var kind = RequiredString(type, "kind", $"the type of {owner}");
        if (kind is "NON_NULL" or "LIST")
        {
            if (!type.TryGetProperty("ofType", out var inner) || inner.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"The type of {owner} is cut short: a {kind} without 'ofType' (use a deeper introspection query).");
            }

            var of = ReadTypeNode(inner, owner);
            return kind == "NON_NULL" ? GqlTypeRef.NonNull(of) : GqlTypeRef.List(of);
        }

        return GqlTypeRef.Named(RequiredString(type, "name", $"the type of {owner}"));
    }
}

internal enum GqlTypeKind
{
    Scalar,
    Object,
    Interface,
    Union,
    Enum,
    InputObject,
}

internal sealed class GqlType(string name, GqlTypeKind kind)
{
    public string Name { get; } = name;

    public GqlTypeKind Kind { get; } = kind;

    public Dictionary<string, GqlField> Fields { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GqlInputValue> InputFields { get; } = new(StringComparer.Ordinal);

    public HashSet<string> EnumValues { get; } = new(StringComparer.Ordinal);

    public HashSet<string> PossibleTypes { get; } = new(StringComparer.Ordinal);

    public bool IsLeaf => Kind is GqlTypeKind.Scalar or GqlTypeKind.Enum;

    public bool IsComposite => Kind is GqlTypeKind.Object or GqlTypeKind.Interface or GqlTypeKind.Union;

    public bool IsInput => Kind is GqlTypeKind.Scalar or GqlTypeKind.Enum or GqlTypeKind.InputObject;

    public bool IsAbstract => Kind is GqlTypeKind.Interface or GqlTypeKind.Union;

    public string KindName => Kind switch
    {
        GqlTypeKind.InputObject => "input object",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

internal sealed class GqlField(string name, GqlTypeRef type)
{
    public string Name { get; } = name;

    public GqlTypeRef Type { get; } = type;

    public Dictionary<string, GqlInputValue> Arguments { get; } = new(StringComparer.Ordinal);
}

internal sealed record GqlInputValue(string Name, GqlTypeRef Type, bool HasDefault)
{
    public bool IsRequired => Type.IsNonNull && !HasDefault;
}

internal sealed class GqlDirective(string name)
{
    public string Name { get; } = name;

    /// <summary>Where the directive may stand, as introspection spells it (<c>FIELD</c>, <c>INLINE_FRAGMENT</c>, …); empty when unknown.</summary>
    public HashSet<string> Locations { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, GqlInputValue> Arguments { get; } = new(StringComparer.Ordinal);
}

/// <summary>A type reference: a named type, a list of a type, or a non-null type.</summary>
internal sealed class GqlTypeRef
{
    private GqlTypeRef(string? name, GqlTypeRef? ofType, bool isList, bool isNonNull)
    {
        Name = name;
        OfType = ofType;
        IsList = isList;
        IsNonNull = isNonNull;
    }

    public string? Name { get; }

    public GqlTypeRef? OfType { get; }

    public bool IsList { get; }

    public bool IsNonNull { get; }

    /// <summary>The named type at the bottom of the wrappers.</summary>
    public string NamedType => Name ?? OfType!.NamedType;

    /// <summary>The type without its outer non-null wrapper.</summary>
    public GqlTypeRef Nullable => IsNonNull ? OfType! : this;

    public static GqlTypeRef Named(string name) => new(name, null, false, false);

    public static GqlTypeRef List(GqlTypeRef of) => new(null, of, true, false);

    public static GqlTypeRef NonNull(GqlTypeRef of) => of.IsNonNull ? of : new GqlTypeRef(null, of, false, true);

    public override string ToString() => IsNonNull ? OfType + "!" : IsList ? $"[{OfType}]" : Name!;
}
