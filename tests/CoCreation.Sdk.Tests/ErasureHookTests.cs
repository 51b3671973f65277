using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The erasure hook: every registered <see cref="IParticipantDataEraser"/> runs with the whole participant, its changes
/// are stored together with the deletion or not at all, and other people's events lose the person's name.
/// </summary>
[TestFixture]
public sealed class ErasureHookTests
{
    private const string Collection = "app.profiles";

    [Test]
    public async Task A_registered_eraser_sees_every_identity_and_its_changes_are_stored_with_the_deletion()
    {
        var eraser = new RecordingEraser();
        await using var sdk = new SdkHarness(build: b => b.Services.AddSingleton<IParticipantDataEraser>(eraser));
        var session = await sdk.SignInNewAsync("minji");
        var id = session.ParticipantId;
        await sdk.Identities.LinkCloudAccountAsync(id, await sdk.Workspace.ResolveAccountAsync("minji@mail.example"));
        await sdk.Store.ApplyAsync(new StoreChanges().PutDocument(Collection, id, "{\"bio\":\"Minji from Busan\"}").PutDocument(Collection, "other", "{\"bio\":\"someone else\"}"));

        await sdk.Identities.EraseAsync(id);

        Assert.That(eraser.Seen, Has.Count.EqualTo(1));
        Assert.That(eraser.Seen[0].Participant.SnsLinks.Single().Subject, Is.EqualTo("minji"));
        Assert.That(eraser.Seen[0].Participant.CloudLinks.Single().Email, Is.EqualTo("minji@mail.example"));
        Assert.That(eraser.Seen[0].AnonymousId, Does.StartWith("erased-"));
        Assert.That(await sdk.Store.GetDocumentAsync(Collection, id), Is.Null, "the eraser's change was stored");
        Assert.That(await sdk.Store.GetDocumentAsync(Collection, "other"), Is.Not.Null);
        Assert.That(await sdk.Identities.GetAsync(id), Is.Null);
        Assert.That((await sdk.Audit.QueryAsync()).Last().ParticipantId, Is.EqualTo(eraser.Seen[0].AnonymousId));
    }

    [Test]
    public async Task A_failing_eraser_leaves_the_participant_and_every_record_whole_and_erasing_again_finishes()
    {
        var eraser = new RecordingEraser { FailNext = true };
        await using var sdk = new SdkHarness(build: b => b.Services.AddSingleton<IParticipantDataEraser>(eraser));
        var session = await sdk.SignInNewAsync("minji");
        var id = session.ParticipantId;
        await sdk.Store.ApplyAsync(new StoreChanges().PutDocument(Collection, id, "{}"));

        Assert.ThrowsAsync<CoCreationException>(() => sdk.Identities.EraseAsync(id));

        Assert.That(await sdk.Identities.GetAsync(id), Is.Not.Null, "nothing was deleted");
        Assert.That(await sdk.Store.GetDocumentAsync(Collection, id), Is.Not.Null);
        Assert.That((await sdk.Audit.QueryAsync()).Select(a => a.Action), Has.None.EqualTo(AuditAction.Erased));

        await sdk.Identities.EraseAsync(id);

        Assert.That(await sdk.Identities.GetAsync(id), Is.Null);
        Assert.That(await sdk.Store.GetDocumentAsync(Collection, id), Is.Null);
    }

    [Test]
    public async Task Events_to_other_people_lose_her_name_and_handle_and_a_provider_that_cannot_anonymise_is_named_in_the_audit()
    {
        await using var sdk = new SdkHarness(build: b => b.AddRelayRule(new RelayRule
        {
            Name = "kudos",
            EventType = "com.example.kudos",
            Recipients = RecipientSelector.SubjectParticipant,
            Template = MessageTemplate.KoreanAndEnglish("{from}님이 칭찬했습니다: {text}", "{from} says: {text}"),
        }));
        var her = await sdk.SignInNewAsync("minji");
        var bob = await sdk.SignInNewAsync("bobby");
        await sdk.GrantErpAsync(her.ParticipantId, "member");
        var result = await sdk.Relay.PublishAsync(new CoCreationEvent
        {
            Id = "k1",
            Source = new Uri("urn:example:kudos"),
            Type = "com.example.kudos",
            Time = sdk.Clock.GetUtcNow(),
            Data = ImmutableDictionary<string, string>.Empty
                .Add(CoCreationEventData.ParticipantId, bob.ParticipantId)
                .Add("from", "MINJI")
                .Add("text", "great work on the stool, signed @minji@social.example"),
        });
        Assert.That(result.Deliveries.Single().Status, Is.EqualTo(DeliveryStatus.Delivered));

        await sdk.Identities.EraseAsync(her.ParticipantId);

        var toBob = (await sdk.Store.GetOutboxByStatusAsync(DeliveryStatus.Delivered)).Single(m => m.RecipientId == bob.ParticipantId);
        Assert.That(toBob.Event.GetData("from"), Is.EqualTo(ErasedPerson.EnglishName));
        Assert.That(toBob.Event.GetData("text"), Is.EqualTo($"great work on the stool, signed {ErasedPerson.EnglishName}"));
        Assert.That(toBob.Event.GetData(CoCreationEventData.ParticipantId), Is.EqualTo(bob.ParticipantId), "Bob's own data stays");
        var erased = (await sdk.Audit.QueryAsync()).Last();
        Assert.That(erased.Detail, Does.Contain("not anonymised (the provider cannot): enterprise:erp"), "the fake adapter declares no account erasure");
    }

    private sealed class RecordingEraser : IParticipantDataEraser
    {
        public List<ParticipantErasure> Seen { get; } = [];

        public bool FailNext { get; set; }

        public Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new CoCreationException("the profile service is down");
            }

            Seen.Add(erasure);
            erasure.Changes.DeleteDocument(Collection, erasure.Participant.Id);
            return Task.CompletedTask;
        }
    }
}
