using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>Routing: which rules match an event and whom they reach.</summary>
internal sealed partial class EventRelay
{
    /// <summary>
    /// The delivery key, 32 hex characters: 16 of SHA-256 over the event key, then 16 of SHA-256 over event key,
    /// recipient and channel.
    /// </summary>
    /// <remarks>
    /// The shared first half keeps an event's deliveries next to each other in a store's key index: enqueuing an event
    /// for many recipients writes one or two index pages rather than one page per recipient, as fully random keys did.
    /// </remarks>
    /// <param name="eventKey">The event's <see cref="CoCreationEvent.Key"/>, worked out once for all its recipients.</param>
    /// <param name="eventPrefix">The event's <see cref="EventKeyPrefix"/>, computed once for all its recipients.</param>
    /// <param name="recipientId">The recipient.</param>
    /// <param name="channel">The channel.</param>
    private static string DeliveryKey(string eventKey, string eventPrefix, string recipientId, RelayChannel channel)
        => eventPrefix + Hashing.Sha256Hex($"{eventKey}\n{recipientId}\n{channel}", 16);

    /// <summary>The first half of every delivery key of the event whose <see cref="CoCreationEvent.Key"/> is <paramref name="eventKey"/>.</summary>
    internal static string EventKeyPrefix(string eventKey) => Hashing.Sha256Hex(eventKey, 16);

    private static void Validate(CoCreationEvent @event)
    {
        if (@event is null)
        {
            throw new CoCreationValidationException("event", "must not be null.");
        }

        CoCreationGuard.NotBlank(@event.Id, "Event.Id");
        CoCreationGuard.NotBlank(@event.Type, "Event.Type");
        CoCreationGuard.NotBlank(@event.Source?.OriginalString, "Event.Source");
    }

    private async Task<IReadOnlyList<string>> ResolveAsync(RelayRule rule, CoCreationEvent @event, CancellationToken cancellationToken)
    {
        try
        {
            if (!rule.Matches(@event))
            {
                return [];
            }

            var recipients = await rule.Recipients.Resolve(@event, _identities, cancellationToken).ConfigureAwait(false);
            return DistinctRecipients(recipients ?? []);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A faulty rule is the app's bug; it must not stop the other rules or the relay.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RuleFailed(_logger, ex, rule.Name, @event.Type);
            return [];
        }
    }

    // Blank ids dropped, repeats removed, first occurrence kept in place.
    private static List<string> DistinctRecipients(IReadOnlyList<string> recipients)
    {
        var distinct = new List<string>(recipients.Count);
        var seen = new HashSet<string>(recipients.Count, StringComparer.Ordinal);
        for (var i = 0; i < recipients.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(recipients[i]) && seen.Add(recipients[i]))
            {
                distinct.Add(recipients[i]);
            }
        }

        return distinct;
    }

    private readonly record struct Routed(string Key, RelayRule Rule, string RecipientId);
}
