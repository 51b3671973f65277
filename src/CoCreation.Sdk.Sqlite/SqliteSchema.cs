using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Sqlite;

/// <summary>One step of the schema: applied once, in order, inside the start-up transaction.</summary>
/// <param name="Version">The schema version the step leads to (1, 2, …, without gaps).</param>
/// <param name="Description">What the step does, for errors and logs.</param>
/// <param name="Sql">The statements.</param>
internal sealed record SqliteMigration(int Version, string Description, string Sql);

/// <summary>
/// The store's schema as an ordered list of migrations. A released migration is never edited:
/// a change to the schema is a new entry at the end, so every file can be brought up to date
/// from whatever version it was written with.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<SqliteMigration> Migrations { get; } =
    [
        new(1, "participants, links, grants, audit, outbox, cursors and documents", """
            CREATE TABLE participants (
                id      TEXT    NOT NULL PRIMARY KEY,
                version INTEGER NOT NULL,
                json    TEXT    NOT NULL
            );

            -- One row per linked identity or account; the primary key makes a link belong to one participant.
            CREATE TABLE participant_links (
                kind           TEXT NOT NULL,
                system         TEXT NOT NULL,
                account        TEXT NOT NULL,
                participant_id TEXT NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
                PRIMARY KEY (kind, system, account)
            );
            CREATE INDEX ix_participant_links_participant ON participant_links (participant_id);

            -- seq keeps the order grants were first stored in; an update keeps its row.
            CREATE TABLE grants (
                seq            INTEGER NOT NULL PRIMARY KEY,
                id             TEXT    NOT NULL UNIQUE,
                participant_id TEXT    NOT NULL,
                status         TEXT    NOT NULL,
                expires_at     INTEGER NULL,
                json           TEXT    NOT NULL
            );
            CREATE INDEX ix_grants_participant ON grants (participant_id, seq);
            CREATE INDEX ix_grants_expiry ON grants (status, expires_at);

            CREATE TABLE audit (
                seq            INTEGER NOT NULL PRIMARY KEY,
                id             TEXT    NOT NULL,
                participant_id TEXT    NOT NULL,
                json           TEXT    NOT NULL
            );
            CREATE INDEX ix_audit_participant ON audit (participant_id, seq);

            -- The relay outbox, delivery log and dead letters: one row per delivery key, by status.
            CREATE TABLE outbox (
                seq             INTEGER NOT NULL PRIMARY KEY,
                delivery_key    TEXT    NOT NULL UNIQUE,
                recipient_id    TEXT    NOT NULL,
                status          TEXT    NOT NULL,
                next_attempt_at INTEGER NOT NULL,
                json            TEXT    NOT NULL
            );
            -- Partial indexes: a delivered row (most of the log) sits in no index but the key's, so recording a
            -- delivery writes one index fewer. Erasure's search by recipient scans; it is rare.
            CREATE INDEX ix_outbox_due ON outbox (next_attempt_at, seq) WHERE status = 'Pending';
            CREATE INDEX ix_outbox_dead ON outbox (seq) WHERE status = 'DeadLettered';

            CREATE TABLE cursors (
                source TEXT NOT NULL PRIMARY KEY,
                cursor TEXT NOT NULL
            );

            CREATE TABLE documents (
                collection TEXT NOT NULL,
                id         TEXT NOT NULL,
                json       TEXT NOT NULL,
                PRIMARY KEY (collection, id)
            );
            """),
        new(2, "relay workers' claims on outbox entries", """
            -- The worker holding a delivery (IOutboxLeaseStore) and until when (UTC ticks); NULL when none does.
            ALTER TABLE outbox ADD COLUMN lease_owner TEXT NULL;
            ALTER TABLE outbox ADD COLUMN lease_until INTEGER NULL;
            """),
        new(3, "token buckets shared by relay workers", """
            -- One row per bucket (IRateLimitStore): when it would be empty again and the end of any block, in UTC ticks.
            CREATE TABLE rate_limits (
                bucket        TEXT    NOT NULL PRIMARY KEY,
                next_at       INTEGER NOT NULL,
                blocked_until INTEGER NOT NULL
            );
            """),
    ];

    /// <summary>The version a file has once every migration ran.</summary>
    public static int Latest(IReadOnlyList<SqliteMigration> migrations) => migrations.Count == 0 ? 0 : migrations[^1].Version;

    /// <summary>Checks that the list counts 1, 2, 3 … so that a version number always means the same schema.</summary>
    public static void CheckOrder(IReadOnlyList<SqliteMigration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration #{i + 1} has version {migrations[i].Version}; versions must count up from 1 without gaps.");
            }
        }
    }

    /// <summary>
    /// Brings the file up to the latest version inside the caller's write transaction and returns the
    /// version it found. A file from a newer build is refused rather than written with an older schema.
    /// </summary>
    public static int Migrate(SqliteConnection connection, IReadOnlyList<SqliteMigration> migrations, string file)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        int found;
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT MAX(version) FROM schema_version";
            found = read.ExecuteScalar() is long v ? checked((int)v) : 0;
        }

        var latest = Latest(migrations);
        if (found > latest)
        {
            throw new CoCreationException($"The CoCreation store file '{file}' has schema version {found}, but this build knows versions up to {latest}. Use a newer CoCreation.Sdk.Sqlite, or another file.");
        }

        foreach (var migration in migrations.Where(m => m.Version > found))
        {
            Execute(connection, migration.Sql);
            using var set = connection.CreateCommand();
            set.CommandText = "DELETE FROM schema_version; INSERT INTO schema_version (version) VALUES ($version);";
            set.Parameters.AddWithValue("$version", migration.Version);
            set.ExecuteNonQuery();
        }

        return found;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
