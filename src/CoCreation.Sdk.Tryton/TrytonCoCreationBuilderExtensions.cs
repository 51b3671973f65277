using CoCreation.Sdk.Tryton;
using CoCreation.Sdk.Tryton.Implementation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

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
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Configure(configure));
    }

    /// <summary>Registers a <see cref="TrytonEnterpriseAdapter"/> under <paramref name="name"/> with options bound from a configuration section.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="configuration">The section to bind <see cref="TrytonOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddTryton(this ICoCreationBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Bind(configuration));
    }

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends with.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => "CoCreation.Sdk.Tryton." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<TrytonOptions>> configureOptions)
    {
        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(ProviderKind.Enterprise, name);
        var services = builder.Services;

        configureOptions(services.AddOptions<TrytonOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrytonOptions>, TrytonOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(HttpClientName(name))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureResilience(resilience, sp.GetRequiredService<IOptionsMonitor<TrytonOptions>>().Get(name)));

        return builder.AddEnterpriseAdapter(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<TrytonOptions>>().Get(name);
            var factory = sp.GetRequiredService<IHttpClientFactory>();

            // Resolving per call lets the factory rotate handlers under a long-lived adapter.
            return new TrytonEnterpriseAdapter(name, options, () => factory.CreateClient(HttpClientName(name)), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<TrytonEnterpriseAdapter>>())
            {
                HealthReporter = sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            };
        });
    }

    internal static void ConfigureResilience(HttpStandardResilienceOptions resilience, TrytonOptions options)
    {
        resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
        resilience.TotalRequestTimeout.Timeout = options.TotalRequestTimeout;
        resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts);
        resilience.Retry.Delay = options.RetryBaseDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;

        // Every JSON-RPC call is a POST: only reads (marked by the client) may be sent twice; a create never is.
        resilience.Retry.ShouldHandle = args =>
        {
            var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
            var safe = request is not null && request.Options.TryGetValue(TrytonRpc.SafeToRepeat, out var repeat) && repeat;
            return ValueTask.FromResult(options.MaxRetryAttempts > 0 && safe && HttpClientResiliencePredicates.IsTransient(args.Outcome));
        };

        var minimumSampling = options.AttemptTimeout * 2;
        if (resilience.CircuitBreaker.SamplingDuration < minimumSampling)
        {
            resilience.CircuitBreaker.SamplingDuration = minimumSampling;
        }
    }
}
