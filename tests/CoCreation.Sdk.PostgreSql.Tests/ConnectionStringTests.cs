using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.PostgreSql.Tests;

/// <summary>Bad connection strings are refused where they are written, and a password never reaches a message.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ConnectionStringTests
{
    private const string Password = "pw-Qx81-never-print";

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("Database=cocreation")]
    [TestCase("Host=127.0.0.1")]
    public void A_connection_string_without_host_or_database_is_refused_before_anything_is_sent(string connectionString)
    {
        var services = new ServiceCollection();

        var ex = Assert.Throws<CoCreationValidationException>(() => services.AddCoCreation().UsePostgreSql(connectionString));

        Assert.That(ex!.Field, Does.StartWith("connectionString"));
    }

    [Test]
    public void A_malformed_connection_string_is_refused_without_repeating_it()
    {
        var ex = Assert.Throws<CoCreationValidationException>(() => new PostgreSqlCoCreationStore($"Host=127.0.0.1;Database=x;Password={Password};Frobnicate=1"));

        Assert.That(ex!.Message, Does.Contain("not a valid Npgsql connection string"));
        Assert.That(ex.ToString(), Does.Not.Contain(Password));
    }

    [Test]
    public async Task A_server_that_cannot_be_reached_fails_with_host_and_database_but_not_the_password()
    {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
        await using var store = new PostgreSqlCoCreationStore($"Host=127.0.0.1;Port=1;Database=cocreation;Username=app;Password={Password};Timeout=3");

        var ex = Assert.ThrowsAsync<CoCreationException>(() => store.GetParticipantAsync("p1"));

        Assert.That(ex!.Message, Does.Contain("'cocreation'").And.Contain("127.0.0.1"));
        Assert.That(ex.ToString(), Does.Not.Contain(Password));
        Assert.That(ex.ToString(), Does.Not.Contain("Password=").IgnoreCase);
    }

    [Test]
    public void A_null_data_source_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddCoCreation().UsePostgreSql((Npgsql.NpgsqlDataSource)null!));
    }
}
