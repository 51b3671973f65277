namespace CoCreation.Sdk;

/// <summary>
/// Removes or anonymises what one part of the application keeps about a participant, when
/// <see cref="IIdentityMap.EraseAsync"/> erases them. Every module registers one (opinions, co-development,
/// community products); an application adds its own with <c>services.AddSingleton&lt;IParticipantDataEraser, …&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>
/// Erasure calls every registered eraser after the participant's grants are revoked and their provider accounts
/// anonymised, and before anything is deleted from the store. An eraser adds its store changes to
/// <see cref="ParticipantErasure.Changes"/>: all of them are applied together with the participant's deletion in
/// one atomic <see cref="ICoCreationStore.ApplyAsync"/>. It may also change things at providers (take a listing off
/// sale); those calls must be idempotent, because a failure anywhere leaves the participant in place and erasure is
/// simply run again.
/// </para>
/// <para>
/// An eraser must not depend on <see cref="IIdentityMap"/>, which calls it; take the store and the providers instead.
/// </para>
/// <para>
/// Values an eraser hands to <see cref="ParticipantErasure.AddPersonalValue"/> (an address, a text the person wrote)
/// are also taken out of the audit trail's free text and out of the relay outbox, including events addressed to
/// other people.
/// </para>
/// </remarks>
public interface IParticipantDataEraser
{
    /// <summary>Adds the changes that remove or anonymise the participant's data to <paramref name="erasure"/>.</summary>
    /// <param name="erasure">The participant, their anonymous id and the change set to add to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the changes are added (nothing is stored yet).</returns>
    Task EraseAsync(ParticipantErasure erasure, CancellationToken cancellationToken = default);
}

/// <summary>One erasure in progress: who is erased and the change set every <see cref="IParticipantDataEraser"/> adds to.</summary>
public sealed class ParticipantErasure
{
    private readonly PersonalDataRedaction _redaction;

    internal ParticipantErasure(Participant participant, string anonymousId, DateTimeOffset at)
    {
        Participant = participant;
        AnonymousId = anonymousId;
        At = at;
        _redaction = new PersonalDataRedaction(participant.Id, anonymousId);
        AddPersonalValue(participant.DisplayName);
        foreach (var link in participant.SnsLinks)
        {
            AddPersonalValue(link.Subject);
            // With and without the '@', so that a mention is replaced whole.
            AddPersonalValue(link.Handle);
            AddPersonalValue(link.Handle.TrimStart('@'));
            AddPersonalValue("@" + link.Handle.TrimStart('@'));
        }

        foreach (var link in participant.CloudLinks)
        {
            AddPersonalValue(link.AccountId);
            AddPersonalValue(link.Email);
        }

        foreach (var link in participant.EnterpriseLinks)
        {
            AddPersonalValue(link.Login);
            AddAccountId(link.AccountId);
        }
    }

    /// <summary>The participant as stored before erasure, with every linked identity and account.</summary>
    public Participant Participant { get; }

    /// <summary>The id that replaces the participant's id where a record is kept (audit, counted votes).</summary>
    public string AnonymousId { get; }

    /// <summary>When the erasure runs.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The changes applied, all together, when every eraser has run.</summary>
    public StoreChanges Changes { get; } = new();

    /// <summary>The values taken out of the audit trail and the relay outbox.</summary>
    public PersonalDataRedaction Redaction => _redaction;

    /// <summary>Whether an SNS identity is one of the participant's.</summary>
    /// <param name="network">The connector name.</param>
    /// <param name="subject">The stable account id.</param>
    /// <returns><see langword="true"/> when it is.</returns>
    public bool IsOwnIdentity(string? network, string? subject)
        => Participant.SnsLinks.Any(l => l.Network == network && l.Subject == subject);

    /// <summary>
    /// Names a value that is the participant's personal data (an address, a name, a text they wrote), so that it is
    /// also replaced in the audit trail's free text and in relay events, those to other people included.
    /// </summary>
    /// <param name="value">The value; blank values are ignored.</param>
    public void AddPersonalValue(string? value) => _redaction.AddValue(value);

    /// <summary>
    /// Names an account id of the participant at a provider. Ids are often short numbers, so they are replaced only
    /// where a whole value is the id (an event's <see cref="CoCreationEventData.OwnerAccountId"/>), never inside text.
    /// </summary>
    /// <param name="accountId">The account id; blank values are ignored.</param>
    public void AddAccountId(string? accountId) => _redaction.AddAccountId(accountId);

    /// <summary>Replaces the participant's personal values in a text with the neutral words of <see cref="ErasedPerson"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without them; <see langword="null"/> stays <see langword="null"/>.</returns>
    public string? Redact(string? text) => _redaction.Redact(text);
}

/// <summary>
/// The personal values of an erased participant and what replaces them: the participant id becomes the anonymous id,
/// every other value the neutral words of <see cref="ErasedPerson"/> (Korean in Korean text, English otherwise).
/// Stores apply it to the audit trail (target and detail of every entry) and to the relay outbox (every entry's event
/// id, subject and data values, and its last error), whoever the entry is addressed to.
/// </summary>
/// <remarks>
/// Values of at least <see cref="MinimumTextLength"/> characters are replaced wherever they occur, ignoring case, except
/// inside a longer Latin word or number (a handle <c>ana</c> leaves <c>banana</c> alone; a Korean particle written onto
/// a name does not protect it); shorter ones only where they are a whole value.
/// Account ids are replaced only as the whole value of <see cref="CoCreationEventData.OwnerAccountId"/>.
/// </remarks>
public sealed class PersonalDataRedaction
{
    /// <summary>The shortest value replaced inside longer text.</summary>
    public const int MinimumTextLength = 3;

    private readonly List<string> _values = [];
    private readonly HashSet<string> _accountIds = new(StringComparer.Ordinal);

    /// <summary>Creates a redaction for a participant.</summary>
    /// <param name="participantId">The erased participant's id.</param>
    /// <param name="anonymousId">The id that replaces it.</param>
    public PersonalDataRedaction(string participantId, string anonymousId)
    {
        ParticipantId = CoCreationGuard.NotBlank(participantId, nameof(participantId));
        AnonymousId = CoCreationGuard.NotBlank(anonymousId, nameof(anonymousId));
    }

    /// <summary>The erased participant's id.</summary>
    public string ParticipantId { get; }

    /// <summary>The id that replaces it.</summary>
    public string AnonymousId { get; }

    /// <summary>The personal values, longest first.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>Adds a personal value; blank values and values already present are ignored.</summary>
    /// <param name="value">The value.</param>
    public void AddValue(string? value)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed == ParticipantId || _values.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
        {
            return;
        }

        _values.Add(trimmed);

        // Longest first, so that "@mina.kim" is replaced whole before "mina.kim" is looked for.
        _values.Sort((a, b) => b.Length.CompareTo(a.Length));
    }

    /// <summary>Adds an account id, replaced only as a whole owner-account value.</summary>
    /// <param name="accountId">The account id.</param>
    public void AddAccountId(string? accountId)
    {
        if (!string.IsNullOrWhiteSpace(accountId))
        {
            _accountIds.Add(accountId.Trim());
        }
    }

    /// <summary>Replaces the participant id and the personal values in a text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text; <see langword="null"/> stays <see langword="null"/>.</returns>
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var result = text.Replace(ParticipantId, AnonymousId, StringComparison.Ordinal);
        foreach (var value in _values)
        {
            if (string.Equals(result.Trim(), value, StringComparison.OrdinalIgnoreCase))
            {
                return ErasedPerson.NameFor(text);
            }

            if (value.Length >= MinimumTextLength && result.Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                result = ReplaceWhole(result, value, ErasedPerson.NameFor(text));
            }
        }

        return result;
    }

    // Replaces a value where it is not part of a longer Latin word or number ("ana" stays in "banana"); Korean particles
    // written onto a name ("미나님") do not protect it.
    private static string ReplaceWhole(string text, string value, string replacement)
    {
        static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
        var builder = new System.Text.StringBuilder(text.Length);
        var start = 0;
        int found;
        while ((found = text.IndexOf(value, start, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = found + value.Length;
            var joinedBefore = found > 0 && IsWordChar(text[found - 1]) && IsWordChar(value[0]);
            var joinedAfter = end < text.Length && IsWordChar(text[end]) && IsWordChar(value[^1]);
            builder.Append(text, start, found - start).Append(joinedBefore || joinedAfter ? text.AsSpan(found, value.Length) : replacement);
            start = end;
        }

        return builder.Append(text, start, text.Length - start).ToString();
    }

    /// <summary>Redacts an event: its id, subject and every data value.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The redacted event, or the same instance when nothing changed.</returns>
    public CoCreationEvent Redact(CoCreationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var data = @event.Data;
        foreach (var (key, value) in @event.Data)
        {
            var redacted = key == CoCreationEventData.OwnerAccountId && _accountIds.Contains(value)
                ? ErasedPerson.EnglishName
                : Redact(value)!;
            if (!string.Equals(redacted, value, StringComparison.Ordinal))
            {
                data = data.SetItem(key, redacted);
            }
        }

        var id = Redact(@event.Id)!;
        var subject = Redact(@event.Subject);
        return ReferenceEquals(data, @event.Data) && id == @event.Id && subject == @event.Subject
            ? @event
            : @event with { Id = id, Subject = subject, Data = data };
    }

    /// <summary>Redacts an outbox entry: its event and its last error.</summary>
    /// <param name="message">The entry.</param>
    /// <returns>The redacted entry, or the same instance when nothing changed.</returns>
    public OutboxMessage Redact(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var @event = Redact(message.Event);
        var error = Redact(message.LastError);
        return ReferenceEquals(@event, message.Event) && error == message.LastError
            ? message
            : message with { Event = @event, LastError = error };
    }

    /// <summary>Redacts an audit entry's target and detail.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>The redacted entry, or the same instance when nothing changed.</returns>
    public AuditEntry Redact(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var target = Redact(entry.Target);
        var detail = Redact(entry.Detail);
        return target == entry.Target && detail == entry.Detail ? entry : entry with { Target = target, Detail = detail };
    }
}
