using System.Text.Json;
using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>
/// Digests: the deliveries of one person, kind and window combined into one message, sent by the relay worker that
/// holds all of them, under a key derived from the person, the kind and the window. See ADR 21.
/// </summary>
/// <remarks>
/// <para>
/// Before it sends, the worker seals the digest: a record under the digest key (document collection
/// <see cref="DigestCollection"/>) naming the deliveries it contains. The seal is written only by a worker holding the
/// claims of every pending delivery of the digest, so two workers never seal different contents, and it is never
/// rewritten: a worker that finds it (after a crash between the send and the outcome, say) sends exactly those
/// deliveries again under the same key, which the network drops, and stores them delivered.
/// </para>
/// <para>
/// A delivery of the window that is not in the seal (it reached the outbox after the digest was sealed) is a late
/// arrival: it waits for the next digest, under the next window's key. No key is ever sent with two contents.
/// </para>
/// </remarks>
internal sealed partial class EventRelay
{
    /// <summary>The document collection that holds the seal of every digest, by digest key.</summary>
    internal const string DigestCollection = "relay.digests";

    /// <summary>The digest key: the first 32 hex characters of SHA-256 over participant, kind and window start.</summary>
    internal static string DigestKey(string participantId, string kind, DateTimeOffset windowStart)
        => Hashing.Sha256Hex($"digest\n{participantId}\n{kind}\n{windowStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}", 32);

    /// <summary>
    /// Composes and sends the digests of claimed deliveries whose window is over, one per person and kind, and stores
    /// the outcomes where this worker still holds the claims. A digest some of whose deliveries another worker holds is
    /// handed back whole: that worker, or the next claim, composes it.
    /// </summary>
    private async Task<IReadOnlyList<DeliveryResult>> DeliverDigestsAsync(IOutboxLeaseStore leases, List<OutboxMessage> due, DateTimeOffset sendUntil, CancellationToken cancellationToken)
    {
        var results = new List<DeliveryResult>();
        IReadOnlyList<OutboxMessage>? pending = null;
        foreach (var group in due.GroupBy(m => (m.RecipientId, Kind: DeliveryKinds.Of(m.Event.Type))))
        {
            var held = new Dictionary<string, OutboxMessage>(StringComparer.Ordinal);
            foreach (var message in group)
            {
                held.TryAdd(message.DeliveryKey, message);
            }

            var participant = await _identities.GetAsync(group.Key.RecipientId, cancellationToken).ConfigureAwait(false);
            if (participant is null || _time.GetUtcNow() >= sendUntil)
            {
                // Erased meanwhile, or too late in the claim: the next attempt decides, on its own or in a digest.
                await CompleteAsync(leases, [.. held.Values]).ConfigureAwait(false);
                continue;
            }

            var zone = ZoneOf(participant);
            var now = _time.GetUtcNow();

            // Every pending delivery of this digest must be in hand before its content is fixed.
            pending ??= await _store.GetOutboxByStatusAsync(DeliveryStatus.Pending, cancellationToken).ConfigureAwait(false);
            string[] others = [.. pending
                .Where(m => !held.ContainsKey(m.DeliveryKey) && IsDigestMember(m, group.Key.RecipientId, group.Key.Kind, zone, now))
                .Select(m => m.DeliveryKey)];
            if (others.Length > 0)
            {
                var more = await leases.ClaimOutboxAsync(_options.WorkerId, others, now, _options.LeaseDuration, cancellationToken).ConfigureAwait(false);
                foreach (var message in more)
                {
                    held.TryAdd(message.DeliveryKey, message);
                }

                if (more.Count < others.Length)
                {
                    Log.DigestHandedBack(_logger, group.Key.Kind, participant.Id);
                    await CompleteAsync(leases, [.. held.Values]).ConfigureAwait(false);
                    continue;
                }
            }

            // No publish of this process sends one of them meanwhile (keys taken in order: no deadlock with a publish).
            using var locks = await _locks.AcquireAllAsync(held.Keys, cancellationToken).ConfigureAwait(false);
            results.AddRange(await DeliverDigestAsync(leases, participant, group.Key.Kind, zone, [.. held.Values], sendUntil, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    private bool IsDigestMember(OutboxMessage message, string recipientId, string kind, TimeZoneInfo zone, DateTimeOffset now)
        => message.RecipientId == recipientId
            && message.Channel == RelayChannel.DirectMessage
            && message.NextAttemptAt <= now
            && _rulesByName.ContainsKey(message.RuleName)
            && DeliveryKinds.Of(message.Event.Type) == kind
            && DeliveryClock.WindowEndAfter(message.CreatedAt, _options.DigestTime, zone) <= now;

    /// <summary>Seals (or finds the seal of) the digest of <paramref name="members"/>, sends it and stores the outcomes.</summary>
    private async Task<IReadOnlyList<DeliveryResult>> DeliverDigestAsync(IOutboxLeaseStore leases, Participant participant, string kind, TimeZoneInfo zone, List<OutboxMessage> members, DateTimeOffset sendUntil, CancellationToken cancellationToken)
    {
        var preferences = participant.Delivery ?? DeliveryPreferences.Default;
        var urgent = _options.UrgentKinds.Contains(kind);
        var now = _time.GetUtcNow();
        var outcomes = new List<OutboxMessage>(members.Count);
        var results = new List<DeliveryResult>(members.Count);
        if (!urgent && DeliveryClock.IsQuiet(preferences, zone, now, out var quietEnd))
        {
            foreach (var member in members)
            {
                var held = Hold(member, quietEnd, "quiet hours").Outcome;
                outcomes.Add(held);
                results.Add(ResultOf(held));
            }

            await CompleteAsync(leases, outcomes).ConfigureAwait(false);
            return results;
        }

        var windowEnd = DeliveryClock.LatestWindowEnd(now, _options.DigestTime, zone);
        var windowStart = DeliveryClock.WindowStart(windowEnd, _options.DigestTime, zone);
        var key = DigestKey(participant.Id, kind, windowStart);
        var sealedKeys = await ReadSealAsync(key, cancellationToken).ConfigureAwait(false);
        if (sealedKeys is null)
        {
            sealedKeys = [.. members
                .OrderBy(m => m.CreatedAt)
                .ThenBy(m => m.Event.Time)
                .ThenBy(m => m.Event.Id, StringComparer.Ordinal)
                .ThenBy(m => m.DeliveryKey, StringComparer.Ordinal)
                .Select(m => m.DeliveryKey)];
            await _store.ApplyAsync(new StoreChanges().PutDocument(DigestCollection, key, SealJson(windowStart, windowEnd, now, sealedKeys)), cancellationToken).ConfigureAwait(false);
        }

        var inSeal = new HashSet<string>(sealedKeys, StringComparer.Ordinal);
        var included = members.Where(m => inSeal.Contains(m.DeliveryKey)).ToList();
        var late = members.Where(m => !inSeal.Contains(m.DeliveryKey)).ToList();
        if (late.Count > 0)
        {
            var next = SendTime(DeliveryClock.WindowEndAfter(now, _options.DigestTime, zone), preferences, zone, urgent);
            Log.DigestLateArrivals(_logger, key, late.Count, next);
            foreach (var member in late)
            {
                var held = Hold(member, next, "late for its digest").Outcome;
                outcomes.Add(held);
                results.Add(ResultOf(held));
            }
        }

        if (included.Count > 0 && _time.GetUtcNow() >= sendUntil)
        {
            // Too late in the claim to start a send: stored unchanged, due again for any worker.
            outcomes.AddRange(included);
        }
        else if (included.Count > 0)
        {
            var started = _time.GetTimestamp();
            var (locale, text) = await RenderDigestAsync(participant, kind, windowEnd, zone, sealedKeys, cancellationToken).ConfigureAwait(false);
            var carrier = included[0] with
            {
                DeliveryKey = key,
                Channel = RelayChannel.DirectMessage,
                Attempts = included.Max(m => m.Attempts),
                FailedNetworks = [.. included.SelectMany(m => m.FailedNetworks).Distinct(StringComparer.Ordinal)],
            };
            var attempt = await SendToParticipantAsync(carrier, participant, text, locale, cancellationToken).ConfigureAwait(false);
            var sent = attempt.Outcome;
            foreach (var member in included)
            {
                var outcome = member with
                {
                    Status = sent.Status,
                    Attempts = sent.Attempts,
                    NextAttemptAt = sent.NextAttemptAt,
                    FailedNetworks = sent.FailedNetworks,
                    LastError = sent.LastError,
                };
                outcomes.Add(outcome);
                results.Add(ResultOf(outcome) with
                {
                    Network = attempt.Result.Network,
                    MessageId = attempt.Result.MessageId,
                    Text = attempt.Result.Text,
                    DigestKey = key,
                });
            }

            Log.DigestAttempted(_logger, key, included.Count, kind, participant.Id, sent.Status);
            CoCreationDiagnostics.RecordDelivery(sent.Status, attempt.Network, _time.GetElapsedTime(started).TotalMilliseconds);
        }

        await CompleteAsync(leases, outcomes).ConfigureAwait(false);
        return results;
    }

    /// <summary>The digest's text: every sealed delivery (delivered ones too, so a re-send has the same content) as a line.</summary>
    private async Task<(string Locale, string Text)> RenderDigestAsync(Participant participant, string kind, DateTimeOffset windowEnd, TimeZoneInfo zone, IReadOnlyList<string> sealedKeys, CancellationToken cancellationToken)
    {
        var rows = (await _store.GetOutboxMessagesAsync([.. sealedKeys], cancellationToken).ConfigureAwait(false))
            .ToDictionary(m => m.DeliveryKey, StringComparer.Ordinal);
        var lines = new List<DigestComposer.Line>(sealedKeys.Count);
        foreach (var key in sealedKeys)
        {
            if (!rows.TryGetValue(key, out var row))
            {
                continue;
            }

            if (_rulesByName.TryGetValue(row.RuleName, out var rule))
            {
                var (locale, template) = MessageRenderer.Choose(rule.Template, participant.PreferredLocale, _options.DefaultLocale);
                lines.Add(new DigestComposer.Line(locale, MessageRenderer.Fill(template, row.Event, locale)));
            }
            else
            {
                lines.Add(new DigestComposer.Line(participant.PreferredLocale, MessageRenderer.Neutralize(row.Event.Type)));
            }
        }

        if (lines.Count == 0)
        {
            lines.Add(new DigestComposer.Line(participant.PreferredLocale, kind));
        }

        var localEnd = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(windowEnd, zone).DateTime);
        return DigestComposer.Compose(kind, localEnd, lines, MaxDigestLength(participant));
    }

    // The shortest limit among the networks the person may be reached on, so the digest fits whichever takes it.
    private int MaxDigestLength(Participant participant)
    {
        var limit = int.MaxValue;
        foreach (var link in Candidates(participant, []))
        {
            if (_providers.SnsNetworks.Contains(link.Network, StringComparer.Ordinal)
                && _providers.GetSns(link.Network).Capabilities.MaxPostLength is > 0 and var max)
            {
                limit = Math.Min(limit, max);
            }
        }

        return limit == int.MaxValue ? 500 : limit;
    }

    private async Task<IReadOnlyList<string>?> ReadSealAsync(string key, CancellationToken cancellationToken)
    {
        var json = await _store.GetDocumentAsync(DigestCollection, key, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("deliveries").EnumerateArray().Select(e => e.GetString()!)];
    }

    // The seal names delivery keys and times only: nothing personal, nothing an erasure must reach.
    private static string SealJson(DateTimeOffset windowStart, DateTimeOffset windowEnd, DateTimeOffset sealedAt, IReadOnlyList<string> deliveries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("windowStart", windowStart);
            writer.WriteString("windowEnd", windowEnd);
            writer.WriteString("sealedAt", sealedAt);
            writer.WriteStartArray("deliveries");
            foreach (var key in deliveries)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
