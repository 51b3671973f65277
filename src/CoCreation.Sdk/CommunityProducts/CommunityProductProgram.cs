namespace CoCreation.Sdk.CommunityProducts;

/// <summary>
/// Community product design (co-creation type 5): consumers sign in with their SNS login, register
/// designs, plan production, set price and terms in the shop, and hear every production, sales,
/// shipping, stock and settlement event over SNS; at the end their access is revoked.
/// </summary>
/// <remarks>
/// Participant operations take a <see cref="ParticipantSession"/> and are authorised against grants
/// scoped to <see cref="CommunityProductOptions.ProgramId"/>; company operations take ids. Events from
/// the enterprise system reach people when <see cref="SyncAsync"/> runs (or the relay worker polls).
/// Thread-safe.
/// </remarks>
public sealed partial class CommunityProductProgram
{
    /// <summary>The module name used in event sources and store collections.</summary>
    public const string ModuleName = "community-products";

    private readonly string _managers;
    private readonly string _reports;
    private readonly string _requests;

    /// <summary>The listings the programme opened, by listing id, with their owner's account: what erasure delists.</summary>
    private readonly string _listings;
    private readonly string? _instance;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly IAccessGrants _grants;
    private readonly IIdentityMap _identities;
    private readonly IEventRelay _relay;
    private readonly ICoCreationStore _store;
    private readonly TimeProvider _time;
    private readonly CommunityProductOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly KeyedLock _signUpLocks = new();
    private readonly KeyedLock _requestLocks = new();

    /// <summary>Creates the programme; normally resolved from dependency injection.</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="grants">Access grants.</param>
    /// <param name="identities">The identity map.</param>
    /// <param name="relay">The event relay.</param>
    /// <param name="store">The store.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The programme's options.</param>
    /// <exception cref="CoCreationValidationException">The options are invalid.</exception>
    public CommunityProductProgram(
        ICoCreationProviders providers,
        IAccessGrants grants,
        IIdentityMap identities,
        IEventRelay relay,
        ICoCreationStore store,
        TimeProvider timeProvider,
        IOptions<CommunityProductOptions> options)
        : this(providers, grants, identities, relay, store, timeProvider, options, instance: null)
    {
    }

    /// <summary>Creates a named instance, whose records live in store collections of their own.</summary>
    internal CommunityProductProgram(
        ICoCreationProviders providers,
        IAccessGrants grants,
        IIdentityMap identities,
        IEventRelay relay,
        ICoCreationStore store,
        TimeProvider timeProvider,
        IOptions<CommunityProductOptions> options,
        string? instance)
    {
        ArgumentNullException.ThrowIfNull(options);
        _instance = instance;
        _managers = CollectionOf("managers", instance);
        _reports = CollectionOf("reports", instance);
        _requests = CollectionOf("requests", instance);
        _listings = CollectionOf("listings", instance);
        _providers = providers;
        _grants = grants;
        _identities = identities;
        _relay = relay;
        _store = store;
        _time = timeProvider;
        _options = options.Value;
        Validate(_options);
        _zone = TimeZoneInfo.FindSystemTimeZoneById(_options.TimeZone);
    }

    /// <summary>The enterprise adapter the programme runs on.</summary>
    public IEnterpriseAdapter Enterprise => _providers.GetEnterprise(_options.EnterpriseSystem);

    /// <summary>The grant target of the programme.</summary>
    public GrantTarget Target => new(GrantTargetKind.Enterprise, _options.EnterpriseSystem, _options.ProgramId);

    private IProductionSystem Production => Enterprise as IProductionSystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "production (IProductionSystem)");

    private ICommerceSystem Commerce => Enterprise as ICommerceSystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "a shop (ICommerceSystem)");

    private IInventorySystem Inventory => Enterprise as IInventorySystem
        ?? throw new CapabilityNotSupportedException(_options.EnterpriseSystem, "inventory (IInventorySystem)");

    /// <summary>
    /// Relays what happened: reads the enterprise system's new events, retries deliveries that are due,
    /// enforces grant expiry and issues due reports. Call it on a schedule, or register the relay worker.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relay results of the events read now.</returns>
    public async Task<IReadOnlyList<RelayResult>> SyncAsync(CancellationToken cancellationToken = default)
    {
        await _grants.EnforceExpiryAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<RelayResult>(await _relay.PollSourcesAsync(cancellationToken).ConfigureAwait(false));
        await _relay.DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        foreach (var report in await RunDueReportsAsync(cancellationToken).ConfigureAwait(false))
        {
            results.Add(report.Delivery);
        }

        return results;
    }

    private async Task<AccessGrant> GrantAsync(string participantId, string role, string reason, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var grant = await _grants.GrantAsync(
            new AccessGrantRequest
            {
                ParticipantId = participantId,
                Target = Target,
                Roles = [role],
                ExpiresAt = _options.GrantLifetime is { } lifetime ? _time.GetUtcNow() + lifetime : null,
                Reason = reason,
                IdempotencyKey = idempotencyKey,
            },
            cancellationToken).ConfigureAwait(false);

        await _relay.PublishAsync(
            ModuleEvent(
                CoCreationEventTypes.AccessGranted,
                $"access-granted:{grant.Id}",
                $"grants/{grant.Id}",
                ImmutableDictionary<string, string>.Empty
                    .Add(CoCreationEventData.ParticipantId, participantId)
                    .Add("role", role)),
            cancellationToken).ConfigureAwait(false);
        return grant;
    }

    private async Task<EnterpriseAccount> ActorAsync(ParticipantSession session, string role, CancellationToken cancellationToken)
    {
        // AuthorizeAsync has verified the session and read the participant's grants; an enterprise grant names the
        // account it opened, so the participant need not be read again.
        var grant = await _grants.AuthorizeAsync(session, Target, role, cancellationToken).ConfigureAwait(false);
        var accountId = grant.EnterpriseAccountId
            ?? (await _identities.GetAsync(grant.ParticipantId, cancellationToken).ConfigureAwait(false))?.FindEnterpriseLink(_options.EnterpriseSystem)?.AccountId
            ?? throw new AccessDeniedException(grant.ParticipantId, Target.ToString(), "no enterprise account is linked");
        return await Enterprise.GetAccountAsync(accountId, cancellationToken).ConfigureAwait(false);
    }

    // Runs a participant's write once per idempotency key: the key's record names the result, so a retry reads
    // the result back from the provider instead of creating a second one. A crash between the provider's answer
    // and the record's write leaves no record: the retry then creates again (the provider call is not keyed).
    private async Task<T> OnceAsync<T>(
        string participantId,
        string operation,
        string keyField,
        string? key,
        string fingerprint,
        Func<Task<T>> run,
        Func<string, Task<T>> load,
        Func<T, string> idOf,
        CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return await run().ConfigureAwait(false);
        }

        var recordId = Hash($"{operation}\n{_options.ProgramId}\n{participantId}\n{key}");
        using (await _requestLocks.AcquireAsync(recordId, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.GetDocumentAsync(_requests, recordId, cancellationToken).ConfigureAwait(false) is { } json)
            {
                var earlier = JsonSerializer.Deserialize<RequestRecord>(json, Json)!;
                if (earlier.Fingerprint != fingerprint)
                {
                    throw new CoCreationConflictException($"{keyField} was used before for a different {operation} request; use a new key for a new request.");
                }

                return await load(earlier.ResultId).ConfigureAwait(false);
            }

            var result = await run().ConfigureAwait(false);
            var record = new RequestRecord(fingerprint, idOf(result), _time.GetUtcNow());
            await _store.ApplyAsync(new StoreChanges().PutDocument(_requests, recordId, JsonSerializer.Serialize(record, Json)), cancellationToken).ConfigureAwait(false);
            return result;
        }
    }

    private static string Fingerprint(params string[] parts) => Hash(string.Join("\u001f", parts));

    private async Task<Participant> ParticipantOfAccountAsync(string accountId, CancellationToken cancellationToken)
        => await _identities.FindByEnterpriseAccountAsync(_options.EnterpriseSystem, accountId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationConflictException($"Enterprise account {accountId} is not linked to any participant of the programme.");

    // A named instance's event ids start with its name, so that its relay rules, and no other instance's, answer them.
    private CoCreationEvent ModuleEvent(string type, string id, string subject, ImmutableDictionary<string, string> data)
        => ModuleEvents.Create(ModuleName, _time, type, _instance is null ? id : $"{_instance}:{id}", subject, data);

    /// <summary>A store collection of an instance: the default instance keeps the original names.</summary>
    internal static string CollectionOf(string kind, string? instance)
        => instance is null ? $"{ModuleName}.{kind}" : $"{ModuleName}.{instance}.{kind}";

    /// <summary>The production managers' collection of the default instance.</summary>
    internal static string ManagersCollection => CollectionOf("managers", null);

    private sealed record RequestRecord(string Fingerprint, string ResultId, DateTimeOffset At);

    private static string Hash(string text) => Hashing.Sha256Hex(text, 32);

    internal static void Validate(CommunityProductOptions options)
    {
        CoCreationGuard.NotBlank(options.ProgramId, "CommunityProductOptions.ProgramId");
        CoCreationGuard.NotBlank(options.EnterpriseSystem, "CommunityProductOptions.EnterpriseSystem");
        if (options.DesignerShare is < 0m or > 1m)
        {
            throw new CoCreationValidationException("CommunityProductOptions.DesignerShare", "must be between 0 and 1.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            throw new CoCreationValidationException("CommunityProductOptions.TimeZone", $"'{options.TimeZone}' is not a known time zone.");
        }

        if (options.GrantLifetime is { } lifetime && lifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("CommunityProductOptions.GrantLifetime", "must be positive.");
        }
    }
}

/// <summary>The stored owner of a listing the programme opened.</summary>
internal sealed record ListingOwner(string OwnerAccountId);
