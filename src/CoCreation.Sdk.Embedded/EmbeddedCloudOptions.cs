namespace CoCreation.Sdk.Embedded;

/// <summary>How an <see cref="EmbeddedCloudService"/> behaves.</summary>
public sealed class EmbeddedCloudOptions
{
    /// <summary>
    /// Whether resolving an unknown e-mail address creates the account (as a service that invites by e-mail does).
    /// When <see langword="false"/>, unknown addresses fail with <see cref="ResourceNotFoundException"/>. Default <see langword="true"/>.
    /// </summary>
    public bool AutoCreateAccounts { get; set; } = true;

    /// <summary>
    /// The SQLite file the service keeps its state in (created when missing; a relative path is resolved against
    /// the current directory), or <see langword="null"/> (the default) to keep everything in memory only.
    /// </summary>
    /// <remarks>
    /// Every change is committed to the file before the call that made it returns, and a service created on the
    /// same file later finds the same accounts, workspaces, documents, shares, entries and activity (so stored
    /// activity cursors stay valid). Only one service at a time may open a file.
    /// </remarks>
    public string? DatabasePath { get; set; }
}
