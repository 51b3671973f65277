using CoCreation.Sdk.Mastodon;
using CoCreation.Sdk.Mastodon.Implementation;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;

namespace CoCreation.Sdk;

/// <summary>Registers Mastodon connectors with an <see cref="ICoCreationBuilder"/>.</summary>
public static class MastodonCoCreationBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="MastodonConnector"/> under <paramref name="name"/> (a keyed <see cref="ISnsConnector"/>), and
    /// a <see cref="MastodonOAuth"/> for the same instance under the same key. Several names may point at different
    /// accounts or instances.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name; identities and posts read through it carry this network name.</param>
    /// <param name="configure">Sets the options (at least <see cref="MastodonOptions.Instance"/> and <see cref="MastodonOptions.AccessToken"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the connector is first resolved.</remarks>
    public static ICoCreationBuilder AddMastodon(this ICoCreationBuilder builder, string name, Action<MastodonOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers a <see cref="MastodonConnector"/> under <paramref name="name"/> with options bound from a configuration
    /// section, for example <c>CoCreation:Mastodon:brand</c> holding <c>Instance</c> and <c>AccessToken</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name.</param>
    /// <param name="configuration">The section to bind <see cref="MastodonOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddMastodon(this ICoCreationBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Bind(configuration));
    }

    /// <summary>The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with; configure it further with <c>services.AddHttpClient(MastodonCoCreationBuilderExtensions.HttpClientName(name))</c>, for example to add a proxy.</summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => "CoCreation.Sdk.Mastodon." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<MastodonOptions>> configureOptions)
    {
        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(ProviderKind.Sns, name);
        var services = builder.Services;

        configureOptions(services.AddOptions<MastodonOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MastodonOptions>, MastodonOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The resilience handler goes on the Refit client's own HttpClient builder (ADR 2).
        services
            .AddKeyedRefitGeneratedClient<IMastodonApi>(ApiKey(name), _ => MastodonRefit.Settings, HttpClientName(name))
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<MastodonOptions>>().Get(name);
                client.BaseAddress = options.Instance;

                // The pipeline's total timeout governs; HttpClient's own would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<MastodonOptions>>().Get(name);
                MastodonResilience.Configure(resilience, options, sp.GetRequiredService<TimeProvider>());
            });

        services.TryAddKeyedSingleton(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<MastodonOptions>>().Get(name);
            return new MastodonOAuth(name, options.Instance!, () => sp.GetRequiredKeyedService<IMastodonApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp));
        });

        return builder.AddSnsConnector(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<MastodonOptions>>().Get(name);

            // Resolving per call lets the factory rotate handlers (DNS changes) under a long-lived connector.
            return new MastodonConnector(name, options, () => sp.GetRequiredKeyedService<IMastodonApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp))
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            };
        });
    }

    private static string ApiKey(string name) => "CoCreation.Sdk.Mastodon.Api." + name;

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<MastodonConnector>() ?? NullLogger<MastodonConnector>.Instance;
}
