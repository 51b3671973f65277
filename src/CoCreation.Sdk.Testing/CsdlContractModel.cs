using System.Xml;
using System.Xml.Linq;

namespace CoCreation.Sdk.Testing;

/// <summary>The parts of an OData CSDL document <see cref="CsdlContract"/> needs, read once and never changed afterwards.</summary>
internal sealed class CsdlModel
{
    private const string EdmxNamespace = "http://docs.oasis-open.org/odata/ns/edmx";
    private const string EdmNamespace = "http://docs.oasis-open.org/odata/ns/edm";

    private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);
    private readonly HashSet<string> namespaces = new(StringComparer.Ordinal);
    private readonly HashSet<string> containers = new(StringComparer.Ordinal);
    private readonly List<(XElement Owner, string Scope)> inlineAnnotations = [];

    private CsdlModel()
    {
    }

    public Dictionary<string, CsdlStructuredType> StructuredTypes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CsdlEnumType> EnumTypes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CsdlTypeRef> EntitySets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CsdlTypeRef> Singletons { get; } = new(StringComparer.Ordinal);

    /// <summary>Capability restrictions by scope: <c>set:users</c>, <c>type:microsoft.graph.subscription</c>, <c>nav:microsoft.graph.user/calendar</c>.</summary>
    public Dictionary<string, CsdlRestrictions> Restrictions { get; } = new(StringComparer.Ordinal);

    /// <summary>Bound actions and functions by their simple name.</summary>
    public Dictionary<string, List<CsdlOperation>> Operations { get; } = new(StringComparer.Ordinal);

    public static CsdlModel Read(XmlReader reader)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new FormatException("The CSDL document is not well-formed XML.", ex);
        }

        var root = document.Root;
        if (root is null || root.Name != XName.Get("Edmx", EdmxNamespace))
        {
            throw new FormatException("The document is not an OData CSDL document (its root is not edmx:Edmx).");
        }

        var model = new CsdlModel();
        var schemas = root.Descendants(XName.Get("Schema", EdmNamespace)).ToList();
        if (schemas.Count == 0)
        {
            throw new FormatException("The CSDL document declares no Schema.");
        }

        foreach (var schema in schemas)
        {
            var ns = Required(schema, "Namespace");
            model.namespaces.Add(ns);
            if (schema.Attribute("Alias")?.Value is { } alias)
            {
                model.aliases[alias] = ns;
            }
        }

        foreach (var schema in schemas)
        {
            model.ReadSchema(schema, Required(schema, "Namespace"));
        }

        model.Link();
        foreach (var (owner, scope) in model.inlineAnnotations)
        {
            model.ReadAnnotations(owner, scope);
        }

        foreach (var schema in schemas)
        {
            foreach (var annotations in schema.Elements(XName.Get("Annotations", EdmNamespace)))
            {
                if (model.ScopeOf(Required(annotations, "Target")) is { } scope)
                {
                    model.ReadAnnotations(annotations, scope);
                }
            }
        }

        if (model.EntitySets.Count == 0 && model.Singletons.Count == 0)
        {
            throw new FormatException("The CSDL document has no EntityContainer with entity sets or singletons.");
        }

        return model;
    }

    public CsdlStructuredType? FindStructured(string fullName) => StructuredTypes.GetValueOrDefault(fullName);

    /// <summary>Turns <c>graph.driveItem</c> or <c>Collection(graph.driveItem)</c> into a reference with the namespace spelled out.</summary>
    public CsdlTypeRef ParseTypeRef(string text)
    {
        var isCollection = text.StartsWith("Collection(", StringComparison.Ordinal) && text.EndsWith(')');
        var name = isCollection ? text["Collection(".Length..^1] : text;
        return new CsdlTypeRef(Qualify(name), isCollection);
    }

    /// <summary>The namespace a prefix names (itself, or the namespace it is an alias of), or null when it names none.</summary>
    public string? ResolveNamespace(string prefix)
        => aliases.TryGetValue(prefix, out var ns) ? ns : aliases.ContainsValue(prefix) || namespaces.Contains(prefix) ? prefix : null;

    public string Qualify(string name)
    {
        var dot = name.LastIndexOf('.');
        if (dot <= 0)
        {
            return name;
        }

        var prefix = name[..dot];
        return aliases.TryGetValue(prefix, out var ns) ? ns + name[dot..] : name;
    }

    private static string Required(XElement element, string attribute)
        => element.Attribute(attribute)?.Value ?? throw new FormatException($"A CSDL {element.Name.LocalName} element has no '{attribute}' attribute.");

    private static bool Nullable(XElement element) => element.Attribute("Nullable")?.Value != "false";

    private void ReadSchema(XElement schema, string ns)
    {
        foreach (var element in schema.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "EntityType" or "ComplexType":
                    ReadStructured(element, ns);
                    break;
                case "EnumType":
                    var members = element.Elements(XName.Get("Member", EdmNamespace)).Select(m => Required(m, "Name")).ToHashSet(StringComparer.Ordinal);
                    var enumName = ns + "." + Required(element, "Name");
                    EnumTypes[enumName] = new CsdlEnumType(enumName, members, element.Attribute("IsFlags")?.Value == "true");
                    break;
                case "Action" or "Function":
                    ReadOperation(element, ns);
                    break;
                case "EntityContainer":
                    containers.Add(ns + "." + Required(element, "Name"));
                    foreach (var set in element.Elements(XName.Get("EntitySet", EdmNamespace)))
                    {
                        EntitySets[Required(set, "Name")] = new CsdlTypeRef(Qualify(Required(set, "EntityType")), IsCollection: true);
                        inlineAnnotations.Add((set, "set:" + Required(set, "Name")));
                    }

                    foreach (var singleton in element.Elements(XName.Get("Singleton", EdmNamespace)))
                    {
                        Singletons[Required(singleton, "Name")] = new CsdlTypeRef(Qualify(Required(singleton, "Type")), IsCollection: false);
                        inlineAnnotations.Add((singleton, "set:" + Required(singleton, "Name")));
                    }

                    break;
            }
        }
    }

    private void ReadStructured(XElement element, string ns)
    {
        var type = new CsdlStructuredType(
            ns + "." + Required(element, "Name"),
            element.Name.LocalName == "EntityType",
            element.Attribute("Abstract")?.Value == "true",
            element.Attribute("HasStream")?.Value == "true",
            element.Attribute("BaseType")?.Value is { } baseType ? Qualify(baseType) : null)
        {
            DeclaredOpen = element.Attribute("OpenType")?.Value == "true",
        };
        foreach (var property in element.Elements(XName.Get("Property", EdmNamespace)))
        {
            var name = Required(property, "Name");
            type.Properties[name] = new CsdlProperty(name, ParseTypeRef(Required(property, "Type")), Nullable(property));
        }

        foreach (var navigation in element.Elements(XName.Get("NavigationProperty", EdmNamespace)))
        {
            var name = Required(navigation, "Name");
            type.Navigations[name] = new CsdlNavigation(name, ParseTypeRef(Required(navigation, "Type")), navigation.Attribute("ContainsTarget")?.Value == "true");
            inlineAnnotations.Add((navigation, "nav:" + type.FullName + "/" + name));
        }

        inlineAnnotations.Add((element, "type:" + type.FullName));

        StructuredTypes[type.FullName] = type;
    }

    private void ReadOperation(XElement element, string ns)
    {
        if (element.Attribute("IsBound")?.Value != "true")
        {
            return;
        }

        var parameters = element.Elements(XName.Get("Parameter", EdmNamespace))
            .Select(p => new CsdlProperty(Required(p, "Name"), ParseTypeRef(Required(p, "Type")), Nullable(p)))
            .ToList();
        if (parameters.Count == 0)
        {
            throw new FormatException($"The bound {element.Name.LocalName} '{Required(element, "Name")}' has no binding parameter.");
        }

        var returns = element.Element(XName.Get("ReturnType", EdmNamespace))?.Attribute("Type")?.Value;
        var operation = new CsdlOperation(
            Required(element, "Name"),
            ns,
            element.Name.LocalName == "Action",
            parameters[0].Type,
            parameters.Skip(1).ToList(),
            returns is null ? null : ParseTypeRef(returns));
        var restrictions = new CsdlRestrictions();
        ReadAnnotations(element, restrictions, []);
        foreach (var (option, required) in restrictions.CustomQueryOptions)
        {
            operation.CustomQueryOptions[option] = required;
        }

        if (!Operations.TryGetValue(operation.Name, out var list))
        {
            Operations[operation.Name] = list = [];
        }

        list.Add(operation);
    }

    /// <summary>The restriction scope an out-of-line <c>Annotations Target</c> names, or null for targets this checker does not use.</summary>
    private string? ScopeOf(string target)
    {
        if (target.Contains('(', StringComparison.Ordinal))
        {
            return null;
        }

        var slash = target.IndexOf('/', StringComparison.Ordinal);
        var head = Qualify(slash < 0 ? target : target[..slash]);
        var rest = slash < 0 ? null : target[(slash + 1)..];
        if (containers.Contains(head))
        {
            return rest is null || rest.Contains('/', StringComparison.Ordinal) ? null : "set:" + rest;
        }

        if (!StructuredTypes.ContainsKey(head))
        {
            return null;
        }

        return rest is null ? "type:" + head : rest.Contains('/', StringComparison.Ordinal) ? null : "nav:" + head + "/" + rest;
    }

    private void ReadAnnotations(XElement owner, string scope)
    {
        if (!owner.Elements(XName.Get("Annotation", EdmNamespace)).Any())
        {
            return;
        }

        if (!Restrictions.TryGetValue(scope, out var restrictions))
        {
            Restrictions[scope] = restrictions = new CsdlRestrictions();
        }

        // The types a NavigationRestrictions' PropertyPath may start from.
        var contexts = new List<CsdlStructuredType>();
        var name = scope[(scope.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (scope.StartsWith("set:", StringComparison.Ordinal))
        {
            var set = EntitySets.GetValueOrDefault(name) ?? Singletons.GetValueOrDefault(name);
            contexts.AddRange(set is not null && FindStructured(set.Name) is { } setType ? [setType] : []);
        }
        else if (scope.StartsWith("type:", StringComparison.Ordinal))
        {
            contexts.AddRange(FindStructured(name) is { } type ? [type] : []);
        }
        else if (scope.StartsWith("nav:", StringComparison.Ordinal) && FindStructured(name[..name.LastIndexOf('/')]) is { } declaring)
        {
            contexts.Add(declaring);
            if (declaring.FindNavigation(name[(name.LastIndexOf('/') + 1)..]) is { } navigation && FindStructured(navigation.Type.Name) is { } target)
            {
                contexts.Add(target);
            }
        }

        ReadAnnotations(owner, restrictions, contexts);
    }

    private void ReadAnnotations(XElement owner, CsdlRestrictions restrictions, List<CsdlStructuredType> contexts)
    {
        const string Capabilities = "Org.OData.Capabilities.V1.";
        foreach (var annotation in owner.Elements(XName.Get("Annotation", EdmNamespace)))
        {
            var term = annotation.Attribute("Term")?.Value ?? string.Empty;
            if (!term.StartsWith(Capabilities, StringComparison.Ordinal))
            {
                continue;
            }

            var record = annotation.Element(XName.Get("Record", EdmNamespace));
            switch (term[Capabilities.Length..])
            {
                case "InsertRestrictions" when RecordBool(record, "Insertable") == false:
                    restrictions.RefusedMethods["POST"] = "Insertable is false";
                    break;
                case "UpdateRestrictions" when RecordBool(record, "Updatable") == false:
                    restrictions.RefusedMethods["PATCH"] = "Updatable is false";
                    break;
                case "DeleteRestrictions" when RecordBool(record, "Deletable") == false:
                    restrictions.RefusedMethods["DELETE"] = "Deletable is false";
                    break;
                case "FilterRestrictions" when RecordBool(record, "Filterable") == false:
                    restrictions.RefusedOptions["$filter"] = "Filterable is false";
                    break;
                case "SearchRestrictions" when RecordBool(record, "Searchable") == false:
                    restrictions.RefusedOptions["$search"] = "Searchable is false";
                    break;
                case "CountRestrictions" when RecordBool(record, "Countable") == false:
                    restrictions.RefusedOptions["$count"] = "Countable is false";
                    break;
                case "ExpandRestrictions" when RecordBool(record, "Expandable") == false:
                    restrictions.RefusedOptions["$expand"] = "Expandable is false";
                    break;
                case "SortRestrictions" when RecordBool(record, "Sortable") == false:
                    restrictions.RefusedOptions["$orderby"] = "Sortable is false";
                    break;
                case "SkipSupported" when annotation.Attribute("Bool")?.Value == "false":
                    restrictions.RefusedOptions["$skip"] = "SkipSupported is false";
                    break;
                case "TopSupported" when annotation.Attribute("Bool")?.Value == "false":
                    restrictions.RefusedOptions["$top"] = "TopSupported is false";
                    break;
                case "ReadRestrictions" or "OperationRestrictions":
                    ReadCustomQueryOptions(record, restrictions.CustomQueryOptions);
                    break;
                case "NavigationRestrictions":
                    ReadRestrictedProperties(record, contexts);
                    break;
            }
        }
    }

    /// <summary>
    /// Custom query options declared for a navigation path (<c>calendar/calendarView</c>) are kept on the navigation property
    /// the path ends in, found by following the path from the annotated entity set, type or navigation property.
    /// </summary>
    private void ReadRestrictedProperties(XElement? record, List<CsdlStructuredType> contexts)
    {
        foreach (var restricted in Values(record, "RestrictedProperties")?.Element(XName.Get("Collection", EdmNamespace))?.Elements(XName.Get("Record", EdmNamespace)) ?? [])
        {
            var path = Values(restricted, "NavigationProperty")?.Element(XName.Get("PropertyPath", EdmNamespace))?.Value;
            var read = Values(restricted, "ReadRestrictions")?.Element(XName.Get("Record", EdmNamespace));
            if (string.IsNullOrEmpty(path) || read is null)
            {
                continue;
            }

            foreach (var context in contexts)
            {
                if (FindDeclaringType(context, path.Split('/')) is { } declaring)
                {
                    var scope = "nav:" + declaring.FullName + "/" + path[(path.LastIndexOf('/') + 1)..];
                    if (!Restrictions.TryGetValue(scope, out var restrictions))
                    {
                        Restrictions[scope] = restrictions = new CsdlRestrictions();
                    }

                    ReadCustomQueryOptions(read, restrictions.CustomQueryOptions);
                    break;
                }
            }
        }
    }

    /// <summary>Follows navigation properties from a type; the type that declares the last one, or null.</summary>
    private CsdlStructuredType? FindDeclaringType(CsdlStructuredType type, string[] path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var declaring = type.SelfAndBases().FirstOrDefault(t => t.Navigations.ContainsKey(path[i]));
            if (declaring is null)
            {
                return null;
            }

            if (i == path.Length - 1)
            {
                return declaring;
            }

            if (FindStructured(declaring.Navigations[path[i]].Type.Name) is not { } next)
            {
                return null;
            }

            type = next;
        }

        return null;
    }

    private static void ReadCustomQueryOptions(XElement? record, Dictionary<string, bool> options)
    {
        foreach (var option in Values(record, "CustomQueryOptions")?.Element(XName.Get("Collection", EdmNamespace))?.Elements(XName.Get("Record", EdmNamespace)) ?? [])
        {
            if (Values(option, "Name")?.Attribute("String")?.Value is { } name)
            {
                var required = Values(option, "Required")?.Attribute("Bool")?.Value == "true";
                options[name] = (options.TryGetValue(name, out var before) ? before : true) && required;
            }
        }
    }

    private static XElement? Values(XElement? record, string property)
        => record?.Elements(XName.Get("PropertyValue", EdmNamespace)).FirstOrDefault(p => p.Attribute("Property")?.Value == property);

    private static bool? RecordBool(XElement? record, string property)
        => Values(record, property)?.Attribute("Bool")?.Value switch { "true" => true, "false" => false, _ => null };

    private void Link()
    {
        foreach (var type in StructuredTypes.Values)
        {
            if (type.BaseName is null)
            {
                continue;
            }

            type.Base = StructuredTypes.GetValueOrDefault(type.BaseName)
                ?? throw new FormatException($"The type '{type.FullName}' derives from '{type.BaseName}', which the document does not declare.");
        }
    }
}

/// <summary>A type reference, for example <c>Collection(microsoft.graph.driveItem)</c>.</summary>
internal sealed record CsdlTypeRef(string Name, bool IsCollection)
{
    public override string ToString() => IsCollection ? $"Collection({Name})" : Name;
}

internal sealed record CsdlProperty(string Name, CsdlTypeRef Type, bool Nullable);

internal sealed record CsdlNavigation(string Name, CsdlTypeRef Type, bool ContainsTarget);

/// <summary>What capability annotations take away from (or add to) a path: methods, query options, custom query options (name, required).</summary>
internal sealed class CsdlRestrictions
{
    public Dictionary<string, string> RefusedMethods { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> RefusedOptions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, bool> CustomQueryOptions { get; } = new(StringComparer.Ordinal);
}

internal sealed record CsdlEnumType(string FullName, HashSet<string> Members, bool IsFlags);

/// <summary>A bound action or function; <see cref="Parameters"/> leaves out the binding parameter.</summary>
internal sealed record CsdlOperation(string Name, string Namespace, bool IsAction, CsdlTypeRef Binding, List<CsdlProperty> Parameters, CsdlTypeRef? ReturnType)
{
    public string FullName => Namespace + "." + Name;

    /// <summary>Custom query options the function declares (name, required), for example <c>startDateTime</c>.</summary>
    public Dictionary<string, bool> CustomQueryOptions { get; } = new(StringComparer.Ordinal);

    public string Kind => IsAction ? "action" : "function";
}

/// <summary>An entity or complex type; members are looked up through its base types.</summary>
internal sealed class CsdlStructuredType(string fullName, bool isEntity, bool isAbstract, bool hasStream, string? baseName)
{
    public string FullName { get; } = fullName;

    public string ShortName => FullName[(FullName.LastIndexOf('.') + 1)..];

    public bool IsEntity { get; } = isEntity;

    public bool IsAbstract { get; } = isAbstract;

    public string? BaseName { get; } = baseName;

    public CsdlStructuredType? Base { get; set; }

    public Dictionary<string, CsdlProperty> Properties { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CsdlNavigation> Navigations { get; } = new(StringComparer.Ordinal);

    public bool HasStream => hasStream || Base?.HasStream == true;

    /// <summary>Whether the type itself says <c>OpenType="true"</c>.</summary>
    public bool DeclaredOpen { get; init; }

    /// <summary>Whether instances may carry dynamic properties (the type or a base type is open).</summary>
    public bool IsOpen => DeclaredOpen || Base?.IsOpen == true;

    public IEnumerable<CsdlStructuredType> SelfAndBases()
    {
        for (var type = this; type is not null; type = type.Base)
        {
            yield return type;
        }
    }

    public bool IsOrDerivesFrom(string name) => SelfAndBases().Any(t => t.FullName == name);

    public CsdlProperty? FindProperty(string name) => SelfAndBases().Select(t => t.Properties.GetValueOrDefault(name)).FirstOrDefault(p => p is not null);

    public CsdlNavigation? FindNavigation(string name) => SelfAndBases().Select(t => t.Navigations.GetValueOrDefault(name)).FirstOrDefault(n => n is not null);

    public override string ToString() => FullName;
}
