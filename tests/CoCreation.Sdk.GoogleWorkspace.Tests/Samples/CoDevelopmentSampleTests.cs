using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Samples;

/// <summary>
/// The co-development sample switched to Google Workspace through configuration alone (the keys a user sets in
/// appsettings.json or environment variables), here against the stateful Drive and Calendar fake. The sample's
/// workspace checks read the fake's state through <see cref="FakeGoogleInspector"/>, and this test reads the fake's
/// final state itself: what is left in the folder, at the folder's permissions, in the calendar's rules and events.
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed class CoDevelopmentSampleTests
{
    private const string FolderMimeType = "application/vnd.google-apps.folder";

    [Test]
    public async Task ConfiguredForGoogle_ProvisionsSharesSchedulesAndRevokesAtGoogleAsync()
    {
        using var fake = new FakeGoogle();
        var token = fake.IssueAccessToken();
        var (exit, transcript) = await RunSampleAsync(fake, token, new FakeGoogleInspector(fake));

        var folder = fake.Files().Single(f => f.MimeType == FolderMimeType);
        var documents = fake.Files().Where(f => f.Parents.Contains(folder.Id) && !f.Trashed).ToList();
        var calendar = fake.CalendarIds().Single();
        var events = fake.Events(calendar);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exit, Is.Zero, transcript);
            Assert.That(transcript, Does.Contain("✔ the provider holds the three starter documents in the workspace"));
            Assert.That(transcript, Does.Contain("✔ every member holds a share in their role at the workspace, and no one else"));
            Assert.That(transcript, Does.Contain("✔ all five members are attendees"));
            Assert.That(transcript, Does.Contain("✔ the workspace has no member share left at the provider"));
            Assert.That(transcript, Does.Not.Contain("not checked"));

            // The fake's final state: the folder keeps its documents, and no member keeps access to either.
            Assert.That(folder.Name, Is.EqualTo("Chair 2027 co-development"));
            Assert.That(documents.Select(d => d.Name), Is.EquivalentTo(new[] { "Requirements", "Sketches", "Cost sheet" }));
            Assert.That(fake.Permissions(folder.Id), Is.Empty, "every folder share was removed on close");
            Assert.That(documents.SelectMany(d => fake.Permissions(d.Id)), Is.Empty, "no document was shared on its own");
            Assert.That(fake.AclRules(calendar).Where(r => r["scope"]!["value"]!.GetValue<string>() != fake.Owner), Is.Empty, "every calendar rule was removed on close");
            Assert.That(events, Has.Count.EqualTo(1));
            Assert.That(events[0]["summary"]!.GetValue<string>(), Is.EqualTo("Prototype review"));
            Assert.That(events[0]["attendees"]!.AsArray().Select(a => a!["email"]!.GetValue<string>()),
                Is.EquivalentTo(new[] { "minji@example.com", "jun@example.com", "sora@example.com", "hyun@example.com", "yuna@example.com" }));
            Assert.That(GoogleSpec.Check(fake.WaitForLog()), Is.Empty, "every request the sample made fits the discovery documents");
            Assert.That(transcript, Does.Not.Contain(token).And.Not.Contain("do-not-log"));
        }
    }

    [Test]
    public async Task ConfiguredForGoogle_TheSampleFailsWhenTheFakeLosesAShareAsync()
    {
        using var fake = new FakeGoogle();
        var token = fake.IssueAccessToken();

        // Drive answers the share of Hyun's address but keeps nothing: the sample must notice at the provider.
        fake.Intercept("drive.permissions.create", (request, _) => request.Body?.Contains("hyun@example.com", StringComparison.Ordinal) == true
            ? FakeGoogle.Json(200, new System.Text.Json.Nodes.JsonObject { ["kind"] = "drive#permission", ["id"] = "perm-lost", ["type"] = "user", ["role"] = "commenter", ["emailAddress"] = "hyun@example.com" })
            : null);
        var (exit, transcript) = await RunSampleAsync(fake, token, new FakeGoogleInspector(fake));

        Assert.That(exit, Is.EqualTo(1), transcript);
        Assert.That(transcript, Does.Contain("✘ FAILED: every member holds a share in their role at the workspace, and no one else"));
        Assert.That(transcript, Does.Contain("Hyun: NOT SHARED"));
    }

    [Test]
    public async Task ConfiguredForGoogle_WithoutAnInspectorTheSampleSaysWhatItDidNotCheckAsync()
    {
        using var fake = new FakeGoogle();
        var (exit, transcript) = await RunSampleAsync(fake, fake.IssueAccessToken(), inspector: null);

        Assert.That(exit, Is.Zero, transcript);
        Assert.That(transcript, Does.Contain("– not checked (no inspector for this workspace provider): every member holds a share in their role at the workspace"));
        Assert.That(transcript, Does.Contain("7 checks of the workspace at its provider were not made: no inspector for this provider."));
        Assert.That(transcript, Does.Not.Contain("✔ every member holds a share"));
    }

    private static async Task<(int Exit, string Transcript)> RunSampleAsync(FakeGoogle fake, string token, IWorkspaceInspector? inspector)
    {
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
        try
        {
            return (await SampleApp.RunAsync(configuration, inspector), transcript.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
