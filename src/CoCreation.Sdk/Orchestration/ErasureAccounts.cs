namespace CoCreation.Sdk;

/// <summary>Anonymises the provider accounts linked to a participant that is being erased.</summary>
internal static class ErasureAccounts
{
    /// <summary>
    /// Anonymises every linked enterprise and cloud account whose adapter declares and implements account erasure.
    /// A failure is thrown (the participant is then left in place and erasure can run again); an account the provider
    /// no longer has is skipped; an adapter that cannot anonymise, or is no longer registered, is named in the result.
    /// </summary>
    public static async Task<(int Anonymised, IReadOnlyList<string> NotSupported)> AnonymiseAsync(
        ICoCreationProviders providers, Participant participant, CancellationToken cancellationToken)
    {
        var anonymised = 0;
        var notSupported = new List<string>();

        // One rule for both kinds: an adapter that declares and implements erasure anonymises the account; an
        // account it no longer has counts as done; anything else is named in the result.
        async Task AnonymiseOneAsync(string label, Func<CancellationToken, Task>? anonymise)
        {
            if (anonymise is null)
            {
                notSupported.Add(label);
                return;
            }

            try
            {
                await anonymise(cancellationToken).ConfigureAwait(false);
                anonymised++;
            }
            catch (ResourceNotFoundException)
            {
                // Deleted at the provider already: nothing of the person is left there to anonymise.
            }
        }

        foreach (var link in participant.EnterpriseLinks)
        {
            var adapter = providers.EnterpriseSystems.Contains(link.System, StringComparer.Ordinal) ? providers.GetEnterprise(link.System) : null;
            await AnonymiseOneAsync(
                $"enterprise:{link.System}",
                adapter is { Capabilities.SupportsAccountErasure: true } and IEnterpriseAccountErasure erasure
                    ? ct => erasure.AnonymizeAccountAsync(new EnterpriseAccount { System = link.System, AccountId = link.AccountId, Login = link.Login, IsActive = false }, ct)
                    : null).ConfigureAwait(false);
        }

        foreach (var link in participant.CloudLinks)
        {
            var workspace = providers.CloudWorkspaces.Contains(link.Provider, StringComparer.Ordinal) ? providers.GetCloudWorkspace(link.Provider) : null;
            await AnonymiseOneAsync(
                $"cloud:{link.Provider}",
                workspace is { Capabilities.SupportsAccountErasure: true } and ICloudAccountErasure erasure
                    ? ct => erasure.AnonymizeAccountAsync(link.ToAccount(), ct)
                    : null).ConfigureAwait(false);
        }

        return (anonymised, notSupported);
    }
}
