using CoCreation.Sdk.Enterprise;
using CoCreation.Sdk.Tests.Fakes;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// Erasure through the real SDK on a durable store: afterwards the database holds none of the person's data (handle,
/// e-mail, SNS account id, participant id), while the anonymised trail, the ended grants and the delivery log stay.
/// </summary>
/// <remarks>Shared by the durable stores' test projects (linked, like <see cref="CoCreationStoreTests"/>); each says how its database is searched.</remarks>
public abstract class StoreErasureTests
{
    private const string Handle = "@zelda_7q_erasure";
    private const string Subject = "subject-7q-zelda";
    private const string Email = "zelda.7q.erasure@mail.example";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Makes an empty database for the test.</summary>
    /// <returns>A task.</returns>
    [SetUp]
    public Task SetUpDatabaseAsync() => OpenDatabaseAsync();

    /// <summary>Removes the test's database.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public Task TearDownDatabaseAsync() => CloseDatabaseAsync();

    /// <summary>Makes an empty database.</summary>
    /// <returns>A task.</returns>
    protected abstract Task OpenDatabaseAsync();

    /// <summary>Removes the database.</summary>
    /// <returns>A task.</returns>
    protected abstract Task CloseDatabaseAsync();

    /// <summary>Registers the durable store on the test's database.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    protected abstract ICoCreationBuilder UseStore(ICoCreationBuilder builder);

    /// <summary>Opens a second store on the test's database, as a later process would.</summary>
    /// <returns>The store, disposed with the handle.</returns>
    protected abstract OpenedStore OpenStore();

    /// <summary>Makes what the store wrote visible to <see cref="CountAsync"/> (a SQLite checkpoint, say).</summary>
    /// <param name="store">The store in use.</param>
    /// <returns>A task.</returns>
    protected virtual Task FlushAsync(ICoCreationStore store) => Task.CompletedTask;

    /// <summary>How often a text stands anywhere in the database (its files, or its tables' rows).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The count.</returns>
    protected abstract Task<int> CountAsync(string text);

    /// <summary>What was searched, for the test's output.</summary>
    /// <returns>A line.</returns>
    protected abstract Task<string> DescribeAsync();

    [Test]
    public async Task After_erasure_the_database_holds_neither_the_handle_nor_the_email_nor_the_ids()
    {
        var clock = new FakeTimeProvider(Start);
        var social = new FakeSnsConnector("social", clock);
        var cloud = new FakeCloudWorkspace("cloud");
        var erp = new FakeEnterpriseAdapter("erp");
        var services = new ServiceCollection();
        UseStore(services.AddCoCreation())
            .AddSnsConnector("social", _ => social)
            .AddCloudWorkspace("cloud", _ => cloud)
            .AddEnterpriseAdapter("erp", _ => erp)
            .AddRelayRule(new RelayRule
            {
                Name = "progress",
                EventType = CoCreationEventTypes.ProductionProgress,
                Recipients = RecipientSelector.SubjectParticipant,
                Template = MessageTemplate.KoreanAndEnglish("{percent}% 진행", "{percent}% done"),
            });
        services.AddSingleton<TimeProvider>(clock);

        string participantId;
        int beforeHandle, beforeEmail;
        await using (var provider = services.BuildServiceProvider())
        {
            var signIn = provider.GetRequiredService<ISnsSignIn>();
            var identities = provider.GetRequiredService<IIdentityMap>();
            var grants = provider.GetRequiredService<IAccessGrants>();
            var relay = provider.GetRequiredService<IEventRelay>();
            var store = provider.GetRequiredService<ICoCreationStore>();

            var session = await signIn.SignInAsync("social", social.AddAccount(Subject, Handle, "Zelda Q", "en-US"));
            participantId = session.ParticipantId;
            var bystander = await signIn.SignInAsync("social", social.AddAccount("bystander", "@bystander"));
            await identities.LinkCloudAccountAsync(participantId, await cloud.ResolveAccountAsync(Email));
            await grants.GrantAsync(new AccessGrantRequest { ParticipantId = participantId, Target = new GrantTarget(GrantTargetKind.Enterprise, "erp", "programme"), Roles = [EnterpriseRoles.Member] });
            var workspace = cloud.Workspace("ws-1");
            await grants.GrantAsync(new AccessGrantRequest { ParticipantId = participantId, Target = new GrantTarget(GrantTargetKind.Workspace, "cloud", workspace.Id), Roles = [nameof(WorkspaceRole.Editor)], Workspace = workspace });

            var delivered = 0;
            var events = new[] { ("10", participantId), ("50", participantId), ("90", participantId), ("50", bystander.ParticipantId) };
            for (var i = 0; i < events.Length; i++)
            {
                var (percent, recipient) = events[i];
                var result = await relay.PublishAsync(new CoCreationEvent
                {
                    Id = $"progress-{i}",
                    Source = CoCreationEventSources.Enterprise("erp"),
                    Type = CoCreationEventTypes.ProductionProgress,
                    Time = clock.GetUtcNow(),
                    Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
                        .Add(CoCreationEventData.ParticipantId, recipient)
                        .Add(CoCreationEventData.Percent, percent),
                });
                delivered += result.Deliveries.Count(d => d.Status == DeliveryStatus.Delivered);
            }

            Assert.That(delivered, Is.EqualTo(4));
            Assert.That(social.InboxOf(Subject), Has.Count.EqualTo(3));

            // The search below must be able to find the data, or zero hits would prove nothing.
            await FlushAsync(store);
            beforeHandle = await CountAsync(Handle);
            beforeEmail = await CountAsync(Email);

            await identities.EraseAsync(participantId);
            await identities.EraseAsync(participantId);
        }

        var afterHandle = await CountAsync(Handle);
        var afterEmail = await CountAsync(Email);
        var afterSubject = await CountAsync(Subject);
        TestContext.Out.WriteLine($"before erasure: handle {beforeHandle}, e-mail {beforeEmail}; after: handle {afterHandle}, e-mail {afterEmail}, subject {afterSubject}; {await DescribeAsync()}");

        Assert.That(beforeHandle, Is.GreaterThan(0));
        Assert.That(beforeEmail, Is.GreaterThan(0));
        Assert.That(afterHandle, Is.Zero, "the handle is still in the database");
        Assert.That(afterEmail, Is.Zero, "the e-mail is still in the database");
        Assert.That(afterSubject, Is.Zero, "the SNS account id is still in the database");
        Assert.That(await CountAsync(participantId), Is.Zero, "the participant id is still in the database");

        // What erasure keeps: the anonymised trail, the ended grants and the delivery log for de-duplication.
        await using var reopenedStore = OpenStore();
        var reopened = reopenedStore.Store;
        var audit = await reopened.GetAuditAsync(null);
        Assert.That(audit.Last().Action, Is.EqualTo(AuditAction.Erased));
        Assert.That(audit.Count(a => a.Action == AuditAction.Erased), Is.EqualTo(1), "erasing twice is erasing once");
        Assert.That((await reopened.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Count(m => m.RecipientId.StartsWith("erased-", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(await reopened.FindParticipantBySnsAsync("social", "bystander"), Is.Not.Null);
    }

    /// <summary>A store opened by the test, and what disposes it.</summary>
    /// <param name="Store">The store.</param>
    /// <param name="Dispose">Disposes it.</param>
    protected sealed record OpenedStore(ICoCreationStore Store, Func<ValueTask> Dispose) : IAsyncDisposable
    {
        /// <inheritdoc />
        public ValueTask DisposeAsync() => Dispose();
    }
}
