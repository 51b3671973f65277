using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Opinions;

/// <summary>
/// Runs opinion campaigns (co-creation type 3, service redesign): publishes questions on every chosen
/// network at once, as a native poll where the network's capabilities allow it and as a numbered-reply
/// vote otherwise; collects votes, replies and keyword hits page by page; moderates them; and counts each
/// person once across networks (see <see cref="CampaignStatistics"/> for the rule).
/// </summary>
/// <remarks>
/// <para>Only the <see cref="ISnsConnector"/> contract is used, so any adapter works, including ones without
/// polls. Input is checked and every question is planned on every network before the first post is sent:
/// bad input, or a question that fits neither a native poll nor a numbered-reply post on some network,
/// publishes nothing. Nothing is shortened to fit.</para>
/// <para>State (campaigns, responses with their moderation verdicts, poll counts, read cursors) lives in
/// <see cref="ICoCreationStore"/> as module documents and cursors, so a durable store keeps campaigns across
/// restarts and collection resumes where it stopped. Thread-safe.</para>
/// </remarks>
public sealed partial class OpinionCampaigns
{
    /// <summary>The module name used in store collections and event sources.</summary>
    public const string ModuleName = "opinions";

    internal const string CampaignsCollection = "opinions.campaigns";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ICoCreationProviders _providers;
    private readonly IIdentityMap _identities;
    private readonly ICoCreationStore _store;
    private readonly ModerationPipeline _moderation;
    private readonly TimeProvider _time;
    private readonly OpinionOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _instance;

    /// <summary>Creates the service; normally resolved from dependency injection (<c>AddOpinions()</c>).</summary>
    /// <param name="providers">The registered providers.</param>
    /// <param name="identities">The identity map, which ties responses to people.</param>
    /// <param name="store">The store.</param>
    /// <param name="moderation">The moderation pipeline.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="options">The module's options.</param>
    /// <exception cref="CoCreationValidationException">The options are invalid.</exception>
    public OpinionCampaigns(
        ICoCreationProviders providers,
        IIdentityMap identities,
        ICoCreationStore store,
        ModerationPipeline moderation,
        TimeProvider timeProvider,
        IOptions<OpinionOptions> options)
        : this(providers, identities, store, moderation, timeProvider, options, instance: null)
    {
    }

    /// <summary>Creates a named instance, whose campaigns live in store collections of their own.</summary>
    internal OpinionCampaigns(
        ICoCreationProviders providers,
        IIdentityMap identities,
        ICoCreationStore store,
        ModerationPipeline moderation,
        TimeProvider timeProvider,
        IOptions<OpinionOptions> options,
        string? instance)
    {
        ArgumentNullException.ThrowIfNull(options);
        _instance = instance;
        _providers = providers ?? throw new ArgumentNullException(nameof(providers));
        _identities = identities ?? throw new ArgumentNullException(nameof(identities));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _moderation = moderation ?? throw new ArgumentNullException(nameof(moderation));
        _time = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _options = options.Value;
        _options.Validate();
    }

    /// <summary>Reads a campaign.</summary>
    /// <param name="campaignId">The campaign id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The campaign, or <see langword="null"/>.</returns>
    public async Task<OpinionCampaign?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        var json = await _store.GetDocumentAsync(CampaignsCollectionOf(_instance), campaignId, cancellationToken).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<OpinionCampaign>(json, Json);
    }

    /// <summary>The campaigns of an instance: the default instance keeps the original collection names.</summary>
    internal static string CampaignsCollectionOf(string? instance) => instance is null ? CampaignsCollection : $"opinions.{instance}.campaigns";

    internal static string ResponsesCollection(string campaignId, string? instance = null)
        => instance is null ? "opinions.responses." + campaignId : $"opinions.{instance}.responses.{campaignId}";

    internal static string TalliesCollection(string campaignId, string? instance = null)
        => instance is null ? "opinions.tallies." + campaignId : $"opinions.{instance}.tallies.{campaignId}";

    internal static string ResponseKey(OpinionResponse response) => response.Network + "|" + response.ItemId;

    private async Task<OpinionCampaign> RequireAsync(string campaignId, CancellationToken cancellationToken)
        => await GetAsync(campaignId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(campaignId), $"no campaign '{campaignId}'.");

    private async Task<OpinionCampaign> RequireOpenAsync(string campaignId, CancellationToken cancellationToken)
    {
        var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
        if (campaign.Status == CampaignStatus.Closed || _time.GetUtcNow() >= campaign.ClosesAt)
        {
            throw new CoCreationValidationException(nameof(campaignId), $"campaign '{campaignId}' is closed.");
        }

        return campaign;
    }

    private Task SaveCampaignAsync(OpinionCampaign campaign, CancellationToken cancellationToken)
        => _store.ApplyAsync(new StoreChanges().PutDocument(CampaignsCollectionOf(_instance), campaign.Id, JsonSerializer.Serialize(campaign, Json)), cancellationToken);
}

/// <summary>Ties SNS accounts to people through the identity map, asking once per account.</summary>
internal sealed class RespondentResolver(IIdentityMap identities)
{
    private readonly Dictionary<(string, string), (string Key, string? ParticipantId)> _cache = [];

    public async Task<(string Key, string? ParticipantId)> ResolveAsync(string network, string subject, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue((network, subject), out var known))
        {
            return known;
        }

        var participant = await identities.FindBySnsAsync(network, subject, cancellationToken).ConfigureAwait(false);
        var result = participant is null ? ($"sns:{network}:{subject}", (string?)null) : (participant.Id, participant.Id);
        _cache[(network, subject)] = result;
        return result;
    }
}
