using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk;

/// <summary>Finds providers registered through <see cref="CoCreationBuilderExtensions"/> as keyed singletons.</summary>
internal sealed class CoCreationProviders : ICoCreationProviders
{
    private readonly IServiceProvider _services;

    public CoCreationProviders(IEnumerable<ProviderRegistration> registrations, IServiceProvider services)
    {
        _services = services;
        var all = registrations.ToList();
        SnsNetworks = Names(all, ProviderKind.Sns);
        CloudWorkspaces = Names(all, ProviderKind.CloudWorkspace);
        EnterpriseSystems = Names(all, ProviderKind.Enterprise);
    }

    public IReadOnlyList<string> SnsNetworks { get; }

    public IReadOnlyList<string> CloudWorkspaces { get; }

    public IReadOnlyList<string> EnterpriseSystems { get; }

    public ISnsConnector GetSns(string name) => Get<ISnsConnector>(name, SnsNetworks, "SNS connector");

    public ICloudWorkspace GetCloudWorkspace(string name) => Get<ICloudWorkspace>(name, CloudWorkspaces, "cloud workspace");

    public IEnterpriseAdapter GetEnterprise(string name) => Get<IEnterpriseAdapter>(name, EnterpriseSystems, "enterprise system");

    /// <summary>Throws a validation error naming <paramref name="field"/> when no provider of the kind has the name.</summary>
    public static void EnsureRegistered(IReadOnlyList<string> names, string? name, string field, string kind)
    {
        CoCreationGuard.NotBlank(name, field);
        if (!names.Contains(name!, StringComparer.Ordinal))
        {
            throw new CoCreationValidationException(field, NotRegistered(name!, names, kind));
        }
    }

    private T Get<T>(string name, IReadOnlyList<string> names, string kind)
        where T : notnull
    {
        EnsureRegistered(names, name, nameof(name), kind);
        return _services.GetRequiredKeyedService<T>(name);
    }

    private static string NotRegistered(string name, IReadOnlyList<string> names, string kind)
        => $"no {kind} is registered under '{name}' (registered: {(names.Count == 0 ? "none" : string.Join(", ", names))}).";

    private static IReadOnlyList<string> Names(List<ProviderRegistration> registrations, ProviderKind kind)
        => registrations.Where(r => r.Kind == kind).Select(r => r.Name).Distinct(StringComparer.Ordinal).ToArray();
}
