namespace CoCreation.Sdk.Health;

/// <summary>
/// The provider refused a credential for good: a refresh token that expired, was revoked or was already used, a
/// revoked access token, a changed password. Retrying or refreshing does not help; a person has to authorise the
/// account again. The credential is reported as <see cref="CredentialState.NeedsReauth"/>.
/// </summary>
/// <remarks>The message and <see cref="Reason"/> never hold the token, password or secret.</remarks>
public class ReauthorizationRequiredException : CredentialException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="credential">The credential that needs re-authorisation.</param>
    /// <param name="reason">Why, without secrets (for example <c>invalid_grant</c>).</param>
    /// <param name="message">The full message, without secrets.</param>
    /// <param name="innerException">The cause.</param>
    public ReauthorizationRequiredException(CredentialRef credential, string reason, string message, Exception? innerException = null)
        : base(credential?.Provider ?? throw new ArgumentNullException(nameof(credential)), message, innerException)
    {
        Credential = credential;
        Reason = reason;
    }

    /// <summary>The credential that needs re-authorisation.</summary>
    public CredentialRef Credential { get; }

    /// <summary>Why, without secrets.</summary>
    public string Reason { get; }
}
