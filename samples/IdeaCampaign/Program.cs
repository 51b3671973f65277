using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Opinions.Charts;
using Microsoft.Extensions.DependencyInjection;

// An opinion campaign on three simulated networks: "social" has native polls, "micro" has none, and
// "photo" has polls of at most two options, so a four-option question falls back to numbered replies
// there. A few hundred simulated consumers answer (seeded, so every run plants the same answers); the
// sample collects, moderates and counts, prints the table, writes a PNG chart, a CSV and a JSON file,
// and checks every count against what it planted. Exit code 0 only when everything matches.
//
// Usage: dotnet run --project samples/IdeaCampaign [-- --out <folder>] [--seed <n>] [--people <n>]
var outFolder = Arg("--out") ?? DefaultOutFolder();
var seed = int.Parse(Arg("--seed") ?? "2026", CultureInfo.InvariantCulture);
var people = int.Parse(Arg("--people") ?? "300", CultureInfo.InvariantCulture);
string[] options = ["Ivory", "Navy", "Olive", "Coral"];

var clock = new SimulatedClock(new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.Zero));
var random = new Random(seed);
using var social = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { EnablePolls = true, MaxPollOptions = 4, CredentialLifetime = TimeSpan.FromDays(365) }, clock);
using var micro = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { EnablePolls = false, MaxPostLength = 300, CredentialLifetime = TimeSpan.FromDays(365) }, clock);
using var photo = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { EnablePolls = true, MaxPollOptions = 2, CredentialLifetime = TimeSpan.FromDays(365) }, clock);
var networks = new Dictionary<string, EmbeddedSnsNetwork> { ["social"] = social, ["micro"] = micro, ["photo"] = photo };

var ideaRule = new IdeaThresholdRule { Supporters = 5, Within = TimeSpan.FromDays(7) };
var services = new ServiceCollection();
var builder = services.AddCoCreation();
foreach (var (name, network) in networks)
{
    builder.AddEmbeddedSns(name, network, network.RegisterAccount("dongafashion", "Dong-A Fashion").Credential);
}

builder.AddOpinions(o =>
{
    o.BrandName = "Dong-A Fashion";
    o.Moderation.BannedWordsEnglish.Add("scam");
    o.Moderation.BannedWordsKorean.Add("사기");
    o.Moderation.MinAccountAge = TimeSpan.FromDays(3);
    o.IdeaThresholds.Clear();
    o.IdeaThresholds.Add(ideaRule);
});
services.AddSingleton<TimeProvider>(clock);
await using var provider = services.BuildServiceProvider();
var campaigns = provider.GetRequiredService<OpinionCampaigns>();
var ideas = provider.GetRequiredService<IdeaBoard>();
var signIn = provider.GetRequiredService<ISnsSignIn>();
var identities = provider.GetRequiredService<IIdentityMap>();

// Consumers: most on one network, some on two (linked in the identity map, so they count once).
var expected = new Dictionary<(int Option, string Network), int>();
var consumers = new List<Consumer>();
var names = new[] { "social", "micro", "photo" };
for (var i = 0; i < people; i++)
{
    var home = names[random.Next(names.Length)];
    var account = networks[home].RegisterAccount($"c{i:000}");
    Consumer consumer = new(i, home, account, null, null);
    if (home != "social" && random.NextDouble() < 0.2)
    {
        // A person on both networks without native polls, linked by signing in on both.
        var other = home == "micro" ? "photo" : "micro";
        var session = await signIn.SignInAsync(home, account.Credential);
        var second = networks[other].RegisterAccount($"c{i:000}");
        await identities.LinkSnsAsync(session, other, second.Credential);
        consumer = consumer with { SecondNetwork = other, SecondAccount = second };
    }

    consumers.Add(consumer);
}

clock.Advance(TimeSpan.FromDays(30));
var campaign = await campaigns.StartAsync(new OpinionCampaignRequest
{
    Title = "Spring coat colours",
    Questions = [new OpinionQuestion { Text = "Which colour should the spring coat come in?", Options = options, Duration = TimeSpan.FromDays(3) }],
    Keywords = ["#springcoat"],
    Language = "en",
});
Console.WriteLine($"Campaign {campaign.Id} started on {campaign.Networks.Count} networks:");
foreach (var publication in campaign.Publications)
{
    Console.WriteLine($"  {publication.Network,-7} {publication.Method,-16} ({publication.Reason})");
}

var byNetwork = campaign.Publications.ToDictionary(p => p.Network);
var planted = new PlantedCounts();
foreach (var consumer in consumers)
{
    clock.Advance(TimeSpan.FromMinutes(random.Next(1, 6)));
    var choice = random.Next(options.Length);
    var roll = random.NextDouble();
    if (roll < 0.08)
    {
        // An opinion in words instead of a vote (and a hashtag post now and then).
        var text = random.Next(3) switch
        {
            0 => "Linen would be lovely for spring",
            1 => "Please add deeper pockets",
            _ => "A hood would help in the rain",
        };
        Reply(consumer.Home, consumer.Account, text + $" (c{consumer.Index})");
        planted.Opinions++;
        continue;
    }

    if (roll < 0.12)
    {
        networks[consumer.Home].Post(consumer.Account.Credential, $"Can't wait for the #springcoat, c{consumer.Index} here");
        planted.HashtagPosts++;
        continue;
    }

    Vote(consumer.Home, consumer.Account, choice);
    if (consumer.SecondAccount is { } second && random.NextDouble() < 0.6)
    {
        // They vote again on their other network later; only this later vote counts.
        clock.Advance(TimeSpan.FromMinutes(10));
        var later = random.Next(options.Length);
        planted.Remove(consumer.Home, choice);
        Vote(consumer.SecondNetwork!, second, later);
        planted.Superseded++;
    }
}

// Votes moderation must hold back: abuse, link spam, and accounts created yesterday.
for (var i = 0; i < 6; i++)
{
    var spammer = micro.RegisterAccount($"spam{i}");
    clock.Advance(TimeSpan.FromMinutes(1));
    micro.Post(spammer.Credential, i % 2 == 0 ? "1 this is a scam" : "2 http://x.example http://y.example http://z.example", byNetwork["micro"].PostId);
    planted.Filtered++;
}

for (var i = 0; i < 4; i++)
{
    var fresh = photo.RegisterAccount($"fresh{i}");
    clock.Advance(TimeSpan.FromMinutes(2));
    photo.Post(fresh.Credential, "3", byNetwork["photo"].PostId);
    planted.Filtered++;
}

// Collect until every source is read (resumable: each run continues from the stored cursors).
var collected = 0;
for (var run = 0; run < 100; run++)
{
    var report = await campaigns.CollectAsync(campaign.Id);
    collected += report.NewResponses;
    if (report.Errors.Count > 0)
    {
        Console.Error.WriteLine("Collection errors: " + string.Join("; ", report.Errors));
        return 1;
    }

    if (!report.HasMore)
    {
        break;
    }
}

clock.Advance(TimeSpan.FromDays(3));
await campaigns.CloseAsync(campaign.Id);
var statistics = await campaigns.GetStatisticsAsync(campaign.Id, new StatisticsOptions { TimeBucket = TimeSpan.FromHours(6) });

Console.WriteLine();
Console.WriteLine(statistics.ToTable());

// Ideas: three opinions become ideas, people support them, one crosses the threshold, two duplicates merge.
// What is planted here is kept apart from what the calls return; the checks at the end read the ideas back
// from the store and the supporters' mentions from the network.
var responses = await campaigns.GetResponsesAsync(campaign.Id).ToListAsync();
var opinionPosts = responses.Where(r => r.Kind == ResponseKind.Reply && r.Moderation.Accepted).Take(3).ToList();
var plantedIdeas = new List<(string Id, string Title, OpinionResponse Source)>();
var plantedSupporters = new List<EmbeddedSnsAccount>();
string? plantedMerge = null;
foreach (var opinion in opinionPosts)
{
    var title = opinion.Text.Split(" (c", StringSplitOptions.None)[0];
    var idea = await ideas.SubmitFromPostAsync(
        new CoCreation.Sdk.Sns.SnsPost { Id = opinion.ItemId, Network = opinion.Network, AuthorSubject = opinion.AuthorSubject, AuthorHandle = opinion.AuthorHandle ?? opinion.AuthorSubject, Text = opinion.Text, CreatedAt = opinion.CreatedAt },
        title);
    plantedIdeas.Add((idea.Id, title, opinion));
}

if (plantedIdeas.Count >= 2)
{
    foreach (var supporter in consumers.Where(c => c.Home == "social").Take(ideaRule.Supporters))
    {
        clock.Advance(TimeSpan.FromHours(1));
        plantedSupporters.Add(supporter.Account);
        var result = await ideas.SupportAsync(plantedIdeas[0].Id, IdeaPersonRef.Sns("social", supporter.Account.Subject, supporter.Account.Handle));
        if (result.StageChange is { } change)
        {
            Console.WriteLine($"Idea '{change.Idea.Title}' moved to {change.Change.To} ({change.Change.Reason}); {change.Notified} supporters told over SNS.");
        }
    }

    var merge = await ideas.MergeAsync(plantedIdeas[1].Id, plantedIdeas[0].Id, "staff:product-team", "same request");
    plantedMerge = plantedIdeas[1].Id;
    Console.WriteLine($"Merged idea {merge.Duplicate.Id} into {merge.Target.Id}: {merge.Target.SupportCount} supporters, authors {merge.Target.Authors.Count}.");
}

// Files.
Directory.CreateDirectory(outFolder);
var csvPath = Path.Combine(outFolder, "idea-campaign.csv");
var jsonPath = Path.Combine(outFolder, "idea-campaign.json");
var pngPath = Path.Combine(outFolder, "idea-campaign.png");
await File.WriteAllTextAsync(csvPath, statistics.ToCsv());
await File.WriteAllTextAsync(jsonPath, statistics.ToJson());
ChartImage chart;
try
{
    chart = await CampaignChart.SavePngAsync(statistics, pngPath, new ChartOptions { Width = 900, Height = 500 });
}
catch (ChartFontNotFoundException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

Console.WriteLine();
Console.WriteLine($"Wrote {Path.GetFullPath(csvPath)}");
Console.WriteLine($"Wrote {Path.GetFullPath(jsonPath)}");
Console.WriteLine($"Wrote {Path.GetFullPath(pngPath)} ({chart.Width}x{chart.Height}, font {chart.FontFamily})");

// Checks: the table and the CSV against what was planted.
var failures = new List<string>();
var question = statistics.Questions[0];
foreach (var network in campaign.Networks)
{
    for (var o = 0; o < options.Length; o++)
    {
        Check($"table {network}/{options[o]}", planted.Get(network, o), question.Count(o, network));
    }
}

for (var o = 0; o < options.Length; o++)
{
    Check($"table all/{options[o]}", campaign.Networks.Sum(n => planted.Get(n, o)), question.Totals[o]);
}

var csvRows = File.ReadAllLines(csvPath).Skip(1).Select(l => l.Split(',')).ToList();
foreach (var row in csvRows)
{
    var option = int.Parse(row[2], CultureInfo.InvariantCulture);
    var network = row[4];
    var votes = int.Parse(row[5], CultureInfo.InvariantCulture);
    var expectedVotes = network == "all" ? campaign.Networks.Sum(n => planted.Get(n, option)) : planted.Get(network, option);
    Check($"csv {network}/{row[3]}", expectedVotes, votes);
}

Check("csv rows", options.Length * (campaign.Networks.Count + 1), csvRows.Count);
Check("filtered responses", planted.Filtered, statistics.FilteredResponses);
Check("superseded votes", planted.Superseded, question.SupersededVotes);
Check("opinion and hashtag responses", planted.Opinions + planted.HashtagPosts, responses.Count(r => r.Kind is ResponseKind.Reply or ResponseKind.SearchHit));
// The ideas, read back from the store, against what was planted.
var stored = (await ideas.ListAsync(includeHidden: true)).ToDictionary(i => i.Id);
Check("ideas stored", Math.Min(3, opinionPosts.Count), plantedIdeas.Count(p => stored.ContainsKey(p.Id)));
foreach (var (id, title, source) in plantedIdeas)
{
    if (!stored.TryGetValue(id, out var idea))
    {
        failures.Add($"idea {id}: planted, not in the store");
        continue;
    }

    Check($"idea {id} title", 1, idea.Title == title ? 1 : 0);
    Check($"idea {id} source post", 1, idea.SourceNetwork == source.Network && idea.SourcePostId == source.ItemId ? 1 : 0);
    Check($"idea {id} author", 1, idea.Authors.Any(a => a.Subject == source.AuthorSubject) ? 1 : 0);
}

if (plantedMerge is not null && stored.TryGetValue(plantedIdeas[0].Id, out var target) && stored.TryGetValue(plantedMerge, out var duplicate))
{
    // Supporters: the planted five (the duplicate had none), each once.
    var supporterSubjects = target.Supporters.Select(s => s.Person.Subject).ToHashSet();
    Check("target supporters", plantedSupporters.Count, target.SupportCount);
    Check("target supporters are the planted ones", plantedSupporters.Count, plantedSupporters.Count(a => supporterSubjects.Contains(a.Subject)));
    Check($"target moved to {ideaRule.To}", 1, target.History.Any(h => h.From == ideaRule.From && h.To == ideaRule.To) ? 1 : 0);

    // Each supporter was told at the network: a mention naming the idea, read from the network itself.
    Check("supporters told over SNS", plantedSupporters.Count, plantedSupporters.Count(a => social.GetMentions(a.Subject).Any(m => m.Text.Contains(target.Title, StringComparison.Ordinal))));

    // The merge: the duplicate points at the target and takes nothing more; the target credits both authors.
    Check("duplicate merged", 1, duplicate.Stage == IdeaStage.Merged && duplicate.MergedInto == target.Id ? 1 : 0);
    Check("target lists the duplicate", 1, target.MergedFrom.Contains(duplicate.Id) ? 1 : 0);
    Check("target credits both authors", 1, plantedIdeas[1].Source.AuthorSubject is { } second && target.Authors.Any(a => a.Subject == second) && target.Authors.Any(a => a.Subject == plantedIdeas[0].Source.AuthorSubject) ? 1 : 0);
}
else
{
    failures.Add($"ideas: the merged pair is not in the store ({opinionPosts.Count} opinions to make ideas from)");
}

var png = await File.ReadAllBytesAsync(pngPath);
Check("png signature", 1, png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }) ? 1 : 0);

Console.WriteLine();
if (failures.Count > 0)
{
    Console.Error.WriteLine($"{failures.Count} count(s) do not match what was planted:");
    failures.ForEach(f => Console.Error.WriteLine("  " + f));
    return 1;
}

Console.WriteLine($"All counts match what was planted ({people} consumers, {collected} responses collected, {planted.Filtered} held back by moderation).");
Console.WriteLine($"The ideas match what was planted: {plantedIdeas.Count} read back from the store, {plantedSupporters.Count} supporters each told at the network, 1 merge.");
return 0;

void Vote(string network, EmbeddedSnsAccount account, int option)
{
    var publication = byNetwork[network];
    if (publication.Method == VoteMethod.NativePoll)
    {
        networks[network].Vote(account.Credential, publication.PollId!, option);
    }
    else
    {
        Reply(network, account, (option + 1).ToString(CultureInfo.InvariantCulture));
    }

    planted.Add(network, option);
}

void Reply(string network, EmbeddedSnsAccount account, string text)
    => networks[network].Post(account.Credential, text, byNetwork[network].PostId);

void Check(string what, int want, int got)
{
    if (want != got)
    {
        failures.Add($"{what}: planted {want}, counted {got}");
    }
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string DefaultOutFolder()
{
    // The sample's own folder when run from a checkout (git-ignored), else next to the binaries.
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "IdeaCampaign.csproj")))
        {
            return Path.Combine(dir.FullName, "out");
        }
    }

    return Path.Combine(AppContext.BaseDirectory, "out");
}

internal sealed record Consumer(int Index, string Home, EmbeddedSnsAccount Account, string? SecondNetwork, EmbeddedSnsAccount? SecondAccount);

/// <summary>What the sample planted, counted the way the statistics must count it.</summary>
internal sealed class PlantedCounts
{
    private readonly Dictionary<(string Network, int Option), int> _votes = [];

    public int Filtered { get; set; }

    public int Superseded { get; set; }

    public int Opinions { get; set; }

    public int HashtagPosts { get; set; }

    public void Add(string network, int option) => _votes[(network, option)] = Get(network, option) + 1;

    public void Remove(string network, int option) => _votes[(network, option)] = Get(network, option) - 1;

    public int Get(string network, int option) => _votes.GetValueOrDefault((network, option));
}

/// <summary>A clock the sample moves by hand, so the simulated weeks pass in a moment.</summary>
internal sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public void Advance(TimeSpan delta)
    {
        lock (_gate)
        {
            _now += delta;
        }
    }
}
