namespace CoCreation.Sdk.Embedded;

/// <summary>
/// What the embedded SNS and cloud service hold alike: the one lock every operation takes and, when the provider is
/// stored in a file, its database, the all-or-nothing write every change goes through, and the closing of the file.
/// </summary>
/// <remarks>Without a file the store holds no database: writes run directly and disposing changes nothing.</remarks>
internal sealed class EmbeddedStore : IDisposable
{
    private readonly object owner;
    private readonly string provider;
    private readonly string who;
    private bool disposed;

    /// <summary>
    /// Creates the store of <paramref name="owner"/>: in memory when <paramref name="path"/> is <see langword="null"/>,
    /// otherwise with the database file at that path opened and read back with <paramref name="load"/>.
    /// </summary>
    /// <param name="owner">The provider, named in <see cref="ObjectDisposedException"/>.</param>
    /// <param name="path">The database file, or <see langword="null"/> for memory only.</param>
    /// <param name="format">The provider kind the file belongs to.</param>
    /// <param name="description">What the file holds, for messages.</param>
    /// <param name="field">The option that named the path, for validation errors.</param>
    /// <param name="provider">The provider kind named in exceptions from a failed commit.</param>
    /// <param name="who">The provider as named at the start of messages.</param>
    /// <param name="load">Rebuilds the provider's state from the open database, under <see cref="Gate"/>.</param>
    /// <exception cref="CoCreationValidationException">The path is blank or not a valid path.</exception>
    /// <exception cref="CoCreationException">The file is in use, corrupt, or not a database of this provider kind.</exception>
    public EmbeddedStore(object owner, string? path, string format, string description, string field, string provider, string who, Action<EmbeddedDatabase> load)
    {
        this.owner = owner;
        this.provider = provider;
        this.who = who;
        if (path is not null)
        {
            Database = EmbeddedDatabase.OpenAndLoad(path, format, description, field, Gate, load);
        }
    }

    /// <summary>The lock every operation of the provider takes.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The database file, or <see langword="null"/> when the provider lives in memory only.</summary>
    public EmbeddedDatabase? Database { get; }

    /// <summary>
    /// Runs a write (the caller holds <see cref="Gate"/>) and, for a stored provider, commits what it staged before
    /// returning. When the write fails after staging, or the commit fails, <paramref name="reload"/> reads the state
    /// back from the file, so memory never holds a change the file does not.
    /// </summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="write">The write.</param>
    /// <param name="reload">Rebuilds the provider's state from the file.</param>
    /// <returns>What the write returned.</returns>
    /// <exception cref="ObjectDisposedException">The provider is stored and has been disposed.</exception>
    public T WriteLocked<T>(Func<T> write, Action<EmbeddedDatabase> reload)
    {
        if (Database is not { } database)
        {
            return write();
        }

        ObjectDisposedException.ThrowIf(disposed, owner);
        return database.Write(write, () => reload(database), provider, who);
    }

    /// <summary>Takes <see cref="Gate"/> and runs a write as <see cref="WriteLocked{T}"/> does.</summary>
    /// <typeparam name="T">The write's result.</typeparam>
    /// <param name="write">The write.</param>
    /// <param name="reload">Rebuilds the provider's state from the file.</param>
    /// <returns>What the write returned.</returns>
    /// <exception cref="ObjectDisposedException">The provider is stored and has been disposed.</exception>
    public T Write<T>(Func<T> write, Action<EmbeddedDatabase> reload)
    {
        lock (Gate)
        {
            return WriteLocked(write, reload);
        }
    }

    /// <summary>Closes the database file, if any; later writes of a stored provider throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            Database?.Dispose();
        }
    }
}
