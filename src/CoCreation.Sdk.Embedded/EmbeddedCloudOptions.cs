namespace CoCreation.Sdk.Embedded;

/// <summary>How an <see cref="EmbeddedCloudService"/> behaves.</summary>
public sealed class EmbeddedCloudOptions
{
    /// <summary>
    /// Whether resolving an unknown e-mail address creates the account (as a service that invites by e-mail does).
    /// When <see langword="false"/>, unknown addresses fail with <see cref="ResourceNotFoundException"/>. Default <see langword="true"/>.
    /// </summary>
    public bool AutoCreateAccounts { get; set; } = true;
}
