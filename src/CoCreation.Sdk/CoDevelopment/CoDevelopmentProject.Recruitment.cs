namespace CoCreation.Sdk.CoDevelopment;

// Recruitment: the call for participants, applications and selection.
public sealed partial class CoDevelopmentProject
{
    /// <summary>
    /// Publishes the call for participants on <see cref="CoDevelopmentOptions.Networks"/>. People apply by replying
    /// to it (read by <see cref="CollectApplicationsAsync"/>) or by signing in (<see cref="ApplyAsync"/>).
    /// </summary>
    /// <param name="call">The call, with the cap.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The published call.</returns>
    /// <exception cref="CoCreationValidationException">The text is blank or too long for a network, or the cap is not above zero.</exception>
    /// <exception cref="CoCreationConflictException">Recruitment already started.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<Recruitment> RecruitAsync(RecruitmentCall call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var text = CoCreationGuard.NotBlank(call.KoreanText, "RecruitmentCall.KoreanText");
        if (call.EnglishText is { } english)
        {
            text = text + "\n\n" + CoCreationGuard.NotBlank(english, "RecruitmentCall.EnglishText");
        }

        CoCreationGuard.Positive(call.Cap, "RecruitmentCall.Cap");
        var connectors = Networks().Select(_providers.GetSns).ToList();
        foreach (var connector in connectors)
        {
            // Checked for every network first so that a text too long for one publishes nowhere.
            CoCreationGuard.MaxLength(text, connector.Capabilities.MaxPostLength, "RecruitmentCall.KoreanText");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "recruiting");
            if (state.Call is not null)
            {
                throw new CoCreationConflictException($"Co-development project '{ProjectId}' has already published its call for participants.");
            }

            var posts = new List<SnsPost>(connectors.Count);
            foreach (var connector in connectors)
            {
                posts.Add(await connector.PublishAsync(
                    new PostRequest { Text = text, Language = "ko", IdempotencyKey = Key($"recruit\n{ProjectId}\n{connector.Metadata.Name}") },
                    cancellationToken).ConfigureAwait(false));
            }

            state = state with
            {
                Status = state.Status == CoDevelopmentStatus.Draft ? CoDevelopmentStatus.Recruiting : state.Status,
                Call = call,
                CallPosts = posts.Select(p => new DiscussionThread(p.Network, p.Id)).ToList(),
            };
            await _store.ApplyAsync(new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state)), cancellationToken).ConfigureAwait(false);
            return new Recruitment { Call = call, Posts = posts };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A signed-in person applies to the call for participants.</summary>
    /// <param name="session">Their SNS sign-in.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The application, with whether it was selected; applying again returns the first application.</returns>
    /// <exception cref="CoCreationValidationException">No session.</exception>
    /// <exception cref="AccessDeniedException">The session is expired or not a verified SNS sign-in.</exception>
    /// <exception cref="CoCreationConflictException">Recruitment has not started.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<RecruitmentApplicant> ApplyAsync(ParticipantSession session, CancellationToken cancellationToken = default)
    {
        var participant = await VerifySessionAsync(session, cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "applying");
            RequireRecruitment(state);
            var identity = SignedInLink(participant, session);
            var existing = await _store.GetDocumentAsync(ApplicantsCollection, ApplicantId(identity.Network, identity.Subject), cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                return Deserialize<RecruitmentApplicant>(existing);
            }

            var applicants = await LoadApplicantsAsync(cancellationToken).ConfigureAwait(false);
            var applicant = Select(new RecruitmentApplicant
            {
                Network = identity.Network,
                Subject = identity.Subject,
                Handle = identity.Handle,
                Channel = ApplicationChannel.SignIn,
                ParticipantId = participant.Id,
                AppliedAt = _time.GetUtcNow(),
                Sequence = state.Applications + 1,
            }, state, applicants);
            await _store.ApplyAsync(
                new StoreChanges()
                    .PutDocument(ApplicantsCollection, ApplicantId(applicant.Network, applicant.Subject), Serialize(applicant))
                    .PutDocument(ProjectsCollection, ProjectId, Serialize(state with { Applications = applicant.Sequence })),
                cancellationToken).ConfigureAwait(false);
            return applicant;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Reads the replies to the call for participants and records each new replier as an applicant, selected or
    /// waitlisted by the selection rule and the cap. Selected and waitlisted repliers are told by direct message
    /// where the network has them; selected ones join by signing in and confirming an e-mail address.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The applicants added now, oldest first.</returns>
    /// <exception cref="CoCreationConflictException">Recruitment has not started.</exception>
    public async Task<IReadOnlyList<RecruitmentApplicant>> CollectApplicationsAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.Status == CoDevelopmentStatus.Closed)
            {
                return [];
            }

            RequireRecruitment(state);
            var applicants = await LoadApplicantsAsync(cancellationToken).ConfigureAwait(false);
            var known = applicants.Select(a => ApplicantId(a.Network, a.Subject)).ToHashSet(StringComparer.Ordinal);
            var replies = new List<SnsPost>();
            foreach (var post in state.CallPosts)
            {
                var connector = _providers.GetSns(post.Network);
                await foreach (var reply in connector.GetRepliesAsync(post.PostId, cancellationToken).ConfigureAwait(false))
                {
                    replies.Add(reply);
                }
            }

            var added = new List<RecruitmentApplicant>();
            var sequence = state.Applications;
            foreach (var reply in replies.OrderBy(r => r.CreatedAt))
            {
                var id = ApplicantId(reply.Network, reply.AuthorSubject);

                // An erased applicant's reply stays on the network; their anonymised record keeps it from being read again.
                if (known.Contains(ApplicantId(reply.Network, ErasedSubject(reply.Network, reply.AuthorSubject))) || !known.Add(id))
                {
                    continue;
                }

                var applicant = Select(new RecruitmentApplicant
                {
                    Network = reply.Network,
                    Subject = reply.AuthorSubject,
                    Handle = reply.AuthorHandle,
                    Channel = ApplicationChannel.Reply,
                    ReplyText = reply.Text,
                    AppliedAt = reply.CreatedAt,
                    Sequence = ++sequence,
                }, state, applicants);
                applicants.Add(applicant);
                added.Add(applicant);
            }

            // Told before the applications are stored: a failed message leaves them unread, and reading them again
            // sends with the same idempotency keys.
            foreach (var applicant in added.Where(a => a.Status != ApplicantStatus.Declined))
            {
                await TellApplicantAsync(applicant, cancellationToken).ConfigureAwait(false);
            }

            if (added.Count > 0)
            {
                var changes = new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state with { Applications = sequence }));
                foreach (var applicant in added)
                {
                    changes.PutDocument(ApplicantsCollection, ApplicantId(applicant.Network, applicant.Subject), Serialize(applicant));
                }

                await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            }

            return added;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads every applicant, in the order they applied.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The applicants.</returns>
    public async Task<IReadOnlyList<RecruitmentApplicant>> GetApplicantsAsync(CancellationToken cancellationToken = default)
        => await LoadApplicantsAsync(cancellationToken).ConfigureAwait(false);

    private async Task TellApplicantAsync(RecruitmentApplicant applicant, CancellationToken cancellationToken)
    {
        var connector = _providers.GetSns(applicant.Network);
        if (!connector.Capabilities.SupportsDirectMessages)
        {
            return;
        }

        var text = applicant.Status == ApplicantStatus.Selected
            ? $"[{_options.BrandName}] {_options.ProjectName}: 선정되었습니다! SNS 계정으로 로그인하고 이메일을 확인하면 참여가 확정됩니다.\n"
                + $"You were selected for {_options.ProjectName}! Sign in with your SNS account and confirm your e-mail address to join."
            : $"[{_options.BrandName}] {_options.ProjectName}: 모집 인원이 찼습니다. 대기자로 등록되었습니다.\n"
                + $"{_options.ProjectName} is full for now; you are on the waiting list.";
        if (text.Length > connector.Capabilities.MaxPostLength)
        {
            text = applicant.Status == ApplicantStatus.Selected ? $"{_options.ProjectName}: selected / 선정" : $"{_options.ProjectName}: waiting list / 대기";
        }

        await connector.SendDirectMessageAsync(
            new DirectMessageRequest
            {
                RecipientSubject = applicant.Subject,
                RecipientHandle = applicant.Handle,
                Text = text,
                IdempotencyKey = Key($"applicant\n{ProjectId}\n{applicant.Network}\n{applicant.Subject}"),
            },
            cancellationToken).ConfigureAwait(false);
    }

    private RecruitmentApplicant Select(RecruitmentApplicant applicant, ProjectState state, List<RecruitmentApplicant> earlier)
    {
        if (_options.Selection is { } rule && !rule(applicant))
        {
            return applicant with { Status = ApplicantStatus.Declined };
        }

        var selected = earlier.Count(a => a.Status == ApplicantStatus.Selected);
        return applicant with { Status = selected < state.Call!.Cap ? ApplicantStatus.Selected : ApplicantStatus.Waitlisted };
    }

    private void RequireRecruitment(ProjectState state)
    {
        if (state.Call is null)
        {
            throw new CoCreationConflictException($"Co-development project '{ProjectId}' has not published a call for participants yet; call RecruitAsync first.");
        }
    }

    private async Task<List<RecruitmentApplicant>> LoadApplicantsAsync(CancellationToken cancellationToken)
        => (await ListAsync<RecruitmentApplicant>(ApplicantsCollection, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.Sequence).ToList();

    private string ApplicantId(string network, string subject) => $"{ProjectId}:{network}:{subject}";
}
