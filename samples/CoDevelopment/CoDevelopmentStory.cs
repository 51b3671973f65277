using System.Net;
using System.Text.RegularExpressions;
using CoCreation.Sdk;
using CoCreation.Sdk.CoDevelopment;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoDevelopmentSample;

/// <summary>
/// The co-development story: a furniture brand recruits six people on SNS for a new chair, admits the five it
/// selected, provisions a shared workspace, and relays what the members do in it back to them over SNS until the
/// project closes. Every step checks what it expects, reading the networks' inboxes and, through an
/// <see cref="IWorkspaceInspector"/>, the cloud provider itself; the transcript shows who received which message.
/// </summary>
public sealed partial class CoDevelopmentStory(IServiceProvider services, EmbeddedWorld world, SimulatedClock clock, IWorkspaceInspector? inspector)
{
    private readonly CoDevelopmentProject _project = services.GetRequiredService<CoDevelopmentProject>();
    private readonly ISnsSignIn _signIn = services.GetRequiredService<ISnsSignIn>();
    private readonly IIdentityMap _identities = services.GetRequiredService<IIdentityMap>();
    private readonly List<Person> _people =
    [
        new("Minji", "minji", "ko-KR", WorkspaceRole.Editor),
        new("Jun", "jun", "en-US", WorkspaceRole.Editor),
        new("Sora", "sora", "ko-KR", WorkspaceRole.Editor),
        new("Hyun", "hyun", "en-US", WorkspaceRole.Commenter),
        new("Yuna", "yuna", "en-US", WorkspaceRole.Viewer),
        new("Tae", "tae", "ko-KR", WorkspaceRole.Viewer),
    ];

    private readonly TimeSpan _window = services.GetRequiredService<IOptions<CoDevelopmentOptions>>().Value.DigestWindow;
    private int _failures;

    // Steps lie further apart than a digest window, so that each starts with everyone's window closed.
    private TimeSpan Gap => _window + TimeSpan.FromHours(1);

    public int Checks { get; private set; }

    /// <summary>Checks of the workspace at its provider that could not be made (no inspector).</summary>
    public int Unchecked { get; private set; }

    private IEnumerable<Person> Members => _people.Where(p => p.Member is not null);

    private Person P(string name) => _people.Single(p => p.Name == name);

    // A provider without a role the cast asks for (Microsoft 365 has no comment-only share) gets the next narrower one.
    private void FitRolesToProvider()
    {
        var roles = services.GetRequiredKeyedService<ICloudWorkspace>(SampleProviders.Workspace).Capabilities.Roles;
        foreach (var person in _people.Where(p => !roles.Contains(p.Role)))
        {
            var fallback = roles.Where(r => r < person.Role).DefaultIfEmpty(roles.Min()).Max();
            Console.WriteLine($"  ({person.Name} would be {person.Role}; this workspace provider has no such role, so {fallback})");
            person.Role = fallback;
        }
    }

    public async Task<int> RunAsync()
    {
        Console.WriteLine(world.CloudIsEmbedded
            ? "Dong-A Living co-develops a chair on CoCreation.Sdk (embedded providers)"
            : "Dong-A Living co-develops a chair on CoCreation.Sdk (embedded networks, cloud workspace from configuration)");
        Console.WriteLine(new string('=', 72));
        FitRolesToProvider();
        await RecruitAsync();
        await AdmitAsync();
        var provisioned = await ProvisionAsync();
        var milestone = await ScheduleAsync(provisioned.Workspace);
        if (world.CloudIsEmbedded)
        {
            await EditAsync(provisioned);
            await MoveMilestoneAsync(provisioned.Workspace, milestone);
        }
        else
        {
            Step(5, "Members edit, comment and move the milestone in the workspace");
            Detail("the workspace is not the embedded one: members act in it themselves (in their office suite and");
            Detail("calendar) and the module relays what it reads back; steps 5 to 7 are not simulated here");
        }

        await DiscussAsync(milestone);
        await CloseAsync(provisioned);
        return _failures;
    }

    private async Task RecruitAsync()
    {
        Step(1, "Dong-A Living posts a call for five co-developers; six people reply");
        var recruitment = await _project.RecruitAsync(new RecruitmentCall
        {
            KoreanText = "새 의자 'Chair 2027'을 함께 개발할 분 5명을 모집합니다. 이 글에 답글을 달아 지원하세요!",
            EnglishText = "We are looking for five people to develop our new chair, Chair 2027, with us. Reply to this post to apply!",
            Cap = 5,
        });
        Detail($"call posted on {string.Join(", ", recruitment.Posts.Select(p => p.Network))} (post {recruitment.Posts[0].Id})");
        foreach (var person in _people)
        {
            person.Social = world.Social.RegisterAccount(person.Handle, person.Name, person.Locale);
            world.Social.Post(person.Social.Credential, $"I'd like to join! — {person.Name}", recruitment.Posts[0].Id);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var applicants = await _project.CollectApplicationsAsync();
        foreach (var applicant in applicants)
        {
            Detail($"#{applicant.Sequence} @{applicant.Handle} replied: {applicant.Status}");
        }

        Expect(recruitment.Posts.Count == 1, "the call was published once on the configured network");
        Expect(applicants.Count == 6, "all six replies became applications");
        Expect(applicants.Take(5).All(a => a.Status == ApplicantStatus.Selected) && applicants[5].Status == ApplicantStatus.Waitlisted,
            "the first five were selected, the sixth waits (cap 5, first come first served)");
        var messages = PrintMessages();
        Expect(_people.Take(5).All(p => messages.Count(m => m.Person == p && m.Text.Contains("selected", StringComparison.Ordinal)) == 1)
            && messages.Count(m => m.Person == P("Tae") && m.Text.Contains("waiting list", StringComparison.Ordinal)) == 1,
            "each replier was told by DM whether they were selected or wait");
    }

    private async Task AdmitAsync()
    {
        Step(2, "The five selected sign in with their SNS account and confirm an e-mail address");
        clock.Advance(Gap);
        var yuna = P("Yuna");
        foreach (var person in _people.Take(5))
        {
            person.Session = await _signIn.SignInAsync(SampleProviders.SocialNetwork, person.Social!.Credential);
            if (person == yuna)
            {
                // Yuna also uses the micro network and wants her messages there.
                person.Micro = world.Micro.RegisterAccount("yuna_m", "Yuna", "en-US");
                await _identities.LinkSnsAsync(person.Session, SampleProviders.MicroNetwork, person.Micro.Credential);
                await _identities.SetPreferencesAsync(person.Session.ParticipantId, "en-US", SampleProviders.MicroNetwork);
            }

            var email = $"{person.Handle}@example.com";
            await _project.RequestEmailConfirmationAsync(person.Session, email);
            var code = SixDigits().Match(world.Social.GetInbox(person.Social.Subject)[^1].Text).Value;
            person.Member = await _project.AdmitAsync(person.Session, email, code, person.Role);
            Detail($"{person.Name}: signed in as @{person.Handle}, confirmed {email} with the code from the DM -> cloud account {person.Member.CloudAccountId[..13]}…, role {person.Role}");
        }

        var tae = P("Tae");
        var taeSession = await _signIn.SignInAsync(SampleProviders.SocialNetwork, tae.Social!.Credential);
        var refused = await Refused<AccessDeniedException>(() => _project.RequestEmailConfirmationAsync(taeSession, "tae@example.com"));
        Detail($"Tae (waitlisted) tries to join: {refused?.GetType().Name}: {refused?.Reason}");

        var messages = PrintMessages();
        Expect((await _project.GetMembersAsync()).Count == 5, "five members admitted");
        Expect(refused is not null, "the waitlisted applicant is refused");
        Expect(Members.All(p => messages.Count(m => m.Person == p) == 2), "each member got a confirmation code and a welcome (2 messages)");
        Expect(messages.Any(m => m.Person == yuna && m.Network == SampleProviders.MicroNetwork), "Yuna's welcome reached her on the network she prefers");
    }

    private async Task<ProvisionedWorkspace> ProvisionAsync()
    {
        Step(3, "Provisioning: folder, starter documents, project calendar, shares by role");
        clock.Advance(Gap);
        var provisioned = await _project.ProvisionAsync(new ProvisioningPlan
        {
            WorkspaceName = "Chair 2027 co-development",
            Description = "Shared documents and the development calendar of Chair 2027.",
            StarterDocuments =
            [
                new DocumentSpec { Title = "Requirements", InitialContent = "Seat height 42-46 cm. Stackable." },
                new DocumentSpec { Title = "Sketches", Kind = DocumentKind.Presentation },
                new DocumentSpec { Title = "Cost sheet", Kind = DocumentKind.Spreadsheet },
            ],
        });
        Detail($"workspace {provisioned.Workspace.Name} ({provisioned.Workspace.Url}), calendar {provisioned.Workspace.CalendarId}");
        Detail($"documents: {string.Join(", ", provisioned.Documents.Select(d => $"{d.Title} ({d.Kind})"))}");
        var messages = PrintMessages();
        Expect(await _project.GetStatusAsync() == CoDevelopmentStatus.Active, "the project is active");
        if (inspector is not null)
        {
            var titles = provisioned.Documents.Select(d => (d.Title, Held: inspector.DocumentTitle(provisioned.Workspace, d.Id))).ToList();
            Expect(titles.Count == 3 && titles.All(t => t.Held is not null && (t.Held.Length == 0 || t.Held == t.Title)),
                "the provider holds the three starter documents in the workspace");
            var shares = inspector.Shares(provisioned.Workspace);
            foreach (var person in Members)
            {
                Detail($"{person.Name}: {(shares.TryGetValue(person.Member!.CloudAccountId, out var role) ? role.ToString() : "NOT SHARED")}");
            }

            Expect(shares.Count == Members.Count() && Members.All(p => shares.TryGetValue(p.Member!.CloudAccountId, out var role) && role == p.Role),
                "every member holds a share in their role at the workspace, and no one else");
            var calendar = inspector.CalendarAccess(provisioned.Workspace);
            Expect(Members.All(p => calendar.Contains(p.Member!.CloudAccountId)), "every member may see the project calendar");
        }
        else
        {
            Skip("the provider holds the three starter documents in the workspace");
            Skip("every member holds a share in their role at the workspace, and no one else");
            Skip("every member may see the project calendar");
        }

        Expect(Members.All(p => messages.Count(m => m.Person == p) == 1), "each member was told once that the workspace is shared");
        return provisioned;
    }

    private async Task<Milestone> ScheduleAsync(WorkspaceRef workspace)
    {
        Step(4, "A milestone goes on the development calendar and gets an SNS discussion thread");
        clock.Advance(Gap);
        var start = new DateTimeOffset(2026, 5, 18, 10, 0, 0, TimeSpan.FromHours(9));
        var milestone = await _project.ScheduleAsync(new MilestoneSpec { Title = "Prototype review", Start = start, End = start.AddHours(2), Description = "We sit on the first prototype." });
        await _project.SyncAsync();
        Detail($"discussion thread: {string.Join(", ", milestone.Threads.Select(t => $"{t.Network} post {t.PostId}"))}");
        if (inspector is not null)
        {
            var entries = inspector.Entries(workspace);
            foreach (var entry in entries)
            {
                Detail($"calendar entry '{entry.Title}' {entry.Start:yyyy-MM-dd HH:mm zzz}, attendees: {string.Join(", ", entry.Attendees)}");
            }

            Expect(entries.Count == 1 && entries[0].Title == milestone.Title && entries[0].Start == start, "the provider's calendar holds the milestone at its time");
            Expect(entries.Count == 1 && Members.All(p => entries[0].Attendees.Contains(p.Member!.Email, StringComparer.OrdinalIgnoreCase)) && entries[0].Attendees.Count == 5,
                "all five members are attendees");
        }
        else
        {
            Skip("the provider's calendar holds the milestone at its time");
            Skip("all five members are attendees");
        }

        var messages = PrintMessages();
        Expect(milestone.Threads.Count == 1, "the milestone has its thread");
        Expect(Members.All(p => messages.Count(m => m.Person == p) == 1), "each member heard of the new calendar entry once");
        return milestone;
    }

    private async Task EditAsync(ProvisionedWorkspace provisioned)
    {
        var requirements = provisioned.Documents[0].Id;
        var sketches = provisioned.Documents[1].Id;

        Step(5, "Minji edits the requirements: the others hear of it at once");
        clock.Advance(Gap);
        world.Cloud.EditDocument(P("Minji").Member!.CloudAccountId, requirements, "Seat height 42-46 cm. Stackable. Armrests optional.");
        await _project.SyncAsync();
        var messages = PrintMessages();
        Expect(!messages.Any(m => m.Person == P("Minji")), "Minji, the author, got nothing");
        Expect(Others("Minji").All(p => messages.Count(m => m.Person == p && m.Text.Contains("Minji", StringComparison.Ordinal)) == 1), "each of the other four got exactly one message about Minji's edit");

        Step(6, "Within the digest window Jun edits the sketches and Hyun comments: changes are held, then sent as digests");
        clock.Advance(_window * 0.3);
        world.Cloud.EditDocument(P("Jun").Member!.CloudAccountId, sketches, "Slide 1: side view, slide 2: stacked");
        clock.Advance(_window * 0.1);
        world.Cloud.Comment(P("Hyun").Member!.CloudAccountId, requirements, "Could the armrests fold?");
        await _project.SyncAsync();
        Detail($"{Minutes(_window * 0.4)} after the others' last message their {Minutes(_window)} window is open: both changes are held for them;");
        Detail("Minji's last message came before her window, so she gets both at once, as one digest");
        var held = PrintMessages();
        Expect(held.Count == 1 && held[0].Person == P("Minji") && NamesBoth(held[0].Text), "only Minji got a message now: one digest naming both changes");

        clock.Advance(_window * 0.6);
        await _project.SyncAsync();
        Detail($"{Minutes(_window)} after their last message the others' window ends");
        messages = PrintMessages();
        Expect(!messages.Any(m => m.Person == P("Minji")), "Minji got nothing twice");
        Expect(new[] { "Sora", "Yuna" }.All(n => messages.Count(m => m.Person == P(n)) == 1 && NamesBoth(messages.Single(m => m.Person == P(n)).Text)),
            "Sora and Yuna each got one digest naming both changes");
        Expect(messages.Count(m => m.Person == P("Jun")) == 1 && messages.Single(m => m.Person == P("Jun")).Text.Contains("Hyun commented", StringComparison.Ordinal), "Jun got only Hyun's comment (not his own edit)");
        Expect(messages.Count(m => m.Person == P("Hyun")) == 1 && messages.Single(m => m.Person == P("Hyun")).Text.Contains("Jun edited", StringComparison.Ordinal), "Hyun got only Jun's edit (not his own comment)");
    }

    private async Task MoveMilestoneAsync(WorkspaceRef workspace, Milestone milestone)
    {
        Step(7, "Sora moves the prototype review a day later");
        clock.Advance(Gap);
        world.Cloud.MoveEntry(P("Sora").Member!.CloudAccountId, milestone.Id, milestone.Start.AddDays(1), milestone.End.AddDays(1));
        await _project.SyncAsync();
        var messages = PrintMessages();
        Expect(inspector?.Entries(workspace).SingleOrDefault()?.Start == milestone.Start.AddDays(1), "the provider's calendar holds the milestone a day later");
        Expect(!messages.Any(m => m.Person == P("Sora")), "Sora, who moved it, got nothing");
        Expect(Others("Sora").All(p => messages.Count(m => m.Person == p && m.Text.Contains("Sora", StringComparison.Ordinal)) == 1), "each of the other four got one message about the move");
    }

    private async Task DiscussAsync(Milestone milestone)
    {
        Step(8, "Members discuss the milestone in its SNS thread; replies go into the discussion log");
        clock.Advance(Gap);
        var thread = milestone.Threads[0];
        world.Social.Post(P("Minji").Social!.Credential, "다음 날로 옮겨져서 저도 참석할 수 있어요.", thread.PostId);
        clock.Advance(TimeSpan.FromMinutes(2));
        world.Social.Post(P("Jun").Social!.Credential, "I'll bring the cushion samples.", thread.PostId);
        clock.Advance(TimeSpan.FromMinutes(2));
        world.Social.Post(P("Hyun").Social!.Credential, "Cheap chairs at http://spam.example", thread.PostId);
        clock.Advance(TimeSpan.FromMinutes(2));
        world.Social.Post(P("Tae").Social!.Credential, "Can I watch too?", thread.PostId);
        var sync = await _project.SyncAsync();
        foreach (var entry in await _project.GetDiscussionAsync(milestone.Id))
        {
            Detail($"@{entry.AuthorHandle}: \"{entry.Text}\" -> {entry.Status}{(entry.FilterReason is null ? "" : $" ({entry.FilterReason})")}");
        }

        PrintMessages();
        Expect(sync.Discussion.Count == 3, "the three members' replies were collected (Tae is not a member)");
        Expect(sync.Discussion.Count(e => e.Status == DiscussionStatus.Filtered) == 1, "the reply with a link was kept as filtered, with its reason");
    }

    private async Task CloseAsync(ProvisionedWorkspace provisioned)
    {
        Step(9, "Development ends: every share is revoked and everyone is told");
        clock.Advance(TimeSpan.FromDays(1));
        var closure = await _project.CloseAsync("development finished");
        Detail($"revoked {closure.RevokedGrants.Count} workspace shares");
        var refusedEverywhere = true;
        foreach (var person in world.CloudIsEmbedded ? Members : [])
        {
            var refusals = 0;
            foreach (var document in provisioned.Documents)
            {
                try
                {
                    world.Cloud.ReadDocument(person.Member!.CloudAccountId, document.Id);
                }
                catch (ProviderException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
                {
                    refusals++;
                }
            }

            refusedEverywhere &= refusals == provisioned.Documents.Count;
            Detail($"{person.Name}: the workspace refused {refusals} of {provisioned.Documents.Count} documents");
        }

        var messages = PrintMessages();
        if (inspector is not null)
        {
            Expect(inspector.Shares(provisioned.Workspace).Count == 0, "the workspace has no member share left at the provider");
            var calendar = inspector.CalendarAccess(provisioned.Workspace);
            Expect(Members.All(p => !calendar.Contains(p.Member!.CloudAccountId)), "no former member may see the project calendar at the provider");
        }
        else
        {
            Skip("the workspace has no member share left at the provider");
            Skip("no former member may see the project calendar at the provider");
        }

        if (world.CloudIsEmbedded)
        {
            Expect(refusedEverywhere, "the embedded workspace refuses every former member");
        }

        Expect(Members.All(p => messages.Count(m => m.Person == p) == 1), "each former member got one closing message");
    }

    private static string Minutes(TimeSpan time) => $"{time.TotalMinutes:0.#} min";

    private static bool NamesBoth(string text) => text.Contains("Jun", StringComparison.Ordinal) && text.Contains("Hyun", StringComparison.Ordinal);

    private IEnumerable<Person> Others(string name) => Members.Where(p => p.Name != name);

    private static void Step(int number, string title)
    {
        Console.WriteLine();
        Console.WriteLine($"[{number}/9] {title}");
    }

    private static void Detail(string text) => Console.WriteLine($"      · {text}");

    private void Expect(bool condition, string description)
    {
        Checks++;
        if (!condition)
        {
            _failures++;
        }

        Console.WriteLine(condition ? $"      ✔ {description}" : $"      ✘ FAILED: {description}");
    }

    private void Skip(string description)
    {
        Unchecked++;
        Console.WriteLine($"      – not checked (no inspector for this workspace provider): {description}");
    }

    private static async Task<T?> Refused<T>(Func<Task> action)
        where T : Exception
    {
        try
        {
            await action();
            return null;
        }
        catch (T ex)
        {
            return ex;
        }
    }

    /// <summary>Prints and returns the messages people received since the last call.</summary>
    private List<Received> PrintMessages()
    {
        var received = new List<Received>();
        foreach (var person in _people)
        {
            received.AddRange(New(person, SampleProviders.SocialNetwork, world.Social, person.Social));
            received.AddRange(New(person, SampleProviders.MicroNetwork, world.Micro, person.Micro));
        }

        Console.WriteLine(received.Count == 0 ? "      SNS messages received: none" : "      SNS messages received:");
        foreach (var message in received)
        {
            // Confirmation codes are secrets: the transcript shows that one arrived, not which.
            var text = SixDigits().Replace(message.Text, "******").Replace("\n", "\n                ", StringComparison.Ordinal);
            Console.WriteLine($"        → {message.Person.Name} [{message.Network} DM] {text}");
        }

        return received;
    }

    private static IEnumerable<Received> New(Person person, string network, EmbeddedSnsNetwork sns, EmbeddedSnsAccount? account)
    {
        if (account is null)
        {
            return [];
        }

        var inbox = sns.GetInbox(account.Subject);
        var seen = person.Seen.GetValueOrDefault(network);
        person.Seen[network] = inbox.Count;
        return inbox.Skip(seen).Select(m => new Received(person, network, m.Text)).ToList();
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();

    private sealed record Received(Person Person, string Network, string Text);

    private sealed class Person(string name, string handle, string locale, WorkspaceRole role)
    {
        public string Name { get; } = name;
        public string Handle { get; } = handle;
        public string Locale { get; } = locale;
        public WorkspaceRole Role { get; set; } = role;
        public EmbeddedSnsAccount? Social { get; set; }
        public EmbeddedSnsAccount? Micro { get; set; }
        public ParticipantSession? Session { get; set; }
        public CoDevelopmentMember? Member { get; set; }
        public Dictionary<string, int> Seen { get; } = [];
    }
}
