using Npgsql;

namespace CoCreation.Sdk.PostgreSql;

/// <summary>One step of the schema: applied once, in order, inside the start-up transaction.</summary>
/// <param name="Version">The schema version the step leads to (1, 2, …, without gaps).</param>
/// <param name="Description">What the step does, recorded with the version.</param>
/// <param name="Sql">The statements.</param>
internal sealed record PostgreSqlMigration(int Version, string Description, string Sql);

/// <summary>
/// The store's schema as an ordered list of migrations, created in the connection's current schema (the first
/// existing schema of its search path). A released migration is never edited: a change to the schema is a new
/// entry at the end, so every database can be brought up to date from whatever version it was written with.
/// </summary>
internal static class PostgreSqlSchema
{
    // The first key of the advisory lock that serialises start-ups; the second is the hash of the current schema,
    // so stores in different schemas of one database do not wait for each other.
    private const int LockKey = 0x0C0C_2026;

    public static IReadOnlyList<PostgreSqlMigration> Migrations { get; } =
    [
        new(1, "participants, links, grants, audit, outbox, cursors and documents", """
            CREATE TABLE participants (
                id      text   NOT NULL PRIMARY KEY,
                version bigint NOT NULL,
                json    text   NOT NULL
            );

            -- One row per linked identity or account; the primary key makes a link belong to one participant.
            CREATE TABLE participant_links (
                kind           text NOT NULL,
                system         text NOT NULL,
                account        text NOT NULL,
                participant_id text NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
                PRIMARY KEY (kind, system, account)
            );
            CREATE INDEX ix_participant_links_participant ON participant_links (participant_id);

            -- seq keeps the order grants were first stored in; an update keeps its row.
            CREATE TABLE grants (
                seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id             text   NOT NULL UNIQUE,
                participant_id text   NOT NULL,
                status         text   NOT NULL,
                expires_at     bigint NULL,
                json           text   NOT NULL
            );
            CREATE INDEX ix_grants_participant ON grants (participant_id, seq);
            CREATE INDEX ix_grants_expiry ON grants (status, expires_at);

            CREATE TABLE audit (
                seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id             text   NOT NULL,
                participant_id text   NOT NULL,
                json           text   NOT NULL
            );
            CREATE INDEX ix_audit_participant ON audit (participant_id, seq);

            -- The relay outbox, delivery log and dead letters: one row per delivery key, by status.
            CREATE TABLE outbox (
                seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_key    text   NOT NULL UNIQUE,
                recipient_id    text   NOT NULL,
                status          text   NOT NULL,
                next_attempt_at bigint NOT NULL,
                json            text   NOT NULL
            );
            CREATE INDEX ix_outbox_due ON outbox (next_attempt_at, seq) WHERE status = 'Pending';
            CREATE INDEX ix_outbox_dead ON outbox (seq) WHERE status = 'DeadLettered';
            CREATE INDEX ix_outbox_recipient ON outbox (recipient_id);

            CREATE TABLE cursors (
                source text NOT NULL PRIMARY KEY,
                cursor text NOT NULL
            );

            CREATE TABLE documents (
                collection text NOT NULL,
                id         text NOT NULL,
                json       text NOT NULL,
                PRIMARY KEY (collection, id)
            );
            """),
        new(2, "relay workers' claims on outbox entries", """
            -- The worker holding a delivery (IOutboxLeaseStore) and until when (UTC ticks); NULL when none does.
            ALTER TABLE outbox ADD COLUMN lease_owner text NULL;
            ALTER TABLE outbox ADD COLUMN lease_until bigint NULL;
            """),
        new(3, "token buckets shared by relay workers", """
            -- One row per bucket (IRateLimitStore): when it would be empty again and the end of any block, in UTC ticks.
            CREATE TABLE rate_limits (
                bucket        text   NOT NULL PRIMARY KEY,
                next_at       bigint NOT NULL,
                blocked_until bigint NOT NULL
            );
            """),
    ];

    /// <summary>The version a database has once every migration ran.</summary>
    public static int Latest(IReadOnlyList<PostgreSqlMigration> migrations) => migrations.Count == 0 ? 0 : migrations[^1].Version;

    /// <summary>Checks that the list counts 1, 2, 3 … so that a version number always means the same schema.</summary>
    public static void CheckOrder(IReadOnlyList<PostgreSqlMigration> migrations)
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
    /// Brings the current schema up to the latest version inside the caller's transaction and returns the version it
    /// found. The transaction first takes an advisory lock, so that processes starting at once migrate one after the
    /// other: the second finds the work done. A database from a newer build is refused rather than written with an
    /// older schema.
    /// </summary>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PostgreSqlMigration> migrations, string database, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("SELECT current_schema()", connection, transaction))
        {
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string)
            {
                throw new CoCreationException($"The CoCreation store in {database} has no schema to create its tables in: no schema of the connection's search path exists. Create the schema, or set 'Search Path' in the connection string to one that exists.");
            }
        }

        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({LockKey}, hashtext(current_schema()))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     integer     NOT NULL PRIMARY KEY,
                description text        NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken).ConfigureAwait(false);

        int found;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            found = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        var latest = Latest(migrations);
        if (found > latest)
        {
            throw new CoCreationException($"The CoCreation store in {database} has schema version {found}, but this build knows versions up to {latest}. Use a newer CoCreation.Sdk.PostgreSql, or another database or schema.");
        }

        foreach (var migration in migrations.Where(m => m.Version > found))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            await using var set = new NpgsqlCommand("INSERT INTO schema_version (version, description) VALUES (@version, @description)", connection, transaction);
            set.Parameters.AddWithValue("version", migration.Version);
            set.Parameters.AddWithValue("description", migration.Description);
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
