using CoCreation.Sdk.Http;
using CoCreation.Sdk.Mastodon;
using CoCreation.Sdk.Mastodon.Implementation;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

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
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<MastodonOptions>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with; configure it further with <c>services.AddHttpClient(MastodonCoCreationBuilderExtensions.HttpClientName(name))</c>, for example to add a proxy.</summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    private const string Package = "CoCreation.Sdk.Mastodon";

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<MastodonOptions>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<MastodonOptions, MastodonOptionsValidator>(ProviderKind.Sns, name, Package, configureOptions);

        // The resilience handler goes on the Refit client's own HttpClient builder (ADR 2).
        adapter.ConfigureHttpClient(
            builder.Services.AddKeyedRefitGeneratedClient<IMastodonApi>(ApiKey(name), _ => MastodonRefit.Settings, adapter.HttpClientName),
            options => options.Instance,
            MastodonHttp.RetryRules);

        builder.Services.TryAddKeyedSingleton(name, (sp, _) =>
            new MastodonOAuth(name, adapter.Options(sp).Instance!, () => sp.GetRequiredKeyedService<IMastodonApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp)));

        // Resolving per call lets the factory rotate handlers (DNS changes) under a long-lived connector.
        return builder.AddSnsConnector(name, sp =>
            new MastodonConnector(name, adapter.Options(sp), () => sp.GetRequiredKeyedService<IMastodonApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp))
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            });
    }

    private static string ApiKey(string name) => "CoCreation.Sdk.Mastodon.Api." + name;

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<MastodonConnector>() ?? NullLogger<MastodonConnector>.Instance;
}
