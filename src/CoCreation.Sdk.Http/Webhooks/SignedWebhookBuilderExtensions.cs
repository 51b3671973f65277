using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>Registers Standard Webhooks receivers with an <see cref="ICoCreationBuilder"/>.</summary>
public static class SignedWebhookBuilderExtensions
{
    /// <summary>
    /// Registers a receiver named <paramref name="name"/> whose requests a <see cref="StandardWebhookVerifier"/> checks:
    /// named <see cref="StandardWebhookOptions"/> validated when the host starts (a badly formed secret stops it,
    /// named but not quoted), and the secrets rotated in place when the options change (a reloaded configuration).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The receiver's name (the path segment of the webhook endpoint).</param>
    /// <param name="configure">Sets the secrets and limits.</param>
    /// <param name="receiver">Creates the receiver around its verifier.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// The verifier uses the registered <see cref="IWebhookReplayGuard"/> when there is one (share one across
    /// instances of a host), otherwise an <see cref="InMemoryWebhookReplayGuard"/> of its own; and the registered
    /// <see cref="TimeProvider"/>. A change of the options replaces the secrets only; tolerance and size cap are read once.
    /// </remarks>
    /// <exception cref="CoCreationValidationException"><paramref name="name"/> is blank.</exception>
    public static ICoCreationBuilder AddSignedWebhookReceiver(this ICoCreationBuilder builder, string name, Action<StandardWebhookOptions> configure, Func<IServiceProvider, StandardWebhookVerifier, SignedWebhookReceiver> receiver)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Add(builder, name, options => options.Configure(configure), receiver);
    }

    /// <summary>
    /// Registers a receiver as <see cref="AddSignedWebhookReceiver(ICoCreationBuilder, string, Action{StandardWebhookOptions}, Func{IServiceProvider, StandardWebhookVerifier, SignedWebhookReceiver})"/>
    /// does, with the options bound from a configuration section (<c>Secret</c>, <c>PreviousSecret</c>,
    /// <c>Tolerance</c>, <c>MaxBodyBytes</c>); a reload of the section rotates the secrets.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The receiver's name.</param>
    /// <param name="configuration">The section.</param>
    /// <param name="receiver">Creates the receiver around its verifier.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="name"/> is blank.</exception>
    public static ICoCreationBuilder AddSignedWebhookReceiver(this ICoCreationBuilder builder, string name, IConfiguration configuration, Func<IServiceProvider, StandardWebhookVerifier, SignedWebhookReceiver> receiver)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Add(builder, name, options => options.Bind(configuration), receiver);
    }

    private static ICoCreationBuilder Add(ICoCreationBuilder builder, string name, Action<OptionsBuilder<StandardWebhookOptions>> configure, Func<IServiceProvider, StandardWebhookVerifier, SignedWebhookReceiver> receiver)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(receiver);
        CoCreationGuard.NotBlank(name, nameof(name));
        var services = builder.Services;
        configure(services.AddOptions<StandardWebhookOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StandardWebhookOptions>, StandardWebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(VerifierKey(name), (sp, _) => new RotatingVerifier(sp, name));
        return builder.AddWebhookReceiver(sp => receiver(sp, sp.GetRequiredKeyedService<RotatingVerifier>(VerifierKey(name)).Verifier));
    }

    private static string VerifierKey(string name) => "CoCreation.Sdk.Http.Webhooks." + name;

    // Owns the verifier and its subscription to option changes; disposed with the service provider.
    private sealed class RotatingVerifier : IDisposable
    {
        private readonly IDisposable? subscription;

        public RotatingVerifier(IServiceProvider services, string name)
        {
            var monitor = services.GetRequiredService<IOptionsMonitor<StandardWebhookOptions>>();
            var logger = services.GetService<ILoggerFactory>()?.CreateLogger("CoCreation.Sdk.Http.Webhooks") ?? NullLogger.Instance;
            Verifier = new StandardWebhookVerifier(name, monitor.Get(name), services.GetService<IWebhookReplayGuard>(), services.GetRequiredService<TimeProvider>(), logger);
            subscription = monitor.OnChange((options, changed) =>
            {
                if (!string.Equals(changed, name, StringComparison.Ordinal))
                {
                    return;
                }

                try
                {
                    Verifier.RotateSecrets(options.Secret!, options.PreviousSecret);
                    Log.WebhookSecretsRotated(logger, name, options.PreviousSecret is not null);
                }
                catch (CoCreationValidationException e)
                {
                    // The secrets in force stay; the field is named, the value never.
                    Log.WebhookRotationRefused(logger, name, e.Field);
                }
            });
        }

        public StandardWebhookVerifier Verifier { get; }

        public void Dispose() => subscription?.Dispose();
    }
}
