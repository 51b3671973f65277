using System.Text.RegularExpressions;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>Several co-development projects in one application: named instances next to the default one.</summary>
[TestFixture]
public sealed partial class NamedProjectTests
{
    private static CoDevelopmentHarness TwoNamedProjects() => new(more: b => b
        .AddCoDevelopment("bikes", o =>
        {
            o.ProjectName = "Bikes 2027";
            o.CloudWorkspace = CoDevelopmentHarness.Cloud;
            o.Networks.Add(CoDevelopmentHarness.Social);
        })
        .AddCoDevelopment("bags", o =>
        {
            o.ProjectName = "Bags 2027";
            o.CloudWorkspace = CoDevelopmentHarness.Cloud;
            o.Networks.Add(CoDevelopmentHarness.Social);
        }));

    [Test]
    public async Task Two_named_projects_run_side_by_side_with_separate_records()
    {
        await using var h = TwoNamedProjects();
        var instances = h.Services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>();
        var bikes = instances.Get("bikes");
        var bags = instances.Get("bags");
        Assert.That(instances.Names, Is.EqualTo(new[] { "bags", "bikes" }));
        Assert.That(bikes, Is.SameAs(h.Services.GetRequiredKeyedService<CoDevelopmentProject>("bikes")), "the registry and the keyed service are one instance");
        Assert.That(instances.Default, Is.SameAs(h.Project), "the unnamed registration is the default instance");
        Assert.That((bikes.ProjectId, bags.ProjectId, h.Project.ProjectId), Is.EqualTo(("bikes", "bags", "chair")), "a named project's id defaults to its name");

        await RecruitAsync(bikes);
        await RecruitAsync(bags);
        var ana = await SignUpAsync(h, "ana");
        await bikes.ApplyAsync(ana.Session);
        var member = await AdmitAsync(h, bikes, ana);

        Assert.That((await bikes.GetApplicantsAsync()).Select(a => a.Handle), Is.EqualTo(new[] { "ana" }));
        Assert.That(await bags.GetApplicantsAsync(), Is.Empty, "an application to one project is not seen by another");
        Assert.That(await h.Project.GetApplicantsAsync(), Is.Empty);
        Assert.That((await bikes.GetMembersAsync()).Single().ParticipantId, Is.EqualTo(member.ParticipantId));
        Assert.That(await bags.GetMembersAsync(), Is.Empty);
        Assert.That(await bags.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Recruiting));

        var bikeSpace = await bikes.ProvisionAsync(CoDevelopmentHarness.Plan);
        var bagSpace = await bags.ProvisionAsync(CoDevelopmentHarness.Plan with { WorkspaceName = "Bags workspace" });
        Assert.That(bikeSpace.Workspace.Id, Is.Not.EqualTo(bagSpace.Workspace.Id));
        Assert.That(bikeSpace.Members.Select(m => m.ParticipantId), Is.EqualTo(new[] { member.ParticipantId }));
        Assert.That(bagSpace.Members, Is.Empty);
        Assert.That(h.CloudService.GetShares(bagSpace.Workspace.Id).Select(s => s.AccountId), Does.Not.Contain(member.CloudAccountId));

        await bags.CloseAsync("done");
        Assert.That(await bags.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Closed));
        Assert.That(await bikes.GetStatusAsync(), Is.EqualTo(CoDevelopmentStatus.Active), "closing one project leaves the other open");
        Assert.That((await bikes.GetMembersAsync()).Single().Active, Is.True);

        // Every stored member record belongs to the project that admitted it.
        var memberKeys = (await h.Store.ListDocumentsAsync(CoDevelopmentProject.MembersCollection)).Select(d => d.Key).ToList();
        Assert.That(memberKeys, Is.EqualTo(new[] { $"bikes:{member.ParticipantId}" }));
    }

    [Test]
    public async Task A_named_project_relays_its_own_events_once_with_its_own_rules()
    {
        await using var h = TwoNamedProjects();
        var instances = h.Services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>();
        var bikes = instances.Get("bikes");
        await RecruitAsync(bikes);
        var ana = await SignUpAsync(h, "ana");
        await bikes.ApplyAsync(ana.Session);
        await AdmitAsync(h, bikes, ana);

        var welcomes = h.Inbox(ana).Where(m => m.Contains("welcome to", StringComparison.Ordinal)).ToList();
        Assert.That(welcomes, Has.Count.EqualTo(1), "three projects are registered, and only the admitting one's rule answers");
        Assert.That(welcomes[0], Does.Contain("welcome to Bikes 2027"));
        var rules = h.Services.GetServices<RelayRule>().Select(r => r.Name).ToList();
        Assert.That(rules, Does.Contain("co-development.admitted").And.Contain("co-development.bikes.admitted").And.Contain("co-development.bags.admitted"));
        Assert.That(rules, Is.Unique);
    }

    [Test]
    public async Task Erasing_a_person_covers_every_project()
    {
        await using var h = TwoNamedProjects();
        var instances = h.Services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>();
        var projects = new[] { h.Project, instances.Get("bikes"), instances.Get("bags") };
        foreach (var project in projects)
        {
            await RecruitAsync(project);
        }

        var ana = await SignUpAsync(h, "ana");
        var ben = await SignUpAsync(h, "ben");
        foreach (var project in projects)
        {
            await project.ApplyAsync(ana.Session);
            await project.ApplyAsync(ben.Session);
            await AdmitAsync(h, project, ana);
            await AdmitAsync(h, project, ben);
        }

        await h.Identities.EraseAsync(ana.Session.ParticipantId);

        foreach (var project in projects)
        {
            var members = await project.GetMembersAsync();
            Assert.That(members.Select(m => m.ParticipantId), Is.EqualTo(new[] { ben.Session.ParticipantId }), project.ProjectId);
            var applicants = await project.GetApplicantsAsync();
            Assert.That(applicants, Has.Count.EqualTo(2), project.ProjectId + ": the application keeps its place");
            Assert.That(applicants.Select(a => a.Handle), Does.Not.Contain("ana"), project.ProjectId);
        }

        var stored = string.Join("\n", (await h.Store.ListDocumentsAsync(CoDevelopmentProject.MembersCollection)).Select(d => d.Value)
            .Concat((await h.Store.ListDocumentsAsync(CoDevelopmentProject.ApplicantsCollection)).Select(d => d.Value)));
        Assert.That(stored, Does.Not.Contain("ana@example.com").And.Not.Contain("\"ana\""));
    }

    [Test]
    public async Task An_unknown_name_is_refused_with_an_exception_naming_it()
    {
        await using var h = TwoNamedProjects();
        var instances = h.Services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>();

        var refused = Assert.Throws<ModuleInstanceNotFoundException>(() => instances.Get("boats"));
        Assert.That(refused!.InstanceName, Is.EqualTo("boats"));
        Assert.That(refused.Module, Is.EqualTo(CoDevelopmentProject.ModuleName));
        Assert.That(refused.KnownNames, Is.EqualTo(new[] { "bags", "bikes" }));
        Assert.That(refused.Message, Does.Contain("'boats'").And.Contain("'bikes'"));
    }

    [Test]
    public async Task Without_a_default_registration_the_default_is_refused_and_named_ones_resolve()
    {
        await using var services = OnlyNamed(b => b.AddCoDevelopment("bikes", o => o.CloudWorkspace = CoDevelopmentHarness.Cloud));
        var instances = services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>();

        Assert.That(instances.HasDefault, Is.False);
        var refused = Assert.Throws<ModuleInstanceNotFoundException>(() => _ = instances.Default);
        Assert.That(refused!.InstanceName, Is.Null);
        Assert.That(services.GetService<CoDevelopmentProject>(), Is.Null);
        Assert.That(instances.Get("bikes").ProjectId, Is.EqualTo("bikes"));
        Assert.That(services.GetServices<IParticipantDataEraser>().Count(e => e.GetType().Name == "CoDevelopmentDataEraser"), Is.EqualTo(1), "erasure is registered once for every project");
    }

    [Test]
    public void A_duplicate_or_malformed_name_is_refused_at_registration()
    {
        var builder = new ServiceCollection().AddCoCreation().AddCoDevelopment("bikes", o => o.CloudWorkspace = "cloud");

        var duplicate = Assert.Throws<CoCreationValidationException>(() => builder.AddCoDevelopment("bikes", o => o.CloudWorkspace = "cloud"));
        Assert.That(duplicate!.Field, Is.EqualTo("name"));
        Assert.That(duplicate.Message, Does.Contain("'bikes'").And.Contain("already registered"));
        Assert.That(builder.Services.Count(d => d.IsKeyedService && Equals(d.ServiceKey, "bikes") && d.ServiceType == typeof(CoDevelopmentProject)), Is.EqualTo(1), "nothing of the refused registration was added");

        foreach (var bad in new[] { "", " ", "a:b", "a b", "ü", new string('x', 65) })
        {
            var refused = Assert.Throws<CoCreationValidationException>(() => builder.AddCoDevelopment(bad, o => o.CloudWorkspace = "cloud"), bad);
            Assert.That(refused!.Field, Is.EqualTo("name"), bad);
        }
    }

    [Test]
    public async Task Each_instance_options_are_checked_at_start()
    {
        await using var bad = OnlyNamed(b => b
            .AddCoDevelopment("bikes", o => o.CloudWorkspace = CoDevelopmentHarness.Cloud)
            .AddCoDevelopment("bags", o => o.TimeZone = "Nowhere/Never"));
        var refused = Assert.ThrowsAsync<CoCreationValidationException>(async () => await bad.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.That(refused!.Field, Is.EqualTo("CoDevelopmentOptions.CloudWorkspace"), "the bags instance has no cloud workspace");

        await using var shared = OnlyNamed(b => b
            .AddCoDevelopment("bikes", o => o.CloudWorkspace = CoDevelopmentHarness.Cloud)
            .AddCoDevelopment("bags", o => { o.CloudWorkspace = CoDevelopmentHarness.Cloud; o.ProjectId = "bikes"; }));
        var clash = Assert.ThrowsAsync<CoCreationValidationException>(async () => await shared.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        Assert.That(clash!.Field, Is.EqualTo("CoDevelopmentOptions.ProjectId"));
        Assert.That(clash.Message, Does.Contain("'bikes'").And.Contain("'bags'"));

        await using var good = OnlyNamed(b => b
            .AddCoDevelopment("bikes", o => o.CloudWorkspace = CoDevelopmentHarness.Cloud)
            .AddCoDevelopment("bags", o => o.CloudWorkspace = CoDevelopmentHarness.Cloud));
        Assert.DoesNotThrowAsync(async () => await good.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
    }

    private static ServiceProvider OnlyNamed(Action<ICoCreationBuilder> register)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CoDevelopmentHarness.Start);
        var network = new EmbeddedSnsNetwork(null, clock);
        var brand = network.RegisterAccount("brand");
        var cloud = new EmbeddedCloudService(null, clock);
        var services = new ServiceCollection();
        var builder = services.AddCoCreation()
            .UseStore(_ => new InMemoryCoCreationStore())
            .AddEmbeddedSns(CoDevelopmentHarness.Social, network, brand.Credential)
            .AddCloudWorkspace(CoDevelopmentHarness.Cloud, _ => cloud.CreateConnector(CoDevelopmentHarness.Cloud));
        register(builder);
        services.AddSingleton<TimeProvider>(clock);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static Task<Recruitment> RecruitAsync(CoDevelopmentProject project)
        => project.RecruitAsync(new RecruitmentCall { KoreanText = $"{project.ProjectId} 참가자를 모집합니다.", EnglishText = $"Join {project.ProjectId}.", Cap = 10 });

    private static async Task<Person> SignUpAsync(CoDevelopmentHarness h, string handle)
    {
        var account = h.SocialNetwork.RegisterAccount(handle, char.ToUpperInvariant(handle[0]) + handle[1..], "en-US");
        var session = await h.SignIn.SignInAsync(CoDevelopmentHarness.Social, account.Credential);
        return new Person(handle, account, session, $"{handle}@example.com");
    }

    private static async Task<CoDevelopmentMember> AdmitAsync(CoDevelopmentHarness h, CoDevelopmentProject project, Person person)
    {
        await project.RequestEmailConfirmationAsync(person.Session, person.Email);
        var code = SixDigits().Match(h.SocialNetwork.GetInbox(person.Account.Subject).Last().Text).Value;
        return await project.AdmitAsync(person.Session, person.Email, code, WorkspaceRole.Editor);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
