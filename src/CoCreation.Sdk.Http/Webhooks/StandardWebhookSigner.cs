using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>
/// Signs a payload the way <see cref="StandardWebhookVerifier"/> checks it, for tests, fakes and peers that post
/// webhooks; also makes new secrets.
/// </summary>
public static class StandardWebhookSigner
{
    /// <summary>Makes a new secret: <c>whsec_</c> followed by the base64 of 32 random bytes.</summary>
    /// <returns>The secret.</returns>
    public static string GenerateSecret() => StandardWebhookSecret.Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Computes the <c>v1,&lt;base64&gt;</c> signature of a message.</summary>
    /// <param name="secret">The <c>whsec_</c> secret.</param>
    /// <param name="messageId">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The time of sending (whole seconds are signed).</param>
    /// <param name="body">The body exactly as it will be sent.</param>
    /// <returns>The signature, one entry of the <c>webhook-signature</c> header.</returns>
    /// <exception cref="CoCreationValidationException">The secret or the message id is not well formed.</exception>
    public static string Sign(string secret, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var key = StandardWebhookSecret.Decode(secret, nameof(secret));
        if (messageId is null || !StandardWebhookVerifier.IsWellFormedId(messageId))
        {
            throw new CoCreationValidationException(nameof(messageId), $"must be 1 to {StandardWebhookVerifier.MaxIdLength} printable ASCII characters.");
        }

        var prefix = Encoding.UTF8.GetBytes(string.Concat(messageId, ".", Seconds(timestamp), "."));
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }

    /// <summary>Builds the three headers of a signed message.</summary>
    /// <param name="secret">The <c>whsec_</c> secret.</param>
    /// <param name="messageId">The <c>webhook-id</c>.</param>
    /// <param name="timestamp">The time of sending.</param>
    /// <param name="body">The body exactly as it will be sent.</param>
    /// <returns>The <c>webhook-id</c>, <c>webhook-timestamp</c> and <c>webhook-signature</c> headers.</returns>
    /// <exception cref="CoCreationValidationException">The secret or the message id is not well formed.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> CreateHeaders(string secret, string messageId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var signature = Sign(secret, messageId, timestamp, body);
        return
        [
            KeyValuePair.Create(StandardWebhookVerifier.IdHeader, messageId),
            KeyValuePair.Create(StandardWebhookVerifier.TimestampHeader, Seconds(timestamp)),
            KeyValuePair.Create(StandardWebhookVerifier.SignatureHeader, signature),
        ];
    }

    private static string Seconds(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
