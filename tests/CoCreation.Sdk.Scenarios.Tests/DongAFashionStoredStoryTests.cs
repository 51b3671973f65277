using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Scenarios.Tests;

/// <summary>
/// The sample as a user runs it, twice on the same stored story: the second run must check every completed step
/// again at the providers, and must fail, naming the step, when the providers' files were changed in between.
/// </summary>
[TestFixture]
[Category("Scenario")]
public sealed class DongAFashionStoredStoryTests
{
    private string _root = null!;
    private string _finished = null!;

    [OneTimeSetUp]
    public async Task RunTheWholeStoryOnce()
    {
        _root = Path.Combine(Path.GetTempPath(), "cocreation-dongafashion-" + Guid.NewGuid().ToString("N"));
        _finished = Path.Combine(_root, "finished");
        var (exit, output) = await RunSampleAsync(_finished);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("17 of 17 steps passed."));
    }

    [OneTimeTearDown]
    public void DeleteTheStories()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Test]
    public async Task A_second_run_on_an_unchanged_story_re_verifies_all_17_steps_and_exits_0()
    {
        var data = CopyOfFinishedStory();

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("Re-verifying the 17 completed steps against the providers' current state"));
        for (var step = 1; step <= 17; step++)
        {
            Assert.That(output, Does.Contain($"[{step,2}/17] ✔ re-verified:"), $"step {step}");
        }

        Assert.That(output, Does.Contain("17 of 17 steps completed; all 17 re-verified against the providers."));
        Assert.That(output, Does.Not.Contain("FAILED"));
    }

    [Test]
    public async Task A_deleted_shipping_message_fails_the_second_run_at_step_10()
    {
        var data = CopyOfFinishedStory();
        var deleted = Execute(Path.Combine(data, "en", "social.db"),
            "DELETE FROM records WHERE kind = 'message' AND body LIKE '%6301-0002-%' AND body LIKE '%has shipped%'");
        Assert.That(deleted, Is.EqualTo(1), "the shipping DM of the second order was in the file");

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Re-verification FAILED at step 10 (ships to buyers)").And.Contain("is no longer in the inbox"));
        Assert.That(output, Does.Contain("[ 9/17] ✔ re-verified:"), "the steps before it still hold");
    }

    [Test]
    public async Task A_changed_stock_figure_fails_the_second_run_at_the_last_stock_step()
    {
        var data = CopyOfFinishedStory();
        var changed = Execute(Path.Combine(data, "en", "erp.db"),
            "UPDATE records SET body = json_set(body, '$.onHand', 50) WHERE kind = 'product'");
        Assert.That(changed, Is.EqualTo(1));

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Re-verification FAILED at step 15").And.Contain("the stock on hand is 73 (produced less sold), but the enterprise system holds 50"));
    }

    [Test]
    public async Task A_deleted_production_order_fails_the_second_run_at_step_4()
    {
        var data = CopyOfFinishedStory();
        var firstOrder = Execute(Path.Combine(data, "en", "erp.db"),
            "DELETE FROM records WHERE kind = 'order' AND json_extract(body, '$.quantity') = 100");
        Assert.That(firstOrder, Is.EqualTo(1));

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Re-verification FAILED at step 4").And.Contain("is no longer at the enterprise system"));
    }

    [Test]
    public async Task A_changed_price_fails_the_second_run_at_step_7()
    {
        var data = CopyOfFinishedStory();
        var changed = Execute(Path.Combine(data, "en", "erp.db"),
            "UPDATE records SET body = json_set(body, '$.price.amount', '40000') WHERE kind = 'listing'");
        Assert.That(changed, Is.EqualTo(1));

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Re-verification FAILED at step 7").And.Contain("the shop holds the price 45000 KRW"));
    }

    [Test]
    public async Task A_rewritten_announcement_fails_the_second_run_of_an_unfinished_story_at_step_1()
    {
        var data = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        var (first, firstOutput) = await RunSampleAsync(data, "--steps", "3");
        Assert.That(first, Is.Zero, firstOutput);
        var rewritten = Execute(Path.Combine(data, "en", "micro.db"),
            "UPDATE records SET body = json_set(body, '$.text', 'Programme cancelled.') WHERE kind = 'post' AND body LIKE '%programme%'");
        Assert.That(rewritten, Is.EqualTo(1));

        var (exit, output) = await RunSampleAsync(data);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("Re-verification FAILED at step 1").And.Contain("the announcement on micro carries the programme text"));
        Assert.That(output, Does.Not.Contain("[ 4/17]"), "nothing more is run on a story that no longer holds");
    }

    [TestCase("your share of 587250 KRW was paid", true)]
    [TestCase("your share of 587,250 KRW was paid", true)]
    [TestCase("your share of ₩587,250 was paid", true)]
    [TestCase("your share of 587\u202F250 KRW was paid", true)]
    [TestCase("your share of 5872500 KRW was paid", false)]
    [TestCase("your share of 1,587,250 KRW was paid", false)]
    [TestCase("your share of 587.25 KRW was paid", false)]
    public void A_message_check_finds_an_amount_with_or_without_digit_grouping_and_nothing_else(string text, bool expected)
        => Assert.That(DongAFashion.DongAFashionScenario.Mentions(System.Text.RegularExpressions.Regex.Unescape(text), 587250m), Is.EqualTo(expected));

    private string CopyOfFinishedStory()
    {
        var copy = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(_finished, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(_finished, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    private static int Execute(string database, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    private static async Task<(int Exit, string Output)> RunSampleAsync(string data, params string[] extra)
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "DongAFashion.dll");
        Assert.That(File.Exists(sample), Is.True, "the sample is built next to the tests");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { sample, "--lang", "en", "--data", data }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
