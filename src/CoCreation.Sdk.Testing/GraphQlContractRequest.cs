using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace CoCreation.Sdk.Testing;

public sealed partial class GraphQlContract
{
    /// <summary>Validates one document and its variables; one instance per check.</summary>
    private sealed class RequestValidator(GqlSchema schema)
    {
        private readonly List<GraphQlViolation> violations = [];
        private readonly HashSet<(GraphQlViolationKind, string, string)> seen = [];
        private readonly List<GraphQLOperationDefinition> operations = [];
        private readonly HashSet<string> reachedFragments = new(StringComparer.Ordinal);

        public Dictionary<string, GraphQLFragmentDefinition> Fragments { get; } = new(StringComparer.Ordinal);

        public GraphQLOperationDefinition? Selected { get; private set; }

        public IReadOnlyList<GraphQlViolation> Run(string query, JsonElement? variables, string? operationName)
        {
            GraphQLDocument document;
            try
            {
                document = Parser.Parse(query);
            }
            catch (GraphQLParserException ex)
            {
                Add(GraphQlViolationKind.Syntax, $"{ex.Location.Line}:{ex.Location.Column}", $"The document is not valid GraphQL: {QuotedText().Replace(ex.Description, "\"…\"")}");
                return violations;
            }

            foreach (var definition in document.Definitions)
            {
                switch (definition)
                {
                    case GraphQLOperationDefinition operation:
                        operations.Add(operation);
                        break;
                    case GraphQLFragmentDefinition fragment:
                        if (!Fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment))
                        {
                            Add(GraphQlViolationKind.DuplicateFragmentName, FragmentLabel(fragment), $"The document defines fragment {fragment.FragmentName.Name.StringValue} more than once.");
                        }

                        break;
                    default:
                        Add(GraphQlViolationKind.NonExecutableDefinition, definition.Kind.ToString(), $"A request document holds only operations and fragments, not a {definition.Kind} definition.");
                        break;
                }
            }

            if (operations.Count == 0)
            {
                Add(GraphQlViolationKind.NonExecutableDefinition, "document", "The document holds no operation.");
                return violations;
            }

            CheckOperationNames();
            SelectOperation(operationName);
            CheckFragmentCycles();
            foreach (var fragment in Fragments.Values)
            {
                CheckFragmentDefinition(fragment);
            }

            foreach (var operation in operations)
            {
                CheckOperation(operation, ReferenceEquals(operation, Selected) ? variables : null, ReferenceEquals(operation, Selected));
            }

            foreach (var fragment in Fragments.Values.Where(f => !reachedFragments.Contains(f.FragmentName.Name.StringValue)))
            {
                Add(GraphQlViolationKind.UnusedFragment, FragmentLabel(fragment), $"Fragment {fragment.FragmentName.Name.StringValue} is never spread by an operation.");
            }

            return violations;
        }

        private static string FragmentLabel(GraphQLFragmentDefinition fragment) => "fragment " + fragment.FragmentName.Name.StringValue;

        private static string OperationLabel(GraphQLOperationDefinition operation)
            => operation.Name?.StringValue ?? $"(anonymous {operation.Operation.ToString().ToLowerInvariant()})";

        private void Add(GraphQlViolationKind kind, string path, string message)
        {
            if (seen.Add((kind, path, message)))
            {
                violations.Add(new GraphQlViolation(kind, path, message));
            }
        }

        private void Report(Scope scope, GraphQlViolationKind kind, string path, string message)
        {
            if (scope.Report)
            {
                Add(kind, path, message);
            }
        }

        private void CheckOperationNames()
        {
            foreach (var group in operations.Where(o => o.Name is not null).GroupBy(o => o.Name!.StringValue, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                Add(GraphQlViolationKind.DuplicateOperationName, group.Key, $"The document defines operation {group.Key} {group.Count()} times.");
            }

            if (operations.Count > 1 && operations.Any(o => o.Name is null))
            {
                Add(GraphQlViolationKind.AnonymousOperationNotAlone, "document", $"An anonymous operation must be the only operation of the document, which has {operations.Count}.");
            }
        }

        private void SelectOperation(string? operationName)
        {
            if (operationName is not null)
            {
                Selected = operations.FirstOrDefault(o => string.Equals(o.Name?.StringValue, operationName, StringComparison.Ordinal));
                if (Selected is null)
                {
                    Add(GraphQlViolationKind.OperationNotFound, operationName, $"operationName '{operationName}' names no operation of the document (it has: {string.Join(", ", operations.Select(OperationLabel))}).");
                }
            }
            else if (operations.Count == 1)
            {
                Selected = operations[0];
            }
            else
            {
                Add(GraphQlViolationKind.OperationNotFound, "document", $"The document has {operations.Count} operations, so the request must say which to run with operationName.");
            }
        }

        private void CheckFragmentCycles()
        {
            var done = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in Fragments.Keys)
            {
                Visit(name, []);
            }

            void Visit(string name, List<string> stack)
            {
                if (stack.Contains(name, StringComparer.Ordinal))
                {
                    var cycle = stack.Skip(stack.IndexOf(name)).Append(name);
                    Add(GraphQlViolationKind.FragmentCycle, "fragment " + name, $"Fragment {name} spreads itself ({string.Join(" → ", cycle)}).");
                    return;
                }

                if (done.Contains(name) || !Fragments.TryGetValue(name, out var fragment))
                {
                    return;
                }

                stack.Add(name);
                foreach (var spread in Spreads(fragment.SelectionSet))
                {
                    Visit(spread, stack);
                }

                stack.RemoveAt(stack.Count - 1);
                done.Add(name);
            }
        }

        private static IEnumerable<string> Spreads(GraphQLSelectionSet? set)
        {
            foreach (var selection in set?.Selections ?? [])
            {
                switch (selection)
                {
                    case GraphQLFragmentSpread spread:
                        yield return spread.FragmentName.Name.StringValue;
                        break;
                    case GraphQLField field:
                        foreach (var name in Spreads(field.SelectionSet))
                        {
                            yield return name;
                        }

                        break;
                    case GraphQLInlineFragment inline:
                        foreach (var name in Spreads(inline.SelectionSet))
                        {
                            yield return name;
                        }

                        break;
                }
            }
        }

        private void CheckFragmentDefinition(GraphQLFragmentDefinition fragment)
        {
            var label = FragmentLabel(fragment);
            var scope = new Scope(Report: true, Follow: false, [], new HashSet<string>(StringComparer.Ordinal));
            CheckDirectives(fragment.Directives, DirectiveLocation.FragmentDefinition, label, scope);
            if (ResolveCondition(fragment.TypeCondition.Type.Name.StringValue, label, scope) is { } type)
            {
                CheckSelectionSet(fragment.SelectionSet, type, label, scope);
            }
        }

        private void CheckOperation(GraphQLOperationDefinition operation, JsonElement? variables, bool checkValues)
        {
            var label = OperationLabel(operation);
            var root = schema.RootType(operation.Operation);
            if (root is null)
            {
                var kind = operation.Operation.ToString().ToLowerInvariant();
                Add(GraphQlViolationKind.UnknownOperationType, label, $"The schema has no {kind} root type, so the server accepts no {kind} operations.");
                return;
            }

            var declared = new Dictionary<string, Declared>(StringComparer.Ordinal);
            foreach (var definition in operation.Variables?.Items ?? [])
            {
                var name = definition.Variable.Name.StringValue;
                var path = "$" + name;
                if (declared.ContainsKey(name))
                {
                    Add(GraphQlViolationKind.DuplicateVariable, path, $"Operation {label} declares variable ${name} more than once.");
                    continue;
                }

                var type = GqlSchema.SdlTypeRef(definition.Type);
                var named = schema.Find(type.NamedType);
                if (named is null)
                {
                    Add(GraphQlViolationKind.InvalidVariableType, path, $"Variable ${name} is declared as {type}, but the schema has no type {type.NamedType}.");
                    declared[name] = new Declared(null, false);
                    continue;
                }

                if (!named.IsInput)
                {
                    Add(GraphQlViolationKind.InvalidVariableType, path, $"Variable ${name} is declared as {type}, but {named.Name} is an {named.KindName} type, not an input type.");
                    declared[name] = new Declared(null, false);
                    continue;
                }

                var hasNonNullDefault = definition.DefaultValue is not null and not GraphQLNullValue;
                declared[name] = new Declared(type, hasNonNullDefault) { HasDefault = definition.DefaultValue is not null };
                if (definition.DefaultValue is { } defaultValue)
                {
                    CheckLiteral(defaultValue, type, false, path + " (default)", null);
                }
            }

            var scope = new Scope(Report: true, Follow: true, [], new HashSet<string>(StringComparer.Ordinal));
            CheckDirectives(operation.Directives, operation.Operation switch
            {
                OperationType.Query => DirectiveLocation.Query,
                OperationType.Mutation => DirectiveLocation.Mutation,
                _ => DirectiveLocation.Subscription,
            }, label, scope);
            foreach (var definition in operation.Variables?.Items ?? [])
            {
                CheckDirectives(definition.Directives, DirectiveLocation.VariableDefinition, "$" + definition.Variable.Name.StringValue, scope);
            }

            CheckSelectionSet(operation.SelectionSet, root, label, scope);

            foreach (var usage in scope.Usages)
            {
                if (!declared.TryGetValue(usage.Name, out var declaration))
                {
                    Add(GraphQlViolationKind.UndeclaredVariable, usage.Path, $"Variable ${usage.Name} is used but operation {label} does not declare it.");
                }
                else if (declaration.Type is { } type && !IsUsageAllowed(type, declaration.HasNonNullDefault, usage.Type, usage.LocationHasDefault))
                {
                    Add(GraphQlViolationKind.VariableTypeMismatch, usage.Path, $"Variable ${usage.Name} of type {type} is used where {usage.Type} is expected.");
                }
            }

            var used = scope.Usages.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in declared.Keys.Where(n => !used.Contains(n)))
            {
                Add(GraphQlViolationKind.UnusedVariable, "$" + name, $"Operation {label} declares variable ${name} but never uses it.");
            }

            if (checkValues)
            {
                CheckVariableValues(declared, variables);
            }
        }

        private void CheckVariableValues(Dictionary<string, Declared> declared, JsonElement? variables)
        {
            if (variables is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) } v)
            {
                Add(GraphQlViolationKind.InvalidVariableValue, "variables", $"The request's variables must be a JSON object, not {JsonKind(v)}.");
                return;
            }

            var values = variables is { ValueKind: JsonValueKind.Object } o ? o : (JsonElement?)null;
            foreach (var (name, declaration) in declared)
            {
                if (declaration.Type is null)
                {
                    continue;
                }

                if (values is { } present && present.TryGetProperty(name, out var value))
                {
                    CheckJson(value, declaration.Type, "$" + name);
                }
                else if (declaration.Type.IsNonNull && !declaration.HasDefault)
                {
                    Add(GraphQlViolationKind.MissingVariableValue, "$" + name, $"Variable ${name} of type {declaration.Type} has no default, but the request's variables give no value for it.");
                }
            }

            if (values is { } given)
            {
                foreach (var property in given.EnumerateObject().Where(p => !declared.ContainsKey(p.Name)))
                {
                    Add(GraphQlViolationKind.InvalidVariableValue, "$" + property.Name, $"The request's variables give ${property.Name}, which the operation does not declare.");
                }
            }
        }

        private void CheckJson(JsonElement value, GqlTypeRef type, string path)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (type.IsNonNull)
                {
                    Add(GraphQlViolationKind.InvalidVariableValue, path, $"null is given where {type} is expected.");
                }

                return;
            }

            type = type.Nullable;
            if (type.IsList)
            {
                if (value.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        CheckJson(item, type.OfType!, $"{path}[{i++}]");
                    }
                }
                else
                {
                    CheckJson(value, type.OfType!, path);
                }

                return;
            }

            var named = schema.Find(type.Name!);
            switch (named)
            {
                case { Kind: GqlTypeKind.Scalar }:
                    if (!InputScalarFits(named.Name, value))
                    {
                        Add(GraphQlViolationKind.InvalidVariableValue, path, $"{named.Name} is expected, but the value is {JsonKind(value)}.");
                    }

                    break;
                case { Kind: GqlTypeKind.Enum }:
                    if (value.ValueKind != JsonValueKind.String || !named.EnumValues.Contains(value.GetString()!))
                    {
                        Add(GraphQlViolationKind.InvalidVariableValue, path, $"A value of enum {named.Name} ({string.Join(", ", named.EnumValues)}) is expected, but the value is {(value.ValueKind == JsonValueKind.String ? "another string" : JsonKind(value))}.");
                    }

                    break;
                case { Kind: GqlTypeKind.InputObject }:
                    if (value.ValueKind != JsonValueKind.Object)
                    {
                        Add(GraphQlViolationKind.InvalidVariableValue, path, $"Input object {named.Name} is expected, but the value is {JsonKind(value)}.");
                        break;
                    }

                    foreach (var property in value.EnumerateObject())
                    {
                        if (named.InputFields.TryGetValue(property.Name, out var field))
                        {
                            CheckJson(property.Value, field.Type, $"{path}.{property.Name}");
                        }
                        else
                        {
                            Add(GraphQlViolationKind.InvalidVariableValue, $"{path}.{property.Name}", $"Input type {named.Name} has no field '{property.Name}' (it has: {string.Join(", ", named.InputFields.Keys)}).");
                        }
                    }

                    foreach (var field in named.InputFields.Values.Where(f => f.IsRequired && !value.TryGetProperty(f.Name, out _)))
                    {
                        Add(GraphQlViolationKind.InvalidVariableValue, $"{path}.{field.Name}", $"Input type {named.Name} requires field '{field.Name}' of type {field.Type}.");
                    }

                    break;
            }
        }

        private static bool InputScalarFits(string scalar, JsonElement value) => scalar switch
        {
            "Int" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            "Float" => value.ValueKind == JsonValueKind.Number,
            "String" => value.ValueKind == JsonValueKind.String,
            "Boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "ID" => value.ValueKind == JsonValueKind.String || (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _)),
            _ => true,
        };

        internal static string JsonKind(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "a list",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => value.TryGetInt64(out _) ? (value.TryGetInt32(out _) ? "an integer" : "an integer beyond 32 bits") : "a number with a fraction",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };

        private static bool IsUsageAllowed(GqlTypeRef variableType, bool variableHasNonNullDefault, GqlTypeRef locationType, bool locationHasDefault)
        {
            if (locationType.IsNonNull && !variableType.IsNonNull)
            {
                return (variableHasNonNullDefault || locationHasDefault) && AreCompatible(variableType, locationType.OfType!);
            }

            return AreCompatible(variableType, locationType);
        }

        private static bool AreCompatible(GqlTypeRef variable, GqlTypeRef location)
        {
            if (location.IsNonNull)
            {
                return variable.IsNonNull && AreCompatible(variable.OfType!, location.OfType!);
            }

            if (variable.IsNonNull)
            {
                return AreCompatible(variable.OfType!, location);
            }

            if (location.IsList)
            {
                return variable.IsList && AreCompatible(variable.OfType!, location.OfType!);
            }

            return !variable.IsList && string.Equals(variable.Name, location.Name, StringComparison.Ordinal);
        }

        private void CheckSelectionSet(GraphQLSelectionSet set, GqlType parent, string path, Scope scope)
        {
            if (scope.Report)
            {
                CheckFieldConflicts(set, parent, path);
            }

            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        CheckField(field, parent, path, scope);
                        break;
                    case GraphQLInlineFragment inline:
                        CheckDirectives(inline.Directives, DirectiveLocation.InlineFragment, path, scope);
                        var target = parent;
                        if (inline.TypeCondition is { } condition)
                        {
                            var name = condition.Type.Name.StringValue;
                            var at = $"{path}(... on {name})";
                            if (ResolveCondition(name, at, scope) is not { } resolved)
                            {
                                break;
                            }

                            CheckApplicable(parent, resolved, at, $"An inline fragment on {name}", scope);
                            target = resolved;
                        }

                        CheckSelectionSet(inline.SelectionSet, target, path, scope);
                        break;
                    case GraphQLFragmentSpread spread:
                        CheckSpread(spread, parent, path, scope);
                        break;
                }
            }
        }

        /// <summary>
        /// Fields that share a response key in one selection set (fragments included) must ask for the same field with the
        /// same arguments, unless they sit on two different object types; either way their types must have the same shape.
        /// Sub-selections are compared where each set is checked, not merged across the two fields.
        /// </summary>
        private void CheckFieldConflicts(GraphQLSelectionSet set, GqlType parent, string path)
        {
            var byKey = new Dictionary<string, List<(GqlType Parent, GraphQLField Field)>>(StringComparer.Ordinal);
            Gather(set, parent, byKey, new HashSet<string>(StringComparer.Ordinal));
            foreach (var (key, fields) in byKey.Where(k => k.Value.Count > 1))
            {
                var (firstParent, first) = fields[0];
                foreach (var (otherParent, other) in fields.Skip(1))
                {
                    var firstName = first.Name.StringValue;
                    var otherName = other.Name.StringValue;
                    var exclusive = firstParent != otherParent && firstParent.Kind == GqlTypeKind.Object && otherParent.Kind == GqlTypeKind.Object;
                    string? problem = null;
                    if (!exclusive && firstName != otherName)
                    {
                        problem = $"'{key}' is both {firstParent.Name}.{firstName} and {otherParent.Name}.{otherName}; use different aliases.";
                    }
                    else if (!exclusive && ArgumentsText(first.Arguments) != ArgumentsText(other.Arguments))
                    {
                        problem = $"'{key}' selects {firstName} with different arguments ({ArgumentsText(first.Arguments, true)} and {ArgumentsText(other.Arguments, true)}); use different aliases.";
                    }
                    else if (FieldType(firstParent, firstName) is { } firstType && FieldType(otherParent, otherName) is { } otherType && !SameShape(firstType, otherType))
                    {
                        problem = $"'{key}' would be both {firstType} and {otherType}; use different aliases.";
                    }

                    if (problem is not null)
                    {
                        Add(GraphQlViolationKind.FieldConflict, $"{path}.{key}", problem);
                        break;
                    }
                }
            }
        }

        private void Gather(GraphQLSelectionSet set, GqlType parent, Dictionary<string, List<(GqlType, GraphQLField)>> byKey, HashSet<string> visiting)
        {
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        var key = field.Alias?.Name.StringValue ?? field.Name.StringValue;
                        if (!byKey.TryGetValue(key, out var list))
                        {
                            byKey[key] = list = [];
                        }

                        list.Add((parent, field));
                        break;
                    case GraphQLInlineFragment inline:
                        var inlineType = inline.TypeCondition is { } condition ? schema.Find(condition.Type.Name.StringValue) : parent;
                        if (inlineType is { IsComposite: true })
                        {
                            Gather(inline.SelectionSet, inlineType, byKey, visiting);
                        }

                        break;
                    case GraphQLFragmentSpread spread:
                        var name = spread.FragmentName.Name.StringValue;
                        if (Fragments.TryGetValue(name, out var fragment) && schema.Find(fragment.TypeCondition.Type.Name.StringValue) is { IsComposite: true } fragmentType && visiting.Add(name))
                        {
                            Gather(fragment.SelectionSet, fragmentType, byKey, visiting);
                            visiting.Remove(name);
                        }

                        break;
                }
            }
        }

        private GqlTypeRef? FieldType(GqlType parent, string name)
            => name == "__typename" ? GqlTypeRef.NonNull(GqlTypeRef.Named("String")) : FindField(parent, name, out _)?.Type;

        private bool SameShape(GqlTypeRef a, GqlTypeRef b)
        {
            if (a.IsNonNull || b.IsNonNull)
            {
                return a.IsNonNull && b.IsNonNull && SameShape(a.OfType!, b.OfType!);
            }

            if (a.IsList || b.IsList)
            {
                return a.IsList && b.IsList && SameShape(a.OfType!, b.OfType!);
            }

            var aType = schema.Find(a.Name!);
            var bType = schema.Find(b.Name!);
            return aType is null || bType is null || (aType.IsLeaf || bType.IsLeaf ? aType.Name == bType.Name : true);
        }

        private static string ArgumentsText(GraphQLArguments? arguments)
            => ArgumentsText(arguments, false);

        /// <summary>The arguments in a canonical form; <paramref name="masked"/> hides string contents for messages.</summary>
        private static string ArgumentsText(GraphQLArguments? arguments, bool masked)
            => "(" + string.Join(", ", (arguments?.Items ?? []).Select(a => $"{a.Name.StringValue}: {ValueText(a.Value, masked)}").Order(StringComparer.Ordinal)) + ")";

        private static string ValueText(GraphQLValue value, bool masked) => value switch
        {
            GraphQLVariable v => "$" + v.Name.StringValue,
            GraphQLStringValue s => masked ? "\"…\"" : JsonSerializer.Serialize(s.Value.ToString()),
            GraphQLIntValue i => i.Value.ToString(),
            GraphQLFloatValue f => f.Value.ToString(),
            GraphQLBooleanValue b => b.BoolValue ? "true" : "false",
            GraphQLEnumValue e => e.Name.StringValue,
            GraphQLListValue l => "[" + string.Join(", ", (l.Values ?? []).Select(v => ValueText(v, masked))) + "]",
            GraphQLObjectValue o => "{" + string.Join(", ", (o.Fields ?? []).Select(f => $"{f.Name.StringValue}: {ValueText(f.Value, masked)}").Order(StringComparer.Ordinal)) + "}",
            _ => "null",
        };

        private void CheckSpread(GraphQLFragmentSpread spread, GqlType parent, string path, Scope scope)
        {
            var name = spread.FragmentName.Name.StringValue;
            var at = $"{path}(...{name})";
            CheckDirectives(spread.Directives, DirectiveLocation.FragmentSpread, at, scope);
            if (scope.Follow)
            {
                reachedFragments.Add(name);
            }

            if (!Fragments.TryGetValue(name, out var fragment))
            {
                Report(scope, GraphQlViolationKind.UnknownFragment, at, $"Fragment {name} is spread but the document does not define it.");
                return;
            }

            if (schema.Find(fragment.TypeCondition.Type.Name.StringValue) is not { IsComposite: true } condition)
            {
                return; // reported with the fragment's definition
            }

            CheckApplicable(parent, condition, at, $"Fragment {name} (on {condition.Name})", scope);
            if (scope.Follow && scope.Visiting.Add(name))
            {
                CheckSelectionSet(fragment.SelectionSet, condition, path, scope with { Report = false });
                scope.Visiting.Remove(name);
            }
        }

        private GqlType? ResolveCondition(string name, string path, Scope scope)
        {
            var type = schema.Find(name);
            if (type is null)
            {
                Report(scope, GraphQlViolationKind.UnknownType, path, $"The type condition names type {name}, which the schema does not have.");
                return null;
            }

            if (!type.IsComposite)
            {
                Report(scope, GraphQlViolationKind.InvalidFragmentType, path, $"The type condition names {name}, an {type.KindName} type; fragments apply only to object, interface and union types.");
                return null;
            }

            return type;
        }

        private void CheckApplicable(GqlType parent, GqlType condition, string path, string what, Scope scope)
        {
            if (!schema.PossibleTypes(parent).Overlaps(schema.PossibleTypes(condition)))
            {
                Report(scope, GraphQlViolationKind.ImpossibleFragment, path, $"{what} can never apply within {parent.Name}: the two types share no possible type.");
            }
        }

        private void CheckField(GraphQLField field, GqlType parent, string path, Scope scope)
        {
            var name = field.Name.StringValue;
            var key = field.Alias?.Name.StringValue ?? name;
            var at = $"{path}.{key}";
            CheckDirectives(field.Directives, DirectiveLocation.Field, at, scope);
            if (name == "__typename")
            {
                if (field.Arguments is { Count: > 0 })
                {
                    Report(scope, GraphQlViolationKind.UnknownArgument, at, "__typename takes no arguments.");
                }

                if (field.SelectionSet is not null)
                {
                    Report(scope, GraphQlViolationKind.UnexpectedSelectionSet, at, "__typename is a String; it takes no selection set.");
                }

                return;
            }

            var definition = FindField(parent, name, out var isUncheckedMeta);
            if (isUncheckedMeta)
            {
                return;
            }

            if (definition is null)
            {
                var message = parent.Kind == GqlTypeKind.Union
                    ? $"Union {parent.Name} has no fields: select __typename or use fragments on its types ({string.Join(", ", parent.PossibleTypes)})."
                    : $"Type {parent.Name} has no field '{name}'.";
                Report(scope, GraphQlViolationKind.UnknownField, at, message);
                return;
            }

            CheckArguments(field.Arguments, definition.Arguments, at, $"Field {parent.Name}.{name}", scope);
            var type = schema.Find(definition.Type.NamedType);
            if (type is null)
            {
                return;
            }

            if (type.IsLeaf && field.SelectionSet is not null)
            {
                Report(scope, GraphQlViolationKind.UnexpectedSelectionSet, at, $"Field {parent.Name}.{name} is of {type.KindName} type {definition.Type}; it takes no selection set.");
            }
            else if (type.IsComposite)
            {
                if (field.SelectionSet is null)
                {
                    Report(scope, GraphQlViolationKind.MissingSelectionSet, at, $"Field {parent.Name}.{name} is of {type.KindName} type {definition.Type}; it needs a selection set.");
                }
                else
                {
                    CheckSelectionSet(field.SelectionSet, type, at, scope);
                }
            }
        }

        private GqlField? FindField(GqlType parent, string name, out bool isUncheckedMeta)
        {
            isUncheckedMeta = false;
            if (parent.Fields.TryGetValue(name, out var field))
            {
                return field;
            }

            if (parent.Name == schema.QueryType && name is "__schema" or "__type")
            {
                if (schema.Find("__Schema") is null || schema.Find("__Type") is null)
                {
                    isUncheckedMeta = true;
                    return null;
                }

                return MetaField(name);
            }

            return null;
        }

        private static GqlField MetaField(string name)
        {
            if (name == "__schema")
            {
                return new GqlField(name, GqlTypeRef.NonNull(GqlTypeRef.Named("__Schema")));
            }

            var type = new GqlField(name, GqlTypeRef.Named("__Type"));
            type.Arguments["name"] = new GqlInputValue("name", GqlTypeRef.NonNull(GqlTypeRef.Named("String")), false);
            return type;
        }

        private void CheckDirectives(GraphQLDirectives? directives, DirectiveLocation location, string path, Scope scope)
        {
            foreach (var directive in directives?.Items ?? [])
            {
                var name = directive.Name.StringValue;
                if (!schema.Directives.TryGetValue(name, out var definition))
                {
                    Report(scope, GraphQlViolationKind.UnknownDirective, $"{path}@{name}", $"The schema declares no directive @{name}.");
                    continue;
                }

                var where = GqlSchema.LocationName(location);
                if (definition.Locations.Count > 0 && !definition.Locations.Contains(where))
                {
                    Report(scope, GraphQlViolationKind.MisplacedDirective, $"{path}@{name}", $"Directive @{name} may not stand on {where} (only on {string.Join(", ", definition.Locations)}).");
                }

                CheckArguments(directive.Arguments, definition.Arguments, $"{path}@{name}", $"Directive @{name}", scope);
            }
        }

        private void CheckArguments(GraphQLArguments? arguments, Dictionary<string, GqlInputValue> definitions, string path, string owner, Scope scope)
        {
            var given = new HashSet<string>(StringComparer.Ordinal);
            foreach (var argument in arguments?.Items ?? [])
            {
                var name = argument.Name.StringValue;
                var at = $"{path}({name}:)";
                if (!given.Add(name))
                {
                    Report(scope, GraphQlViolationKind.DuplicateArgument, at, $"{owner} is given argument '{name}' more than once.");
                    continue;
                }

                if (!definitions.TryGetValue(name, out var definition))
                {
                    var known = definitions.Count == 0 ? "it takes none" : "it has: " + string.Join(", ", definitions.Keys);
                    Report(scope, GraphQlViolationKind.UnknownArgument, at, $"{owner} has no argument '{name}' ({known}).");
                    continue;
                }

                CheckLiteral(argument.Value, definition.Type, definition.HasDefault, at, scope);
            }

            foreach (var definition in definitions.Values.Where(d => d.IsRequired && !given.Contains(d.Name)))
            {
                Report(scope, GraphQlViolationKind.MissingRequiredArgument, $"{path}({definition.Name}:)", $"{owner} requires argument '{definition.Name}' of type {definition.Type}.");
            }
        }

        /// <summary>Checks a literal against its input type; variables inside are recorded as usages (none are allowed without a scope).</summary>
        private void CheckLiteral(GraphQLValue value, GqlTypeRef type, bool locationHasDefault, string path, Scope? scope)
        {
            var report = scope ?? Scope.Default;
            if (value is GraphQLVariable variable)
            {
                if (scope is null)
                {
                    Add(GraphQlViolationKind.InvalidLiteral, path, $"A default value cannot use variable ${variable.Name.StringValue}.");
                }
                else
                {
                    scope.Usages.Add(new Usage(variable.Name.StringValue, type, locationHasDefault, path));
                }

                return;
            }

            if (value is GraphQLNullValue)
            {
                if (type.IsNonNull)
                {
                    Report(report, GraphQlViolationKind.InvalidLiteral, path, $"null is given where {type} is expected.");
                }

                return;
            }

            type = type.Nullable;
            if (type.IsList)
            {
                if (value is GraphQLListValue list)
                {
                    var i = 0;
                    foreach (var item in list.Values ?? [])
                    {
                        CheckLiteral(item, type.OfType!, false, $"{path}[{i++}]", scope);
                    }
                }
                else
                {
                    CheckLiteral(value, type.OfType!, false, path, scope);
                }

                return;
            }

            var named = schema.Find(type.Name!);
            switch (named)
            {
                case { Kind: GqlTypeKind.Scalar }:
                    if (!LiteralScalarFits(named.Name, value))
                    {
                        Report(report, GraphQlViolationKind.InvalidLiteral, path, $"{named.Name} is expected, but the literal is {DescribeLiteral(value)}.");
                    }

                    break;
                case { Kind: GqlTypeKind.Enum }:
                    if (value is not GraphQLEnumValue enumValue || !named.EnumValues.Contains(enumValue.Name.StringValue))
                    {
                        var hint = value is GraphQLStringValue ? " (enum values are written without quotes)" : string.Empty;
                        Report(report, GraphQlViolationKind.InvalidLiteral, path, $"A value of enum {named.Name} ({string.Join(", ", named.EnumValues)}) is expected, but the literal is {DescribeLiteral(value)}{hint}.");
                    }

                    break;
                case { Kind: GqlTypeKind.InputObject }:
                    if (value is not GraphQLObjectValue objectValue)
                    {
                        Report(report, GraphQlViolationKind.InvalidLiteral, path, $"Input object {named.Name} is expected, but the literal is {DescribeLiteral(value)}.");
                        break;
                    }

                    var given = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var field in objectValue.Fields ?? [])
                    {
                        var name = field.Name.StringValue;
                        if (!given.Add(name))
                        {
                            Report(report, GraphQlViolationKind.InvalidLiteral, $"{path}.{name}", $"Input object {named.Name} is given field '{name}' more than once.");
                        }
                        else if (named.InputFields.TryGetValue(name, out var definition))
                        {
                            CheckLiteral(field.Value, definition.Type, definition.HasDefault, $"{path}.{name}", scope);
                        }
                        else
                        {
                            Report(report, GraphQlViolationKind.InvalidLiteral, $"{path}.{name}", $"Input type {named.Name} has no field '{name}' (it has: {string.Join(", ", named.InputFields.Keys)}).");
                        }
                    }

                    foreach (var definition in named.InputFields.Values.Where(d => d.IsRequired && !given.Contains(d.Name)))
                    {
                        Report(report, GraphQlViolationKind.InvalidLiteral, $"{path}.{definition.Name}", $"Input type {named.Name} requires field '{definition.Name}' of type {definition.Type}.");
                    }

                    break;
            }
        }

        private static bool LiteralScalarFits(string scalar, GraphQLValue value) => scalar switch
        {
            "Int" => value is GraphQLIntValue i && int.TryParse(i.Value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            "Float" => value is GraphQLIntValue or GraphQLFloatValue,
            "String" => value is GraphQLStringValue,
            "Boolean" => value is GraphQLBooleanValue,
            "ID" => value is GraphQLStringValue or GraphQLIntValue,
            _ => true,
        };

        private static string DescribeLiteral(GraphQLValue value) => value switch
        {
            GraphQLIntValue i => $"the integer {i.Value}",
            GraphQLFloatValue f => $"the number {f.Value}",
            GraphQLStringValue => "a string", // its content may be a credential written into the document
            GraphQLBooleanValue b => b.BoolValue ? "true" : "false",
            GraphQLEnumValue e => $"the enum value {e.Name.StringValue}",
            GraphQLListValue => "a list",
            GraphQLObjectValue => "an object",
            _ => value.Kind.ToString(),
        };

        private sealed record Declared(GqlTypeRef? Type, bool HasNonNullDefault)
        {
            public bool HasDefault { get; init; }
        }
    }

    /// <summary>A quoted token in a parser message; its content may be a credential written into the document.</summary>
    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedText();

    private sealed record Usage(string Name, GqlTypeRef Type, bool LocationHasDefault, string Path);

    /// <summary>How a walk reports: fragments reached from an operation are walked again for their variables only.</summary>
    private sealed record Scope(bool Report, bool Follow, List<Usage> Usages, HashSet<string> Visiting)
    {
        public static Scope Default { get; } = new(true, false, [], []);
    }
}
