using Microsoft.Data.Sqlite;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>A folder of its own for one test's database files, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "cocreation-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string File => Path.Combine(Folder, "store.db");

    public string ConnectionString => $"Data Source={File}";

    /// <summary>A raw connection to the same file, outside the store, unpooled so it lets go of the file when closed.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>Every file SQLite keeps for the database: the file itself and its -wal and -shm files if present.</summary>
    public IEnumerable<string> AllFiles() => new[] { File, File + "-wal", File + "-shm", File + "-journal" }.Where(System.IO.File.Exists);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it is not.
        }
    }
}
