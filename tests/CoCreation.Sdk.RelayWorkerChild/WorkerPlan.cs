using System.Collections.Immutable;
using System.Globalization;

namespace CoCreation.Sdk.RelayWorkerChild;

/// <summary>What the worker processes and the test that starts them agree on: the rule, the wire and the fan-out.</summary>
public static class WorkerPlan
{
    /// <summary>The SNS connector's name, and the network of every participant's link.</summary>
    public const string Network = "wire";

    /// <summary>The event type the rule relays.</summary>
    public const string EventType = "com.example.crash.notice";

    /// <summary>The path the test's SNS serves direct messages on.</summary>
    public const string MessagesPath = "/messages";

    /// <summary>The variable that carries the bearer token the SNS expects (not on the command line, where others may read it).</summary>
    public const string TokenVariable = "COCREATION_WORKER_SNS_TOKEN";

    /// <summary>The event data key that lists an event's recipients (participant ids, comma-separated).</summary>
    public const string RecipientsKey = "recipients";

    /// <summary>The rule every process registers: publisher and workers alike, since a worker renders by the rule's name.</summary>
    public static RelayRule Rule { get; } = new()
    {
        Name = "crash-fan-out",
        EventType = EventType,
        Recipients = new RecipientSelector((e, _, _) => Task.FromResult<IReadOnlyList<string>>(e.GetData(RecipientsKey)?.Split(',') ?? [])),
        Template = MessageTemplate.KoreanAndEnglish("[{eventId}] 알림", "[{eventId}] notice"),
    };

    /// <summary>An event of the plan, to the given participants.</summary>
    /// <param name="index">The event's number.</param>
    /// <param name="recipients">Its recipients.</param>
    /// <returns>The event.</returns>
    public static CoCreationEvent Event(int index, IEnumerable<string> recipients)
    {
        var id = EventId(index);
        return new CoCreationEvent
        {
            Id = id,
            Source = CoCreationEventSources.Module("crash"),
            Type = EventType,
            Time = DateTimeOffset.UnixEpoch.AddSeconds(index),
            Data = ImmutableDictionary<string, string>.Empty.Add("eventId", id).Add(RecipientsKey, string.Join(',', recipients)),
        };
    }

    /// <summary>The id of event number <paramref name="index"/>.</summary>
    /// <param name="index">The number.</param>
    /// <returns>The id.</returns>
    public static string EventId(int index) => "e" + index.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The event id a delivered text names, or <see langword="null"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The id.</returns>
    public static string? EventIdIn(string text)
    {
        var start = text.IndexOf('[', StringComparison.Ordinal);
        var end = text.IndexOf(']', StringComparison.Ordinal);
        return start >= 0 && end > start ? text[(start + 1)..end] : null;
    }
}

/// <summary>A direct message as the worker sends it to the test's SNS.</summary>
/// <param name="RecipientSubject">The recipient's account id at the network.</param>
/// <param name="Text">The text.</param>
/// <param name="IdempotencyKey">The delivery key.</param>
public sealed record WireMessage(string RecipientSubject, string Text, string? IdempotencyKey);

/// <summary>The SNS's answer: the message's id.</summary>
/// <param name="Id">The id.</param>
/// <param name="SentAt">When it was stored.</param>
public sealed record WireMessageSent(string Id, DateTimeOffset SentAt);
