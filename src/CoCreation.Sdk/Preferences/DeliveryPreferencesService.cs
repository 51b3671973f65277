namespace CoCreation.Sdk;

/// <summary>
/// Reads and changes delivery settings. A change is checked on its own first (kinds, time zone, quiet hours, locale),
/// then against the participant as stored (the preferred network must be linked), and only then written, with the
/// participant's expected version and an audit line in the same change set.
/// </summary>
internal sealed class DeliveryPreferencesService(ICoCreationStore store, IAccessGrants grants, TimeProvider time) : IDeliveryPreferences
{
    private const int MaxStoreRetries = 3;
    internal const string AuditTarget = "preferences";

    public async Task<DeliverySettings> GetAsync(ParticipantSession session, CancellationToken cancellationToken = default)
    {
        var participant = await VerifyAsync(session, cancellationToken).ConfigureAwait(false);
        return DeliverySettings.Of(participant);
    }

    public async Task<DeliverySettings> ChangeAsync(ParticipantSession session, DeliverySettingsChange change, CancellationToken cancellationToken = default)
    {
        // The session first: a refused session learns nothing about what would have been wrong with the change.
        var participant = await VerifyAsync(session, cancellationToken).ConfigureAwait(false);
        var normalised = DeliverySettingsRules.Normalise(change, nameof(change));
        return DeliverySettings.Of(await ApplyAsync(participant.Id, nameof(session), normalised, null, cancellationToken).ConfigureAwait(false));
    }

    public async Task<DeliverySettings> GetForAsync(string participantId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var participant = await store.GetParticipantAsync(participantId, cancellationToken).ConfigureAwait(false)
            ?? throw new CoCreationValidationException(nameof(participantId), $"no participant '{participantId}' exists.");
        return DeliverySettings.Of(participant);
    }

    public async Task<DeliverySettings> ChangeForAsync(string participantId, DeliverySettingsChange change, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(participantId, nameof(participantId));
        var normalised = DeliverySettingsRules.Normalise(change, nameof(change));
        return DeliverySettings.Of(await ApplyAsync(participantId, nameof(participantId), normalised, null, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Applies a checked change to the participant as stored, retrying on a concurrent change. <paramref name="alongside"/>
    /// adds writes that must be stored with it (a reply cursor) and is also stored when the change changes nothing.
    /// </summary>
    internal async Task<Participant> ApplyAsync(
        string participantId, string field, DeliverySettingsChange change, Action<StoreChanges>? alongside, CancellationToken cancellationToken, string? via = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var participant = await store.GetParticipantAsync(participantId, cancellationToken).ConfigureAwait(false)
                ?? throw new CoCreationValidationException(field, $"no participant '{participantId}' exists.");
            var updated = DeliverySettingsRules.Apply(participant, change, nameof(change));
            var changes = new StoreChanges();
            alongside?.Invoke(changes);
            var changed = !Same(participant, updated);
            if (changed)
            {
                var detail = DeliverySettingsRules.Describe(participant, updated) + (via is null ? "" : $" (by {via})");
                changes.PutParticipant(updated, participant.Version)
                    .AppendAudit(Audit.Entry(time.GetUtcNow(), AuditAction.PreferencesChanged, participant.Id, AuditTarget, detail: detail));
            }

            if (changes.IsEmpty)
            {
                return participant;
            }

            try
            {
                await store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            }
            catch (CoCreationConflictException) when (attempt < MaxStoreRetries)
            {
                // Changed by someone else since it was read; decide again on the new state.
                continue;
            }

            return changed ? updated with { Version = participant.Version + 1 } : participant;
        }
    }

    private async Task<Participant> VerifyAsync(ParticipantSession session, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            throw new CoCreationValidationException(nameof(session), "must not be null: a person's own settings need their session.");
        }

        return await grants.VerifySessionAsync(session, AuditTarget, cancellationToken).ConfigureAwait(false);
    }

    private static bool Same(Participant a, Participant b)
        => a.PreferredLocale == b.PreferredLocale
            && a.PreferredNetwork == b.PreferredNetwork
            && a.Delivery.TimeZone == b.Delivery.TimeZone
            && a.Delivery.QuietFrom == b.Delivery.QuietFrom
            && a.Delivery.QuietUntil == b.Delivery.QuietUntil
            && a.Delivery.Kinds.Count == b.Delivery.Kinds.Count
            && a.Delivery.Kinds.All(k => b.Delivery.Kinds.TryGetValue(k.Key, out var mode) && mode == k.Value);
}

/// <summary>The checks and the arithmetic of a settings change, shared by the API and the SNS commands.</summary>
internal static class DeliverySettingsRules
{
    public const int MaxKindLength = 64;

    /// <summary>
    /// Checks a change on its own and returns it with kinds in lower case, the time zone as its IANA id and the
    /// locale as its canonical name. Throws <see cref="CoCreationValidationException"/> naming the field.
    /// </summary>
    public static DeliverySettingsChange Normalise(DeliverySettingsChange? change, string field)
    {
        if (change is null)
        {
            throw new CoCreationValidationException(field, "must not be null.");
        }

        ImmutableDictionary<string, DeliveryMode>? kinds = null;
        if (change.Kinds is not null)
        {
            var builder = ImmutableDictionary.CreateBuilder<string, DeliveryMode>(StringComparer.Ordinal);
            foreach (var (kind, mode) in change.Kinds)
            {
                var name = Kind(kind, $"{field}.Kinds");
                if (!Enum.IsDefined(mode))
                {
                    throw new CoCreationValidationException($"{field}.Kinds[{name}]", $"'{(int)mode}' is not a delivery mode (Immediately, Digest or Off).");
                }

                if (builder.TryGetValue(name, out var earlier) && earlier != mode)
                {
                    throw new CoCreationValidationException($"{field}.Kinds[{name}]", "is given twice with different modes.");
                }

                builder[name] = mode;
            }

            kinds = builder.ToImmutable();
        }

        if (change.TimeZone is not null && change.ClearTimeZone)
        {
            throw new CoCreationValidationException($"{field}.TimeZone", "cannot be set and cleared in one change.");
        }

        var timeZone = change.TimeZone is null ? null : TimeZone(change.TimeZone, $"{field}.TimeZone");
        if (change.QuietFrom.HasValue != change.QuietUntil.HasValue)
        {
            throw new CoCreationValidationException(
                change.QuietFrom.HasValue ? $"{field}.QuietUntil" : $"{field}.QuietFrom",
                "quiet hours need both a start and an end.");
        }

        if (change.QuietFrom.HasValue && change.ClearQuietHours)
        {
            throw new CoCreationValidationException($"{field}.QuietFrom", "cannot be set and cleared in one change.");
        }

        if (change.QuietFrom.HasValue && change.QuietFrom == change.QuietUntil)
        {
            throw new CoCreationValidationException($"{field}.QuietUntil", "must differ from the start (quiet hours of no length, or of the whole day, are not quiet hours).");
        }

        string? locale = null;
        if (change.Locale is not null)
        {
            locale = SupportedLocales.Find(CoCreationGuard.NotBlank(change.Locale, $"{field}.Locale"))
                ?? throw new CoCreationValidationException($"{field}.Locale", $"'{change.Locale}' is not a supported locale (supported: {string.Join(", ", SupportedLocales.All)}).");
        }

        if (change.PreferredNetwork is not null)
        {
            CoCreationGuard.NotBlank(change.PreferredNetwork, $"{field}.PreferredNetwork");
            if (change.ClearPreferredNetwork)
            {
                throw new CoCreationValidationException($"{field}.PreferredNetwork", "cannot be set and cleared in one change.");
            }
        }

        return change with { Kinds = kinds, TimeZone = timeZone, Locale = locale };
    }

    /// <summary>A kind's stored name: trimmed, lower case, 1 to 64 ASCII letters, digits, '-' or '_'.</summary>
    public static string Kind(string? kind, string field)
    {
        var name = CoCreationGuard.NotBlank(kind, field).Trim().ToLowerInvariant();
        if (name.Length > MaxKindLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new CoCreationValidationException(field, $"'{kind}' is not an event kind: 1 to {MaxKindLength} letters, digits, '-' or '_' (for example 'shipment').");
        }

        return name;
    }

    /// <summary>An IANA time zone id the system knows; a Windows id is turned into its IANA id.</summary>
    public static string TimeZone(string id, string field)
    {
        var trimmed = CoCreationGuard.NotBlank(id, field).Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(trimmed, out var zone))
        {
            throw new CoCreationValidationException(field, $"'{trimmed}' is not a time zone this system knows; use an IANA id such as 'Asia/Seoul' or 'Europe/Berlin'.");
        }

        if (zone.HasIanaId)
        {
            return zone.Id;
        }

        return TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana)
            ? iana
            : throw new CoCreationValidationException(field, $"'{trimmed}' has no IANA id; use an IANA id such as 'Asia/Seoul'.");
    }

    /// <summary>The participant with a normalised change applied; checks the preferred network against their links.</summary>
    public static Participant Apply(Participant participant, DeliverySettingsChange change, string field)
    {
        var preferred = participant.PreferredNetwork;
        if (change.ClearPreferredNetwork)
        {
            preferred = null;
        }
        else if (change.PreferredNetwork is { } network)
        {
            var linked = participant.SnsLinks.FirstOrDefault(l => string.Equals(l.Network, network.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new CoCreationValidationException($"{field}.PreferredNetwork", $"'{network}' is not a network the participant is linked on (linked: {string.Join(", ", participant.SnsLinks.Select(l => l.Network).Distinct())}).");
            preferred = linked.Network;
        }

        var delivery = participant.Delivery;
        var kinds = change.ResetKinds ? delivery.Kinds.Clear() : delivery.Kinds;
        foreach (var (kind, mode) in change.Kinds ?? ImmutableDictionary<string, DeliveryMode>.Empty)
        {
            kinds = mode == DeliveryMode.Immediately ? kinds.Remove(kind) : kinds.SetItem(kind, mode);
        }

        delivery = delivery with
        {
            Kinds = kinds,
            TimeZone = change.ClearTimeZone ? null : change.TimeZone ?? delivery.TimeZone,
            QuietFrom = change.ClearQuietHours ? null : change.QuietFrom ?? delivery.QuietFrom,
            QuietUntil = change.ClearQuietHours ? null : change.QuietUntil ?? delivery.QuietUntil,
        };

        return participant with
        {
            PreferredLocale = change.Locale ?? participant.PreferredLocale,
            PreferredNetwork = preferred,
            Delivery = delivery,
        };
    }

    /// <summary>What changed, for the audit line: setting names and values, nothing else about the person.</summary>
    public static string Describe(Participant before, Participant after)
    {
        var parts = new List<string>();
        foreach (var kind in before.Delivery.Kinds.Keys.Union(after.Delivery.Kinds.Keys).Order(StringComparer.Ordinal))
        {
            var was = before.Delivery.ModeFor(kind);
            var now = after.Delivery.ModeFor(kind);
            if (was != now)
            {
                parts.Add($"{kind}: {was} → {now}");
            }
        }

        if (before.Delivery.TimeZone != after.Delivery.TimeZone)
        {
            parts.Add($"time zone: {after.Delivery.TimeZone ?? "UTC"}");
        }

        if (before.Delivery.QuietFrom != after.Delivery.QuietFrom || before.Delivery.QuietUntil != after.Delivery.QuietUntil)
        {
            parts.Add(after.Delivery.QuietFrom is { } from && after.Delivery.QuietUntil is { } until
                ? $"quiet hours: {from:HH\\:mm}-{until:HH\\:mm}"
                : "quiet hours: none");
        }

        if (before.PreferredLocale != after.PreferredLocale)
        {
            parts.Add($"locale: {after.PreferredLocale}");
        }

        if (before.PreferredNetwork != after.PreferredNetwork)
        {
            parts.Add($"preferred network: {after.PreferredNetwork ?? "first linked"}");
        }

        return string.Join("; ", parts);
    }
}
