using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// An in-process enterprise system that really works: a company homepage with accounts and roles, a
/// production system (designs, production orders, progress), a shop (listings, orders, reviews,
/// shipping), inventory with low-stock alerts, and settlement of revenue shares. Every change is
/// recorded as a <see cref="CoCreationEvent"/> readable through <see cref="IEnterpriseAdapter.ReadEventsAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// The system enforces access itself, not only the SDK in front of it: an operation done by a participant
/// (designs, production requests, price and terms) is refused with a <see cref="ProviderException"/>
/// (status 403, code <c>forbidden</c>) when the acting account is unknown, deactivated or lacks the role.
/// Roles and activity are read from the system's own records, never from the <see cref="EnterpriseAccount"/>
/// the caller passes, so a stale copy cannot widen access.
/// </para>
/// <para>
/// Ids are decimal numbers drawn from one sequence shared by every kind of record, so an id of one kind
/// (a design) is never also the id of another (a product). Event ids are a separate sequence; an event
/// cursor is the id of the last event read. Every event's data carries
/// <see cref="CoCreationEventData.OwnerAccountId"/>: the designer or the listing's owner.
/// </para>
/// <para>All state is in memory behind one lock; the instance is safe for concurrent use.</para>
/// <para>
/// Every write is all or nothing: when an operation fails part-way (bad input found late, a limit of
/// <see cref="CoCreationLimits"/> reached, a storage failure, or a failure forced with <see cref="FailNextWrites"/>),
/// stock, sales, refunds, payouts and events are left as they were before it.
/// </para>
/// <para>
/// When <see cref="EmbeddedEnterpriseOptions.DatabasePath"/> is set, every change (accounts, designs, products and
/// stock, production orders, listings, sales, shipments, payouts and their idempotency keys, events) is committed
/// to that SQLite file before the call returns, and a system created on the same file later finds it all again,
/// so event cursors stored before a restart stay valid. One instance at a time may open a file.
/// </para>
/// </remarks>
public sealed partial class EmbeddedEnterpriseSystem : EnterpriseAdapterBase, IProductionSystem, ICommerceSystem, IInventorySystem, IEnterpriseAccountErasure
{
    /// <summary>The <see cref="EnterpriseSystemMetadata.Provider"/> of every embedded enterprise system.</summary>
    public const string ProviderName = "embedded";

    private const string ForbiddenCode = "forbidden";

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly Uri _source;
    private readonly int _maxEventsPerPage;

    private readonly Dictionary<string, AccountState> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountState> _accountsByLogin = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<CoCreationEvent> _events = [];
    private long _lastRecordId;

    /// <summary>Creates an empty system.</summary>
    /// <param name="name">The name the system is registered under; it names the event source.</param>
    /// <param name="options">Roles and paging; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">The name is blank, or the options are invalid.</exception>
    /// <exception cref="CoCreationException">The database file is in use by another instance, corrupt, or not an embedded enterprise database.</exception>
    public EmbeddedEnterpriseSystem(string name, EmbeddedEnterpriseOptions? options = null, TimeProvider? timeProvider = null)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        options ??= new EmbeddedEnterpriseOptions();
        var roles = ValidateRoles(options.Roles);
        if (options.MaxEventsPerPage < 1)
        {
            throw new CoCreationValidationException("EmbeddedEnterpriseOptions.MaxEventsPerPage", $"must be at least 1 (was {options.MaxEventsPerPage}).");
        }

        _maxEventsPerPage = options.MaxEventsPerPage;
        _time = timeProvider ?? TimeProvider.System;
        _source = CoCreationEventSources.Enterprise(name);
        Metadata = new EnterpriseSystemMetadata(name, ProviderName, "Embedded shop & production");
        Capabilities = new EnterpriseCapabilities { Roles = roles, SupportsWebhooks = false, SupportsAccountErasure = true };
        if (options.DatabasePath is { } path)
        {
            _database = EmbeddedDatabase.OpenAndLoad(path, "enterprise", "embedded enterprise", "EmbeddedEnterpriseOptions.DatabasePath", _gate, LoadLocked);
            _stored = true;
        }
        else
        {
            // Without a file the records live in a private in-memory database, so that a failed write is
            // undone the same way as with a file.
            _database = EmbeddedDatabase.OpenInMemory("enterprise", "embedded enterprise");
        }
    }

    /// <inheritdoc />
    public override EnterpriseSystemMetadata Metadata { get; }

    /// <inheritdoc />
    public override EnterpriseCapabilities Capabilities { get; }

    /// <summary>The source URI of this system's events.</summary>
    public Uri EventSource => _source;

    /// <summary>Every event recorded so far, oldest first (a snapshot), for tests and transcripts.</summary>
    public IReadOnlyList<CoCreationEvent> AllEvents
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    private string Name => Metadata.Name;

    // ---------------------------------------------------------------- accounts

    /// <inheritdoc />
    protected override Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken)
        => Run(
            () =>
            {
                var email = request.Email is null ? null : CoCreationGuard.Email(request.Email, "EnterpriseAccountRequest.Email");
                var roles = DistinctRoles(request.Roles);
                return Write(() =>
                {
                    // A login names one person at the system: provisioning it again (a retry, or a
                    // participant coming back after being deprovisioned) revives the same account id.
                    if (!_accountsByLogin.TryGetValue(request.Login, out var account))
                    {
                        account = new AccountState(NextRecordId(), request.Login);
                        _accounts.Add(account.Id, account);
                        _accountsByLogin.Add(account.Login, account);
                    }

                    account.DisplayName = request.DisplayName;
                    account.Email = email;
                    account.Roles = roles;
                    account.IsActive = true;
                    StageAccount(account);
                    return ToRecord(account);
                });
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
        => Run(
            () =>
            {
                var distinct = DistinctRoles(roles);
                return Write(() =>
                {
                    var state = FindAccount(account.AccountId);
                    state.Roles = distinct;
                    StageAccount(state);
                    return ToRecord(state);
                });
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken)
        => Run(
            () =>
            {
                return Write(() =>
                {
                    var state = FindAccount(account.AccountId);
                    state.IsActive = false;
                    state.Roles = [];
                    StageAccount(state);
                    return true;
                });
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken)
        => Read(() => ToRecord(FindAccount(accountId)), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// The account keeps its id, so designs, listings, sales and payouts stay attached to it; its login becomes
    /// <see cref="ErasedPerson.Login"/>, its display name <see cref="ErasedPerson.AccountDisplayName"/>, its e-mail is
    /// removed, its roles are cleared and it is deactivated. A stored system then checkpoints its database file, so the
    /// old values are in neither the file nor its write-ahead log.
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The account or its id is missing.</exception>
    public Task<EnterpriseAccount> AnonymizeAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        if (account is null)
        {
            throw new CoCreationValidationException(nameof(account), "must not be null.");
        }

        CoCreationGuard.NotBlank(account.AccountId, "account.AccountId");
        return Run(
            () =>
            {
                lock (_gate)
                {
                    var result = WriteLocked(() =>
                    {
                        var state = FindAccount(account.AccountId);
                        _accountsByLogin.Remove(state.Login);
                        state.Login = ErasedPerson.Login(state.Id);
                        _accountsByLogin[state.Login] = state;
                        state.DisplayName = ErasedPerson.AccountDisplayName;
                        state.Email = null;
                        state.Roles = [];
                        state.IsActive = false;
                        StageAccount(state);
                        return ToRecord(state);
                    });
                    _database?.Checkpoint();
                    return result;
                }
            },
            cancellationToken);
    }

    // ---------------------------------------------------------------- events

    /// <inheritdoc />
    protected override Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken)
        => Run(
            () =>
            {
                var after = 0L;
                if (cursor is not null && !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
                {
                    throw new CoCreationValidationException("cursor", $"'{cursor}' is not a cursor {Name} issued.");
                }

                lock (_gate)
                {
                    if (after > _events.Count)
                    {
                        throw new CoCreationValidationException("cursor", $"'{cursor}' is ahead of the newest event of {Name}.");
                    }

                    var start = (int)after;
                    var count = Math.Min(_maxEventsPerPage, _events.Count - start);
                    if (count == 0)
                    {
                        return new EventPage([], cursor ?? "0", false);
                    }

                    var page = _events.GetRange(start, count);
                    return new EventPage(page, page[^1].Id, start + count < _events.Count);
                }
            },
            cancellationToken);

    // ---------------------------------------------------------------- helpers (call under the lock unless stated)

    private static IReadOnlyList<string> ValidateRoles(IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            throw new CoCreationValidationException("EmbeddedEnterpriseOptions.Roles", "must name at least one role.");
        }

        foreach (var role in roles)
        {
            CoCreationGuard.NotBlank(role, "EmbeddedEnterpriseOptions.Roles");
        }

        return [.. roles.Distinct(StringComparer.Ordinal)];
    }

    private static string[] DistinctRoles(IEnumerable<string> roles) => [.. roles.Distinct(StringComparer.Ordinal)];

    private static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) => EmbeddedCall.Run(work, cancellationToken);

    /// <summary>Runs a read under the lock, as a call of the adapter contract.</summary>
    private Task<T> Read<T>(Func<T> read, CancellationToken cancellationToken)
        => Run(
            () =>
            {
                lock (_gate)
                {
                    return read();
                }
            },
            cancellationToken);

    private string NextRecordId() => (++_lastRecordId).ToString(CultureInfo.InvariantCulture);

    private AccountState FindAccount(string accountId)
        => accountId is not null && _accounts.TryGetValue(accountId, out var account)
            ? account
            : throw new ResourceNotFoundException(Name, "account", accountId ?? "");

    private EnterpriseAccount ToRecord(AccountState account) => new()
    {
        System = Name,
        AccountId = account.Id,
        Login = account.Login,
        DisplayName = account.DisplayName,
        Roles = [.. account.Roles],
        IsActive = account.IsActive,
    };

    /// <summary>Checks that an account may act with a role, from the system's own records.</summary>
    private AccountState Authorize(EnterpriseAccount actor, string role, string action)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (string.IsNullOrWhiteSpace(actor.AccountId) || !_accounts.TryGetValue(actor.AccountId, out var account))
        {
            throw Forbidden(actor.AccountId, action, "the account is not known here");
        }

        if (!account.IsActive)
        {
            throw Forbidden(account.Id, action, "the account is deactivated");
        }

        if (!account.Roles.Contains(role, StringComparer.Ordinal))
        {
            throw Forbidden(account.Id, action, $"the account lacks the role '{role}'");
        }

        return account;
    }

    private ProviderException Forbidden(string? accountId, string action, string reason)
        => new(Name, $"{Name} refused to let account '{accountId}' {action}: {reason}.", HttpStatusCode.Forbidden, ForbiddenCode, isTransient: false);

    private void Emit(string type, string subject, string ownerAccountId, params ReadOnlySpan<(string Key, string? Value)> data)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        builder[CoCreationEventData.OwnerAccountId] = ownerAccountId;
        foreach (var (key, value) in data)
        {
            if (value is not null)
            {
                builder[key] = value;
            }
        }

        var @event = new CoCreationEvent
        {
            Id = (_events.Count + 1).ToString(CultureInfo.InvariantCulture),
            Source = _source,
            Type = type,
            Time = _time.GetUtcNow(),
            Subject = subject,
            Data = builder.ToImmutable(),
        };
        _events.Add(@event);
        _database?.Put(EventRecords, @event.Id, @event, EmbeddedJsonContext.Default.CoCreationEvent);
    }

    private static string Inv(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private sealed class AccountState(string id, string login)
    {
        public string Id { get; } = id;

        public string Login { get; set; } = login;

        public string? DisplayName { get; set; }

        public string? Email { get; set; }

        public IReadOnlyList<string> Roles { get; set; } = [];

        public bool IsActive { get; set; }
    }
}
