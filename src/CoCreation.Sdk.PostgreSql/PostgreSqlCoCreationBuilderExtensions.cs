using CoCreation.Sdk.PostgreSql;
using Npgsql;

namespace CoCreation.Sdk;

/// <summary>Registers the PostgreSQL store with an <see cref="ICoCreationBuilder"/>.</summary>
public static class PostgreSqlCoCreationBuilderExtensions
{
    /// <summary>
    /// Replaces the store with a <see cref="PostgreSqlCoCreationStore"/> that opens its own pooled connections, created
    /// once by the container. The database is reached and migrated at the store's first operation; a server that cannot
    /// be reached fails there with a <see cref="CoCreationException"/> that names the host and database (never the
    /// connection string, which may hold a password).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string, for example <c>Host=db;Database=cocreation;Username=app;Password=…</c>; <c>Search Path</c> chooses the schema.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The connection string is blank, malformed, or names no host or database.</exception>
    public static ICoCreationBuilder UsePostgreSql(this ICoCreationBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Parsed now so that a typo is reported where it is written, not when the container first builds the store.
        PostgreSqlCoCreationStore.ParseConnectionString(connectionString);
        return builder.UseStore(_ => new PostgreSqlCoCreationStore(connectionString));
    }

    /// <summary>
    /// Replaces the store with a <see cref="PostgreSqlCoCreationStore"/> on a data source the application configured
    /// (for example with logging or a password provider) and keeps owning: the store does not dispose it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The data source.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="CoCreationValidationException">The data source's connection string names no host or database.</exception>
    public static ICoCreationBuilder UsePostgreSql(this ICoCreationBuilder builder, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        PostgreSqlCoCreationStore.ParseConnectionString(dataSource.ConnectionString);
        return builder.UseStore(_ => new PostgreSqlCoCreationStore(dataSource));
    }
}
