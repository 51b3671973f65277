using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Workspaces;

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
        foreach (var link in participant.EnterpriseLinks)
        {
            if (!providers.EnterpriseSystems.Contains(link.System, StringComparer.Ordinal))
            {
                notSupported.Add($"enterprise:{link.System}");
                continue;
            }

            var adapter = providers.GetEnterprise(link.System);
            if (adapter.Capabilities.SupportsAccountErasure && adapter is IEnterpriseAccountErasure erasure)
            {
                try
                {
                    await erasure.AnonymizeAccountAsync(
                        new EnterpriseAccount { System = link.System, AccountId = link.AccountId, Login = link.Login, IsActive = false },
                        cancellationToken).ConfigureAwait(false);
                    anonymised++;
                }
                catch (ResourceNotFoundException)
                {
                    // Deleted at the system already: nothing of the person is left there to anonymise.
                }
            }
            else
            {
                notSupported.Add($"enterprise:{link.System}");
            }
        }

        foreach (var link in participant.CloudLinks)
        {
            if (!providers.CloudWorkspaces.Contains(link.Provider, StringComparer.Ordinal))
            {
                notSupported.Add($"cloud:{link.Provider}");
                continue;
            }

            var workspace = providers.GetCloudWorkspace(link.Provider);
            if (workspace.Capabilities.SupportsAccountErasure && workspace is ICloudAccountErasure erasure)
            {
                try
                {
                    await erasure.AnonymizeAccountAsync(link.ToAccount(), cancellationToken).ConfigureAwait(false);
                    anonymised++;
                }
                catch (ResourceNotFoundException)
                {
                    // Deleted at the service already: nothing of the person is left there to anonymise.
                }
            }
            else
            {
                notSupported.Add($"cloud:{link.Provider}");
            }
        }

        return (anonymised, notSupported);
    }
}
