using System.Buffers;
using System.Security.Cryptography;

namespace CoCreation.Sdk;

/// <summary>The cultures the SDK writes messages in.</summary>
internal static class SupportedLocales
{
    public static IReadOnlyList<string> All { get; } = ["ko-KR", "en-US"];

    /// <summary>The canonical name of a supported culture, matched without regard to case; otherwise <see langword="null"/>.</summary>
    public static string? Find(string? name)
        => name is null ? null : All.FirstOrDefault(l => string.Equals(l, name.Trim(), StringComparison.OrdinalIgnoreCase));
}

internal static class Hashing
{
    /// <summary>Lower-case hex SHA-256 of a text, cut to <paramref name="length"/> characters.</summary>
    public static string Sha256Hex(string text, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SHA256.HashSizeInBytes * 2);

        // The relay hashes once per delivery and once per event: the text is encoded into a stack or pooled buffer and
        // the hash into a stack one, so only the hex string is allocated.
        const int StackBytes = 512;
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > StackBytes ? ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> bytes = rented ?? stackalloc byte[StackBytes];
            var written = Encoding.UTF8.GetBytes(text, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            var hex = Convert.ToHexStringLower(hash[..((length + 1) / 2)]);
            return hex.Length == length ? hex : hex[..length];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}

internal static class Audit
{
    public static AuditEntry Entry(
        DateTimeOffset time,
        AuditAction action,
        string participantId,
        string? target = null,
        string? grantId = null,
        string? detail = null) => new()
        {
            Id = Guid.NewGuid().ToString("N"),
            Time = time,
            Action = action,
            ParticipantId = participantId,
            Target = target,
            GrantId = grantId,
            Detail = detail,
        };
}

internal static class ErrorText
{
    private const int MaxLength = 500;

    /// <summary>
    /// Describes an exception for stored records: type and message only. SDK and adapter exceptions keep
    /// secrets out of their messages; the length cap keeps a stray response body from filling the store.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var text = $"{exception.GetType().Name}: {exception.Message}";
        return text.Length <= MaxLength ? text : text[..MaxLength] + "…";
    }
}
