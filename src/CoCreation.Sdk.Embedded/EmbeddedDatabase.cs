using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// The SQLite file an embedded provider keeps its state in when it is given a database path: one table of
/// JSON records keyed by kind and id. A provider stages the records an operation changed and commits them
/// in one transaction before the operation returns; at start it rebuilds its state from the records.
/// </summary>
/// <remarks>
/// The file is opened in WAL mode with <c>synchronous=FULL</c>, so a committed operation survives a killed
/// process and a power cut alike, and with an exclusive lock held for the provider's lifetime, so a second
/// instance on the same file fails at start instead of silently diverging. Not thread-safe: the provider
/// calls it under its own lock.
/// </remarks>
internal sealed class EmbeddedDatabase : IDisposable
{
    /// <summary>The layout of the records table; a file written by a later layout is refused.</summary>
    internal const int SchemaVersion = 1;

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    private readonly SqliteConnection connection;
    private readonly SqliteCommand upsert;
    private readonly SqliteCommand delete;
    private readonly List<StagedRecord> staged = [];
    private readonly Dictionary<(string Kind, string Id), int> stagedIndex = [];
    private long nextSequence;
    private bool disposed;

    private EmbeddedDatabase(SqliteConnection connection, string path, string description)
    {
        this.connection = connection;
        Path = path;
        Description = description;
        upsert = connection.CreateCommand();
        upsert.CommandText = "INSERT INTO records (kind, id, seq, body) VALUES ($kind, $id, $seq, $body) "
            + "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body";
        upsert.Parameters.Add("$kind", SqliteType.Text);
        upsert.Parameters.Add("$id", SqliteType.Text);
        upsert.Parameters.Add("$seq", SqliteType.Integer);
        upsert.Parameters.Add("$body", SqliteType.Text);
        delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM records WHERE kind = $kind AND id = $id";
        delete.Parameters.Add("$kind", SqliteType.Text);
        delete.Parameters.Add("$id", SqliteType.Text);
    }

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>What the file holds, for messages ("embedded SNS").</summary>
    public string Description { get; }

    /// <summary>Whether records are staged and not yet committed.</summary>
    public bool HasStaged => staged.Count > 0;

    /// <summary>
    /// Opens (creating when missing) the database of one kind of provider and takes its lock.
    /// </summary>
    /// <param name="path">The file path, relative to the current directory unless rooted.</param>
    /// <param name="format">The provider kind the file belongs to (<c>sns</c>, <c>cloud</c>, <c>enterprise</c>); a file of another kind is refused.</param>
    /// <param name="description">What the file holds, for messages.</param>
    /// <param name="field">The option that named the path, for validation errors.</param>
    /// <returns>The open database.</returns>
    /// <exception cref="CoCreationValidationException">The path is blank or not a valid path.</exception>
    /// <exception cref="CoCreationException">The file is in use, corrupt, not a database, of another provider kind or of a newer layout.</exception>
    public static EmbeddedDatabase Open(string path, string format, string description, string field)
    {
        CoCreationGuard.NotBlank(path, field);
        string fullPath;
        try
        {
            fullPath = System.IO.Path.GetFullPath(path);
            var directory = System.IO.Path.GetDirectoryName(fullPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new CoCreationValidationException(field, $"'{path}' is not a usable file path: {ex.Message}");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,

            // A pooled connection would keep the file (and its exclusive lock) open after Dispose.
            Pooling = false,

            // Waiting long for a lock held by a live process only delays the error it will end in.
            DefaultTimeout = 5,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA locking_mode = EXCLUSIVE");
            var mode = Convert.ToString(Scalar(connection, "PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new CoCreationException($"The {description} database '{fullPath}' cannot use write-ahead logging (journal mode is '{mode}').");
            }

            Execute(connection, "PRAGMA synchronous = FULL");

            // Overwritten and deleted records are zeroed in the file, so that anonymised data does not linger in free space.
            Execute(connection, "PRAGMA secure_delete = ON");
            var database = new EmbeddedDatabase(connection, fullPath, description);
            database.Initialise(format);
            return database;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw ex.SqliteErrorCode switch
            {
                SqliteBusy or SqliteLocked => new CoCreationException($"The {description} database '{fullPath}' is in use by another instance or process; only one may open it at a time.", ex),
                SqliteCorrupt or SqliteNotADatabase => new CoCreationException($"The {description} database '{fullPath}' is corrupt or not a SQLite database.", ex),
                _ => new CoCreationException($"The {description} database '{fullPath}' cannot be opened: {ex.Message}", ex),
            };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a provider's database file as <see cref="Open"/> does and reads its state back with
    /// <paramref name="load"/>, under the provider's lock; the file is closed again when the load fails.
    /// </summary>
    /// <param name="path">The file path.</param>
    /// <param name="format">The provider kind the file belongs to.</param>
    /// <param name="description">What the file holds, for messages.</param>
    /// <param name="field">The option that named the path, for validation errors.</param>
    /// <param name="gate">The provider's lock, held while <paramref name="load"/> runs.</param>
    /// <param name="load">Rebuilds the provider's state from the open database.</param>
    /// <returns>The open, loaded database.</returns>
    /// <exception cref="CoCreationValidationException">The path is blank or not a valid path.</exception>
    /// <exception cref="CoCreationException">The file is in use, corrupt, not a database, of another provider kind or of a newer layout.</exception>
    public static EmbeddedDatabase OpenAndLoad(string path, string format, string description, string field, Lock gate, Action<EmbeddedDatabase> load)
    {
        var database = Open(path, format, description, field);
        try
        {
            lock (gate)
            {
                load(database);
            }
        }
        catch
        {
            database.Dispose();
            throw;
        }

        return database;
    }

    /// <summary>
    /// Opens a private database in memory, for a provider that keeps no file: it gives the provider the same
    /// all-or-nothing writes (a failed write is undone by reading the committed records back) without a file.
    /// </summary>
    /// <param name="format">The provider kind.</param>
    /// <param name="description">What the database holds, for messages.</param>
    /// <returns>The open database; it lives as long as the provider.</returns>
    public static EmbeddedDatabase OpenInMemory(string format, string description)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var database = new EmbeddedDatabase(connection, ":memory:", description);
            database.Initialise(format);
            return database;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads every record, grouped by kind, each group in the order the records were first written.</summary>
    /// <returns>The record bodies by kind, with their ids.</returns>
    public Dictionary<string, List<(string Id, string Body)>> ReadAll()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var result = new Dictionary<string, List<(string Id, string Body)>>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, id, body FROM records ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var kind = reader.GetString(0);
            if (!result.TryGetValue(kind, out var list))
            {
                list = [];
                result.Add(kind, list);
            }

            list.Add((reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Stages an immutable record to insert or replace; staging the same record again in one operation keeps the last value.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="kind">The record kind.</param>
    /// <param name="id">The record id, unique within its kind.</param>
    /// <param name="value">The record.</param>
    /// <param name="typeInfo">How to write it.</param>
    public void Put<T>(string kind, string id, T value, JsonTypeInfo<T> typeInfo)
        => Stage(new StagedRecord(kind, id, () => JsonSerializer.Serialize(value, typeInfo)));

    /// <summary>
    /// Stages a record of mutable state: the snapshot is taken when the operation commits, so changes the
    /// operation makes after staging (stock, then its low-stock flag) are all written.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="kind">The record kind.</param>
    /// <param name="id">The record id, unique within its kind.</param>
    /// <param name="snapshot">Builds the record from the state at commit.</param>
    /// <param name="typeInfo">How to write it.</param>
    public void Put<T>(string kind, string id, Func<T> snapshot, JsonTypeInfo<T> typeInfo)
        => Stage(new StagedRecord(kind, id, () => JsonSerializer.Serialize(snapshot(), typeInfo)));

    /// <summary>Stages a record to delete.</summary>
    /// <param name="kind">The record kind.</param>
    /// <param name="id">The record id.</param>
    public void Delete(string kind, string id) => Stage(new StagedRecord(kind, id, null));

    /// <summary>Writes the staged records in one transaction and makes them durable; the stage is empty afterwards, whatever happens.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (staged.Count == 0)
        {
            return;
        }

        try
        {
            var bodies = staged.Select(r => r.Body?.Invoke()).ToList();
            using var transaction = connection.BeginTransaction();
            upsert.Transaction = transaction;
            delete.Transaction = transaction;
            for (var i = 0; i < staged.Count; i++)
            {
                var record = staged[i];
                if (bodies[i] is not { } body)
                {
                    delete.Parameters["$kind"].Value = record.Kind;
                    delete.Parameters["$id"].Value = record.Id;
                    delete.ExecuteNonQuery();
                }
                else
                {
                    upsert.Parameters["$kind"].Value = record.Kind;
                    upsert.Parameters["$id"].Value = record.Id;
                    upsert.Parameters["$seq"].Value = nextSequence++;
                    upsert.Parameters["$body"].Value = body;
                    upsert.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }
        finally
        {
            upsert.Transaction = null;
            delete.Transaction = null;
            Discard();
        }
    }

    /// <summary>
    /// Copies the write-ahead log into the file and truncates it, so that the earlier versions of changed records
    /// (kept as log frames until a checkpoint) are gone from disk; called after personal data was anonymised.
    /// </summary>
    public void Checkpoint()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
    }

    /// <summary>Drops the staged records without writing them.</summary>
    public void Discard()
    {
        staged.Clear();
        stagedIndex.Clear();
    }

    private Exception? _failure;

    /// <summary>Refuses work once a failed recovery left memory and file apart.</summary>
    /// <param name="who">The provider, as messages name it.</param>
    public void ThrowIfFailed(string who)
    {
        if (_failure is not null)
        {
            throw new CoCreationException($"{who} lost track of its database file after a storage failure; create it again from the file.", _failure);
        }
    }

    /// <summary>
    /// Runs a write (called under the provider's lock) and commits what it staged before returning. When the
    /// write fails after staging (or, with <paramref name="reloadOnAnyFailure"/>, fails at all), or the commit
    /// fails, <paramref name="reload"/> reads the state back from the file, so memory never holds a change the
    /// file does not.
    /// </summary>
    public T Write<T>(Func<T> write, Action reload, string provider, string who, bool reloadOnAnyFailure = false)
    {
        ThrowIfFailed(who);
        T result;
        try
        {
            result = write();
        }
        catch
        {
            if (HasStaged || reloadOnAnyFailure)
            {
                Discard();
                Recover(reload, null);
            }

            throw;
        }

        try
        {
            Commit();
        }
#pragma warning disable CA1031 // Whatever the file failed with, the change is undone and reported as the provider's failure.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Recover(reload, ex);
            throw new ProviderException(provider, $"{who} could not store the change in its database file; nothing was changed. {ex.Message}", System.Net.HttpStatusCode.ServiceUnavailable, "storage_failed", isTransient: true, innerException: ex);
        }

        return result;
    }

    private void Recover(Action reload, Exception? cause)
    {
        try
        {
            reload();
        }
#pragma warning disable CA1031 // The instance is marked unusable; the original failure is what the caller sees.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _failure = cause is null ? ex : new AggregateException(cause, ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Discard();
        upsert.Dispose();
        delete.Dispose();
        connection.Dispose();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }

    private void Stage(StagedRecord record)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (stagedIndex.TryGetValue((record.Kind, record.Id), out var index))
        {
            staged[index] = record;
            return;
        }

        stagedIndex.Add((record.Kind, record.Id), staged.Count);
        staged.Add(record);
    }

    private void Initialise(string format)
    {
        // Writing at once takes the exclusive lock now, so a second instance fails here rather than at its first write.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = Convert.ToInt64(Scalar(connection, "PRAGMA user_version", transaction), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new CoCreationException($"The {Description} database '{Path}' has layout version {version}; this version of CoCreation.Sdk.Embedded reads up to {SchemaVersion}.");
        }

        using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS records (
                    kind TEXT NOT NULL,
                    id TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (kind, id));
                CREATE INDEX IF NOT EXISTS records_seq ON records (seq);
                INSERT INTO meta (key, value) VALUES ('format', $format) ON CONFLICT (key) DO NOTHING;
                """;
            create.Parameters.AddWithValue("$format", format);
            create.ExecuteNonQuery();
        }

        var stored = Convert.ToString(Scalar(connection, "SELECT value FROM meta WHERE key = 'format'", transaction), CultureInfo.InvariantCulture);
        if (!string.Equals(stored, format, StringComparison.Ordinal))
        {
            throw new CoCreationException($"The database '{Path}' belongs to an embedded {stored} provider, not to an {Description}.");
        }

        Execute(connection, transaction, $"PRAGMA user_version = {SchemaVersion.ToString(CultureInfo.InvariantCulture)}");
        nextSequence = Convert.ToInt64(Scalar(connection, "SELECT COALESCE(MAX(seq), 0) + 1 FROM records", transaction), CultureInfo.InvariantCulture);
        transaction.Commit();
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record StagedRecord(string Kind, string Id, Func<string>? Body);
}
