using System.Text.RegularExpressions;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>
/// A co-development project on the embedded SNS (two networks) and the embedded cloud service, on a fake clock.
/// The worlds and the store can be shared with a second harness to play a restart.
/// </summary>
internal sealed partial class CoDevelopmentHarness : IAsyncDisposable
{
    public const string Social = "social";
    public const string Micro = "micro";
    public const string Cloud = "cloud";

    public static readonly DateTimeOffset Start = new(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public CoDevelopmentHarness(Action<CoDevelopmentOptions>? configure = null, CoDevelopmentHarness? sharedWorld = null, ICoCreationStore? store = null, Action<OpinionOptions>? opinions = null, Action<ICoCreationBuilder>? more = null)
    {
        Clock = sharedWorld?.Clock ?? new FakeTimeProvider(Start);
        SocialNetwork = sharedWorld?.SocialNetwork ?? new EmbeddedSnsNetwork(null, Clock);
        MicroNetwork = sharedWorld?.MicroNetwork ?? new EmbeddedSnsNetwork(null, Clock);
        CloudService = sharedWorld?.CloudService ?? new EmbeddedCloudService(null, Clock);
        Store = store ?? sharedWorld?.Store ?? new InMemoryCoCreationStore();
        SocialBrand = sharedWorld?.SocialBrand ?? SocialNetwork.RegisterAccount("brand");
        MicroBrand = sharedWorld?.MicroBrand ?? MicroNetwork.RegisterAccount("brand");
        Workspace = new FailingCloudWorkspace(CloudService.CreateConnector(Cloud));

        var services = new ServiceCollection();
        var coCreation = services.AddCoCreation()
            .UseStore(_ => Store)
            .AddEmbeddedSns(Social, SocialNetwork, SocialBrand.Credential)
            .AddEmbeddedSns(Micro, MicroNetwork, MicroBrand.Credential)
            .AddCloudWorkspace(Cloud, _ => Workspace)
            .AddCoDevelopment(o =>
            {
                o.ProjectId = "chair";
                o.ProjectName = "Chair 2027";
                o.BrandName = "Test Brand";
                o.CloudWorkspace = Cloud;
                o.Networks.Add(Social);
                configure?.Invoke(o);
            });
        if (opinions is not null)
        {
            coCreation.AddOpinions(opinions);
        }

        more?.Invoke(coCreation);

        services.AddSingleton<TimeProvider>(Clock);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public FakeTimeProvider Clock { get; }
    public EmbeddedSnsNetwork SocialNetwork { get; }
    public EmbeddedSnsNetwork MicroNetwork { get; }
    public EmbeddedCloudService CloudService { get; }
    public ICoCreationStore Store { get; }
    public EmbeddedSnsAccount SocialBrand { get; }
    public EmbeddedSnsAccount MicroBrand { get; }
    public FailingCloudWorkspace Workspace { get; }

    public CoDevelopmentProject Project => _services.GetRequiredService<CoDevelopmentProject>();
    public ISnsSignIn SignIn => _services.GetRequiredService<ISnsSignIn>();
    public IIdentityMap Identities => _services.GetRequiredService<IIdentityMap>();
    public IAccessGrants Grants => _services.GetRequiredService<IAccessGrants>();
    public IServiceProvider Services => _services;

    public static ProvisioningPlan Plan { get; } = new()
    {
        WorkspaceName = "Chair 2027 workspace",
        StarterDocuments =
        [
            new DocumentSpec { Title = "Requirements", InitialContent = "What the chair must do." },
            new DocumentSpec { Title = "Sketches", Kind = DocumentKind.Presentation },
        ],
    };

    public Task<Recruitment> RecruitAsync(int cap = 10)
        => Project.RecruitAsync(new RecruitmentCall { KoreanText = "의자 공동 개발 참가자를 모집합니다. 답글로 지원하세요.", EnglishText = "Join us to design a chair: reply to apply.", Cap = cap });

    /// <summary>Registers a person on the social network, signs them in and applies through the sign-in.</summary>
    public async Task<Person> SignUpAsync(string handle, string locale = "en-US")
    {
        var account = SocialNetwork.RegisterAccount(handle, char.ToUpperInvariant(handle[0]) + handle[1..], locale);
        var session = await SignIn.SignInAsync(Social, account.Credential);
        await Project.ApplyAsync(session);
        return new Person(handle, account, session, $"{handle}@example.com");
    }

    /// <summary>Requests the confirmation code and reads it from the person's SNS inbox.</summary>
    public async Task<string> ConfirmationCodeAsync(Person person)
    {
        await Project.RequestEmailConfirmationAsync(person.Session, person.Email);
        var message = SocialNetwork.GetInbox(person.Account.Subject).Last().Text;
        return SixDigits().Match(message).Value;
    }

    /// <summary>Signs a person up and admits them with a confirmed address.</summary>
    public async Task<Person> AdmitNewAsync(string handle, WorkspaceRole? role = null, string locale = "en-US")
    {
        var person = await SignUpAsync(handle, locale);
        var code = await ConfirmationCodeAsync(person);
        var member = await Project.AdmitAsync(person.Session, person.Email, code, role);
        return person with { Member = member };
    }

    public IReadOnlyList<string> Inbox(Person person) => SocialNetwork.GetInbox(person.Account.Subject).Select(m => m.Text).ToList();

    public async Task<string> AccountOfAsync(Person person)
        => (await Project.GetMembersAsync()).Single(m => m.ParticipantId == person.Session.ParticipantId).CloudAccountId;

    /// <summary>Everything the module and the orchestrator stored, for "nothing changed" checks.</summary>
    public async Task<string> StoreSnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var collection in new[] { "projects", "applicants", "members", "confirmations", "milestones", "discussion", "relay" })
        {
            foreach (var (id, json) in await Store.ListDocumentsAsync("co-development." + collection))
            {
                parts.Add($"{collection}/{id}={json}");
            }
        }

        parts.Add("audit=" + (await Store.GetAuditAsync(null)).Count);
        foreach (var status in Enum.GetValues<DeliveryStatus>())
        {
            parts.Add($"outbox.{status}=" + (await Store.GetOutboxByStatusAsync(status)).Count);
        }

        var workspace = await Project.GetWorkspaceAsync();
        parts.Add("cursor=" + (workspace is null ? "" : await Store.GetCursorAsync(CoCreationEventSources.WorkspaceActivitySourceName(Cloud, workspace.Id))));
        return string.Join("\n", parts.OrderBy(p => p, StringComparer.Ordinal));
    }

    /// <summary>What the embedded workspace holds for the project: shares, entries and activity.</summary>
    public async Task<string> WorkspaceSnapshotAsync()
    {
        var workspace = await Project.GetWorkspaceAsync();
        if (workspace is null)
        {
            return "no workspace; calls=" + Workspace.CreatedWorkspaces.Count;
        }

        var shares = CloudService.GetShares(workspace.Id).Select(s => $"{s.AccountId}:{s.Role}");
        var entries = CloudService.GetScheduleEntries(workspace.Id).Select(e => $"{e.Id}:{e.Start:o}:{string.Join(",", e.Attendees)}");
        var activity = await Workspace.Inner.GetActivityAsync(workspace, null);
        return string.Join("\n", shares.Concat(entries).Append("activity=" + activity.Items.Count));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}

internal sealed record Person(string Handle, EmbeddedSnsAccount Account, ParticipantSession Session, string Email)
{
    public CoDevelopmentMember? Member { get; init; }
}
