using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Http;

/// <summary>Registers the plumbing of an HTTP adapter with an <see cref="ICoCreationBuilder"/>.</summary>
public static class HttpAdapterBuilderExtensions
{
    /// <summary>
    /// Starts registering an HTTP adapter under <paramref name="name"/>: refuses a name already registered for
    /// <paramref name="kind"/> (before anything is added), registers named <typeparamref name="TOptions"/> validated by
    /// <typeparamref name="TValidator"/> when the host starts, and a <see cref="TimeProvider"/>. Add the HTTP client with
    /// the returned builder, then the adapter itself with the <see cref="ICoCreationBuilder"/>.
    /// </summary>
    /// <typeparam name="TOptions">The adapter's options.</typeparam>
    /// <typeparam name="TValidator">Validates the options.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="kind">What the adapter provides.</param>
    /// <param name="name">The adapter's name.</param>
    /// <param name="clientPrefix">Prefix of the HTTP client's name, usually the package name, for example <c>CoCreation.Sdk.Mastodon</c>.</param>
    /// <param name="configureOptions">Configures or binds the options.</param>
    /// <returns>The adapter's registration.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static HttpAdapterBuilder<TOptions> AddHttpAdapter<TOptions, TValidator>(this ICoCreationBuilder builder, ProviderKind kind, string name, string clientPrefix, Action<OptionsBuilder<TOptions>> configureOptions)
        where TOptions : HttpAdapterOptions
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configureOptions);
        CoCreationGuard.NotBlank(name, nameof(name));
        CoCreationGuard.NotBlank(clientPrefix, nameof(clientPrefix));

        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(kind, name);
        var services = builder.Services;
        configureOptions(services.AddOptions<TOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return new HttpAdapterBuilder<TOptions>(services, name, clientPrefix + "." + name);
    }

    /// <summary>Configures options with a delegate, after checking the arguments of a public <c>AddX(name, configure)</c>.</summary>
    /// <typeparam name="TOptions">The options.</typeparam>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The configuration step for <see cref="AddHttpAdapter"/>.</returns>
    public static Action<OptionsBuilder<TOptions>> ConfigureWith<TOptions>(Action<TOptions> configure)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        return options => options.Configure(configure);
    }

    /// <summary>Binds options from a configuration section, after checking the arguments of a public <c>AddX(name, configuration)</c>.</summary>
    /// <typeparam name="TOptions">The options.</typeparam>
    /// <param name="configuration">The section.</param>
    /// <returns>The configuration step for <see cref="AddHttpAdapter"/>.</returns>
    public static Action<OptionsBuilder<TOptions>> BindTo<TOptions>(IConfiguration configuration)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return options => options.Bind(configuration);
    }
}

/// <summary>
/// The registration of one HTTP adapter: its name, its named options and its HTTP client, which
/// <see cref="ConfigureHttpClient"/> gives a base address and the adapter's resilience pipeline.
/// </summary>
/// <typeparam name="TOptions">The adapter's options.</typeparam>
public sealed class HttpAdapterBuilder<TOptions>
    where TOptions : HttpAdapterOptions
{
    internal HttpAdapterBuilder(IServiceCollection services, string name, string httpClientName)
    {
        Services = services;
        Name = name;
        HttpClientName = httpClientName;
    }

    /// <summary>The services being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The adapter's name.</summary>
    public string Name { get; }

    /// <summary>The name of the adapter's <see cref="HttpClient"/>.</summary>
    public string HttpClientName { get; }

    /// <summary>The adapter's options, as the options system holds them under <see cref="Name"/>.</summary>
    /// <param name="services">The service provider.</param>
    /// <returns>The options.</returns>
    public TOptions Options(IServiceProvider services) => services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(Name);

    /// <summary>Adds the named <see cref="HttpClient"/> <see cref="HttpClientName"/> with the base address and resilience pipeline.</summary>
    /// <param name="baseAddress">The base address from the options, or <see langword="null"/> for none.</param>
    /// <param name="rules">What the pipeline may repeat.</param>
    /// <returns>The client builder, to add handlers inside the pipeline.</returns>
    public IHttpClientBuilder AddHttpClient(Func<TOptions, Uri?>? baseAddress, HttpRetryRules rules)
        => ConfigureHttpClient(Services.AddHttpClient(HttpClientName), baseAddress, rules);

    /// <summary>Gives a client (for example a Refit client's) the base address and the resilience pipeline.</summary>
    /// <param name="client">The client builder.</param>
    /// <param name="baseAddress">The base address from the options, or <see langword="null"/> for none.</param>
    /// <param name="rules">What the pipeline may repeat.</param>
    /// <returns><paramref name="client"/>, to add handlers inside the pipeline.</returns>
    public IHttpClientBuilder ConfigureHttpClient(IHttpClientBuilder client, Func<TOptions, Uri?>? baseAddress, HttpRetryRules rules)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(rules);
        client
            .ConfigureHttpClient((sp, http) =>
            {
                if (baseAddress?.Invoke(Options(sp)) is { } address)
                {
                    http.BaseAddress = address;
                }

                // The pipeline's total timeout governs; HttpClient's own would cut retries short.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => HttpAdapterResilience.Configure(resilience, Options(sp), rules, sp.GetRequiredService<TimeProvider>()));
        return client;
    }

    /// <summary>Creates the adapter's <see cref="HttpClient"/>; call it per request so the factory can rotate handlers.</summary>
    /// <param name="services">The service provider.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateClient(IServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);

    /// <summary>The base address with a trailing slash, so relative paths keep any path prefix.</summary>
    /// <param name="address">The address.</param>
    /// <returns>The address ending with <c>/</c>, or <see langword="null"/>.</returns>
    public static Uri? WithTrailingSlash(Uri? address)
        => address is null ? null : address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
