using CoCreation.Sdk.Http;
using CoCreation.Sdk.Tryton;
using CoCreation.Sdk.Tryton.Implementation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers Tryton enterprise adapters with an <see cref="ICoCreationBuilder"/>.</summary>
public static class TrytonCoCreationBuilderExtensions
{
    /// <summary>The name <see cref="AddTryton(ICoCreationBuilder, Action{TrytonOptions})"/> registers the adapter under.</summary>
    public const string DefaultName = "tryton";

    /// <summary>Registers a <see cref="TrytonEnterpriseAdapter"/> under the name <c>tryton</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (at least <see cref="TrytonOptions.Url"/>, <see cref="TrytonOptions.Database"/> and <see cref="TrytonOptions.Password"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">An enterprise system named <c>tryton</c> is already registered.</exception>
    public static ICoCreationBuilder AddTryton(this ICoCreationBuilder builder, Action<TrytonOptions> configure)
        => AddTryton(builder, DefaultName, configure);

    /// <summary>
    /// Registers a <see cref="TrytonEnterpriseAdapter"/> under <paramref name="name"/> (a keyed
    /// <see cref="Enterprise.IEnterpriseAdapter"/>). Several names may point at different databases or servers.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name; events carry it in their source.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the adapter is first resolved.</remarks>
    public static ICoCreationBuilder AddTryton(this ICoCreationBuilder builder, string name, Action<TrytonOptions> configure)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

    /// <summary>Registers a <see cref="TrytonEnterpriseAdapter"/> under <paramref name="name"/> with options bound from a configuration section.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="configuration">The section to bind <see cref="TrytonOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddTryton(this ICoCreationBuilder builder, string name, IConfiguration configuration)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<TrytonOptions>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends with.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    private const string Package = "CoCreation.Sdk.Tryton";

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<TrytonOptions>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<TrytonOptions, TrytonOptionsValidator>(ProviderKind.Enterprise, name, Package, configureOptions);

        // The RPC client builds absolute endpoint addresses itself, so the HTTP client needs no base address.
        adapter.AddHttpClient(null, TrytonRpc.RetryRules);

        // Resolving per call lets the factory rotate handlers under a long-lived adapter.
        return builder.AddEnterpriseAdapter(name, sp =>
            new TrytonEnterpriseAdapter(name, adapter.Options(sp), () => adapter.CreateClient(sp), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<TrytonEnterpriseAdapter>>())
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            });
    }
}
