using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CoCreation.Sdk;

/// <summary>Adds protected secret storage (<see cref="ICoCreationSecrets"/>) to an <see cref="ICoCreationBuilder"/>.</summary>
public static class CoCreationSecretsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ICoCreationSecrets"/> and, unless a protector is registered already, the default
    /// <see cref="AesGcmSecretProtector"/> with the key the options set. A missing or short key is refused here
    /// and again when the host starts.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the key; <see langword="null"/> when another protector is used or the options are bound from configuration.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The configured key is missing, not base64, or not 32 bytes long.</exception>
    public static ICoCreationBuilder AddSecretProtection(this ICoCreationBuilder builder, Action<SecretProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            var probe = new SecretProtectionOptions();
            configure(probe);
            Array.Clear(AesGcmSecretProtector.ReadKey(probe.Key));
            builder.Services.Configure(configure);
        }

        builder.Services.AddOptions<SecretProtectionOptions>().ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretProtectionOptions>, SecretProtectionOptionsValidator>());
        builder.Services.TryAddSingleton<ISecretProtector, AesGcmSecretProtector>();
        builder.Services.TryAddSingleton<ICoCreationSecrets, CoCreationSecrets>();
        return builder;
    }

    /// <summary>Replaces the secret protector, for example with one on a key management service or ASP.NET Core Data Protection.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="protector">The protector.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="protector"/> is <see langword="null"/>.</exception>
    /// <remarks>Call <see cref="AddSecretProtection"/> too (without a key) to register <see cref="ICoCreationSecrets"/>.</remarks>
    public static ICoCreationBuilder UseSecretProtector(this ICoCreationBuilder builder, ISecretProtector protector)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(protector);
        builder.Services.RemoveAll<ISecretProtector>();
        builder.Services.AddSingleton(protector);
        builder.Services.TryAddSingleton<CustomProtectorMarker>();
        return builder;
    }

    private sealed class CustomProtectorMarker;

    // Only the default protector needs a key; with another one registered the options may stay empty. Throws
    // (rather than returning a failure the options system would wrap) to read like every other bad setting.
    private sealed class SecretProtectionOptionsValidator(IEnumerable<CustomProtectorMarker> custom) : IValidateOptions<SecretProtectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, SecretProtectionOptions options)
        {
            if (!custom.Any())
            {
                Array.Clear(AesGcmSecretProtector.ReadKey(options.Key));
            }

            return ValidateOptionsResult.Success;
        }
    }
}
