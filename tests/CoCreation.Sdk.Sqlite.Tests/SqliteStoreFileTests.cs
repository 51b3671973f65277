using System.Collections.Immutable;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>What only a file-backed store has to get right: reopening, migrations, damaged and locked files, concurrency.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SqliteStoreFileTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private TempDatabase _db = null!;

    [SetUp]
    public void SetUp() => _db = new TempDatabase();

    [TearDown]
    public void TearDown() => _db.Dispose();

    private static Participant Person(string id, string subject) => new()
    {
        Id = id,
        DisplayName = id,
        CreatedAt = Now,
        SnsLinks = [new SnsLink("social", subject, "@" + subject, Now)],
        EnterpriseLinks = [new EnterpriseAccountLink("erp", "acct-" + id, id, Now)],
    };

    [Test]
    public async Task Everything_stored_is_there_after_closing_and_reopening_the_file()
    {
        using (var store = new SqliteCoCreationStore(_db.ConnectionString))
        {
            await store.ApplyAsync(new StoreChanges()
                .PutParticipant(Person("p1", "s1"), null)
                .PutGrant(new AccessGrant { Id = "g1", ParticipantId = "p1", Target = new GrantTarget(GrantTargetKind.Enterprise, "erp", "x"), Roles = ["member"], GrantedAt = Now, ExpiresAt = Now.AddHours(1) })
                .AppendAudit(new AuditEntry { Id = "a1", Time = Now, Action = AuditAction.Granted, ParticipantId = "p1" })
                .PutOutbox(new OutboxMessage
                {
                    DeliveryKey = "k1",
                    Event = new CoCreationEvent { Id = "e1", Source = new Uri("urn:test"), Type = "t", Time = Now, Data = ImmutableDictionary<string, string>.Empty.Add("n", "1") },
                    RuleName = "r",
                    RecipientId = "p1",
                    Channel = RelayChannel.DirectMessage,
                    Status = DeliveryStatus.Pending,
                    NextAttemptAt = Now,
                    CreatedAt = Now,
                })
                .SetCursor("enterprise:erp", "42")
                .PutDocument("designs", "d1", "{\"title\":\"t\"}"));
            var read = (await store.GetParticipantAsync("p1"))!;
            await store.ApplyAsync(new StoreChanges().PutParticipant(read with { DisplayName = "renamed" }, read.Version));
        }

        using var reopened = new SqliteCoCreationStore(_db.ConnectionString);

        Assert.That(reopened.FoundSchemaVersion, Is.EqualTo(reopened.SchemaVersion));
        var participant = await reopened.FindParticipantByEnterpriseAccountAsync("erp", "acct-p1");
        Assert.That(participant!.DisplayName, Is.EqualTo("renamed"));
        Assert.That(participant.Version, Is.EqualTo(2));
        Assert.That((await reopened.FindParticipantBySnsAsync("social", "s1"))!.Id, Is.EqualTo("p1"));
        Assert.That((await reopened.GetGrantsAsync("p1")).Single().Id, Is.EqualTo("g1"));
        Assert.That((await reopened.GetActiveGrantsExpiringByAsync(Now.AddHours(2))).Single().Id, Is.EqualTo("g1"));
        Assert.That((await reopened.GetAuditAsync(null)).Single().Id, Is.EqualTo("a1"));
        Assert.That((await reopened.GetDueOutboxAsync(Now, 10)).Single().Event.GetData("n"), Is.EqualTo("1"));
        Assert.That(await reopened.GetCursorAsync("enterprise:erp"), Is.EqualTo("42"));
        Assert.That(await reopened.GetDocumentAsync("designs", "d1"), Is.EqualTo("{\"title\":\"t\"}"));
    }

    [Test]
    public void A_new_file_is_migrated_from_version_0_and_runs_in_WAL_mode()
    {
        using var store = new SqliteCoCreationStore(_db.ConnectionString);

        Assert.That(store.FoundSchemaVersion, Is.Zero);
        Assert.That(store.SchemaVersion, Is.EqualTo(SqliteSchema.Latest(SqliteSchema.Migrations)));
        Assert.That(store.JournalMode, Is.EqualTo("wal"));
        using var raw = _db.OpenRaw();
        Assert.That(Scalar(raw, "PRAGMA journal_mode"), Is.EqualTo("wal"), "WAL is a property of the file, so a second connection sees it too");
        Assert.That(Scalar(raw, "SELECT version FROM schema_version"), Is.EqualTo(store.SchemaVersion));
        Assert.That(Scalar(raw, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('participants','participant_links','grants','audit','outbox','cursors','documents')"), Is.EqualTo(7L));
    }

    [Test]
    public async Task A_database_of_the_previous_schema_version_is_migrated_and_keeps_its_other_tables()
    {
        // Version 0: a database someone made before the store existed, with a table of its own.
        using (var raw = _db.OpenRaw())
        {
            Execute(raw, "CREATE TABLE app_notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO app_notes (text) VALUES ('keep me');");
            Execute(raw, "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (0);");
        }

        using var store = new SqliteCoCreationStore(_db.ConnectionString);
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));

        Assert.That(store.FoundSchemaVersion, Is.Zero);
        Assert.That((await store.GetParticipantAsync("p1"))!.Version, Is.EqualTo(1));
        using var check = _db.OpenRaw();
        Assert.That(Scalar(check, "SELECT text FROM app_notes"), Is.EqualTo("keep me"));
    }

    [Test]
    public async Task A_later_migration_runs_once_on_a_file_of_the_version_before_it_and_keeps_the_data()
    {
        using (var v1 = new SqliteCoCreationStore(_db.ConnectionString))
        {
            await v1.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));
        }

        var withV2 = SqliteSchema.Migrations
            .Append(new SqliteMigration(SqliteSchema.Migrations.Count + 1, "test: a column for later", "ALTER TABLE participants ADD COLUMN nickname TEXT NULL;"))
            .ToArray();

        int found;
        using (var v2 = new SqliteCoCreationStore(_db.ConnectionString, SqliteDurability.SurvivesPowerLoss, withV2))
        {
            found = v2.FoundSchemaVersion;
            Assert.That(v2.SchemaVersion, Is.EqualTo(withV2.Length));
            Assert.That((await v2.FindParticipantBySnsAsync("social", "s1"))!.Id, Is.EqualTo("p1"));
        }

        using var again = new SqliteCoCreationStore(_db.ConnectionString, SqliteDurability.SurvivesPowerLoss, withV2);
        Assert.That(found, Is.EqualTo(withV2.Length - 1));
        Assert.That(again.FoundSchemaVersion, Is.EqualTo(withV2.Length), "an applied migration is not run again");
    }

    [Test]
    public void A_file_from_a_newer_schema_is_refused_at_start_naming_the_file()
    {
        using (var raw = _db.OpenRaw())
        {
            Execute(raw, "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (999);");
        }

        var ex = Assert.Throws<CoCreationException>(() => new SqliteCoCreationStore(_db.ConnectionString).Dispose());

        Assert.That(ex!.Message, Does.Contain(_db.File));
        Assert.That(ex.Message, Does.Contain("999"));
    }

    [Test]
    public void A_file_that_is_not_a_database_is_refused_at_start_naming_the_file()
    {
        File.WriteAllBytes(_db.File, System.Text.Encoding.UTF8.GetBytes(new string('x', 8192)));

        var ex = Assert.Throws<CoCreationException>(() => new SqliteCoCreationStore(_db.ConnectionString).Dispose());

        Assert.That(ex!.Message, Does.Contain(_db.File));
        Assert.That(ex.Message, Does.Contain("damaged or is not a SQLite database"));
        Assert.That(ex.InnerException, Is.InstanceOf<SqliteException>());
    }

    [Test]
    public async Task A_database_with_damaged_pages_is_refused_at_start_rather_than_failing_later()
    {
        using (var store = new SqliteCoCreationStore(_db.ConnectionString))
        {
            var changes = new StoreChanges();
            for (var i = 0; i < 200; i++)
            {
                changes.PutDocument("bulk", $"d{i:000}", $"{{\"text\":\"{new string('a', 200)}\"}}");
            }

            await store.ApplyAsync(changes);
        }

        // Keep the header page, scribble over the pages after it.
        var bytes = File.ReadAllBytes(_db.File);
        Assert.That(bytes.Length, Is.GreaterThan(4096 * 4));
        for (var i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31);
        }

        File.WriteAllBytes(_db.File, bytes);

        var ex = Assert.Throws<CoCreationException>(() => new SqliteCoCreationStore(_db.ConnectionString).Dispose());

        Assert.That(ex!.Message, Does.Contain(_db.File));
        Assert.That(ex.Message, Does.Contain("damaged"));
    }

    [Test]
    public void A_file_locked_by_another_connection_is_refused_at_start_naming_the_file()
    {
        using (new SqliteCoCreationStore(_db.ConnectionString))
        {
        }

        using var holder = _db.OpenRaw();
        Execute(holder, "BEGIN EXCLUSIVE; INSERT INTO cursors (source, cursor) VALUES ('held', '1');");

        var ex = Assert.Throws<CoCreationException>(() => new SqliteCoCreationStore(_db.ConnectionString + ";Default Timeout=1").Dispose());

        Assert.That(ex!.Message, Does.Contain(_db.File));
        Assert.That(ex.Message, Does.Contain("locked"));
        Execute(holder, "ROLLBACK");
    }

    [Test]
    public void A_blank_or_malformed_connection_string_is_refused_naming_the_field()
    {
        var blank = Assert.Throws<CoCreationValidationException>(() => new SqliteCoCreationStore(" ").Dispose());
        var malformed = Assert.Throws<CoCreationValidationException>(() => new SqliteCoCreationStore("Data Source=x.db;Nonsense Key=1").Dispose());
        var noSource = Assert.Throws<CoCreationValidationException>(() => new SqliteCoCreationStore("Cache=Shared").Dispose());

        Assert.That(blank!.Field, Is.EqualTo("connectionString"));
        Assert.That(malformed!.Field, Is.EqualTo("connectionString"));
        Assert.That(noSource!.Field, Does.StartWith("connectionString"));
    }

    [Test]
    public async Task Concurrent_writers_on_two_store_instances_of_one_file_lose_no_update()
    {
        // Two instances stand for two processes: they share only the file, so the version check inside the
        // transaction is all that keeps an update from being lost.
        using var first = new SqliteCoCreationStore(_db.ConnectionString);
        using var second = new SqliteCoCreationStore(_db.ConnectionString);
        await first.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "s1"), null));
        var conflicts = 0;

        async Task Worker(ICoCreationStore store, int worker)
        {
            for (var i = 0; i < 15; i++)
            {
                while (true)
                {
                    var current = (await store.GetParticipantAsync("p1"))!;
                    try
                    {
                        await store.ApplyAsync(new StoreChanges()
                            .PutParticipant(current with { DisplayName = $"w{worker}-{i}" }, current.Version)
                            .SetCursor($"worker:{worker}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        break;
                    }
                    catch (CoCreationConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(w => Task.Run(() => Worker(w % 2 == 0 ? first : second, w))));

        Assert.That((await second.GetParticipantAsync("p1"))!.Version, Is.EqualTo(1 + (6 * 15)));
        for (var w = 0; w < 6; w++)
        {
            Assert.That(await first.GetCursorAsync($"worker:{w}"), Is.EqualTo("14"));
        }

        TestContext.Out.WriteLine($"{6 * 15} updates applied, {conflicts} conflicts retried");
    }

    [Test]
    public async Task A_store_can_be_used_through_the_sdk_registration()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().UseSqlite(_db.ConnectionString);
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<ICoCreationStore>();
            Assert.That(store, Is.InstanceOf<SqliteCoCreationStore>());
            await store.ApplyAsync(new StoreChanges().SetCursor("c", "1"));
        }

        // The container disposed the store, which closed the file: a fresh store reads what it wrote.
        using var reopened = new SqliteCoCreationStore(_db.ConnectionString);
        Assert.That(await reopened.GetCursorAsync("c"), Is.EqualTo("1"));
        Assert.Throws<CoCreationValidationException>(() => new ServiceCollection().AddCoCreation().UseSqlite(""));
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
