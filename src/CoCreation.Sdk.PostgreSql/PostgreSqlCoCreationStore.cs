using System.Text.Json.Serialization.Metadata;
using Npgsql;

namespace CoCreation.Sdk.PostgreSql;

/// <summary>
/// An <see cref="ICoCreationStore"/> on PostgreSQL: participants and their link index, grants, the audit trail, the
/// relay outbox (with its delivery log and dead letters), source cursors and module documents, in tables that several
/// application instances can share.
/// </summary>
/// <remarks>
/// <para>
/// The tables live in the connection's current schema (the first existing schema of its search path; set
/// <c>Search Path</c> in the connection string to choose one). At first use the store applies any schema migration
/// the database lacks, in one transaction that holds an advisory lock (<c>pg_advisory_xact_lock</c>), so that
/// processes starting at once migrate one after the other and the later ones find the work done. The version is kept
/// in a <c>schema_version</c> table; a database written by a newer build is refused.
/// </para>
/// <para>
/// Every <see cref="ApplyAsync"/> is one transaction. It locks the participants it writes (<c>SELECT … FOR UPDATE</c>)
/// and re-checks their versions and link ownership inside it, exactly as <see cref="InMemoryCoCreationStore"/> does;
/// a conflict, including one found by a unique constraint when two instances insert the same participant or link at
/// once, or a deadlock between two change sets, rolls the whole change set back with a
/// <see cref="CoCreationConflictException"/>. A change set that anonymises or redacts personal data first locks the
/// audit, grant and outbox tables against writers, so no entry written at the same time escapes it.
/// </para>
/// <para>
/// Erased values are gone from every row of every table once the change set commits. PostgreSQL keeps old row
/// versions until VACUUM reclaims them, and its write-ahead log and backups hold what was written; how long those
/// keep erased data is the server's configuration (autovacuum, WAL retention, backup rotation), not the store's.
/// </para>
/// <para>
/// Thread-safe: each operation takes its own connection from the <see cref="NpgsqlDataSource"/> pool. Messages of
/// the exceptions the store throws name the host and database, never the connection string.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlCoCreationStore : ICoCreationStore, IAsyncDisposable, IDisposable
{
    private const string SnsKind = "s";
    private const string CloudKind = "c";
    private const string EnterpriseKind = "e";
    private const string UniqueViolation = "23505";
    private const string DeadlockDetected = "40P01";
    private const string SerializationFailure = "40001";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly IReadOnlyList<PostgreSqlMigration> _migrations;
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly string _database;
    private volatile bool _started;
    private int _foundSchemaVersion = -1;
    private bool _disposed;

    /// <summary>Creates a store that opens its own pooled connections with a connection string.</summary>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=cocreation;Username=app;Password=…</c>.</param>
    /// <exception cref="CoCreationValidationException">The connection string is blank, malformed, or names no host or database.</exception>
    public PostgreSqlCoCreationStore(string connectionString)
        : this(NpgsqlDataSource.Create(ParseConnectionString(connectionString)), ownsDataSource: true, PostgreSqlSchema.Migrations)
    {
    }

    /// <summary>Creates a store on a data source the caller configured and keeps owning (the store does not dispose it).</summary>
    /// <param name="dataSource">The data source.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The data source's connection string names no host or database.</exception>
    public PostgreSqlCoCreationStore(NpgsqlDataSource dataSource)
        : this(dataSource, ownsDataSource: false, PostgreSqlSchema.Migrations)
    {
    }

    internal PostgreSqlCoCreationStore(NpgsqlDataSource dataSource, bool ownsDataSource, IReadOnlyList<PostgreSqlMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        PostgreSqlSchema.CheckOrder(migrations);
        var builder = ParseConnectionString(dataSource.ConnectionString);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _migrations = migrations;
        _database = Describe(builder);
    }

    /// <summary>
    /// The schema version the database had when this store first used it; 0 for a new database. Reading it starts the
    /// store (connects and migrates) if no operation has yet.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version found.</returns>
    /// <exception cref="CoCreationException">The database cannot be reached, or was written by a newer build.</exception>
    public async Task<int> GetFoundSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return _foundSchemaVersion;
    }

    /// <summary>The schema version this build brings a database to.</summary>
    public int SchemaVersion => PostgreSqlSchema.Latest(_migrations);

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">A change names a blank id.</exception>
    /// <exception cref="CoCreationException">The database could not be reached or written.</exception>
    public async Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        cancellationToken.ThrowIfCancellationRequested();
        changes.Validate();
        if (changes.IsEmpty)
        {
            return;
        }

        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ApplyChangesAsync(connection, transaction, changes, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation)
        {
            // Another instance stored the same new participant or link between this one's check and its insert.
            throw new CoCreationConflictException($"A participant or link in the change set was stored by another writer at the same time ({ex.ConstraintName}); read again and retry.");
        }
        catch (PostgresException ex) when (ex.SqlState is DeadlockDetected or SerializationFailure)
        {
            throw new CoCreationConflictException("The change set collided with another one writing the same participants at the same time; read again and retry.");
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not apply a change set", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// One statement for the new rows (<c>INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING RETURNING</c>): two
    /// instances enqueuing the same key at once store it once. Only the keys it did not insert are read back.
    /// </remarks>
    /// <exception cref="CoCreationException">The database could not be written.</exception>
    public async Task<IReadOnlyList<OutboxMessage>> EnqueueOutboxAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        var keys = StoreChanges.CheckNewOutbox(messages);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Count == 0)
        {
            return [];
        }

        var recipients = messages.Select(m => m.RecipientId).ToArray();
        var statuses = messages.Select(m => m.Status.ToString()).ToArray();
        var next = messages.Select(m => m.NextAttemptAt.UtcTicks).ToArray();
        var json = messages.Select(m => PostgreSqlJsonContext.Write(m, PostgreSqlJsonContext.Default.OutboxMessage)).ToArray();
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var inserted = new HashSet<string>(StringComparer.Ordinal);
            await using (var insert = Command(connection, null, """
                INSERT INTO outbox (delivery_key, recipient_id, status, next_attempt_at, json)
                SELECT k, r, s, n, j FROM unnest(@keys, @recipients, @statuses, @next, @json) WITH ORDINALITY AS t (k, r, s, n, j, o) ORDER BY o
                ON CONFLICT (delivery_key) DO NOTHING
                RETURNING delivery_key
                """,
                ("keys", keys.ToArray()),
                ("recipients", recipients),
                ("statuses", statuses),
                ("next", next),
                ("json", json)))
            {
                await using var reader = await insert.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    inserted.Add(reader.GetString(0));
                }
            }

            if (inserted.Count == keys.Count)
            {
                return [];
            }

            var others = keys.Where(k => !inserted.Contains(k)).ToArray();
            await using var read = Command(connection, null, "SELECT json FROM outbox WHERE delivery_key = ANY(@keys)", ("keys", others));
            var existing = new List<OutboxMessage>(others.Length);
            await using var rows = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await rows.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                existing.Add(PostgreSqlJsonContext.Read(rows.GetString(0), PostgreSqlJsonContext.Default.OutboxMessage));
            }

            return existing;
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not enqueue outbox entries", ex);
        }
    }

    /// <inheritdoc />
    public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        return ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, "SELECT version, json FROM participants WHERE id = @id", ("id", participantId));
            return await ReadParticipantAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One query, however many ids: they go to the server as one <c>text[]</c> parameter.</remarks>
    public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default)
    {
        var ids = CoCreationGuard.DistinctNotBlank(participantIds, nameof(participantIds));
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<Participant>>([]);
        }

        return ReadAsync<IReadOnlyList<Participant>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, "SELECT version, json FROM participants WHERE id = ANY(@ids)", ("ids", ids.ToArray()));
            var result = new List<Participant>(ids.Count);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(ParticipantOf(reader));
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
        => ReadFirstJsonAsync(PostgreSqlJsonContext.Default.AccessGrant, "SELECT json FROM grants WHERE id = @id", [("id", CoCreationGuard.NotBlank(grantId, nameof(grantId)))], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default)
        => ReadJsonAsync(PostgreSqlJsonContext.Default.AccessGrant, "SELECT json FROM grants WHERE participant_id = @participant ORDER BY seq", [("participant", CoCreationGuard.NotBlank(participantId, nameof(participantId)))], cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
        => ReadJsonAsync(
            PostgreSqlJsonContext.Default.AccessGrant,
            "SELECT json FROM grants WHERE status = @status AND expires_at IS NOT NULL AND expires_at <= @time ORDER BY seq",
            [("status", nameof(GrantStatus.Active)), ("time", time.UtcTicks)],
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default)
        => participantId is null
            ? ReadJsonAsync(PostgreSqlJsonContext.Default.AuditEntry, "SELECT json FROM audit ORDER BY seq", [], cancellationToken)
            : ReadJsonAsync(PostgreSqlJsonContext.Default.AuditEntry, "SELECT json FROM audit WHERE participant_id = @participant ORDER BY seq", [("participant", participantId)], cancellationToken);

    /// <inheritdoc />
    public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default)
        => ReadFirstJsonAsync(PostgreSqlJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE delivery_key = @key", [("key", CoCreationGuard.NotBlank(deliveryKey, nameof(deliveryKey)))], cancellationToken);

    /// <inheritdoc />
    /// <remarks>One query, however many keys: they go to the server as one <c>text[]</c> parameter.</remarks>
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default)
    {
        var keys = CoCreationGuard.DistinctNotBlank(deliveryKeys, nameof(deliveryKeys));
        if (keys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
        }

        return ReadJsonAsync(PostgreSqlJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE delivery_key = ANY(@keys)", [("keys", keys.ToArray())], cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.Positive(max, nameof(max));

        // The literal status lets the planner use the partial index of pending rows.
        return ReadJsonAsync(
            PostgreSqlJsonContext.Default.OutboxMessage,
            "SELECT json FROM outbox WHERE status = 'Pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, seq LIMIT @max",
            [("now", now.UtcTicks), ("max", max)],
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default)
        => status switch
        {
            DeliveryStatus.Pending => ReadJsonAsync(PostgreSqlJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = 'Pending' ORDER BY seq", [], cancellationToken),
            DeliveryStatus.DeadLettered => ReadJsonAsync(PostgreSqlJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = 'DeadLettered' ORDER BY seq", [], cancellationToken),
            _ => ReadJsonAsync(PostgreSqlJsonContext.Default.OutboxMessage, "SELECT json FROM outbox WHERE status = @status ORDER BY seq", [("status", status.ToString())], cancellationToken),
        };

    /// <inheritdoc />
    public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default)
        => ReadStringAsync("SELECT cursor FROM cursors WHERE source = @source", [("source", CoCreationGuard.NotBlank(source, nameof(source)))], cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        CoCreationGuard.NotBlank(id, nameof(id));
        return ReadStringAsync("SELECT json FROM documents WHERE collection = @collection AND id = @id", [("collection", collection), ("id", id)], cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(collection, nameof(collection));
        return ReadAsync<IReadOnlyList<KeyValuePair<string, string>>>(async (connection, ct) =>
        {
            // COLLATE "C": ordered by id as ordinal text, the same in every database whatever its collation.
            await using var command = Command(connection, null, "SELECT id, json FROM documents WHERE collection = @collection ORDER BY id COLLATE \"C\"", ("collection", collection));
            var result = new List<KeyValuePair<string, string>>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(new(reader.GetString(0), reader.GetString(1)));
            }

            return result;
        }, cancellationToken);
    }

    /// <summary>Disposes the data source if the store created it.</summary>
    /// <returns>A task that completes when the connections are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the data source if the store created it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>Parses and checks a connection string; error messages never repeat it (it may hold a password).</summary>
    internal static NpgsqlConnectionStringBuilder ParseConnectionString(string? connectionString)
    {
        CoCreationGuard.NotBlank(connectionString, nameof(connectionString));
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            // The parser's message may quote part of the string, so only the kind of failure is named, and no inner exception is kept.
            throw new CoCreationValidationException(nameof(connectionString), $"is not a valid Npgsql connection string ({ex.GetType().Name}); check its keywords and quoting.");
        }

        CoCreationGuard.NotBlank(builder.Host, "connectionString: Host");
        CoCreationGuard.NotBlank(builder.Database, "connectionString: Database");
        return builder;
    }

    private static string Describe(NpgsqlConnectionStringBuilder builder)
        => $"database '{builder.Database}' on '{builder.Host}'" + (builder.Port != NpgsqlConnection.DefaultPort ? $" port {builder.Port}" : "");

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            // A failed start is not remembered: the next operation tries again (the server may have been restarting).
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            _foundSchemaVersion = await PostgreSqlSchema.MigrateAsync(connection, transaction, _migrations, _database, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _started = true;
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not be opened and migrated", ex);
        }
        finally
        {
            _startGate.Release();
        }
    }

    // Runs inside the transaction; any exception rolls everything back. Deletions apply before puts, and each check
    // reads the state the earlier parts of the same set left, as the in-memory store plans it.
    private static async Task ApplyChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoreChanges changes, CancellationToken cancellationToken)
    {
        if (changes.AnonymisedAudit.Count + changes.Redactions.Count > 0)
        {
            // Readers go on; writers of these tables wait until the erasure commits, so none slips an entry past it.
            await ExecuteAsync(connection, transaction, cancellationToken, "LOCK TABLE audit, grants, outbox IN EXCLUSIVE MODE").ConfigureAwait(false);
        }

        foreach (var id in changes.DeletedParticipants)
        {
            // The link rows go with it (ON DELETE CASCADE).
            await ExecuteAsync(connection, transaction, cancellationToken, "DELETE FROM participants WHERE id = @id", ("id", id)).ConfigureAwait(false);
        }

        foreach (var (participant, expected) in changes.Participants)
        {
            await PutParticipantAsync(connection, transaction, participant, expected, cancellationToken).ConfigureAwait(false);
        }

        foreach (var grant in changes.Grants)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, """
                INSERT INTO grants (id, participant_id, status, expires_at, json) VALUES (@id, @participant, @status, @expires, @json)
                ON CONFLICT (id) DO UPDATE SET participant_id = excluded.participant_id, status = excluded.status,
                    expires_at = excluded.expires_at, json = excluded.json
                """,
                ("id", grant.Id),
                ("participant", grant.ParticipantId),
                ("status", grant.Status.ToString()),
                ("expires", grant.ExpiresAt is { } expires ? expires.UtcTicks : DBNull.Value),
                ("json", PostgreSqlJsonContext.Write(grant, PostgreSqlJsonContext.Default.AccessGrant))).ConfigureAwait(false);
        }

        foreach (var entry in changes.Audit)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, "INSERT INTO audit (id, participant_id, json) VALUES (@id, @participant, @json)", ("id", entry.Id), ("participant", entry.ParticipantId), ("json", PostgreSqlJsonContext.Write(entry, PostgreSqlJsonContext.Default.AuditEntry))).ConfigureAwait(false);
        }

        foreach (var (anonymousId, participantId) in changes.AnonymisedAudit)
        {
            // The JSON keeps the id too, so each record is rewritten with its key column. The event data of the
            // recipient's deliveries may be about them, and no delivery to them can be made any more.
            await RewriteAsync(connection, transaction, "audit", "participant_id", participantId, anonymousId, PostgreSqlJsonContext.Default.AuditEntry, e => e with { ParticipantId = anonymousId }, cancellationToken).ConfigureAwait(false);
            await RewriteAsync(connection, transaction, "grants", "participant_id", participantId, anonymousId, PostgreSqlJsonContext.Default.AccessGrant, g => g with { ParticipantId = anonymousId }, cancellationToken).ConfigureAwait(false);
            await RewriteAsync(connection, transaction, "outbox", "recipient_id", participantId, anonymousId, PostgreSqlJsonContext.Default.OutboxMessage, m => m with { RecipientId = anonymousId, Event = m.Event with { Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty } }, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in changes.Outbox)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, """
                INSERT INTO outbox (delivery_key, recipient_id, status, next_attempt_at, json) VALUES (@key, @recipient, @status, @next, @json)
                ON CONFLICT (delivery_key) DO UPDATE SET recipient_id = excluded.recipient_id, status = excluded.status,
                    next_attempt_at = excluded.next_attempt_at, json = excluded.json, lease_owner = NULL, lease_until = NULL
                """,
                ("key", message.DeliveryKey),
                ("recipient", message.RecipientId),
                ("status", message.Status.ToString()),
                ("next", message.NextAttemptAt.UtcTicks),
                ("json", PostgreSqlJsonContext.Write(message, PostgreSqlJsonContext.Default.OutboxMessage))).ConfigureAwait(false);
        }

        foreach (var (source, cursor) in changes.Cursors)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, "INSERT INTO cursors (source, cursor) VALUES (@source, @cursor) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor", ("source", source), ("cursor", cursor)).ConfigureAwait(false);
        }

        foreach (var (collection, id, json) in changes.Documents)
        {
            if (json is null)
            {
                await ExecuteAsync(connection, transaction, cancellationToken, "DELETE FROM documents WHERE collection = @collection AND id = @id", ("collection", collection), ("id", id)).ConfigureAwait(false);
            }
            else
            {
                await ExecuteAsync(connection, transaction, cancellationToken, "INSERT INTO documents (collection, id, json) VALUES (@collection, @id, @json) ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json", ("collection", collection), ("id", id), ("json", json)).ConfigureAwait(false);
            }
        }

        foreach (var redaction in changes.Redactions)
        {
            // Erasure is rare and the values may sit anywhere in the JSON (escaped, in any field), so every row is read
            // and only the rows whose redacted form differs are written back.
            await RedactAsync(connection, transaction, "audit", PostgreSqlJsonContext.Default.AuditEntry, redaction.Redact, cancellationToken).ConfigureAwait(false);
            await RedactAsync(connection, transaction, "outbox", PostgreSqlJsonContext.Default.OutboxMessage, redaction.Redact, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task RewriteAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string column, string participantId, string anonymousId, JsonTypeInfo<T> info, Func<T, T> rewrite, CancellationToken cancellationToken)
    {
        var changed = new List<(long Seq, string Json)>();
        await using (var command = Command(connection, transaction, $"SELECT seq, json FROM {table} WHERE {column} = @participant", ("participant", participantId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                changed.Add((reader.GetInt64(0), PostgreSqlJsonContext.Write(rewrite(PostgreSqlJsonContext.Read(reader.GetString(1), info)), info)));
            }
        }

        foreach (var (seq, json) in changed)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, $"UPDATE {table} SET {column} = @anonymous, json = @json{EndLease(table)} WHERE seq = @seq", ("anonymous", anonymousId), ("json", json), ("seq", seq)).ConfigureAwait(false);
        }
    }

    // A worker's claim on a rewritten outbox entry ends, so its late outcome cannot put the old values back.
    private static string EndLease(string table) => table == "outbox" ? ", lease_owner = NULL, lease_until = NULL" : "";

    private static async Task RedactAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, JsonTypeInfo<T> info, Func<T, T> redact, CancellationToken cancellationToken)
        where T : class
    {
        var changed = new List<(long Seq, string Json)>();
        await using (var command = Command(connection, transaction, $"SELECT seq, json FROM {table}"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var value = PostgreSqlJsonContext.Read(reader.GetString(1), info);
                var redacted = redact(value);
                if (!ReferenceEquals(redacted, value))
                {
                    changed.Add((reader.GetInt64(0), PostgreSqlJsonContext.Write(redacted, info)));
                }
            }
        }

        foreach (var (seq, json) in changed)
        {
            await ExecuteAsync(connection, transaction, cancellationToken, $"UPDATE {table} SET json = @json{EndLease(table)} WHERE seq = @seq", ("json", json), ("seq", seq)).ConfigureAwait(false);
        }
    }

    private static async Task PutParticipantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Participant participant, long? expected, CancellationToken cancellationToken)
    {
        // FOR UPDATE makes a concurrent change set on the same participant wait for this one and then read its version.
        long? current;
        await using (var read = Command(connection, transaction, "SELECT version FROM participants WHERE id = @id FOR UPDATE", ("id", participant.Id)))
        {
            current = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : null;
        }

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

        // A new participant is a plain INSERT: if another writer stores the same id between the check above and this
        // statement, the primary key refuses it (a conflict) instead of one silently replacing the other.
        var stored = participant with { Version = (expected ?? 0) + 1 };
        await ExecuteAsync(
            connection,
            transaction,
            cancellationToken,
            expected is null
                ? "INSERT INTO participants (id, version, json) VALUES (@id, @version, @json)"
                : "UPDATE participants SET version = @version, json = @json WHERE id = @id",
            ("id", stored.Id),
            ("version", stored.Version),
            ("json", PostgreSqlJsonContext.Write(stored, PostgreSqlJsonContext.Default.Participant))).ConfigureAwait(false);

        await ExecuteAsync(connection, transaction, cancellationToken, "DELETE FROM participant_links WHERE participant_id = @id", ("id", stored.Id)).ConfigureAwait(false);

        foreach (var (kind, system, account) in LinksOf(stored))
        {
            string? ownerId;
            await using (var owner = Command(connection, transaction, "SELECT participant_id FROM participant_links WHERE kind = @kind AND system = @system AND account = @account", ("kind", kind), ("system", system), ("account", account)))
            {
                ownerId = await owner.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
            }

            if (ownerId is not null && ownerId != stored.Id)
            {
                // Names the kind and system but not the account, which is personal data.
                throw new CoCreationConflictException($"The {Describe(kind, system)} is already linked to another participant.");
            }

            if (ownerId is null)
            {
                await ExecuteAsync(connection, transaction, cancellationToken, "INSERT INTO participant_links (kind, system, account, participant_id) VALUES (@kind, @system, @account, @participant)", ("kind", kind), ("system", system), ("account", account), ("participant", stored.Id)).ConfigureAwait(false);
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
        => ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, """
                SELECT p.version, p.json FROM participant_links l JOIN participants p ON p.id = l.participant_id
                WHERE l.kind = @kind AND l.system = @system AND l.account = @account
                """,
                ("kind", kind),
                ("system", system),
                ("account", account));
            return await ReadParticipantAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<Participant?> ReadParticipantAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ParticipantOf(reader) : null;
    }

    private static Participant ParticipantOf(NpgsqlDataReader reader)
        => PostgreSqlJsonContext.Read(reader.GetString(1), PostgreSqlJsonContext.Default.Participant) with { Version = reader.GetInt64(0) };

    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await read(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            throw Failure("could not be read", ex);
        }
    }

    /// <summary>Reads the JSON column of every row <paramref name="sql"/> selects.</summary>
    private Task<IReadOnlyList<T>> ReadJsonAsync<T>(JsonTypeInfo<T> info, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => ReadAsync<IReadOnlyList<T>>(async (connection, ct) =>
        {
            await using var command = Command(connection, null, sql, parameters);
            var result = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add(PostgreSqlJsonContext.Read(reader.GetString(0), info));
            }

            return result;
        }, cancellationToken);

    /// <summary>Reads the JSON column of the first row <paramref name="sql"/> selects, or the default when it selects none.</summary>
    private async Task<T?> ReadFirstJsonAsync<T>(JsonTypeInfo<T> info, string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => (await ReadJsonAsync(info, sql, parameters, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Reads the text in the first column of the first row <paramref name="sql"/> selects, or <see langword="null"/>.</summary>
    private Task<string?> ReadStringAsync(string sql, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
        => ReadAsync(async (connection, ct) =>
        {
            await using var command = Command(connection, null, sql, parameters);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, cancellationToken);

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private CoCreationException Failure(string what, NpgsqlException ex)
    {
        // PostgresException's message is the SQL state and the server's text, which names no value of a row (the
        // detail that may, is left out unless the connection string asks for it); NpgsqlException's names the failure.
        var detail = ex is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : ex.Message;
        return new CoCreationException($"The CoCreation store in {_database} {what} ({detail}).", ex);
    }
}
