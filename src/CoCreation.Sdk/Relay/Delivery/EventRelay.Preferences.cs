using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>
/// A person's delivery preferences (<see cref="Participant.Delivery"/>) applied to one delivery, with the recipient in
/// hand, before anything is sent: kinds turned off are suppressed, quiet hours hold a delivery until they end, and a kind
/// taken as a digest waits for its window. See ADR 21.
/// </summary>
internal sealed partial class EventRelay
{
    /// <summary>
    /// What the recipient's preferences make of a delivery now: <see langword="null"/> to send it at once, else the
    /// outcome to store instead (held, suppressed, or due for its digest). Holding counts no attempt.
    /// </summary>
    private Attempt? ApplyPreferences(OutboxMessage message, Participant participant)
    {
        var preferences = participant.Delivery ?? DeliveryPreferences.Default;
        var quietHours = preferences.QuietFrom is not null && preferences.QuietUntil is not null;
        if (preferences.Kinds.IsEmpty && !quietHours)
        {
            // Most people set nothing: the delivery goes now, without working out its kind.
            return null;
        }

        var kind = DeliveryKinds.Of(message.Event.Type);
        var mode = preferences.ModeFor(kind);
        if (mode == DeliveryMode.Off)
        {
            Log.DeliverySuppressed(_logger, message.DeliveryKey, participant.Id, kind);
            return Attempt.Of(message with
            {
                Status = DeliveryStatus.Suppressed,
                LastError = $"not sent: the recipient turned '{kind}' messages off",
            });
        }

        if (mode == DeliveryMode.Immediately && !quietHours)
        {
            return null;
        }

        var zone = ZoneOf(participant);
        var now = _time.GetUtcNow();
        var urgent = _options.UrgentKinds.Contains(kind);
        if (mode == DeliveryMode.Digest && TakesDigest(message))
        {
            var windowEnd = DeliveryClock.WindowEndAfter(message.CreatedAt, _options.DigestTime, zone);
            if (now < windowEnd)
            {
                return Hold(message, SendTime(windowEnd, preferences, zone, urgent), "digest window");
            }

            if (!urgent && DeliveryClock.IsQuiet(preferences, zone, now, out var digestQuietEnd))
            {
                return Hold(message, digestQuietEnd, "quiet hours");
            }

            // Left as it is for the relay worker that composes the digest of this person, kind and window.
            return Attempt.Of(message) with { DigestDue = true };
        }

        if (!urgent && DeliveryClock.IsQuiet(preferences, zone, now, out var quietEnd))
        {
            return Hold(message, quietEnd, "quiet hours");
        }

        return null;
    }

    // Digests are direct messages: a mention is a public post, and one is never folded into another. Composing one
    // safely needs claims on the deliveries it combines, so a store without them sends each delivery on its own.
    private bool TakesDigest(OutboxMessage message)
    {
        if (message.Channel != RelayChannel.DirectMessage)
        {
            return false;
        }

        if (_store is IOutboxLeaseStore)
        {
            return true;
        }

        Log.DigestWithoutLeases(_logger, message.DeliveryKey);
        return false;
    }

    /// <summary>When something due at <paramref name="time"/> may be sent: then, or at the end of the quiet hours it falls in.</summary>
    private static DateTimeOffset SendTime(DateTimeOffset time, DeliveryPreferences preferences, TimeZoneInfo zone, bool urgent)
        => !urgent && DeliveryClock.IsQuiet(preferences, zone, time, out var quietEnd) ? quietEnd : time;

    private Attempt Hold(OutboxMessage message, DateTimeOffset notBefore, string reason)
    {
        Log.DeliveryHeld(_logger, message.DeliveryKey, notBefore, reason);
        return Attempt.Of(message with { Status = DeliveryStatus.Pending, NextAttemptAt = notBefore });
    }

    /// <summary>The participant's time zone; UTC (and a warning) when this host does not know it.</summary>
    private TimeZoneInfo ZoneOf(Participant participant)
    {
        var timeZone = participant.Delivery?.TimeZone;
        if (DeliveryClock.FindZone(timeZone) is { } zone)
        {
            return zone;
        }

        Log.UnknownTimeZone(_logger, participant.Id);
        return TimeZoneInfo.Utc;
    }
}
