using CoCreation.Sdk.Http;
using CoCreation.Sdk.Vendure;
using CoCreation.Sdk.Vendure.Implementation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers Vendure enterprise adapters with an <see cref="ICoCreationBuilder"/>.</summary>
public static class VendureCoCreationBuilderExtensions
{
    /// <summary>The name <see cref="AddVendure(ICoCreationBuilder, Action{VendureOptions})"/> registers the adapter under.</summary>
    public const string DefaultName = "vendure";

    private const string Package = "CoCreation.Sdk.Vendure";

    /// <summary>Registers a <see cref="VendureEnterpriseAdapter"/> under the name <c>vendure</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (at least <see cref="VendureOptions.AdminApiUrl"/>, <see cref="VendureOptions.User"/> and <see cref="VendureOptions.Password"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">An enterprise system named <c>vendure</c> is already registered.</exception>
    public static ICoCreationBuilder AddVendure(this ICoCreationBuilder builder, Action<VendureOptions> configure)
        => AddVendure(builder, DefaultName, configure);

    /// <summary>
    /// Registers a <see cref="VendureEnterpriseAdapter"/> under <paramref name="name"/> (a keyed
    /// <see cref="Enterprise.IEnterpriseAdapter"/>). Several names may point at different shops.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name; events carry it in their source.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the adapter is first resolved.</remarks>
    public static ICoCreationBuilder AddVendure(this ICoCreationBuilder builder, string name, Action<VendureOptions> configure)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

    /// <summary>Registers a <see cref="VendureEnterpriseAdapter"/> under <paramref name="name"/> with options bound from a configuration section.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="configuration">The section to bind <see cref="VendureOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddVendure(this ICoCreationBuilder builder, string name, IConfiguration configuration)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<VendureOptions>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends with.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<VendureOptions>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<VendureOptions, VendureOptionsValidator>(ProviderKind.Enterprise, name, Package, configureOptions);

        // The GraphQL client sends to the absolute Admin API address, so the HTTP client needs no base address.
        adapter.AddHttpClient(null, VendureGraphQL.RetryRules);

        return builder.AddEnterpriseAdapter(name, sp =>
            new VendureEnterpriseAdapter(name, adapter.Options(sp), () => adapter.CreateClient(sp), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<VendureEnterpriseAdapter>>()));
    }
}
