using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.CrashChild;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.DependencyInjection;

// Usage: CoCreation.Sdk.CrashChild <store.db> <sns.db>
// Signs in the recipients and relays the whole plan from the start; everything it does is idempotent, so a
// run that was killed is simply run again. Prints "step N" after each unit of work and "done" at the end.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CoCreation.Sdk.CrashChild <store.db> <sns.db>");
    return 2;
}

var storePath = args[0];
var snsPath = args[1];
var watch = Stopwatch.StartNew();
Console.WriteLine($"started {Environment.ProcessId}");

using var network = new EmbeddedSnsNetwork(
    new EmbeddedSnsOptions { DatabasePath = snsPath, IdempotencyKeyLifetime = TimeSpan.FromDays(1) },
    TimeProvider.System);
var brand = network.GetOrRegisterAccount("brand", "Crash Test Brand");

var services = new ServiceCollection();
services.AddCoCreation(o =>
    {
        o.DefaultLocale = "en-US";
        o.Relay.DefaultLocale = "en-US";

        // Retries come at once: the test is about crashes, not about waiting.
        o.Relay.BaseDelay = TimeSpan.FromMilliseconds(1);
        o.Relay.MaxDelay = TimeSpan.FromMilliseconds(20);
        o.Relay.MaxAttempts = 20;
    })
    .UseSqlite($"Data Source={storePath}")
    .AddEmbeddedSns(CrashPlan.Network, network, brand.Credential)
    .AddRelayRule(new RelayRule
    {
        Name = "crash-fan-out",
        EventType = CrashPlan.EventType,
        Recipients = new RecipientSelector((e, _, _) => Task.FromResult<IReadOnlyList<string>>(e.GetData("recipients")?.Split(',') ?? [])),
        Template = MessageTemplate.KoreanAndEnglish("[{eventId}] 알림 {n}", "[{eventId}] notice {n}"),
    });
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
var signIn = provider.GetRequiredService<ISnsSignIn>();
var relay = provider.GetRequiredService<IEventRelay>();
var store = provider.GetRequiredService<ICoCreationStore>();

var step = 0;
var participants = new string[CrashPlan.Recipients];
for (var i = 0; i < CrashPlan.Recipients; i++)
{
    var account = network.GetOrRegisterAccount(CrashPlan.Handle(i), locale: "en-US");
    var session = await signIn.SignInAsync(CrashPlan.Network, account.Credential);
    participants[i] = session.ParticipantId;
    Console.WriteLine($"step {++step}");
}

var time = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
for (var i = 0; i < CrashPlan.Events; i++)
{
    if (CrashPlan.FailsFirst(i))
    {
        network.FailNext(1);
    }

    var recipients = string.Join(',', CrashPlan.RecipientsOf(i).Select(r => participants[r]));
    await relay.PublishAsync(new CoCreationEvent
    {
        Id = CrashPlan.EventId(i),
        Source = CrashPlan.Source,
        Type = CrashPlan.EventType,
        Time = time.AddSeconds(i),
        Subject = "crash/" + i.ToString(CultureInfo.InvariantCulture),
        Data = ImmutableDictionary<string, string>.Empty
            .Add("recipients", recipients)
            .Add("eventId", CrashPlan.EventId(i))
            .Add("n", i.ToString(CultureInfo.InvariantCulture)),
    });
    Console.WriteLine($"step {++step}");
}

// Deliveries that failed, or were left pending by an earlier run, are due within milliseconds.
var deadline = Stopwatch.StartNew();
while (true)
{
    await relay.DeliverDueAsync();
    var pending = await store.GetOutboxByStatusAsync(DeliveryStatus.Pending);
    if (pending.Count == 0)
    {
        break;
    }

    if (deadline.Elapsed > TimeSpan.FromMinutes(1))
    {
        Console.Error.WriteLine($"{pending.Count} deliveries still pending after a minute");
        return 1;
    }

    await Task.Delay(5);
}

var delivered = await store.GetOutboxByStatusAsync(DeliveryStatus.Delivered);
Console.WriteLine($"done delivered={delivered.Count} ms={watch.ElapsedMilliseconds}");
return 0;
