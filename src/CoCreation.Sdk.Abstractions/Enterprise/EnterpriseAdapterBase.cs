namespace CoCreation.Sdk.Enterprise;

/// <summary>The base for enterprise adapters: checks input before the adapter's <c>…CoreAsync</c> code runs.</summary>
public abstract class EnterpriseAdapterBase : IEnterpriseAdapter
{
    /// <inheritdoc />
    public abstract EnterpriseSystemMetadata Metadata { get; }

    /// <inheritdoc />
    public abstract EnterpriseCapabilities Capabilities { get; }

    /// <inheritdoc />
    public Task<EnterpriseAccount> ProvisionAccountAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Login, "EnterpriseAccountRequest.Login");
        CoCreationGuard.NotBlank(request.DisplayName, "EnterpriseAccountRequest.DisplayName");
        if (request.Email is not null)
        {
            CoCreationGuard.Email(request.Email, "EnterpriseAccountRequest.Email");
        }

        CheckRoles(request.Roles, "EnterpriseAccountRequest.Roles");
        return ProvisionAccountCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EnterpriseAccount> SetAccountRolesAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(roles);
        CheckRoles(roles, nameof(roles));
        return SetAccountRolesCoreAsync(account, roles, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeprovisionAccountAsync(EnterpriseAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        return DeprovisionAccountCoreAsync(account, cancellationToken);
    }

    /// <inheritdoc />
    public Task<EnterpriseAccount> GetAccountAsync(string accountId, CancellationToken cancellationToken = default)
        => GetAccountCoreAsync(CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken);

    /// <inheritdoc />
    public Task<EventPage> ReadEventsAsync(string? cursor, CancellationToken cancellationToken = default)
        => ReadEventsCoreAsync(cursor, cancellationToken);

    private void CheckRoles(IReadOnlyCollection<string> roles, string field)
    {
        foreach (var role in roles)
        {
            if (!Capabilities.Roles.Contains(role, StringComparer.Ordinal))
            {
                throw new CoCreationValidationException(field, $"'{role}' is not a role {Metadata.Name} knows (known: {string.Join(", ", Capabilities.Roles)}).");
            }
        }
    }

    /// <summary>Creates a validated account.</summary>
    /// <param name="request">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    protected abstract Task<EnterpriseAccount> ProvisionAccountCoreAsync(EnterpriseAccountRequest request, CancellationToken cancellationToken);

    /// <summary>Replaces an account's validated roles.</summary>
    /// <param name="account">The account.</param>
    /// <param name="roles">The roles.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    protected abstract Task<EnterpriseAccount> SetAccountRolesCoreAsync(EnterpriseAccount account, IReadOnlyCollection<string> roles, CancellationToken cancellationToken);

    /// <summary>Deactivates an account.</summary>
    /// <param name="account">The account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    protected abstract Task DeprovisionAccountCoreAsync(EnterpriseAccount account, CancellationToken cancellationToken);

    /// <summary>Reads an account.</summary>
    /// <param name="accountId">The account id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account.</returns>
    protected abstract Task<EnterpriseAccount> GetAccountCoreAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Reads events after a cursor.</summary>
    /// <param name="cursor">The cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    protected abstract Task<EventPage> ReadEventsCoreAsync(string? cursor, CancellationToken cancellationToken);
}
