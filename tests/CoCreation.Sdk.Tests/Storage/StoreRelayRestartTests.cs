using System.Collections.Immutable;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Tests;

/// <summary>
/// The relay's crash safety as far as a durable store carries it: a delivery enqueued before the process stopped is due
/// again when a new process opens the same database, and is retried with the same idempotency key, so a network that honours
/// keys shows it once even if the first attempt reached it. An event's deliveries are enqueued together; outcomes are
/// stored per send when the network does not say it takes keys, and per event when it does.
/// </summary>
/// <remarks>Shared by the durable stores' test projects (linked, like <see cref="CoCreationStoreTests"/>); each subclass opens its own database.</remarks>
public abstract class StoreRelayRestartTests
{
    private const string Network = "social";
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Makes an empty database for the test.</summary>
    /// <returns>A task.</returns>
    [SetUp]
    public Task SetUpDatabaseAsync() => OpenDatabaseAsync();

    /// <summary>Removes the test's database.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public Task TearDownDatabaseAsync() => CloseDatabaseAsync();

    /// <summary>Makes an empty database; every store <see cref="UseStore"/> registers opens it.</summary>
    /// <returns>A task.</returns>
    protected abstract Task OpenDatabaseAsync();

    /// <summary>Removes the database.</summary>
    /// <returns>A task.</returns>
    protected abstract Task CloseDatabaseAsync();

    /// <summary>Registers the durable store on the test's database.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    protected abstract ICoCreationBuilder UseStore(ICoCreationBuilder builder);

    // Without declared keys the first delivery's outcome was stored before the crash; the second (taken, not recorded)
    // and the third (enqueued, never sent) are pending. With declared keys the outcomes were held for one commit that
    // never came, so all three are pending and the two the network took are sent again and dropped by their keys.
    [TestCase(false, new[] { 1, 2 })]
    [TestCase(true, new[] { 0, 1, 2 })]
    public async Task A_delivery_the_network_took_but_the_process_never_recorded_is_sent_again_with_the_same_key_and_shown_once(bool declaresKeys, int[] pendingAfterCrash)
    {
        var clock = new FakeTimeProvider(Start);
        var sns = new IdempotentSns(Network, clock, declaresKeys);
        var credentials = Enumerable.Range(0, 3).Select(i => sns.AddAccount($"member-{i}")).ToArray();
        var ids = new string[3];
        var @event = new CoCreationEvent
        {
            Id = "order-7-ready",
            Source = CoCreationEventSources.Module("test"),
            Type = CoCreationEventTypes.ProductionCompleted,
            Time = Start,
            Data = ImmutableDictionary<string, string>.Empty.Add(CoCreationEventData.OrderId, "7"),
        };

        // First process: signs the members in, then "dies" right after the network accepted the second delivery.
        await using (var first = Compose(clock, sns, ids))
        {
            var signIn = first.GetRequiredService<ISnsSignIn>();
            for (var i = 0; i < 3; i++)
            {
                ids[i] = (await signIn.SignInAsync(Network, credentials[i])).ParticipantId;
            }
        }

        await using (var first = Compose(clock, sns, ids))
        {
            var store = (IDisposable)first.GetRequiredService<ICoCreationStore>();
            sns.AfterAccepting = count =>
            {
                if (count == 2)
                {
                    // Disposing the store is what a kill does to the process's writes: nothing after this lands. Its
                    // sends stop too: the relay read its recipients before sending, so no read would stop it.
                    store.Dispose();
                    sns.ProcessStopped = true;
                }
            };
            Assert.ThrowsAsync<ObjectDisposedException>(() => first.GetRequiredService<IEventRelay>().PublishAsync(@event));
            sns.AfterAccepting = null;
            sns.ProcessStopped = false;
        }

        Assert.That(sns.Accepted, Has.Count.EqualTo(2), "the network took two messages before the process stopped");

        // Second process on the same file: the pending deliveries are due, and the source replays the event.
        clock.Advance(TimeSpan.FromMinutes(1));
        await using (var second = Compose(clock, sns, ids))
        {
            var relay = second.GetRequiredService<IEventRelay>();
            var store = second.GetRequiredService<ICoCreationStore>();
            var pending = await store.GetDueOutboxAsync(clock.GetUtcNow(), 10);
            Assert.That(pending.Select(m => m.RecipientId), Is.EquivalentTo(pendingAfterCrash.Select(i => ids[i])), "the unrecorded deliveries survived as pending");
            Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(3 - pendingAfterCrash.Length));

            var retried = await relay.DeliverDueAsync();
            var replayed = await relay.PublishAsync(@event);

            Assert.That(retried.Select(r => r.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Delivered, pendingAfterCrash.Length)));
            Assert.That(replayed.Deliveries.Select(d => d.Status), Is.EqualTo(Enumerable.Repeat(DeliveryStatus.Duplicate, 3)), "the source's replay of the event finds every delivery done");
            Assert.That(await store.GetDueOutboxAsync(clock.GetUtcNow(), 10), Is.Empty);
            Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered), Has.Count.EqualTo(3));
            Assert.That(await store.GetOutboxByStatusAsync(DeliveryStatus.DeadLettered), Is.Empty);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.That(sns.InboxOf($"member-{i}"), Has.Count.EqualTo(1), $"member {i} sees the message exactly once");
        }

        // Two sends before the crash, then one per pending delivery.
        Assert.That(sns.Calls, Has.Count.EqualTo(2 + pendingAfterCrash.Length));
        foreach (var member in new[] { 0, 1 }.Where(pendingAfterCrash.Contains))
        {
            var keys = sns.Calls.Where(c => c.RecipientSubject == $"member-{member}").Select(c => c.IdempotencyKey).ToArray();
            Assert.That(keys, Has.Length.EqualTo(2), $"member {member}'s delivery was taken, not recorded, and sent again");
            Assert.That(keys.Distinct().Count(), Is.EqualTo(1), "the retry carried the same idempotency key");
        }
    }

    private ServiceProvider Compose(FakeTimeProvider clock, IdempotentSns sns, string[] recipients)
    {
        var services = new ServiceCollection();
        var builder = UseStore(services.AddCoCreation().AddSnsConnector(Network, _ => sns));
        if (recipients.All(r => r is not null))
        {
            builder.AddRelayRule(new RelayRule
            {
                Name = "completed",
                EventType = CoCreationEventTypes.ProductionCompleted,
                Recipients = RecipientSelector.Fixed(recipients),
                Template = MessageTemplate.KoreanAndEnglish("주문 {orderId} 완료", "Order {orderId} done"),
            });
        }

        services.AddSingleton<TimeProvider>(clock);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// An SNS that honours idempotency keys: a repeated key returns the first message and shows nothing new. Whether
    /// it says so in its capabilities is up to the test.
    /// </summary>
    private sealed class IdempotentSns(string name, TimeProvider time, bool declaresKeys) : SnsConnectorBase
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, SnsIdentity> _tokens = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SnsMessage> _byKey = new(StringComparer.Ordinal);

        public override SnsConnectorMetadata Metadata { get; } = new(name, "test", null, "Idempotent test SNS");

        public override SnsCapabilities Capabilities { get; } = new() { MaxPostLength = 500, SupportsDirectMessages = true, SupportsIdempotencyKeys = declaresKeys };

        /// <summary>Runs after a new message is accepted, with the number accepted so far.</summary>
        public Action<int>? AfterAccepting { get; set; }

        /// <summary>
        /// Set while the test's first process is "killed": a send made then never leaves the process, so the network
        /// neither sees nor counts it.
        /// </summary>
        public bool ProcessStopped { get; set; }

        public List<SnsMessage> Accepted { get; } = [];

        public List<DirectMessageRequest> Calls { get; } = [];

        public SnsCredential AddAccount(string subject)
        {
            lock (_gate)
            {
                var token = "token-" + subject;
                _tokens[token] = new SnsIdentity { Network = name, Subject = subject, Handle = "@" + subject };
                return new SnsCredential(token);
            }
        }

        public IReadOnlyList<SnsMessage> InboxOf(string subject)
        {
            lock (_gate)
            {
                return Accepted.Where(m => m.RecipientSubject == subject).ToArray();
            }
        }

        protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                return _tokens.TryGetValue(credential.AccessToken, out var identity)
                    ? Task.FromResult(identity)
                    : throw new CredentialException(name, "unknown credential");
            }
        }

        protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
            => throw new CapabilityNotSupportedException(name, "posts");

        protected override Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
        {
            if (ProcessStopped)
            {
                throw new InvalidOperationException("The sending process has stopped.");
            }

            int accepted;
            SnsMessage message;
            lock (_gate)
            {
                Calls.Add(request);
                if (request.IdempotencyKey is { } key && _byKey.TryGetValue(key, out var earlier))
                {
                    return Task.FromResult(earlier);
                }

                message = new SnsMessage { Id = $"dm-{Accepted.Count + 1}", Network = name, RecipientSubject = request.RecipientSubject, Text = request.Text, SentAt = time.GetUtcNow() };
                Accepted.Add(message);
                if (request.IdempotencyKey is { } newKey)
                {
                    _byKey[newKey] = message;
                }

                accepted = Accepted.Count;
            }

            AfterAccepting?.Invoke(accepted);
            return Task.FromResult(message);
        }
    }
}
