using System.Diagnostics;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>The IdeaCampaign sample runs to the end and its own checks (counts, ideas, merge) hold, and fail when they cannot.</summary>
[TestFixture]
[Category("Scenario")]
public sealed class SampleTests
{
    [Test]
    public async Task The_IdeaCampaign_sample_exits_0_and_writes_the_table_chart_and_csv()
    {
        var output = Path.Combine(Path.GetTempPath(), "cocreation-ideacampaign-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, text, errors) = await RunSampleAsync("--out", output, "--people", "200");

            Assert.That(exit, Is.Zero, errors);
            Assert.That(text, Does.Contain("Q1: Which colour should the spring coat come in?"));
            Assert.That(text, Does.Contain("All counts match what was planted (200 consumers"));
            Assert.That(text, Does.Contain("The ideas match what was planted: 3 read back from the store, 5 supporters each told at the network, 1 merge."));
            Assert.That(File.ReadAllText(Path.Combine(output, "idea-campaign.csv")), Does.StartWith("question_index,question,option_index,option,network,votes"));
            Assert.That(File.ReadAllBytes(Path.Combine(output, "idea-campaign.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    [Test]
    public async Task With_too_few_consumers_to_make_ideas_the_sample_exits_1_and_says_the_ideas_are_missing()
    {
        var output = Path.Combine(Path.GetTempPath(), "cocreation-ideacampaign-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, text, errors) = await RunSampleAsync("--out", output, "--people", "5");

            Assert.That(exit, Is.EqualTo(1), text);
            Assert.That(errors, Does.Contain("ideas: the merged pair is not in the store"));
            Assert.That(text, Does.Not.Contain("The ideas match what was planted"));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static async Task<(int Exit, string Output, string Errors)> RunSampleAsync(params string[] arguments)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "IdeaCampaign.dll");
        Assert.That(File.Exists(sample), Is.True, "the sample is built next to the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Prepend(sample))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
