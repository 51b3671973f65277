namespace CoCreation.Sdk;

/// <summary>
/// Reads and changes what a person gets from the relay and how: the mode per event kind, time zone, quiet hours,
/// language and preferred network. The person changes their own with a session (<see cref="GetAsync(ParticipantSession, CancellationToken)"/>,
/// <see cref="ChangeAsync(ParticipantSession, DeliverySettingsChange, CancellationToken)"/>) or over SNS
/// (<see cref="IPreferenceCommands"/>); the company side, for example a support desk, by participant id.
/// </summary>
/// <remarks>
/// A change is checked whole before anything is written: a bad field throws <see cref="CoCreationValidationException"/>
/// naming it, and the stored preferences stay as they were. Writes are versioned (a concurrent change to the same
/// participant is decided again on the new state) and audited (<see cref="AuditAction.PreferencesChanged"/>).
/// Thread-safe.
/// </remarks>
public interface IDeliveryPreferences
{
    /// <summary>Reads the signed-in person's own settings.</summary>
    /// <param name="session">The person's session; verified like every person-facing call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings as stored now.</returns>
    /// <exception cref="AccessDeniedException">The session is refused (not issued by the SDK, altered, signed out, expired or its identity unlinked).</exception>
    Task<DeliverySettings> GetAsync(ParticipantSession session, CancellationToken cancellationToken = default);

    /// <summary>Changes the signed-in person's own settings.</summary>
    /// <param name="session">The person's session; verified before anything is read or written.</param>
    /// <param name="change">What to change; fields left unset keep their value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings as stored after the change.</returns>
    /// <exception cref="CoCreationValidationException">A field of the change is not valid (the field is named); nothing is written.</exception>
    /// <exception cref="AccessDeniedException">The session is refused.</exception>
    Task<DeliverySettings> ChangeAsync(ParticipantSession session, DeliverySettingsChange change, CancellationToken cancellationToken = default);

    /// <summary>Reads a participant's settings (company side).</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings as stored now.</returns>
    /// <exception cref="CoCreationValidationException">The id is blank or no such participant exists.</exception>
    Task<DeliverySettings> GetForAsync(string participantId, CancellationToken cancellationToken = default);

    /// <summary>Changes a participant's settings (company side, for example on the person's request to a support desk).</summary>
    /// <param name="participantId">The participant.</param>
    /// <param name="change">What to change; fields left unset keep their value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The settings as stored after the change.</returns>
    /// <exception cref="CoCreationValidationException">The id is blank, no such participant exists, or a field of the change is not valid; nothing is written.</exception>
    Task<DeliverySettings> ChangeForAsync(string participantId, DeliverySettingsChange change, CancellationToken cancellationToken = default);
}

/// <summary>A person's delivery settings as stored.</summary>
public sealed record DeliverySettings
{
    /// <summary>The participant.</summary>
    public required string ParticipantId { get; init; }

    /// <summary>The language messages are written in (<see cref="Participant.PreferredLocale"/>).</summary>
    public required string Locale { get; init; }

    /// <summary>The network messages go to first (<see cref="Participant.PreferredNetwork"/>); <see langword="null"/> for the first linked one.</summary>
    public string? PreferredNetwork { get; init; }

    /// <summary>The networks the person is linked on, any of which can be the preferred one.</summary>
    public IReadOnlyList<string> LinkedNetworks { get; init; } = [];

    /// <summary>Modes per event kind, time zone and quiet hours (<see cref="Participant.Delivery"/>).</summary>
    public required DeliveryPreferences Delivery { get; init; }

    /// <summary>The participant's store version these settings were read at.</summary>
    public long Version { get; init; }

    internal static DeliverySettings Of(Participant participant) => new()
    {
        ParticipantId = participant.Id,
        Locale = participant.PreferredLocale,
        PreferredNetwork = participant.PreferredNetwork,
        LinkedNetworks = participant.SnsLinks.Select(l => l.Network).Distinct(StringComparer.Ordinal).ToArray(),
        Delivery = participant.Delivery,
        Version = participant.Version,
    };
}

/// <summary>
/// A change to a person's delivery settings. Every field is optional: an unset field keeps its stored value.
/// </summary>
public sealed record DeliverySettingsChange
{
    /// <summary>
    /// Modes to set per event kind (<see cref="DeliveryKinds.Of"/>, for example <c>shipment</c>); kinds not named keep
    /// their mode. A kind is 1 to 64 letters, digits, <c>-</c> or <c>_</c>, matched without regard to case and stored in
    /// lower case. Setting <see cref="DeliveryMode.Immediately"/> removes the kind from the stored map (the default).
    /// </summary>
    public IReadOnlyDictionary<string, DeliveryMode>? Kinds { get; init; }

    /// <summary>Sets every kind back to <see cref="DeliveryMode.Immediately"/> before <see cref="Kinds"/> is applied.</summary>
    public bool ResetKinds { get; init; }

    /// <summary>
    /// The person's time zone: an IANA id such as <c>Asia/Seoul</c> (a Windows id the system knows is stored as its IANA
    /// id). <see langword="null"/> keeps the stored one; see <see cref="ClearTimeZone"/>.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>Sets the time zone back to UTC.</summary>
    public bool ClearTimeZone { get; init; }

    /// <summary>The start of the quiet hours; given together with <see cref="QuietUntil"/>.</summary>
    public TimeOnly? QuietFrom { get; init; }

    /// <summary>The end of the quiet hours (may be before <see cref="QuietFrom"/>: over midnight); given together with <see cref="QuietFrom"/>.</summary>
    public TimeOnly? QuietUntil { get; init; }

    /// <summary>Removes the quiet hours.</summary>
    public bool ClearQuietHours { get; init; }

    /// <summary>The language of messages: a supported culture (<c>ko-KR</c>, <c>en-US</c>); <see langword="null"/> keeps the stored one.</summary>
    public string? Locale { get; init; }

    /// <summary>The network messages go to first: one the person is linked on; <see langword="null"/> keeps the stored one.</summary>
    public string? PreferredNetwork { get; init; }

    /// <summary>Goes back to the first linked network.</summary>
    public bool ClearPreferredNetwork { get; init; }
}
