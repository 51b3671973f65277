using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>
/// Verifies webhooks signed with the Standard Webhooks scheme (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature</c> headers; HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>) on the raw body, before anything
/// parses it.
/// </summary>
/// <remarks>
/// <para>
/// The checks run cheapest first, and the body is read only once every header check has passed: the three headers are
/// present and well formed; the timestamp lies within <see cref="StandardWebhookOptions.Tolerance"/> of now; a
/// <c>Content-Length</c> above <see cref="StandardWebhookOptions.MaxBodyBytes"/> is refused unread; the body read is
/// refused above the same cap; a <c>v1</c> signature matches, in constant time, the current or the previous secret;
/// the message id was not accepted before (<see cref="IWebhookReplayGuard"/>). The replay check comes last so a forged
/// request cannot use up an id.
/// </para>
/// <para>Each refusal is a <see cref="WebhookVerificationException"/> with its <see cref="WebhookRefusalReason"/>; no message quotes a secret or a signature.</para>
/// <para>Thread-safe; one instance serves one receiver.</para>
/// </remarks>
public sealed class StandardWebhookVerifier
{
    /// <summary>The header holding the message id.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header holding the time of sending, in Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header holding the space-separated <c>v1,&lt;base64&gt;</c> signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>The longest message id accepted.</summary>
    public const int MaxIdLength = 256;

    /// <summary>The longest signature header accepted.</summary>
    public const int MaxSignatureHeaderLength = 2048;

    /// <summary>The most signatures read from one signature header.</summary>
    public const int MaxSignatures = 8;

    private const int HashBytes = 32;

    private readonly TimeSpan tolerance;
    private readonly int maxBodyBytes;
    private readonly IWebhookReplayGuard replayGuard;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private volatile Keys keys;

    /// <summary>Creates a verifier; the options are checked at once.</summary>
    /// <param name="name">The receiver's name; refusals and the replay guard name it.</param>
    /// <param name="options">The secrets and limits.</param>
    /// <param name="replayGuard">Remembers accepted message ids; by default an <see cref="InMemoryWebhookReplayGuard"/> of this verifier's own.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Logs refusals (reason only) at Debug; none by default.</param>
    /// <exception cref="CoCreationValidationException">An option is missing or out of range, or a secret is not a <c>whsec_</c> secret; the message names the option, never the secret.</exception>
    public StandardWebhookVerifier(string name, StandardWebhookOptions options, IWebhookReplayGuard? replayGuard = null, TimeProvider? time = null, ILogger? logger = null)
    {
        Name = CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (option, problem) in options.Problems())
        {
            throw new CoCreationValidationException(option, problem);
        }

        this.time = time ?? TimeProvider.System;
        tolerance = options.Tolerance;
        maxBodyBytes = options.MaxBodyBytes;
        this.replayGuard = replayGuard ?? new InMemoryWebhookReplayGuard(time: this.time);
        this.logger = logger ?? NullLogger.Instance;
        keys = new Keys(StandardWebhookSecret.Decode(options.Secret, nameof(options.Secret)), DecodePrevious(options.PreviousSecret));
    }

    /// <summary>The receiver's name.</summary>
    public string Name { get; }

    /// <summary>The largest body accepted, in bytes.</summary>
    public int MaxBodyBytes => maxBodyBytes;

    /// <summary>Whether a previous secret is still accepted.</summary>
    public bool HasPreviousSecret => keys.Previous is not null;

    /// <summary>
    /// Replaces the secrets at once, for a rotation without a restart: set the new secret with the old one as
    /// <paramref name="previousSecret"/>, then, once the sender has switched, call again without it.
    /// </summary>
    /// <param name="secret">The new current secret.</param>
    /// <param name="previousSecret">The secret still accepted, or <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">A secret is not a <c>whsec_</c> secret; nothing was changed.</exception>
    public void RotateSecrets(string secret, string? previousSecret = null)
        => keys = new Keys(StandardWebhookSecret.Decode(secret, nameof(StandardWebhookOptions.Secret)), DecodePrevious(previousSecret));

    /// <summary>Verifies a request; the body is read only after the header checks pass.</summary>
    /// <param name="request">The request as it arrived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verified message: its id, timestamp and the exact bytes that were verified.</returns>
    /// <exception cref="WebhookVerificationException">The request is refused; <see cref="WebhookVerificationException.Reason"/> says why.</exception>
    public async ValueTask<VerifiedWebhook> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var id = request.GetHeader(IdHeader);
        var stamp = request.GetHeader(TimestampHeader);
        var signatureHeader = request.GetHeader(SignatureHeader);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(stamp) || string.IsNullOrEmpty(signatureHeader))
        {
            throw Refused(WebhookRefusalReason.Missing, $"a '{IdHeader}', '{TimestampHeader}' or '{SignatureHeader}' header is missing or empty");
        }

        if (!IsWellFormedId(id))
        {
            throw Refused(WebhookRefusalReason.Malformed, $"the '{IdHeader}' header is not 1 to {MaxIdLength} printable ASCII characters");
        }

        if (stamp.Length > 12 || !stamp.All(char.IsAsciiDigit) || !long.TryParse(stamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw Refused(WebhookRefusalReason.Malformed, $"the '{TimestampHeader}' header is not Unix seconds");
        }

        var signatures = ParseSignatures(signatureHeader);
        if (signatures.Count == 0)
        {
            throw Refused(WebhookRefusalReason.Malformed, $"the '{SignatureHeader}' header holds no well-formed v1 signature");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)tolerance.TotalSeconds;
        if (seconds < now - window)
        {
            throw Refused(WebhookRefusalReason.Stale, "the timestamp is older than the tolerance allows");
        }

        if (seconds > now + window)
        {
            throw Refused(WebhookRefusalReason.Future, "the timestamp is further ahead than the tolerance allows");
        }

        var declared = request.GetHeader("Content-Length");
        if (declared is not null && long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > maxBodyBytes)
        {
            throw Refused(WebhookRefusalReason.Oversize, "the declared body is larger than allowed");
        }

        var body = await request.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > maxBodyBytes)
        {
            throw Refused(WebhookRefusalReason.Oversize, "the body is larger than allowed");
        }

        var current = keys;
        var prefix = Encoding.UTF8.GetBytes(string.Concat(id, ".", stamp, "."));
        var matchedPrevious = false;
        if (!Matches(current.Current, prefix, body.Span, signatures))
        {
            if (current.Previous is null || !Matches(current.Previous, prefix, body.Span, signatures))
            {
                throw Refused(WebhookRefusalReason.BadSignature, "no signature matches an active secret");
            }

            matchedPrevious = true;
        }

        // Remembered until the timestamp check refuses the id by itself; the extra second covers the clock's fraction
        // of a second that the whole-second comparison above drops.
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var forgetAt = DateTimeOffset.FromUnixTimeSeconds(seconds + window + 1);
        if (!await replayGuard.TryRecordAsync(Name, id, forgetAt, cancellationToken).ConfigureAwait(false))
        {
            throw Refused(WebhookRefusalReason.Replayed, "a message with this id was already accepted");
        }

        return new VerifiedWebhook(id, timestamp, body, matchedPrevious);
    }

    internal static bool IsWellFormedId(string id)
    {
        if (id.Length is 0 or > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static List<byte[]> ParseSignatures(string header)
    {
        var found = new List<byte[]>();
        if (header.Length > MaxSignatureHeaderLength)
        {
            return found;
        }

        var read = 0;
        foreach (var part in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (++read > MaxSignatures)
            {
                break;
            }

            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                // Other schemes (v1a: asymmetric) are not this verifier's to check.
                continue;
            }

            var encoded = part.AsSpan(3);
            var buffer = new byte[HashBytes + 3];
            if (encoded.Length == 44 && Convert.TryFromBase64Chars(encoded, buffer, out var written) && written == HashBytes)
            {
                found.Add(buffer[..HashBytes]);
            }
        }

        return found;
    }

    private static bool Matches(byte[] key, byte[] prefix, ReadOnlySpan<byte> body, List<byte[]> signatures)
    {
        Span<byte> expected = stackalloc byte[HashBytes];
        using (var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key))
        {
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            hmac.GetHashAndReset(expected);
        }

        var matched = false;
        foreach (var signature in signatures)
        {
            // Every presented signature is compared, so the time taken does not say which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        return matched;
    }

    private static byte[]? DecodePrevious(string? previous)
        => previous is null ? null : StandardWebhookSecret.Decode(previous, nameof(StandardWebhookOptions.PreviousSecret));

    private WebhookVerificationException Refused(WebhookRefusalReason reason, string detail)
    {
        Log.WebhookRefused(logger, Name, reason);
        return new WebhookVerificationException(Name, reason, $"Webhook for '{Name}' refused: {detail}.");
    }

    private sealed record Keys(byte[] Current, byte[]? Previous);
}

/// <summary>A request that passed <see cref="StandardWebhookVerifier.VerifyAsync"/>.</summary>
/// <param name="MessageId">The <c>webhook-id</c>.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c>.</param>
/// <param name="Body">The exact bytes that were verified; parse these, not a second read of the request.</param>
/// <param name="SignedWithPreviousSecret">Whether only the previous secret matched (the sender has not switched yet).</param>
public sealed record VerifiedWebhook(string MessageId, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Body, bool SignedWithPreviousSecret);
