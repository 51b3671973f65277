using CoCreation.Sdk.Http.Webhooks;
using CoCreation.Sdk.Vendure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk;

/// <summary>Registers receivers for the signed notifications of a Vendure shop's CoCreation webhook plugin.</summary>
public static class VendureWebhookBuilderExtensions
{
    /// <summary>Registers a <see cref="VendureWebhookReceiver"/> for the adapter named <c>vendure</c>: receiver <c>vendure:vendure</c>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options (at least <see cref="VendureWebhookOptions.Secret"/>).</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddVendureWebhooks(this ICoCreationBuilder builder, Action<VendureWebhookOptions> configure)
        => AddVendureWebhooks(builder, VendureCoCreationBuilderExtensions.DefaultName, configure);

    /// <summary>
    /// Registers a <see cref="VendureWebhookReceiver"/> named <c>vendure:{adapterName}</c>: the shop posts to
    /// <c>{webhook endpoint}/vendure:{adapterName}</c>, each request is verified by the Standard Webhooks scheme, and a
    /// verified notification has <see cref="VendureWebhookOptions.PollSource"/> (by default the adapter's own source,
    /// <c>enterprise:{adapterName}</c>) polled at once.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="adapterName">The name the Vendure adapter is registered under with <c>AddVendure</c>.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="adapterName"/> is blank.</exception>
    /// <remarks>
    /// The options are validated when the host starts (<c>ValidateOnStart</c>): a missing or badly formed secret, limits
    /// out of range or a bad poll source stop it, named but never quoted. The verifier uses the registered
    /// <see cref="TimeProvider"/> and, when there is one, the registered <see cref="IWebhookReplayGuard"/>.
    /// </remarks>
    public static ICoCreationBuilder AddVendureWebhooks(this ICoCreationBuilder builder, string adapterName, Action<VendureWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var name = VendureWebhookReceiver.ReceiverName(adapterName);
        builder.Services.AddOptions<VendureWebhookOptions>(name).Configure(configure).ValidateOnStart();
        return AddCore(builder, adapterName, name, signature =>
        {
            var options = new VendureWebhookOptions();
            configure(options);
            options.CopyTo(signature);
        });
    }

    /// <summary>
    /// Registers a <see cref="VendureWebhookReceiver"/> as <see cref="AddVendureWebhooks(ICoCreationBuilder, string, Action{VendureWebhookOptions})"/>
    /// does, with the options bound from a configuration section (<c>Secret</c>, <c>PreviousSecret</c>, <c>Tolerance</c>,
    /// <c>MaxBodyBytes</c>, <c>PollSource</c>). A reload of the section rotates the secrets of the running receiver;
    /// the other options are read once.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="adapterName">The name the Vendure adapter is registered under.</param>
    /// <param name="configuration">The section.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="adapterName"/> is blank.</exception>
    public static ICoCreationBuilder AddVendureWebhooks(this ICoCreationBuilder builder, string adapterName, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var name = VendureWebhookReceiver.ReceiverName(adapterName);
        builder.Services.AddOptions<VendureWebhookOptions>(name).Bind(configuration).ValidateOnStart();

        // The verifier's options are bound from the same section, with the Vendure defaults, and follow its reloads.
        builder.Services.AddSingleton<IOptionsChangeTokenSource<StandardWebhookOptions>>(new ConfigurationChangeTokenSource<StandardWebhookOptions>(name, configuration));
        return AddCore(builder, adapterName, name, signature =>
        {
            var options = new VendureWebhookOptions();
            configuration.Bind(options);
            options.CopyTo(signature);
        });
    }

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string adapterName, string name, Action<StandardWebhookOptions> signature)
    {
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VendureWebhookOptions>, VendureWebhookOptionsValidator>());
        return builder.AddSignedWebhookReceiver(name, signature, (sp, verifier) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<VendureWebhookOptions>>().Get(name);
            return new VendureWebhookReceiver(verifier, options.PollSource ?? VendureWebhookReceiver.AdapterSource(adapterName), sp.GetService<Microsoft.Extensions.Logging.ILogger<VendureWebhookReceiver>>());
        });
    }
}
