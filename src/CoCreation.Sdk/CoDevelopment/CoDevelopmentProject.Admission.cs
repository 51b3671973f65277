using System.Security.Cryptography;

namespace CoCreation.Sdk.CoDevelopment;

// Admission: SNS sign-in, e-mail confirmation and membership.
public sealed partial class CoDevelopmentProject
{
    /// <summary>
    /// Starts admission: sends a one-time code for the address through <see cref="IConfirmationCodeSender"/>
    /// (by default an SNS direct message on the network the participant signed in with). A new request replaces
    /// an earlier code.
    /// </summary>
    /// <param name="session">The participant's SNS sign-in.</param>
    /// <param name="email">The address to confirm.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was sent (without the code).</returns>
    /// <exception cref="CoCreationValidationException">The address is not valid, or no session.</exception>
    /// <exception cref="AccessDeniedException">The session is expired or not a verified SNS sign-in, or the person was not selected.</exception>
    /// <exception cref="CoCreationConflictException">The participant is already admitted, or recruitment has not started.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<EmailConfirmation> RequestEmailConfirmationAsync(ParticipantSession session, string email, CancellationToken cancellationToken = default)
    {
        var address = CoCreationGuard.Email(email, nameof(email));
        var participant = await VerifySessionAsync(session, cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            await CheckAdmissibleAsync(state, participant, cancellationToken).ConfigureAwait(false);
            var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            var expiresAt = _time.GetUtcNow() + _options.ConfirmationCodeLifetime;
            var pending = new PendingConfirmation { Email = address, CodeHash = CodeHash(participant.Id, address, code), ExpiresAt = expiresAt };
            await _store.ApplyAsync(new StoreChanges().PutDocument(ConfirmationsCollection, MemberId(participant.Id), Serialize(pending)), cancellationToken).ConfigureAwait(false);
            await _codes.SendAsync(
                new ConfirmationCodeMessage
                {
                    ProjectId = ProjectId,
                    ProjectName = _options.ProjectName,
                    Participant = participant,
                    Identity = SignedInIdentity(participant, session),
                    Email = address,
                    Code = code,
                    ExpiresAt = expiresAt,
                },
                cancellationToken).ConfigureAwait(false);
            return new EmailConfirmation { ParticipantId = participant.Id, Email = address, ExpiresAt = expiresAt };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Admits a selected participant: checks the SNS sign-in and the confirmation code for the address, resolves
    /// the address to a cloud account (<see cref="ICloudWorkspace.ResolveAccountAsync"/>), links it in the identity
    /// map and, when the workspace is provisioned, shares it with them at once.
    /// </summary>
    /// <param name="session">The participant's SNS sign-in.</param>
    /// <param name="email">The address, as confirmed.</param>
    /// <param name="confirmationCode">The code <see cref="RequestEmailConfirmationAsync"/> sent.</param>
    /// <param name="role">Their workspace role; <see cref="CoDevelopmentOptions.DefaultRole"/> when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member.</returns>
    /// <exception cref="CoCreationValidationException">The address is not valid (<c>email</c>), the code is missing, wrong or expired (<c>confirmationCode</c>), or the role is unknown (<c>role</c>).</exception>
    /// <exception cref="AccessDeniedException">The session is expired or not a verified SNS sign-in, or the person was not selected.</exception>
    /// <exception cref="CoCreationConflictException">The participant is already admitted, or their identity links another account at the provider.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<CoDevelopmentMember> AdmitAsync(ParticipantSession session, string email, string confirmationCode, WorkspaceRole? role = null, CancellationToken cancellationToken = default)
    {
        var address = CoCreationGuard.Email(email, nameof(email));
        var code = CoCreationGuard.NotBlank(confirmationCode, nameof(confirmationCode)).Trim();
        var memberRole = role ?? _options.DefaultRole;
        if (!Enum.IsDefined(memberRole))
        {
            throw new CoCreationValidationException(nameof(role), $"{memberRole} is not a workspace role.");
        }

        var participant = await VerifySessionAsync(session, cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            await CheckAdmissibleAsync(state, participant, cancellationToken).ConfigureAwait(false);
            await CheckCodeAsync(participant.Id, address, code, cancellationToken).ConfigureAwait(false);

            var workspace = CloudWorkspace;
            var account = await workspace.ResolveAccountAsync(address, cancellationToken).ConfigureAwait(false);
            var existingLink = participant.FindCloudLink(_options.CloudWorkspace);
            if (existingLink is not null && existingLink.AccountId != account.AccountId)
            {
                throw new CoCreationConflictException($"The participant is already linked to another account at '{_options.CloudWorkspace}'; unlink it before admitting with a new address.");
            }

            participant = await _identities.LinkCloudAccountAsync(participant.Id, account, cancellationToken).ConfigureAwait(false);
            var member = new CoDevelopmentMember
            {
                ParticipantId = participant.Id,
                DisplayName = participant.DisplayName,
                Email = address,
                CloudAccountId = account.AccountId,
                Role = memberRole,
                AdmittedAt = _time.GetUtcNow(),
            };
            await _store.ApplyAsync(
                new StoreChanges()
                    .PutDocument(MembersCollection, MemberId(member.ParticipantId), Serialize(member))
                    .DeleteDocument(ConfirmationsCollection, MemberId(member.ParticipantId)),
                cancellationToken).ConfigureAwait(false);

            await _relay.PublishAsync(
                ModuleEvent(CoDevelopmentEventTypes.Admitted, $"{ProjectId}:admitted:{member.ParticipantId}", $"members/{member.ParticipantId}", Data(member.ParticipantId).Add("email", address)),
                cancellationToken).ConfigureAwait(false);

            if (state.Status == CoDevelopmentStatus.Active && state.Workspace is not null)
            {
                member = await ShareCoreAsync(state, member, cancellationToken).ConfigureAwait(false);
            }

            return member;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the members, in the order they were admitted.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The members, including former ones after close.</returns>
    public async Task<IReadOnlyList<CoDevelopmentMember>> GetMembersAsync(CancellationToken cancellationToken = default)
        => await LoadMembersAsync(cancellationToken).ConfigureAwait(false);

    private Task<Participant> VerifySessionAsync(ParticipantSession? session, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "is required: the participant must sign in with an SNS account first.");
        }

        // The one session check every module uses: issued by the SDK, unaltered, live, identity still linked.
        return _grants.VerifySessionAsync(session, Target, cancellationToken);
    }

    // The verified session vouches for network and subject only; the handle and name come from the stored link,
    // not from the session object a caller hands in.
    private static SnsLink SignedInLink(Participant participant, ParticipantSession session)
        => participant.SnsLinks.First(l => l.Network == session.Identity.Network && l.Subject == session.Identity.Subject);

    private static SnsIdentity SignedInIdentity(Participant participant, ParticipantSession session)
    {
        var link = SignedInLink(participant, session);
        return new SnsIdentity { Network = link.Network, Subject = link.Subject, Handle = link.Handle, DisplayName = participant.DisplayName, Locale = participant.PreferredLocale };
    }

    private async Task CheckAdmissibleAsync(ProjectState state, Participant participant, CancellationToken cancellationToken)
    {
        ThrowIfClosed(state, "admission");
        RequireRecruitment(state);
        var json = await _store.GetDocumentAsync(MembersCollection, MemberId(participant.Id), cancellationToken).ConfigureAwait(false);
        if (json is not null && Deserialize<CoDevelopmentMember>(json).Active)
        {
            throw new CoCreationConflictException($"Participant '{participant.Id}' is already admitted to co-development project '{ProjectId}'.");
        }

        var selected = false;
        foreach (var link in participant.SnsLinks)
        {
            var applicant = await _store.GetDocumentAsync(ApplicantsCollection, ApplicantId(link.Network, link.Subject), cancellationToken).ConfigureAwait(false);
            if (applicant is not null && Deserialize<RecruitmentApplicant>(applicant).Status == ApplicantStatus.Selected)
            {
                selected = true;
                break;
            }
        }

        if (!selected)
        {
            throw new AccessDeniedException(participant.Id, Target, "not selected: none of the participant's SNS identities is a selected applicant");
        }
    }

    private async Task CheckCodeAsync(string participantId, string email, string code, CancellationToken cancellationToken)
    {
        var json = await _store.GetDocumentAsync(ConfirmationsCollection, MemberId(participantId), cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            throw new CoCreationValidationException("confirmationCode", "no confirmation is pending; call RequestEmailConfirmationAsync first.");
        }

        var pending = Deserialize<PendingConfirmation>(json);
        if (pending.ExpiresAt <= _time.GetUtcNow())
        {
            throw new CoCreationValidationException("confirmationCode", "has expired; request a new one.");
        }

        if (!string.Equals(pending.Email, email, StringComparison.OrdinalIgnoreCase))
        {
            throw new CoCreationValidationException(nameof(email), "is not the address the confirmation code was sent for.");
        }

        var expected = Encoding.ASCII.GetBytes(pending.CodeHash);
        var actual = Encoding.ASCII.GetBytes(CodeHash(participantId, pending.Email, code));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            var failed = pending.FailedAttempts + 1;
            var changes = failed >= _options.MaxConfirmationAttempts
                ? new StoreChanges().DeleteDocument(ConfirmationsCollection, MemberId(participantId))
                : new StoreChanges().PutDocument(ConfirmationsCollection, MemberId(participantId), Serialize(pending with { FailedAttempts = failed }));
            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            throw new CoCreationValidationException(
                "confirmationCode",
                failed >= _options.MaxConfirmationAttempts ? "does not match, and too many wrong codes were entered; request a new one." : "does not match.");
        }
    }

    private async Task<List<CoDevelopmentMember>> LoadMembersAsync(CancellationToken cancellationToken)
        => (await ListAsync<CoDevelopmentMember>(MembersCollection, cancellationToken).ConfigureAwait(false))
            .OrderBy(m => m.AdmittedAt)
            .ThenBy(m => m.ParticipantId, StringComparer.Ordinal)
            .ToList();

    private string MemberId(string participantId) => $"{ProjectId}:{participantId}";

    private string CodeHash(string participantId, string email, string code)
        => Hashing.Sha256Hex($"{ProjectId}\n{participantId}\n{email.ToUpperInvariant()}\n{code}", 64);
}
