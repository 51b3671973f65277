using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>
/// Settings of a <see cref="StandardWebhookVerifier"/>: the signing secrets (the current one and, while a rotation is
/// under way, the previous one), how far a request's timestamp may be from now, and the largest body accepted.
/// </summary>
public sealed class StandardWebhookOptions
{
    /// <summary>The default <see cref="Tolerance"/>: five minutes either way, as the Standard Webhooks specification suggests.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The default <see cref="MaxBodyBytes"/>: 256 KiB.</summary>
    public const int DefaultMaxBodyBytes = 256 * 1024;

    /// <summary>The largest <see cref="MaxBodyBytes"/> allowed: 16 MiB.</summary>
    public const int MaxAllowedBodyBytes = 16 * 1024 * 1024;

    /// <summary>The current signing secret, as <c>whsec_</c> followed by the base64 of 24 to 64 random bytes. Required.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The secret being retired, in the same form, or <see langword="null"/>. While it is set, a request signed with
    /// either secret is accepted; remove it once the sender signs with <see cref="Secret"/> only.
    /// </summary>
    public string? PreviousSecret { get; set; }

    /// <summary>How far a request's <c>webhook-timestamp</c> may lie before or after now; between 1 second and 1 hour.</summary>
    public TimeSpan Tolerance { get; set; } = DefaultTolerance;

    /// <summary>The largest body accepted, in bytes; between 1 and <see cref="MaxAllowedBodyBytes"/>.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Checks the options; returns the first problem as (option, problem), never quoting a secret.</summary>
    internal IEnumerable<(string Option, string Problem)> Problems()
    {
        if (string.IsNullOrEmpty(Secret))
        {
            yield return (nameof(Secret), "is required.");
        }
        else if (StandardWebhookSecret.Problem(Secret) is { } problem)
        {
            yield return (nameof(Secret), problem);
        }

        if (PreviousSecret is not null && StandardWebhookSecret.Problem(PreviousSecret) is { } previous)
        {
            yield return (nameof(PreviousSecret), previous);
        }

        if (Tolerance < TimeSpan.FromSeconds(1) || Tolerance > TimeSpan.FromHours(1))
        {
            yield return (nameof(Tolerance), "must be between 1 second and 1 hour.");
        }

        if (MaxBodyBytes is < 1 or > MaxAllowedBodyBytes)
        {
            yield return (nameof(MaxBodyBytes), $"must be between 1 and {MaxAllowedBodyBytes} (was {MaxBodyBytes}).");
        }
    }
}

/// <summary>
/// Checks <see cref="StandardWebhookOptions"/> through the options system (register it and call
/// <c>ValidateOnStart()</c> so a badly formed secret stops the host at start). Failures name the option and the
/// problem, never the secret.
/// </summary>
public sealed class StandardWebhookOptionsValidator : IValidateOptions<StandardWebhookOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, StandardWebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Problems().Select(p => $"Standard webhook '{name}': {p.Option} {p.Problem}").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Parses <c>whsec_</c> secrets; problems never quote the value.</summary>
internal static class StandardWebhookSecret
{
    public const string Prefix = "whsec_";
    public const int MinBytes = 24;
    public const int MaxBytes = 64;

    public static string? Problem(string secret) => TryDecode(secret, out _);

    // Returns the problem, or null with the key bytes.
    public static string? TryDecode(string? secret, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(secret))
        {
            return "is required.";
        }

        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return $"must start with '{Prefix}'.";
        }

        var encoded = secret.AsSpan(Prefix.Length);
        if (encoded.Length > (MaxBytes + 2) / 3 * 4)
        {
            return $"must encode at most {MaxBytes} bytes.";
        }

        var buffer = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out var written))
        {
            return $"must be '{Prefix}' followed by base64.";
        }

        if (written is < MinBytes or > MaxBytes)
        {
            return $"must encode between {MinBytes} and {MaxBytes} bytes (it encodes {written}).";
        }

        key = buffer[..written];
        return null;
    }

    public static byte[] Decode(string? secret, string option)
    {
        var problem = TryDecode(secret, out var key);
        return problem is null ? key : throw new CoCreationValidationException(option, problem);
    }
}
