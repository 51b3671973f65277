namespace CoCreation.Sdk;

/// <summary>
/// Turns a secret (a member's token, a webhook secret) into a value that may be stored, and back.
/// The SDK stores secrets only in protected form; plug in your own (a KMS, ASP.NET Core Data Protection)
/// with <see cref="CoCreationSecretsBuilderExtensions.UseSecretProtector"/>.
/// </summary>
/// <remarks>Implementations must be thread-safe and must never put the secret or the key in an exception message or log.</remarks>
public interface ISecretProtector
{
    /// <summary>Protects a secret.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>The protected value: text that is safe to store.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="secret"/> is <see langword="null"/>.</exception>
    string Protect(string secret);

    /// <summary>Recovers a secret from a value <see cref="Protect"/> returned.</summary>
    /// <param name="protectedValue">The protected value.</param>
    /// <returns>The secret.</returns>
    /// <exception cref="CoCreationException">The value was protected with another key, was altered, or is not a protected value.</exception>
    string Unprotect(string protectedValue);
}

/// <summary>Named secrets kept in the store in protected form only.</summary>
/// <remarks>Registered by <see cref="CoCreationSecretsBuilderExtensions.AddSecretProtection"/>.</remarks>
public interface ICoCreationSecrets
{
    /// <summary>Stores a secret under a name, replacing any secret of that name.</summary>
    /// <param name="name">The name, for example <c>mastodon:brand-token</c>.</param>
    /// <param name="secret">The secret.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the protected value is stored.</returns>
    /// <exception cref="CoCreationValidationException">The name or the secret is blank.</exception>
    Task PutAsync(string name, string secret, CancellationToken cancellationToken = default);

    /// <summary>Reads a secret.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The secret, or <see langword="null"/> when none is stored under the name.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank.</exception>
    /// <exception cref="CoCreationException">The stored value cannot be unprotected (for example it was stored under another key).</exception>
    Task<string?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a secret; deleting one that does not exist does nothing.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is deleted.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank.</exception>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>Options of the default <see cref="AesGcmSecretProtector"/>.</summary>
public sealed class SecretProtectionOptions
{
    /// <summary>The number of bytes the key must have: 32 (AES-256).</summary>
    public const int KeySize = 32;

    /// <summary>
    /// The key: 32 random bytes, base64-encoded (for example from <c>openssl rand -base64 32</c>). Keep it out of
    /// source control and away from the database; without it the stored secrets cannot be read.
    /// </summary>
    public string? Key { get; set; }
}
