using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.RelayWorkerChild;
using CoCreation.Sdk.Sns;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// Three relay worker processes share one PostgreSQL outbox while 5,000 events fan out to 500 recipients (each event to
/// 10 of them: 50,000 deliveries). A random worker is killed with SIGKILL ten times during the fan-out and started again.
/// Counted at the SNS (an embedded network served over HTTP to the workers): every message arrives exactly once.
/// </summary>
[TestFixture]
[Category("Reliability")]
[NonParallelizable]
public sealed class MultiWorkerCrashTests
{
    private const int Workers = 3;
    private const int Kills = 10;
    private const int Events = 5_000;
    private const int Recipients = 500;
    private const int PerEvent = 10;
    private const int Total = Events * PerEvent;
    private const int LeaseMilliseconds = 2_000;
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(6);

    private PostgresSchema? _schema;

    [SetUp]
    public async Task CreateSchema() => _schema = await PostgresSchema.CreateAsync();

    [TearDown]
    public async Task DropSchema()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
            _schema = null;
        }
    }

    [Test]
    [CancelAfter(480_000)]
    public async Task Three_workers_killed_ten_times_during_a_fan_out_deliver_every_message_exactly_once(CancellationToken cancellationToken)
    {
        // Set COCREATION_CRASH_SEED to replay a run's choice of workers and kill points.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("COCREATION_CRASH_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        var random = new Random(seed);
        Report($"multi-worker crash test seed {seed}: {Events} events x {PerEvent} recipients of {Recipients} = {Total} deliveries, {Workers} workers, {Kills} kills");

        await using var sns = await WireSns.StartAsync(Recipients);
        var participants = await AddParticipantsAsync(sns);
        var child = FindChild();
        var runs = new WorkerRun?[Workers];
        var started = 0;
        var watch = Stopwatch.StartNew();
        try
        {
            for (var w = 0; w < Workers; w++)
            {
                runs[w] = WorkerRun.Start(child, $"worker-{w}-run-{started++}", sns.BaseAddress, sns.Token, _schema!.ConnectionString);
            }

            // Published while the workers run, as a busy system would; four publishers at once.
            var publishing = PublishAsync(participants, cancellationToken);

            // One kill each time another eleventh of the deliveries has reached the network, so the kills cover the
            // whole fan-out and the last stretch runs without one.
            for (var kill = 0; kill < Kills; kill++)
            {
                var threshold = Total * (kill + 1) / (Kills + 1);
                await WaitUntilAsync(() => sns.Delivered >= threshold, RunLimit, cancellationToken, () => $"kill {kill + 1}: {sns.Delivered} of {Total} delivered; {Describe(runs)}");
                await Task.Delay(random.Next(0, 50), cancellationToken);
                var victim = random.Next(Workers);
                var killedRun = runs[victim]!;
                var exited = killedRun.Kill();
                Report($"kill {kill + 1}: SIGKILL to {killedRun.Name} at {sns.Delivered} delivered ({killedRun.Delivered} by it){(exited ? " - it had already exited: " + killedRun.Describe() : "")}");
                Assert.That(exited, Is.False, $"{killedRun.Name} exited before it was killed: {killedRun.Describe()}");
                killedRun.Dispose();
                runs[victim] = WorkerRun.Start(child, $"worker-{victim}-run-{started++}", sns.BaseAddress, sns.Token, _schema!.ConnectionString);
            }

            await publishing;
            Report($"published {Events} events after {watch.Elapsed.TotalSeconds:F1} s");
            await WaitUntilAsync(async () => await PendingAsync() == 0 && sns.Delivered >= Total, RunLimit, cancellationToken, () => $"{sns.Delivered} of {Total} delivered; {Describe(runs)}");
            Report($"all deliveries stored after {watch.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var run in runs)
            {
                run?.Dispose();
            }
        }

        await VerifyAsync(sns, participants);
    }

    private async Task<string[]> AddParticipantsAsync(WireSns sns)
    {
        await using var store = new PostgreSqlCoCreationStore(_schema!.ConnectionString);
        var ids = new string[Recipients];
        var changes = new StoreChanges();
        for (var i = 0; i < Recipients; i++)
        {
            ids[i] = "member-" + i.ToString("D3", CultureInfo.InvariantCulture);
            var account = sns.Accounts[i];
            changes.PutParticipant(
                new Participant
                {
                    Id = ids[i],
                    DisplayName = account.Handle,
                    CreatedAt = DateTimeOffset.UnixEpoch,
                    PreferredLocale = "en-US",
                    SnsLinks = [new SnsLink(WorkerPlan.Network, account.Subject, account.Handle, DateTimeOffset.UnixEpoch)],
                },
                null);
        }

        await store.ApplyAsync(changes);
        return ids;
    }

    /// <summary>Recipients of event <paramref name="index"/>: ten consecutive members, so each member gets 100 events.</summary>
    private static IEnumerable<string> RecipientsOf(int index, string[] participants)
        => Enumerable.Range(0, PerEvent).Select(k => participants[((index % (Recipients / PerEvent)) * PerEvent) + k]);

    private async Task PublishAsync(string[] participants, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddCoCreation(o => o.Relay.SendOnPublish = false)
            .UsePostgreSql(_schema!.ConnectionString)
            .AddRelayRule(WorkerPlan.Rule);
        await using var provider = services.BuildServiceProvider();
        var relay = provider.GetRequiredService<IEventRelay>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(
            async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < Events)
                {
                    var result = await relay.PublishAsync(WorkerPlan.Event(index, RecipientsOf(index, participants)), cancellationToken);
                    Assert.That(result.Deliveries, Has.Count.EqualTo(PerEvent), $"event {index} was routed");
                }
            },
            cancellationToken)));
    }

    private Task<long> PendingAsync() => _schema!.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'Pending'");

    private async Task VerifyAsync(WireSns sns, string[] participants)
    {
        var expected = new HashSet<(int Recipient, string EventId)>();
        for (var e = 0; e < Events; e++)
        {
            foreach (var id in RecipientsOf(e, participants))
            {
                expected.Add((Array.IndexOf(participants, id), WorkerPlan.EventId(e)));
            }
        }

        // Read back from the network: every member's inbox.
        var received = new Dictionary<(int Recipient, string EventId), int>();
        var unexpected = 0;
        for (var r = 0; r < Recipients; r++)
        {
            foreach (var message in sns.Network.GetInbox(sns.Accounts[r].Subject))
            {
                var key = (r, WorkerPlan.EventIdIn(message.Text) ?? "?");
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

        var delivered = received.Count;
        var duplicates = received.Values.Sum(n => n - 1) + unexpected;
        var lost = expected.Count - delivered;
        var outboxDelivered = await _schema!.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'Delivered'");
        var outboxOther = await _schema.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status <> 'Delivered'");
        Report($"expected {expected.Count}, in inboxes {delivered}, duplicates {duplicates}, lost {lost}; requests to the network {sns.Requests}, " +
            $"re-sends the network dropped by their idempotency key {sns.Requests - sns.Delivered}; outbox delivered {outboxDelivered}, other {outboxOther}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(lost, Is.Zero, "messages lost");
            Assert.That(duplicates, Is.Zero, "messages in an inbox more than once, or not in the plan");
            Assert.That(sns.Delivered, Is.EqualTo(Total), "messages the network stored");
            Assert.That(outboxDelivered, Is.EqualTo(Total), "outbox entries recorded as delivered");
            Assert.That(outboxOther, Is.Zero, "outbox entries pending, dead-lettered or unreachable");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken, Func<string> describe)
        => await WaitUntilAsync(() => Task.FromResult(condition()), limit, cancellationToken, describe);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, CancellationToken cancellationToken, Func<string> describe)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"timed out after {limit}: {describe()}");
            }

            await Task.Delay(10, cancellationToken);
        }
    }

    private static string Describe(IEnumerable<WorkerRun?> runs) => string.Join("; ", runs.Select(r => r?.Describe() ?? "none"));

    private static void Report(string line)
    {
        TestContext.Progress.WriteLine(line);
        TestContext.Out.WriteLine(line);
    }

    /// <summary>The worker's dll: copied beside this assembly by the project reference, else where its own build put it.</summary>
    private static string FindChild()
    {
        const string name = "CoCreation.Sdk.RelayWorkerChild";
        var candidates = new List<string> { AppContext.BaseDirectory };
        var built = typeof(MultiWorkerCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RelayWorkerChildDirectory")?.Value;
        if (built is not null)
        {
            candidates.Add(built);
        }

        foreach (var directory in candidates)
        {
            var dll = Path.Combine(directory, name + ".dll");
            if (File.Exists(dll) && File.Exists(Path.Combine(directory, name + ".runtimeconfig.json")))
            {
                return dll;
            }
        }

        Assert.Fail($"{name}.dll with its runtimeconfig.json was not found in: {string.Join("; ", candidates)}. Build tests/{name} first.");
        return null!;
    }

    /// <summary>
    /// The embedded SNS served over HTTP on 127.0.0.1: direct messages with idempotency keys, each request counted, and
    /// the number of messages it stored.
    /// </summary>
    private sealed class WireSns : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
        private int _requests;
        private int _delivered;

        private WireSns(WebApplication app, EmbeddedSnsNetwork network, EmbeddedSnsAccount[] accounts, string token)
        {
            _app = app;
            Network = network;
            Accounts = accounts;
            Token = token;
        }

        public EmbeddedSnsNetwork Network { get; }

        public EmbeddedSnsAccount[] Accounts { get; }

        public string Token { get; }

        public Uri BaseAddress { get; private set; } = null!;

        public int Requests => Volatile.Read(ref _requests);

        public int Delivered => Volatile.Read(ref _delivered);

        public static async Task<WireSns> StartAsync(int members)
        {
            var network = new EmbeddedSnsNetwork(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromDays(1) }, TimeProvider.System);
            var brand = network.RegisterAccount("brand", "Crash Test Brand");
            var accounts = Enumerable.Range(0, members).Select(i => network.RegisterAccount($"member{i:D3}", locale: "en-US")).ToArray();
            var connector = network.CreateConnector(WorkerPlan.Network, brand.Credential);
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var sns = new WireSns(app, network, accounts, token);
            app.MapPost(WorkerPlan.MessagesPath, async (HttpContext context) =>
            {
                if (context.Request.Headers.Authorization.ToString() != "Bearer " + token)
                {
                    return Results.Unauthorized();
                }

                var message = await context.Request.ReadFromJsonAsync<WireMessage>(context.RequestAborted);
                if (message is null)
                {
                    return Results.BadRequest();
                }

                Interlocked.Increment(ref sns._requests);
                var sent = await connector.SendDirectMessageAsync(
                    new DirectMessageRequest { RecipientSubject = message.RecipientSubject, Text = message.Text, IdempotencyKey = message.IdempotencyKey },
                    context.RequestAborted);

                // Progress only (the kills are timed by it); the verdict reads the inboxes.
                if (message.IdempotencyKey is { } key && sns._keys.TryAdd(key, 0))
                {
                    Interlocked.Increment(ref sns._delivered);
                }

                return Results.Ok(new WireMessageSent(sent.Id, sent.SentAt));
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            sns.BaseAddress = new Uri(address);
            return sns;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            Network.Dispose();
        }
    }

    /// <summary>One worker process, with its running total of deliveries read from its standard output.</summary>
    private sealed class WorkerRun : IDisposable
    {
        private readonly Process _process;
        private readonly Lock _gate = new();
        private readonly List<string> _errors = [];
        private int _delivered;
        private string _lastLine = "";

        private WorkerRun(Process process, string name)
        {
            _process = process;
            Name = name;
        }

        public string Name { get; }

        public int Delivered => Volatile.Read(ref _delivered);

        public static WorkerRun Start(string childDll, string name, Uri sns, string token, string connectionString)
        {
            var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(childDll)!,
            };
            info.ArgumentList.Add(childDll);
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(sns.ToString());
            info.ArgumentList.Add(LeaseMilliseconds.ToString(CultureInfo.InvariantCulture));
            info.Environment["COCREATION_POSTGRES_CONNECTION"] = connectionString;
            info.Environment[WorkerPlan.TokenVariable] = token;
            var process = new Process { StartInfo = info };
            var run = new WorkerRun(process, name);
            process.OutputDataReceived += (_, e) => run.OnLine(e.Data);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (run._gate)
                    {
                        run._errors.Add(e.Data);
                    }
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return run;
        }

        /// <summary>Sends SIGKILL and waits for the process to go; true when it had already exited.</summary>
        public bool Kill()
        {
            if (_process.HasExited)
            {
                return true;
            }

            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            return false;
        }

        public string Describe()
        {
            lock (_gate)
            {
                var state = _process.HasExited ? $"exit code {_process.ExitCode}" : "running";
                return $"{Name}: {state}, delivered {_delivered}, last line '{_lastLine}', errors: {string.Join(" | ", _errors.TakeLast(10))}";
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _lastLine = line;
                if (line.StartsWith("delivered ", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan("delivered ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
                {
                    Volatile.Write(ref _delivered, total);
                }
            }
        }
    }
}
