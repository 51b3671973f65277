using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Embedded;

/// <summary>An account registered on an <see cref="EmbeddedSnsNetwork"/>, with the credential issued at registration.</summary>
/// <param name="Subject">The stable, opaque account id.</param>
/// <param name="Handle">The handle, without a leading <c>@</c>.</param>
/// <param name="DisplayName">A name for people.</param>
/// <param name="Credential">The token issued at registration; the account signs in and posts with it.</param>
public sealed record EmbeddedSnsAccount(string Subject, string Handle, string DisplayName, SnsCredential Credential);
