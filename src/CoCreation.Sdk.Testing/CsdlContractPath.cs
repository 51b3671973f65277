namespace CoCreation.Sdk.Testing;

/// <summary>Resolving a resource path against the model, segment by segment.</summary>
public sealed partial class CsdlContract
{
    private const string DriveItemType = "microsoft.graph.driveItem";

    private enum TargetKind
    {
        EntitySet,
        Collection,
        Entity,
        Singleton,
        Property,
        Stream,
        Value,
        Count,
        Ref,
        Action,
        Function,
        Batch,
    }

    /// <summary>How a target was reached, which decides what may follow it and which methods it takes.</summary>
    private enum Reach
    {
        Container,
        Navigation,
        Key,
        PathAddress,
        Other,
    }

    private Target? Resolve(string relative, HashSet<string> functionQueryNames, out string problem)
    {
        problem = string.Empty;
        var segments = SplitPath(relative);
        if (segments[0] == "$batch")
        {
            if (segments.Length > 1)
            {
                problem = "$batch is the JSON batch endpoint and takes no further segments.";
                return null;
            }

            return new Target(TargetKind.Batch, "$batch", null, null, null, Reach.Container, string.Empty);
        }

        var (firstName, firstArgs) = SplitSegment(segments[0]);
        Target state;
        if (model.EntitySets.TryGetValue(firstName, out var set) && model.FindStructured(set.Name) is { } setType)
        {
            state = new Target(TargetKind.EntitySet, firstName, setType, set, null, Reach.Container, firstName) { Scopes = ContainerScopes(firstName, setType) };
            if (firstArgs is not null)
            {
                state = state with { Kind = TargetKind.Entity, Path = firstName + "({key})", Reach = Reach.Key };
            }
        }
        else if (model.Singletons.TryGetValue(firstName, out var singleton) && model.FindStructured(singleton.Name) is { } singletonType)
        {
            if (firstArgs is not null)
            {
                problem = $"'{firstName}' is a singleton and takes no key.";
                return null;
            }

            state = new Target(TargetKind.Singleton, firstName, singletonType, singleton, null, Reach.Container, firstName) { Scopes = ContainerScopes(firstName, singletonType) };
        }
        else
        {
            problem = $"'{segments[0]}' is neither an entity set nor a singleton of the document.";
            return null;
        }

        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
            {
                problem = i == segments.Length - 1 ? "the path ends with '/'." : "the path has an empty segment ('//').";
                return null;
            }

            var colon = TopLevelColon(segment);
            if (colon < 0)
            {
                var next = Step(state, segment, i == segments.Length - 1 ? functionQueryNames : EmptyNames, out problem);
                if (next is null)
                {
                    return null;
                }

                state = next;
                continue;
            }

            // OneDrive path-based addressing: root:/folder/Plan.docx: or items/{id}:/Plan.docx: and then more segments.
            var head = segment[..colon];
            var addressed = head.Length == 0 ? null : Step(state, head, EmptyNames, out problem);
            if (addressed is null)
            {
                problem = head.Length == 0 ? $"'{segment}': path-based addressing needs an item before ':'." : problem;
                return null;
            }

            if (addressed.Kind != TargetKind.Entity || addressed.Type?.IsOrDerivesFrom(DriveItemType) != true)
            {
                problem = $"path-based addressing (':') applies only to a driveItem, but '{head}' is {addressed.Describe()}.";
                return null;
            }

            if (colon != segment.Length - 1)
            {
                problem = $"'{segment}': path-based addressing is written '{head}:/folder/name:'.";
                return null;
            }

            var names = new List<string>();
            var closed = false;
            for (i++; i < segments.Length; i++)
            {
                if (segments[i].EndsWith(':'))
                {
                    names.Add(segments[i][..^1]);
                    closed = true;
                    break;
                }

                names.Add(segments[i]);
            }

            if (names.Count == 0 || names.Any(n => n.Length == 0))
            {
                problem = $"the item path after '{head}:' is empty or has an empty segment.";
                return null;
            }

            state = addressed with { Path = addressed.Path + ":/{path}" + (closed ? ":" : string.Empty), Reach = Reach.PathAddress, Previous = head };
        }

        return state;
    }

    private Target? Step(Target state, string segment, HashSet<string> functionQueryNames, out string problem)
    {
        problem = string.Empty;
        var type = state.Type;
        switch (state.Kind)
        {
            case TargetKind.EntitySet or TargetKind.Collection when type is not null:
                if (segment == "$count")
                {
                    if (Restricted(state, r => r.RefusedOptions, "$count") is { } refusal)
                    {
                        problem = $"$count is not supported on {state.Describe()}: the metadata says {refusal}.";
                        return null;
                    }

                    return state with { Kind = TargetKind.Count, Path = state.Path + "/$count", Reach = Reach.Other };
                }

                if (segment == "$ref")
                {
                    if (state.Reach != Reach.Navigation)
                    {
                        problem = $"$ref applies to a navigation property, not to {state.Describe()}.";
                        return null;
                    }

                    return state with { Kind = TargetKind.Ref, Path = state.Path + "/$ref", Reach = Reach.Navigation };
                }

                if (segment.StartsWith('$'))
                {
                    problem = $"'{segment}' cannot follow {state.Describe()} (only $count, $ref, a key, a type cast, an action or a function can).";
                    return null;
                }

                return StepOperationOrCast(state, segment, collection: true, functionQueryNames, ref problem)
                    ?? (problem.Length > 0 ? null : state with { Kind = TargetKind.Entity, Path = state.Path + "/{key}", Reach = Reach.Key, ParentReach = state.Reach, Previous = segment });

            case TargetKind.Entity or TargetKind.Singleton when type is not null:
                return StepIntoEntity(state, type, segment, functionQueryNames, out problem);

            case TargetKind.Property when state.ValueType is { IsCollection: false } valueType:
                if (segment == "$value" && model.FindStructured(valueType.Name) is null)
                {
                    return state with { Kind = TargetKind.Value, Path = state.Path + "/$value", Reach = Reach.Other };
                }

                if (model.FindStructured(valueType.Name) is { } complex && complex.FindProperty(segment) is { } member)
                {
                    return state with { Type = null, ValueType = member.Type, Path = state.Path + "/" + segment, Previous = segment };
                }

                problem = $"'{segment}' is not a property of {valueType}.";
                return null;

            default:
                problem = $"'{segment}' cannot follow {state.Describe()}.";
                return null;
        }
    }

    private Target? StepIntoEntity(Target state, CsdlStructuredType type, string segment, HashSet<string> functionQueryNames, out string problem)
    {
        problem = string.Empty;
        switch (segment)
        {
            case "$ref" when state.Kind == TargetKind.Entity && (state.Reach == Reach.Navigation || (state.Reach == Reach.Key && state.ParentReach == Reach.Navigation)):
                return state with { Kind = TargetKind.Ref, Path = state.Path + "/$ref" };
            case "$ref":
                problem = $"$ref applies to a navigation property, not to {state.Describe()}.";
                return null;
            case "$value" when type.HasStream:
                return state with { Kind = TargetKind.Value, Path = state.Path + "/$value", Reach = Reach.Other };
            case "$value":
                problem = $"$value needs a media entity, but {type} has no stream (HasStream is not set).";
                return null;
            case "$count":
                problem = $"$count applies to collections, not to {state.Describe()}.";
                return null;
        }

        var (name, args) = SplitSegment(segment);
        if (type.FindNavigation(name) is { } navigation)
        {
            var target = model.FindStructured(navigation.Type.Name);
            if (target is null)
            {
                problem = $"the navigation property '{name}' of {type} has the unknown type {navigation.Type}.";
                return null;
            }

            var path = state.Path + "/" + name;
            var scopes = type.SelfAndBases().Select(t => "nav:" + t.FullName + "/" + name).Concat(TypeScopes(target)).ToList();
            if (navigation.Type.IsCollection)
            {
                var collection = new Target(TargetKind.Collection, path, target, navigation.Type, null, Reach.Navigation, name) { Scopes = scopes };
                return args is null ? collection : collection with { Kind = TargetKind.Entity, Path = path + "({key})", Reach = Reach.Key, ParentReach = Reach.Navigation };
            }

            if (args is not null)
            {
                problem = $"'{name}' is a single-valued navigation property of {type} and takes no key ('{segment}').";
                return null;
            }

            return new Target(TargetKind.Entity, path, target, navigation.Type, null, Reach.Navigation, name) { Scopes = scopes };
        }

        if (type.FindProperty(name) is { } property)
        {
            if (args is not null)
            {
                problem = $"'{name}' is a property of {type} and takes no parentheses ('{segment}').";
                return null;
            }

            var kind = property.Type.Name == "Edm.Stream" ? TargetKind.Stream : TargetKind.Property;
            return new Target(kind, state.Path + "/" + name, null, property.Type, null, Reach.Other, name);
        }

        var operation = StepOperationOrCast(state, segment, collection: false, functionQueryNames, ref problem);
        if (operation is not null || problem.Length > 0)
        {
            return operation;
        }

        var why = state.Kind == TargetKind.Entity && state.Reach == Reach.Navigation
            ? $" ('{state.Previous}' is a single-valued navigation property, so '{segment}' cannot be a key)"
            : string.Empty;
        problem = $"'{segment}' is not a property, navigation property, type cast, bound action or bound function of {type}{why}.";
        if (state.Kind == TargetKind.Singleton)
        {
            problem = $"'{segment}' is not a property, navigation property, type cast, bound action or bound function of {type} (the singleton '{state.Previous}' takes no key).";
        }

        return null;
    }

    /// <summary>A bound action or function (by name or namespace-qualified name) or a type cast; null with no problem when the segment is neither.</summary>
    private Target? StepOperationOrCast(Target state, string segment, bool collection, HashSet<string> functionQueryNames, ref string problem)
    {
        var type = state.Type!;
        var (name, args) = SplitSegment(segment);
        var dot = name.LastIndexOf('.');
        var simple = dot < 0 ? name : name[(dot + 1)..];
        var ns = dot < 0 ? null : model.ResolveNamespace(name[..dot]);
        if (dot >= 0 && ns is null)
        {
            // Not a qualified name (a key such as jane.doe@contoso.com, or an unknown member).
            simple = name;
        }

        var candidates = (model.Operations.GetValueOrDefault(simple) ?? [])
            .Where(o => (ns is null || o.Namespace == ns) && o.Binding.IsCollection == collection && type.IsOrDerivesFrom(o.Binding.Name))
            .OrderBy(o => Distance(type, o.Binding.Name))
            .ToList();
        if (candidates.Count > 0)
        {
            return SelectOperation(state, candidates, name, args, functionQueryNames, ref problem);
        }

        if (ns is not null && model.FindStructured(ns + "." + simple) is { } cast)
        {
            if (!cast.IsOrDerivesFrom(type.FullName))
            {
                return Fail(ref problem, $"the type cast '{name}' does not derive from {type}.");
            }

            return args is null
                ? state with { Type = cast, Path = state.Path + "/" + cast.FullName, Previous = segment }
                : Fail(ref problem, $"the type cast '{name}' takes no parentheses.");
        }

        var bound = collection ? $"Collection({type})" : type.FullName;
        if (!collection && model.Operations.TryGetValue(simple, out var elsewhere))
        {
            var bindings = elsewhere.Where(o => ns is null || o.Namespace == ns).Select(o => o.Binding.ToString()).Distinct(StringComparer.Ordinal).ToList();
            var shown = string.Join(", ", bindings.Take(5)) + (bindings.Count > 5 ? ", ..." : string.Empty);
            return Fail(ref problem, $"no bound action or function '{name}' can be called on {bound} (it is bound to {shown}).");
        }

        if (collection && ns is not null)
        {
            return Fail(ref problem, $"'{segment}' is neither an action or function bound to {bound} nor a type derived from {type}.");
        }

        return null;
    }

    private Target? SelectOperation(Target state, List<CsdlOperation> candidates, string name, string? args, HashSet<string> functionQueryNames, ref string problem)
    {
        var label = candidates[0].Kind + " " + candidates[0].FullName;
        if (candidates[0].IsAction)
        {
            if (!string.IsNullOrEmpty(args))
            {
                return Fail(ref problem, $"the action {candidates[0].FullName} takes its parameters in the body, not in parentheses.");
            }

            return new Target(TargetKind.Action, state.Path + "/" + candidates[0].FullName, state.Type, state.ValueType, candidates[0], Reach.Other, name);
        }

        var given = new HashSet<string>(StringComparer.Ordinal);
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in SplitTopLevel(args ?? string.Empty, ','))
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return Fail(ref problem, $"the {label} is called with '{argument}'; arguments are written name=value.");
            }

            var argName = argument[..equals].Trim();
            if (!given.Add(argName))
            {
                return Fail(ref problem, $"the {label} is given '{argName}' twice.");
            }

            var value = argument[(equals + 1)..].Trim();
            if (value.StartsWith('@'))
            {
                aliases.Add(value);
            }
        }

        var all = new HashSet<string>(given, StringComparer.Ordinal);
        all.UnionWith(functionQueryNames.Where(q => candidates.Any(c => c.Parameters.Any(p => p.Name == q))));
        var chosen = candidates
            .Where(c => all.All(g => c.Parameters.Any(p => p.Name == g)) && c.Parameters.Where(p => !p.Nullable).All(p => all.Contains(p.Name)))
            .OrderBy(c => c.Parameters.Count == all.Count ? 0 : 1)
            .FirstOrDefault();
        if (chosen is null)
        {
            var overloads = string.Join(", ", candidates.Select(c => "(" + string.Join(", ", c.Parameters.Select(p => p.Name)) + ")").Distinct());
            return Fail(ref problem, $"no overload of the {label} takes ({string.Join(", ", all)}); its overloads take {overloads}.");
        }

        return new Target(TargetKind.Function, state.Path + "/" + chosen.FullName + "(" + string.Join(",", given) + ")", state.Type, state.ValueType, chosen, Reach.Other, name)
        {
            Aliases = aliases,
        };
    }

    private static Target? Fail(ref string problem, string text)
    {
        problem = text;
        return null;
    }

    private static List<string> ContainerScopes(string name, CsdlStructuredType type) => [.. TypeScopes(type).Prepend("set:" + name)];

    private static IEnumerable<string> TypeScopes(CsdlStructuredType type) => type.SelfAndBases().Select(t => "type:" + t.FullName);

    private static int Distance(CsdlStructuredType type, string baseName)
    {
        var distance = 0;
        foreach (var t in type.SelfAndBases())
        {
            if (t.FullName == baseName)
            {
                return distance;
            }

            distance++;
        }

        return int.MaxValue;
    }

    /// <summary>
    /// Splits a decoded path at '/', except inside the parentheses of a key or function call (a decoded delta token may
    /// hold '/'); falls back to a plain split when parentheses do not balance (a file name such as "Plan (v2.docx").
    /// </summary>
    private static string[] SplitPath(string path)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            switch (path[i])
            {
                case '(' when !quoted:
                    depth++;
                    break;
                case ')' when !quoted && depth > 0:
                    depth--;
                    break;
                case '\'' when depth > 0:
                    quoted = !quoted;
                    break;
                case '/' when depth == 0:
                    parts.Add(path[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(path[start..]);
        return depth == 0 && !quoted ? [.. parts] : path.Split('/');
    }

    private static (string Name, string? Args) SplitSegment(string segment)
    {
        var open = segment.IndexOf('(', StringComparison.Ordinal);
        return open > 0 && segment.EndsWith(')') ? (segment[..open], segment[(open + 1)..^1]) : (segment, null);
    }

    private static int TopLevelColon(string segment)
    {
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < segment.Length; i++)
        {
            switch (segment[i])
            {
                case '\'':
                    quoted = !quoted;
                    break;
                case '(' when !quoted:
                    depth++;
                    break;
                case ')' when !quoted:
                    depth--;
                    break;
                case ':' when !quoted && depth == 0:
                    return i;
            }
        }

        return -1;
    }

    /// <summary>Splits at separators outside quotes and parentheses, trimming and dropping empty parts.</summary>
    private static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : separator;
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && c == separator)
            {
                var part = text[start..i].Trim();
                if (part.Length > 0)
                {
                    parts.Add(part);
                }

                start = i + 1;
            }
        }

        return parts;
    }

    /// <summary>What a path addresses.</summary>
    private sealed record Target(TargetKind Kind, string Path, CsdlStructuredType? Type, CsdlTypeRef? ValueType, CsdlOperation? Operation, Reach Reach, string Previous)
    {
        public Reach ParentReach { get; init; }

        public IReadOnlySet<string> Aliases { get; init; } = new HashSet<string>();

        /// <summary>The restriction scopes (entity set, navigation property, type) that govern this target; see <see cref="CsdlModel.Restrictions"/>.</summary>
        public IReadOnlyList<string> Scopes { get; init; } = [];

        /// <summary>The structured type $select and $expand apply to, where there is one.</summary>
        public CsdlTypeRef? ResourceType => Kind switch
        {
            TargetKind.EntitySet or TargetKind.Collection or TargetKind.Entity or TargetKind.Singleton => Type is null ? null : new CsdlTypeRef(Type.FullName, Kind is TargetKind.EntitySet or TargetKind.Collection),
            TargetKind.Action or TargetKind.Function => Operation?.ReturnType,
            _ => null,
        };

        public string[] AllowedMethods() => Kind switch
        {
            TargetKind.EntitySet or TargetKind.Collection => ["GET", "POST"],
            TargetKind.Entity => ["GET", "PATCH", "DELETE"],
            TargetKind.Singleton => ["GET", "PATCH"],
            TargetKind.Stream or TargetKind.Value => ["GET", "PUT"],
            TargetKind.Ref when Reach == Reach.Key => ["DELETE"],
            TargetKind.Ref when ValueType?.IsCollection == true => ["GET", "POST"],
            TargetKind.Ref => ["GET", "PUT", "DELETE"],
            TargetKind.Action or TargetKind.Batch => ["POST"],
            _ => ["GET"],
        };

        public string Describe() => Kind switch
        {
            TargetKind.EntitySet => $"the entity set {Path} (Collection({Type}))",
            TargetKind.Collection => $"the collection {Path} (Collection({Type}))",
            TargetKind.Entity => $"the entity {Path} ({Type})",
            TargetKind.Singleton => $"the singleton {Path} ({Type})",
            TargetKind.Property => $"the property {Path} ({ValueType})",
            TargetKind.Stream => $"the stream property {Path}",
            TargetKind.Value => $"the raw value {Path}",
            TargetKind.Count => $"the count {Path}",
            TargetKind.Ref => $"the reference {Path}",
            TargetKind.Action => $"the action {Operation!.FullName} bound to {Operation.Binding} ({Path})",
            TargetKind.Function => $"the function {Operation!.FullName} bound to {Operation.Binding} ({Path})",
            _ => "the JSON batch endpoint $batch",
        };
    }
}
