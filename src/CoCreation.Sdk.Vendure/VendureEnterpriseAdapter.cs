using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Vendure.Implementation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Vendure;

/// <summary>
/// An <see cref="IEnterpriseAdapter"/> and <see cref="ICommerceSystem"/> on a Vendure 3 shop over its GraphQL Admin API.
/// A participant's account is a Vendure administrator with a channel of its own (code <c>cocreation-a{id}</c>) and
/// roles scoped to that channel; a listing is a product with one variant whose SKU is the SDK product id; sales are
/// order lines of the shop's default channel; shipments are fulfillments; refunds are Vendure refunds of the payment.
/// </summary>
/// <remarks>
/// <para>
/// The adapter acts as one administrator (<see cref="VendureOptions.User"/>). Updates a participant makes (price and
/// terms) are checked against the participant's administrator as Vendure holds it now: an inactive account, or one that
/// does not own the listing, is refused with a <see cref="ProviderException"/> (status 403, code <c>forbidden</c>).
/// </para>
/// <para>
/// Ids: an account id is an administrator id, a listing id a product id, a sale id <c>{orderId}-{orderLineId}</c>, a
/// shipment id a fulfillment id and a refund id a Vendure refund id. A listing's terms are the product's description.
/// A refund's quantity, restocking and idempotency key (hashed) are kept in a tag at the end of the Vendure refund's
/// reason. Payouts are not a Vendure concept: <see cref="RecordPayoutAsync"/> throws <see cref="CapabilityNotSupportedException"/>.
/// </para>
/// <para>Deprovisioning removes every role and replaces the password with a random one nobody knows; the administrator and its business records stay. Safe for concurrent use.</para>
/// </remarks>
public sealed partial class VendureEnterpriseAdapter : EnterpriseAdapterBase, ICommerceSystem
{
    /// <summary>The <see cref="EnterpriseSystemMetadata.Provider"/> of every Vendure adapter.</summary>
    public const string ProviderName = "vendure";

    private const string ForbiddenCode = "forbidden";
    private const string ChannelPrefix = "cocreation-a";
    private const string AccountRoleSuffix = "account";
    private const string LastName = "(CoCreation)";

    private readonly VendureGraphQL _api;
    private readonly VendureOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri _source;
    private readonly decimal _priceFactor;
    private readonly SemaphoreSlim _setupGate = new(1, 1);
    private Setup? _setup;

    /// <summary>Creates an adapter; normally resolved from dependency injection after <c>AddVendure(…)</c>.</summary>
    /// <param name="name">The name the adapter is registered under; it names the event source.</param>
    /// <param name="options">The Admin API address, credentials and role mapping.</param>
    /// <param name="httpClient">Returns the HTTP client to send with (from <see cref="IHttpClientFactory"/>, with its resilience pipeline).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">The name is blank or the options are invalid (the message never holds the password).</exception>
    public VendureEnterpriseAdapter(string name, VendureOptions options, Func<HttpClient> httpClient, TimeProvider? timeProvider = null, ILogger<VendureEnterpriseAdapter>? logger = null)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        var validation = new VendureOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new CoCreationValidationException(nameof(options), string.Join(" ", validation.Failures));
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _source = CoCreationEventSources.Enterprise(name);
        _priceFactor = (decimal)Math.Pow(10, options.PricePrecision);
        _api = new VendureGraphQL(name, options, httpClient, _time, (ILogger?)logger ?? NullLogger.Instance);
        Metadata = new EnterpriseSystemMetadata(name, ProviderName, "Vendure");
        Capabilities = new EnterpriseCapabilities { Roles = [.. options.RolePermissions.Keys], SupportsWebhooks = false, SupportsAccountErasure = false };
    }

    /// <inheritdoc />
    public override EnterpriseSystemMetadata Metadata { get; }

    /// <inheritdoc />
    public override EnterpriseCapabilities Capabilities { get; }

    private string Name => Metadata.Name;

    internal VendureGraphQL Api => _api;

    // ---------------------------------------------------------------- accounts

    /// <inheritdoc />
    /// <remarks>
    /// A login seen before (a retry, or a participant coming back after being deprovisioned) revives the same
    /// administrator. The administrator's password is random and never leaves the adapter: participants reach the shop
    /// through the SDK with their SNS login. The e-mail address, when given, is not stored (Vendure's administrator has
    /// one address field, which holds the login).
    /// </remarks>
    protected override async Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken)
    {
        var found = await SendAsync(VendureDocuments.FindAdministrator, new JsonObject { ["login"] = request.Login }, cancellationToken).ConfigureAwait(false);
        var existing = (found["administrators"]?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(a => Text(a["emailAddress"]) == request.Login);
        string id;
        if (existing is null)
        {
            var created = await SendAsync(VendureDocuments.CreateAdministrator, new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["emailAddress"] = request.Login,
                    ["firstName"] = request.DisplayName,
                    ["lastName"] = LastName,
                    ["password"] = RandomPassword(),
                    ["roleIds"] = new JsonArray(),
                },
            }, cancellationToken).ConfigureAwait(false);
            id = Text(created["createAdministrator"]?["id"]) ?? throw BadAnswer("CreateAdministrator");
        }
        else
        {
            id = Text(existing["id"])!;
        }

        var roleIds = await RoleIdsAsync(id, request.Roles, cancellationToken).ConfigureAwait(false);
        var input = new JsonObject { ["id"] = id, ["firstName"] = request.DisplayName, ["roleIds"] = roleIds };
        if (existing is not null)
        {
            input["password"] = RandomPassword();
        }

        var updated = await SendAsync(VendureDocuments.UpdateAdministrator, new JsonObject { ["input"] = input }, cancellationToken).ConfigureAwait(false);
        return ToAccount(updated["updateAdministrator"] as JsonObject ?? throw BadAnswer("UpdateAdministrator"));
    }

    /// <inheritdoc />
    protected override async Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var current = await AdministratorAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        var active = ToAccount(current).IsActive;
        var roleIds = await RoleIdsAsync(account.AccountId, roles, cancellationToken, includeAccountRole: active).ConfigureAwait(false);
        var updated = await SendAsync(VendureDocuments.UpdateAdministrator, new JsonObject { ["input"] = new JsonObject { ["id"] = account.AccountId, ["roleIds"] = roleIds } }, cancellationToken).ConfigureAwait(false);
        return ToAccount(updated["updateAdministrator"] as JsonObject ?? throw BadAnswer("UpdateAdministrator"));
    }

    /// <inheritdoc />
    protected override async Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken)
    {
        await AdministratorAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        await SendAsync(VendureDocuments.UpdateAdministrator, new JsonObject
        {
            ["input"] = new JsonObject { ["id"] = account.AccountId, ["roleIds"] = new JsonArray(), ["password"] = RandomPassword() },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken)
        => ToAccount(await AdministratorAsync(accountId, cancellationToken).ConfigureAwait(false));

    private async Task<JsonObject> AdministratorAsync(string accountId, CancellationToken cancellationToken)
    {
        if (!IsId(accountId))
        {
            throw new ResourceNotFoundException(Name, "account", accountId);
        }

        var data = await SendAsync(VendureDocuments.GetAdministrator, new JsonObject { ["id"] = accountId }, cancellationToken).ConfigureAwait(false);
        return data["administrator"] as JsonObject ?? throw new ResourceNotFoundException(Name, "account", accountId);
    }

    private EnterpriseAccount ToAccount(JsonObject administrator)
    {
        var id = Text(administrator["id"])!;
        var prefix = RolePrefix(id);
        var codes = (administrator["user"]?["roles"] as JsonArray)?.OfType<JsonObject>().Select(r => Text(r["code"]) ?? "").ToList() ?? [];
        return new EnterpriseAccount
        {
            System = Name,
            AccountId = id,
            Login = Text(administrator["emailAddress"]) ?? "",
            DisplayName = Text(administrator["firstName"]),
            IsActive = codes.Contains(prefix + AccountRoleSuffix, StringComparer.Ordinal),
            Roles = [.. Capabilities.Roles.Where(r => codes.Contains(prefix + "role-" + r, StringComparer.Ordinal))],
        };
    }

    /// <summary>The ids of the account's Vendure roles for <paramref name="roles"/> (and its account role), creating the channel and roles it lacks.</summary>
    private async Task<JsonArray> RoleIdsAsync(string accountId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken, bool includeAccountRole = true)
    {
        var channelId = await AccountChannelAsync(accountId, cancellationToken).ConfigureAwait(false);
        var prefix = RolePrefix(accountId);
        var found = await SendAsync(VendureDocuments.FindRoles, new JsonObject { ["prefix"] = prefix }, cancellationToken).ConfigureAwait(false);
        var existing = ((found["roles"]?["items"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Where(r => Text(r["code"])?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .ToDictionary(r => Text(r["code"])!, r => Text(r["id"])!, StringComparer.Ordinal);
        var wanted = new List<(string Code, string Description, IEnumerable<string> Permissions)>();
        if (includeAccountRole)
        {
            wanted.Add((prefix + AccountRoleSuffix, $"CoCreation account {accountId}: marks the account active", ["ReadChannel"]));
        }

        foreach (var role in roles.Distinct(StringComparer.Ordinal))
        {
            wanted.Add((prefix + "role-" + role, $"CoCreation account {accountId}: role {role}", _options.RolePermissions[role]));
        }

        var ids = new JsonArray();
        foreach (var (code, description, permissions) in wanted)
        {
            if (!existing.TryGetValue(code, out var roleId))
            {
                var created = await SendAsync(VendureDocuments.CreateRole, new JsonObject
                {
                    ["input"] = new JsonObject
                    {
                        ["code"] = code,
                        ["description"] = description,
                        ["permissions"] = new JsonArray([.. permissions.Select(p => (JsonNode)JsonValue.Create(p))]),
                        ["channelIds"] = new JsonArray(channelId),
                    },
                }, cancellationToken).ConfigureAwait(false);
                roleId = Text(created["createRole"]?["id"]) ?? throw BadAnswer("CreateRole");
            }

            ids.Add(roleId);
        }

        return ids;
    }

    /// <summary>The id of the account's own channel, created on first use with the default channel's zones and currency.</summary>
    private async Task<string> AccountChannelAsync(string accountId, CancellationToken cancellationToken)
    {
        var code = ChannelPrefix + accountId;
        var found = await SendAsync(VendureDocuments.FindChannel, new JsonObject { ["code"] = code }, cancellationToken).ConfigureAwait(false);
        if ((found["channels"]?["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => Text(c["code"]) == code) is { } channel)
        {
            return Text(channel["id"])!;
        }

        var setup = await SetupAsync(cancellationToken).ConfigureAwait(false);
        var created = await SendAsync(VendureDocuments.CreateChannel, new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["code"] = code,
                ["token"] = code + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
                ["defaultLanguageCode"] = _options.LanguageCode,
                ["availableLanguageCodes"] = new JsonArray(_options.LanguageCode),
                ["defaultCurrencyCode"] = _options.Currency,
                ["availableCurrencyCodes"] = new JsonArray(_options.Currency),
                ["pricesIncludeTax"] = setup.PricesIncludeTax,
                ["defaultTaxZoneId"] = setup.TaxZoneId,
                ["defaultShippingZoneId"] = setup.ShippingZoneId,
            },
        }, cancellationToken).ConfigureAwait(false);
        var result = Result(created, "createChannel", "CreateChannel");
        return Text(result["id"]) ?? throw BadAnswer("CreateChannel");
    }

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

            var data = await SendAsync(VendureDocuments.Setup, null, cancellationToken).ConfigureAwait(false);
            var channel = data["activeChannel"] as JsonObject ?? throw BadAnswer("Setup");
            var taxZone = Text(channel["defaultTaxZone"]?["id"]);
            var shippingZone = Text(channel["defaultShippingZone"]?["id"]);
            if (taxZone is null || shippingZone is null)
            {
                throw new VendureException(Name, "Setup", "NotSetUp", "Vendure's default channel has no default tax zone or shipping zone; set them up before provisioning accounts.");
            }

            var currency = Text(channel["defaultCurrencyCode"]);
            if (!string.Equals(currency, _options.Currency, StringComparison.Ordinal))
            {
                throw new VendureException(Name, "Setup", "CurrencyMismatch", $"Vendure's default channel uses {currency}, but the adapter is set up for {_options.Currency} (VendureOptions.Currency).");
            }

            _setup = new Setup(Text(channel["id"])!, taxZone, shippingZone, channel["pricesIncludeTax"]?.GetValue<bool>() ?? true);
            return _setup;
        }
        finally
        {
            _setupGate.Release();
        }
    }

    // ---------------------------------------------------------------- helpers

    private Task<JsonObject> SendAsync(string document, JsonObject? variables, CancellationToken cancellationToken)
        => _api.SendAsync(document, variables, cancellationToken);

    /// <summary>Returns the result of a mutation whose type is a union with <c>ErrorResult</c>, or throws for the error result.</summary>
    private JsonObject Result(JsonObject data, string field, string operation)
    {
        var result = data[field] as JsonObject ?? throw BadAnswer(operation);
        if (result["errorCode"] is not null)
        {
            var code = Text(result["errorCode"]) ?? "UNKNOWN_ERROR";
            throw new VendureException(Name, operation, code, $"Vendure refused {operation}: {Text(result["message"])} ({code}).", HttpStatusCode.UnprocessableEntity);
        }

        return result;
    }

    private VendureException BadAnswer(string operation)
        => new(Name, operation, "BadResponse", $"Vendure answered {operation} without the expected result.");

    private ProviderException Forbidden(string message) => new(Name, message, HttpStatusCode.Forbidden, ForbiddenCode);

    private static string RolePrefix(string accountId) => ChannelPrefix + accountId + "-";

    private static string RandomPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private static bool IsId(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 18 && id.All(char.IsAsciiDigit);

    private static string? Text(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<string>(out var s) ? s : value.TryGetValue<long>(out var l) ? l.ToString(CultureInfo.InvariantCulture) : value.ToJsonString()
        : null;

    private static long Long(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var l) ? l
        : long.Parse(Text(node) ?? "0", NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static DateTimeOffset Time(JsonNode? node) => DateTimeOffset.Parse(Text(node) ?? throw new FormatException("A time is missing."), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private Money ToMoney(long minor) => new Money(minor / _priceFactor, _options.Currency).Round();

    private long ToMinor(Money money) => (long)decimal.Round(money.Amount * _priceFactor, 0, MidpointRounding.AwayFromZero);

    // Whether the default channel's prices include tax (then a listing's price is the variant's price with tax); loaded before any listing is read.
    private bool PricesIncludeTax => Volatile.Read(ref _setup)?.PricesIncludeTax ?? true;

    private sealed record Setup(string ChannelId, string TaxZoneId, string ShippingZoneId, bool PricesIncludeTax);
}
