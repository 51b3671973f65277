using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.Enterprise;

/// <summary>
/// One enterprise system made of parts: accounts at several systems, production at one, the shop at another, stock at a
/// third. The programme, the grants and the relay see one system. Register it with <c>AddCompositeEnterprise</c>.
/// </summary>
/// <remarks>
/// <para>
/// Accounts are opened at every account part with the same login; each part gets the requested roles it declares in its
/// <see cref="EnterpriseCapabilities.Roles"/>. If a part fails, the accounts already opened are deprovisioned again. The
/// composite account id is the primary part's id; the ids at the other parts are kept in the store (ids only).
/// </para>
/// <para>
/// Events of every part are read with one cursor and given out under the composite's source, with ids prefixed by the
/// part's name and owners turned into composite account ids. An event reaches the relay only from the part that holds
/// its kind: designs and production from the production part, listings, sales, shipments and refunds from the shop,
/// stock from the inventory part. When production and inventory are different parts and the inventory part takes
/// intakes (<see cref="IStockIntake"/>), each completed production order is booked into it once (after its product is
/// listed, if the shop knows products only then), and the composite raises <see cref="CoCreationEventTypes.StockReceived"/>
/// with the stock on hand there.
/// </para>
/// </remarks>
public sealed partial class CompositeEnterpriseAdapter : IEnterpriseAdapter, IProductionSystem, ICommerceSystem, IInventorySystem, IEnterpriseAccountErasure
{
    private readonly string _name;
    private readonly CompositeEnterpriseOptions _options;
    private readonly Func<string, IEnterpriseAdapter> _resolve;
    private readonly ICoCreationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyedLock _intakeLocks = new();
    private readonly string _accounts;
    private readonly string _partAccounts;
    private readonly string _intakes;
    private readonly string _waiting;
    private readonly string _raised;
    private readonly Lazy<EnterpriseCapabilities> _capabilities;

    /// <summary>Creates the composite.</summary>
    /// <param name="name">The name it is registered under.</param>
    /// <param name="options">Its parts; checked here.</param>
    /// <param name="resolve">Finds a part by its registered name.</param>
    /// <param name="store">Keeps the account mapping and pending stock intakes.</param>
    /// <param name="timeProvider">The clock of the events it raises.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="CoCreationValidationException">The options name no account part, a part twice, the composite itself, or a production or shop part that holds no accounts.</exception>
    public CompositeEnterpriseAdapter(
        string name,
        CompositeEnterpriseOptions options,
        Func<string, IEnterpriseAdapter> resolve,
        ICoCreationStore store,
        TimeProvider timeProvider,
        ILogger<CompositeEnterpriseAdapter>? logger = null)
    {
        _name = CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolve);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(name, options);
        _options = options;
        _resolve = resolve;
        _store = store;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _accounts = $"enterprise.{name}.accounts";
        _partAccounts = $"enterprise.{name}.part-accounts";
        _intakes = $"enterprise.{name}.intakes";
        _waiting = $"enterprise.{name}.intakes-waiting";
        _raised = $"enterprise.{name}.raised";
        Metadata = new EnterpriseSystemMetadata(name, "composite", options.DisplayName ?? name);
        _capabilities = new Lazy<EnterpriseCapabilities>(() => new EnterpriseCapabilities
        {
            Roles = _options.AccountSystems.SelectMany(p => Part(p).Capabilities.Roles).Distinct(StringComparer.Ordinal).ToArray(),
            SupportsWebhooks = _options.AccountSystems.Concat(OtherParts()).Any(p => Part(p).Capabilities.SupportsWebhooks),
            SupportsAccountErasure = _options.AccountSystems.All(p => Part(p) is IEnterpriseAccountErasure),
        });
    }

    /// <inheritdoc />
    public EnterpriseSystemMetadata Metadata { get; }

    /// <inheritdoc />
    /// <remarks>The roles of every account part together; webhooks if any part has them; account erasure if every account part has it.</remarks>
    public EnterpriseCapabilities Capabilities => _capabilities.Value;

    /// <summary>The names of all parts, account parts first.</summary>
    public IReadOnlyList<string> Parts => _options.AccountSystems.Concat(OtherParts()).Distinct(StringComparer.Ordinal).ToArray();

    private string Primary => _options.AccountSystems[0];

    private IEnumerable<string> OtherParts()
    {
        foreach (var part in new[] { _options.ProductionSystem, _options.CommerceSystem, _options.InventorySystem, _options.PayoutSystem })
        {
            if (part is not null)
            {
                yield return part;
            }
        }
    }

    private IEnterpriseAdapter Part(string name) => _resolve(name);

    /// <summary>Checks the options: at least one account part, no part twice or blank, not the composite itself, and production and shop parts among the account parts.</summary>
    /// <param name="name">The composite's name.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="CoCreationValidationException">They do not hold.</exception>
    public static void Validate(string name, CompositeEnterpriseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AccountSystems.Count == 0)
        {
            throw new CoCreationValidationException("CompositeEnterpriseOptions.AccountSystems", "names no part: list the systems where participants get accounts, the primary first.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in options.AccountSystems)
        {
            CoCreationGuard.NotBlank(part, "CompositeEnterpriseOptions.AccountSystems");
            if (part == name)
            {
                throw new CoCreationValidationException("CompositeEnterpriseOptions.AccountSystems", $"'{name}' is the composite itself.");
            }

            if (!seen.Add(part))
            {
                throw new CoCreationValidationException("CompositeEnterpriseOptions.AccountSystems", $"'{part}' is listed twice.");
            }
        }

        foreach (var (field, part, needsAccounts) in new[]
        {
            ("CompositeEnterpriseOptions.ProductionSystem", options.ProductionSystem, true),
            ("CompositeEnterpriseOptions.CommerceSystem", options.CommerceSystem, true),
            ("CompositeEnterpriseOptions.InventorySystem", options.InventorySystem, false),
            ("CompositeEnterpriseOptions.PayoutSystem", options.PayoutSystem, true),
        })
        {
            if (part is null)
            {
                continue;
            }

            CoCreationGuard.NotBlank(part, field);
            if (part == name)
            {
                throw new CoCreationValidationException(field, $"'{name}' is the composite itself.");
            }

            if (needsAccounts && !seen.Contains(part))
            {
                throw new CoCreationValidationException(field, $"'{part}' acts for participants' accounts, so it must be one of AccountSystems.");
            }
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record AccountRecord(Dictionary<string, string> Parts);

    private sealed record PartAccountRecord(string AccountId);
}
