using CoCreation.Sdk.Sns;
using ExampleSocial;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Registration extensions live in the builder's namespace, so `AddCoCreation().AddExampleSocial(...)` needs no extra using.
namespace CoCreation.Sdk;

/// <summary>Registers ExampleSocial connectors with an <see cref="ICoCreationBuilder"/>.</summary>
public static class ExampleSocialCoCreationBuilderExtensions
{
    /// <summary>
    /// Registers an <see cref="ExampleSocialConnector"/> under <paramref name="name"/> (a keyed <see cref="ISnsConnector"/>).
    /// Several names may point at different brand accounts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name; identities and posts read through it carry this network name.</param>
    /// <param name="configure">Sets the options (at least <see cref="ExampleSocialOptions.BaseAddress"/> and <see cref="ExampleSocialOptions.AccessToken"/>).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the connector is first resolved.</remarks>
    public static ICoCreationBuilder AddExampleSocial(this ICoCreationBuilder builder, string name, Action<ExampleSocialOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers an <see cref="ExampleSocialConnector"/> under <paramref name="name"/> with options bound from a configuration
    /// section holding <c>BaseAddress</c> and <c>AccessToken</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name.</param>
    /// <param name="configuration">The section to bind <see cref="ExampleSocialOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddExampleSocial(this ICoCreationBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Bind(configuration));
    }

    /// <summary>The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with, for further configuration with <c>services.AddHttpClient(...)</c>.</summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => "ExampleSocial." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<ExampleSocialOptions>> configureOptions)
    {
        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(ProviderKind.Sns, name);
        var services = builder.Services;

        configureOptions(services.AddOptions<ExampleSocialOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExampleSocialOptions>, ExampleSocialOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(HttpClientName(name), (sp, client) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<ExampleSocialOptions>>().Get(name);
            client.BaseAddress = options.BaseAddress;
            client.Timeout = options.RequestTimeout;
        });

        return builder.AddSnsConnector(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<ExampleSocialOptions>>().Get(name);
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger<ExampleSocialConnector>() ?? NullLogger<ExampleSocialConnector>.Instance;

            // Creating the client per call lets the factory rotate handlers under a long-lived connector.
            return new ExampleSocialConnector(name, options, () => factory.CreateClient(HttpClientName(name)), sp.GetRequiredService<TimeProvider>(), logger);
        });
    }
}
