using Npgsql;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>Migrations at first use, processes starting at once, and several instances writing one database.</summary>
[TestFixture]
[Category("Integration")]
public sealed class PostgreSqlStartTests
{
    private PostgresSchema? _schema;

    private static readonly int Latest = PostgreSqlSchema.Latest(PostgreSqlSchema.Migrations);

    private PostgresSchema Schema => _schema!;

    [SetUp]
    public async Task SetUp() => _schema = await PostgresSchema.CreateAsync();

    [TearDown]
    public async Task TearDown()
    {
        // Without the peer, SetUp was ignored before a schema existed.
        if (_schema is not null)
        {
            await Schema.DisposeAsync();
            _schema = null;
        }
    }

    [Test]
    public async Task A_second_store_on_the_same_database_finds_the_schema_and_the_data_and_applies_nothing_again()
    {
        await using (var first = new PostgreSqlCoCreationStore(Schema.ConnectionString))
        {
            Assert.That(await first.GetFoundSchemaVersionAsync(), Is.Zero);
            await first.ApplyAsync(new StoreChanges().SetCursor("enterprise:erp", "41").PutDocument("c", "d1", "{\"a\":1}"));
        }

        var appliedAt = await Schema.ScalarAsync<DateTime>("SELECT applied_at FROM schema_version WHERE version = 1");
        await using var second = new PostgreSqlCoCreationStore(Schema.ConnectionString);

        Assert.That(await second.GetFoundSchemaVersionAsync(), Is.EqualTo(second.SchemaVersion));
        Assert.That(second.SchemaVersion, Is.EqualTo(Latest));
        Assert.That(await second.GetCursorAsync("enterprise:erp"), Is.EqualTo("41"));
        Assert.That(await second.GetDocumentAsync("c", "d1"), Is.EqualTo("{\"a\":1}"));
        Assert.That(await Schema.ScalarAsync<long>("SELECT count(*) FROM schema_version"), Is.EqualTo(Latest), "one row per migration");
        Assert.That(await Schema.ScalarAsync<DateTime>("SELECT applied_at FROM schema_version WHERE version = 1"), Is.EqualTo(appliedAt), "the migration ran once");
    }

    [Test]
    public async Task Stores_starting_at_once_migrate_once_and_all_start()
    {
        // Separate data sources: as many processes would, each opens its own connections.
        var stores = Enumerable.Range(0, 6).Select(_ => new PostgreSqlCoCreationStore(Schema.ConnectionString)).ToList();
        try
        {
            var found = await Task.WhenAll(stores.Select(s => Task.Run(() => s.GetFoundSchemaVersionAsync())));

            Assert.That(found.Count(v => v == 0), Is.EqualTo(1), $"exactly one store found an empty schema (found: {string.Join(", ", found)})");
            Assert.That(found.Count(v => v == Latest), Is.EqualTo(stores.Count - 1));
            Assert.That(await Schema.ScalarAsync<long>("SELECT count(*) FROM schema_version"), Is.EqualTo(Latest));
            await Task.WhenAll(stores.Select((s, i) => s.ApplyAsync(new StoreChanges().SetCursor($"source-{i}", "1"))));
            Assert.That(await Schema.ScalarAsync<long>("SELECT count(*) FROM cursors"), Is.EqualTo(stores.Count));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task A_database_written_before_relay_workers_is_brought_up_to_date_and_its_pending_deliveries_can_be_claimed()
    {
        var pending = new OutboxMessage
        {
            DeliveryKey = "k1",
            Event = new CoCreationEvent { Id = "e1", Source = CoCreationEventSources.Module("test"), Type = CoCreationEventTypes.SaleCompleted, Time = DateTimeOffset.UnixEpoch },
            RuleName = "sales",
            RecipientId = "p1",
            Channel = RelayChannel.DirectMessage,
            Status = DeliveryStatus.Pending,
            NextAttemptAt = DateTimeOffset.UnixEpoch,
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        await using (var dataSource = NpgsqlDataSource.Create(Schema.ConnectionString))
        await using (var old = new PostgreSqlCoCreationStore(dataSource, ownsDataSource: false, [PostgreSqlSchema.Migrations[0]]))
        {
            Assert.That(await old.GetFoundSchemaVersionAsync(), Is.Zero);
            Assert.That(old.SchemaVersion, Is.EqualTo(1));
        }

        // The row as a build of schema version 1 wrote it (its upsert knew no lease columns).
        await using (var dataSource = NpgsqlDataSource.Create(Schema.ConnectionString))
        await using (var insert = dataSource.CreateCommand("INSERT INTO outbox (delivery_key, recipient_id, status, next_attempt_at, json) VALUES ($1, $2, 'Pending', $3, $4)"))
        {
            insert.Parameters.AddWithValue(pending.DeliveryKey);
            insert.Parameters.AddWithValue(pending.RecipientId);
            insert.Parameters.AddWithValue(pending.NextAttemptAt.UtcTicks);
            insert.Parameters.AddWithValue(PostgreSqlJsonContext.Write(pending, PostgreSqlJsonContext.Default.OutboxMessage));
            await insert.ExecuteNonQueryAsync();
        }

        await using var store = new PostgreSqlCoCreationStore(Schema.ConnectionString);
        var claimed = await store.ClaimDueOutboxAsync("worker", DateTimeOffset.UnixEpoch.AddMinutes(1), TimeSpan.FromMinutes(1), 10);

        Assert.That(await store.GetFoundSchemaVersionAsync(), Is.EqualTo(1));
        Assert.That(store.SchemaVersion, Is.EqualTo(Latest));
        Assert.That(claimed.Select(m => m.DeliveryKey), Is.EqualTo(new[] { "k1" }));
    }

    [Test]
    public async Task A_database_from_a_newer_build_is_refused_and_nothing_is_written()
    {
        await using (var first = new PostgreSqlCoCreationStore(Schema.ConnectionString))
        {
            await first.GetFoundSchemaVersionAsync();
        }

        await Schema.ExecuteAsync($"INSERT INTO {Schema.Name}.schema_version (version, description) VALUES (7, 'from a newer build')");
        await using var store = new PostgreSqlCoCreationStore(Schema.ConnectionString);

        var ex = Assert.ThrowsAsync<CoCreationException>(() => store.ApplyAsync(new StoreChanges().SetCursor("s", "1")));

        Assert.That(ex!.Message, Does.Contain("schema version 7").And.Contain($"up to {Latest}"));
        Assert.That(await Schema.ScalarAsync<long>("SELECT count(*) FROM cursors"), Is.Zero);
    }

    [Test]
    public async Task Two_instances_storing_the_same_new_participant_at_once_get_one_success_and_one_conflict()
    {
        await using var a = new PostgreSqlCoCreationStore(Schema.ConnectionString);
        await using var b = new PostgreSqlCoCreationStore(Schema.ConnectionString);
        await a.GetFoundSchemaVersionAsync();
        await b.GetFoundSchemaVersionAsync();

        for (var round = 0; round < 10; round++)
        {
            Participant Person(string name) => new()
            {
                Id = $"p{round}",
                DisplayName = name,
                CreatedAt = DateTimeOffset.UnixEpoch,
                SnsLinks = [new SnsLink("social", $"s{round}", name, DateTimeOffset.UnixEpoch)],
            };

            var results = await Task.WhenAll(
                Outcome(() => a.ApplyAsync(new StoreChanges().PutParticipant(Person("from a"), null))),
                Outcome(() => b.ApplyAsync(new StoreChanges().PutParticipant(Person("from b"), null))));

            Assert.That(results.Count(r => r is null), Is.EqualTo(1), $"round {round}: one writer wins");
            Assert.That(results.Count(r => r is CoCreationConflictException), Is.EqualTo(1), $"round {round}: the other gets a conflict, not another error ({string.Join("; ", results.Select(r => r?.GetType().Name))})");
            var stored = await b.FindParticipantBySnsAsync("social", $"s{round}");
            Assert.That(stored!.Version, Is.EqualTo(1));
        }

        static async Task<Exception?> Outcome(Func<Task> apply)
        {
            try
            {
                await Task.Run(apply);
                return null;
            }
            catch (Exception ex)
            {
                return ex;
            }
        }
    }

    [Test]
    public async Task Change_sets_writing_two_participants_in_opposite_orders_either_apply_or_conflict_and_lose_no_update()
    {
        await using var a = new PostgreSqlCoCreationStore(Schema.ConnectionString);
        await using var b = new PostgreSqlCoCreationStore(Schema.ConnectionString);
        await a.ApplyAsync(new StoreChanges()
            .PutParticipant(new Participant { Id = "p1", DisplayName = "one", CreatedAt = DateTimeOffset.UnixEpoch }, null)
            .PutParticipant(new Participant { Id = "p2", DisplayName = "two", CreatedAt = DateTimeOffset.UnixEpoch }, null));
        var applied = 0;
        var conflicts = 0;

        // Each writer locks the two rows in its own order, which can deadlock; PostgreSQL breaks the deadlock and the
        // store must report it as a conflict to retry, like a stale version.
        async Task Writer(PostgreSqlCoCreationStore store, string firstId, string secondId)
        {
            for (var i = 0; i < 15; i++)
            {
                while (true)
                {
                    var first = (await store.GetParticipantAsync(firstId))!;
                    var second = (await store.GetParticipantAsync(secondId))!;
                    try
                    {
                        await store.ApplyAsync(new StoreChanges()
                            .PutParticipant(first with { DisplayName = $"{firstId}-{i}" }, first.Version)
                            .PutParticipant(second with { DisplayName = $"{secondId}-{i}" }, second.Version));
                        Interlocked.Increment(ref applied);
                        break;
                    }
                    catch (CoCreationConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Writer(a, "p1", "p2")), Task.Run(() => Writer(b, "p2", "p1")));

        Assert.That(applied, Is.EqualTo(30));
        Assert.That((await a.GetParticipantAsync("p1"))!.Version, Is.EqualTo(31), $"every applied set raised each version once ({conflicts} conflicts were retried)");
        Assert.That((await a.GetParticipantAsync("p2"))!.Version, Is.EqualTo(31));
    }

    [Test]
    public async Task A_change_set_chosen_as_a_deadlock_victim_is_a_conflict_and_applies_nothing()
    {
        // A name of its own, so the wait below is this store's, whoever else uses the server.
        var application = "deadlock-" + Guid.NewGuid().ToString("N");
        await using var store = new PostgreSqlCoCreationStore(new NpgsqlConnectionStringBuilder(Schema.ConnectionString) { ApplicationName = application }.ConnectionString);
        await store.ApplyAsync(new StoreChanges()
            .PutParticipant(new Participant { Id = "p1", DisplayName = "one", CreatedAt = DateTimeOffset.UnixEpoch }, null)
            .PutParticipant(new Participant { Id = "p2", DisplayName = "two", CreatedAt = DateTimeOffset.UnixEpoch }, null));

        // Another session holds p2, the change set locks p1 and waits for p2, then the other session asks for p1. The
        // other session waits far longer before checking for deadlocks, so the server picks the change set as victim.
        await using var other = new NpgsqlConnection(Schema.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var setUp = new NpgsqlCommand("SET LOCAL deadlock_timeout = '30s'; SELECT 1 FROM participants WHERE id = 'p2' FOR UPDATE", other, transaction))
        {
            await setUp.ExecuteNonQueryAsync();
        }

        var apply = Task.Run(() => store.ApplyAsync(new StoreChanges()
            .PutParticipant(new Participant { Id = "p1", DisplayName = "one, renamed", CreatedAt = DateTimeOffset.UnixEpoch, Version = 1 }, 1)
            .PutParticipant(new Participant { Id = "p2", DisplayName = "two, renamed", CreatedAt = DateTimeOffset.UnixEpoch, Version = 1 }, 1)
            .SetCursor("s", "1")));
        await WaitUntilWaitingForALockAsync(application);
        await using (var takeP1 = new NpgsqlCommand("SELECT 1 FROM participants WHERE id = 'p1' FOR UPDATE", other, transaction))
        {
            var otherSide = takeP1.ExecuteNonQueryAsync();
            var ex = Assert.ThrowsAsync<CoCreationConflictException>(() => apply);
            Assert.That(ex!.Message, Does.Contain("retry"));
            await otherSide;
        }

        await transaction.RollbackAsync();
        Assert.That((await store.GetParticipantAsync("p1"))!.DisplayName, Is.EqualTo("one"));
        Assert.That((await store.GetParticipantAsync("p1"))!.Version, Is.EqualTo(1));
        Assert.That(await store.GetCursorAsync("s"), Is.Null);
    }

    private async Task WaitUntilWaitingForALockAsync(string application)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await Schema.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{application}' AND wait_event_type = 'Lock'") > 0)
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail("the change set never waited for the lock");
    }

    [Test]
    public async Task A_search_path_without_an_existing_schema_fails_with_a_message_that_says_so()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(Schema.ConnectionString) { SearchPath = Schema.Name + "_missing" }.ConnectionString;
        await using var store = new PostgreSqlCoCreationStore(connectionString);

        var ex = Assert.ThrowsAsync<CoCreationException>(() => store.GetCursorAsync("s"));

        Assert.That(ex!.Message, Does.Contain("no schema").And.Contain("Search Path"));
    }

    [Test]
    public async Task UsePostgreSql_registers_a_store_that_works_and_leaves_a_caller_owned_data_source_open()
    {
        await using var dataSource = NpgsqlDataSource.Create(Schema.ConnectionString);
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddCoCreation().UsePostgreSql(dataSource);
        await using (var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services))
        {
            var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<ICoCreationStore>(provider);
            Assert.That(store, Is.InstanceOf<PostgreSqlCoCreationStore>());
            await store.ApplyAsync(new StoreChanges().SetCursor("enterprise:erp", "7"));
        }

        // The container disposed the store, not the application's data source.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT cursor FROM cursors WHERE source = 'enterprise:erp'", connection);
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("7"));
    }
}
