using System.Text.Json;
using GraphQLParser.AST;

namespace CoCreation.Sdk.Testing;

public sealed partial class GraphQlContract
{
    /// <summary>Checks a response's <c>data</c> against the selection of a request already validated.</summary>
    private sealed class ResponseValidator(GqlSchema schema, Dictionary<string, GraphQLFragmentDefinition> fragments, JsonElement? variables)
    {
        private readonly List<GraphQlViolation> violations = [];

        public IReadOnlyList<GraphQlViolation> Run(GraphQLOperationDefinition operation, GqlType root, JsonElement data)
        {
            CheckObject([operation.SelectionSet], root, data, "data");
            return violations;
        }

        private void Add(GraphQlViolationKind kind, string path, string message) => violations.Add(new GraphQlViolation(kind, path, message));

        private void CheckObject(List<GraphQLSelectionSet> sets, GqlType type, JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                Add(GraphQlViolationKind.ResponseWrongType, path, $"An object of type {type.Name} is expected, but the value is {RequestValidator.JsonKind(value)}.");
                return;
            }

            var runtime = type.Kind == GqlTypeKind.Object ? type : null;
            if (runtime is null)
            {
                // An abstract type: the selected __typename, where the response has it, tells which fragments apply.
                foreach (var entry in Collect(sets, type, null).Values.Where(e => e.FieldName == "__typename"))
                {
                    if (value.TryGetProperty(entry.Key, out var name) && name.ValueKind == JsonValueKind.String
                        && schema.PossibleTypes(type).Contains(name.GetString()!))
                    {
                        runtime = schema.Find(name.GetString()!);
                        break;
                    }
                }
            }

            var entries = Collect(sets, type, runtime);
            foreach (var entry in entries.Values)
            {
                var at = $"{path}.{entry.Key}";
                if (!value.TryGetProperty(entry.Key, out var fieldValue))
                {
                    if (!entry.Optional)
                    {
                        Add(GraphQlViolationKind.ResponseMissingField, at, $"The response lacks '{entry.Key}' ({entry.Parent.Name}.{entry.FieldName}), which the request selects.");
                    }

                    continue;
                }

                if (entry.FieldName == "__typename")
                {
                    CheckTypename(type, runtime, fieldValue, at);
                    continue;
                }

                var definition = entry.Parent.Fields.GetValueOrDefault(entry.FieldName);
                if (definition is null)
                {
                    continue; // introspection meta fields without their types in the schema
                }

                CheckValue(definition.Type, entry.Nodes, fieldValue, at);
            }

            foreach (var property in value.EnumerateObject().Where(p => !entries.ContainsKey(p.Name)))
            {
                Add(GraphQlViolationKind.ResponseUnexpectedField, $"{path}.{property.Name}", $"The response has '{property.Name}', which the request does not select on {runtime?.Name ?? type.Name}.");
            }
        }

        private void CheckTypename(GqlType type, GqlType? runtime, JsonElement value, string path)
        {
            var possible = schema.PossibleTypes(type);
            if (value.ValueKind != JsonValueKind.String)
            {
                Add(GraphQlViolationKind.ResponseInvalidTypename, path, $"__typename must be a string, but the value is {RequestValidator.JsonKind(value)}.");
            }
            else if (!possible.Contains(value.GetString()!) || (runtime is not null && runtime.Name != value.GetString()))
            {
                Add(GraphQlViolationKind.ResponseInvalidTypename, path, $"__typename '{value.GetString()}' is not a possible type of {type.Name} ({string.Join(", ", possible)}).");
            }
        }

        private void CheckValue(GqlTypeRef type, List<GraphQLField> nodes, JsonElement value, string path)
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (type.IsNonNull)
                {
                    Add(GraphQlViolationKind.ResponseNullValue, path, $"The value is null, but the schema declares {type}.");
                }

                return;
            }

            type = type.Nullable;
            if (type.IsList)
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    Add(GraphQlViolationKind.ResponseWrongType, path, $"A list ({type}) is expected, but the value is {RequestValidator.JsonKind(value)}.");
                    return;
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    CheckValue(type.OfType!, nodes, item, $"{path}[{i++}]");
                }

                return;
            }

            var named = schema.Find(type.Name!);
            switch (named)
            {
                case null:
                    return;
                case { Kind: GqlTypeKind.Scalar }:
                    if (!OutputScalarFits(named.Name, value))
                    {
                        Add(GraphQlViolationKind.ResponseWrongType, path, $"{named.Name} is expected, but the value is {RequestValidator.JsonKind(value)}.");
                    }

                    break;
                case { Kind: GqlTypeKind.Enum }:
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        Add(GraphQlViolationKind.ResponseWrongType, path, $"A value of enum {named.Name} is expected, but the value is {RequestValidator.JsonKind(value)}.");
                    }
                    else if (!named.EnumValues.Contains(value.GetString()!))
                    {
                        Add(GraphQlViolationKind.ResponseInvalidEnumValue, path, $"'{value.GetString()}' is not a value of enum {named.Name} ({string.Join(", ", named.EnumValues)}).");
                    }

                    break;
                default:
                    CheckObject(nodes.Where(n => n.SelectionSet is not null).Select(n => n.SelectionSet!).ToList(), named, value, path);
                    break;
            }
        }

        private static bool OutputScalarFits(string scalar, JsonElement value) => scalar switch
        {
            "Int" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            "Float" => value.ValueKind == JsonValueKind.Number,
            "String" or "ID" => value.ValueKind == JsonValueKind.String,
            "Boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ => true,
        };

        /// <summary>
        /// Collects the fields a selection asks of an object of <paramref name="type"/> by response key. Where the run-time
        /// type is unknown, fields of fragments that may or may not apply are optional; so are fields under a
        /// <c>@skip</c>/<c>@include</c> whose condition cannot be read.
        /// </summary>
        private Dictionary<string, Entry> Collect(List<GraphQLSelectionSet> sets, GqlType type, GqlType? runtime)
        {
            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            foreach (var set in sets)
            {
                CollectInto(set, type, type, runtime, false, entries, []);
            }

            return entries;
        }

        private void CollectInto(GraphQLSelectionSet set, GqlType type, GqlType scopeType, GqlType? runtime, bool optional, Dictionary<string, Entry> entries, HashSet<string> visiting)
        {
            foreach (var selection in set.Selections)
            {
                var included = Included(selection is IHasDirectivesNode node ? node.Directives : null);
                if (included == false)
                {
                    continue;
                }

                var isOptional = optional || included is null;
                switch (selection)
                {
                    case GraphQLField field:
                        var key = field.Alias?.Name.StringValue ?? field.Name.StringValue;
                        if (entries.TryGetValue(key, out var entry))
                        {
                            entry.Nodes.Add(field);
                            entry.Optional &= isOptional;
                        }
                        else
                        {
                            entries[key] = new Entry(key, field.Name.StringValue, scopeType, [field]) { Optional = isOptional };
                        }

                        break;
                    case GraphQLInlineFragment inline:
                        var inlineType = inline.TypeCondition is { } condition ? schema.Find(condition.Type.Name.StringValue) : scopeType;
                        CollectFragment(inline.SelectionSet, inlineType, type, runtime, isOptional, entries, visiting);
                        break;
                    case GraphQLFragmentSpread spread:
                        var name = spread.FragmentName.Name.StringValue;
                        if (fragments.TryGetValue(name, out var fragment) && visiting.Add(name))
                        {
                            CollectFragment(fragment.SelectionSet, schema.Find(fragment.TypeCondition.Type.Name.StringValue), type, runtime, isOptional, entries, visiting);
                            visiting.Remove(name);
                        }

                        break;
                }
            }
        }

        private void CollectFragment(GraphQLSelectionSet set, GqlType? condition, GqlType type, GqlType? runtime, bool optional, Dictionary<string, Entry> entries, HashSet<string> visiting)
        {
            if (condition is null)
            {
                return;
            }

            var conditionTypes = schema.PossibleTypes(condition);
            if (runtime is not null)
            {
                if (conditionTypes.Contains(runtime.Name))
                {
                    CollectInto(set, type, condition, runtime, optional, entries, visiting);
                }

                return;
            }

            var always = schema.PossibleTypes(type).IsSubsetOf(conditionTypes);
            CollectInto(set, type, condition, runtime, optional || !always, entries, visiting);
        }

        /// <summary>Whether <c>@skip</c>/<c>@include</c> keep a selection: true, false, or null when the condition's variable has no boolean value.</summary>
        private bool? Included(GraphQLDirectives? directives)
        {
            bool? result = true;
            foreach (var directive in directives?.Items ?? [])
            {
                var name = directive.Name.StringValue;
                if (name is not ("skip" or "include"))
                {
                    continue;
                }

                var condition = Condition(directive.Arguments?.Items.FirstOrDefault(a => a.Name.StringValue == "if")?.Value);
                if (condition is null)
                {
                    result = null;
                }
                else if (condition == (name == "skip"))
                {
                    return false;
                }
            }

            return result;
        }

        private bool? Condition(GraphQLValue? value) => value switch
        {
            GraphQLBooleanValue b => b.BoolValue,
            GraphQLVariable v when variables is { ValueKind: JsonValueKind.Object } vars
                && vars.TryGetProperty(v.Name.StringValue, out var given)
                && given.ValueKind is JsonValueKind.True or JsonValueKind.False => given.ValueKind == JsonValueKind.True,
            _ => null,
        };

        private sealed record Entry(string Key, string FieldName, GqlType Parent, List<GraphQLField> Nodes)
        {
            public bool Optional { get; set; }
        }
    }
}
