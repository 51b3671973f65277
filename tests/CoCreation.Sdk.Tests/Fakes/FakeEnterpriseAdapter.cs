using System.Collections.Immutable;
using System.Globalization;
using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Tests.Fakes;

/// <summary>An enterprise system that records account changes and serves an event feed in pages.</summary>
public sealed class FakeEnterpriseAdapter : EnterpriseAdapterBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EnterpriseAccount> _accounts = new(StringComparer.Ordinal);
    private readonly List<CoCreationEvent> _feed = [];
    private readonly List<string> _log = [];
    private int _readFailuresLeft;
    private int _reads;

    public FakeEnterpriseAdapter(string name, int pageSize = 2)
    {
        Metadata = new EnterpriseSystemMetadata(name, "fake", $"Fake {name}");
        PageSize = pageSize;
    }

    public override EnterpriseSystemMetadata Metadata { get; }

    public override EnterpriseCapabilities Capabilities { get; } = new()
    {
        Roles = [EnterpriseRoles.Member, EnterpriseRoles.ProductionRequester, EnterpriseRoles.Seller, EnterpriseRoles.ProductionManager],
    };

    public int PageSize { get; }

    public List<EnterpriseAccountRequest> Provisioned { get; } = [];

    public List<(string AccountId, IReadOnlyCollection<string> Roles)> RoleChanges { get; } = [];

    public List<string> Deprovisioned { get; } = [];

    /// <summary>Every account call in order, for example <c>provision p-1 [member]</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_gate)
            {
                return _log.ToArray();
            }
        }
    }

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Raised after each read of the feed, successful or not.</summary>
    public event Action<int>? FeedRead;

    public EnterpriseAccount Account(string accountId)
    {
        lock (_gate)
        {
            return _accounts[accountId];
        }
    }

    public CoCreationEvent AddEvent(string type, params (string Key, string Value)[] data)
    {
        lock (_gate)
        {
            var e = new CoCreationEvent
            {
                Id = (_feed.Count + 1).ToString(CultureInfo.InvariantCulture),
                Source = CoCreationEventSources.Enterprise(Metadata.Name),
                Type = type,
                Time = DateTimeOffset.UnixEpoch.AddDays(_feed.Count),
                Subject = $"things/{_feed.Count + 1}",
                Data = data.ToDictionary(d => d.Key, d => d.Value).ToImmutableDictionary(),
            };
            _feed.Add(e);
            return e;
        }
    }

    public void FailReads(int count)
    {
        lock (_gate)
        {
            _readFailuresLeft = count;
        }
    }

    protected override Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Provisioned.Add(request);
            _log.Add($"provision {request.Login} [{string.Join(",", request.Roles)}]");
            var existing = _accounts.Values.FirstOrDefault(a => a.Login == request.Login);
            var account = new EnterpriseAccount
            {
                System = Metadata.Name,
                AccountId = existing?.AccountId ?? $"acct-{_accounts.Count + 1}",
                Login = request.Login,
                DisplayName = request.DisplayName,
                Roles = request.Roles.ToArray(),
                IsActive = true,
            };
            _accounts[account.AccountId] = account;
            return Task.FromResult(account);
        }
    }

    protected override Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RoleChanges.Add((account.AccountId, roles.ToArray()));
            _log.Add($"roles {account.AccountId} [{string.Join(",", roles)}]");
            var updated = _accounts[account.AccountId] with { Roles = roles.ToArray() };
            _accounts[account.AccountId] = updated;
            return Task.FromResult(updated);
        }
    }

    protected override Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Deprovisioned.Add(account.AccountId);
            _log.Add($"deprovision {account.AccountId}");
            _accounts[account.AccountId] = _accounts[account.AccountId] with { Roles = [], IsActive = false };
            return Task.CompletedTask;
        }
    }

    protected override Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _accounts.TryGetValue(accountId, out var account)
                ? Task.FromResult(account)
                : throw new ResourceNotFoundException(Metadata.Name, "account", accountId);
        }
    }

    protected override Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken)
    {
        EventPage page;
        int reads;
        lock (_gate)
        {
            reads = ++_reads;
            if (_readFailuresLeft > 0)
            {
                _readFailuresLeft--;
                page = null!;
            }
            else
            {
                var offset = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
                var events = _feed.Skip(offset).Take(PageSize).ToArray();
                var next = offset + events.Length;
                page = new EventPage(events, next.ToString(CultureInfo.InvariantCulture), next < _feed.Count);
            }
        }

        FeedRead?.Invoke(reads);
        return page is null
            ? throw new ProviderException(Metadata.Name, $"{Metadata.Name} is unavailable.", System.Net.HttpStatusCode.ServiceUnavailable, isTransient: true)
            : Task.FromResult(page);
    }
}
