using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Mastodon;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BrandPoll;

/// <summary>
/// The sample's whole flow, callable from tests: sign in as the brand, read what the network allows, then either show
/// the poll it would post (dry run), post it and read the votes back, or read the results of an earlier poll.
/// </summary>
public static class BrandPollApp
{
    /// <summary>The connector name the brand account is registered under.</summary>
    public const string ConnectorName = "brand";

    /// <summary>Exit code for a configuration or input problem; nothing was sent.</summary>
    public const int ConfigurationError = 2;

    /// <summary>Exit code when the network refused the brand's credential.</summary>
    public const int CredentialError = 3;

    /// <summary>Exit code when the network failed a call.</summary>
    public const int ProviderError = 4;

    /// <summary>Reads appsettings.json, user secrets, environment variables (<c>CoCreation__Mastodon__AccessToken</c>) and the command line (<c>--Poll:Publish=true</c>), later sources winning.</summary>
    public static IConfigurationRoot LoadConfiguration(string[] args) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddUserSecrets(typeof(BrandPollApp).Assembly, optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();

    /// <summary>Runs the sample and returns its exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken cancellationToken = default)
    {
        PollSettings settings;
        try
        {
            settings = PollSettings.Read(configuration.GetSection("Poll"));
        }
        catch (CoCreationValidationException ex)
        {
            output.WriteLine($"Configuration error: {ex.Message}");
            return ConfigurationError;
        }

        var networkKind = (configuration["CoCreation:Network"] ?? "Embedded").Trim();
        var services = new ServiceCollection();
        var builder = services.AddCoCreation();
        SimulatedAudience? audience = null;
        SnsCredential brandCredential;
        switch (networkKind.ToLowerInvariant())
        {
            case "embedded":
                audience = SimulatedAudience.Create(followers: 120);
                builder.AddEmbeddedSns(ConnectorName, audience.Network, audience.Brand.Credential);
                brandCredential = audience.Brand.Credential;
                break;
            case "mastodon":
                var section = configuration.GetSection("CoCreation:Mastodon");
                if (string.IsNullOrWhiteSpace(section["AccessToken"]))
                {
                    output.WriteLine("Configuration error: CoCreation:Mastodon:AccessToken is not set. Keep it out of files: "
                        + "`dotnet user-secrets set CoCreation:Mastodon:AccessToken <token> --project samples/BrandPoll` "
                        + "or the environment variable CoCreation__Mastodon__AccessToken.");
                    return ConfigurationError;
                }

                builder.AddMastodon(ConnectorName, section);
                brandCredential = new SnsCredential(section["AccessToken"]!);
                break;
            default:
                output.WriteLine($"Configuration error: CoCreation:Network is '{networkKind}'; use Embedded or Mastodon.");
                return ConfigurationError;
        }

        await using var provider = services.BuildServiceProvider();
        try
        {
            return await RunAsync(provider.GetRequiredKeyedService<ISnsConnector>(ConnectorName), brandCredential, settings, audience, output, cancellationToken);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                output.WriteLine($"Configuration error: {failure}");
            }

            return ConfigurationError;
        }
        catch (CoCreationValidationException ex)
        {
            output.WriteLine($"Not sent: {ex.Message}");
            return ConfigurationError;
        }
        catch (CredentialException ex)
        {
            // The message names the problem, never the token.
            output.WriteLine($"The network refused the brand's credential: {ex.Message}");
            return CredentialError;
        }
        catch (ProviderException ex)
        {
            output.WriteLine($"The network failed the call: {ex.Message}");
            return ProviderError;
        }
        finally
        {
            audience?.Network.Dispose();
        }
    }

    private static async Task<int> RunAsync(
        ISnsConnector connector,
        SnsCredential brandCredential,
        PollSettings settings,
        SimulatedAudience? audience,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var brand = await connector.VerifyCredentialsAsync(brandCredential, cancellationToken);
        if (connector is MastodonConnector mastodon)
        {
            // Every instance sets its own limits; read them before checking the poll against them.
            await mastodon.RefreshCapabilitiesAsync(cancellationToken);
        }

        var where = connector.Metadata.Instance is { } instance ? $"{connector.Metadata.DisplayName} ({instance})" : connector.Metadata.DisplayName;
        output.WriteLine($"Signed in as @{brand.Handle} on {where}.");
        var caps = connector.Capabilities;
        output.WriteLine(caps.SupportsPolls
            ? $"Polls here: up to {caps.MaxPollOptions} options of {caps.MaxPollOptionLength} characters, open {Describe(caps.MinPollDuration)} to {Describe(caps.MaxPollDuration)}; posts up to {caps.MaxPostLength} characters."
            : $"This network has no native polls; posts up to {caps.MaxPostLength} characters.");

        if (settings.ResultsOf is { } pollId)
        {
            PrintResults(await connector.GetPollResultsAsync(pollId, cancellationToken), output);
            return 0;
        }

        var problems = settings.ProblemsOn(caps);
        if (problems.Count > 0)
        {
            output.WriteLine("This poll does not fit the network, so nothing was sent:");
            foreach (var problem in problems)
            {
                output.WriteLine($"  - {problem}");
            }

            return ConfigurationError;
        }

        output.WriteLine();
        output.WriteLine($"Question: {settings.Question}");
        for (var i = 0; i < settings.Options.Count; i++)
        {
            output.WriteLine($"  {i + 1}. {settings.Options[i]}");
        }

        output.WriteLine($"Open for {Describe(settings.Duration)}.");
        if (audience is null && !settings.Publish)
        {
            output.WriteLine();
            output.WriteLine("Dry run: nothing was posted. Set Poll:Publish=true (for example --Poll:Publish=true) to post it.");
            return 0;
        }

        var poll = await connector.CreatePollAsync(
            new PollRequest
            {
                Question = settings.Question,
                Options = settings.Options,
                Duration = settings.Duration,
                // The same poll asked again within the network's key lifetime returns the first post instead of a second one.
                IdempotencyKey = settings.IdempotencyKey,
            },
            cancellationToken);
        output.WriteLine();
        output.WriteLine($"Posted poll {poll.Id}{(poll.Post.Url is { } url ? $" at {url}" : string.Empty)}, open until {poll.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}.");

        int[]? planted = null;
        if (audience is not null)
        {
            planted = audience.Vote(poll.Id, poll.Options.Count, seed: 2026);
            output.WriteLine($"{planted.Sum()} simulated followers voted.");
        }

        var results = await connector.GetPollResultsAsync(poll.Id, cancellationToken);
        PrintResults(results, output);
        if (planted is not null)
        {
            var counted = results.Options.Select(o => o.Votes).ToArray();
            if (!counted.SequenceEqual(planted))
            {
                output.WriteLine($"Mismatch: planted {string.Join(", ", planted)} but the network counted {string.Join(", ", counted)}.");
                return 1;
            }

            output.WriteLine("The counts match the votes the simulated followers cast.");
        }
        else
        {
            output.WriteLine($"Read the results later with: dotnet run --project samples/BrandPoll -- --CoCreation:Network=Mastodon --Poll:ResultsOf={poll.Id}");
        }

        return 0;
    }

    private static void PrintResults(PollResults results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Results of poll {results.PollId} ({(results.IsClosed ? "closed" : "open until " + results.ExpiresAt.ToString("u", CultureInfo.InvariantCulture))}):");
        var total = results.Options.Sum(o => o.Votes);
        var width = Math.Max("total".Length, results.Options.Count == 0 ? 0 : results.Options.Max(o => o.Title.Length));
        foreach (var option in results.Options)
        {
            var share = total == 0 ? 0 : (double)option.Votes / total;
            output.WriteLine($"  {option.Title.PadRight(width)}  {option.Votes,5}  {share,6:P1}  {new string('#', (int)Math.Round(share * 30))}");
        }

        output.WriteLine($"  {"total".PadRight(width)}  {total,5}{(results.VotersCount is { } voters ? $"  ({voters} voters)" : string.Empty)}");
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays) ? $"{span.TotalDays:0} day(s)"
        : span.TotalHours >= 1 && span.TotalHours == Math.Floor(span.TotalHours) ? $"{span.TotalHours:0} hour(s)"
        : $"{span.TotalMinutes:0.#} minute(s)";

    /// <summary>The poll as configured under <c>Poll</c>.</summary>
    private sealed record PollSettings(string Question, IReadOnlyList<string> Options, TimeSpan Duration, bool Publish, string? ResultsOf)
    {
        public string IdempotencyKey
        {
            get
            {
                var text = string.Join('\n', [Question, .. Options, Duration.ToString("c", CultureInfo.InvariantCulture)]);
                return "brandpoll-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
            }
        }

        public static PollSettings Read(IConfiguration section)
        {
            var resultsOf = section["ResultsOf"];
            var question = section["Question"]?.Trim() ?? string.Empty;
            var options = section.GetSection("Options").GetChildren().Select(c => c.Value?.Trim() ?? string.Empty).ToList();
            var durationText = section["Duration"];
            var duration = TimeSpan.FromDays(1);
            if (!string.IsNullOrWhiteSpace(durationText) && !TimeSpan.TryParse(durationText, CultureInfo.InvariantCulture, out duration))
            {
                throw new CoCreationValidationException("Poll:Duration", $"'{durationText}' is not a duration (for example 1.00:00:00 for a day).");
            }

            if (!string.IsNullOrWhiteSpace(resultsOf))
            {
                return new PollSettings(question, options, duration, false, resultsOf.Trim());
            }

            CoCreationGuard.NotBlank(question, "Poll:Question");
            if (options.Count < 2)
            {
                throw new CoCreationValidationException("Poll:Options", "a poll needs at least two options.");
            }

            if (options.Any(string.IsNullOrEmpty))
            {
                throw new CoCreationValidationException("Poll:Options", "an option is empty.");
            }

            if (options.Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Count)
            {
                throw new CoCreationValidationException("Poll:Options", "two options are the same.");
            }

            var publishText = section["Publish"];
            var publish = false;
            if (!string.IsNullOrWhiteSpace(publishText) && !bool.TryParse(publishText, out publish))
            {
                throw new CoCreationValidationException("Poll:Publish", $"'{publishText}' is not true or false.");
            }

            return new PollSettings(question, options, duration, publish, null);
        }

        public List<string> ProblemsOn(SnsCapabilities caps)
        {
            var problems = new List<string>();
            if (!caps.SupportsPolls)
            {
                problems.Add("the network has no native polls (the Opinions module's numbered-reply vote covers such networks).");
                return problems;
            }

            if (Options.Count > caps.MaxPollOptions)
            {
                problems.Add($"Poll:Options has {Options.Count} options; this network allows {caps.MaxPollOptions}.");
            }

            foreach (var option in Options.Where(o => o.Length > caps.MaxPollOptionLength))
            {
                problems.Add($"Poll:Options: '{option}' has {option.Length} characters; this network allows {caps.MaxPollOptionLength}.");
            }

            if (Duration < caps.MinPollDuration || Duration > caps.MaxPollDuration)
            {
                problems.Add($"Poll:Duration is {Describe(Duration)}; this network allows {Describe(caps.MinPollDuration)} to {Describe(caps.MaxPollDuration)}.");
            }

            if (Question.Length > caps.MaxPostLength)
            {
                problems.Add($"Poll:Question has {Question.Length} characters; posts here allow {caps.MaxPostLength}.");
            }

            return problems;
        }
    }

    /// <summary>An embedded network with the brand and simulated followers who vote, so the sample runs without an account anywhere.</summary>
    private sealed class SimulatedAudience
    {
        private SimulatedAudience(EmbeddedSnsNetwork network, EmbeddedSnsAccount brand, IReadOnlyList<EmbeddedSnsAccount> followers)
        {
            Network = network;
            Brand = brand;
            Followers = followers;
        }

        public EmbeddedSnsNetwork Network { get; }

        public EmbeddedSnsAccount Brand { get; }

        public IReadOnlyList<EmbeddedSnsAccount> Followers { get; }

        public static SimulatedAudience Create(int followers)
        {
            var network = new EmbeddedSnsNetwork();
            var brand = network.RegisterAccount("dongafashion", "Dong-A Fashion", "en-US");
            var accounts = Enumerable.Range(1, followers).Select(i => network.RegisterAccount($"follower{i:000}")).ToList();
            return new SimulatedAudience(network, brand, accounts);
        }

        /// <summary>Each follower votes with a fixed seed (some abstain); returns the votes planted per option.</summary>
        public int[] Vote(string pollId, int optionCount, int seed)
        {
            var random = new Random(seed);
            var planted = new int[optionCount];
            foreach (var follower in Followers)
            {
                if (random.NextDouble() < 0.2)
                {
                    continue;
                }

                // Skewed towards the first options, as real preferences usually are.
                var choice = Math.Min(optionCount - 1, (int)(optionCount * Math.Pow(random.NextDouble(), 1.6)));
                Network.Vote(follower.Credential, pollId, choice);
                planted[choice]++;
            }

            return planted;
        }
    }
}
