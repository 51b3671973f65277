using System.Text.Json.Serialization;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

// Wire shapes of Drive v3 and Calendar v3 (camelCase, as the discovery documents name them). Only the fields the
// adapter reads or writes are declared; Google's other fields are ignored on purpose. int64 values travel as strings.

internal sealed class DriveUserDto
{
    public string? EmailAddress { get; set; }

    public string? DisplayName { get; set; }

    public string? PermissionId { get; set; }
}

internal sealed class DriveFileDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? MimeType { get; set; }

    public string? Description { get; set; }

    public List<string>? Parents { get; set; }

    public DateTimeOffset? CreatedTime { get; set; }

    public DateTimeOffset? ModifiedTime { get; set; }

    public string? Version { get; set; }

    public string? WebViewLink { get; set; }

    public bool? Trashed { get; set; }

    public DriveUserDto? LastModifyingUser { get; set; }
}

internal sealed class DrivePermissionDto
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public string? Role { get; set; }

    public string? EmailAddress { get; set; }
}

internal sealed class DriveChangeDto
{
    public string? ChangeType { get; set; }

    public string? FileId { get; set; }

    public bool? Removed { get; set; }

    public DateTimeOffset? Time { get; set; }

    public DriveFileDto? File { get; set; }
}

internal sealed class DriveChangeListDto
{
    public string? NextPageToken { get; set; }

    public string? NewStartPageToken { get; set; }

    public List<DriveChangeDto>? Changes { get; set; }
}

internal sealed class DriveStartPageTokenDto
{
    public string? StartPageToken { get; set; }
}

internal sealed class DriveFileListDto
{
    public string? NextPageToken { get; set; }

    public List<DriveFileDto>? Files { get; set; }
}

/// <summary>A push channel (Drive's and Calendar's <c>Channel</c> schema).</summary>
internal sealed class ChannelDto
{
    public string? Id { get; set; }

    public string? ResourceId { get; set; }

    public string? ResourceUri { get; set; }

    public string? Token { get; set; }

    public string? Expiration { get; set; }

    public string? Type { get; set; }

    public string? Address { get; set; }
}

internal sealed class CalendarDto
{
    public string? Id { get; set; }

    public string? Summary { get; set; }

    public string? Description { get; set; }

    public string? TimeZone { get; set; }
}

internal sealed class AclScopeDto
{
    public string? Type { get; set; }

    public string? Value { get; set; }
}

internal sealed class AclRuleDto
{
    public string? Id { get; set; }

    public string? Role { get; set; }

    public AclScopeDto? Scope { get; set; }
}

internal sealed class EventDateTimeDto
{
    public DateTimeOffset? DateTime { get; set; }

    public string? TimeZone { get; set; }
}

internal sealed class EventAttendeeDto
{
    public string? Email { get; set; }

    public string? DisplayName { get; set; }

    public bool? Optional { get; set; }
}

internal sealed class EventCreatorDto
{
    public string? Email { get; set; }
}

internal sealed class EventDto
{
    public string? Id { get; set; }

    public string? Status { get; set; }

    public string? Summary { get; set; }

    public string? Description { get; set; }

    public EventDateTimeDto? Start { get; set; }

    public EventDateTimeDto? End { get; set; }

    public List<EventAttendeeDto>? Attendees { get; set; }

    public DateTimeOffset? Created { get; set; }

    public DateTimeOffset? Updated { get; set; }

    public string? HtmlLink { get; set; }

    public EventCreatorDto? Creator { get; set; }
}

internal sealed class EventsDto
{
    public string? NextPageToken { get; set; }

    public string? NextSyncToken { get; set; }

    public List<EventDto>? Items { get; set; }
}

internal sealed class GoogleErrorItemDto
{
    public string? Domain { get; set; }

    public string? Reason { get; set; }

    public string? Message { get; set; }
}

internal sealed class GoogleErrorDto
{
    public int? Code { get; set; }

    public string? Message { get; set; }

    public string? Status { get; set; }

    public List<GoogleErrorItemDto>? Errors { get; set; }
}

internal sealed class GoogleErrorEnvelopeDto
{
    public GoogleErrorDto? Error { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DriveFileDto))]
[JsonSerializable(typeof(DrivePermissionDto))]
[JsonSerializable(typeof(DriveChangeListDto))]
[JsonSerializable(typeof(DriveStartPageTokenDto))]
[JsonSerializable(typeof(DriveFileListDto))]
[JsonSerializable(typeof(ChannelDto))]
[JsonSerializable(typeof(CalendarDto))]
[JsonSerializable(typeof(AclRuleDto))]
[JsonSerializable(typeof(EventDto))]
[JsonSerializable(typeof(EventsDto))]
[JsonSerializable(typeof(GoogleErrorEnvelopeDto))]
internal sealed partial class GoogleJsonContext : JsonSerializerContext;
