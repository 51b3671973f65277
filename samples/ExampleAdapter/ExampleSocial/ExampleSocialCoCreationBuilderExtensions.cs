using CoCreation.Sdk.Http;
using CoCreation.Sdk.Sns;
using ExampleSocial;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Registration extensions live in the builder's namespace, so `AddCoCreation().AddExampleSocial(...)` needs no extra using.
namespace CoCreation.Sdk;

/// <summary>Registers ExampleSocial connectors with an <see cref="ICoCreationBuilder"/>.</summary>
public static class ExampleSocialCoCreationBuilderExtensions
{
    private const string ClientPrefix = "ExampleSocial";

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
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

    /// <summary>
    /// Registers an <see cref="ExampleSocialConnector"/> under <paramref name="name"/> with options bound from a configuration
    /// section holding <c>BaseAddress</c> and <c>AccessToken</c> (and optionally the settings of <see cref="HttpAdapterOptions"/>).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name.</param>
    /// <param name="configuration">The section to bind <see cref="ExampleSocialOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddExampleSocial(this ICoCreationBuilder builder, string name, IConfiguration configuration)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<ExampleSocialOptions>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> a connector registered under <paramref name="name"/> sends with, for further configuration with <c>services.AddHttpClient(...)</c>.</summary>
    /// <param name="name">The connector name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => ClientPrefix + "." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<ExampleSocialOptions>> configureOptions)
    {
        // Refuses a taken name before anything is registered; registers the options, validated on start.
        var adapter = builder.AddHttpAdapter<ExampleSocialOptions, ExampleSocialOptionsValidator>(ProviderKind.Sns, name, ClientPrefix, configureOptions);

        // The named client with the base address and the resilience pipeline (retries, Retry-After, timeouts).
        adapter.AddHttpClient(options => HttpAdapterBuilder<ExampleSocialOptions>.WithTrailingSlash(options.BaseAddress), ExampleSocialHttp.RetryRules);

        // Creating the client per call lets the factory rotate handlers under a long-lived connector.
        return builder.AddSnsConnector(name, sp => new ExampleSocialConnector(
            name,
            adapter.Options(sp),
            () => adapter.CreateClient(sp),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<ExampleSocialConnector>() ?? NullLogger<ExampleSocialConnector>.Instance));
    }
}
