using CoCreation.Sdk.RabbitMQ;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>Options are refused, with the field named and the password left out, before anything connects.</summary>
[TestFixture]
public sealed class RabbitMqRelayOptionsTests
{
    private const string Secret = "pa55-w0rd-never-shown";
    private static readonly Uri Good = new($"amqp://app:{Secret}@rabbit.example:5672/cocreation");

    private static CoCreationValidationException Refused(Action<RabbitMqRelayOptions> configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation();
        var ex = Assert.Throws<CoCreationValidationException>(() => builder.UseRabbitMqRelay(configure))!;
        Assert.That(ex.Message, Does.Not.Contain(Secret));
        Assert.That(services.Any(d => d.ServiceType == typeof(IOutboxNotifier)), Is.False, "nothing is registered for refused options");
        return ex;
    }

    [Test]
    public void NoUri_IsRefused()
        => Assert.That(Refused(_ => { }).Field, Is.EqualTo("RabbitMqRelayOptions.Uri"));

    [TestCase("http://app:" + Secret + "@rabbit.example/cocreation")]
    [TestCase("amqp://app:" + Secret + "@rabbit.example/a/b")]
    public void BadUri_IsRefusedWithoutThePassword(string uri)
    {
        var ex = Refused(o => o.Uri = new Uri(uri));
        Assert.That(ex.Field, Is.EqualTo("RabbitMqRelayOptions.Uri"));
        Assert.That(ex.Message, Does.Contain("rabbit.example"), "the broker is named, its password is not");
    }

    [Test]
    public void RelativeUri_IsRefused()
        => Assert.That(Refused(o => o.Uri = new Uri("rabbit/cocreation", UriKind.Relative)).Field, Is.EqualTo("RabbitMqRelayOptions.Uri"));

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(65536)]
    public void PrefetchOutOfRange_IsRefused(int prefetch)
        => Assert.That(Refused(o => { o.Uri = Good; o.Prefetch = prefetch; }).Field, Is.EqualTo("RabbitMqRelayOptions.Prefetch"));

    [Test]
    public void ZeroSweepInterval_IsRefused()
        => Assert.That(Refused(o => { o.Uri = Good; o.SweepInterval = TimeSpan.Zero; }).Field, Is.EqualTo("RabbitMqRelayOptions.SweepInterval"));

    [TestCase(0)]
    [TestCase(10_001)]
    public void MaxKeysPerNoticeOutOfRange_IsRefused(int max)
        => Assert.That(Refused(o => { o.Uri = Good; o.MaxKeysPerNotice = max; }).Field, Is.EqualTo("RabbitMqRelayOptions.MaxKeysPerNotice"));

    [Test]
    public void ZeroNoticeAttempts_IsRefused()
        => Assert.That(Refused(o => { o.Uri = Good; o.MaxNoticeAttempts = 0; }).Field, Is.EqualTo("RabbitMqRelayOptions.MaxNoticeAttempts"));

    [Test]
    public void NegativePublishTimeout_IsRefused()
        => Assert.That(Refused(o => { o.Uri = Good; o.PublishTimeout = TimeSpan.FromSeconds(-1); }).Field, Is.EqualTo("RabbitMqRelayOptions.PublishTimeout"));

    [Test]
    public void RetryDelayOverThirtySeconds_IsRefused()
        => Assert.That(Refused(o => { o.Uri = Good; o.RetryDelay = TimeSpan.FromMinutes(1); }).Field, Is.EqualTo("RabbitMqRelayOptions.RetryDelay"));

    [TestCase(" ", "RabbitMqRelayOptions.Queue")]
    [TestCase("amq.mine", "RabbitMqRelayOptions.Queue")]
    public void BadQueue_IsRefused(string queue, string field)
        => Assert.That(Refused(o => { o.Uri = Good; o.Queue = queue; }).Field, Is.EqualTo(field));

    [Test]
    public void BlankExchange_IsRefused()
        => Assert.That(Refused(o => { o.Uri = Good; o.Exchange = ""; }).Field, Is.EqualTo("RabbitMqRelayOptions.Exchange"));

    [Test]
    public void RegisteredTwice_IsRefused()
    {
        var builder = new ServiceCollection().AddCoCreation().UseRabbitMqRelay(Good);
        Assert.Throws<InvalidOperationException>(() => builder.UseRabbitMqRelay(Good));
    }

    [Test]
    public void Registration_TurnsSendOnPublishOffAndAddsNotifierAndWorker_WithoutConnecting()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCoCreation(o => o.Relay.SendOnPublish = true)
            .UseRabbitMqRelay(new Uri($"amqp://app:{Secret}@127.0.0.1:1/cocreation"));

        // A later configuration cannot turn it back on: the transport sets it after every other one.
        services.Configure<CoCreationOptions>(o => o.Relay.SendOnPublish = true);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<IOptions<CoCreationOptions>>().Value.Relay.SendOnPublish, Is.False);
        Assert.That(provider.GetServices<IOutboxNotifier>().Single(), Is.InstanceOf<RabbitMqOutboxNotifier>());
        Assert.That(provider.GetServices<IHostedService>().OfType<RabbitMqRelayWorker>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<RabbitMqOutboxNotifier>().Connection, Is.Null, "nothing connects before the first notice");
    }

    [Test]
    public void RunWorkerOff_RegistersOnlyTheNotifier()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().UseRabbitMqRelay(Good, o => o.RunWorker = false);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetServices<IOutboxNotifier>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetServices<IHostedService>().OfType<RabbitMqRelayWorker>(), Is.Empty);
    }

    [Test]
    public async Task UnreachableBroker_FailsTheNoticeWithoutThePassword_AndPausesBeforeTryingAgainAsync()
    {
        // Port 1 on the loopback refuses at once: no broker is involved.
        var options = Options.Create(new RabbitMqRelayOptions { Uri = new Uri($"amqp://app:{Secret}@127.0.0.1:1/cocreation"), PublishTimeout = TimeSpan.FromSeconds(5), RetryDelay = TimeSpan.FromSeconds(2) });
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var notifier = new RabbitMqOutboxNotifier(options, clock);
        var delivery = new OutboxMessage
        {
            DeliveryKey = "k1",
            Event = new CoCreationEvent { Id = "e1", Source = new Uri("urn:test"), Type = "test.event", Time = DateTimeOffset.UnixEpoch },
            RuleName = "r",
            RecipientId = "p1",
            Channel = RelayChannel.DirectMessage,
            Status = DeliveryStatus.Pending,
            CreatedAt = DateTimeOffset.UnixEpoch,
        };

        var ex = Assert.ThrowsAsync<CoCreationException>(() => notifier.EnqueuedAsync([delivery]))!;
        Assert.That(ex.Message, Does.Contain("127.0.0.1:1/cocreation"));
        Assert.That(ex.ToString(), Does.Not.Contain(Secret), "neither the message nor the inner exceptions hold the password");
        Assert.That(ex.InnerException, Is.Not.Null, "the broker was tried");

        // Within the pause the broker is not tried again: the notice fails at once.
        var skipped = Assert.ThrowsAsync<CoCreationException>(() => notifier.EnqueuedAsync([delivery]))!;
        Assert.That(skipped.Message, Does.Contain("skipped"));
        Assert.That(skipped.InnerException, Is.Null);

        // After it, the broker is tried again (and fails again); the next pause is twice as long.
        clock.Advance(TimeSpan.FromSeconds(2));
        var again = Assert.ThrowsAsync<CoCreationException>(() => notifier.EnqueuedAsync([delivery]))!;
        Assert.That(again.InnerException, Is.Not.Null);
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.That(Assert.ThrowsAsync<CoCreationException>(() => notifier.EnqueuedAsync([delivery]))!.InnerException, Is.Null, "still within the doubled pause");
    }

    [Test]
    public void Notice_RoundTripsKeysWithoutRepeats()
    {
        var body = RabbitMqNotice.Write(["a", "b\"c", "a", "한글"]);
        Assert.That(RabbitMqNotice.Read(body), Is.EqualTo(new[] { "a", "b\"c", "한글" }));
    }

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("{\"deliveryKeys\":\"a\"}")]
    [TestCase("{\"deliveryKeys\":[\"a\",\" \"]}")]
    [TestCase("{\"deliveryKeys\":[1]}")]
    public void NotANotice_IsRefused(string body)
        => Assert.Throws<FormatException>(() => RabbitMqNotice.Read(System.Text.Encoding.UTF8.GetBytes(body)));
}
