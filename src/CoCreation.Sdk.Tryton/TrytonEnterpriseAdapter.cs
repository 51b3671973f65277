using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tryton.Implementation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CoCreation.Sdk.Tryton.Implementation.TrytonValues;

namespace CoCreation.Sdk.Tryton;

/// <summary>
/// An <see cref="IEnterpriseAdapter"/> on a Tryton 6.0 ERP over JSON-RPC: participants become Tryton users
/// (<c>res.user</c>, linked to a party through an employee) in the groups their roles map to; designs become
/// products (<c>product.template</c>/<c>product.product</c>); production requests become production orders
/// (<c>production</c>) whose state is read back as progress; stock is read per product in the warehouse; and
/// <see cref="IEnterpriseAdapter.ReadEventsAsync"/> turns changed records into <see cref="CoCreationEvent"/>s.
/// </summary>
/// <remarks>
/// <para>
/// The adapter acts as one Tryton user (<see cref="TrytonOptions.User"/>). Operations a participant does
/// (designs, production requests) are checked against the participant's own Tryton user as Tryton holds it now:
/// an inactive user, or one not in the groups of the needed role, is refused with a <see cref="ProviderException"/>
/// (status 403, code <c>forbidden</c>), whatever the caller's <see cref="EnterpriseAccount"/> copy says.
/// </para>
/// <para>
/// What Tryton has no field for (a design's designer, status and review note; an order's design, requester and
/// plan; a product's low-stock threshold) is kept in notes (<c>ir.note</c>) on the records, readable in Tryton's
/// client. Progress percent and stage are written to the order's <c>reference</c> as <c>"70% sewing"</c>.
/// Ids are Tryton record ids: an account id is a <c>res.user</c> id, a design id a <c>product.template</c> id,
/// a product id a <c>product.product</c> id, and an order id a <c>production</c> id.
/// </para>
/// <para>Deprovisioning deactivates the user and removes the mapped groups; no business record is ever deleted. Safe for concurrent use.</para>
/// </remarks>
public sealed partial class TrytonEnterpriseAdapter : EnterpriseAdapterBase, IProductionSystem, IInventorySystem, IEnterpriseAccountErasure
{
    /// <summary>The <see cref="EnterpriseSystemMetadata.Provider"/> of every Tryton adapter.</summary>
    public const string ProviderName = "tryton";

    private const string ForbiddenCode = "forbidden";
    private const int MaxTitleLength = 100;
    private const int MaxLongTextLength = 5000;
    private const int MaxStageLength = 100;

    private readonly TrytonRpc _rpc;
    private readonly TrytonOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _source;
    private readonly SemaphoreSlim _setupGate = new(1, 1);
    private Setup? _setup;

    /// <summary>Creates an adapter; normally resolved from dependency injection after <c>AddTryton(…)</c>.</summary>
    /// <param name="name">The name the adapter is registered under; it names the event source.</param>
    /// <param name="options">The server, database, credentials and role mapping.</param>
    /// <param name="httpClient">Returns the HTTP client to send with (from <see cref="IHttpClientFactory"/>, with its resilience pipeline).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">The name is blank or the options are invalid (the message never holds the password).</exception>
    public TrytonEnterpriseAdapter(string name, TrytonOptions options, Func<HttpClient> httpClient, TimeProvider? timeProvider = null, ILogger<TrytonEnterpriseAdapter>? logger = null)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        var validation = new TrytonOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new CoCreationValidationException(nameof(options), string.Join(" ", validation.Failures));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _source = CoCreationEventSources.Enterprise(name);
        _rpc = new TrytonRpc(name, options, httpClient, _time, (ILogger?)logger ?? NullLogger.Instance);
        Metadata = new EnterpriseSystemMetadata(name, ProviderName, "Tryton ERP");
        Capabilities = new EnterpriseCapabilities { Roles = [.. options.RoleGroups.Keys], SupportsWebhooks = false, SupportsAccountErasure = true };
    }

    /// <inheritdoc />
    public override EnterpriseSystemMetadata Metadata { get; }

    /// <inheritdoc />
    public override EnterpriseCapabilities Capabilities { get; }

    private string Name => Metadata.Name;

    internal TrytonRpc Rpc => _rpc;

    // ---------------------------------------------------------------- accounts

    /// <inheritdoc />
    /// <remarks>
    /// A login seen before (a retry, or a participant coming back after being deprovisioned) revives the same
    /// <c>res.user</c>. A new user gets a party and an employee of the company, so its work is attributed to a person.
    /// The user has no password: participants reach the company through the SDK with their SNS login.
    /// </remarks>
    protected override async Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken)
    {
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var groups = GroupsOf(setup, request.Roles);
        var existing = Records(await CallAsync("res.user", "search_read", Args(
            Domain(Clause("login", "=", request.Login)), 0, 1, null, Fields("id", "groups")), Inactive, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        long userId;
        if (existing is not null)
        {
            userId = Long(existing["id"]);
            var values = new JsonObject
            {
                ["name"] = request.DisplayName,
                ["active"] = true,
                ["groups"] = GroupChanges(setup, IdList(existing["groups"]), groups),
            };
            if (request.Email is not null)
            {
                values["email"] = request.Email;
            }

            await CallAsync("res.user", "write", Args(Ids(userId), values), null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var party = new JsonObject { ["name"] = request.DisplayName };
            if (request.Email is not null)
            {
                party["contact_mechanisms"] = new JsonArray(new JsonArray("create", new JsonArray(new JsonObject { ["type"] = "email", ["value"] = request.Email })));
            }

            var partyId = IdList(await CallAsync("party.party", "create", Args(new JsonArray(party)), null, cancellationToken).ConfigureAwait(false)).Single();
            var employeeId = IdList(await CallAsync("company.employee", "create", Args(new JsonArray(new JsonObject { ["party"] = partyId, ["company"] = setup.Company })), null, cancellationToken).ConfigureAwait(false)).Single();
            var user = new JsonObject
            {
                ["name"] = request.DisplayName,
                ["login"] = request.Login,
                ["groups"] = new JsonArray(new JsonArray("add", Ids(groups))),
                ["companies"] = new JsonArray(new JsonArray("add", Ids(setup.Company))),
                ["company"] = setup.Company,
                ["employees"] = new JsonArray(new JsonArray("add", Ids(employeeId))),
                ["employee"] = employeeId,
            };
            if (request.Email is not null)
            {
                user["email"] = request.Email;
            }

            userId = IdList(await CallAsync("res.user", "create", Args(new JsonArray(user)), null, cancellationToken).ConfigureAwait(false)).Single();
        }

        return await ReadAccountAsync(userId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        var id = Long(user["id"]);
        await CallAsync("res.user", "write", Args(Ids(id), new JsonObject { ["groups"] = GroupChanges(setup, IdList(user["groups"]), GroupsOf(setup, roles)) }), null, cancellationToken).ConfigureAwait(false);
        return await ReadAccountAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken)
    {
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        var values = new JsonObject { ["active"] = false, ["groups"] = GroupChanges(setup, IdList(user["groups"]), []) };
        await CallAsync("res.user", "write", Args(Ids(Long(user["id"])), values), null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The <c>res.user</c> keeps its id, so the productions and notes attributed to it stay: its name becomes
    /// <see cref="ErasedPerson.AccountDisplayName"/>, its login <see cref="ErasedPerson.Login"/>, its e-mail is cleared,
    /// its mapped groups are removed and it is deactivated. The party of its employee gets the same name and loses its
    /// contact mechanisms (the e-mail address given at provisioning).
    /// </remarks>
    /// <exception cref="CoCreationValidationException">The account or its id is missing.</exception>
    public async Task<EnterpriseAccount> AnonymizeAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        if (account is null)
        {
            throw new CoCreationValidationException(nameof(account), "must not be null.");
        }

        CoCreationGuard.NotBlank(account.AccountId, "account.AccountId");
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var user = await FindUserAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        var id = Long(user["id"]);
        var values = new JsonObject
        {
            ["name"] = ErasedPerson.AccountDisplayName,
            ["login"] = ErasedPerson.Login(Inv(id)),
            ["email"] = null,
            ["active"] = false,
            ["groups"] = GroupChanges(setup, IdList(user["groups"]), []),
        };
        await CallAsync("res.user", "write", Args(Ids(id), values), null, cancellationToken).ConfigureAwait(false);

        var employees = Records(await CallAsync("company.employee", "search_read", Args(
            Domain(Clause("id", "in", Ids(IdList(user["employees"])))), 0, null, null, Fields("id", "party")), Inactive, cancellationToken).ConfigureAwait(false));
        var parties = employees.Select(e => Long(e["party"])).Distinct().ToArray();
        if (parties.Length > 0)
        {
            await CallAsync("party.party", "write", Args(Ids(parties), new JsonObject { ["name"] = ErasedPerson.AccountDisplayName }), null, cancellationToken).ConfigureAwait(false);
            var mechanisms = IdList(await CallAsync("party.contact_mechanism", "search", Args(
                Domain(Clause("party", "in", Ids(parties)))), Inactive, cancellationToken).ConfigureAwait(false));
            if (mechanisms.Length > 0)
            {
                await CallAsync("party.contact_mechanism", "delete", Args(Ids(mechanisms)), null, cancellationToken).ConfigureAwait(false);
            }
        }

        return await ReadAccountAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(accountId, cancellationToken).ConfigureAwait(false);
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        return ToAccount(setup, user);
    }

    private async Task<EnterpriseAccount> ReadAccountAsync(long userId, CancellationToken cancellationToken)
        => await GetAccountCoreAsync(Inv(userId), cancellationToken).ConfigureAwait(false);

    private async Task<JsonObject> FindUserAsync(string accountId, CancellationToken cancellationToken)
    {
        if (!TryParseId(accountId, out var id))
        {
            throw new ResourceNotFoundException(Name, "account", accountId ?? "");
        }

        var users = await CallAsync("res.user", "search_read", Args(
            Domain(Clause("id", "=", id)), 0, 1, null, Fields("id", "login", "name", "active", "groups", "employees")), Inactive, cancellationToken).ConfigureAwait(false);
        return Records(users).FirstOrDefault() ?? throw new ResourceNotFoundException(Name, "account", accountId);
    }

    private EnterpriseAccount ToAccount(Setup setup, JsonObject user) => new()
    {
        System = Name,
        AccountId = Inv(Long(user["id"])),
        Login = String(user["login"]) ?? "",
        DisplayName = String(user["name"]),
        Roles = RolesOf(setup, user),
        IsActive = Bool(user["active"]),
    };

    private static string[] RolesOf(Setup setup, JsonObject user)
    {
        var groups = IdList(user["groups"]).ToHashSet();
        return [.. setup.RoleGroups.Where(r => r.Value.All(groups.Contains)).Select(r => r.Key)];
    }

    private static long[] GroupsOf(Setup setup, IEnumerable<string> roles)
        => [.. roles.Distinct(StringComparer.Ordinal).SelectMany(r => setup.RoleGroups[r]).Distinct()];

    // Only the groups the role mapping manages are touched; groups the company gave by hand stay. The difference is
    // computed here because Tryton checks an "add" against the links as they were before a "remove" in the same write.
    private static JsonArray GroupChanges(Setup setup, long[] current, long[] wanted)
    {
        var remove = current.Where(g => setup.ManagedGroups.Contains(g) && !wanted.Contains(g)).ToArray();
        var add = wanted.Where(g => !current.Contains(g)).ToArray();
        var changes = new JsonArray();
        if (remove.Length > 0)
        {
            changes.Add(new JsonArray("remove", Ids(remove)));
        }

        if (add.Length > 0)
        {
            changes.Add(new JsonArray("add", Ids(add)));
        }

        return changes;
    }

    /// <summary>Checks, from Tryton's own user record, that an account may act with a role.</summary>
    private async Task<long> AuthorizeAsync(EnterpriseAccount actor, string role, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        JsonObject user;
        try
        {
            user = await FindUserAsync(actor.AccountId, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            throw Forbidden(actor.AccountId, action, "the account is not known here");
        }

        if (!Bool(user["active"]))
        {
            throw Forbidden(actor.AccountId, action, "the Tryton user is inactive");
        }

        if (!RolesOf(setup, user).Contains(role, StringComparer.Ordinal))
        {
            throw Forbidden(actor.AccountId, action, $"the Tryton user lacks the groups of the role '{role}'");
        }

        return Long(user["id"]);
    }

    private ProviderException Forbidden(string? accountId, string action, string reason)
        => new(Name, $"{Name} refused to let account '{accountId}' {action}: {reason}.", HttpStatusCode.Forbidden, ForbiddenCode, isTransient: false);

    // ---------------------------------------------------------------- set-up read from Tryton once

    private async Task<Setup> SetupAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _setup) is { } ready)
        {
            return ready;
        }

        await _setupGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_setup is not null)
            {
                return _setup;
            }

            var names = _options.RoleGroups.Values.SelectMany(g => g).Distinct(StringComparer.Ordinal).ToArray();
            var groups = Records(await CallAsync("res.group", "search_read", Args(
                Domain(Clause("name", "in", Fields(names))), 0, null, null, Fields("id", "name")), null, cancellationToken).ConfigureAwait(false))
                .ToDictionary(g => String(g["name"]) ?? "", g => Long(g["id"]), StringComparer.Ordinal);
            var missing = names.Where(n => !groups.ContainsKey(n)).ToArray();
            if (missing.Length > 0)
            {
                throw new CoCreationException($"Tryton adapter '{Name}': RoleGroups names groups that database '{_options.Database}' does not have: {string.Join(", ", missing)}.");
            }

            var roleGroups = _options.RoleGroups.ToDictionary(r => r.Key, r => r.Value.Select(n => groups[n]).ToArray(), StringComparer.Ordinal);
            var warehouse = Records(await CallAsync("stock.location", "search_read", Args(
                Domain(Clause("type", "=", "warehouse"), Clause("code", "=", _options.WarehouseCode)), 0, 1, null,
                Fields("id", "storage_location", "production_location")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no warehouse with code '{_options.WarehouseCode}'.");
            var unit = Records(await CallAsync("product.uom", "search_read", Args(
                Domain(Clause("symbol", "=", _options.UnitSymbol)), 0, 1, null, Fields("id")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no unit of measure '{_options.UnitSymbol}'.");
            var company = Records(await CallAsync("company.company", "search_read", Args(
                Domain(), 0, 1, null, Fields("id", "currency")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
                ?? throw new CoCreationException($"Tryton adapter '{Name}': database '{_options.Database}' has no company; production and stock need one.");
            var currency = Records(await CallAsync("currency.currency", "search_read", Args(
                Domain(Clause("id", "=", Long(company["currency"]))), 0, 1, null, Fields("id", "code")), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            if (Id(warehouse["production_location"]) is not { } production || Id(warehouse["storage_location"]) is not { } storage)
            {
                throw new CoCreationException($"Tryton adapter '{Name}': warehouse '{_options.WarehouseCode}' has no storage or production location.");
            }

            _setup = new Setup(
                roleGroups,
                [.. roleGroups.Values.SelectMany(g => g).Distinct()],
                Long(company["id"]),
                Long(company["currency"]),
                String(currency?["code"]) ?? "",
                Long(warehouse["id"]),
                storage,
                production,
                Long(unit["id"]));
            return _setup;
        }
        finally
        {
            _setupGate.Release();
        }
    }

    // ---------------------------------------------------------------- calls and notes

    private static readonly JsonObject Inactive = new() { ["active_test"] = false };

    private Task<JsonNode?> CallAsync(string model, string method, JsonArray args, JsonObject? context, CancellationToken cancellationToken)
        => _rpc.CallAsync(model, method, args, context, cancellationToken);

    private const string NotePrefix = "cocreation:";

    private async Task<Dictionary<string, (long Id, T Value, DateTimeOffset Stamp)>> ReadNotesAsync<T>(string kind, IEnumerable<string> resources, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var list = resources.Distinct(StringComparer.Ordinal).ToArray();
        var notes = new Dictionary<string, (long, T, DateTimeOffset)>(StringComparer.Ordinal);
        if (list.Length == 0)
        {
            return notes;
        }

        var found = await CallAsync("ir.note", "search_read", Args(
            Domain(Clause("resource", "in", Fields(list)), Clause("message", "like", NotePrefix + kind + "\n%")), 0, null, null,
            Fields("id", "resource", "message", "create_date", "write_date")), null, cancellationToken).ConfigureAwait(false);
        foreach (var note in Records(found))
        {
            if (ParseNote(note, kind, type) is { } value && String(note["resource"]) is { } resource)
            {
                notes[resource] = (Long(note["id"]), value, Stamp(note));
            }
        }

        return notes;
    }

    private static T? ParseNote<T>(JsonObject note, string kind, JsonTypeInfo<T> type)
    {
        var message = String(note["message"]);
        var prefix = NotePrefix + kind + "\n";
        if (message is null || !message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(message.AsSpan(prefix.Length), type);
        }
        catch (JsonException)
        {
            // Someone edited the note by hand into something else: the record is no longer the adapter's.
            return default;
        }
    }

    private Task<JsonNode?> WriteNoteAsync<T>(long? noteId, string kind, string resource, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var message = NotePrefix + kind + "\n" + JsonSerializer.Serialize(value, type);
        return noteId is { } id
            ? CallAsync("ir.note", "write", Args(Ids(id), new JsonObject { ["message"] = message }), null, cancellationToken)
            : CallAsync("ir.note", "create", Args(new JsonArray(new JsonObject { ["resource"] = resource, ["message"] = message })), null, cancellationToken);
    }

    private static DateTimeOffset Stamp(JsonObject record)
        => ReadDateTime(record["write_date"]) ?? ReadDateTime(record["create_date"]) ?? DateTimeOffset.UnixEpoch;

    private sealed record Setup(
        IReadOnlyDictionary<string, long[]> RoleGroups,
        long[] ManagedGroups,
        long Company,
        long Currency,
        string CurrencyCode,
        long Warehouse,
        long StorageLocation,
        long ProductionLocation,
        long Unit);
}
