using System.Collections.Immutable;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>
/// The shortcuts the store takes on the relay's hot path: outbox rows written without the generated serializer (the
/// event's JSON shared per event), and participants served from memory while the file has not changed.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class SqliteRelayWriteTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private TempDatabase _db = null!;

    [SetUp]
    public void SetUp() => _db = new TempDatabase();

    [TearDown]
    public void TearDown() => _db.Dispose();

    private static IEnumerable<OutboxMessage> Messages()
    {
        var plain = new CoCreationEvent
        {
            Id = "evt-1",
            Source = new Uri("urn:cocreation:module:tests"),
            Type = "com.cocreation.shipment.sent",
            Time = Now,
        };
        var rich = plain with
        {
            Id = "evt-\"2\"",
            Subject = "orders/<PO-1042>&",
            Data = ImmutableDictionary<string, string>.Empty.Add("title", "린넨 재킷 \"한정판\"").Add("emoji", "\U0001F9E5").Add("line", "a\nb\\c"),
        };
        var pending = new OutboxMessage
        {
            DeliveryKey = "0123456789abcdef0123456789abcdef",
            Event = plain,
            RuleName = "shipping",
            RecipientId = "p-1",
            Channel = RelayChannel.DirectMessage,
            Status = DeliveryStatus.Pending,
            NextAttemptAt = Now,
            CreatedAt = Now,
        };
        yield return pending;
        yield return pending with { Event = rich, Channel = RelayChannel.Mention };
        yield return pending with
        {
            Event = rich,
            Status = DeliveryStatus.DeadLettered,
            Attempts = 5,
            NextAttemptAt = Now.AddMinutes(3).ToOffset(TimeSpan.FromHours(9)),
            FailedNetworks = ["mastodon", "bluesky"],
            LastError = "bluesky: 400 \"InvalidRequest\" <no DM>",
            CreatedAt = Now.AddTicks(1234567),
        };
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            yield return pending with { Status = status, Attempts = (int)status };
        }
    }

    [TestCaseSource(nameof(Messages))]
    public void An_outbox_row_is_written_exactly_as_the_generated_serializer_writes_it(OutboxMessage message)
    {
        var generated = SqliteJsonContext.Write(message, SqliteJsonContext.Default.OutboxMessage);

        Assert.That(SqliteJsonContext.WriteOutbox(message), Is.EqualTo(generated));
        Assert.That(SqliteJsonContext.Read(SqliteJsonContext.WriteOutbox(message), SqliteJsonContext.Default.OutboxMessage), Is.EqualTo(message).Using<OutboxMessage>(SameMessage));
    }

    [Test]
    public async Task Rows_enqueued_and_updated_hold_the_generated_serializers_json_and_columns_byte_for_byte()
    {
        // The hot path binds UTF-8 bytes and keys by position; another connection reading the raw columns must find what
        // the generated serializer writes, Korean, escapes and emoji included, with the key and recipient columns intact.
        var messages = Messages().Take(3).Select((m, i) => m with { DeliveryKey = $"키-{i}-" + new string('k', 120 * i), RecipientId = $"참가자-{i}", Status = DeliveryStatus.Pending }).ToList();
        using var store = new SqliteCoCreationStore(_db.ConnectionString);
        Assert.That(await store.EnqueueOutboxAsync(messages), Is.Empty);
        ExpectRows(messages);

        var outcomes = messages.Select(m => m with { Status = DeliveryStatus.Delivered, Attempts = 1, LastError = "없음 \"ok\"" }).ToList();
        var changes = new StoreChanges();
        outcomes.ForEach(o => changes.PutOutbox(o));
        await store.ApplyAsync(changes);
        ExpectRows(outcomes);

        // Enqueued again, nothing is inserted: the stored (delivered) rows come back unchanged.
        var again = await store.EnqueueOutboxAsync(messages);
        Assert.That(again.Select(m => m.Status), Is.All.EqualTo(DeliveryStatus.Delivered));
        ExpectRows(outcomes);
    }

    [Test]
    public async Task A_write_waits_for_another_connection_up_to_the_default_timeout()
    {
        // Two stores on one file: one waits up to 10 s, one up to 1 s, while another connection holds the write lock.
        using var patient = new SqliteCoCreationStore(_db.ConnectionString + ";Default Timeout=10");
        using var hasty = new SqliteCoCreationStore(_db.ConnectionString + ";Default Timeout=1");
        var first = Messages().First() with { DeliveryKey = "busy-1" };
        var second = Messages().First() with { DeliveryKey = "busy-2" };
        using var holder = new Microsoft.Data.Sqlite.SqliteConnection(_db.ConnectionString + ";Pooling=False");
        holder.Open();
        void Run(string sql)
        {
            using var command = holder.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        // Held for 0.3 s: the write waits, then goes in.
        Run("BEGIN IMMEDIATE");
        var write = Task.Run(() => patient.EnqueueOutboxAsync([first]));
        await Task.Delay(300);
        Assert.That(write.IsCompleted, Is.False, "the store waits while the other connection writes");
        Run("COMMIT");
        Assert.That(await write.WaitAsync(TimeSpan.FromSeconds(10)), Is.Empty);

        // Held past the timeout: the write fails naming the file, writes nothing, and the store works once it is free.
        Run("BEGIN IMMEDIATE");
        var failure = Assert.ThrowsAsync<CoCreationException>(() => hasty.EnqueueOutboxAsync([second]));
        Assert.That(failure!.Message, Does.Contain(_db.File));
        Run("COMMIT");
        Assert.That(await hasty.GetOutboxMessageAsync("busy-2"), Is.Null);
        Assert.That(await hasty.EnqueueOutboxAsync([second]), Is.Empty);
        ExpectRows([first, second]);
    }

    private void ExpectRows(IReadOnlyList<OutboxMessage> expected)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_db.ConnectionString);
        connection.Open();
        foreach (var message in expected)
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT recipient_id, status, next_attempt_at, json FROM outbox WHERE delivery_key = $key";
            read.Parameters.AddWithValue("$key", message.DeliveryKey);
            using var reader = read.ExecuteReader();
            Assert.That(reader.Read(), Is.True, message.DeliveryKey);
            Assert.That(reader.GetString(0), Is.EqualTo(message.RecipientId));
            Assert.That(reader.GetString(1), Is.EqualTo(message.Status.ToString()));
            Assert.That(reader.GetInt64(2), Is.EqualTo(message.NextAttemptAt.UtcTicks));
            Assert.That(reader.GetString(3), Is.EqualTo(SqliteJsonContext.Write(message, SqliteJsonContext.Default.OutboxMessage)));
        }
    }

    [Test]
    public async Task An_event_sent_to_many_recipients_is_stored_whole_in_every_row()
    {
        var message = Messages().ElementAt(2);
        var rows = Enumerable.Range(0, 3).Select(i => message with { DeliveryKey = $"key-{i}", RecipientId = $"p-{i}" }).ToList();
        using (var store = new SqliteCoCreationStore(_db.ConnectionString))
        {
            var changes = new StoreChanges();
            rows.ForEach(r => changes.PutOutbox(r));
            await store.ApplyAsync(changes);
        }

        using var reopened = new SqliteCoCreationStore(_db.ConnectionString);
        var stored = await reopened.GetOutboxMessagesAsync(rows.Select(r => r.DeliveryKey).ToList());
        Assert.That(stored, Has.Count.EqualTo(3));
        foreach (var row in rows)
        {
            var read = stored.Single(s => s.DeliveryKey == row.DeliveryKey);
            Assert.That(read, Is.EqualTo(row).Using<OutboxMessage>(SameMessage));
            Assert.That(read.Event.GetData("title"), Is.EqualTo("린넨 재킷 \"한정판\""));
        }
    }

    [Test]
    public async Task A_participant_changed_through_another_connection_is_read_as_changed()
    {
        using var first = new SqliteCoCreationStore(_db.ConnectionString);
        using var second = new SqliteCoCreationStore(_db.ConnectionString);
        await first.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "ko-KR"), null));

        // Read (and kept) by the first store, then changed and later erased by the second.
        Assert.That((await first.GetParticipantsAsync(["p1"])).Single().PreferredLocale, Is.EqualTo("ko-KR"));
        var current = (await second.GetParticipantAsync("p1"))!;
        await second.ApplyAsync(new StoreChanges().PutParticipant(current with { PreferredLocale = "en-US" }, current.Version));

        Assert.That((await first.GetParticipantAsync("p1"))!.PreferredLocale, Is.EqualTo("en-US"));
        Assert.That((await first.GetParticipantsAsync(["p1"])).Single().Version, Is.EqualTo(2));

        await second.ApplyAsync(new StoreChanges().DeleteParticipant("p1"));
        Assert.That(await first.GetParticipantAsync("p1"), Is.Null);
        Assert.That(await first.GetParticipantsAsync(["p1"]), Is.Empty);
    }

    [Test]
    public async Task A_participant_changed_or_erased_through_the_same_store_is_read_as_changed()
    {
        using var store = new SqliteCoCreationStore(_db.ConnectionString);
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "ko-KR"), null).PutParticipant(Person("p2", "ko-KR"), null));
        var both = await store.GetParticipantsAsync(["p1", "p2"]);
        Assert.That(both.Select(p => p.Id), Is.EquivalentTo(new[] { "p1", "p2" }));

        var p1 = both.Single(p => p.Id == "p1");
        await store.ApplyAsync(new StoreChanges().PutParticipant(p1 with { PreferredLocale = "en-US" }, p1.Version));
        Assert.That((await store.GetParticipantsAsync(["p1", "p2"])).Single(p => p.Id == "p1").PreferredLocale, Is.EqualTo("en-US"));

        await store.ApplyAsync(new StoreChanges().DeleteParticipant("p2"));
        Assert.That((await store.GetParticipantsAsync(["p1", "p2"])).Select(p => p.Id), Is.EqualTo(new[] { "p1" }));
        Assert.That(await store.GetParticipantAsync("p2"), Is.Null);
    }

    [Test]
    public async Task A_change_set_that_fails_leaves_the_participants_read_as_stored()
    {
        using var store = new SqliteCoCreationStore(_db.ConnectionString);
        await store.ApplyAsync(new StoreChanges().PutParticipant(Person("p1", "ko-KR"), null));
        var p1 = (await store.GetParticipantAsync("p1"))!;

        // Expects an old version: the whole set is refused, and the stored participant is what is read.
        Assert.ThrowsAsync<CoCreationConflictException>(() => store.ApplyAsync(new StoreChanges().PutParticipant(p1 with { PreferredLocale = "en-US" }, p1.Version + 5)));
        Assert.That((await store.GetParticipantAsync("p1"))!.PreferredLocale, Is.EqualTo("ko-KR"));
    }

    private static Participant Person(string id, string locale) => new()
    {
        Id = id,
        DisplayName = id,
        PreferredLocale = locale,
        CreatedAt = Now,
        SnsLinks = [new SnsLink("social", "s-" + id, "@" + id, Now)],
    };

    private static bool SameMessage(OutboxMessage a, OutboxMessage b)
        => a with { FailedNetworks = [], Event = b.Event } == b with { FailedNetworks = [] }
            && a.FailedNetworks.SequenceEqual(b.FailedNetworks)
            && a.Event with { Data = b.Event.Data } == b.Event
            && a.Event.Data.OrderBy(d => d.Key, StringComparer.Ordinal).SequenceEqual(b.Event.Data.OrderBy(d => d.Key, StringComparer.Ordinal));
}
