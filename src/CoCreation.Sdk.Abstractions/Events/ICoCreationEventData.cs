using System.Collections.Immutable;
using System.Globalization;

namespace CoCreation.Sdk;

/// <summary>
/// The typed data of one event type. The SDK defines records for its own types (<see cref="SaleCompletedData"/>,
/// <see cref="ProductionProgressData"/>, …); an adapter defines its own the same way, for its own type name, without
/// touching this package. On the wire and in the store, data stays the flat string map of <see cref="CoCreationEvent.Data"/>.
/// </summary>
/// <typeparam name="TSelf">The record itself.</typeparam>
public interface ICoCreationEventData<TSelf>
    where TSelf : ICoCreationEventData<TSelf>
{
    /// <summary>The event type this data belongs to, for example <see cref="CoCreationEventTypes.SaleCompleted"/>.</summary>
    static abstract string EventType { get; }

    /// <summary>Reads the data out of an event's flat map.</summary>
    /// <param name="data">The event's data.</param>
    /// <returns>The typed data.</returns>
    /// <exception cref="CoCreationValidationException">A required key is missing or a value does not parse; the message names the key.</exception>
    static abstract TSelf FromData(IReadOnlyDictionary<string, string> data);

    /// <summary>Writes the data as an event's flat map (numbers in the invariant culture).</summary>
    /// <returns>The map.</returns>
    ImmutableDictionary<string, string> ToData();
}

/// <summary>Creates and reads events with typed data.</summary>
public static class CoCreationEventDataExtensions
{
    /// <summary>Creates an event of <typeparamref name="TData"/>'s type with its data.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="data">The data.</param>
    /// <param name="id">The event id, unique within <paramref name="source"/>.</param>
    /// <param name="source">The producing system.</param>
    /// <param name="time">When it happened.</param>
    /// <param name="subject">What it is about, within the source.</param>
    /// <returns>The event.</returns>
    public static CoCreationEvent ToEvent<TData>(this TData data, string id, Uri source, DateTimeOffset time, string? subject = null)
        where TData : ICoCreationEventData<TData>
    {
        ArgumentNullException.ThrowIfNull(data);
        return new CoCreationEvent
        {
            Id = CoCreationGuard.NotBlank(id, nameof(id)),
            Source = source ?? throw new CoCreationValidationException(nameof(source), "must not be null."),
            Type = TData.EventType,
            Time = time,
            Subject = subject,
            Data = data.ToData(),
        };
    }

    /// <summary>Reads an event's typed data when the event is of <typeparamref name="TData"/>'s type.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="event">The event.</param>
    /// <param name="data">The data, when the type matches and the data parses.</param>
    /// <returns>Whether it did.</returns>
    public static bool TryGetData<TData>(this CoCreationEvent @event, out TData? data)
        where TData : ICoCreationEventData<TData>
    {
        ArgumentNullException.ThrowIfNull(@event);
        data = default;
        if (!string.Equals(@event.Type, TData.EventType, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            data = TData.FromData(@event.Data);
            return true;
        }
        catch (CoCreationValidationException)
        {
            return false;
        }
    }

    /// <summary>Reads an event's typed data.</summary>
    /// <typeparam name="TData">The data type.</typeparam>
    /// <param name="event">The event.</param>
    /// <returns>The data.</returns>
    /// <exception cref="CoCreationValidationException">The event is of another type, or its data does not parse.</exception>
    public static TData GetData<TData>(this CoCreationEvent @event)
        where TData : ICoCreationEventData<TData>
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!string.Equals(@event.Type, TData.EventType, StringComparison.Ordinal))
        {
            throw new CoCreationValidationException("Event.Type", $"is '{@event.Type}', not '{TData.EventType}'.");
        }

        return TData.FromData(@event.Data);
    }
}

/// <summary>Helpers for writing <see cref="ICoCreationEventData{TSelf}"/> records: required and optional keys, invariant numbers.</summary>
public static class EventDataMap
{
    /// <summary>A required text value.</summary>
    /// <param name="data">The data.</param>
    /// <param name="key">The key.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoCreationValidationException">It is missing or blank.</exception>
    public static string Text(IReadOnlyDictionary<string, string> data, string key)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new CoCreationValidationException("Event.Data." + key, "is required.");
    }

    /// <summary>An optional text value.</summary>
    /// <param name="data">The data.</param>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public static string? OptionalText(IReadOnlyDictionary<string, string> data, string key)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
    }

    /// <summary>A required invariant-culture number.</summary>
    /// <param name="data">The data.</param>
    /// <param name="key">The key.</param>
    /// <returns>The number.</returns>
    /// <exception cref="CoCreationValidationException">It is missing or not a number.</exception>
    public static decimal Number(IReadOnlyDictionary<string, string> data, string key)
        => OptionalNumber(data, key) ?? throw new CoCreationValidationException("Event.Data." + key, "is required.");

    /// <summary>An optional invariant-culture number.</summary>
    /// <param name="data">The data.</param>
    /// <param name="key">The key.</param>
    /// <returns>The number, or <see langword="null"/> when absent.</returns>
    /// <exception cref="CoCreationValidationException">It is present but not a number.</exception>
    public static decimal? OptionalNumber(IReadOnlyDictionary<string, string> data, string key)
    {
        var text = OptionalText(data, key);
        if (text is null)
        {
            return null;
        }

        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CoCreationValidationException("Event.Data." + key, "is not an invariant-culture number.");
    }

    /// <summary>Builds a flat map, leaving out <see langword="null"/> values and writing numbers in the invariant culture.</summary>
    /// <param name="pairs">The keys and values.</param>
    /// <returns>The map.</returns>
    public static ImmutableDictionary<string, string> Build(params ReadOnlySpan<(string Key, object? Value)> pairs)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            var text = value switch
            {
                null => null,
                string s => s,
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (text is not null)
            {
                builder[key] = text;
            }
        }

        return builder.ToImmutable();
    }
}
