using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>The project's workspace activity comes in through the event pipeline: sources, pushes, consumers.</summary>
[TestFixture]
[Category("Unit")]
public sealed class PipelineActivityTests
{
    private static async Task<(CoDevelopmentHarness H, Person Ana, Person Ben, Person Cho, ProvisionedWorkspace Workspace)> ActiveProjectAsync(
        CoDevelopmentHarness h)
    {
        await h.RecruitAsync();
        var ana = await h.AdmitNewAsync("ana");
        var ben = await h.AdmitNewAsync("ben");
        var cho = await h.AdmitNewAsync("cho");
        var workspace = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        return (h, ana, ben, cho, workspace);
    }

    private static string SourceName(WorkspaceRef workspace) => CoCreationEventSources.WorkspaceActivitySourceName(CoDevelopmentHarness.Cloud, workspace.Id);

    [Test]
    public async Task The_pipeline_knows_the_project_activity_source_once_the_workspace_is_provisioned_and_not_after_close()
    {
        await using var h = new CoDevelopmentHarness();
        var pipeline = h.Services.GetRequiredService<IEventPipeline>();
        await h.RecruitAsync();
        await h.AdmitNewAsync("ana");
        await ((IEventRelay)pipeline).PollSourcesAsync();
        Assert.That(pipeline.SourceNames.Where(n => n.StartsWith("workspace:", StringComparison.Ordinal)), Is.Empty, "no workspace yet");

        var workspace = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        await ((IEventRelay)pipeline).PollSourcesAsync();
        Assert.That(pipeline.SourceNames, Does.Contain(SourceName(workspace.Workspace)));
        Assert.That(await pipeline.PollAsync(SourceName(workspace.Workspace)), Is.Empty, "provisioning's own changes are behind the cursor");

        await h.Project.CloseAsync("done");
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => pipeline.PollAsync(SourceName(workspace.Workspace)));
        Assert.That(ex!.Field, Is.EqualTo("sourceName"));
    }

    [Test]
    public async Task A_push_reaches_the_members_inboxes_at_once_without_a_sync()
    {
        var receiver = new PushReceiver();
        var (h, ana, ben, cho, workspace) = await ActiveProjectAsync(new CoDevelopmentHarness(more: b => b.AddWebhookReceiver(_ => receiver)));
        await using var _ = h;
        var pipeline = h.Services.GetRequiredService<IEventPipeline>();
        var before = new[] { ana, ben, cho }.ToDictionary(p => p.Handle, p => h.Inbox(p).Count);

        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "Ana's version");
        var results = await pipeline.ReceiveWebhookAsync(PushReceiver.ReceiverName, PushReceiver.Request(SourceName(workspace.Workspace)));

        Assert.That(results.Select(r => r.Event.Type), Is.EqualTo(new[] { CoCreationEventTypes.WorkspaceActivity }));
        foreach (var other in new[] { ben, cho })
        {
            Assert.That(
                h.Inbox(other).Skip(before[other.Handle]),
                Is.EqualTo(new[] { "[Test Brand] Chair 2027: Ana edited the document 'Requirements'." }),
                other.Handle + " reads it from the embedded network's inbox");
        }

        Assert.That(h.Inbox(ana), Has.Count.EqualTo(before["ana"]), "not to the author");

        // The push moved the source's cursor: the periodic sync reads nothing new and sends nothing twice.
        Assert.That((await h.Project.SyncAsync()).ChangesRead, Is.Zero);
        Assert.That(await pipeline.ReceiveWebhookAsync(PushReceiver.ReceiverName, PushReceiver.Request(SourceName(workspace.Workspace))), Is.Empty);
        Assert.That(h.Inbox(ben), Has.Count.EqualTo(before["ben"] + 1));
    }

    [Test]
    public async Task An_activity_event_read_again_after_a_crash_is_held_once()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync(new CoDevelopmentHarness(o => o.DigestWindow = TimeSpan.FromMinutes(10)));
        await using var _ = h;
        var relay = h.Services.GetRequiredService<IEventRelay>();
        var benBefore = h.Inbox(ben).Count;
        var edit = new WorkspaceActivityData(workspace.Workspace.Id, WorkspaceActivityKind.DocumentEdited, workspace.Documents[0].Id)
        {
            ActorAccountId = ana.Member!.CloudAccountId,
            Title = "Requirements",
        }.ToEvent($"{workspace.Workspace.Id}/replayed-1", CoCreationEventSources.Workspace(CoDevelopmentHarness.Cloud), CoDevelopmentHarness.Start);

        await relay.PublishAsync(edit);
        await relay.PublishAsync(edit);
        h.Clock.Advance(TimeSpan.FromMinutes(11));
        await h.Project.SyncAsync();

        Assert.That(h.Inbox(ben).Skip(benBefore), Is.EqualTo(new[] { "[Test Brand] Chair 2027: Ana edited the document 'Requirements'." }));
    }

    [Test]
    public async Task Activity_of_another_workspace_reaches_no_project()
    {
        var (h, ana, ben, _, workspace) = await ActiveProjectAsync(new CoDevelopmentHarness());
        await using var _ = h;
        var relay = h.Services.GetRequiredService<IEventRelay>();
        var benBefore = h.Inbox(ben).Count;
        var elsewhere = new WorkspaceActivityData("another-workspace", WorkspaceActivityKind.DocumentEdited, workspace.Documents[0].Id)
        {
            ActorAccountId = ana.Member!.CloudAccountId,
            Title = "Requirements",
        }.ToEvent("another-workspace/1", CoCreationEventSources.Workspace(CoDevelopmentHarness.Cloud), CoDevelopmentHarness.Start);

        await relay.PublishAsync(elsewhere);
        await h.Project.SyncAsync();

        Assert.That(h.Inbox(ben), Has.Count.EqualTo(benBefore));
    }

    [Test]
    public async Task A_cursor_stored_before_the_pipeline_carries_over_so_nothing_is_relayed_twice()
    {
        var store = new UpgradedStore(new InMemoryCoCreationStore());
        var (h, ana, ben, cho, workspace) = await ActiveProjectAsync(new CoDevelopmentHarness(o => o.DigestWindow = TimeSpan.Zero, store: store));
        await using var _ = h;
        var source = SourceName(workspace.Workspace);

        // As the project stood before the upgrade: Ana's edit relayed, the position stored under the project's own key.
        var provisioned = await store.GetCursorAsync(source);
        h.CloudService.EditDocument(ana.Member!.CloudAccountId, workspace.Documents[0].Id, "v1");
        var afterAna = (await h.Workspace.Inner.GetActivityAsync(workspace.Workspace, provisioned)).Cursor;
        Assert.That(afterAna, Is.Not.EqualTo(provisioned));
        await store.ApplyAsync(new StoreChanges().SetCursor("co-development:chair:activity", afterAna));
        store.HideCursorUntilWritten(source);
        var benBefore = h.Inbox(ben).Count;

        h.CloudService.EditDocument(cho.Member!.CloudAccountId, workspace.Documents[0].Id, "v2");
        var sync = await h.Project.SyncAsync();

        Assert.That(sync.ChangesRead, Is.EqualTo(1), "only the change after the stored position");
        Assert.That(h.Inbox(ben).Skip(benBefore), Is.EqualTo(new[] { "[Test Brand] Chair 2027: Cho edited the document 'Requirements'." }));
        Assert.That(await store.GetCursorAsync(source), Is.Not.EqualTo(afterAna), "the pipeline's cursor moved on from the carried-over one");
    }

    [Test]
    public async Task Named_projects_each_relay_only_their_own_workspace_activity()
    {
        await using var h = new CoDevelopmentHarness(more: b => b.AddCoDevelopment("bikes", o =>
        {
            o.ProjectName = "Bikes 2027";
            o.BrandName = "Test Brand";
            o.CloudWorkspace = CoDevelopmentHarness.Cloud;
            o.Networks.Add(CoDevelopmentHarness.Social);
        }));
        var bikes = h.Services.GetRequiredService<ModuleInstances<CoDevelopmentProject>>().Get("bikes");
        var (_, ana, ben, _, chairSpace) = await ActiveProjectAsync(h);
        await bikes.RecruitAsync(new RecruitmentCall { KoreanText = "자전거 참가자 모집", EnglishText = "Design a bike with us", Cap = 5 });
        await bikes.ApplyAsync(ana.Session);
        await bikes.ApplyAsync(ben.Session);
        await bikes.RequestEmailConfirmationAsync(ana.Session, ana.Email);
        await bikes.AdmitAsync(ana.Session, ana.Email, LastCode(h, ana));
        await bikes.RequestEmailConfirmationAsync(ben.Session, ben.Email);
        await bikes.AdmitAsync(ben.Session, ben.Email, LastCode(h, ben));
        var bikeSpace = await bikes.ProvisionAsync(CoDevelopmentHarness.Plan with { WorkspaceName = "Bikes workspace" });
        var pipeline = h.Services.GetRequiredService<IEventPipeline>();
        await ((IEventRelay)pipeline).PollSourcesAsync();
        Assert.That(pipeline.SourceNames, Does.Contain(SourceName(chairSpace.Workspace)).And.Contain(SourceName(bikeSpace.Workspace)));

        var benBefore = h.Inbox(ben).Count;
        h.CloudService.EditDocument(ana.Member!.CloudAccountId, bikeSpace.Documents[0].Id, "bike frame");
        await ((IEventRelay)pipeline).PollSourcesAsync();

        Assert.That(h.Inbox(ben).Skip(benBefore), Is.EqualTo(new[] { "[Test Brand] Bikes 2027: Ana edited the document 'Requirements'." }), "once, from the bikes project only");
    }

    private static string LastCode(CoDevelopmentHarness h, Person person)
        => System.Text.RegularExpressions.Regex.Match(h.Inbox(person).Last(), @"\b\d{6}\b").Value;

    /// <summary>A push receiver for tests: every request asks to poll the source named in its header.</summary>
    private sealed class PushReceiver : IWebhookReceiver
    {
        public const string ReceiverName = "test-push";

        public string Name => ReceiverName;

        public static WebhookRequest Request(string source)
            => new([new KeyValuePair<string, string>("X-Source", source)], _ => ValueTask.FromResult(ReadOnlyMemory<byte>.Empty));

        public Task<WebhookReceipt> ReceiveAsync(WebhookRequest request, CancellationToken cancellationToken = default)
            => Task.FromResult(new WebhookReceipt([], [request.Headers.Single(h => h.Key == "X-Source").Value]));
    }

    /// <summary>A store as an older version left it: a cursor the pipeline uses reads as absent until written.</summary>
    private sealed class UpgradedStore(ICoCreationStore inner) : ICoCreationStore
    {
        private string? _hidden;

        public void HideCursorUntilWritten(string source) => _hidden = source;

        public Task ApplyAsync(StoreChanges changes, CancellationToken cancellationToken = default)
        {
            _hidden = null;
            return inner.ApplyAsync(changes, cancellationToken);
        }

        public Task<string?> GetCursorAsync(string source, CancellationToken cancellationToken = default)
            => source == _hidden ? Task.FromResult<string?>(null) : inner.GetCursorAsync(source, cancellationToken);

        public Task<Participant?> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default) => inner.GetParticipantAsync(participantId, cancellationToken);

        public Task<IReadOnlyList<Participant>> GetParticipantsAsync(IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken = default) => inner.GetParticipantsAsync(participantIds, cancellationToken);

        public Task<Participant?> FindParticipantBySnsAsync(string network, string subject, CancellationToken cancellationToken = default) => inner.FindParticipantBySnsAsync(network, subject, cancellationToken);

        public Task<Participant?> FindParticipantByCloudAccountAsync(string provider, string accountId, CancellationToken cancellationToken = default) => inner.FindParticipantByCloudAccountAsync(provider, accountId, cancellationToken);

        public Task<Participant?> FindParticipantByEnterpriseAccountAsync(string system, string accountId, CancellationToken cancellationToken = default) => inner.FindParticipantByEnterpriseAccountAsync(system, accountId, cancellationToken);

        public Task<AccessGrant?> GetGrantAsync(string grantId, CancellationToken cancellationToken = default) => inner.GetGrantAsync(grantId, cancellationToken);

        public Task<IReadOnlyList<AccessGrant>> GetGrantsAsync(string participantId, CancellationToken cancellationToken = default) => inner.GetGrantsAsync(participantId, cancellationToken);

        public Task<IReadOnlyList<AccessGrant>> GetActiveGrantsExpiringByAsync(DateTimeOffset time, CancellationToken cancellationToken = default) => inner.GetActiveGrantsExpiringByAsync(time, cancellationToken);

        public Task<IReadOnlyList<AuditEntry>> GetAuditAsync(string? participantId, CancellationToken cancellationToken = default) => inner.GetAuditAsync(participantId, cancellationToken);

        public Task<OutboxMessage?> GetOutboxMessageAsync(string deliveryKey, CancellationToken cancellationToken = default) => inner.GetOutboxMessageAsync(deliveryKey, cancellationToken);

        public Task<IReadOnlyList<OutboxMessage>> GetOutboxMessagesAsync(IReadOnlyCollection<string> deliveryKeys, CancellationToken cancellationToken = default) => inner.GetOutboxMessagesAsync(deliveryKeys, cancellationToken);

        public Task<IReadOnlyList<OutboxMessage>> GetDueOutboxAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) => inner.GetDueOutboxAsync(now, max, cancellationToken);

        public Task<IReadOnlyList<OutboxMessage>> GetOutboxByStatusAsync(DeliveryStatus status, CancellationToken cancellationToken = default) => inner.GetOutboxByStatusAsync(status, cancellationToken);

        public Task<string?> GetDocumentAsync(string collection, string id, CancellationToken cancellationToken = default) => inner.GetDocumentAsync(collection, id, cancellationToken);

        public Task<IReadOnlyList<KeyValuePair<string, string>>> ListDocumentsAsync(string collection, CancellationToken cancellationToken = default) => inner.ListDocumentsAsync(collection, cancellationToken);
    }
}
