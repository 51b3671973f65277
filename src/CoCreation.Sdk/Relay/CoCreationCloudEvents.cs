using System.Net.Mime;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace CoCreation.Sdk;

/// <summary>
/// Converts <see cref="CoCreationEvent"/> to and from the CNCF CloudEvents SDK's <see cref="CloudEvent"/>, and to and
/// from structured-mode CloudEvents JSON (<c>application/cloudevents+json</c>), for exchanging events with other systems.
/// </summary>
/// <remarks>
/// <para>
/// The attributes map one to one (<c>id</c>, <c>source</c>, <c>type</c>, <c>time</c>, <c>subject</c>); the data is a
/// JSON object of string values with <c>datacontenttype</c> <c>application/json</c>. Reading is strict: an event
/// without a time, or whose data is not an object of strings, is refused with <see cref="CoCreationValidationException"/>
/// naming the attribute, rather than half-read.
/// </para>
/// <para>The SDK's own store and outbox keep their own format; see ADR 0012.</para>
/// </remarks>
public static class CoCreationCloudEvents
{
    /// <summary>The media type of structured-mode CloudEvents JSON.</summary>
    public const string StructuredJsonMediaType = "application/cloudevents+json";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>Converts an event to a CNCF <see cref="CloudEvent"/>.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The CloudEvent (spec version 1.0), with the data as a <see cref="JsonElement"/> object.</returns>
    /// <exception cref="CoCreationValidationException">The event lacks an id, a type or a source.</exception>
    public static CloudEvent ToCloudEvent(CoCreationEvent @event)
    {
        if (@event is null)
        {
            throw new CoCreationValidationException("event", "must not be null.");
        }

        CoCreationGuard.NotBlank(@event.Id, "Event.Id");
        CoCreationGuard.NotBlank(@event.Type, "Event.Type");
        CoCreationGuard.NotBlank(@event.Source?.OriginalString, "Event.Source");
        return new CloudEvent(CloudEventsSpecVersion.V1_0)
        {
            Id = @event.Id,
            Source = @event.Source,
            Type = @event.Type,
            Time = @event.Time,
            Subject = @event.Subject,
            DataContentType = MediaTypeNames.Application.Json,
            Data = JsonSerializer.SerializeToElement(@event.Data, CloudEventsJson.Default.ImmutableDictionaryStringString),
        };
    }

    /// <summary>Converts a CNCF <see cref="CloudEvent"/> to an event.</summary>
    /// <param name="cloudEvent">The CloudEvent.</param>
    /// <returns>The event.</returns>
    /// <exception cref="CoCreationValidationException">A required attribute is missing, or the data is not an object of strings.</exception>
    public static CoCreationEvent FromCloudEvent(CloudEvent cloudEvent)
    {
        if (cloudEvent is null)
        {
            throw new CoCreationValidationException("cloudEvent", "must not be null.");
        }

        return new CoCreationEvent
        {
            Id = CoCreationGuard.NotBlank(cloudEvent.Id, "CloudEvent.id"),
            Source = cloudEvent.Source ?? throw new CoCreationValidationException("CloudEvent.source", "is required."),
            Type = CoCreationGuard.NotBlank(cloudEvent.Type, "CloudEvent.type"),
            Time = cloudEvent.Time ?? throw new CoCreationValidationException("CloudEvent.time", "is required."),
            Subject = cloudEvent.Subject,
            Data = ReadData(cloudEvent.Data),
        };
    }

    /// <summary>Writes an event as structured-mode CloudEvents JSON.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The UTF-8 JSON (<see cref="StructuredJsonMediaType"/>).</returns>
    /// <exception cref="CoCreationValidationException">The event lacks an id, a type or a source.</exception>
    public static ReadOnlyMemory<byte> ToStructuredJson(CoCreationEvent @event)
        => Formatter.EncodeStructuredModeMessage(ToCloudEvent(@event), out _);

    /// <summary>Reads an event from structured-mode CloudEvents JSON.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <returns>The event.</returns>
    /// <exception cref="CoCreationValidationException">The JSON is not a CloudEvent (the message says why), or the event is not one the SDK can hold.</exception>
    public static CoCreationEvent FromStructuredJson(ReadOnlyMemory<byte> json)
    {
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = Formatter.DecodeStructuredModeMessage(json, new ContentType(StructuredJsonMediaType), extensionAttributes: null);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
        {
            throw new CoCreationValidationException("CloudEvent", $"is not valid structured-mode CloudEvents JSON: {ex.Message}");
        }

        return FromCloudEvent(cloudEvent);
    }

    private static ImmutableDictionary<string, string> ReadData(object? data)
    {
        if (data is null)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        if (data is not JsonElement { ValueKind: JsonValueKind.Object } element)
        {
            throw new CoCreationValidationException("CloudEvent.data", "must be a JSON object of string values.");
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw new CoCreationValidationException("CloudEvent.data." + property.Name, "must be a string.");
            }

            builder[property.Name] = property.Value.GetString()!;
        }

        return builder.ToImmutable();
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(ImmutableDictionary<string, string>))]
internal sealed partial class CloudEventsJson : System.Text.Json.Serialization.JsonSerializerContext;
