namespace CoCreation.Sdk;

/// <summary>How a person wants the relayed events of one kind.</summary>
public enum DeliveryMode
{
    /// <summary>Each event as its own message, as soon as quiet hours allow.</summary>
    Immediately,

    /// <summary>Collected into one message per digest window.</summary>
    Digest,

    /// <summary>Not sent at all (recorded in the outbox as suppressed).</summary>
    Off,
}

/// <summary>
/// A participant's own delivery preferences: per event kind (immediately, digest, off), a time zone and quiet hours.
/// Language and preferred network are <see cref="Participant.PreferredLocale"/> and <see cref="Participant.PreferredNetwork"/>.
/// </summary>
/// <remarks>
/// The kind of an event is <see cref="DeliveryKinds.Of"/> of its type: <c>com.cocreation.shipment.sent</c> is of kind
/// <c>shipment</c>. A kind not named in <see cref="Kinds"/> is delivered <see cref="DeliveryMode.Immediately"/>.
/// </remarks>
public sealed record DeliveryPreferences
{
    /// <summary>No preferences: everything immediately, no quiet hours, UTC.</summary>
    public static DeliveryPreferences Default { get; } = new();

    /// <summary>The mode per event kind (lower-case kind names); absent kinds are delivered immediately.</summary>
    public ImmutableDictionary<string, DeliveryMode> Kinds { get; init; } = ImmutableDictionary.Create<string, DeliveryMode>(StringComparer.Ordinal);

    /// <summary>The person's IANA time zone (<c>Asia/Seoul</c>); <see langword="null"/> for UTC.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The start of the quiet hours in the person's time zone; <see langword="null"/> for none.</summary>
    public TimeOnly? QuietFrom { get; init; }

    /// <summary>The end of the quiet hours in the person's time zone (may be before <see cref="QuietFrom"/>: over midnight).</summary>
    public TimeOnly? QuietUntil { get; init; }

    /// <summary>The mode for events of <paramref name="kind"/>.</summary>
    /// <param name="kind">An event kind (<see cref="DeliveryKinds.Of"/>).</param>
    /// <returns>The mode set for it, else <see cref="DeliveryMode.Immediately"/>.</returns>
    public DeliveryMode ModeFor(string kind) => Kinds.TryGetValue(kind, out var mode) ? mode : DeliveryMode.Immediately;
}

/// <summary>Event kinds: the coarse groups a person chooses delivery modes for.</summary>
public static class DeliveryKinds
{
    /// <summary>
    /// The kind of an event type: its second-to-last dot-separated segment, lower-cased
    /// (<c>com.cocreation.settlement.paid</c> → <c>settlement</c>); a type with one segment is its own kind.
    /// </summary>
    /// <param name="eventType">The event's type.</param>
    /// <returns>The kind.</returns>
    public static string Of(string eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        var last = eventType.LastIndexOf('.');
        if (last < 0)
        {
            return eventType.ToLowerInvariant();
        }

        if (last == 0)
        {
            return "";
        }

        // Found without splitting the whole type: the relay asks for the kind of every delivery it tries.
        var before = eventType.LastIndexOf('.', last - 1);
        return eventType[(before + 1)..last].ToLowerInvariant();
    }
}
