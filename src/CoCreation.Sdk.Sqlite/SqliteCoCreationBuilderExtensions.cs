using CoCreation.Sdk.Sqlite;

namespace CoCreation.Sdk;

/// <summary>Registers the SQLite store with an <see cref="ICoCreationBuilder"/>.</summary>
public static class SqliteCoCreationBuilderExtensions
{
    /// <summary>
    /// Replaces the store with a <see cref="SqliteCoCreationStore"/> on the given database, created once by the
    /// container. The file is opened, checked and migrated when the store is first resolved; a damaged or
    /// locked file fails there with a <see cref="CoCreationException"/> that names it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, for example <c>Data Source=data/cocreation.db</c>.</param>
    /// <param name="durability">How much a commit survives; by default also a power loss.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The connection string is blank, malformed or names no data source.</exception>
    public static ICoCreationBuilder UseSqlite(this ICoCreationBuilder builder, string connectionString, SqliteDurability durability = SqliteDurability.SurvivesPowerLoss)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Parsed now so that a typo is reported where it is written, not when the container first builds the store.
        SqliteCoCreationStore.ParseConnectionString(connectionString);
        return builder.UseStore(_ => new SqliteCoCreationStore(connectionString, durability));
    }
}
