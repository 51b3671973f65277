using System.Diagnostics;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>The IdeaCampaign sample runs to the end and its own count checks hold.</summary>
[TestFixture]
[Category("Scenario")]
public sealed class SampleTests
{
    [Test]
    public async Task The_IdeaCampaign_sample_exits_0_and_writes_the_table_chart_and_csv()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "IdeaCampaign.dll");
        Assert.That(File.Exists(sample), Is.True, "the sample is built next to the tests");
        var output = Path.Combine(Path.GetTempPath(), "cocreation-ideacampaign-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { sample, "--out", output, "--people", "200" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);

            Assert.That(process.ExitCode, Is.Zero, await stderr);
            var text = await stdout;
            Assert.That(text, Does.Contain("Q1: Which colour should the spring coat come in?"));
            Assert.That(text, Does.Contain("All counts match what was planted (200 consumers"));
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
}
