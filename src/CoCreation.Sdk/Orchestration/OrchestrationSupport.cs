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
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(hash)[..length];
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
