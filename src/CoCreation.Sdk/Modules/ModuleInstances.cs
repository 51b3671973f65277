using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk;

/// <summary>
/// The instances of one module registered in the application: the default one (registered without a name, for
/// example <c>AddCoDevelopment(o => …)</c>) and any number of named ones (<c>AddCoDevelopment("chairs", o => …)</c>).
/// Named instances are also keyed services, so <c>[FromKeyedServices("chairs")] CoDevelopmentProject</c> works too.
/// </summary>
/// <typeparam name="TModule">The module's service type, for example <see cref="CoDevelopment.CoDevelopmentProject"/>.</typeparam>
public sealed class ModuleInstances<TModule>
    where TModule : class
{
    private readonly IServiceProvider _services;
    private readonly string _module;
    private readonly ImmutableHashSet<string> _names;

    internal ModuleInstances(IServiceProvider services, string module, IEnumerable<ModuleInstanceRegistration> registrations)
    {
        _services = services;
        _module = module;
        _names = registrations.Where(r => r.Module == typeof(TModule)).Select(r => r.Name).ToImmutableHashSet(StringComparer.Ordinal);
        Names = _names.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The names of the named instances, in ordinal order (the default instance has no name and is not listed).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Whether a default (unnamed) instance is registered.</summary>
    public bool HasDefault => _services.GetService<TModule>() is not null;

    /// <summary>The default instance, registered without a name.</summary>
    /// <exception cref="ModuleInstanceNotFoundException">Only named instances are registered.</exception>
    public TModule Default => _services.GetService<TModule>() ?? throw new ModuleInstanceNotFoundException(_module, null, Names);

    /// <summary>The instance registered under a name.</summary>
    /// <param name="name">The name given at registration.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ModuleInstanceNotFoundException">No instance of the module has that name.</exception>
    public TModule Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_names.Contains(name))
        {
            throw new ModuleInstanceNotFoundException(_module, name, Names);
        }

        return _services.GetRequiredKeyedService<TModule>(name);
    }
}

/// <summary>A module instance was asked for by a name nobody registered.</summary>
public sealed class ModuleInstanceNotFoundException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="module">The module, for example <c>co-development</c>.</param>
    /// <param name="instanceName">The name asked for; <see langword="null"/> for the default instance.</param>
    /// <param name="knownNames">The names that are registered.</param>
    public ModuleInstanceNotFoundException(string module, string? instanceName, IReadOnlyList<string> knownNames)
        : base(instanceName is null
            ? $"No default {module} instance is registered; register one without a name or ask for a named one ({Known(knownNames)})."
            : $"No {module} instance is named '{instanceName}' (registered: {Known(knownNames)}).")
    {
        Module = module;
        InstanceName = instanceName;
        KnownNames = knownNames;
    }

    /// <summary>The module.</summary>
    public string Module { get; }

    /// <summary>The name asked for; <see langword="null"/> when the default instance was asked for.</summary>
    public string? InstanceName { get; }

    /// <summary>The names that are registered.</summary>
    public IReadOnlyList<string> KnownNames { get; }

    private static string Known(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"'{n}'"));
}

/// <summary>Marks one named instance of a module in the service collection.</summary>
internal sealed record ModuleInstanceRegistration(Type Module, string Name);

/// <summary>Registration of named module instances: name rules, duplicates, the registry.</summary>
internal static class ModuleInstanceRegistry
{
    /// <summary>The longest instance name; names become parts of store keys and collection names.</summary>
    public const int MaxNameLength = 64;

    /// <summary>
    /// Checks the name and records the instance; a second registration of the same module under the same name is
    /// refused before anything else is registered.
    /// </summary>
    public static string Register<TModule>(IServiceCollection services, string module, string name)
        where TModule : class
    {
        ArgumentNullException.ThrowIfNull(services);
        CheckName(module, name);
        if (services.Any(d => !d.IsKeyedService && d.ImplementationInstance is ModuleInstanceRegistration r && r.Module == typeof(TModule) && r.Name == name))
        {
            throw new CoCreationValidationException(nameof(name), $"a {module} instance named '{name}' is already registered; each instance needs its own name.");
        }

        services.AddSingleton(new ModuleInstanceRegistration(typeof(TModule), name));
        AddRegistry<TModule>(services, module);
        return name;
    }

    /// <summary>Registers <see cref="ModuleInstances{TModule}"/> once.</summary>
    public static void AddRegistry<TModule>(IServiceCollection services, string module)
        where TModule : class
    {
        if (!services.Any(d => d.ServiceType == typeof(ModuleInstances<TModule>)))
        {
            services.AddSingleton(sp => new ModuleInstances<TModule>(sp, module, sp.GetServices<ModuleInstanceRegistration>()));
        }
    }

    private static void CheckName(string module, string name)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        CoCreationGuard.MaxLength(name, MaxNameLength, nameof(name));
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new CoCreationValidationException(nameof(name), $"a {module} instance name may hold only ASCII letters, digits, '-' and '_' (found '{c}').");
            }
        }
    }
}

/// <summary>Events a module publishes, built one way for every module.</summary>
internal static class ModuleEvents
{
    public static CoCreationEvent Create(string module, TimeProvider time, string type, string id, string subject, ImmutableDictionary<string, string> data) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module(module),
        Type = type,
        Time = time.GetUtcNow(),
        Subject = subject,
        Data = data,
    };
}
