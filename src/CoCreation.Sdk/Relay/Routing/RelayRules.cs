namespace CoCreation.Sdk;

/// <summary>How a message reaches a person.</summary>
public enum RelayChannel
{
    /// <summary>A direct message from the brand.</summary>
    DirectMessage,
    /// <summary>A public post by the brand that mentions the person.</summary>
    Mention,
}

/// <summary>A message text per culture, with <c>{key}</c> placeholders filled from the event's data.</summary>
/// <remarks>
/// <para>
/// Placeholders name <see cref="CoCreationEvent.Data"/> keys; <c>{subject}</c>, <c>{type}</c> and
/// <c>{time}</c> name the event's own fields. The culture is the recipient's preferred locale, else
/// <see cref="RelayOptions.DefaultLocale"/>, else the first text; values are formatted for the culture of the text
/// chosen. A placeholder without a usable value, or with an unknown format, is left as written so that the gap is
/// visible rather than silent.
/// </para>
/// <para>A placeholder may name a format, <c>{key:format}</c> or <c>{key:format:arguments}</c>:</para>
/// <list type="bullet">
/// <item><c>{amount:money}</c>: the amount with the currency in the event's <c>currency</c> key, rounded half away
/// from zero to the currency's minor unit and grouped for the culture. Won in Korean texts are written
/// <c>3,915,000원</c>; the culture's own currency takes its symbol (<c>$1,234.50</c> in <c>en-US</c>); any other
/// currency is its ISO code before the number (<c>KRW 3,915,000</c> in <c>en-US</c>, <c>USD 1,234.50</c> in
/// <c>ko-KR</c>).</item>
/// <item><c>{onHand:number}</c>: a number grouped for the culture (<c>1,250</c>).</item>
/// <item><c>{quantity:count:piece|pieces}</c>: a grouped number and a unit word, the first form for exactly 1 and
/// the second for every other number; one form (<c>{quantity:count:벌}</c>) is used for every number. In Korean,
/// Japanese and Chinese texts the word follows the number directly (<c>3벌</c>), elsewhere after a space.</item>
/// <item><c>{role:select:member=Member|seller=Seller}</c>: the text after the value's key; the value itself when no
/// key matches.</item>
/// <item><c>{summary:lines}</c>: the value with its line breaks kept (normalised to <c>\n</c>).</item>
/// </list>
/// <para>
/// Every value is neutralised before it goes in: C0 and C1 control characters, bidirectional embeddings, overrides,
/// isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the byte-order mark and unpaired
/// surrogates are removed; tabs and line breaks become spaces (except with <c>lines</c>). The template's own text is
/// sent as written.
/// </para>
/// </remarks>
public sealed record MessageTemplate
{
    /// <summary>The texts by culture name (<c>ko-KR</c>, <c>en-US</c>).</summary>
    public required ImmutableDictionary<string, string> Texts { get; init; }

    /// <summary>Creates a template in Korean and English.</summary>
    /// <param name="korean">The ko-KR text.</param>
    /// <param name="english">The en-US text.</param>
    /// <returns>The template.</returns>
    public static MessageTemplate KoreanAndEnglish(string korean, string english) => new()
    {
        Texts = ImmutableDictionary<string, string>.Empty.Add("ko-KR", korean).Add("en-US", english),
    };
}

/// <summary>Who receives an event.</summary>
/// <param name="Resolve">Finds the participant ids for an event.</param>
public sealed record RecipientSelector(Func<CoCreationEvent, IIdentityMap, CancellationToken, Task<IReadOnlyList<string>>> Resolve)
{
    /// <summary>
    /// The participant linked to the enterprise account in <see cref="CoCreationEventData.OwnerAccountId"/>
    /// at the enterprise system the event came from.
    /// </summary>
    public static RecipientSelector Owner { get; } = new(async (e, map, ct) =>
    {
        var owner = e.GetData(CoCreationEventData.OwnerAccountId);
        if (owner is null || !CoCreationEventSources.TryGetEnterpriseName(e.Source, out var system))
        {
            return [];
        }

        var participant = await map.FindByEnterpriseAccountAsync(system, owner, ct).ConfigureAwait(false);
        return participant is null ? [] : [participant.Id];
    });

    /// <summary>The participant named in <see cref="CoCreationEventData.ParticipantId"/>.</summary>
    public static RecipientSelector SubjectParticipant { get; } = new((e, _, _) =>
        Task.FromResult<IReadOnlyList<string>>(e.GetData(CoCreationEventData.ParticipantId) is { } id ? [id] : []));

    /// <summary>A fixed list of participants, for example the production managers.</summary>
    /// <param name="participantIds">The participant ids.</param>
    /// <returns>The selector.</returns>
    public static RecipientSelector Fixed(params string[] participantIds)
    {
        var ids = participantIds.ToImmutableArray();
        return new((_, _, _) => Task.FromResult<IReadOnlyList<string>>(ids));
    }
}

/// <summary>Routes one event type to recipients through a channel with a template.</summary>
public sealed record RelayRule
{
    /// <summary>The rule's name, for logs and results.</summary>
    public required string Name { get; init; }

    /// <summary>The event type it matches; a trailing <c>*</c> matches a prefix.</summary>
    public required string EventType { get; init; }

    /// <summary>Who receives.</summary>
    public required RecipientSelector Recipients { get; init; }

    /// <summary>How.</summary>
    public RelayChannel Channel { get; init; } = RelayChannel.DirectMessage;

    /// <summary>What they read.</summary>
    public required MessageTemplate Template { get; init; }

    /// <summary>An extra condition on the event; <see langword="null"/> matches all of the type.</summary>
    public Func<CoCreationEvent, bool>? When { get; init; }

    /// <summary>Whether the rule matches an event.</summary>
    /// <param name="event">The event.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Matches(CoCreationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var typeMatches = EventType.EndsWith('*')
            ? @event.Type.StartsWith(EventType[..^1], StringComparison.Ordinal)
            : string.Equals(@event.Type, EventType, StringComparison.Ordinal);
        return typeMatches && (When is null || When(@event));
    }
}
