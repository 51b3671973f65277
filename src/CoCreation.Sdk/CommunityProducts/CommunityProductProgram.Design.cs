namespace CoCreation.Sdk.CommunityProducts;

// Design: the announcement, design submissions and their review.
public sealed partial class CommunityProductProgram
{
    /// <summary>Step 1: the company announces the programme on its networks.</summary>
    /// <param name="announcement">The announcement.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One post per network.</returns>
    public async Task<IReadOnlyList<SnsPost>> AnnounceAsync(ProgramAnnouncement announcement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        var text = CoCreationGuard.NotBlank(announcement.KoreanText, "ProgramAnnouncement.KoreanText");
        if (announcement.EnglishText is { } english)
        {
            text = text + "\n\n" + CoCreationGuard.NotBlank(english, "ProgramAnnouncement.EnglishText");
        }

        var networks = _options.AnnouncementNetworks.Count > 0 ? _options.AnnouncementNetworks.ToList() : _providers.SnsNetworks.ToList();
        var connectors = networks.Select(_providers.GetSns).ToList();

        // Check every network's limits first so that a text too long for one network publishes nowhere.
        foreach (var connector in connectors)
        {
            CoCreationGuard.MaxLength(text, connector.Capabilities.MaxPostLength, "ProgramAnnouncement.KoreanText");
        }

        var posts = new List<SnsPost>(connectors.Count);
        foreach (var connector in connectors)
        {
            posts.Add(await connector.PublishAsync(
                new PostRequest { Text = text, Language = "ko", IdempotencyKey = announcement.IdempotencyKey is null ? null : $"{announcement.IdempotencyKey}:{connector.Metadata.Name}" },
                cancellationToken).ConfigureAwait(false));
        }

        return posts;
    }

    /// <summary>
    /// Step 2: a signed-in consumer registers a design. The first submission signs them up at the
    /// company homepage with their SNS login (an enterprise account with the member role).
    /// </summary>
    /// <param name="session">The consumer's session.</param>
    /// <param name="submission">The design.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The submitted design.</returns>
    /// <exception cref="CoCreationValidationException">The design has no title or description.</exception>
    /// <exception cref="AccessDeniedException">The session has expired.</exception>
    public async Task<Design> SubmitDesignAsync(ParticipantSession session, DesignSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(submission);
        CoCreationGuard.NotBlank(submission.Title, "DesignSubmission.Title");
        CoCreationGuard.MaxLength(submission.Title, 100, "DesignSubmission.Title");
        CoCreationGuard.NotBlank(submission.Description, "DesignSubmission.Description");
        const string keyField = "DesignSubmission.IdempotencyKey";
        CoCreationGuard.IdempotencyKey(submission.IdempotencyKey, keyField);
        var production = Production;

        // The session is verified before anything else: an expired, altered or forged one signs nobody up.
        var participant = await _grants.VerifySessionAsync(session, Target.ToString(), cancellationToken).ConfigureAwait(false);

        // Sign-up happens once, however many first submissions race: the check and the grant run under the
        // participant's lock, and the grant's idempotency key keeps a second grant out even past this process.
        // Someone whose membership was revoked (step 17) is refused, not re-enrolled.
        using (await _signUpLocks.AcquireAsync(participant.Id, cancellationToken).ConfigureAwait(false))
        {
            var history = await _grants.ListAsync(participant.Id, includeInactive: true, cancellationToken).ConfigureAwait(false);
            if (!history.Any(g => g.Target == Target && g.Roles.Contains(EnterpriseRoles.Member)))
            {
                await GrantAsync(participant.Id, EnterpriseRoles.Member, "homepage sign-up with SNS login", cancellationToken, idempotencyKey: $"{ModuleName}:{_options.ProgramId}:sign-up").ConfigureAwait(false);
            }
        }

        var actor = await ActorAsync(session, EnterpriseRoles.Member, cancellationToken).ConfigureAwait(false);
        return await OnceAsync(
            participant.Id,
            "design",
            keyField,
            submission.IdempotencyKey,
            Fingerprint(submission.Title, submission.Description, string.Join("\n", submission.Attachments)),
            () => production.SubmitDesignAsync(actor, submission, cancellationToken),
            id => production.GetDesignAsync(id, cancellationToken),
            design => design.Id,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Step 3: the company decides on a design. Accepting grants the designer access to the
    /// production system (the production-requester role) and tells them over SNS.
    /// </summary>
    /// <param name="designId">The design.</param>
    /// <param name="review">The decision.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reviewed design.</returns>
    public async Task<Design> ReviewDesignAsync(string designId, DesignReview review, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(designId, nameof(designId));
        ArgumentNullException.ThrowIfNull(review);
        var production = Production;
        var design = await production.ReviewDesignAsync(designId, review, cancellationToken).ConfigureAwait(false);
        if (design.Status == DesignStatus.Accepted)
        {
            var designer = await ParticipantOfAccountAsync(design.DesignerAccountId, cancellationToken).ConfigureAwait(false);
            await GrantAsync(designer.Id, EnterpriseRoles.ProductionRequester, $"design {design.Id} accepted", cancellationToken).ConfigureAwait(false);
        }

        return design;
    }
}
