using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using BrandPoll;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.Mastodon.Tests.Samples;

/// <summary>
/// The BrandPoll sample pointed at a Mastodon instance through configuration alone (here the stateful fake, in CI):
/// the same keys a user sets in appsettings.json, user secrets or environment variables.
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed partial class BrandPollSampleTests
{
    private FakeMastodon fake = null!;

    [SetUp]
    public void StartInstance() => fake = new FakeMastodon();

    [TearDown]
    public void StopInstance() => fake.Dispose();

    [Test]
    public async Task ConfiguredForMastodon_PostsThePoll_AndReadsTheVotesBackAsync()
    {
        var (_, brandToken) = fake.AddAccount("dongafashion", "Dong-A Fashion");
        var (_, voterToken) = fake.AddAccount("minji");

        var posted = new StringWriter();
        var exit = await BrandPollApp.RunAsync(Configuration(brandToken, ("Poll:Publish", "true")), posted);
        var pollId = PostedPoll().Match(posted.ToString()).Groups["id"].Value;
        await VoteAsync(pollId, voterToken, choice: 1);
        var read = new StringWriter();
        var readExit = await BrandPollApp.RunAsync(Configuration(brandToken, ("Poll:ResultsOf", pollId)), read);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, posted.ToString());
            Assert.That(posted.ToString(), Does.Contain("Signed in as @dongafashion"));
            Assert.That(pollId, Is.Not.Empty, posted.ToString());
            Assert.That(fake.StatusTexts(), Has.Some.Contains("Which colour for autumn?"));
            Assert.That(readExit, Is.Zero, read.ToString());
            Assert.That(read.ToString(), Does.Match(@"Sage\s+1\s+100[.,]0"));
            Assert.That(read.ToString(), Does.Match(@"Oat\s+0\s"));
            Assert.That(MastodonSpec.Check(fake.WaitForLog()), Is.Empty, "every request the sample made fits the spec");
            Assert.That(posted.ToString() + read.ToString(), Does.Not.Contain(brandToken));
        }
    }

    [Test]
    public async Task ConfiguredForMastodon_WithoutPublish_IsADryRunThatPostsNothingAsync()
    {
        var (_, brandToken) = fake.AddAccount("dongafashion");
        var output = new StringWriter();

        var exit = await BrandPollApp.RunAsync(Configuration(brandToken), output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output.ToString());
            Assert.That(output.ToString(), Does.Contain("Dry run"));
            Assert.That(fake.StatusTexts(), Is.Empty);
            Assert.That(fake.RequestsTo("POST", "/api/v1/statuses"), Is.Zero);
        }
    }

    [Test]
    public async Task APollTheInstanceCannotHold_IsRefusedBeforeAnythingIsSentAsync()
    {
        fake.Limits = new FakeInstanceLimits { MaxPollOptions = 2 };
        var (_, brandToken) = fake.AddAccount("dongafashion");
        var output = new StringWriter();

        var exit = await BrandPollApp.RunAsync(Configuration(brandToken, ("Poll:Publish", "true")), output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(BrandPollApp.ConfigurationError));
            Assert.That(output.ToString(), Does.Contain("Poll:Options has 3 options; this network allows 2"));
            Assert.That(fake.RequestsTo("POST", "/api/v1/statuses"), Is.Zero);
        }
    }

    [Test]
    public async Task ARefusedToken_EndsWithTheCredentialExitCode_AndNeverPrintsTheTokenAsync()
    {
        var (_, brandToken) = fake.AddAccount("dongafashion");
        fake.RevokeToken(brandToken);
        var output = new StringWriter();

        var exit = await BrandPollApp.RunAsync(Configuration(brandToken, ("Poll:Publish", "true")), output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(BrandPollApp.CredentialError), output.ToString());
            Assert.That(output.ToString(), Does.Not.Contain(brandToken));
        }
    }

    [Test]
    public async Task AMissingTokenOrInstance_IsAConfigurationErrorAsync()
    {
        var noToken = new StringWriter();
        var noTokenExit = await BrandPollApp.RunAsync(Configuration(string.Empty), noToken);
        var noInstance = new StringWriter();
        var noInstanceExit = await BrandPollApp.RunAsync(Configuration("token-1", ("CoCreation:Mastodon:Instance", string.Empty)), noInstance);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(noTokenExit, Is.EqualTo(BrandPollApp.ConfigurationError));
            Assert.That(noToken.ToString(), Does.Contain("CoCreation:Mastodon:AccessToken is not set"));
            Assert.That(noInstanceExit, Is.EqualTo(BrandPollApp.ConfigurationError));
            Assert.That(noInstance.ToString(), Does.Contain("Instance is required"));
            Assert.That(fake.TotalRequests, Is.Zero);
        }
    }

    [Test]
    public async Task TheDefaultConfiguration_RunsOnTheEmbeddedNetwork_AndCountsWhatItPlantedAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(PollKeys()).Build();
        var output = new StringWriter();

        var exit = await BrandPollApp.RunAsync(configuration, output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, output.ToString());
            Assert.That(output.ToString(), Does.Contain("The counts match the votes the simulated followers cast."));
            Assert.That(fake.TotalRequests, Is.Zero);
        }
    }

    private IConfiguration Configuration(string token, params (string Key, string Value)[] extra)
    {
        var values = PollKeys();
        values["CoCreation:Network"] = "Mastodon";
        values["CoCreation:Mastodon:Instance"] = fake.Url.ToString();
        values["CoCreation:Mastodon:AccessToken"] = token;
        values["CoCreation:Mastodon:RetryBaseDelay"] = "00:00:00.010";
        values["CoCreation:Mastodon:MaxRetryAttempts"] = "1";
        foreach (var (key, value) in extra)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static Dictionary<string, string?> PollKeys() => new()
    {
        ["Poll:Question"] = "Which colour for autumn?",
        ["Poll:Options:0"] = "Oat",
        ["Poll:Options:1"] = "Sage",
        ["Poll:Options:2"] = "Navy",
        ["Poll:Duration"] = "1.00:00:00",
    };

    private async Task VoteAsync(string pollId, string token, int choice)
    {
        using var client = new HttpClient { BaseAddress = fake.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/polls/{pollId}/votes")
        {
            Content = new StringContent($"{{\"choices\":[{choice}]}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    [GeneratedRegex(@"Posted poll (?<id>\S+)")]
    private static partial Regex PostedPoll();
}
