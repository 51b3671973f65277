using System.Buffers.Text;
using System.Security.Cryptography;

namespace CoCreation.Sdk;

/// <summary>
/// The default <see cref="ISecretProtector"/>: AES-256-GCM with a key from <see cref="SecretProtectionOptions.Key"/>
/// and a random nonce per value.
/// </summary>
/// <remarks>
/// A protected value reads <c>v1.</c> followed by base64url of: a 4-byte key id (the start of the key's SHA-256,
/// so that a value protected under another key is recognised as such), a 12-byte nonce, the ciphertext and a
/// 16-byte tag. The version and key id are authenticated with the ciphertext. The format's version lets a later
/// format be added while old values stay readable.
/// </remarks>
public sealed class AesGcmSecretProtector : ISecretProtector, IDisposable
{
    private const string Version1 = "v1.";
    private const int KeyIdSize = 4;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly AesGcm _aes;
    private readonly byte[] _keyId;
    private readonly byte[] _associatedData;

    /// <summary>Creates the protector with the configured key.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="CoCreationValidationException">The key is missing, not base64, or not 32 bytes long.</exception>
    public AesGcmSecretProtector(IOptions<SecretProtectionOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value)
    {
    }

    /// <summary>Creates the protector with a key.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="CoCreationValidationException">The key is missing, not base64, or not 32 bytes long.</exception>
    public AesGcmSecretProtector(SecretProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = ReadKey(options.Key);
        try
        {
            _keyId = SHA256.HashData(key)[..KeyIdSize];
            _associatedData = [.. "cocreation-secret:v1:"u8, .. _keyId];
            _aes = new AesGcm(key, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <inheritdoc />
    public string Protect(string secret)
    {
        if (secret is null)
        {
            throw new CoCreationValidationException(nameof(secret), "must not be null.");
        }

        var plaintext = Encoding.UTF8.GetBytes(secret);
        var payload = new byte[KeyIdSize + NonceSize + plaintext.Length + TagSize];
        _keyId.CopyTo(payload, 0);
        var nonce = payload.AsSpan(KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            _aes.Encrypt(nonce, plaintext, payload.AsSpan(KeyIdSize + NonceSize, plaintext.Length), payload.AsSpan(payload.Length - TagSize), _associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        return Version1 + Base64Url.EncodeToString(payload);
    }

    /// <inheritdoc />
    public string Unprotect(string protectedValue)
    {
        if (protectedValue is null || !protectedValue.StartsWith(Version1, StringComparison.Ordinal))
        {
            // Nothing of the value is echoed: a plain secret passed here by mistake must not reach a log.
            throw new CoCreationException($"The value is not a protected secret this build can read (expected the '{Version1[..^1]}' format).");
        }

        byte[] payload;
        try
        {
            payload = Base64Url.DecodeFromChars(protectedValue.AsSpan(Version1.Length));
        }
        catch (FormatException ex)
        {
            throw new CoCreationException("The protected secret is damaged: it is not valid base64url.", ex);
        }

        if (payload.Length < KeyIdSize + NonceSize + TagSize)
        {
            throw new CoCreationException("The protected secret is damaged: it is too short.");
        }

        if (!payload.AsSpan(0, KeyIdSize).SequenceEqual(_keyId))
        {
            throw new CoCreationException(
                $"The secret was protected with another key (key id {Convert.ToHexStringLower(payload.AsSpan(0, KeyIdSize))}; the configured key has id {Convert.ToHexStringLower(_keyId)}). Configure the key it was stored with.");
        }

        var cipherLength = payload.Length - KeyIdSize - NonceSize - TagSize;
        var plaintext = new byte[cipherLength];
        try
        {
            _aes.Decrypt(
                payload.AsSpan(KeyIdSize, NonceSize),
                payload.AsSpan(KeyIdSize + NonceSize, cipherLength),
                payload.AsSpan(payload.Length - TagSize),
                plaintext,
                _associatedData);
            return Encoding.UTF8.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CoCreationException("The protected secret was altered or is damaged: it does not authenticate under the configured key.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Releases the cipher.</summary>
    public void Dispose() => _aes.Dispose();

    /// <summary>Checks a key as <see cref="SecretProtectionOptions.Key"/> holds it and returns its bytes.</summary>
    /// <param name="key">The base64 key.</param>
    /// <returns>The key bytes.</returns>
    /// <exception cref="CoCreationValidationException">The key is missing, not base64, or not 32 bytes long. The message never shows the key.</exception>
    internal static byte[] ReadKey(string? key)
    {
        const string field = "SecretProtection.Key";
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CoCreationValidationException(field, $"is missing: set {SecretProtectionOptions.KeySize} random bytes, base64-encoded (for example from 'openssl rand -base64 32').");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key.Trim());
        }
        catch (FormatException)
        {
            throw new CoCreationValidationException(field, "is not valid base64.");
        }

        if (bytes.Length != SecretProtectionOptions.KeySize)
        {
            var length = bytes.Length;
            CryptographicOperations.ZeroMemory(bytes);
            throw new CoCreationValidationException(field, $"must be {SecretProtectionOptions.KeySize} bytes (base64-encoded); it is {length} bytes.");
        }

        return bytes;
    }


}
