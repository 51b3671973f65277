using System.Diagnostics;
using CoCreation.Sdk.Testing;
using RabbitMQ.Client;

namespace CoCreation.Sdk.RabbitMQ.Tests;

/// <summary>
/// The RabbitMQ peer (eng/peers/rabbitmq): its URI, a look at a queue through the client, and the broker's own
/// rabbitmqctl. Without the peer a test is reported as ignored (or failed when peers are required).
/// </summary>
internal static class RabbitPeer
{
    public const string UriVariable = "COCREATION_RABBITMQ_URI";
    public const string CtlVariable = "COCREATION_RABBITMQ_CTL";
    public const string StartHint = "bash eng/peers/rabbitmq/up.sh";

    public static Uri Uri => new(Peers.Get(UriVariable, StartHint));

    /// <summary>How many messages the queue holds, read from the broker (a passive declare).</summary>
    public static async Task<uint> QueueDepthAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclarePassiveAsync(queue);
        return ok.MessageCount;
    }

    /// <summary>Drops every message in the queue.</summary>
    public static async Task PurgeAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueuePurgeAsync(queue);
    }

    /// <summary>Deletes a test's queue and exchange.</summary>
    public static async Task DeleteAsync(string queue, string exchange)
    {
        await using var connection = await new ConnectionFactory { Uri = Uri }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
        await channel.ExchangeDeleteAsync(exchange);
    }

    /// <summary>Runs the peer's rabbitmqctl with the arguments; fails the test when it fails.</summary>
    public static async Task CtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Peers.Get(CtlVariable, StartHint)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.Zero, $"rabbitmqctl {string.Join(' ', arguments)}: {await output} {await error}");
    }
}
