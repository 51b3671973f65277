using CoCreation.Sdk.Moderation;

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
public sealed partial class CoDevelopmentProject : IDisposable
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

    private const int MaxMilestoneTitleLength = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly ModerationPipeline? _moderation;
    private readonly IAccessGrants _grants;
    private readonly IIdentityMap _identities;
    private readonly IEventRelay _relay;
    private readonly IEventPipeline _pipeline;
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
    /// <param name="pipeline">The event pipeline the workspace activity comes in through.</param>
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
        IEventPipeline pipeline,
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
        _pipeline = pipeline;
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

    // The cursor key the project used before its activity came through the pipeline; read once to carry it over.
    private string LegacyCursorSource => $"co-development:{_options.ProjectId}:activity";

    /// <summary>Releases the project's locks.</summary>
    public void Dispose()
    {
        _gate.Dispose();
        _relayGate.Dispose();
    }

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

    private ImmutableDictionary<string, string> Data(string participantId)
        => ImmutableDictionary<string, string>.Empty
            .Add(CoCreationEventData.ParticipantId, participantId)
            .Add("project", _options.ProjectName);

    private CoCreationEvent ModuleEvent(string type, string id, string subject, ImmutableDictionary<string, string> data)
        => ModuleEvents.Create(ModuleName, _time, type, id, subject, data);

    private IReadOnlyList<string> Networks() => _options.Networks.Count > 0 ? _options.Networks.ToList() : _providers.SnsNetworks;

    private void ThrowIfClosed(ProjectState state, string operation)
    {
        if (state.Status == CoDevelopmentStatus.Closed)
        {
            throw new ProjectClosedException(ProjectId, operation);
        }
    }

    private async Task<ProjectState> LoadStateAsync(CancellationToken cancellationToken)
    {
        var json = await _store.GetDocumentAsync(ProjectsCollection, ProjectId, cancellationToken).ConfigureAwait(false);
        return json is null ? new ProjectState() : Deserialize<ProjectState>(json);
    }

    private Task SaveStateAsync(ProjectState state, CancellationToken cancellationToken)
        => _store.ApplyAsync(new StoreChanges().PutDocument(ProjectsCollection, ProjectId, Serialize(state)), cancellationToken);

    private async Task<List<T>> ListAsync<T>(string collection, CancellationToken cancellationToken)
        => (await ListOwnAsync(collection, cancellationToken).ConfigureAwait(false)).Select(d => Deserialize<T>(d.Value)).ToList();

    private async Task<List<KeyValuePair<string, string>>> ListOwnAsync(string collection, CancellationToken cancellationToken)
    {
        var prefix = ProjectId + ":";
        return (await _store.ListDocumentsAsync(collection, cancellationToken).ConfigureAwait(false))
            .Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToList();
    }

    private static string Key(string text) => Hashing.Sha256Hex(text, 32);

    private static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)
        ?? throw new CoCreationException($"A stored co-development record of type {typeof(T).Name} is empty.");

    internal static void Validate(CoDevelopmentOptions options)
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
