using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CoDevelopment;

/// <summary>
/// New product co-development (co-creation type 4): the company recruits consumers on SNS, admits them
/// (SNS sign-in plus a confirmed e-mail address, resolved to a cloud account), provisions a shared cloud
/// workspace (folder, starter documents, project calendar), shares it by role, schedules milestones with an SNS
/// discussion thread each, relays the workspace's activity to the members over SNS, and on close revokes every
/// share at the provider.
/// </summary>
/// <remarks>
/// <para>
/// The project talks to its cloud service only through <see cref="ICloudWorkspace"/>, registered under
/// <see cref="CoDevelopmentOptions.CloudWorkspace"/>, so any adapter works by configuration alone.
/// </para>
/// <para>
/// Bad input (no verified SNS sign-in, an invalid address, a second admission, any change after close, a
/// milestone that ends before it starts) is refused with a typed exception before anything is stored or sent.
/// </para>
/// <para>
/// Provisioning <b>resumes idempotently</b>: every created resource is stored as soon as the provider returns it,
/// and the project stays <see cref="CoDevelopmentStatus.Provisioning"/> until the last step. When a provider call
/// fails, calling <see cref="ProvisionAsync"/> again continues where the run stopped and creates nothing twice.
/// Nothing is shared before the folder and every starter document exist. (The workspace contract has no delete,
/// so compensation by removal is not possible on every provider; resuming is.)
/// </para>
/// <para>Thread-safe: operations on one project run one at a time.</para>
/// </remarks>
public sealed class CoDevelopmentProject : IDisposable
{
    /// <summary>The module name used in event sources and store collections.</summary>
    public const string ModuleName = "co-development";

    internal const string ProjectsCollection = "co-development.projects";
    internal const string ApplicantsCollection = "co-development.applicants";
    internal const string MembersCollection = "co-development.members";
    internal const string ConfirmationsCollection = "co-development.confirmations";
    internal const string MilestonesCollection = "co-development.milestones";
    internal const string DiscussionCollection = "co-development.discussion";
    internal const string RelayCollection = "co-development.relay";

    private const int MaxPagesPerSync = 50;
    private const int MaxMilestoneTitleLength = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly ModerationPipeline? _moderation;
    private readonly IAccessGrants _grants;
    private readonly IIdentityMap _identities;
    private readonly IEventRelay _relay;
    private readonly ICoCreationStore _store;
    private readonly IConfirmationCodeSender _codes;
    private readonly TimeProvider _time;
    private readonly CoDevelopmentOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates the project; normally resolved from dependency injection.</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="grants">Access grants.</param>
    /// <param name="identities">The identity map.</param>
    /// <param name="relay">The event relay.</param>
    /// <param name="store">The store.</param>
    /// <param name="codes">Delivers e-mail confirmation codes.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The project's options.</param>
    /// <param name="moderation">
    /// The opinions module's moderation filters (registered by <c>AddOpinions()</c>), used for the discussion log
    /// when <see cref="CoDevelopmentOptions.Moderation"/> is not set; <see langword="null"/> accepts every reply.
    /// </param>
    /// <exception cref="CoCreationValidationException">The options are invalid.</exception>
    public CoDevelopmentProject(
        ICoCreationProviders providers,
        IAccessGrants grants,
        IIdentityMap identities,
        IEventRelay relay,
        ICoCreationStore store,
        IConfirmationCodeSender codes,
        TimeProvider timeProvider,
        IOptions<CoDevelopmentOptions> options,
        ModerationPipeline? moderation = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _moderation = moderation;
        _providers = providers;
        _grants = grants;
        _identities = identities;
        _relay = relay;
        _store = store;
        _codes = codes;
        _time = timeProvider;
        _options = options.Value;
        Validate(_options);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone);
    }

    /// <summary>The project id.</summary>
    public string ProjectId => _options.ProjectId;

    /// <summary>The cloud workspace adapter the project runs on.</summary>
    public ICloudWorkspace CloudWorkspace => _providers.GetCloudWorkspace(_options.CloudWorkspace);

    private string Target => $"co-development:{_options.ProjectId}";

    private string CursorSource => $"co-development:{_options.ProjectId}:activity";

    /// <summary>Releases the project's lock.</summary>
    public void Dispose() => _gate.Dispose();

    /// <summary>Reads where the project stands.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    public async Task<CoDevelopmentStatus> GetStatusAsync(CancellationToken cancellationToken = default)
        => (await LoadStateAsync(cancellationToken).ConfigureAwait(false)).Status;

    /// <summary>Reads the provisioned workspace, if provisioning has created it.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The workspace, or <see langword="null"/>.</returns>
    public async Task<WorkspaceRef?> GetWorkspaceAsync(CancellationToken cancellationToken = default)
        => (await LoadStateAsync(cancellationToken).ConfigureAwait(false)).Workspace;

    /// <summary>Reads the starter documents created so far, in plan order.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The documents.</returns>
    public async Task<IReadOnlyList<DocumentRef>> GetDocumentsAsync(CancellationToken cancellationToken = default)
        => (await LoadStateAsync(cancellationToken).ConfigureAwait(false)).Documents;

    // ------------------------------------------------------------------ recruitment

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

    // ------------------------------------------------------------------ admission

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

    // ------------------------------------------------------------------ provisioning and sharing

    /// <summary>
    /// Creates the workspace (folder and project calendar) and the starter documents, then shares the workspace
    /// with every member in their role (as access grants) and tells them over SNS.
    /// </summary>
    /// <remarks>
    /// Resumes idempotently: when a provider call fails, the exception reaches the caller, what was created is
    /// kept in the store, and calling again with the same plan continues where it stopped. A provisioned project
    /// returns its workspace without calling the provider.
    /// </remarks>
    /// <param name="plan">What to create.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provisioned workspace.</returns>
    /// <exception cref="CoCreationValidationException">A name or title is blank or too long.</exception>
    /// <exception cref="CoCreationConflictException">An unfinished run used a different plan.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<ProvisionedWorkspace> ProvisionAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var name = plan.WorkspaceName ?? _options.ProjectName;
        CoCreationGuard.NotBlank(name, "ProvisioningPlan.WorkspaceName");
        CoCreationGuard.MaxLength(name, 200, "ProvisioningPlan.WorkspaceName");
        for (var i = 0; i < plan.StarterDocuments.Count; i++)
        {
            var document = plan.StarterDocuments[i] ?? throw new CoCreationValidationException($"ProvisioningPlan.StarterDocuments[{i}]", "must not be null.");
            CoCreationGuard.NotBlank(document.Title, $"ProvisioningPlan.StarterDocuments[{i}].Title");
            CoCreationGuard.MaxLength(document.Title, 200, $"ProvisioningPlan.StarterDocuments[{i}].Title");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "provisioning");
            if (state.Status == CoDevelopmentStatus.Active && state.Workspace is not null)
            {
                return new ProvisionedWorkspace { Workspace = state.Workspace, Documents = state.Documents, Members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList() };
            }

            if (state.Plan is not null && Serialize(state.Plan) != Serialize(plan))
            {
                throw new CoCreationConflictException($"Co-development project '{ProjectId}' has an unfinished provisioning run with a different plan; call ProvisionAsync again with the same plan to finish it.");
            }

            var workspace = CloudWorkspace;
            if (state.Plan is null)
            {
                state = state with { Status = CoDevelopmentStatus.Provisioning, Plan = plan };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            var folder = state.Workspace;
            if (folder is null)
            {
                folder = await workspace.CreateWorkspaceAsync(
                    new WorkspaceSpec { Name = name, Description = plan.Description, TimeZone = _options.TimeZone },
                    cancellationToken).ConfigureAwait(false);
                state = state with { Workspace = folder };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            for (var i = state.Documents.Count; i < plan.StarterDocuments.Count; i++)
            {
                var document = await workspace.CreateDocumentAsync(folder, plan.StarterDocuments[i], cancellationToken).ConfigureAwait(false);
                state = state with { Documents = [.. state.Documents, document] };
                await SaveStateAsync(state, cancellationToken).ConfigureAwait(false);
            }

            var members = new List<CoDevelopmentMember>();
            foreach (var member in (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active))
            {
                members.Add(member.GrantId is null ? await ShareCoreAsync(state, member, cancellationToken).ConfigureAwait(false) : member);
            }

            // Provisioning's own changes (documents created, members added) were told to members directly; the
            // relay starts after them.
            var cursor = await _store.GetCursorAsync(CursorSource, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var page = await workspace.GetActivityAsync(folder, cursor, cancellationToken).ConfigureAwait(false);
                cursor = page.Cursor;
                if (!page.HasMore || page.Items.Count == 0)
                {
                    break;
                }
            }

            state = state with { Status = CoDevelopmentStatus.Active };
            await _store.ApplyAsync(
                new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state)).SetCursor(CursorSource, cursor!),
                cancellationToken).ConfigureAwait(false);
            return new ProvisionedWorkspace { Workspace = folder, Documents = state.Documents, Members = members };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Changes a member's workspace role: the old share is revoked at the provider and a new one granted.</summary>
    /// <param name="participantId">The member.</param>
    /// <param name="role">The new role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The member.</returns>
    /// <exception cref="CoCreationValidationException">No such member, or the role is unknown.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    public async Task<CoDevelopmentMember> ShareAsync(string participantId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        if (!Enum.IsDefined(role))
        {
            throw new CoCreationValidationException(nameof(role), $"{role} is not a workspace role.");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "sharing");
            var json = await _store.GetDocumentAsync(MembersCollection, MemberId(participantId), cancellationToken).ConfigureAwait(false);
            var member = json is null ? null : Deserialize<CoDevelopmentMember>(json);
            if (member is not { Active: true })
            {
                throw new CoCreationValidationException(nameof(participantId), $"'{participantId}' is not a member of co-development project '{ProjectId}'.");
            }

            if (member.Role == role && (member.GrantId is not null || state.Status != CoDevelopmentStatus.Active))
            {
                return member;
            }

            if (member.GrantId is not null)
            {
                await _grants.RevokeAsync(member.GrantId, $"co-development {ProjectId}: role changed to {role}", cancellationToken).ConfigureAwait(false);
            }

            member = member with { Role = role, GrantId = null };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MembersCollection, MemberId(participantId), Serialize(member)), cancellationToken).ConfigureAwait(false);
            return state.Status == CoDevelopmentStatus.Active ? await ShareCoreAsync(state, member, cancellationToken).ConfigureAwait(false) : member;
        }
        finally
        {
            _gate.Release();
        }
    }

    // ------------------------------------------------------------------ milestones and discussion

    /// <summary>
    /// Puts a milestone on the project calendar with every member as an attendee and opens its SNS discussion
    /// thread on each discussion network.
    /// </summary>
    /// <param name="milestone">The milestone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The milestone with its threads.</returns>
    /// <exception cref="CoCreationValidationException">The title is blank or too long, or the end is not after the start (<c>MilestoneSpec.End</c>).</exception>
    /// <exception cref="CoCreationConflictException">The workspace is not provisioned yet.</exception>
    /// <exception cref="ProjectClosedException">The project is closed.</exception>
    /// <remarks>A thread that could not be opened is opened by the next <see cref="SyncAsync"/>.</remarks>
    public async Task<Milestone> ScheduleAsync(MilestoneSpec milestone, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        var title = CoCreationGuard.NotBlank(milestone.Title, "MilestoneSpec.Title").Trim();
        CoCreationGuard.MaxLength(title, MaxMilestoneTitleLength, "MilestoneSpec.Title");
        if (milestone.End <= milestone.Start)
        {
            throw new CoCreationValidationException("MilestoneSpec.End", $"must be after MilestoneSpec.Start (start {milestone.Start:o}, end {milestone.End:o}).");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfClosed(state, "scheduling");
            if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null)
            {
                throw new CoCreationConflictException($"Co-development project '{ProjectId}' has no provisioned workspace yet; call ProvisionAsync first.");
            }

            var attendees = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).Select(m => m.Email).ToList();
            var entry = await CloudWorkspace.ScheduleAsync(
                state.Workspace,
                new ScheduleEntrySpec { Title = title, Start = milestone.Start, End = milestone.End, Attendees = attendees, Description = milestone.Description },
                cancellationToken).ConfigureAwait(false);
            var stored = new Milestone { Id = entry.Id, Title = entry.Title, Start = entry.Start, End = entry.End, Attendees = entry.Attendees };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MilestonesCollection, MilestoneKey(stored.Id), Serialize(stored)), cancellationToken).ConfigureAwait(false);
            return await OpenThreadsAsync(stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the milestones, in the order they were scheduled.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The milestones.</returns>
    public async Task<IReadOnlyList<Milestone>> GetMilestonesAsync(CancellationToken cancellationToken = default)
        => await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the discussion log: members' replies in milestone threads, accepted and filtered, oldest first.</summary>
    /// <param name="milestoneId">Only this milestone's; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    public async Task<IReadOnlyList<DiscussionEntry>> GetDiscussionAsync(string? milestoneId = null, CancellationToken cancellationToken = default)
        => (await ListAsync<DiscussionEntry>(DiscussionCollection, cancellationToken).ConfigureAwait(false))
            .Where(e => milestoneId is null || e.MilestoneId == milestoneId)
            .OrderBy(e => e.PostedAt)
            .ThenBy(e => e.PostId, StringComparer.Ordinal)
            .ToList();

    // ------------------------------------------------------------------ relay

    /// <summary>
    /// Relays what happened: reads the workspace's activity from the stored cursor, holds each change for every
    /// member except the one who made it, sends what is due (single changes, or one digest per member when several
    /// came within <see cref="CoDevelopmentOptions.DigestWindow"/>), opens missing milestone threads and collects
    /// members' replies into the discussion log. Registered as scheduled work, so the relay worker runs it.
    /// </summary>
    /// <remarks>
    /// The held changes and the moved cursor are stored in one atomic change, so a restart neither loses a change
    /// nor relays one twice; a message is de-duplicated by the relay as well.
    /// </remarks>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was read and sent.</returns>
    public async Task<ActivitySync> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.Status != CoDevelopmentStatus.Active || state.Workspace is null)
            {
                return new ActivitySync { ChangesRead = 0, Relayed = [], Discussion = [] };
            }

            var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();
            foreach (var milestone in await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false))
            {
                await OpenThreadsAsync(milestone, cancellationToken).ConfigureAwait(false);
            }

            var read = await ReadActivityAsync(state.Workspace, members, cancellationToken).ConfigureAwait(false);
            var relayed = await FlushAsync(members, cancellationToken).ConfigureAwait(false);
            var discussion = await CollectDiscussionAsync(members, cancellationToken).ConfigureAwait(false);
            return new ActivitySync { ChangesRead = read, Relayed = relayed, Discussion = discussion };
        }
        finally
        {
            _gate.Release();
        }
    }

    // ------------------------------------------------------------------ close

    /// <summary>
    /// Closes the project: revokes every member's workspace share at the provider (through their access grants),
    /// ends every membership and tells each member over SNS. Held changes are dropped. Closing a closed project does
    /// nothing. When a revocation fails, the project stays open and calling again finishes the job.
    /// </summary>
    /// <param name="reason">Why, for the audit and the message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was revoked and who was told.</returns>
    /// <exception cref="CoCreationValidationException">The reason is blank.</exception>
    public async Task<ProjectClosure> CloseAsync(string reason, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(reason, nameof(reason));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await LoadStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.Status == CoDevelopmentStatus.Closed)
            {
                return new ProjectClosure { RevokedGrants = [], NotifiedParticipants = [] };
            }

            var members = (await LoadMembersAsync(cancellationToken).ConfigureAwait(false)).Where(m => m.Active).ToList();
            var revoked = new List<AccessGrant>();
            if (state.Workspace is not null)
            {
                var target = WorkspaceTarget(state.Workspace);
                foreach (var member in members)
                {
                    foreach (var grant in await _grants.ListAsync(member.ParticipantId, includeInactive: false, cancellationToken).ConfigureAwait(false))
                    {
                        if (grant.Target == target)
                        {
                            revoked.Add(await _grants.RevokeAsync(grant.Id, $"co-development {ProjectId} closed: {reason}", cancellationToken).ConfigureAwait(false));
                        }
                    }
                }
            }

            var changes = new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state with { Status = CoDevelopmentStatus.Closed, ClosedAt = _time.GetUtcNow() }));
            foreach (var member in members)
            {
                changes.PutDocument(MembersCollection, MemberId(member.ParticipantId), Serialize(member with { Active = false }));
            }

            foreach (var (id, _) in await ListOwnAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
            {
                changes.DeleteDocument(RelayCollection, id);
            }

            foreach (var (id, _) in await ListOwnAsync(ConfirmationsCollection, cancellationToken).ConfigureAwait(false))
            {
                changes.DeleteDocument(ConfirmationsCollection, id);
            }

            await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            foreach (var member in members)
            {
                await _relay.PublishAsync(
                    ModuleEvent(CoDevelopmentEventTypes.Closed, $"{ProjectId}:closed:{member.ParticipantId}", $"members/{member.ParticipantId}", Data(member.ParticipantId).Add(CoCreationEventData.Text, reason)),
                    cancellationToken).ConfigureAwait(false);
            }

            return new ProjectClosure { RevokedGrants = revoked, NotifiedParticipants = members.Select(m => m.ParticipantId).ToList() };
        }
        finally
        {
            _gate.Release();
        }
    }

    // ------------------------------------------------------------------ internals

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

    private async Task<CoDevelopmentMember> ShareCoreAsync(ProjectState state, CoDevelopmentMember member, CancellationToken cancellationToken)
    {
        var workspace = state.Workspace!;
        var grant = await _grants.GrantAsync(
            new AccessGrantRequest
            {
                ParticipantId = member.ParticipantId,
                Target = WorkspaceTarget(workspace),
                Roles = [member.Role.ToString()],
                Workspace = workspace,
                Reason = $"co-development {ProjectId}: {member.Role}",
            },
            cancellationToken).ConfigureAwait(false);
        member = member with { GrantId = grant.Id };
        await _store.ApplyAsync(new StoreChanges().PutDocument(MembersCollection, MemberId(member.ParticipantId), Serialize(member)), cancellationToken).ConfigureAwait(false);
        await _relay.PublishAsync(
            ModuleEvent(
                CoDevelopmentEventTypes.Shared,
                $"{ProjectId}:shared:{grant.Id}",
                $"members/{member.ParticipantId}",
                Data(member.ParticipantId)
                    .Add("role", member.Role.ToString().ToLowerInvariant())
                    .Add("workspace", workspace.Name)
                    .Add("url", workspace.Url?.ToString() ?? workspace.Id)),
            cancellationToken).ConfigureAwait(false);
        return member;
    }

    private async Task<int> ReadActivityAsync(WorkspaceRef workspace, List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        var provider = CloudWorkspace;
        var cursor = await _store.GetCursorAsync(CursorSource, cancellationToken).ConfigureAwait(false);
        var byAccount = members.ToDictionary(m => m.CloudAccountId, StringComparer.Ordinal);
        var read = 0;
        for (var pages = 0; pages < MaxPagesPerSync; pages++)
        {
            var page = await provider.GetActivityAsync(workspace, cursor, cancellationToken).ConfigureAwait(false);
            var states = new Dictionary<string, RecipientRelayState>(StringComparer.Ordinal);
            foreach (var activity in page.Items)
            {
                read++;
                byAccount.TryGetValue(activity.ActorAccountId ?? "", out var author);
                var isMemberChange = activity.Kind is WorkspaceActivityKind.MemberAdded or WorkspaceActivityKind.MemberRemoved;
                var concerned = isMemberChange && byAccount.TryGetValue(activity.TargetId, out var target) ? target : null;
                var change = new PendingChange
                {
                    ActivityId = activity.Id,
                    Kind = activity.Kind,

                    // Member changes name the person, never the address the provider may report as the name.
                    TargetName = isMemberChange ? concerned?.DisplayName : activity.TargetName,
                    ActorName = author?.DisplayName,
                    OccurredAt = activity.OccurredAt,
                };

                foreach (var recipient in members)
                {
                    // Not to the one who made the change, nor to the member a membership change is about.
                    if (recipient.ParticipantId == author?.ParticipantId || recipient.ParticipantId == concerned?.ParticipantId)
                    {
                        continue;
                    }

                    if (!states.TryGetValue(recipient.ParticipantId, out var relayState))
                    {
                        var json = await _store.GetDocumentAsync(RelayCollection, MemberId(recipient.ParticipantId), cancellationToken).ConfigureAwait(false);
                        relayState = json is null ? new RecipientRelayState() : Deserialize<RecipientRelayState>(json);
                    }

                    states[recipient.ParticipantId] = relayState with { Pending = [.. relayState.Pending, change] };
                }
            }

            var changes = new StoreChanges();
            foreach (var (participantId, relayState) in states)
            {
                changes.PutDocument(RelayCollection, MemberId(participantId), Serialize(relayState));
            }

            if (!string.IsNullOrEmpty(page.Cursor) && page.Cursor != cursor)
            {
                changes.SetCursor(CursorSource, page.Cursor);
                cursor = page.Cursor;
            }

            if (!changes.IsEmpty)
            {
                await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            }

            if (!page.HasMore || page.Items.Count == 0)
            {
                break;
            }
        }

        return read;
    }

    private async Task<IReadOnlyList<RelayResult>> FlushAsync(List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var window = _options.DigestWindow;
        var results = new List<RelayResult>();
        var active = members.Select(m => m.ParticipantId).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, json) in await ListOwnAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
        {
            var participantId = id[(ProjectId.Length + 1)..];
            var relayState = Deserialize<RecipientRelayState>(json);
            if (relayState.Pending.Count == 0 || !active.Contains(participantId))
            {
                continue;
            }

            if (relayState.LastSentAt is { } last && window > TimeSpan.Zero && now < last + window)
            {
                continue;
            }

            if (relayState.Pending.Count == 1 || window == TimeSpan.Zero)
            {
                foreach (var change in relayState.Pending)
                {
                    results.Add(await _relay.PublishAsync(ActivityEvent(participantId, change), cancellationToken).ConfigureAwait(false));
                }
            }
            else
            {
                results.Add(await _relay.PublishAsync(DigestEvent(participantId, relayState.Pending), cancellationToken).ConfigureAwait(false));
            }

            // Stored after publishing: a crash in between publishes again, and the relay sends nothing twice.
            await _store.ApplyAsync(
                new StoreChanges().PutDocument(RelayCollection, id, Serialize(new RecipientRelayState { LastSentAt = now })),
                cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task<IReadOnlyList<DiscussionEntry>> CollectDiscussionAsync(List<CoDevelopmentMember> members, CancellationToken cancellationToken)
    {
        var active = members.Select(m => m.ParticipantId).ToHashSet(StringComparer.Ordinal);
        var known = (await ListOwnAsync(DiscussionCollection, cancellationToken).ConfigureAwait(false)).Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var collected = new List<DiscussionEntry>();
        // One context per pass, so the repeated-text filter sees every reply collected in it.
        var moderationContext = _options.Moderation is null ? _moderation?.CreateContext() : null;
        foreach (var milestone in await LoadMilestonesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var thread in milestone.Threads)
            {
                var changes = new StoreChanges();
                await foreach (var reply in _providers.GetSns(thread.Network).GetRepliesAsync(thread.PostId, cancellationToken).ConfigureAwait(false))
                {
                    var key = $"{ProjectId}:{thread.Network}:{reply.Id}";
                    if (known.Contains(key))
                    {
                        continue;
                    }

                    var author = await _identities.FindBySnsAsync(thread.Network, reply.AuthorSubject, cancellationToken).ConfigureAwait(false);
                    if (author is null || !active.Contains(author.Id))
                    {
                        // Only members' replies belong to the project's discussion.
                        continue;
                    }

                    var entry = new DiscussionEntry
                    {
                        MilestoneId = milestone.Id,
                        ParticipantId = author.Id,
                        Network = thread.Network,
                        PostId = reply.Id,
                        AuthorHandle = reply.AuthorHandle,
                        Text = reply.Text,
                        PostedAt = reply.CreatedAt,
                    };
                    if (_options.Moderation is { } moderate && await moderate(entry, cancellationToken).ConfigureAwait(false) is { } reason)
                    {
                        entry = entry with { Status = DiscussionStatus.Filtered, FilterReason = reason };
                    }
                    else if (_options.Moderation is null && _moderation is not null)
                    {
                        var verdict = await _moderation.EvaluateAsync(new ModerationItem { Post = reply, AuthorKey = author.Id }, moderationContext, cancellationToken).ConfigureAwait(false);
                        if (!verdict.Accepted)
                        {
                            entry = entry with { Status = DiscussionStatus.Filtered, FilterReason = $"{verdict.Filter}: {verdict.Reason}" };
                        }
                    }

                    known.Add(key);
                    changes.PutDocument(DiscussionCollection, key, Serialize(entry));
                    collected.Add(entry);
                }

                if (!changes.IsEmpty)
                {
                    await _store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return collected;
    }

    private async Task<Milestone> OpenThreadsAsync(Milestone milestone, CancellationToken cancellationToken)
    {
        foreach (var network in Networks())
        {
            if (milestone.Threads.Any(t => t.Network == network))
            {
                continue;
            }

            var connector = _providers.GetSns(network);
            var text = ThreadText(milestone);
            var post = await connector.PublishAsync(
                new PostRequest { Text = text.Length <= connector.Capabilities.MaxPostLength ? text : ThreadTextShort(milestone), Language = "ko", IdempotencyKey = Key($"thread\n{ProjectId}\n{milestone.Id}\n{network}") },
                cancellationToken).ConfigureAwait(false);
            milestone = milestone with { Threads = [.. milestone.Threads, new DiscussionThread(network, post.Id)] };
            await _store.ApplyAsync(new StoreChanges().PutDocument(MilestonesCollection, MilestoneKey(milestone.Id), Serialize(milestone)), cancellationToken).ConfigureAwait(false);
        }

        return milestone;
    }

    private string ThreadText(Milestone milestone)
        => $"[{_options.BrandName}] {_options.ProjectName} 마일스톤: {milestone.Title} ({Local(milestone.Start)} ~ {Local(milestone.End)}). 이 글에 답글로 의견을 나눠 주세요.\n\n"
            + $"{_options.ProjectName} milestone: {milestone.Title} ({Local(milestone.Start)} - {Local(milestone.End)}). Reply to this post to discuss it.";

    private string ThreadTextShort(Milestone milestone)
        => $"{_options.ProjectName}: {milestone.Title} ({Local(milestone.Start)}) - 답글로 의견을 / reply to discuss";

    private string Local(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, _zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private CoCreationEvent ActivityEvent(string participantId, PendingChange change) => ModuleEvent(
        CoDevelopmentEventTypes.Activity,
        $"{ProjectId}:activity:{change.ActivityId}:{participantId}",
        $"activity/{change.ActivityId}",
        Data(participantId)
            .Add("kind", change.Kind.ToString())
            .Add(CoCreationEventData.Title, change.TargetName ?? "?")
            .Add("actorKo", change.ActorName ?? "회사")
            .Add("actorEn", change.ActorName ?? "the company")
            .Add("targetKo", change.TargetName ?? "새 멤버")
            .Add("targetEn", change.TargetName ?? "a member"));

    private CoCreationEvent DigestEvent(string participantId, List<PendingChange> changes) => ModuleEvent(
        CoDevelopmentEventTypes.Digest,
        // Named by every change it holds: after a crash between sending and clearing, the same batch is the same
        // event (sent once); a batch that grew in between is a new one, so no change is lost.
        $"{ProjectId}:digest:{participantId}:{Key(string.Join("\n", changes.Select(c => c.ActivityId)))}",
        $"digests/{participantId}",
        Data(participantId)
            .Add(CoCreationEventData.Quantity, changes.Count.ToString(CultureInfo.InvariantCulture))
            .Add("summaryKo", string.Join("\n", changes.Select(c => "- " + CoDevelopmentText.Korean(c))))
            .Add("summaryEn", string.Join("\n", changes.Select(c => "- " + CoDevelopmentText.English(c)))));

    private ImmutableDictionary<string, string> Data(string participantId)
        => ImmutableDictionary<string, string>.Empty
            .Add(CoCreationEventData.ParticipantId, participantId)
            .Add("project", _options.ProjectName);

    private CoCreationEvent ModuleEvent(string type, string id, string subject, ImmutableDictionary<string, string> data) => new()
    {
        Id = id,
        Source = CoCreationEventSources.Module(ModuleName),
        Type = type,
        Time = _time.GetUtcNow(),
        Subject = subject,
        Data = data,
    };

    private GrantTarget WorkspaceTarget(WorkspaceRef workspace) => new(GrantTargetKind.Workspace, _options.CloudWorkspace, workspace.Id);

    private IReadOnlyList<string> Networks() => _options.Networks.Count > 0 ? _options.Networks.ToList() : _providers.SnsNetworks;

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

    private RecruitmentApplicant Select(RecruitmentApplicant applicant, ProjectState state, List<RecruitmentApplicant> earlier)
    {
        if (_options.Selection is { } rule && !rule(applicant))
        {
            return applicant with { Status = ApplicantStatus.Declined };
        }

        var selected = earlier.Count(a => a.Status == ApplicantStatus.Selected);
        return applicant with { Status = selected < state.Call!.Cap ? ApplicantStatus.Selected : ApplicantStatus.Waitlisted };
    }

    private void ThrowIfClosed(ProjectState state, string operation)
    {
        if (state.Status == CoDevelopmentStatus.Closed)
        {
            throw new ProjectClosedException(ProjectId, operation);
        }
    }

    private void RequireRecruitment(ProjectState state)
    {
        if (state.Call is null)
        {
            throw new CoCreationConflictException($"Co-development project '{ProjectId}' has not published a call for participants yet; call RecruitAsync first.");
        }
    }

    private async Task<ProjectState> LoadStateAsync(CancellationToken cancellationToken)
    {
        var json = await _store.GetDocumentAsync(ProjectsCollection, ProjectId, cancellationToken).ConfigureAwait(false);
        return json is null ? new ProjectState() : Deserialize<ProjectState>(json);
    }

    private Task SaveStateAsync(ProjectState state, CancellationToken cancellationToken)
        => _store.ApplyAsync(new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state)), cancellationToken);

    private async Task<List<RecruitmentApplicant>> LoadApplicantsAsync(CancellationToken cancellationToken)
        => (await ListAsync<RecruitmentApplicant>(ApplicantsCollection, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.Sequence).ToList();

    private async Task<List<CoDevelopmentMember>> LoadMembersAsync(CancellationToken cancellationToken)
        => (await ListAsync<CoDevelopmentMember>(MembersCollection, cancellationToken).ConfigureAwait(false))
            .OrderBy(m => m.AdmittedAt)
            .ThenBy(m => m.ParticipantId, StringComparer.Ordinal)
            .ToList();

    private async Task<List<Milestone>> LoadMilestonesAsync(CancellationToken cancellationToken)
        => (await ListAsync<Milestone>(MilestonesCollection, cancellationToken).ConfigureAwait(false))
            .OrderBy(m => m.Start)
            .ThenBy(m => m.Id, StringComparer.Ordinal)
            .ToList();

    private async Task<List<T>> ListAsync<T>(string collection, CancellationToken cancellationToken)
        => (await ListOwnAsync(collection, cancellationToken).ConfigureAwait(false)).Select(d => Deserialize<T>(d.Value)).ToList();

    private async Task<List<KeyValuePair<string, string>>> ListOwnAsync(string collection, CancellationToken cancellationToken)
    {
        var prefix = ProjectId + ":";
        return (await _store.ListDocumentsAsync(collection, cancellationToken).ConfigureAwait(false))
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
    }

    private string ApplicantId(string network, string subject) => $"{ProjectId}:{network}:{subject}";

    /// <summary>The account id an erased applicant's record is kept under: a one-way hash, naming no one.</summary>
    internal static string ErasedSubject(string network, string subject) => "erased-" + Hashing.Sha256Hex($"{network}\n{subject}", 24);

    /// <summary>
    /// Erasure, across every co-development project in the store. Applications keep their place (sequence and status,
    /// so the cap and the waitlist stay as they were) under a hashed account id, without handle or reply text, so that
    /// the reply is not collected again. Membership, the pending e-mail confirmation and the person's activity queue are
    /// deleted; their discussion posts keep their place without author handle or text; their addresses leave the
    /// milestones' attendee lists; other members' queued activity no longer names them.
    /// </summary>
    internal static async Task EraseParticipantAsync(ICoCreationStore store, ParticipantErasure erasure, CancellationToken cancellationToken)
    {
        var participantId = erasure.Participant.Id;
        var changes = erasure.Changes;
        var addresses = new HashSet<string>(erasure.Participant.CloudLinks.Select(l => l.Email), StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.Ordinal) { erasure.Participant.DisplayName };

        foreach (var (id, json) in await store.ListDocumentsAsync(MembersCollection, cancellationToken).ConfigureAwait(false))
        {
            var member = Deserialize<CoDevelopmentMember>(json);
            if (member.ParticipantId == participantId)
            {
                addresses.Add(member.Email);
                names.Add(member.DisplayName);
                erasure.AddPersonalValue(member.Email);
                erasure.AddPersonalValue(member.DisplayName);
                erasure.AddPersonalValue(member.CloudAccountId);
                changes.DeleteDocument(MembersCollection, id);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ConfirmationsCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                erasure.AddPersonalValue(Deserialize<PendingConfirmation>(json).Email);
                changes.DeleteDocument(ConfirmationsCollection, id);
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(ApplicantsCollection, cancellationToken).ConfigureAwait(false))
        {
            var applicant = Deserialize<RecruitmentApplicant>(json);
            if (applicant.ParticipantId != participantId && !erasure.IsOwnIdentity(applicant.Network, applicant.Subject))
            {
                continue;
            }

            erasure.AddPersonalValue(applicant.Handle);
            var project = id[..id.IndexOf(':', StringComparison.Ordinal)];
            var subject = ErasedSubject(applicant.Network, applicant.Subject);
            changes.DeleteDocument(ApplicantsCollection, id);
            changes.PutDocument(
                ApplicantsCollection,
                $"{project}:{applicant.Network}:{subject}",
                Serialize(applicant with { Subject = subject, Handle = "", ReplyText = null, ParticipantId = null }));
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(DiscussionCollection, cancellationToken).ConfigureAwait(false))
        {
            var entry = Deserialize<DiscussionEntry>(json);
            if (entry.ParticipantId == participantId)
            {
                erasure.AddPersonalValue(entry.AuthorHandle);
                changes.PutDocument(DiscussionCollection, id, Serialize(entry with
                {
                    ParticipantId = erasure.AnonymousId,
                    AuthorHandle = "",
                    Text = "",
                    FilterReason = erasure.Redact(entry.FilterReason),
                }));
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(MilestonesCollection, cancellationToken).ConfigureAwait(false))
        {
            var milestone = Deserialize<Milestone>(json);
            if (milestone.Attendees.Any(addresses.Contains))
            {
                changes.PutDocument(MilestonesCollection, id, Serialize(milestone with { Attendees = milestone.Attendees.Where(a => !addresses.Contains(a)).ToList() }));
            }
        }

        foreach (var (id, json) in await store.ListDocumentsAsync(RelayCollection, cancellationToken).ConfigureAwait(false))
        {
            if (id.EndsWith(":" + participantId, StringComparison.Ordinal))
            {
                changes.DeleteDocument(RelayCollection, id);
                continue;
            }

            var relayState = Deserialize<RecipientRelayState>(json);
            string? Neutral(string? name) => name is not null && names.Contains(name) ? ErasedPerson.NameFor(name) : name;
            if (relayState.Pending.Any(c => (c.ActorName is { } a && names.Contains(a)) || (c.TargetName is { } t && names.Contains(t))))
            {
                changes.PutDocument(RelayCollection, id, Serialize(relayState with
                {
                    Pending = relayState.Pending.Select(c => c with { ActorName = Neutral(c.ActorName), TargetName = Neutral(c.TargetName) }).ToList(),
                }));
            }
        }
    }

    private string MemberId(string participantId) => $"{ProjectId}:{participantId}";

    private string MilestoneKey(string milestoneId) => $"{ProjectId}:{milestoneId}";

    private string CodeHash(string participantId, string email, string code)
        => Hashing.Sha256Hex($"{ProjectId}\n{participantId}\n{email.ToUpperInvariant()}\n{code}", 64);

    private static string Key(string text) => Hashing.Sha256Hex(text, 32);

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)
        ?? throw new CoCreationException($"A stored co-development record of type {typeof(T).Name} is empty.");

    private static void Validate(CoDevelopmentOptions options)
    {
        CoCreationGuard.NotBlank(options.ProjectId, "CoDevelopmentOptions.ProjectId");
        if (options.ProjectId.Contains(':', StringComparison.Ordinal))
        {
            throw new CoCreationValidationException("CoDevelopmentOptions.ProjectId", "must not contain ':'.");
        }

        CoCreationGuard.NotBlank(options.ProjectName, "CoDevelopmentOptions.ProjectName");
        CoCreationGuard.NotBlank(options.CloudWorkspace, "CoDevelopmentOptions.CloudWorkspace");
        CoCreationGuard.NotBlank(options.BrandName, "CoDevelopmentOptions.BrandName");
        if (!Enum.IsDefined(options.DefaultRole))
        {
            throw new CoCreationValidationException("CoDevelopmentOptions.DefaultRole", $"{options.DefaultRole} is not a workspace role.");
        }

        if (options.DigestWindow < TimeSpan.Zero)
        {
            throw new CoCreationValidationException("CoDevelopmentOptions.DigestWindow", "must not be negative.");
        }

        if (options.ConfirmationCodeLifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("CoDevelopmentOptions.ConfirmationCodeLifetime", "must be positive.");
        }

        CoCreationGuard.Positive(options.MaxConfirmationAttempts, "CoDevelopmentOptions.MaxConfirmationAttempts");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            throw new CoCreationValidationException("CoDevelopmentOptions.TimeZone", $"'{options.TimeZone}' is not a known time zone.");
        }
    }
}
