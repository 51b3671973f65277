using CoCreation.Sdk.Workspaces;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// The behaviour every <see cref="ICloudWorkspace"/> must show. An adapter's test project derives a
/// non-abstract fixture from this class and implements the hooks; every test then runs against the adapter.
/// </summary>
/// <remarks>
/// <para>
/// Optional features are not skipped: when <see cref="ICloudWorkspace.Capabilities"/> says a feature is
/// missing, the test asserts that the adapter refuses it with <see cref="CapabilityNotSupportedException"/>.
/// Acting as a member (to prove that a share really grants or withholds access) needs the service's
/// cooperation; <see cref="CanActAsMember"/> tells the suite whether <see cref="EditAsMemberAsync"/> is implemented.
/// </para>
/// <para>
/// <see cref="CreateWorkspaceAdapterAsync"/> runs before every test; the other hooks run during the test, after it.
/// NUnit creates one fixture instance and runs its tests one after another; the suite is not meant to run tests of
/// one fixture in parallel.
/// </para>
/// </remarks>
[TestFixture]
[Category("Conformance")]
public abstract class CloudWorkspaceConformanceTests
{
    // Enough for any real feed to drain the changes of one test, few enough to stop a cursor that never advances.
    private const int MaxActivityReads = 200;

    private ICloudWorkspace? workspace;

    /// <summary>The adapter under test, created by <see cref="CreateWorkspaceAdapterAsync"/> before each test.</summary>
    protected ICloudWorkspace Workspace => workspace ?? throw new InvalidOperationException("The adapter is created before each test; it is not available outside a test.");

    /// <summary>The clock the adapter uses; the suite takes calendar times from it. The default is the system clock.</summary>
    protected virtual TimeProvider TimeProvider => TimeProvider.System;

    /// <summary>Creates the adapter under test. Called before every test.</summary>
    /// <returns>An adapter to a service (or a stand-in for it) that the other hooks also act on.</returns>
    protected abstract Task<ICloudWorkspace> CreateWorkspaceAdapterAsync();

    /// <summary>Returns an e-mail address of an account at the service, which <see cref="ICloudWorkspace.ResolveAccountAsync"/> accepts.</summary>
    /// <returns>The address; each call returns a different account's address.</returns>
    protected abstract string CreateMemberEmail();

    /// <summary>Whether <see cref="EditAsMemberAsync"/> is implemented. The default is <see langword="false"/>.</summary>
    protected virtual bool CanActAsMember => false;

    /// <summary>Edits a document as a member, the way the person would at the service (not through the adapter).</summary>
    /// <param name="member">The member's account, resolved through the adapter.</param>
    /// <param name="document">The document.</param>
    /// <returns>A task that completes when the edit is saved.</returns>
    /// <exception cref="CoCreationException">The member may not edit the document (the service's refusal, for example a <see cref="ProviderException"/> with status 403).</exception>
    /// <exception cref="NotSupportedException">The default; override together with <see cref="CanActAsMember"/>.</exception>
    protected virtual Task EditAsMemberAsync(CloudAccount member, DocumentRef document)
        => throw new NotSupportedException("Override EditAsMemberAsync and CanActAsMember to let the suite act as a member.");

    /// <summary>Creates the adapter under test.</summary>
    /// <returns>A task.</returns>
    [SetUp]
    public async Task SetUpWorkspaceAdapterAsync() => workspace = await CreateWorkspaceAdapterAsync().ConfigureAwait(false);

    /// <summary>Disposes the adapter under test when it is disposable.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public async Task TearDownWorkspaceAdapterAsync()
    {
        var current = workspace;
        workspace = null;
        await ConformanceDisposal.DisposeAsync(current).ConfigureAwait(false);
    }

    /// <summary>
    /// Account erasure is declared exactly when it is implemented; where it is, an anonymised account keeps its id and
    /// reads back with the neutral address and name of <see cref="ErasedPerson"/>, and anonymising again changes nothing.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task AccountErasure_MatchesTheDeclaration_AndAnonymisesAsync()
    {
        Assert.That(Workspace is ICloudAccountErasure, Is.EqualTo(Workspace.Capabilities.SupportsAccountErasure), "SupportsAccountErasure matches ICloudAccountErasure");
        if (Workspace is not ICloudAccountErasure erasure || !Workspace.Capabilities.SupportsAccountErasure)
        {
            return;
        }

        var member = await Workspace.ResolveAccountAsync(CreateMemberEmail()).ConfigureAwait(false);

        var anonymised = await erasure.AnonymizeAccountAsync(member).ConfigureAwait(false);
        var again = await erasure.AnonymizeAccountAsync(member).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(anonymised.AccountId, Is.EqualTo(member.AccountId), "the account keeps its id");
            Assert.That(anonymised.Email, Is.EqualTo(ErasedPerson.Email(member.AccountId)), "Email");
            Assert.That(anonymised.DisplayName, Is.EqualTo(ErasedPerson.AccountDisplayName), "DisplayName");
            Assert.That(again, Is.EqualTo(anonymised), "anonymising again changes nothing");
        }

        // The old address no longer leads to the anonymised account (a service may refuse it, or make a new account).
        CloudAccount? byOldAddress = null;
        try
        {
            byOldAddress = await Workspace.ResolveAccountAsync(member.Email).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
        }

        Assert.That(byOldAddress?.AccountId, Is.Not.EqualTo(member.AccountId), "the old address no longer finds the account");
    }

    /// <summary>Metadata and capabilities describe a usable service.</summary>
    [Test]
    public void MetadataAndCapabilities_AreCoherent()
    {
        var metadata = Workspace.Metadata;
        var caps = Workspace.Capabilities;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metadata.Name, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Name");
            Assert.That(metadata.Provider, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Provider");
            Assert.That(caps.Roles, Is.Not.Empty.And.Unique, "Roles");
            Assert.That(caps.DocumentKinds, Is.Not.Empty.And.Unique, "DocumentKinds");
        }
    }

    /// <summary>A valid address resolves to the same account every time, carrying that address.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task ResolveAccount_ValidEmail_ReturnsTheAccountAsync()
    {
        var email = CreateMemberEmail();

        var account = await Workspace.ResolveAccountAsync(email).ConfigureAwait(false);
        var again = await Workspace.ResolveAccountAsync(email).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(account.Email, Is.EqualTo(email).IgnoreCase, "Email");
            Assert.That(account.AccountId, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "AccountId");
            Assert.That(account.Provider, Is.EqualTo(Workspace.Metadata.Name), "Provider is the adapter's registered name");
            Assert.That(again.AccountId, Is.EqualTo(account.AccountId), "the account id is stable");
        }
    }

    /// <summary>An address that is not a plain <c>local@domain</c> address is refused before the service is asked.</summary>
    /// <param name="email">The bad address.</param>
    [TestCase("not-an-email")]
    [TestCase("a@")]
    [TestCase("@example.com")]
    [TestCase("")]
    [TestCase("   ")]
    public void ResolveAccount_InvalidEmail_IsRefused(string email)
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.ResolveAccountAsync(email));

        Assert.That(ex!.Field, Is.EqualTo("email"));
    }

    /// <summary>A workspace comes back with an id and its name, and with a calendar exactly where the service has calendars.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWorkspace_ReturnsTheWorkspaceAsync()
    {
        var name = UniqueName("Workspace");

        var created = await Workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = name, Description = "Conformance", TimeZone = "Asia/Seoul" }).ConfigureAwait(false);
        var other = await Workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = UniqueName("Workspace") }).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(created.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
            Assert.That(created.Name, Is.EqualTo(name), "Name");
            Assert.That(created.Provider, Is.EqualTo(Workspace.Metadata.Name), "Provider");
            Assert.That(other.Id, Is.Not.EqualTo(created.Id), "two workspaces have two ids");
            if (Workspace.Capabilities.SupportsCalendar)
            {
                Assert.That(created.CalendarId, Is.Not.Null.And.Not.Empty, "CalendarId where the service has calendars");
            }
            else
            {
                Assert.That(created.CalendarId, Is.Null, "CalendarId where the service has no calendars");
            }
        }
    }

    /// <summary>A workspace with a time zone the system does not know is refused, naming the field.</summary>
    [Test]
    public void CreateWorkspace_UnknownTimeZone_IsRefused()
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = UniqueName("Workspace"), TimeZone = "Mars/Olympus_Mons" }));

        Assert.That(ex!.Field, Is.EqualTo("WorkspaceSpec.TimeZone"));
    }

    /// <summary>A workspace without a name is refused, naming the field.</summary>
    [Test]
    public void CreateWorkspace_BlankName_IsRefused()
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = " " }));

        Assert.That(ex!.Field, Is.EqualTo("WorkspaceSpec.Name"));
    }

    /// <summary>A document with a starter body is created in its workspace.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateDocument_WithInitialContent_ReturnsTheDocumentAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var title = UniqueName("Brief");

        var document = await Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = title, InitialContent = "Fabric: linen. Colours: sand, navy." }).ConfigureAwait(false);
        var second = await Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = UniqueName("Notes") }).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(document.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
            Assert.That(document.WorkspaceId, Is.EqualTo(ws.Id), "WorkspaceId");
            Assert.That(document.Title, Is.EqualTo(title), "Title");
            Assert.That(document.Kind, Is.EqualTo(DocumentKind.Document), "Kind");
            Assert.That(second.Id, Is.Not.EqualTo(document.Id), "two documents have two ids");
        }
    }

    /// <summary>Every document kind the capabilities list can be created; every other kind is refused as unsupported.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateDocument_EachKind_MatchesCapabilitiesAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);

        foreach (var kind in Enum.GetValues<DocumentKind>())
        {
            var spec = new DocumentSpec { Title = UniqueName(kind.ToString()), Kind = kind };
            if (Workspace.Capabilities.DocumentKinds.Contains(kind))
            {
                var document = await Workspace.CreateDocumentAsync(ws, spec).ConfigureAwait(false);
                Assert.That(document.Kind, Is.EqualTo(kind), $"a {kind} the capabilities list");
            }
            else
            {
                Assert.CatchAsync<CapabilityNotSupportedException>(() => Workspace.CreateDocumentAsync(ws, spec), $"a {kind} the capabilities do not list");
            }
        }
    }

    /// <summary>A document without a title is refused, naming the field.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateDocument_BlankTitle_IsRefusedAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = "" }));

        Assert.That(ex!.Field, Is.EqualTo("DocumentSpec.Title"));
    }

    /// <summary>A workspace can be shared in every role the capabilities list; other roles are refused, naming the field.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Share_EachRole_MatchesCapabilitiesAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);

        foreach (var role in Enum.GetValues<WorkspaceRole>().Append((WorkspaceRole)99))
        {
            var member = await Workspace.ResolveAccountAsync(CreateMemberEmail()).ConfigureAwait(false);
            if (Workspace.Capabilities.Roles.Contains(role))
            {
                var share = await Workspace.ShareAsync(ws, member, role).ConfigureAwait(false);
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(share.Id, Is.Not.Null.And.Not.Empty, $"Id of the {role} share");
                    Assert.That(share.WorkspaceId, Is.EqualTo(ws.Id), $"WorkspaceId of the {role} share");
                    Assert.That(share.AccountId, Is.EqualTo(member.AccountId), $"AccountId of the {role} share");
                    Assert.That(share.Role, Is.EqualTo(role), $"Role of the {role} share");
                }
            }
            else
            {
                var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.ShareAsync(ws, member, role), $"role {role}");
                Assert.That(ex!.Field, Is.EqualTo("role"));
            }
        }
    }

    /// <summary>
    /// Sharing again with the same account changes its role; where the suite can act as the member, the new
    /// role is what the service enforces (a viewer cannot edit, an editor can).
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Share_Again_ChangesTheRoleAsync()
    {
        var roles = Workspace.Capabilities.Roles;
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var document = await Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = UniqueName("Plan"), InitialContent = "v1" }).ConfigureAwait(false);
        var member = await Workspace.ResolveAccountAsync(CreateMemberEmail()).ConfigureAwait(false);
        var first = roles[0];
        var second = roles[^1];

        var before = await Workspace.ShareAsync(ws, member, first).ConfigureAwait(false);
        var after = await Workspace.ShareAsync(ws, member, second).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before.Role, Is.EqualTo(first), "the first share's role");
            Assert.That(after.Role, Is.EqualTo(second), "the second share's role");
            Assert.That(after.AccountId, Is.EqualTo(member.AccountId), "the second share's account");
        }

        if (CanActAsMember && roles.Contains(WorkspaceRole.Viewer) && roles.Contains(WorkspaceRole.Editor))
        {
            await Workspace.ShareAsync(ws, member, WorkspaceRole.Editor).ConfigureAwait(false);
            Assert.DoesNotThrowAsync(() => EditAsMemberAsync(member, document), "an editor may edit");

            await Workspace.ShareAsync(ws, member, WorkspaceRole.Viewer).ConfigureAwait(false);
            Assert.CatchAsync<CoCreationException>(() => EditAsMemberAsync(member, document), "a member downgraded to viewer may no longer edit");

            await Workspace.ShareAsync(ws, member, WorkspaceRole.Editor).ConfigureAwait(false);
            Assert.DoesNotThrowAsync(() => EditAsMemberAsync(member, document), "a member upgraded to editor may edit again");
        }
    }

    /// <summary>
    /// A revoked share is gone, and revoking it again succeeds; where the suite can act as the member,
    /// the member could edit before and cannot after.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task RevokeShare_IsIdempotentAndTakesAccessAwayAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var document = await Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = UniqueName("Spec"), InitialContent = "v1" }).ConfigureAwait(false);
        var member = await Workspace.ResolveAccountAsync(CreateMemberEmail()).ConfigureAwait(false);
        var role = Workspace.Capabilities.Roles.Contains(WorkspaceRole.Editor) ? WorkspaceRole.Editor : Workspace.Capabilities.Roles[^1];
        var share = await Workspace.ShareAsync(ws, member, role).ConfigureAwait(false);
        var canEdit = CanActAsMember && role == WorkspaceRole.Editor;
        if (canEdit)
        {
            Assert.DoesNotThrowAsync(() => EditAsMemberAsync(member, document), "an editor may edit before the share is revoked");
        }

        Assert.DoesNotThrowAsync(() => Workspace.RevokeShareAsync(share), "the first revocation");
        Assert.DoesNotThrowAsync(() => Workspace.RevokeShareAsync(share), "revoking a share that is already gone succeeds");

        if (canEdit)
        {
            Assert.CatchAsync<CoCreationException>(() => EditAsMemberAsync(member, document), "a member whose share was revoked may no longer edit");
        }
    }

    /// <summary>
    /// Where the service has calendars an entry comes back with its times and attendees, and an entry that ends
    /// before it starts is refused; without calendars, scheduling is refused as unsupported.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Schedule_WithAttendees_MatchesCapabilitiesAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var attendees = new[] { CreateMemberEmail(), CreateMemberEmail() };
        var start = StartOfNextHour(TimeProvider.GetUtcNow().AddDays(7));
        var spec = new ScheduleEntrySpec { Title = UniqueName("Fitting"), Start = start, End = start.AddHours(1), Attendees = attendees, Description = "First fitting" };
        if (!Workspace.Capabilities.SupportsCalendar)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Workspace.ScheduleAsync(ws, spec));
            return;
        }

        var entry = await Workspace.ScheduleAsync(ws, spec).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(entry.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
            Assert.That(entry.WorkspaceId, Is.EqualTo(ws.Id), "WorkspaceId");
            Assert.That(entry.Title, Is.EqualTo(spec.Title), "Title");
            Assert.That(entry.Start, Is.EqualTo(spec.Start), "Start");
            Assert.That(entry.End, Is.EqualTo(spec.End), "End");
            Assert.That(entry.Attendees, Is.EquivalentTo(attendees).Using((IEqualityComparer<string>)StringComparer.OrdinalIgnoreCase), "Attendees");
        }
    }

    /// <summary>An entry that ends when or before it starts is refused, naming <c>ScheduleEntrySpec.End</c> (or refused as unsupported without calendars).</summary>
    /// <param name="minutes">The end's offset from the start.</param>
    /// <returns>A task.</returns>
    [TestCase(0)]
    [TestCase(-30)]
    public async Task Schedule_EndNotAfterStart_IsRefusedAsync(int minutes)
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var start = StartOfNextHour(TimeProvider.GetUtcNow().AddDays(7));
        var spec = new ScheduleEntrySpec { Title = UniqueName("Backwards"), Start = start, End = start.AddMinutes(minutes) };
        if (!Workspace.Capabilities.SupportsCalendar)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Workspace.ScheduleAsync(ws, spec));
            return;
        }

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.ScheduleAsync(ws, spec));

        Assert.That(ex!.Field, Is.EqualTo("ScheduleEntrySpec.End"));
    }

    /// <summary>An attendee that is not an e-mail address is refused, naming it (or refused as unsupported without calendars).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Schedule_InvalidAttendee_IsRefusedAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var start = StartOfNextHour(TimeProvider.GetUtcNow().AddDays(7));
        var spec = new ScheduleEntrySpec { Title = UniqueName("Review"), Start = start, End = start.AddHours(1), Attendees = [CreateMemberEmail(), "not-an-email"] };
        if (!Workspace.Capabilities.SupportsCalendar)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Workspace.ScheduleAsync(ws, spec));
            return;
        }

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Workspace.ScheduleAsync(ws, spec));

        Assert.That(ex!.Field, Is.EqualTo("ScheduleEntrySpec.Attendees[1]"));
    }

    /// <summary>
    /// The activity feed hands out a cursor on the first read; a new change appears exactly once on the next
    /// read from it; a read with nothing new is empty and keeps the cursor.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Activity_CursorDeliversEachChangeOnceAsync()
    {
        var ws = await NewWorkspaceAsync().ConfigureAwait(false);
        var (initial, cursor) = await ReadActivityToEndAsync(ws, null).ConfigureAwait(false);

        var document = await Workspace.CreateDocumentAsync(ws, new DocumentSpec { Title = UniqueName("Tech pack"), InitialContent = "v1" }).ConfigureAwait(false);
        var (changes, next) = await ReadActivityToEndAsync(ws, cursor).ConfigureAwait(false);
        var empty = await Workspace.GetActivityAsync(ws, next).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(initial.Select(a => a.TargetId), Has.No.Member(document.Id), "the first read happened before the document existed");
            Assert.That(changes.Count(a => a.Kind == WorkspaceActivityKind.DocumentCreated && a.TargetId == document.Id), Is.EqualTo(1), "the new document's creation, exactly once");
            Assert.That(initial.Concat(changes).Select(a => a.Id), Is.Unique, "activity ids are unique within the workspace");
            Assert.That(changes.Select(a => a.OccurredAt), Has.None.EqualTo(default(DateTimeOffset)), "OccurredAt");
            Assert.That(changes.Select(a => a.TargetId), Has.None.Null.And.None.Empty, "TargetId");
            Assert.That(empty.Items, Is.Empty, "nothing changed since the last read");
            Assert.That(empty.HasMore, Is.False, "HasMore on an empty read");
            Assert.That(empty.Cursor, Is.EqualTo(next), "an empty read keeps the cursor");
        }

        if (CanActAsMember && Workspace.Capabilities.Roles.Contains(WorkspaceRole.Editor))
        {
            var member = await Workspace.ResolveAccountAsync(CreateMemberEmail()).ConfigureAwait(false);
            await Workspace.ShareAsync(ws, member, WorkspaceRole.Editor).ConfigureAwait(false);
            var (_, afterShare) = await ReadActivityToEndAsync(ws, empty.Cursor).ConfigureAwait(false);

            await EditAsMemberAsync(member, document).ConfigureAwait(false);
            var (edits, _) = await ReadActivityToEndAsync(ws, afterShare).ConfigureAwait(false);

            Assert.That(
                edits.Where(a => a.Kind == WorkspaceActivityKind.DocumentEdited && a.TargetId == document.Id).Select(a => a.ActorAccountId),
                Is.EqualTo(new[] { member.AccountId }),
                "the member's edit, exactly once, attributed to the member");
        }
    }

    /// <summary>Returns a name no other workspace or document of this run has.</summary>
    /// <param name="prefix">A readable prefix.</param>
    /// <returns>The name.</returns>
    protected static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid().ToString("N")[..12]}";

    private Task<WorkspaceRef> NewWorkspaceAsync() => Workspace.CreateWorkspaceAsync(new WorkspaceSpec { Name = UniqueName("Conformance") });

    private static DateTimeOffset StartOfNextHour(DateTimeOffset time)
        => new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, time.Offset).AddHours(1);

    private async Task<(List<WorkspaceActivity> Items, string Cursor)> ReadActivityToEndAsync(WorkspaceRef ws, string? cursor)
    {
        var items = new List<WorkspaceActivity>();
        for (var read = 0; read < MaxActivityReads; read++)
        {
            var page = await Workspace.GetActivityAsync(ws, cursor).ConfigureAwait(false);
            Assert.That(page.Cursor, Is.Not.Null.And.Not.Empty, "an activity page always carries a cursor");
            items.AddRange(page.Items);
            cursor = page.Cursor;
            if (!page.HasMore)
            {
                return (items, cursor);
            }
        }

        Assert.Fail($"The activity feed still had more after {MaxActivityReads} reads; its cursor does not seem to advance.");
        return (items, cursor!);
    }
}
