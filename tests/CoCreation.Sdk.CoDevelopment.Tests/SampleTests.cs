using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>The sample's story, as <c>dotnet run --project samples/CoDevelopment</c> tells it, keeps every expectation.</summary>
[TestFixture]
[Category("Scenario")]
public sealed class SampleTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    [TestCase("00:10:00")]
    [TestCase("00:02:30")]
    [TestCase("03:00:00")]
    public async Task The_story_meets_every_expectation(string window)
    {
        var exit = await SampleApp.RunAsync(Configuration(("CoDevelopment:Project:DigestWindow", window)));
        Assert.That(exit, Is.Zero);
    }

    [Test]
    public async Task Google_Workspace_is_chosen_by_configuration_and_its_options_are_checked_at_start()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            // No credential: the run must stop at start-up validation, before anything is sent to Google.
            exit = await SampleApp.RunAsync(Configuration(("CoDevelopment:Providers:CloudWorkspace", "google"), ("CoDevelopment:Google:ParentFolderId", "folder-1")));
        }
        finally
        {
            Console.SetError(original);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("Google Workspace adapter 'workspace'").And.Contain("a credential is required"));
        }
    }

    [Test]
    public async Task An_unknown_provider_is_refused_by_configuration()
    {
        var exit = await SampleApp.RunAsync(Configuration(("CoDevelopment:Providers:CloudWorkspace", "nowhere")));
        Assert.That(exit, Is.EqualTo(2));
    }
}
