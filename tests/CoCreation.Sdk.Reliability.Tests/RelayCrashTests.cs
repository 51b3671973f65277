using System.Globalization;
using CoCreation.Sdk.CrashChild;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sqlite;
using CoCreation.Sdk.Tests.Shared;

namespace CoCreation.Sdk.Reliability.Tests;

/// <summary>
/// Kills a relaying process with SIGKILL at random points and restarts it: the durable outbox (SQLite store) and
/// the persistent embedded SNS with its idempotency keys must together deliver every message exactly once.
/// </summary>
[TestFixture]
[Category("Reliability")]
public sealed class RelayCrashTests
{
    private const int Kills = 5;
    private const int KillFreeTail = 300;
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    private string _directory = null!;

    [SetUp]
    public void SetUp()
        => _directory = Path.Combine(Path.GetTempPath(), "cocreation-crash-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    [CancelAfter(170_000)]
    public async Task FanOut_KilledFiveTimesAndRestarted_DeliversEveryMessageExactlyOnceAsync(CancellationToken cancellationToken)
    {
        // Set COCREATION_CRASH_SEED to replay a run's kill points.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COCREATION_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        Report($"crash test seed {seed}: {CrashPlan.Events} events to {CrashPlan.Recipients} recipients, {CrashPlan.TotalSteps} steps per run");
        var random = new Random(seed);
        Directory.CreateDirectory(_directory);
        var storePath = Path.Combine(_directory, "store.db");
        var snsPath = Path.Combine(_directory, "sns.db");
        var child = FindChild();

        for (var kill = 0; kill < Kills; kill++)
        {
            // One kill in each fifth of a run, so together they cover sign-in, publishing and every stage in between;
            // the extra delay lets the kill land inside a step rather than between two of them.
            // The last steps are left out: a restarted child replays finished work fast, and must not finish before the kill.
            var span = CrashPlan.TotalSteps - KillFreeTail;
            var from = Math.Max(1, span * kill / Kills);
            var to = span * (kill + 1) / Kills;
            var target = random.Next(from, to);
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 40));
            using var run = ChildRun.Start(child, storePath, snsPath);
            var reached = await run.WaitForStepAsync(target, RunLimit, cancellationToken);
            await Task.Delay(delay, cancellationToken);
            var killedAt = run.Step;
            var exitedBeforeKill = run.Kill();
            Report($"kill {kill + 1}: target step {target} + {delay.TotalMilliseconds} ms -> SIGKILL at step {killedAt}{(exitedBeforeKill ? " (had already exited)" : "")}");
            Assert.That(reached, Is.True, $"run {kill + 1} never reached step {target}: {run.Describe()}");
            Assert.That(exitedBeforeKill, Is.False, $"run {kill + 1} finished before it could be killed: {run.Describe()}");
        }

        using (var last = ChildRun.Start(child, storePath, snsPath))
        {
            var exitCode = await last.WaitForExitAsync(RunLimit, cancellationToken);
            Report($"final run: exit code {exitCode}, {last.LastLine}");
            Assert.That(exitCode, Is.EqualTo(0), last.Describe());
        }

        await VerifyAsync(storePath, snsPath);
    }

    private static async Task VerifyAsync(string storePath, string snsPath)
    {
        var expected = CrashPlan.ExpectedMessages().ToHashSet();
        var received = new Dictionary<(int Recipient, string EventId), int>();
        var unexpected = 0;
        using (var network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { DatabasePath = snsPath }))
        {
            for (var recipient = 0; recipient < CrashPlan.Recipients; recipient++)
            {
                var subject = network.FindSubject(CrashPlan.Handle(recipient));
                Assert.That(subject, Is.Not.Null, $"recipient {CrashPlan.Handle(recipient)} has no account");
                foreach (var message in network.GetInbox(subject!))
                {
                    var key = (recipient, CrashPlan.EventIdIn(message.Text) ?? "?");
                    if (expected.Contains(key))
                    {
                        received[key] = received.GetValueOrDefault(key) + 1;
                    }
                    else
                    {
                        unexpected++;
                    }
                }
            }
        }

        int pending, dead, unreachable, outboxDelivered;
        using (var store = new SqliteCoCreationStore($"Data Source={storePath}"))
        {
            pending = (await store.GetOutboxByStatusAsync(DeliveryStatus.Pending)).Count;
            dead = (await store.GetOutboxByStatusAsync(DeliveryStatus.DeadLettered)).Count;
            unreachable = (await store.GetOutboxByStatusAsync(DeliveryStatus.Unreachable)).Count;
            outboxDelivered = (await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Count;
        }

        var delivered = received.Count;
        var duplicates = received.Values.Sum(n => n - 1) + unexpected;
        var lost = expected.Count - delivered;
        Report($"expected {expected.Count}, delivered {delivered}, duplicates {duplicates}, lost {lost}, pending {pending}, dead {dead} (unreachable {unreachable}, outbox delivered {outboxDelivered}, unexpected {unexpected})");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lost, Is.Zero, "messages lost");
            Assert.That(duplicates, Is.Zero, "messages delivered more than once or not in the plan");
            Assert.That(pending, Is.Zero, "outbox entries still pending");
            Assert.That(dead, Is.Zero, "dead letters");
            Assert.That(unreachable, Is.Zero, "unreachable recipients");
            Assert.That(outboxDelivered, Is.EqualTo(expected.Count), "outbox entries recorded as delivered");
        }
    }

    private static void Report(string line)
    {
        TestContext.Progress.WriteLine(line);
        TestContext.Out.WriteLine(line);
    }

    /// <summary>The child's dll: copied beside this assembly by the project reference, else where its own build put it.</summary>
    private static string FindChild() => ChildProcess.Find(typeof(RelayCrashTests).Assembly, "CoCreation.Sdk.CrashChild", "CrashChildDirectory");

    /// <summary>One run of the child process, with its progress read from standard output.</summary>
    private sealed class ChildRun : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<(int Target, TaskCompletionSource<bool> Reached)> _waiters = [];
        private ChildProcess _process = null!;
        private int _step;

        public int Step => Volatile.Read(ref _step);

        public string LastLine => _process.LastLine;

        public static ChildRun Start(string childDll, string storePath, string snsPath)
        {
            var run = new ChildRun();
            run._process = ChildProcess.Start(childDll, [storePath, snsPath], null, run.OnLine, run.ReleaseWaiters);
            return run;
        }

        /// <summary>Waits until the child reports <paramref name="target"/> steps; false when it exits first or the time is up.</summary>
        public async Task<bool> WaitForStepAsync(int target, TimeSpan limit, CancellationToken cancellationToken)
        {
            var reached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_step >= target)
                {
                    return true;
                }

                _waiters.Add((target, reached));
            }

            if (_process.HasExited)
            {
                ReleaseWaiters();
            }

            try
            {
                return await reached.Task.WaitAsync(limit, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        /// <summary>Sends SIGKILL and waits for the process to go; true when it had already exited.</summary>
        public bool Kill() => _process.Kill();

        public Task<int> WaitForExitAsync(TimeSpan limit, CancellationToken cancellationToken) => _process.WaitForExitAsync(limit, cancellationToken);

        public string Describe() => $"step {Step}, {_process.Describe()}";

        public void Dispose() => _process.Dispose();

        private void OnLine(string line)
        {
            if (!line.StartsWith("step ", StringComparison.Ordinal)
                || !int.TryParse(line.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var step))
            {
                return;
            }

            lock (_gate)
            {
                Volatile.Write(ref _step, step);
                foreach (var waiter in _waiters.Where(w => w.Target <= step).ToList())
                {
                    waiter.Reached.TrySetResult(true);
                    _waiters.Remove(waiter);
                }
            }
        }

        private void ReleaseWaiters()
        {
            lock (_gate)
            {
                foreach (var waiter in _waiters)
                {
                    waiter.Reached.TrySetResult(false);
                }

                _waiters.Clear();
            }
        }
    }
}
