using System.Reflection;
using System.Text.RegularExpressions;
using CoCreation.Sdk.CoDevelopment;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>Co-development stands on the core alone: nothing in its namespace may reach into the opinions module.</summary>
[TestFixture]
public sealed partial class ModuleDependencyTests
{
    private const string OpinionsNamespace = "CoCreation.Sdk.Opinions";

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Test]
    public void No_co_development_type_references_an_opinions_type()
    {
        var assembly = typeof(CoDevelopmentProject).Assembly;
        var types = assembly.GetTypes()
            .Where(t => t.Namespace == typeof(CoDevelopmentProject).Namespace || IsCoDevelopmentRegistration(t))
            .ToList();
        Assert.That(types, Does.Contain(typeof(CoDevelopmentProject)));
        Assert.That(types, Has.Count.GreaterThan(10), "too few co-development types were found; the scan would prove nothing.");

        var offenders = new List<string>();
        foreach (var type in types)
        {
            foreach (var (where, referenced) in References(type))
            {
                if (IsOpinions(referenced))
                {
                    offenders.Add($"{type.FullName}.{where} -> {referenced.FullName}");
                }
            }
        }

        Assert.That(offenders, Is.Empty, "co-development references the opinions module:\n" + string.Join("\n", offenders));
    }

    [Test]
    public void The_scan_finds_an_opinions_reference_when_there_is_one()
    {
        // The check itself must be able to fail: a type holding an opinions type is reported.
        var found = References(typeof(Offender)).Where(r => IsOpinions(r.Type)).Select(r => r.Where).ToList();
        Assert.That(found, Does.Contain("field _campaigns"));
        Assert.That(found, Does.Contain("method Use(parameter)"));
    }

    [Test]
    public void No_co_development_source_file_imports_the_opinions_namespace()
    {
        var folder = Path.Combine(RepositoryRoot(), "src", "CoCreation.Sdk", "CoDevelopment");
        var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.That(files, Is.Not.Empty);
        var offenders = files
            .Where(f => OpinionsImport().IsMatch(File.ReadAllText(f)))
            .Select(Path.GetFileName)
            .ToList();
        Assert.That(offenders, Is.Empty, "co-development source imports or names the opinions namespace: " + string.Join(", ", offenders));
    }

    private static bool IsCoDevelopmentRegistration(Type type)
        => type.Name.StartsWith("CoDevelopment", StringComparison.Ordinal) && type.Namespace == "CoCreation.Sdk";

    private static bool IsOpinions(Type type)
        => type.Namespace is { } ns && (ns == OpinionsNamespace || ns.StartsWith(OpinionsNamespace + ".", StringComparison.Ordinal));

    private static IEnumerable<(string Where, Type Type)> References(Type type)
    {
        IEnumerable<Type> Expand(Type t)
        {
            if (t.HasElementType)
            {
                foreach (var inner in Expand(t.GetElementType()!))
                {
                    yield return inner;
                }

                yield break;
            }

            yield return t;
            if (t.IsGenericType)
            {
                foreach (var argument in t.GetGenericArguments())
                {
                    foreach (var inner in Expand(argument))
                    {
                        yield return inner;
                    }
                }
            }
        }

        if (type.BaseType is { } baseType)
        {
            foreach (var t in Expand(baseType)) yield return ("base type", t);
        }

        foreach (var contract in type.GetInterfaces())
        {
            foreach (var t in Expand(contract)) yield return ("interface", t);
        }

        foreach (var field in type.GetFields(Everything))
        {
            foreach (var t in Expand(field.FieldType)) yield return ($"field {field.Name}", t);
        }

        foreach (var property in type.GetProperties(Everything))
        {
            foreach (var t in Expand(property.PropertyType)) yield return ($"property {property.Name}", t);
        }

        foreach (var e in type.GetEvents(Everything))
        {
            foreach (var t in Expand(e.EventHandlerType!)) yield return ($"event {e.Name}", t);
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            foreach (var parameter in method.GetParameters())
            {
                foreach (var t in Expand(parameter.ParameterType)) yield return ($"method {method.Name}(parameter)", t);
            }

            if (method is MethodInfo info)
            {
                foreach (var t in Expand(info.ReturnType)) yield return ($"method {method.Name}(return)", t);
            }

            var body = SafeBody(method);
            if (body is not null)
            {
                foreach (var local in body.LocalVariables)
                {
                    foreach (var t in Expand(local.LocalType)) yield return ($"method {method.Name}(local)", t);
                }
            }
        }
    }

    private static MethodBody? SafeBody(MethodBase method)
    {
        try
        {
            return method.GetMethodBody();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CoCreation.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (with CoCreation.Sdk.sln) was not found above the test output.");
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?(\w+\s*=\s*)?CoCreation\.Sdk\.Opinions\b|\bCoCreation\.Sdk\.Opinions\.", RegexOptions.Multiline)]
    private static partial Regex OpinionsImport();

    private sealed class Offender
    {
#pragma warning disable CS0169, IDE0051 // only its shape matters
        private readonly CoCreation.Sdk.Opinions.OpinionCampaigns? _campaigns;
#pragma warning restore CS0169, IDE0051

        public static void Use(CoCreation.Sdk.Opinions.IdeaBoard board) => ArgumentNullException.ThrowIfNull(board);
    }
}
