namespace CoCreation.Sdk;

/// <summary>Links one person's SNS identities, cloud accounts and enterprise accounts, and finds them again.</summary>
/// <remarks>Thread-safe. Linking an identity or account already linked to someone else throws <see cref="CoCreationConflictException"/>.</remarks>
public interface IIdentityMap
{
    /// <summary>Reads a participant.</summary>
    /// <param name="participantId">The participant id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> GetAsync(string participantId, CancellationToken cancellationToken = default);

    /// <summary>Finds the participant an SNS identity is linked to.</summary>
    /// <param name="network">The connector name.</param>
    /// <param name="subject">The stable account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindBySnsAsync(string network, string subject, CancellationToken cancellationToken = default);

    /// <summary>Finds the participant a cloud account is linked to.</summary>
    /// <param name="provider">The workspace adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Finds the participant an enterprise account is linked to.</summary>
    /// <param name="system">The enterprise adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    Task<Participant?> FindByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Links a second SNS identity. Both must be proven: the session, and a credential the network verifies now.</summary>
    /// <param name="session">The signed-in participant.</param>
    /// <param name="network">The connector name of the identity to add.</param>
    /// <param name="credential">A credential of the identity to add.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant with the new link.</returns>
    /// <exception cref="CredentialException">The credential does not verify.</exception>
    /// <exception cref="CoCreationConflictException">The identity belongs to another participant.</exception>
    Task<Participant> LinkSnsAsync(ParticipantSession session, string network, SnsCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Links a cloud account (resolved from an address the participant confirmed).</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant with the new link.</returns>
    Task<Participant> LinkCloudAccountAsync(string participantId, CloudAccount account, CancellationToken cancellationToken = default);

    /// <summary>Links an enterprise account.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant with the new link.</returns>
    Task<Participant> LinkEnterpriseAccountAsync(string participantId, EnterpriseAccount account, CancellationToken cancellationToken = default);

    /// <summary>Removes an SNS link. The last SNS identity cannot be removed (erase the participant instead).</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="network">The connector name.</param>
    /// <param name="subject">The stable account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant without the link.</returns>
    Task<Participant> UnlinkSnsAsync(string participantId, string network, string subject, CancellationToken cancellationToken = default);

    /// <summary>Removes a cloud account link.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="provider">The workspace adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant without the link.</returns>
    Task<Participant> UnlinkCloudAccountAsync(string participantId, string provider, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Removes an enterprise account link.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="system">The enterprise adapter's name.</param>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant without the link.</returns>
    Task<Participant> UnlinkEnterpriseAccountAsync(string participantId, string system, string accountId, CancellationToken cancellationToken = default);

    /// <summary>Sets the language and preferred network for messages.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="locale">A culture name such as <c>ko-KR</c>.</param>
    /// <param name="preferredNetwork">A linked connector name, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant.</returns>
    Task<Participant> SetPreferencesAsync(string participantId, string locale, string? preferredNetwork, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases a participant: revokes every grant at its provider, anonymises the enterprise and cloud accounts linked
    /// to them where the adapter supports it (<see cref="Enterprise.IEnterpriseAccountErasure"/>,
    /// <see cref="Workspaces.ICloudAccountErasure"/>), lets every registered <see cref="IParticipantDataEraser"/>
    /// remove or anonymise the modules' records, deletes the participant and their links, and keeps an anonymised
    /// audit trail. The person's id, names, handles, SNS account ids, e-mail addresses and account logins are also
    /// replaced in the audit trail's free text and in the relay outbox, events addressed to other people included.
    /// Idempotent.
    /// </summary>
    /// <remarks>
    /// The store changes are applied in one atomic change set; a failure before it (a provider that cannot be reached)
    /// leaves the participant in place, and calling again finishes the erasure. An adapter that cannot anonymise
    /// accounts is named in the erasure's audit line. What each module does with the person's records is described in
    /// the module's documentation (the erasure section of docs/architecture.md).
    /// </remarks>
    /// <param name="participantId">The participant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when nothing of the person is left but the anonymised audit line.</returns>
    Task EraseAsync(string participantId, CancellationToken cancellationToken = default);
}

/// <summary>Signs participants in with their SNS login.</summary>
public interface ISnsSignIn
{
    /// <summary>
    /// Verifies a credential with the network, finds the participant linked to that identity or creates
    /// one, and returns a session. Nothing is created when the credential does not verify.
    /// </summary>
    /// <param name="network">The connector name.</param>
    /// <param name="credential">The member's credential.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="CredentialException">The credential is unknown, expired or revoked.</exception>
    Task<ParticipantSession> SignInAsync(string network, SnsCredential credential, CancellationToken cancellationToken = default);

    /// <summary>
    /// Brings back a session from its <see cref="ParticipantSession.Token"/>, for example one kept in a web
    /// application's cookie between requests. The participant and grants are read anew from the store.
    /// </summary>
    /// <param name="token">The session's token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="CoCreationValidationException">The token is blank.</exception>
    /// <exception cref="AccessDeniedException">
    /// The token was not issued by this SDK's store, was altered, was signed out, has expired, or its identity
    /// is no longer linked (the refusal is audited).
    /// </exception>
    Task<ParticipantSession> ResumeAsync(string token, CancellationToken cancellationToken = default);

    /// <summary>Ends a session: its token is refused from now on, here and in every process sharing the store. Idempotent.</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the session is ended in the store.</returns>
    /// <exception cref="AccessDeniedException">The session was not issued by this SDK or its token was altered.</exception>
    Task SignOutAsync(ParticipantSession session, CancellationToken cancellationToken = default);
}

/// <summary>Grants, checks and revokes participants' access to enterprise systems and workspaces.</summary>
/// <remarks>
/// Granting provisions at the target (an enterprise account with roles, a workspace share); revoking
/// takes it away there. Every grant, use, refusal and revocation is audited. Expiry is enforced on the
/// configured <see cref="TimeProvider"/>.
/// </remarks>
public interface IAccessGrants
{
    /// <summary>Grants access and provisions it at the target.</summary>
    /// <param name="request">The grant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The active grant.</returns>
    Task<AccessGrant> GrantAsync(AccessGrantRequest request, CancellationToken cancellationToken = default);

    /// <summary>Revokes a grant and deprovisions it at the target. Idempotent.</summary>
    /// <param name="grantId">The grant.</param>
    /// <param name="reason">Why, for the audit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The revoked grant.</returns>
    Task<AccessGrant> RevokeAsync(string grantId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Revokes every active grant of a participant, optionally only those on one target system.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="reason">Why, for the audit.</param>
    /// <param name="system">Only grants on this system; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grants that were revoked.</returns>
    Task<IReadOnlyList<AccessGrant>> RevokeAllAsync(string participantId, string reason, string? system = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks that a session may act on a target in a role, and audits the use. Reads the store, so a
    /// revoked or expired grant refuses at once.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="target">The target.</param>
    /// <param name="role">The role needed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grant that allows it.</returns>
    /// <exception cref="AccessDeniedException">
    /// The session is refused (not issued by the SDK, altered, signed out, expired or its identity unlinked), or
    /// no active grant allows it.
    /// </exception>
    Task<AccessGrant> AuthorizeAsync(ParticipantSession session, GrantTarget target, string role, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks that a session is one the SDK issued, unaltered, not signed out, not expired, and that its
    /// identity is still linked to its participant; the same check <see cref="AuthorizeAsync"/> starts with.
    /// Modules and applications use it for calls that need a signed-in person but no grant.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="target">What the call acts on, for the audit line of a refusal.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The participant as stored now.</returns>
    /// <exception cref="CoCreationValidationException">The session or target is null or blank.</exception>
    /// <exception cref="AccessDeniedException">The session is refused (the refusal is audited).</exception>
    Task<Participant> VerifySessionAsync(ParticipantSession session, string target, CancellationToken cancellationToken = default);

    /// <summary>Lists a participant's grants.</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="includeInactive">Whether revoked and expired grants are included.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grants.</returns>
    Task<IReadOnlyList<AccessGrant>> ListAsync(string participantId, bool includeInactive = false, CancellationToken cancellationToken = default);

    /// <summary>Deprovisions every grant whose expiry has passed on the clock.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The grants that expired now.</returns>
    Task<IReadOnlyList<AccessGrant>> EnforceExpiryAsync(CancellationToken cancellationToken = default);
}

/// <summary>Reads the audit trail.</summary>
public interface IAuditLog
{
    /// <summary>Reads audit entries, oldest first.</summary>
    /// <param name="participantId">Only this participant's; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(string? participantId = null, CancellationToken cancellationToken = default);
}

/// <summary>Finds the providers registered with <see cref="ICoCreationBuilder"/> by name.</summary>
public interface ICoCreationProviders
{
    /// <summary>The names of the registered SNS connectors.</summary>
    IReadOnlyList<string> SnsNetworks { get; }

    /// <summary>The names of the registered cloud workspaces.</summary>
    IReadOnlyList<string> CloudWorkspaces { get; }

    /// <summary>The names of the registered enterprise systems.</summary>
    IReadOnlyList<string> EnterpriseSystems { get; }

    /// <summary>The SNS connector registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="CoCreationValidationException">None is registered under that name.</exception>
    ISnsConnector GetSns(string name);

    /// <summary>The cloud workspace registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The workspace adapter.</returns>
    /// <exception cref="CoCreationValidationException">None is registered under that name.</exception>
    ICloudWorkspace GetCloudWorkspace(string name);

    /// <summary>The enterprise adapter registered under a name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="CoCreationValidationException">None is registered under that name.</exception>
    IEnterpriseAdapter GetEnterprise(string name);
}
