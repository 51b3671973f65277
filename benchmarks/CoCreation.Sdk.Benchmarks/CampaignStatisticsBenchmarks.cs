using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// What <see cref="CampaignStatistics.Compute"/> costs on a large campaign: 1,000,000 votes from 200,000 people
/// on 3 networks, each person's latest vote counted once, against a plain LINQ GroupBy that does the same
/// de-duplication (with the same tie rule) and option × network count over the same list, and against the
/// plainest GroupBy + MaxBy without a tie rule.
/// </summary>
/// <remarks>
/// The SDK side does more than the baseline: it also counts unique respondents, moderation outcomes, late
/// and superseded votes and responses per hour, and breaks ties between votes of the same instant so the
/// result never depends on list order. <see cref="Sdk_statistics_with_terms"/> adds top-term counting over
/// every accepted text (the votes here carry only their number, which yields no terms).
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class CampaignStatisticsBenchmarks
{
    public const int Responses = 1_000_000;
    public const int People = 200_000;

    private static readonly string[] Networks = ["mastodon", "bluesky", "embedded"];

    private OpinionCampaign _campaign = null!;
    private List<OpinionResponse> _responses = null!;

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        _campaign = new OpinionCampaign
        {
            Id = "bench",
            Title = "Spring coat colours",
            Questions = [new OpinionQuestion { Text = "Which colour?", Options = ["Ivory", "Navy", "Olive", "Coral"] }],
            Networks = Networks,
            StartedAt = start,
            ClosesAt = start.AddDays(30),
        };

        var random = new Random(1_000_000);
        var people = Enumerable.Range(0, People).Select(i => "participant-" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int[][] choices = [[0], [1], [2], [3]];
        string[] texts = ["1", "2", "3", "4"];
        _responses = new List<OpinionResponse>(Responses);
        for (var i = 0; i < Responses; i++)
        {
            var option = random.Next(4);
            _responses.Add(new OpinionResponse
            {
                CampaignId = "bench",
                QuestionIndex = 0,
                Network = Networks[random.Next(Networks.Length)],
                ItemId = "post-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Kind = ResponseKind.Vote,
                AuthorSubject = "subject",
                RespondentKey = people[random.Next(People)],
                OptionIndexes = choices[option],
                Text = texts[option],
                CreatedAt = start.AddSeconds(random.Next(20 * 24 * 3600)),
            });
        }

        // Both sides must agree, or the run would time two different answers.
        var sdk = Sdk_statistics();
        var baseline = Linq_group_by();
        for (var o = 0; o < 4; o++)
        {
            foreach (var network in Networks)
            {
                if (sdk.Questions[0].Count(o, network) != baseline.GetValueOrDefault((o, network)))
                {
                    throw new InvalidOperationException($"The SDK and the baseline disagree on option {o} on {network}.");
                }
            }
        }

        if (sdk.Questions[0].CountedVoters != baseline.Values.Sum())
        {
            throw new InvalidOperationException("The SDK and the baseline disagree on the number of counted voters.");
        }
    }

    [Benchmark(Baseline = true)]
    public Dictionary<(int Option, string Network), int> Linq_group_by()
        => _responses
            .Where(r => r.Moderation.Accepted && r.Kind == ResponseKind.Vote && r.QuestionIndex == 0 && r.CreatedAt < _campaign.VotingEndsAt)
            .GroupBy(r => r.RespondentKey)
            .Select(g => g.OrderBy(r => r.CreatedAt).ThenBy(r => r.Network, StringComparer.Ordinal).ThenBy(r => r.ItemId, StringComparer.Ordinal).Last())
            .GroupBy(r => (r.OptionIndexes[0], r.Network))
            .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The plainest form: latest by time only, no tie rule (so ties may resolve differently run to run).</summary>
    [Benchmark]
    public Dictionary<(int Option, string Network), int> Linq_group_by_max_time()
        => _responses
            .Where(r => r.Moderation.Accepted && r.Kind == ResponseKind.Vote && r.QuestionIndex == 0 && r.CreatedAt < _campaign.VotingEndsAt)
            .GroupBy(r => r.RespondentKey)
            .Select(g => g.MaxBy(r => r.CreatedAt)!)
            .GroupBy(r => (r.OptionIndexes[0], r.Network))
            .ToDictionary(g => g.Key, g => g.Count());

    [Benchmark]
    public CampaignStatistics Sdk_statistics()
        => CampaignStatistics.Compute(_campaign, _responses, [], new StatisticsOptions { TopTerms = 0 });

    [Benchmark]
    public CampaignStatistics Sdk_statistics_with_terms()
        => CampaignStatistics.Compute(_campaign, _responses, [], new StatisticsOptions { TopTerms = 20 });
}
