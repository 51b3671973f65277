using System.Globalization;
using BenchmarkDotNet.Attributes;
using CoCreation.Sdk.Sqlite;
using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Benchmarks;

/// <summary>
/// The durable relay (SQLite store, embedded SNS) against the least a durable outbox must do: write each delivery's
/// row and delete it again, batched, on the same kind of file with the same settings.
/// </summary>
/// <remarks>
/// <para>
/// One invocation is one event to <see cref="Recipients"/> members. The relay enqueues all of the event's deliveries
/// (one transaction), sends each to the embedded SNS with its delivery key as idempotency key, and, because that
/// network honours keys, records all of them as delivered in a second transaction. The baseline inserts
/// <see cref="Recipients"/> rows of the size of a real outbox row into a table shaped like the outbox in one
/// transaction, and deletes them in a second: the same two commits. A second reference does the same inserts and
/// deletes with one transaction per row, the commit count the relay had when it committed per delivery.
/// </para>
/// <para>
/// Every iteration starts on a new database file (<c>[IterationSetup]</c>), so the outbox does not grow over the
/// run. The SNS is the in-memory embedded network: the figure is the SDK's durable store, not a network.
/// </para>
/// <para>
/// The figure is a long-running relay's, so each case warms up for 50 iterations (3,200 events) first. A fresh process
/// needs about that many before the relay's code has been recompiled at the runtime's optimising tier and its time per
/// event settles; with 3 warm-up iterations, as before, the relay was measured at roughly twice its settled time while
/// the baseline's small loop was already settled.
/// </para>
/// <para>
/// Each case then measures 100 iterations (6,400 events, spread over ten seconds or more). On a shared two-core machine the speed of
/// both the relay and the baseline changes in phases of several seconds, by up to half; with 10 or 30 iterations a whole
/// case could fall inside one slow phase while the other case did not.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 50, iterationCount: 100)]
[InvocationCount(InvocationsPerIteration)]
public class DurableRelayBenchmarks
{
    /// <summary>Events per iteration.</summary>
    public const int InvocationsPerIteration = 64;

    private const string OutboxTableSql = """
        CREATE TABLE outbox (
            seq             INTEGER NOT NULL PRIMARY KEY,
            delivery_key    TEXT    NOT NULL UNIQUE,
            recipient_id    TEXT    NOT NULL,
            status          TEXT    NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            json            TEXT    NOT NULL
        );
        CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at, seq);
        """;

    private string _folder = "";
    private BenchmarkWorld? _world;
    private SqliteConnection? _baseline;
    private SqliteCommand _insert = null!;
    private SqliteCommand _delete = null!;
    private SqliteCommand _begin = null!;
    private SqliteCommand _commit = null!;
    private string _rowJson = "";
    private long _rows;

    /// <summary>Members each event goes to.</summary>
    [Params(10)]
    public int Recipients { get; set; }

    /// <summary>How much a commit survives: <c>synchronous=FULL</c> or <c>NORMAL</c>, for both sides.</summary>
    [Params(SqliteDurability.SurvivesPowerLoss, SqliteDurability.SurvivesProcessCrash)]
    public SqliteDurability Durability { get; set; }

    /// <summary>A new relay world on a new file, and a raw connection with the same settings for the baselines.</summary>
    [IterationSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "cocreation-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _world = BenchmarkWorld.CreateAsync(Recipients, () => new SqliteCoCreationStore($"Data Source={Path.Combine(_folder, "relay.db")}", Durability))
            .GetAwaiter().GetResult();

        // The baseline's rows are as long as the relay's real outbox rows.
        var sample = _world.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered).GetAwaiter().GetResult()[0];
        _rowJson = SqliteJsonContext.Write(sample, SqliteJsonContext.Default.OutboxMessage);

        _baseline = new SqliteConnection($"Data Source={Path.Combine(_folder, "baseline.db")};Pooling=False");
        _baseline.Open();
        Execute(_baseline, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;");
        Execute(_baseline, Durability == SqliteDurability.SurvivesPowerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        Execute(_baseline, OutboxTableSql);
        _insert = Prepare("INSERT INTO outbox (delivery_key, recipient_id, status, next_attempt_at, json) VALUES ($key, $recipient, 'Pending', $next, $json)", "$key", "$recipient", "$next", "$json");
        _delete = Prepare("DELETE FROM outbox WHERE delivery_key = $key", "$key");
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
    }

    /// <summary>Checks that every event reached every member once, then removes the files.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        _world?.ExpectEveryMemberReceivedEveryEvent();
        _world?.Dispose();
        _world = null;
        foreach (var command in new[] { _insert, _delete, _begin, _commit })
        {
            command.Dispose();
        }

        _baseline?.Dispose();
        _baseline = null;
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The event's rows inserted in one transaction and deleted in a second.</summary>
    /// <returns>Rows written.</returns>
    [Benchmark(Baseline = true)]
    public int Sqlite_batched_insert_delete()
    {
        var first = _rows;
        _begin.ExecuteNonQuery();
        for (var i = 0; i < Recipients; i++)
        {
            Insert(first + i);
        }

        _commit.ExecuteNonQuery();
        _begin.ExecuteNonQuery();
        for (var i = 0; i < Recipients; i++)
        {
            Delete(first + i);
        }

        _commit.ExecuteNonQuery();
        _rows += Recipients;
        return Recipients;
    }

    /// <summary>The same rows with one transaction per insert and per delete: the relay's commit count.</summary>
    /// <returns>Rows written.</returns>
    [Benchmark]
    public int Sqlite_insert_delete_commit_each()
    {
        var first = _rows;
        for (var i = 0; i < Recipients; i++)
        {
            _begin.ExecuteNonQuery();
            Insert(first + i);
            _commit.ExecuteNonQuery();
            _begin.ExecuteNonQuery();
            Delete(first + i);
            _commit.ExecuteNonQuery();
        }

        _rows += Recipients;
        return Recipients;
    }

    /// <summary>One new event through the relay: enqueued together, sent to every recipient, recorded together.</summary>
    /// <returns>Deliveries reported.</returns>
    [Benchmark]
    public async Task<int> Relay_publish_durable()
    {
        var result = await _world!.Relay.PublishAsync(_world.NewEvent(), CancellationToken.None).ConfigureAwait(false);
        return result.Deliveries.Count;
    }

    private void Insert(long row)
    {
        var key = "key-" + row.ToString(CultureInfo.InvariantCulture);
        _insert.Parameters[0].Value = key;
        _insert.Parameters[1].Value = "participant";
        _insert.Parameters[2].Value = row;
        _insert.Parameters[3].Value = _rowJson;
        _insert.ExecuteNonQuery();
    }

    private void Delete(long row)
    {
        _delete.Parameters[0].Value = "key-" + row.ToString(CultureInfo.InvariantCulture);
        _delete.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _baseline!.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
