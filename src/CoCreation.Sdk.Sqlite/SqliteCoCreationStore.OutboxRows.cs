using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CoCreation.Sdk.Sqlite;

/// <summary>
/// The relay's hot statements: one outbox row per statement step, through SQLite's own prepared-statement API on the
/// store's connection. Parameters are bound by position and text is bound as UTF-8 bytes, so the row JSON written by
/// <see cref="SqliteJsonContext.WriteOutboxRows"/> goes to SQLite as it is, without a string in between.
/// </summary>
public sealed partial class SqliteCoCreationStore
{
    private const string InsertOutboxRowSql = """
        INSERT INTO outbox (delivery_key, recipient_id, status, next_attempt_at, json) VALUES (?1, ?2, ?3, ?4, ?5)
        """;

    private const string InsertNewOutboxRowSql = InsertOutboxRowSql + " ON CONFLICT (delivery_key) DO NOTHING";

    private const string UpsertOutboxRowSql = InsertOutboxRowSql + """

        ON CONFLICT (delivery_key) DO UPDATE SET recipient_id = excluded.recipient_id, status = excluded.status,
            next_attempt_at = excluded.next_attempt_at, json = excluded.json, lease_owner = NULL, lease_until = NULL
        """;

    // Keys, ids and statuses are short; longer text is encoded into a rented buffer.
    private const int StackEncodedBytes = 256;

    private static readonly Dictionary<DeliveryStatus, byte[]> StatusNames = Enum.GetValues<DeliveryStatus>().ToDictionary(s => s, s => Encoding.UTF8.GetBytes(s.ToString()));

    private sqlite3_stmt? _insertNewOutboxRow;
    private sqlite3_stmt? _upsertOutboxRow;
    private sqlite3_stmt? _dataVersion;
    private sqlite3_stmt? _beginImmediate;
    private sqlite3_stmt? _commit;

    /// <summary>Inserts the row unless its key is stored; true when it was inserted. Callers hold the gate, inside a transaction.</summary>
    private bool InsertNewOutboxRow(OutboxMessage message, ReadOnlySpan<byte> json)
        => WriteOutboxRow(ref _insertNewOutboxRow, InsertNewOutboxRowSql, message, json);

    /// <summary>Stores the row under its key, replacing any stored one and ending any worker's claim on it.</summary>
    private void UpsertOutboxRow(OutboxMessage message, ReadOnlySpan<byte> json)
        => WriteOutboxRow(ref _upsertOutboxRow, UpsertOutboxRowSql, message, json);

    private bool WriteOutboxRow(ref sqlite3_stmt? statement, string sql, OutboxMessage message, ReadOnlySpan<byte> json)
    {
        var db = _connection.Handle!;
        Prepare(ref statement, sql, db);
        try
        {
            Check(BindText(statement, 1, message.DeliveryKey), db);
            Check(BindText(statement, 2, message.RecipientId), db);
            Check(StatusNames.TryGetValue(message.Status, out var status) ? raw.sqlite3_bind_text(statement, 3, status) : BindText(statement, 3, message.Status.ToString()), db);
            Check(raw.sqlite3_bind_int64(statement, 4, message.NextAttemptAt.UtcTicks), db);
            Check(raw.sqlite3_bind_text(statement, 5, json), db);
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }

            return raw.sqlite3_changes(db) > 0;
        }
        finally
        {
            // The error, if any, was reported by the step; reset only readies the statement for the next row.
            _ = raw.sqlite3_reset(statement);
        }
    }

    /// <summary>
    /// Starts the write transaction (<c>BEGIN IMMEDIATE</c>) through a kept statement. A file another connection is
    /// writing is waited for up to the connection's busy timeout (its <c>Default Timeout</c>), as with any command.
    /// </summary>
    private void BeginImmediate() => Step(ref _beginImmediate, "BEGIN IMMEDIATE");

    /// <summary>Commits the write transaction, as <see cref="BeginImmediate"/> starts it.</summary>
    private void Commit() => Step(ref _commit, "COMMIT");

    private void Step(ref sqlite3_stmt? statement, string sql)
    {
        var db = _connection.Handle!;
        Prepare(ref statement, sql, db);
        var rc = raw.sqlite3_step(statement);
        _ = raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>
    /// <c>PRAGMA data_version</c>: a number that changes when another connection commits. Read before every cached
    /// participant read, so it runs as a kept statement of its own. Callers hold the gate.
    /// </summary>
    private long DataVersion()
    {
        var db = _connection.Handle!;
        Prepare(ref _dataVersion, "PRAGMA data_version", db);
        try
        {
            var rc = raw.sqlite3_step(_dataVersion);
            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_DONE ? raw.SQLITE_ERROR : rc, db);
            }

            return raw.sqlite3_column_int64(_dataVersion, 0);
        }
        finally
        {
            _ = raw.sqlite3_reset(_dataVersion);
        }
    }

    // Prepared on first use and kept for the life of the connection (SQLITE_PREPARE_PERSISTENT), like the commands of
    // Command(); finalized in Dispose.
    private static void Prepare([NotNull] ref sqlite3_stmt? statement, string sql, sqlite3 db)
    {
        if (statement is null)
        {
            Check(raw.sqlite3_prepare_v3(db, sql, 1, out var prepared), db);
            statement = prepared;
        }
    }

    private static int BindText(sqlite3_stmt statement, int index, string value)
    {
        if (value.Length == 0)
        {
            return raw.sqlite3_bind_text(statement, index, value);
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= StackEncodedBytes)
        {
            Span<byte> bytes = stackalloc byte[StackEncodedBytes];
            var length = Encoding.UTF8.GetBytes(value, bytes);
            return raw.sqlite3_bind_text(statement, index, bytes[..length]);
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            return raw.sqlite3_bind_text(statement, index, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private void FinalizeOutboxRowStatements()
    {
        _insertNewOutboxRow?.Dispose();
        _upsertOutboxRow?.Dispose();
        _dataVersion?.Dispose();
        _beginImmediate?.Dispose();
        _commit?.Dispose();
        _beginImmediate = null;
        _commit = null;
        _insertNewOutboxRow = null;
        _upsertOutboxRow = null;
        _dataVersion = null;
    }
}
