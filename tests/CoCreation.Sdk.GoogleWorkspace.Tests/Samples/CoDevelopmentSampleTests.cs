using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Samples;

/// <summary>
/// The co-development sample switched to Google Workspace through configuration alone (the keys a user sets in
/// appsettings.json or environment variables), here against the stateful Drive and Calendar fake.
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed class CoDevelopmentSampleTests
{
    [Test]
    public async Task ConfiguredForGoogle_ProvisionsSharesSchedulesAndRevokesAtGoogleAsync()
    {
        using var fake = new FakeGoogle();
        var token = fake.IssueAccessToken();
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CoDevelopment:Providers:CloudWorkspace"] = "google",
                ["CoDevelopment:Google:ApiBaseAddress"] = fake.Url.AbsoluteUri,
                ["CoDevelopment:Google:ClientId"] = "client-1",
                ["CoDevelopment:Google:ClientSecret"] = "client-secret-do-not-log",
                ["CoDevelopment:Google:RefreshToken"] = "refresh-token-do-not-log",
                ["CoDevelopment:Google:AccessToken"] = token,
                ["CoDevelopment:Google:SendNotificationEmail"] = "false",
                ["CoDevelopment:Google:SendUpdates"] = "none",
            })
            .Build();
        var transcript = new StringWriter();
        var original = Console.Out;
        Console.SetOut(transcript);
        int exit;
        try
        {
            exit = await SampleApp.RunAsync(configuration);
        }
        finally
        {
            Console.SetOut(original);
        }

        var entries = fake.WaitForLog();
        var methods = entries.Select(e => GoogleSpec.Contract.FindMethod(GoogleSpec.ToRequest(e.RequestMessage))).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, transcript.ToString());
            Assert.That(methods.Count(m => m == "drive.files.create"), Is.EqualTo(4), "a folder and three starter documents");
            Assert.That(methods.Count(m => m == "drive.permissions.create"), Is.EqualTo(5), "one share per member");
            Assert.That(methods.Count(m => m == "drive.permissions.delete"), Is.EqualTo(5), "every share revoked on close");
            Assert.That(methods.Count(m => m == "calendar.acl.delete"), Is.EqualTo(5), "the calendar rules too");
            Assert.That(methods, Has.Member("calendar.events.insert"));
            Assert.That(GoogleSpec.Check(entries), Is.Empty, "every request the sample made fits the discovery documents");
            Assert.That(transcript.ToString(), Does.Not.Contain(token).And.Not.Contain("do-not-log"));
        }
    }
}
