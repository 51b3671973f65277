using System.Text.Json;
using CoCreation.Sdk.Testing;
using Npgsql;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>
/// A fresh, empty schema on the PostgreSQL peer for one test, and a connection string whose search path names it;
/// dropped with everything in it on dispose. Without the peer the test is reported as ignored (or failed when peers
/// are required).
/// </summary>
internal sealed class PostgresSchema : IAsyncDisposable
{
    public const string Variable = "COCREATION_POSTGRES_CONNECTION";
    public const string StartHint = "bash eng/peers/postgres/up.sh";

    private readonly string _adminConnectionString;

    private PostgresSchema(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = name }.ConnectionString;
    }

    /// <summary>The schema's name.</summary>
    public string Name { get; }

    /// <summary>A connection string to the peer's database with the schema as its search path.</summary>
    public string ConnectionString { get; }

    /// <summary>The peer's connection string (its default search path).</summary>
    public static string PeerConnectionString => Peers.Get(Variable, StartHint);

    public static async Task<PostgresSchema> CreateAsync()
    {
        var admin = PeerConnectionString;
        var schema = new PostgresSchema(admin, "t_" + Guid.NewGuid().ToString("N"));
        await schema.ExecuteAsync($"CREATE SCHEMA {schema.Name}");
        return schema;
    }

    /// <summary>Runs a statement in the schema.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads one value in the schema.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The schema's tables, read from the catalogue so that a table a later migration adds is covered too.</summary>
    public async Task<IReadOnlyList<string>> TablesAsync()
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema ORDER BY table_name", connection);
        command.Parameters.AddWithValue("schema", Name);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    /// <summary>
    /// The rows of every table of the schema that hold <paramref name="text"/> in any column, ignoring case, as written
    /// or JSON-escaped: what someone with read access to the database would find. Columns are searched one by one
    /// (a whole row as text would double the backslashes of JSON escapes).
    /// </summary>
    public async Task<int> CountRowsHoldingAsync(string text)
    {
        var escaped = JsonSerializer.Serialize(text)[1..^1];
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var read = new NpgsqlCommand("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = @schema ORDER BY table_name, ordinal_position", connection))
        {
            read.Parameters.AddWithValue("schema", Name);
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var count = 0;
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            var where = string.Join(" OR ", table.Select(c => $"strpos(lower(\"{c.Column}\"::text), lower(@text)) > 0 OR strpos(lower(\"{c.Column}\"::text), lower(@escaped)) > 0"));
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {Name}.\"{table.Key}\" WHERE {where}", connection);
            command.Parameters.AddWithValue("text", text);
            command.Parameters.AddWithValue("escaped", escaped);
            count += Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections of the stores under test keep the search path but hold no lock once idle.
        await ExecuteAsync($"DROP SCHEMA IF EXISTS {Name} CASCADE");
    }
}
