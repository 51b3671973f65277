using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Opinions;

// Results: stored responses, poll counts and statistics.
public sealed partial class OpinionCampaigns
{
    /// <summary>The campaign's stored responses (accepted and held back), oldest first, paged; the continuation token is an offset.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The responses.</returns>
    public AsyncPageable<OpinionResponse> GetResponsesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        IReadOnlyList<OpinionResponse>? loaded = null;
        return AsyncPageable<OpinionResponse>.Create(async (token, hint, ct) =>
        {
            loaded ??= await LoadResponsesAsync(campaignId, ct).ConfigureAwait(false);
            var offset = token is null ? 0 : int.Parse(token, CultureInfo.InvariantCulture);
            var size = Math.Clamp(hint ?? 100, 1, 1000);
            var values = loaded.Skip(offset).Take(size).ToList();
            var next = offset + values.Count < loaded.Count ? (offset + values.Count).ToString(CultureInfo.InvariantCulture) : null;
            return new Page<OpinionResponse>(values, next);
        }, cancellationToken);
    }

    /// <summary>The native polls' latest counts.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts.</returns>
    public async Task<IReadOnlyList<PollTally>> GetPollTalliesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        var documents = await _store.ListDocumentsAsync(TalliesCollection(campaignId, _instance), cancellationToken).ConfigureAwait(false);
        return documents.Select(d => JsonSerializer.Deserialize<PollTally>(d.Value, Json)!).ToList();
    }

    /// <summary>Computes the campaign's statistics from what was collected so far.</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="options">Settings; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    public async Task<CampaignStatistics> GetStatisticsAsync(string campaignId, StatisticsOptions? options = null, CancellationToken cancellationToken = default)
    {
        var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var responses = await LoadResponsesAsync(campaignId, cancellationToken).ConfigureAwait(false);
        var tallies = await GetPollTalliesAsync(campaignId, cancellationToken).ConfigureAwait(false);
        options = (options ?? new StatisticsOptions()) with { ComputedAt = options?.ComputedAt ?? _time.GetUtcNow() };
        return CampaignStatistics.Compute(campaign, responses, tallies, options);
    }

    private async Task<List<OpinionResponse>> LoadResponsesAsync(string campaignId, CancellationToken cancellationToken)
    {
        var documents = await _store.ListDocumentsAsync(ResponsesCollection(campaignId, _instance), cancellationToken).ConfigureAwait(false);
        return documents
            .Select(d => JsonSerializer.Deserialize<OpinionResponse>(d.Value, Json)!)
            .OrderBy(r => r.CreatedAt)
            .ThenBy(r => r.Network, StringComparer.Ordinal)
            .ThenBy(r => r.ItemId, StringComparer.Ordinal)
            .ToList();
    }
}
