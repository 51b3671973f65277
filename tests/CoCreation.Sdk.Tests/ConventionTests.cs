using System.Reflection;
using System.Runtime.CompilerServices;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests;

/// <summary>API conventions checked by reflection over the public surface of both packages.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ConventionTests
{
    // Pages over items the caller already holds in memory: there is no I/O to cancel.
    private static readonly HashSet<string> PageableWithoutCancellation = ["AsyncPageable`1.FromList"];

    private static IEnumerable<MethodInfo> VisibleMethods()
    {
        Assembly[] assemblies = [typeof(InMemoryCoCreationStore).Assembly, typeof(ISnsConnector).Assembly];
        return assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => IsVisible(t) && !typeof(Delegate).IsAssignableFrom(t))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly) && !m.IsSpecialName && !m.IsDefined(typeof(CompilerGeneratedAttribute)));
    }

    private static bool IsVisible(Type type)
        => type.IsPublic || ((type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamORAssem) && IsVisible(type.DeclaringType!));

    private static bool IsAwaitable(Type type)
        => type == typeof(Task) || type == typeof(ValueTask)
            || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)));

    private static bool LastIsCancellationToken(MethodInfo method)
        => method.GetParameters() is { Length: > 0 } parameters && parameters[^1].ParameterType == typeof(CancellationToken);

    private static string Name(MethodInfo method) => $"{method.DeclaringType!.Name}.{method.Name}";

    [Test]
    public void The_surface_has_async_methods_to_check()
    {
        Assert.That(VisibleMethods().Count(m => IsAwaitable(m.ReturnType)), Is.GreaterThan(50));
        Assert.That(VisibleMethods().Any(m => m.Name == "PublishCoreAsync" && m.IsFamily), Is.True, "protected core methods are included");
    }

    [Test]
    public void Every_visible_task_returning_method_ends_in_Async()
    {
        var offenders = VisibleMethods().Where(m => IsAwaitable(m.ReturnType) && !m.Name.EndsWith("Async", StringComparison.Ordinal)).Select(Name).ToList();

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Every_visible_task_returning_method_takes_a_cancellation_token_last()
    {
        var offenders = VisibleMethods().Where(m => IsAwaitable(m.ReturnType) && !LastIsCancellationToken(m)).Select(Name).ToList();

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Every_public_method_returning_a_pageable_takes_a_cancellation_token_last()
    {
        var offenders = VisibleMethods()
            .Where(m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(AsyncPageable<>))
            .Where(m => !LastIsCancellationToken(m) && !PageableWithoutCancellation.Contains(Name(m)))
            .Select(Name)
            .ToList();

        Assert.That(offenders, Is.Empty);
    }
}
