using System.Text.Json;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>
/// Reads only what verification needs out of a notification body, <c>subscriptionId</c> and <c>clientState</c> of every
/// item of <c>value</c>, with a forward-only <see cref="Utf8JsonReader"/> that builds no object of the rest. Anything
/// that is not one JSON object with one non-empty <c>value</c> array of objects, each with exactly one string
/// <c>subscriptionId</c> and <c>clientState</c>, is refused.
/// </summary>
internal static class NotificationScan
{
    /// <summary>The longest <c>subscriptionId</c> accepted (Graph's are GUIDs).</summary>
    internal const int MaxSubscriptionIdLength = 128;

    /// <summary>The most items one body may carry.</summary>
    internal const int MaxItems = 1_000;

    // The longest clientState Graph accepts is 128 characters; escaped, a character is at most 12 bytes.
    private const int MaxRawClientStateBytes = GraphSubscriptionManager.MaxClientStateLength * 12;

    /// <summary>What verification reads of one item.</summary>
    /// <param name="SubscriptionId">The item's <c>subscriptionId</c>.</param>
    /// <param name="ClientState">The item's <c>clientState</c>, unescaped UTF-8.</param>
    internal readonly record struct Item(string SubscriptionId, byte[] ClientState)
    {
        public override string ToString() => $"Item({SubscriptionId})";
    }

    /// <summary>Scans a body.</summary>
    /// <param name="body">The raw body.</param>
    /// <param name="items">The items read, in order, when it succeeds.</param>
    /// <param name="reason">Why the body was refused, when it fails; never a value out of the body.</param>
    /// <returns>Whether the body has the expected shape.</returns>
    internal static bool TryScan(ReadOnlySpan<byte> body, out List<Item> items, out string reason)
    {
        items = [];
        try
        {
            return Scan(body, items, out reason);
        }
        catch (JsonException)
        {
            items = [];
            reason = "the body is not well-formed JSON";
            return false;
        }
    }

    private static bool Scan(ReadOnlySpan<byte> body, List<Item> items, out string reason)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reason = "the body is not a JSON object";
            return false;
        }

        var sawValue = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (sawValue)
            {
                reason = "the body has more than one 'value'";
                return false;
            }

            sawValue = true;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                reason = "'value' is not an array";
                return false;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reason = "an item of 'value' is not an object";
                    return false;
                }

                if (items.Count == MaxItems)
                {
                    reason = "the body carries too many notifications";
                    return false;
                }

                if (!ScanItem(ref reader, out var item, out reason))
                {
                    return false;
                }

                items.Add(item);
            }
        }

        // The loop ends on the object's end; anything after it is malformed (the reader throws on trailing data).
        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0 || reader.Read())
        {
            reason = "the body is not a single JSON object";
            return false;
        }

        if (items.Count == 0)
        {
            reason = sawValue ? "'value' is empty" : "the body has no 'value'";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    private static bool ScanItem(ref Utf8JsonReader reader, out Item item, out string reason)
    {
        item = default;
        string? subscriptionId = null;
        byte[]? clientState = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("subscriptionId"u8))
            {
                if (subscriptionId is not null)
                {
                    reason = "an item has more than one 'subscriptionId'";
                    return false;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > MaxSubscriptionIdLength * 6)
                {
                    reason = "an item's 'subscriptionId' is not a short string";
                    return false;
                }

                subscriptionId = reader.GetString();
                if (string.IsNullOrEmpty(subscriptionId) || subscriptionId.Length > MaxSubscriptionIdLength)
                {
                    reason = "an item's 'subscriptionId' is not a short string";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("clientState"u8))
            {
                if (clientState is not null)
                {
                    reason = "an item has more than one 'clientState'";
                    return false;
                }

                if (!reader.Read() || reader.TokenType == JsonTokenType.Null)
                {
                    reason = "an item has no 'clientState'";
                    return false;
                }

                if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > MaxRawClientStateBytes)
                {
                    reason = "an item's 'clientState' is not a short string";
                    return false;
                }

                var buffer = new byte[reader.ValueSpan.Length];
                clientState = buffer.AsSpan(0, reader.CopyString(buffer)).ToArray();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (subscriptionId is null)
        {
            reason = "an item has no 'subscriptionId'";
            return false;
        }

        if (clientState is null || clientState.Length == 0)
        {
            reason = "an item has no 'clientState'";
            return false;
        }

        item = new Item(subscriptionId, clientState);
        reason = string.Empty;
        return true;
    }
}
