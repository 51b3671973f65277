using CoCreation.Sdk.Bluesky;
using CoCreation.Sdk.Bluesky.Implementation;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers Bluesky connectors with an <see cref="ICoCreationBuilder"/>.</summary>
public static class BlueskyCoCreationBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="BlueskyConnector"/> under <paramref name="name"/> (a keyed <see cref="ISnsConnector"/>).
    /// Several names may point at different accounts or servers.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name; identities and posts read through it carry this network name.</param>
    /// <param name="configure">Sets the options (at least <see cref="BlueskyOptions.Service"/>, <see cref="BlueskyOptions.Identifier"/> and <see cref="BlueskyOptions.AppPassword"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the connector is first resolved.</remarks>
    public static ICoCreationBuilder AddBluesky(this ICoCreationBuilder builder, string name, Action<BlueskyOptions> configure)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

    /// <summary>
    /// Registers a <see cref="BlueskyConnector"/> under <paramref name="name"/> with options bound from a configuration
    /// section, for example <c>CoCreation:Bluesky:brand</c> holding <c>Service</c>, <c>Identifier</c> and <c>AppPassword</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name.</param>
    /// <param name="configuration">The section to bind <see cref="BlueskyOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddBluesky(this ICoCreationBuilder builder, string name, IConfiguration configuration)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<BlueskyOptions>(configuration));

    /// <summary>
    /// The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with; configure
    /// it further with <c>services.AddHttpClient(BlueskyCoCreationBuilderExtensions.HttpClientName(name))</c>, for example to add a proxy.
    /// </summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    private const string Package = "CoCreation.Sdk.Bluesky";

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<BlueskyOptions>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<BlueskyOptions, BlueskyOptionsValidator>(ProviderKind.Sns, name, Package, configureOptions);

        // XRPC paths are relative ("xrpc/…"), so the base must end with a slash to keep any path prefix.
        adapter.AddHttpClient(options => HttpAdapterBuilder<BlueskyOptions>.WithTrailingSlash(options.Service), XrpcClient.RetryRules);

        // Creating the client per call lets the factory rotate handlers (DNS changes) under a long-lived connector.
        return builder.AddSnsConnector(name, sp =>
            new BlueskyConnector(name, adapter.Options(sp), () => adapter.CreateClient(sp), sp.GetRequiredService<TimeProvider>(), Logger(sp))
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            });
    }

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<BlueskyConnector>() ?? NullLogger<BlueskyConnector>.Instance;
}
