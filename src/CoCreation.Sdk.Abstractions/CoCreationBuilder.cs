using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoCreation.Sdk;

/// <summary>Configures CoCreation.Sdk in a service collection; returned by <c>AddCoCreation()</c>.</summary>
/// <remarks>Adapter packages add extension methods to this interface (for example <c>AddEmbeddedSns</c>).</remarks>
public interface ICoCreationBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}

/// <summary>The kind of a registered provider.</summary>
public enum ProviderKind
{
    /// <summary>An <see cref="ISnsConnector"/>.</summary>
    Sns,
    /// <summary>An <see cref="ICloudWorkspace"/>.</summary>
    CloudWorkspace,
    /// <summary>An <see cref="IEnterpriseAdapter"/>.</summary>
    Enterprise,
}

/// <summary>A provider registered under a name; the SDK enumerates these.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Name">The name; the provider is a keyed singleton under it.</param>
public sealed record ProviderRegistration(ProviderKind Kind, string Name);

/// <summary>Registers providers with an <see cref="ICoCreationBuilder"/>; used by adapter packages.</summary>
public static class CoCreationBuilderExtensions
{
    /// <summary>Registers an SNS connector under a name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name (identities verified through it carry this network name).</param>
    /// <param name="factory">Creates the connector once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddSnsConnector(this ICoCreationBuilder builder, string name, Func<IServiceProvider, ISnsConnector> factory)
        => Add(builder, ProviderKind.Sns, name, factory);

    /// <summary>Registers a cloud workspace under a name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the workspace adapter once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddCloudWorkspace(this ICoCreationBuilder builder, string name, Func<IServiceProvider, ICloudWorkspace> factory)
        => Add(builder, ProviderKind.CloudWorkspace, name, factory);

    /// <summary>Registers an enterprise system under a name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The name.</param>
    /// <param name="factory">Creates the adapter once.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEnterpriseAdapter(this ICoCreationBuilder builder, string name, Func<IServiceProvider, IEnterpriseAdapter> factory)
        => Add(builder, ProviderKind.Enterprise, name, factory);

    /// <summary>
    /// Refuses a provider name that is already taken for <paramref name="kind"/>. Adapter packages call it before they
    /// register anything of their own, so that a refused duplicate leaves the service collection as it was.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">The kind of provider.</param>
    /// <param name="name">The name to register.</param>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered for that kind.</exception>
    public static void ThrowIfProviderRegistered(this ICoCreationBuilder builder, ProviderKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CoCreationGuard.NotBlank(name, nameof(name));
        if (builder.Services.Any(d => d.ServiceType == typeof(ProviderRegistration) && d.ImplementationInstance is ProviderRegistration r && r.Kind == kind && r.Name == name))
        {
            throw new CoCreationValidationException(nameof(name), $"a provider named '{name}' is already registered as {kind}.");
        }
    }

    private static ICoCreationBuilder Add<T>(ICoCreationBuilder builder, ProviderKind kind, string name, Func<IServiceProvider, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        CoCreationGuard.NotBlank(name, nameof(name));
        builder.ThrowIfProviderRegistered(kind, name);
        builder.Services.AddSingleton(new ProviderRegistration(kind, name));
        builder.Services.TryAddKeyedSingleton<T>(name, (sp, _) => factory(sp));
        return builder;
    }
}
