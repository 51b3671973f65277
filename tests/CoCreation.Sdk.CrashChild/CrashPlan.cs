using System.Globalization;

namespace CoCreation.Sdk.CrashChild;

/// <summary>
/// The fan-out the crash child relays, shared with the test that checks it: which recipients each event goes to,
/// so the expected inbox of every recipient is known before the child runs.
/// </summary>
public static class CrashPlan
{
    /// <summary>How many participants receive messages.</summary>
    public const int Recipients = 200;

    /// <summary>How many events are relayed.</summary>
    public const int Events = 2000;

    /// <summary>The SNS connector's name.</summary>
    public const string Network = "social";

    /// <summary>The event type the relay rule routes.</summary>
    public const string EventType = "com.cocreation.test.crash";

    /// <summary>The source of every event.</summary>
    public static Uri Source { get; } = new("urn:cocreation:crash-test");

    /// <summary>Work units the child reports as <c>step N</c>: one per recipient signed in, one per event published.</summary>
    public static int TotalSteps => Recipients + Events;

    /// <summary>The handle of recipient <paramref name="index"/>.</summary>
    public static string Handle(int index) => "member" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The id of event <paramref name="index"/>.</summary>
    public static string EventId(int index) => "evt-" + index.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The recipients of event <paramref name="index"/>: one, two or three distinct ones.</summary>
    public static IReadOnlyList<int> RecipientsOf(int index)
    {
        var count = 1 + (index % 3);
        var result = new int[count];
        for (var k = 0; k < count; k++)
        {
            // 67 and 134 apart: never the same recipient twice in one event.
            result[k] = ((index * 37) + (k * 67)) % Recipients;
        }

        return result;
    }

    /// <summary>Every message that must arrive, as (recipient, event id) pairs.</summary>
    public static IEnumerable<(int Recipient, string EventId)> ExpectedMessages()
    {
        for (var i = 0; i < Events; i++)
        {
            foreach (var recipient in RecipientsOf(i))
            {
                yield return (recipient, EventId(i));
            }
        }
    }

    /// <summary>Whether the first write after publishing event <paramref name="index"/> is made to fail (transiently), so retries are part of the run.</summary>
    public static bool FailsFirst(int index) => index % 97 == 13;

    /// <summary>Finds the event id a delivered message is about; the template puts it first, in brackets.</summary>
    public static string? EventIdIn(string text)
    {
        if (!text.StartsWith('['))
        {
            return null;
        }

        var end = text.IndexOf(']', StringComparison.Ordinal);
        return end > 1 ? text[1..end] : null;
    }
}
