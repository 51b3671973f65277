using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Testing;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>Database files for the stored fixtures: a fresh one per test, all removed when the fixture is done.</summary>
internal sealed class ConformanceFiles : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cocreation-conformance-" + Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _open = [];

    public string NewPath(string name) => Path.Combine(_directory, $"{name}-{Guid.NewGuid():N}.db");

    public T Track<T>(T provider)
        where T : IDisposable
    {
        _open.Add(provider);
        return provider;
    }

    public void Dispose()
    {
        foreach (var provider in _open)
        {
            provider.Dispose();
        }

        _open.Clear();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>The embedded SNS keeping its state in a database file, against the SNS conformance suite: storing changes nothing a connector sees.</summary>
public sealed class StoredEmbeddedSnsConformanceTests : EmbeddedSnsConformanceTests
{
    private readonly ConformanceFiles _files = new();

    protected override EmbeddedSnsOptions? Options => new() { DatabasePath = _files.NewPath("sns") };

    [OneTimeTearDown]
    public void DeleteFiles() => _files.Dispose();
}

/// <summary>The embedded cloud service keeping its state in a database file, against the workspace conformance suite.</summary>
public sealed class StoredEmbeddedCloudWorkspaceConformanceTests : CloudWorkspaceConformanceTests
{
    private readonly ConformanceFiles _files = new();
    private FakeTimeProvider _time = new();
    private EmbeddedCloudService _service = null!;
    private int _members;

    protected override TimeProvider TimeProvider => _time;

    protected override bool CanActAsMember => true;

    [OneTimeTearDown]
    public void DeleteFiles() => _files.Dispose();

    protected override Task<ICloudWorkspace> CreateWorkspaceAdapterAsync()
    {
        _time = new FakeTimeProvider();
        _service = _files.Track(new EmbeddedCloudService(new EmbeddedCloudOptions { DatabasePath = _files.NewPath("cloud") }, _time));
        return Task.FromResult<ICloudWorkspace>(_service.CreateConnector("embedded-cloud"));
    }

    protected override string CreateMemberEmail() => _service.RegisterAccount($"member{++_members}@example.com").Email;

    protected override Task EditAsMemberAsync(CloudAccount member, DocumentRef document)
    {
        _service.EditDocument(member.AccountId, document.Id, $"edited by {member.Email}");
        return Task.CompletedTask;
    }
}

/// <summary>The embedded enterprise system keeping its state in a database file, against the enterprise conformance suite.</summary>
public sealed class StoredEmbeddedEnterpriseConformanceTests : EnterpriseAdapterConformanceTests
{
    private readonly ConformanceFiles _files = new();
    private FakeTimeProvider _time = new();
    private EmbeddedEnterpriseSystem _system = null!;

    protected override TimeProvider TimeProvider => _time;

    protected override EnterpriseFeatures ExpectedFeatures => EnterpriseFeatures.Production | EnterpriseFeatures.Commerce | EnterpriseFeatures.Inventory;

    [OneTimeTearDown]
    public void DeleteFiles() => _files.Dispose();

    protected override Task<IEnterpriseAdapter> CreateAdapterAsync()
    {
        _time = new FakeTimeProvider();
        _system = _files.Track(new EmbeddedEnterpriseSystem("embedded-erp", new EmbeddedEnterpriseOptions { DatabasePath = _files.NewPath("erp") }, _time));
        return Task.FromResult<IEnterpriseAdapter>(_system);
    }

    protected override Task<SaleRecord> SellAsync(IEnterpriseAdapter adapter, Listing listing, int quantity) => EmbeddedShopSales.SellAsync(_system, listing, quantity);

    protected override async Task ProduceEventAsync(IEnterpriseAdapter adapter)
    {
        var designer = await _system.ProvisionAccountAsync(new EnterpriseAccountRequest { Login = UniqueLogin(), DisplayName = "Designer", Roles = [EnterpriseRoles.Member] });
        await _system.SubmitDesignAsync(designer, new DesignSubmission { Title = "Event maker", Description = "Anything" });
    }
}
