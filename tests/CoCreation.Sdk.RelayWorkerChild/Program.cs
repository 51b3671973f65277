using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.PostgreSql;
using CoCreation.Sdk.RelayWorkerChild;
using Microsoft.Extensions.DependencyInjection;

// Usage: CoCreation.Sdk.RelayWorkerChild <worker id> <sns base url> <lease ms>
// The PostgreSQL connection string comes in COCREATION_POSTGRES_CONNECTION and the SNS token in
// COCREATION_WORKER_SNS_TOKEN. Claims due deliveries and sends them until killed; prints "delivered N" (running total)
// after each batch that sent something.
if (args.Length != 3 || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var leaseMs))
{
    Console.Error.WriteLine("usage: CoCreation.Sdk.RelayWorkerChild <worker id> <sns base url> <lease ms>");
    return 2;
}

var connection = Environment.GetEnvironmentVariable("COCREATION_POSTGRES_CONNECTION");
var token = Environment.GetEnvironmentVariable(WorkerPlan.TokenVariable);
if (string.IsNullOrEmpty(connection) || string.IsNullOrEmpty(token))
{
    Console.Error.WriteLine($"set COCREATION_POSTGRES_CONNECTION and {WorkerPlan.TokenVariable}");
    return 2;
}

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
var services = new ServiceCollection();
services.AddCoCreation(o =>
    {
        o.Relay.WorkerId = args[0];
        o.Relay.LeaseDuration = TimeSpan.FromMilliseconds(leaseMs);
        o.Relay.SendOnPublish = false;

        // Retries come at once: the test is about crashes, not about waiting.
        o.Relay.BaseDelay = TimeSpan.FromMilliseconds(1);
        o.Relay.MaxDelay = TimeSpan.FromMilliseconds(20);
        o.Relay.MaxAttempts = 50;
    })
    .UsePostgreSql(connection)
    .AddSnsConnector(WorkerPlan.Network, _ => new WireSnsConnector(http, new Uri(args[1]), token))
    .AddRelayRule(WorkerPlan.Rule);
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
var relay = provider.GetRequiredService<IEventRelay>();

Console.WriteLine($"started {Environment.ProcessId}");
var delivered = 0;
while (true)
{
    IReadOnlyList<DeliveryResult> results;
    try
    {
        results = await relay.DeliverDueAsync();
    }
    catch (CoCreationException ex)
    {
        // The store was unreachable for a moment: the claims stay leased and run out; try again.
        Console.Error.WriteLine($"cycle failed: {ex.GetType().Name}: {ex.Message}");
        await Task.Delay(100);
        continue;
    }

    delivered += results.Count(r => r.Status == DeliveryStatus.Delivered);
    if (results.Count > 0)
    {
        Console.WriteLine($"delivered {delivered}");
    }
    else
    {
        await Task.Delay(20);
    }
}
