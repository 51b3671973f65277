using CoCreation.Sdk.Tests.Shared;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

/// <summary>
/// The embedded enterprise system and cloud service anonymise an erased person's account: read back from the
/// provider, from a new instance on the same file, and from the raw bytes of the file and its write-ahead log.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class EmbeddedAccountErasureTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _directory = Path.Combine(Path.GetTempPath(), "cocreation-erasure-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task The_enterprise_account_loses_name_login_and_email_in_memory_and_in_the_file_and_keeps_its_business_records()
    {
        var path = Path.Combine(_directory, "erp.db");
        string accountId;
        using (var erp = new EmbeddedEnterpriseSystem("erp", new EmbeddedEnterpriseOptions { DatabasePath = path }, _time))
        {
            Assert.That(erp.Capabilities.SupportsAccountErasure, Is.True);
            var account = await erp.ProvisionAccountAsync(new EnterpriseAccountRequest
            {
                Login = "mina.login.k4",
                DisplayName = "권미나 K4",
                Email = "mina.k4@mail.example",
                Roles = [EnterpriseRoles.Member],
            });
            accountId = account.AccountId;
            var design = await erp.SubmitDesignAsync(account, new DesignSubmission { Title = "Stool", Description = "A stool" });
            Assert.That(Count(path, "mina.login.k4") + Count(path, "mina.k4@mail.example") + Count(path, "권미나 K4"), Is.GreaterThan(0), "the file held her data");

            var anonymised = await erp.AnonymizeAccountAsync(account);

            Assert.That(anonymised.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
            var read = await erp.GetAccountAsync(accountId);
            Assert.That(read.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
            Assert.That(read.Login, Is.EqualTo(ErasedPerson.Login(accountId)));
            Assert.That(read.IsActive, Is.False);
            Assert.That(read.Roles, Is.Empty);
            Assert.That((await erp.GetDesignAsync(design.Id)).DesignerAccountId, Is.EqualTo(accountId), "the design stays with the account");
            foreach (var value in new[] { "mina.login.k4", "mina.k4@mail.example", "권미나 K4" })
            {
                Assert.That(Count(path, value), Is.Zero, $"'{value}' is still in the database files while the system is open");
            }

            // Idempotent, and the old login names no one any more: provisioning it again makes a new account.
            Assert.That((await erp.AnonymizeAccountAsync(read)).Login, Is.EqualTo(ErasedPerson.Login(accountId)));
            var fresh = await erp.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = "mina.login.k4", DisplayName = "New person", Roles = [] });
            Assert.That(fresh.AccountId, Is.Not.EqualTo(accountId));
            Assert.ThrowsAsync<ResourceNotFoundException>(() => erp.AnonymizeAccountAsync(new EnterpriseAccount { System = "erp", AccountId = "999999", Login = "x" }));
            Assert.ThrowsAsync<CoCreationValidationException>(() => erp.AnonymizeAccountAsync(null!));
        }

        using var reopened = new EmbeddedEnterpriseSystem("erp", new EmbeddedEnterpriseOptions { DatabasePath = path }, _time);
        var stored = await reopened.GetAccountAsync(accountId);
        Assert.That(stored.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
        Assert.That(stored.Login, Is.EqualTo(ErasedPerson.Login(accountId)));
    }

    [Test]
    public async Task The_cloud_account_loses_address_and_name_in_attendees_and_activity_and_in_the_file()
    {
        var path = Path.Combine(_directory, "cloud.db");
        string accountId;
        string workspaceId;
        using (var service = new EmbeddedCloudService(new EmbeddedCloudOptions { DatabasePath = path }, _time))
        {
            var connector = service.CreateConnector("cloud");
            Assert.That(connector.Capabilities.SupportsAccountErasure, Is.True);
            var member = service.RegisterAccount("mina.c7@mail.example", "권미나 C7");
            var other = service.RegisterAccount("jun.c7@mail.example", "Jun");
            accountId = member.AccountId;
            var ws = await connector.CreateWorkspaceAsync(new WorkspaceSpec { Name = "Chair", TimeZone = "Asia/Seoul" });
            workspaceId = ws.Id;
            await connector.ShareAsync(ws, member, WorkspaceRole.Editor);
            await connector.ScheduleAsync(ws, new ScheduleEntrySpec { Title = "Review", Start = Start.AddDays(1), End = Start.AddDays(1).AddHours(1), Attendees = ["mina.c7@mail.example", "jun.c7@mail.example"] });
            Assert.That(Count(path, "mina.c7@mail.example") + Count(path, "권미나 C7"), Is.GreaterThan(0), "the file held her data");

            var anonymised = await connector.AnonymizeAccountAsync(member);

            Assert.That(anonymised.Email, Is.EqualTo(ErasedPerson.Email(accountId)));
            var read = service.GetAccount(accountId);
            Assert.That(read.Email, Is.EqualTo(ErasedPerson.Email(accountId)));
            Assert.That(read.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName));
            Assert.That(service.GetScheduleEntries(ws.Id).Single().Attendees, Is.EqualTo(new[] { ErasedPerson.Email(accountId), "jun.c7@mail.example" }));
            var activity = await connector.GetActivityAsync(ws, null);
            Assert.That(activity.Items.Where(a => a.Kind == WorkspaceActivityKind.MemberAdded).Select(a => a.TargetName), Is.All.EqualTo(ErasedPerson.AccountDisplayName));
            Assert.That(service.GetAccount(other.AccountId).Email, Is.EqualTo("jun.c7@mail.example"), "other accounts stay");
            foreach (var value in new[] { "mina.c7@mail.example", "권미나 C7" })
            {
                Assert.That(Count(path, value), Is.Zero, $"'{value}' is still in the database files while the service is open");
            }

            Assert.That((await connector.AnonymizeAccountAsync(member)).Email, Is.EqualTo(ErasedPerson.Email(accountId)), "idempotent");
            Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.AnonymizeAccountAsync(member with { AccountId = "acct_unknown" }));
        }

        using var reopened = new EmbeddedCloudService(new EmbeddedCloudOptions { DatabasePath = path }, _time);
        Assert.That(reopened.GetAccount(accountId).Email, Is.EqualTo(ErasedPerson.Email(accountId)));
        Assert.That(reopened.GetScheduleEntries(workspaceId).Single().Attendees, Does.Not.Contain("mina.c7@mail.example"));
    }

    // Occurrences of a text in the database file and its -wal and -shm files, as UTF-8, UTF-16 or JSON-escaped.
    private static int Count(string path, string text) => DatabaseFileScan.Count(DatabaseFileScan.WithJournal(path), text);
}
