namespace CoCreation.Sdk.Health;

/// <summary>
/// The current state of every credential the adapters reported on (<see cref="CredentialState.Healthy"/> or
/// <see cref="CredentialState.NeedsReauth"/>), for a dashboard or a health check.
/// </summary>
/// <remarks>
/// Registered by <c>AddCoCreation</c>. States live in memory: after a restart every credential is
/// <see cref="CredentialState.Unknown"/> until its next call. Safe for concurrent use.
/// </remarks>
public interface ICredentialHealth
{
    /// <summary>Every credential reported on, ordered by provider and account.</summary>
    /// <returns>The records.</returns>
    IReadOnlyList<CredentialHealthRecord> GetAll();

    /// <summary>The state of one credential.</summary>
    /// <param name="provider">The name the provider was registered under.</param>
    /// <param name="account">The account the credential acts as.</param>
    /// <returns>The record, or <see langword="null"/> when nothing was reported for it.</returns>
    CredentialHealthRecord? Find(string provider, string account);

    /// <summary>The credentials that need re-authorisation.</summary>
    /// <returns>The records in <see cref="CredentialState.NeedsReauth"/>.</returns>
    IReadOnlyList<CredentialHealthRecord> GetNeedingReauth();
}
