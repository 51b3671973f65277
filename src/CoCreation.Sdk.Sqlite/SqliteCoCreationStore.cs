using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Sqlite;

/// <summary>
/// An <see cref="ICoCreationStore"/> in one SQLite file: participants and their link index, grants, the audit
/// trail, the relay outbox (with its delivery log and dead letters), source cursors and module documents.
/// </summary>
/// <remarks>
/// <para>
/// The constructor opens the file, checks it, switches it to WAL, and applies any schema migration it lacks
/// (the version is kept in a <c>schema_version</c> table). A file that is damaged, not a database, written by
/// a newer build or locked by another process fails there with a <see cref="CoCreationException"/> naming the
/// file, rather than at some later write.
/// </para>
/// <para>
/// Every <see cref="ApplyAsync"/> is one <c>BEGIN IMMEDIATE</c> transaction that re-checks participant versions
/// and link ownership inside it, exactly as <see cref="InMemoryCoCreationStore"/> does; a conflict rolls the
/// whole change set back. Deleted rows are overwritten (<c>secure_delete</c>), so erased personal data does not
/// linger in free pages; a change set that erases personal data (<see cref="StoreChanges.ErasesPersonalData"/>) is
/// followed at once by a truncating checkpoint of the write-ahead log, so that the old versions of the changed pages
/// are gone from the -wal file too while the store stays open. <see cref="Dispose"/> checkpoints the log as well.
/// </para>
/// <para>
/// Thread-safe: the store owns one connection and lets one operation use it at a time. SQLite runs one writer
/// per file anyway, and a single connection keeps prepared statements warm and reads consistent with the
/// last commit. Other processes may open the same file; they wait for each other up to the connection
/// string's <c>Default Timeout</c> (30 s unless set).
/// </para>
/// <para>
/// Participants read by id are kept in memory (up to 10,000) and served from there while the file is unchanged: any
/// commit by another connection (<c>PRAGMA data_version</c>) or any participant change or erasure through this store
/// empties them before the next read, so a read never returns a participant that was changed or erased since.
/// </para>
/// </remarks>
public sealed partial class SqliteCoCreationStore : ICoCreationStore, IDisposable
{
    private const string SnsKind = "s";
    private const string CloudKind = "c";
    private const string EnterpriseKind = "e";

    private const int MaxCachedParticipants = 10_000;

    // The keys go in as one JSON array parameter, which has no limit on its length.
    private const string OutboxByKeysSql = "SELECT json FROM outbox WHERE delivery_key IN (SELECT value FROM json_each($keys))";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly string _file;

    // Participants read by id, valid while no other connection has committed since (PRAGMA data_version) and this
    // store has written no participant change: the relay reads the same recipients for every event.
    private readonly Dictionary<string, Participant> _participants = new(StringComparer.Ordinal);
    private long _participantsDataVersion = -1;
    private bool _disposed;
    private bool _checkpointOwed;

    /// <summary>Opens (or creates) the database, checks it and brings its schema up to date.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=data/cocreation.db</c>.</param>
    /// <param name="durability">How much a commit survives; by default also a power loss.</param>
    /// <exception cref="CoCreationValidationException">The connection string is blank, malformed or names no data source.</exception>
    /// <exception cref="CoCreationException">The file cannot be opened, is damaged or not a database, was written by a newer schema, or is locked.</exception>
    public SqliteCoCreationStore(string connectionString, SqliteDurability durability = SqliteDurability.SurvivesPowerLoss)
        : this(connectionString, durability, SqliteSchema.Migrations)
    {
    }

    internal SqliteCoCreationStore(string connectionString, SqliteDurability durability, IReadOnlyList<SqliteMigration> migrations)
    {
        var builder = ParseConnectionString(connectionString);
        if (!Enum.IsDefined(durability))
        {
            throw new CoCreationValidationException(nameof(durability), $"'{durability}' is not a durability level.");
        }

        SqliteSchema.CheckOrder(migrations);
        _file = builder.DataSource;

        // One connection lives as long as the store; a pooled one would keep the file open after Dispose.
        builder.Pooling = false;
        CreateDirectoryOf(builder);
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            var timeoutMs = (long)builder.DefaultTimeout * 1000;
            Execute($"PRAGMA busy_timeout = {timeoutMs.ToString(CultureInfo.InvariantCulture)}");

            // Reading the header first turns "not a database" into an error here, before any setting is written.
            Scalar("PRAGMA schema_version");
            Execute("PRAGMA foreign_keys = ON");
            Execute("PRAGMA secure_delete = ON");
            JournalMode = Convert.ToString(Scalar("PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture) ?? "";
            Execute(durability == SqliteDurability.SurvivesPowerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            var check = Convert.ToString(Scalar("PRAGMA quick_check"), CultureInfo.InvariantCulture);
            if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
            {
                throw new CoCreationException($"The CoCreation store file '{_file}' is damaged (integrity check: {check}). Restore it from a backup or use another file.");
            }

            Execute("BEGIN IMMEDIATE");
            try
            {
                FoundSchemaVersion = SqliteSchema.Migrate(_connection, migrations, _file);
                Execute("COMMIT");
            }
            catch
            {
                TryRollback();
                throw;
            }

            SchemaVersion = SqliteSchema.Latest(migrations);
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            throw StartFailure(ex);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>The database file (the connection string's data source).</summary>
    public string DataSource => _file;

    /// <summary>The schema version the file had when the store opened it; 0 for a new file.</summary>
    public int FoundSchemaVersion { get; }

    /// <summary>The schema version the file has now.</summary>
    public int SchemaVersion { get; }

    /// <summary>The journal mode SQLite reports: <c>wal</c> for a file, <c>memory</c> for an in-memory database.</summary>
    public string JournalMode { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">A change names a blank id.</exception>
    /// <exception cref="CoCreationException">The file could not be written.</exception>
    public async Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        changes.Validate();
        if (changes.IsEmpty)
        {
            return;
        }

        // Serialised before the store is taken: the JSON of the outbox rows (the bulk of a relay's writes) costs no time
        // in the write transaction, while other processes on the file wait for it.
        using var outboxJson = SqliteJsonContext.WriteOutboxRows(changes.Outbox);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            Run(() =>
            {
                BeginImmediate();
                try
                {
                    Apply(changes, outboxJson);
                    Commit();
                }
                catch
                {
                    TryRollback();
                    throw;
                }
                finally
                {
                    if (changes.Participants.Count > 0 || changes.DeletedParticipants.Count > 0 || changes.ErasesPersonalData)
                    {
                        _participants.Clear();
                    }
                }

                if (changes.ErasesPersonalData || _checkpointOwed)
                {
                    // secure_delete zeroed the old rows in the pages the commit wrote, but earlier versions of those
                    // pages are still frames of the write-ahead log: copying the log into the file and truncating it
                    // leaves erased data in neither file while the store stays open. If another connection keeps the
                    // checkpoint from finishing, the next change set tries again (and CheckpointAsync can be called).
                    _checkpointOwed = true;
                    Checkpoint();
                    _checkpointOwed = false;
                }
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        return ReadAsync(() =>
        {
            if (CachedParticipants().TryGetValue(participantId, out var cached))
            {
                return cached;
            }

            var command = Command("SELECT version, json FROM participants WHERE id = $id", ("$id", participantId));
            var participant = ReadParticipant(command);
            if (participant is not null)
            {
                Cache(participant);
            }

            return participant;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One query, however many ids: they go to SQLite as one JSON array parameter, which has no limit on its length.</remarks>
    public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default)
    {
        var ids = CoCreationGuard.DistinctNotBlank(participantIds, nameof(participantIds));
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Participant>>([]);
        }

        return ReadAsync<IReadOnlyList<Participant>>(() =>
        {
            var cache = CachedParticipants();
            var result = new List<Participant>(ids.Count);
            List<string>? missing = null;
            foreach (var id in ids)
            {
                if (cache.TryGetValue(id, out var cached))
                {
                    result.Add(cached);
                }
                else
                {
                    (missing ??= []).Add(id);
                }
            }

            if (missing is null)
            {
                return result;
            }

            var idsJson = SqliteJsonContext.Write(missing, SqliteJsonContext.Default.IReadOnlyListString);
            var command = Command("SELECT version, json FROM participants WHERE id IN (SELECT value FROM json_each($ids))", ("$ids", idsJson));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var participant = ParticipantOf(reader);
                Cache(participant);
                result.Add(participant);
            }

            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default)
        => FindAsync(SnsKind, CoCreationGuard.NotBlank(network, nameof(network)), CoCreationGuard.NotBlank(subject, nameof(subject)), cancellationToken);

    /// <inheritdoc />
    public Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default)
        => FindAsync(CloudKind, CoCreationGuard.NotBlank(provider, nameof(provider)), CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken);

    /// <inheritdoc />
    public Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default)
        => FindAsync(EnterpriseKind, CoCreationGuard.NotBlank(system, nameof(system)), CoCreationGuard.NotBlank(accountId, nameof(accountId)), cancellationToken);

    /// <inheritdoc />
    public Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default)
        => ReadFirstJsonAsync(SqliteJsonContext.Default.AccessGrant, "SELECT json FROM grants WHERE id = $id", [("$id", CoCreationGuard.NotBlank(grantId, nameof(grantId)))], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default)
        => ReadJsonAsync(SqliteJsonContext.Default.AccessGrant, "SELECT json FROM grants WHERE participant_id = $participant ORDER BY seq", [("$participant", CoCreationGuard.NotBlank(participantId, nameof(participantId)))], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
        => ReadJsonAsync(
            SqliteJsonContext.Default.AccessGrant,
            "SELECT json FROM grants WHERE status = $status AND expires_at IS NOT NULL AND expires_at <= $time ORDER BY seq",
            [("$status", nameof(GrantStatus.Active)), ("$time", time.UtcTicks)],
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default)
        => participantId is null
            ? ReadJsonAsync(SqliteJsonContext.Default.AuditEntry, "SELECT json FROM audit ORDER BY seq", [], cancellationToken)
            : ReadJsonAsync(SqliteJsonContext.Default.AuditEntry, "SELECT json FROM audit WHERE participant_id = $participant ORDER BY seq", [("$participant", participantId)], cancellationToken);

    /// <inheritdoc />
    public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default)
        => ReadFirstJsonAsync(SqliteJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE delivery_key = $key", [("$key", CoCreationGuard.NotBlank(deliveryKey, nameof(deliveryKey)))], cancellationToken);

    /// <inheritdoc />
    /// <remarks>One query, however many keys: they go to SQLite as one JSON array parameter, which has no limit on its length.</remarks>
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
    {
        var keys = CoCreationGuard.DistinctNotBlank(deliveryKeys, nameof(deliveryKeys));
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        return ReadJsonAsync(
            SqliteJsonContext.Default.OutboxMessage,
            OutboxByKeysSql,
            [("$keys", SqliteJsonContext.Write(keys, SqliteJsonContext.Default.IReadOnlyListString))],
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One transaction: each new row goes in with <c>INSERT … ON CONFLICT DO NOTHING</c>, and only the keys it did not
    /// insert are read back.
    /// </remarks>
    /// <exception cref="CoCreationException">The file could not be written.</exception>
    public async Task<IReadOnlyList<OutboxMessage>> EnqueueOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        StoreChanges.CheckNewOutbox(messages);
        cancellationToken.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return [];
        }

        using var json = SqliteJsonContext.WriteOutboxRows(messages);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return Run<IReadOnlyList<OutboxMessage>>(() =>
            {
                BeginImmediate();
                try
                {
                    List<string>? others = null;
                    for (var i = 0; i < json.Count; i++)
                    {
                        if (!InsertNewOutboxRow(messages[i], json[i]))
                        {
                            (others ??= []).Add(messages[i].DeliveryKey);
                        }
                    }

                    IReadOnlyList<OutboxMessage> existing = [];
                    if (others is not null)
                    {
                        existing = ReadJson(
                            Command(OutboxByKeysSql, ("$keys", SqliteJsonContext.Write<IReadOnlyList<string>>(others, SqliteJsonContext.Default.IReadOnlyListString))),
                            SqliteJsonContext.Default.OutboxMessage);
                    }

                    Commit();
                    return existing;
                }
                catch
                {
                    TryRollback();
                    throw;
                }
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.Positive(max, nameof(max));

        // The literal status lets SQLite use the partial index of pending rows.
        return ReadJsonAsync(
            SqliteJsonContext.Default.OutboxMessage,
            "SELECT json FROM outbox WHERE status = 'Pending' AND next_attempt_at <= $now ORDER BY next_attempt_at, seq LIMIT $max",
            [("$now", now.UtcTicks), ("$max", max)],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default)
        => status switch
        {
            // Literal statuses let SQLite use the partial indexes; the other statuses scan the log.
            DeliveryStatus.Pending => ReadJsonAsync(SqliteJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = 'Pending' ORDER BY seq", [], cancellationToken),
            DeliveryStatus.DeadLettered => ReadJsonAsync(SqliteJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = 'DeadLettered' ORDER BY seq", [], cancellationToken),
            _ => ReadJsonAsync(SqliteJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = $status ORDER BY seq", [("$status", status.ToString())], cancellationToken),
        };

    /// <inheritdoc />
    public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default)
        => ReadStringAsync("SELECT cursor FROM cursors WHERE source = $source", [("$source", CoCreationGuard.NotBlank(source, nameof(source)))], cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        CoCreationGuard.NotBlank(id, nameof(id));
        return ReadStringAsync("SELECT json FROM documents WHERE collection = $collection AND id = $id", [("$collection", collection), ("$id", id)], cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        return ReadAsync<IReadOnlyList<KeyValuePair<string, string>>>(() =>
        {
            var command = Command("SELECT id, json FROM documents WHERE collection = $collection ORDER BY id", ("$collection", collection));
            var result = new List<KeyValuePair<string, string>>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                result.Add(new(reader.GetString(0), reader.GetString(1)));
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>
    /// Moves everything in the write-ahead log into the database file and empties the log, so that the
    /// file alone holds the current state (for a backup, or to check what is on disk).
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the store.</param>
    /// <returns>A task that completes when the log is empty.</returns>
    /// <exception cref="CoCreationException">Another connection kept the log from being emptied.</exception>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            Run(Checkpoint);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checkpoints the write-ahead log into the file and closes it.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                Checkpoint();
            }
            catch (SqliteException)
            {
                // Another process holds the log open; SQLite keeps the data safe in it and the next opener checkpoints.
            }
            catch (CoCreationException)
            {
            }

            _participants.Clear();
            FinalizeOutboxRowStatements();
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Parses and checks a connection string.</summary>
    internal static SqliteConnectionStringBuilder ParseConnectionString(string? connectionString)
    {
        CoCreationGuard.NotBlank(connectionString, nameof(connectionString));
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new CoCreationValidationException(nameof(connectionString), $"is not a valid SQLite connection string: {ex.Message}");
        }

        CoCreationGuard.NotBlank(builder.DataSource, "connectionString: Data Source");
        return builder;
    }

    // Runs inside the transaction; any exception rolls everything back. Deletions apply before puts, and
    // each check reads the state the earlier parts of the same set left, as the in-memory store plans it.
    private void Apply(StoreChanges changes, SqliteOutboxRows outboxJson)
    {
        foreach (var id in changes.DeletedParticipants)
        {
            // The link rows go with it (ON DELETE CASCADE).
            ExecuteNonQuery("DELETE FROM participants WHERE id = $id", ("$id", id));
        }

        foreach (var (participant, expected) in changes.Participants)
        {
            PutParticipant(participant, expected);
        }

        foreach (var grant in changes.Grants)
        {
            ExecuteNonQuery("""
                INSERT INTO grants (id, participant_id, status, expires_at, json) VALUES ($id, $participant, $status, $expires, $json)
                ON CONFLICT (id) DO UPDATE SET participant_id = excluded.participant_id, status = excluded.status,
                    expires_at = excluded.expires_at, json = excluded.json
                """,
                ("$id", grant.Id),
                ("$participant", grant.ParticipantId),
                ("$status", grant.Status.ToString()),
                ("$expires", grant.ExpiresAt is { } expires ? expires.UtcTicks : DBNull.Value),
                ("$json", SqliteJsonContext.Write(grant, SqliteJsonContext.Default.AccessGrant)));
        }

        foreach (var entry in changes.Audit)
        {
            ExecuteNonQuery("INSERT INTO audit (id, participant_id, json) VALUES ($id, $participant, $json)", ("$id", entry.Id), ("$participant", entry.ParticipantId), ("$json", SqliteJsonContext.Write(entry, SqliteJsonContext.Default.AuditEntry)));
        }

        foreach (var (anonymousId, participantId) in changes.AnonymisedAudit)
        {
            // The JSON keeps the id too, so it is rewritten with the key column; json_set leaves the rest as it was.
            // The event data of the recipient's deliveries may be about them, and no delivery to them can be made any more.
            foreach (var sql in new[]
            {
                "UPDATE audit SET participant_id = $anonymous, json = json_set(json, '$.ParticipantId', $anonymous) WHERE participant_id = $participant",
                "UPDATE grants SET participant_id = $anonymous, json = json_set(json, '$.ParticipantId', $anonymous) WHERE participant_id = $participant",
                "UPDATE outbox SET recipient_id = $anonymous, json = json_set(json, '$.RecipientId', $anonymous, '$.Event.Data', json('{}')), lease_owner = NULL, lease_until = NULL WHERE recipient_id = $participant",
            })
            {
                ExecuteNonQuery(sql, ("$anonymous", anonymousId), ("$participant", participantId));
            }
        }

        // In order, so a key given twice ends as its last entry.
        for (var i = 0; i < outboxJson.Count; i++)
        {
            UpsertOutboxRow(changes.Outbox[i], outboxJson[i]);
        }

        foreach (var (source, cursor) in changes.Cursors)
        {
            ExecuteNonQuery("INSERT INTO cursors (source, cursor) VALUES ($source, $cursor) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor", ("$source", source), ("$cursor", cursor));
        }

        foreach (var (collection, id, json) in changes.Documents)
        {
            if (json is null)
            {
                ExecuteNonQuery("DELETE FROM documents WHERE collection = $collection AND id = $id", ("$collection", collection), ("$id", id));
            }
            else
            {
                ExecuteNonQuery("INSERT INTO documents (collection, id, json) VALUES ($collection, $id, $json) ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json", ("$collection", collection), ("$id", id), ("$json", json));
            }
        }

        foreach (var redaction in changes.Redactions)
        {
            // Erasure is rare and the values may sit anywhere in the JSON (escaped, in any field), so every row is read
            // and only the rows whose redacted form differs are written back.
            Redact("audit", SqliteJsonContext.Default.AuditEntry, redaction.Redact);
            Redact("outbox", SqliteJsonContext.Default.OutboxMessage, redaction.Redact);
        }
    }

    private void Redact<T>(string table, JsonTypeInfo<T> info, Func<T, T> redact)
        where T : class
    {
        var changed = new List<(long Seq, string Json)>();
        using (var reader = Command($"SELECT seq, json FROM {table}").ExecuteReader())
        {
            while (reader.Read())
            {
                var value = SqliteJsonContext.Read(reader.GetString(1), info);
                var redacted = redact(value);
                if (!ReferenceEquals(redacted, value))
                {
                    changed.Add((reader.GetInt64(0), SqliteJsonContext.Write(redacted, info)));
                }
            }
        }

        // A worker's claim on a rewritten outbox entry ends, so its late outcome cannot put the old values back.
        var update = table == "outbox" ? "UPDATE outbox SET json = $json, lease_owner = NULL, lease_until = NULL WHERE seq = $seq" : $"UPDATE {table} SET json = $json WHERE seq = $seq";
        foreach (var (seq, json) in changed)
        {
            ExecuteNonQuery(update, ("$json", json), ("$seq", seq));
        }
    }

    private void PutParticipant(Participant participant, long? expected)
    {
        var read = Command("SELECT version FROM participants WHERE id = $id", ("$id", participant.Id));
        var current = read.ExecuteScalar() is long version ? version : (long?)null;
        if (expected is null && current is not null)
        {
            throw new CoCreationConflictException($"Participant {participant.Id} already exists (version {current}); it was stored as new.");
        }

        if (expected is { } wanted && current != wanted)
        {
            throw new CoCreationConflictException(current is null
                ? $"Participant {participant.Id} does not exist; it was expected at version {wanted}."
                : $"Participant {participant.Id} is at version {current}, not {wanted}: it changed since it was read.");
        }

        var stored = participant with { Version = (expected ?? 0) + 1 };
        ExecuteNonQuery("""
            INSERT INTO participants (id, version, json) VALUES ($id, $version, $json)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, json = excluded.json
            """,
            ("$id", stored.Id),
            ("$version", stored.Version),
            ("$json", SqliteJsonContext.Write(stored, SqliteJsonContext.Default.Participant)));

        ExecuteNonQuery("DELETE FROM participant_links WHERE participant_id = $id", ("$id", stored.Id));

        foreach (var (kind, system, account) in LinksOf(stored))
        {
            var owner = Command("SELECT participant_id FROM participant_links WHERE kind = $kind AND system = $system AND account = $account", ("$kind", kind), ("$system", system), ("$account", account));
            var ownerId = owner.ExecuteScalar() as string;
            if (ownerId is not null && ownerId != stored.Id)
            {
                // Names the kind and system but not the account, which is personal data.
                throw new CoCreationConflictException($"The {Describe(kind, system)} is already linked to another participant.");
            }

            if (ownerId is null)
            {
                ExecuteNonQuery("INSERT INTO participant_links (kind, system, account, participant_id) VALUES ($kind, $system, $account, $participant)", ("$kind", kind), ("$system", system), ("$account", account), ("$participant", stored.Id));
            }
        }
    }

    private static IEnumerable<(string Kind, string System, string Account)> LinksOf(Participant participant)
    {
        foreach (var link in participant.SnsLinks)
        {
            yield return (SnsKind, link.Network, link.Subject);
        }

        foreach (var link in participant.CloudLinks)
        {
            yield return (CloudKind, link.Provider, link.AccountId);
        }

        foreach (var link in participant.EnterpriseLinks)
        {
            yield return (EnterpriseKind, link.System, link.AccountId);
        }
    }

    private static string Describe(string kind, string system) => kind switch
    {
        SnsKind => $"SNS identity on '{system}'",
        CloudKind => $"cloud account at '{system}'",
        _ => $"enterprise account at '{system}'",
    };

    private Task<Participant?> FindAsync(string kind, string system, string account, CancellationToken cancellationToken)
        => ReadAsync(() =>
        {
            var command = Command("""
                SELECT p.version, p.json FROM participant_links l JOIN participants p ON p.id = l.participant_id
                WHERE l.kind = $kind AND l.system = $system AND l.account = $account
                """,
                ("$kind", kind),
                ("$system", system),
                ("$account", account));
            return ReadParticipant(command);
        }, cancellationToken);

    /// <summary>
    /// The participants cached by id, emptied first when another connection (another store, another process) has
    /// committed anything since they were read. Callers hold the gate.
    /// </summary>
    private Dictionary<string, Participant> CachedParticipants()
    {
        var dataVersion = DataVersion();
        if (dataVersion != _participantsDataVersion)
        {
            _participants.Clear();
            _participantsDataVersion = dataVersion;
        }

        return _participants;
    }

    // Bounded: a store with more participants than this keeps re-reading, it does not grow without end.
    private void Cache(Participant participant)
    {
        if (_participants.Count >= MaxCachedParticipants)
        {
            _participants.Clear();
        }

        _participants[participant.Id] = participant;
    }

    private static Participant? ReadParticipant(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? ParticipantOf(reader) : null;
    }

    private static Participant ParticipantOf(SqliteDataReader reader)
        => SqliteJsonContext.Read(reader.GetString(1), SqliteJsonContext.Default.Participant) with { Version = reader.GetInt64(0) };

    private static IReadOnlyList<T> ReadJson<T>(SqliteCommand command, JsonTypeInfo<T> info)
    {
        var result = new List<T>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result.Add(SqliteJsonContext.Read(reader.GetString(0), info));
        }

        return result;
    }

    // Microsoft.Data.Sqlite's async methods run synchronously; the gate is what callers really wait for.
    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            return Run(read);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Reads the JSON column of every row <paramref name="sql"/> selects.</summary>
    private Task<IReadOnlyList<T>> ReadJsonAsync<T>(JsonTypeInfo<T> info, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => ReadAsync(() => ReadJson(Command(sql, parameters), info), cancellationToken);

    /// <summary>Reads the JSON column of the first row <paramref name="sql"/> selects, or the default when it selects none.</summary>
    private async Task<T?> ReadFirstJsonAsync<T>(JsonTypeInfo<T> info, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => (await ReadJsonAsync(info, sql, parameters, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Reads the text in the first column of the first row <paramref name="sql"/> selects, or <see langword="null"/>.</summary>
    private Task<string?> ReadStringAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => ReadAsync(() => Command(sql, parameters).ExecuteScalar() as string, cancellationToken);

    /// <summary>Runs a statement that returns no rows.</summary>
    private void ExecuteNonQuery(string sql, params ReadOnlySpan<(string Name, object Value)> parameters) => Command(sql, parameters).ExecuteNonQuery();

    private void Run(Action action) => Run<object?>(() =>
    {
        action();
        return null;
    });

    private T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException ex)
        {
            throw new CoCreationException($"The CoCreation store file '{_file}' failed: {ex.Message}", ex);
        }
    }

    // Callers hold the gate. Statements are kept prepared for the life of the connection.
    /// <summary>The prepared command for <paramref name="sql"/>, with its parameters set to <paramref name="parameters"/> and no others.</summary>
    private SqliteCommand Command(string sql, params ReadOnlySpan<(string Name, object Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private void Checkpoint()
    {
        using var reader = Command("PRAGMA wal_checkpoint(TRUNCATE)").ExecuteReader();
        if (reader.Read() && reader.GetInt64(0) != 0)
        {
            throw new CoCreationException($"The CoCreation store file '{_file}' could not be checkpointed: another connection is using it.");
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void TryRollback()
    {
        try
        {
            ExecuteNonQuery("ROLLBACK");
        }
        catch (SqliteException)
        {
            // SQLite already rolled back (for example after a full disk); nothing is left to undo.
        }
    }

    private CoCreationException StartFailure(SqliteException ex)
    {
        var detail = ex.Message;
        var message = ex.SqliteErrorCode switch
        {
            5 or 6 => $"The CoCreation store file '{_file}' is locked by another connection or process ({detail}). Close the other program, raise 'Default Timeout' in the connection string, or use another file.",
            11 or 26 => $"The CoCreation store file '{_file}' is damaged or is not a SQLite database ({detail}). Restore it from a backup or use another file.",
            14 => $"The CoCreation store file '{_file}' cannot be opened ({detail}). Check that the folder exists and may be written.",
            8 or 3 or 23 => $"The CoCreation store file '{_file}' may not be written ({detail}). Check its permissions.",
            _ => $"The CoCreation store file '{_file}' could not be opened and prepared ({detail}).",
        };
        return new CoCreationException(message, ex);
    }

    private static void CreateDirectoryOf(SqliteConnectionStringBuilder builder)
    {
        if (builder.Mode is SqliteOpenMode.Memory || builder.DataSource == ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory) && builder.Mode is SqliteOpenMode.ReadWriteCreate)
        {
            Directory.CreateDirectory(directory);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
