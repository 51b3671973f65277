using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace CoCreation.Sdk.Opinions;

/// <summary>Settings of a statistics computation.</summary>
public sealed record StatisticsOptions
{
    /// <summary>The width of a "responses over time" bucket. Default 1 hour.</summary>
    public TimeSpan TimeBucket { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many top terms to list; 0 skips term counting. Default 20.</summary>
    public int TopTerms { get; init; } = 20;

    /// <summary>When the statistics are computed (stamped on the result).</summary>
    public DateTimeOffset? ComputedAt { get; init; }
}

/// <summary>Votes for one option on one network.</summary>
/// <param name="OptionIndex">The option (zero-based).</param>
/// <param name="Option">The option's text.</param>
/// <param name="Network">The connector name.</param>
/// <param name="Votes">All votes counted: <paramref name="PollVotes"/> plus <paramref name="PersonVotes"/>.</param>
/// <param name="PollVotes">Anonymous votes from the network's native poll.</param>
/// <param name="PersonVotes">De-duplicated votes of known people (numbered replies, submitted answers) whose counted vote was on this network.</param>
public sealed record OptionNetworkCount(int OptionIndex, string Option, string Network, int Votes, int PollVotes, int PersonVotes);

/// <summary>The count of one term.</summary>
/// <param name="Term">The term.</param>
/// <param name="Count">How often it appeared in accepted texts.</param>
public sealed record TermCount(string Term, int Count);

/// <summary>Accepted responses in one time bucket.</summary>
/// <param name="Start">The bucket's start.</param>
/// <param name="Responses">Accepted responses written in it.</param>
public sealed record TimeBucketCount(DateTimeOffset Start, int Responses);

/// <summary>The results of one question.</summary>
public sealed record QuestionStatistics
{
    /// <summary>The question's index.</summary>
    public required int QuestionIndex { get; init; }

    /// <summary>The question.</summary>
    public required string Text { get; init; }

    /// <summary>The options.</summary>
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>Votes per option × network, every pair listed (zeros too), options in order, networks in campaign order.</summary>
    public required IReadOnlyList<OptionNetworkCount> Cells { get; init; }

    /// <summary>Votes per option across all networks.</summary>
    public required IReadOnlyList<int> Totals { get; init; }

    /// <summary>Known people whose vote counts (each once, whatever the number of networks they voted on).</summary>
    public int CountedVoters { get; init; }

    /// <summary>Anonymous native-poll voters, summed over networks (the networks count each account once; the SDK cannot see who they are).</summary>
    public int AnonymousPollVoters { get; init; }

    /// <summary>Earlier votes of people who voted again (on the same or another network); only their latest counts.</summary>
    public int SupersededVotes { get; init; }

    /// <summary>Votes written after voting ended, not counted.</summary>
    public int LateVotes { get; init; }

    /// <summary>The votes for an option on a network.</summary>
    /// <param name="optionIndex">The option.</param>
    /// <param name="network">The connector name.</param>
    /// <returns>The count; 0 for a pair not in the table.</returns>
    public int Count(int optionIndex, string network)
        => Cells.FirstOrDefault(c => c.OptionIndex == optionIndex && c.Network == network)?.Votes ?? 0;
}

/// <summary>
/// The statistics of a campaign: votes per option × network and combined, unique respondents, responses
/// over time, top terms and what moderation held back; exportable as CSV and JSON.
/// </summary>
/// <remarks>
/// <para><b>One person, one vote (the de-duplication rule).</b> Every response is tied to a respondent:
/// the participant its SNS identity is linked to in <see cref="IIdentityMap"/>, or, when it is not linked,
/// the account itself (<c>sns:{network}:{subject}</c>). For each question only the respondent's
/// <b>latest</b> accepted vote counts (latest by the time the network gives the post; on a tie, the one
/// whose network and item id sort last, so the result never depends on reading order). It is counted on
/// the network it was cast on. A person linked on two networks who votes on both is therefore counted
/// once; their earlier votes are reported as <see cref="QuestionStatistics.SupersededVotes"/>.</para>
/// <para>Native poll votes are anonymous: networks report only counts, so they are added per network as
/// they are and cannot be matched with people. Votes written after <see cref="OpinionCampaign.VotingEndsAt"/>
/// and items held back by moderation are not counted (they are reported).</para>
/// </remarks>
public sealed record CampaignStatistics
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The campaign.</summary>
    public required string CampaignId { get; init; }

    /// <summary>The campaign's title.</summary>
    public required string Title { get; init; }

    /// <summary>When the statistics were computed.</summary>
    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>The networks, in campaign order.</summary>
    public required IReadOnlyList<string> Networks { get; init; }

    /// <summary>Per question results.</summary>
    public required IReadOnlyList<QuestionStatistics> Questions { get; init; }

    /// <summary>Every collected response, accepted or not.</summary>
    public int TotalResponses { get; init; }

    /// <summary>Responses moderation accepted.</summary>
    public int AcceptedResponses { get; init; }

    /// <summary>Responses moderation held back.</summary>
    public int FilteredResponses { get; init; }

    /// <summary>Held-back responses per filter name.</summary>
    public IReadOnlyDictionary<string, int> FilteredByFilter { get; init; } = new Dictionary<string, int>();

    /// <summary>People (de-duplicated across networks) with at least one accepted response. Anonymous poll voters are not included.</summary>
    public int UniqueRespondents { get; init; }

    /// <summary>Accepted responses per time bucket, oldest first, empty buckets left out.</summary>
    public IReadOnlyList<TimeBucketCount> ResponsesOverTime { get; init; } = [];

    /// <summary>The most frequent terms in accepted texts, most frequent first (ties in ordinal order).</summary>
    public IReadOnlyList<TermCount> TopTerms { get; init; } = [];

    /// <summary>Computes statistics from collected responses and poll counts.</summary>
    /// <param name="campaign">The campaign.</param>
    /// <param name="responses">Every collected response.</param>
    /// <param name="tallies">The native polls' latest counts.</param>
    /// <param name="options">Settings; defaults when <see langword="null"/>.</param>
    /// <returns>The statistics.</returns>
    public static CampaignStatistics Compute(OpinionCampaign campaign, IReadOnlyList<OpinionResponse> responses, IReadOnlyList<PollTally> tallies, StatisticsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(responses);
        ArgumentNullException.ThrowIfNull(tallies);
        options ??= new StatisticsOptions();
        if (options.TimeBucket <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("StatisticsOptions.TimeBucket", "must be longer than zero.");
        }

        var networks = campaign.Networks;
        var networkIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < networks.Count; n++)
        {
            networkIndex[networks[n]] = n;
        }

        var questionCount = campaign.Questions.Count;
        var winners = new Dictionary<string, int>[questionCount];
        var superseded = new int[questionCount];
        var late = new int[questionCount];
        for (var q = 0; q < questionCount; q++)
        {
            winners[q] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        var respondents = new HashSet<string>(StringComparer.Ordinal);
        var filteredBy = new Dictionary<string, int>(StringComparer.Ordinal);
        var buckets = new Dictionary<long, int>();
        var bucketTicks = options.TimeBucket.Ticks;
        var votingEnds = campaign.VotingEndsAt;
        var accepted = 0;

        for (var r = 0; r < responses.Count; r++)
        {
            var response = responses[r];
            if (!response.Moderation.Accepted)
            {
                var filter = response.Moderation.Filter ?? "unknown";
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(filteredBy, filter, out _);
                slot++;
                continue;
            }

            accepted++;
            var utcTicks = response.CreatedAt.UtcTicks;
            ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(buckets, utcTicks - (utcTicks % bucketTicks), out _);
            bucket++;

            // Counted voters join the respondents from the winner tables at the end: one set insertion per
            // person instead of one per vote.
            if (response.Kind is not (ResponseKind.Vote or ResponseKind.Submitted) || response.OptionIndexes.Count == 0
                || response.QuestionIndex is not { } question || (uint)question >= (uint)questionCount)
            {
                respondents.Add(response.RespondentKey);
                continue;
            }

            if (response.CreatedAt >= votingEnds)
            {
                respondents.Add(response.RespondentKey);
                late[question]++;
                continue;
            }

            ref var winner = ref CollectionsMarshal.GetValueRefOrAddDefault(winners[question], response.RespondentKey, out var exists);
            if (!exists)
            {
                winner = r;
            }
            else
            {
                superseded[question]++;
                if (IsLater(response, responses[winner]))
                {
                    winner = r;
                }
            }
        }

        foreach (var table in winners)
        {
            respondents.UnionWith(table.Keys);
        }

        var questions = new List<QuestionStatistics>(questionCount);
        for (var q = 0; q < questionCount; q++)
        {
            var question = campaign.Questions[q];
            var optionCount = question.Options.Count;
            var poll = new int[optionCount, networks.Count];
            var person = new int[optionCount, networks.Count];
            var anonymous = 0;
            foreach (var tally in tallies)
            {
                if (tally.QuestionIndex != q || !networkIndex.TryGetValue(tally.Network, out var n))
                {
                    continue;
                }

                for (var o = 0; o < optionCount && o < tally.Counts.Count; o++)
                {
                    poll[o, n] += tally.Counts[o];
                }

                anonymous += tally.VotersCount ?? tally.Counts.Sum();
            }

            foreach (var index in winners[q].Values)
            {
                var vote = responses[index];
                if (!networkIndex.TryGetValue(vote.Network, out var n))
                {
                    continue;
                }

                foreach (var o in vote.OptionIndexes)
                {
                    if ((uint)o < (uint)optionCount)
                    {
                        person[o, n]++;
                    }
                }
            }

            var cells = new List<OptionNetworkCount>(optionCount * networks.Count);
            var totals = new int[optionCount];
            for (var o = 0; o < optionCount; o++)
            {
                for (var n = 0; n < networks.Count; n++)
                {
                    var votes = poll[o, n] + person[o, n];
                    totals[o] += votes;
                    cells.Add(new OptionNetworkCount(o, question.Options[o], networks[n], votes, poll[o, n], person[o, n]));
                }
            }

            questions.Add(new QuestionStatistics
            {
                QuestionIndex = q,
                Text = question.Text,
                Options = question.Options,
                Cells = cells,
                Totals = totals,
                CountedVoters = winners[q].Count,
                AnonymousPollVoters = anonymous,
                SupersededVotes = superseded[q],
                LateVotes = late[q],
            });
        }

        return new CampaignStatistics
        {
            CampaignId = campaign.Id,
            Title = campaign.Title,
            ComputedAt = options.ComputedAt ?? campaign.StartedAt,
            Networks = networks,
            Questions = questions,
            TotalResponses = responses.Count,
            AcceptedResponses = accepted,
            FilteredResponses = responses.Count - accepted,
            FilteredByFilter = filteredBy,
            UniqueRespondents = respondents.Count,
            ResponsesOverTime = buckets.OrderBy(b => b.Key).Select(b => new TimeBucketCount(new DateTimeOffset(b.Key, TimeSpan.Zero), b.Value)).ToList(),
            TopTerms = options.TopTerms > 0 ? CountTerms(responses, options.TopTerms) : [],
        };
    }

    /// <summary>
    /// The option × network table as CSV (RFC 4180, UTF-8 text, <c>\r\n</c> line ends): one row per question,
    /// option and network, then one row per option with the network <c>all</c> for the combined count.
    /// </summary>
    /// <returns>The CSV text.</returns>
    public string ToCsv()
    {
        var builder = new StringBuilder();
        builder.Append("question_index,question,option_index,option,network,votes,poll_votes,person_votes\r\n");
        foreach (var question in Questions)
        {
            foreach (var cell in question.Cells)
            {
                AppendRow(builder, question, cell.OptionIndex, cell.Option, cell.Network, cell.Votes, cell.PollVotes, cell.PersonVotes);
            }

            for (var o = 0; o < question.Options.Count; o++)
            {
                var poll = question.Cells.Where(c => c.OptionIndex == o).Sum(c => c.PollVotes);
                var person = question.Cells.Where(c => c.OptionIndex == o).Sum(c => c.PersonVotes);
                AppendRow(builder, question, o, question.Options[o], "all", question.Totals[o], poll, person);
            }
        }

        return builder.ToString();
    }

    /// <summary>Everything as indented JSON (camelCase names, enums as strings).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The statistics as a fixed-width text table for consoles and logs.</summary>
    /// <returns>The table.</returns>
    public string ToTable()
    {
        var builder = new StringBuilder();
        foreach (var question in Questions)
        {
            builder.Append("Q").Append(question.QuestionIndex + 1).Append(": ").Append(question.Text).Append('\n');
            var width = Math.Max(8, question.Options.Max(o => o.Length) + 2);
            builder.Append("option".PadRight(width));
            foreach (var network in Networks)
            {
                builder.Append(network.PadLeft(Math.Max(10, network.Length + 2)));
            }

            builder.Append("all".PadLeft(10)).Append('\n');
            for (var o = 0; o < question.Options.Count; o++)
            {
                builder.Append(question.Options[o].PadRight(width));
                foreach (var network in Networks)
                {
                    builder.Append(question.Count(o, network).ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(10, network.Length + 2)));
                }

                builder.Append(question.Totals[o].ToString(CultureInfo.InvariantCulture).PadLeft(10)).Append('\n');
            }

            builder.Append(CultureInfo.InvariantCulture, $"counted voters {question.CountedVoters}, anonymous poll voters {question.AnonymousPollVoters}, superseded {question.SupersededVotes}, late {question.LateVotes}\n\n");
        }

        builder.Append(CultureInfo.InvariantCulture, $"responses {TotalResponses}, accepted {AcceptedResponses}, filtered {FilteredResponses}, unique respondents {UniqueRespondents}\n");
        if (FilteredByFilter.Count > 0)
        {
            builder.Append("filtered by: ").Append(string.Join(", ", FilteredByFilter.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}"))).Append('\n');
        }

        if (TopTerms.Count > 0)
        {
            builder.Append("top terms: ").Append(string.Join(", ", TopTerms.Select(t => $"{t.Term} ({t.Count})"))).Append('\n');
        }

        return builder.ToString();
    }

    private static bool IsLater(OpinionResponse candidate, OpinionResponse current)
    {
        var byTime = candidate.CreatedAt.CompareTo(current.CreatedAt);
        if (byTime != 0)
        {
            return byTime > 0;
        }

        var byNetwork = string.CompareOrdinal(candidate.Network, current.Network);
        return byNetwork != 0 ? byNetwork > 0 : string.CompareOrdinal(candidate.ItemId, current.ItemId) > 0;
    }

    private static List<TermCount> CountTerms(IReadOnlyList<OpinionResponse> responses, int top)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var terms = new List<string>();
        for (var r = 0; r < responses.Count; r++)
        {
            var response = responses[r];
            if (!response.Moderation.Accepted || response.Text.Length == 0)
            {
                continue;
            }

            terms.Clear();
            TermTokenizer.Tokenize(response.Text, terms);
            foreach (var term in terms)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, term, out _);
                slot++;
            }
        }

        return counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(top)
            .Select(c => new TermCount(c.Key, c.Value))
            .ToList();
    }

    private static void AppendRow(StringBuilder builder, QuestionStatistics question, int option, string optionText, string network, int votes, int poll, int person)
    {
        builder.Append(question.QuestionIndex.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Csv(question.Text)).Append(',')
            .Append(option.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(Csv(optionText)).Append(',')
            .Append(Csv(network)).Append(',')
            .Append(votes.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(poll.ToString(CultureInfo.InvariantCulture)).Append(',')
            .Append(person.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
    }

    private static string Csv(string value)
    {
        // Quoting also neutralises a leading '=', '+', '-' or '@' that a spreadsheet would run as a formula.
        var needsQuotes = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && value[0] is '=' or '+' or '-' or '@');
        if (!needsQuotes)
        {
            return value;
        }

        var escaped = value.Replace("\"", "\"\"", StringComparison.Ordinal);
        return value.Length > 0 && value[0] is '=' or '+' or '-' or '@' ? "\"'" + escaped + "\"" : "\"" + escaped + "\"";
    }
}
