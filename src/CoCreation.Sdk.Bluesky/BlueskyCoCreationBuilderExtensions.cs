using CoCreation.Sdk.Bluesky;
using CoCreation.Sdk.Bluesky.Implementation;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
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
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Configure(configure));
    }

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
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Bind(configuration));
    }

    /// <summary>
    /// The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with; configure
    /// it further with <c>services.AddHttpClient(BlueskyCoCreationBuilderExtensions.HttpClientName(name))</c>, for example to add a proxy.
    /// </summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => "CoCreation.Sdk.Bluesky." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<BlueskyOptions>> configureOptions)
    {
        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(ProviderKind.Sns, name);
        var services = builder.Services;

        configureOptions(services.AddOptions<BlueskyOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BlueskyOptions>, BlueskyOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services
            .AddHttpClient(HttpClientName(name))
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<BlueskyOptions>>().Get(name);

                // XRPC paths are relative ("xrpc/…"), so the base must end with a slash to keep any path prefix.
                var service = options.Service!.AbsoluteUri;
                client.BaseAddress = new Uri(service.EndsWith('/') ? service : service + "/");

                // The pipeline's total timeout governs; HttpClient's own would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<BlueskyOptions>>().Get(name);
                BlueskyResilience.Configure(resilience, options, sp.GetRequiredService<TimeProvider>());
            });

        return builder.AddSnsConnector(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<BlueskyOptions>>().Get(name);
            var factory = sp.GetRequiredService<IHttpClientFactory>();

            // Creating the client per call lets the factory rotate handlers (DNS changes) under a long-lived connector.
            return new BlueskyConnector(name, options, () => factory.CreateClient(HttpClientName(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp))
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            };
        });
    }

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<BlueskyConnector>() ?? NullLogger<BlueskyConnector>.Instance;
}
