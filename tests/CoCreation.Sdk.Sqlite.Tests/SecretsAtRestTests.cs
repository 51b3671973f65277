using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Sqlite.Tests;

/// <summary>Secrets kept through the SDK in a SQLite file are never in it in plain text.</summary>
[TestFixture]
[Category("Unit")]
public sealed class SecretsAtRestTests
{
    private const string Secret = "mastodon-token-Zk81aQ-do-not-store";

    private TempDatabase _db = null!;

    [SetUp]
    public void SetUp() => _db = new TempDatabase();

    [TearDown]
    public void TearDown() => _db.Dispose();

    private ServiceProvider Build(string key)
    {
        var services = new ServiceCollection();
        services.AddCoCreation().UseSqlite(_db.ConnectionString).AddSecretProtection(o => o.Key = key);
        return services.BuildServiceProvider();
    }

    [Test]
    public async Task The_file_never_holds_the_secret_and_another_key_cannot_read_it()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using (var provider = Build(key))
        {
            await provider.GetRequiredService<ICoCreationSecrets>().PutAsync("member:42:token", Secret);
            await ((SqliteCoCreationStore)provider.GetRequiredService<ICoCreationStore>()).CheckpointAsync();
            Assert.That(ContainsInFiles(Secret), Is.False, "the secret is in the database in plain text");
            Assert.That(ContainsInFiles("member:42:token"), Is.True, "the search finds what is stored");
        }

        Assert.That(ContainsInFiles(Secret), Is.False);

        await using (var sameKey = Build(key))
        {
            Assert.That(await sameKey.GetRequiredService<ICoCreationSecrets>().GetAsync("member:42:token"), Is.EqualTo(Secret));
        }

        await using var otherKey = Build(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        var ex = Assert.ThrowsAsync<CoCreationException>(() => otherKey.GetRequiredService<ICoCreationSecrets>().GetAsync("member:42:token"));
        Assert.That(ex!.Message, Does.Contain("member:42:token").And.Contain("another key"));
        Assert.That(ex.ToString(), Does.Not.Contain(Secret));
    }

    private bool ContainsInFiles(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return _db.AllFiles().Any(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0);
    }
}
