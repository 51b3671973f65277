using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Opinions;

// Closing: ending a campaign.
public sealed partial class OpinionCampaigns
{
    /// <summary>Closes a campaign now: votes written later are not counted. Closing a closed campaign changes nothing.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The closed campaign.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    public async Task<OpinionCampaign> CloseAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
            if (campaign.Status == CampaignStatus.Closed)
            {
                return campaign;
            }

            var now = _time.GetUtcNow();
            campaign = campaign with { Status = CampaignStatus.Closed, ClosedAt = now < campaign.ClosesAt ? now : campaign.ClosesAt };
            await SaveCampaignAsync(campaign, cancellationToken).ConfigureAwait(false);
            return campaign;
        }
        finally
        {
            _gate.Release();
        }
    }
}
