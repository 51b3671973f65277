using System.Text.Json;
using CoCreation.Sdk.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Enterprise;

// Accounts: one per account part, the primary's id standing for all; the others' ids kept in the store.
public sealed partial class CompositeEnterpriseAdapter
{
    /// <inheritdoc />
    /// <exception cref="CoCreationValidationException">The login or display name is blank, or a role is declared by no account part; nothing was opened.</exception>
    public async Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Login, "EnterpriseAccountRequest.Login");
        CoCreationGuard.NotBlank(request.DisplayName, "EnterpriseAccountRequest.DisplayName");
        if (request.Email is not null)
        {
            CoCreationGuard.Email(request.Email, "EnterpriseAccountRequest.Email");
        }

        var split = SplitRoles(request.Roles, "EnterpriseAccountRequest.Roles");

        var opened = new List<EnterpriseAccount>();
        try
        {
            foreach (var part in _options.AccountSystems)
            {
                opened.Add(await Part(part).ProvisionAccountAsync(request with { Roles = split[part] }, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (opened.Count > 0)
        {
            await UndoAsync(opened, ex).ConfigureAwait(false);
            throw;
        }

        var primaryId = opened[0].AccountId;
        var changes = new StoreChanges().PutDocument(_accounts, primaryId, JsonSerializer.Serialize(new AccountRecord(opened.Skip(1).ToDictionary(a => PartOf(a, opened), a => a.AccountId, StringComparer.Ordinal)), Json));
        for (var i = 1; i < opened.Count; i++)
        {
            changes.PutDocument(_partAccounts, PartKey(_options.AccountSystems[i], opened[i].AccountId), JsonSerializer.Serialize(new PartAccountRecord(primaryId), Json));
        }

        try
        {
            await _store.ApplyAsync(changes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await UndoAsync(opened, ex).ConfigureAwait(false);
            throw;
        }

        return Combine(primaryId, opened);
    }

    private string PartOf(EnterpriseAccount account, List<EnterpriseAccount> opened) => _options.AccountSystems[opened.IndexOf(account)];

    // Best effort: a part that cannot be reached keeps an account that no grant in the SDK names.
    private async Task UndoAsync(List<EnterpriseAccount> opened, Exception cause)
    {
        for (var i = 0; i < opened.Count; i++)
        {
            try
            {
                await Part(_options.AccountSystems[i]).DeprovisionAccountAsync(opened[i], CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The first failure is the one the caller sees; this one is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.CompositeUndoFailed(_logger, _name, _options.AccountSystems[i], ex.GetType().Name, cause.GetType().Name);
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="CoCreationValidationException">A role is declared by no account part; nothing was changed.</exception>
    public async Task<EnterpriseAccount> SetAccountRolesAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(roles);
        var split = SplitRoles(roles, nameof(roles));
        var accounts = await PartAccountsAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
        var now = new List<EnterpriseAccount>(accounts.Count);
        for (var i = 0; i < accounts.Count; i++)
        {
            now.Add(await Part(_options.AccountSystems[i]).SetAccountRolesAsync(accounts[i], split[_options.AccountSystems[i]], cancellationToken).ConfigureAwait(false));
        }

        return Combine(account.AccountId, now);
    }

    /// <inheritdoc />
    /// <remarks>Deprovisions at every account part, each even if another fails; the first failure is rethrown after all were tried.</remarks>
    public async Task DeprovisionAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var ids = await PartIdsAsync(CoCreationGuard.NotBlank(account.AccountId, "account.AccountId"), cancellationToken).ConfigureAwait(false);
        await ForEachPartAsync(ids, (adapter, part) => adapter.DeprovisionAccountAsync(part, cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Anonymises at every account part; every account part must support it (see <see cref="Capabilities"/>).</remarks>
    /// <exception cref="CapabilityNotSupportedException">An account part cannot anonymise accounts.</exception>
    public async Task<EnterpriseAccount> AnonymizeAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        foreach (var part in _options.AccountSystems)
        {
            if (Part(part) is not IEnterpriseAccountErasure)
            {
                throw new CapabilityNotSupportedException(part, "account erasure (IEnterpriseAccountErasure)");
            }
        }

        var ids = await PartIdsAsync(CoCreationGuard.NotBlank(account.AccountId, "account.AccountId"), cancellationToken).ConfigureAwait(false);
        await ForEachPartAsync(ids, (adapter, part) => ((IEnterpriseAccountErasure)adapter).AnonymizeAccountAsync(part, cancellationToken)).ConfigureAwait(false);
        return await GetAccountAsync(account.AccountId, cancellationToken).ConfigureAwait(false);
    }

    private async Task ForEachPartAsync(IReadOnlyList<string> ids, Func<IEnterpriseAdapter, EnterpriseAccount, Task> action)
    {
        List<Exception>? failures = null;
        for (var i = 0; i < ids.Count; i++)
        {
            var adapter = Part(_options.AccountSystems[i]);
            try
            {
                await action(adapter, await adapter.GetAccountAsync(ids[i], CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (ResourceNotFoundException)
            {
                // Gone at that part already: nothing left to take away there.
            }
#pragma warning disable CA1031 // Every part is tried; the first failure is rethrown below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is { Count: > 0 })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }
    }

    /// <inheritdoc />
    /// <remarks>Active only while active at every account part; the roles of all parts together.</remarks>
    public async Task<EnterpriseAccount> GetAccountAsync(string accountId, CancellationToken cancellationToken = default)
        => Combine(accountId, await PartAccountsAsync(CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken).ConfigureAwait(false));

    private EnterpriseAccount Combine(string accountId, IReadOnlyList<EnterpriseAccount> parts) => new()
    {
        System = _name,
        AccountId = accountId,
        Login = parts[0].Login,
        DisplayName = parts[0].DisplayName,
        Roles = parts.SelectMany(p => p.Roles).Distinct(StringComparer.Ordinal).ToArray(),
        IsActive = parts.All(p => p.IsActive),
    };

    /// <summary>The part accounts of a composite account, in the order of the account parts.</summary>
    private async Task<IReadOnlyList<EnterpriseAccount>> PartAccountsAsync(string accountId, CancellationToken cancellationToken)
    {
        var ids = await PartIdsAsync(accountId, cancellationToken).ConfigureAwait(false);
        var accounts = new EnterpriseAccount[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            accounts[i] = await Part(_options.AccountSystems[i]).GetAccountAsync(ids[i], cancellationToken).ConfigureAwait(false);
        }

        return accounts;
    }

    /// <summary>The ids at each account part, primary first.</summary>
    /// <exception cref="ResourceNotFoundException">The composite never opened this account.</exception>
    private async Task<IReadOnlyList<string>> PartIdsAsync(string accountId, CancellationToken cancellationToken)
    {
        if (await _store.GetDocumentAsync(_accounts, accountId, cancellationToken).ConfigureAwait(false) is not { } json)
        {
            throw new ResourceNotFoundException(_name, "account", accountId);
        }

        var record = JsonSerializer.Deserialize<AccountRecord>(json, Json)!;
        var ids = new List<string> { accountId };
        foreach (var part in _options.AccountSystems.Skip(1))
        {
            ids.Add(record.Parts.TryGetValue(part, out var id)
                ? id
                : throw new CoCreationConflictException($"Account {accountId} of {_name} has no account at '{part}': the part was added after it was opened; provision it again."));
        }

        return ids;
    }

    /// <summary>The participant's own account at a part, for a call made there.</summary>
    private async Task<EnterpriseAccount> AccountAtAsync(string part, EnterpriseAccount account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var ids = await PartIdsAsync(CoCreationGuard.NotBlank(account.AccountId, "account.AccountId"), cancellationToken).ConfigureAwait(false);
        var index = _options.AccountSystems.IndexOf(part);
        return await Part(part).GetAccountAsync(ids[index], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A composite account id as the given part knows it.</summary>
    private async Task<string> PartIdAsync(string part, string accountId, CancellationToken cancellationToken)
    {
        var ids = await PartIdsAsync(CoCreationGuard.NotBlank(accountId, "OwnerAccountId"), cancellationToken).ConfigureAwait(false);
        return ids[_options.AccountSystems.IndexOf(part)];
    }

    /// <summary>A part's account id as the composite knows it, or <see langword="null"/> when the composite did not open it.</summary>
    private async Task<string?> CompositeIdAsync(string part, string partAccountId, CancellationToken cancellationToken)
    {
        if (part == Primary)
        {
            return partAccountId;
        }

        var json = await _store.GetDocumentAsync(_partAccounts, PartKey(part, partAccountId), cancellationToken).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<PartAccountRecord>(json, Json)!.AccountId;
    }

    private static string PartKey(string part, string accountId) => $"{part}\u001f{accountId}";

    /// <summary>Gives each account part the requested roles it declares; refuses a role no part declares.</summary>
    private Dictionary<string, string[]> SplitRoles(IReadOnlyCollection<string> roles, string field)
    {
        var split = _options.AccountSystems.ToDictionary(p => p, _ => Array.Empty<string>(), StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var holders = _options.AccountSystems.Where(p => Part(p).Capabilities.Roles.Contains(role, StringComparer.Ordinal)).ToList();
            if (holders.Count == 0)
            {
                throw new CoCreationValidationException(field, $"'{role}' is not a role {_name} knows (known: {string.Join(", ", Capabilities.Roles)}).");
            }

            foreach (var part in holders)
            {
                split[part] = [.. split[part], role];
            }
        }

        return split;
    }
}
