using System.Text.Json;
using System.Text.Json.Serialization;

namespace CoCreation.Sdk.Bluesky.Implementation;

// Wire shapes of the XRPC methods the adapter uses, named after their lexicons. Only the fields the adapter
// reads or writes are declared; unknown response fields are ignored.

internal sealed class XrpcErrorDto
{
    public string? Error { get; set; }

    public string? Message { get; set; }
}

internal sealed class CreateSessionRequestDto
{
    public required string Identifier { get; set; }

    public required string Password { get; set; }
}

internal sealed class SessionDto
{
    public string? Did { get; set; }

    public string? Handle { get; set; }

    public string? AccessJwt { get; set; }

    public string? RefreshJwt { get; set; }

    public string? Email { get; set; }

    public bool? Active { get; set; }
}

// Read from other people's records too, so nothing here is required: one odd record must not fail a whole listing.
internal sealed class StrongRefDto
{
    public string? Uri { get; set; }

    public string? Cid { get; set; }
}

internal sealed class ReplyRefDto
{
    public StrongRefDto? Root { get; set; }

    public StrongRefDto? Parent { get; set; }
}

internal sealed class ByteSliceDto
{
    public int ByteStart { get; set; }

    public int ByteEnd { get; set; }
}

internal sealed class FacetFeatureDto
{
    [JsonPropertyName("$type")]
    public required string Type { get; set; }

    public string? Did { get; set; }

    public string? Uri { get; set; }

    public string? Tag { get; set; }
}

internal sealed class FacetDto
{
    public required ByteSliceDto Index { get; set; }

    public required List<FacetFeatureDto> Features { get; set; }
}

internal sealed class PostRecordDto
{
    [JsonPropertyName("$type")]
    public string? Type { get; set; }

    public string? Text { get; set; }

    public List<FacetDto>? Facets { get; set; }

    public ReplyRefDto? Reply { get; set; }

    public List<string>? Langs { get; set; }

    public string? CreatedAt { get; set; }
}

internal sealed class CreateRecordRequestDto
{
    public required string Repo { get; set; }

    public required string Collection { get; set; }

    public required PostRecordDto Record { get; set; }
}

internal sealed class CreateRecordResponseDto
{
    public string? Uri { get; set; }

    public string? Cid { get; set; }
}

internal sealed class RecordDto
{
    public string? Uri { get; set; }

    public string? Cid { get; set; }

    public PostRecordDto? Value { get; set; }
}

internal sealed class ListRecordsDto
{
    public string? Cursor { get; set; }

    public List<RecordDto>? Records { get; set; }
}

internal sealed class RepoRefDto
{
    public string? Did { get; set; }

    public bool? Active { get; set; }
}

internal sealed class ListReposDto
{
    public string? Cursor { get; set; }

    public List<RepoRefDto>? Repos { get; set; }
}

internal sealed class DescribeRepoDto
{
    public string? Handle { get; set; }

    public string? Did { get; set; }
}

internal sealed class ResolveHandleDto
{
    public string? Did { get; set; }
}

internal sealed class ProfileBasicDto
{
    public string? Did { get; set; }

    public string? Handle { get; set; }

    public string? DisplayName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }
}

internal sealed class PostViewDto
{
    public string? Uri { get; set; }

    public string? Cid { get; set; }

    public ProfileBasicDto? Author { get; set; }

    public PostRecordDto? Record { get; set; }

    public DateTimeOffset? IndexedAt { get; set; }
}

internal sealed class ThreadNodeDto
{
    [JsonPropertyName("$type")]
    public string? Type { get; set; }

    public PostViewDto? Post { get; set; }

    public List<ThreadNodeDto>? Replies { get; set; }

    public string? Uri { get; set; }

    public bool? NotFound { get; set; }
}

internal sealed class PostThreadDto
{
    public ThreadNodeDto? Thread { get; set; }
}

internal sealed class SearchPostsDto
{
    public string? Cursor { get; set; }

    public List<PostViewDto>? Posts { get; set; }
}

internal sealed class NotificationDto
{
    public string? Uri { get; set; }

    public string? Cid { get; set; }

    public ProfileBasicDto? Author { get; set; }

    public string? Reason { get; set; }

    public PostRecordDto? Record { get; set; }

    public bool IsRead { get; set; }

    public DateTimeOffset? IndexedAt { get; set; }
}

internal sealed class ListNotificationsDto
{
    public string? Cursor { get; set; }

    public List<NotificationDto>? Notifications { get; set; }
}

internal sealed class ConvoDto
{
    public string? Id { get; set; }
}

internal sealed class ConvoForMembersDto
{
    public ConvoDto? Convo { get; set; }
}

internal sealed class MessageInputDto
{
    public required string Text { get; set; }

    public List<FacetDto>? Facets { get; set; }
}

internal sealed class SendMessageRequestDto
{
    public required string ConvoId { get; set; }

    public required MessageInputDto Message { get; set; }
}

internal sealed class MessageSenderDto
{
    public string? Did { get; set; }
}

internal sealed class MessageViewDto
{
    public string? Id { get; set; }

    public string? Text { get; set; }

    public MessageSenderDto? Sender { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(XrpcErrorDto))]
[JsonSerializable(typeof(CreateSessionRequestDto))]
[JsonSerializable(typeof(SessionDto))]
[JsonSerializable(typeof(CreateRecordRequestDto))]
[JsonSerializable(typeof(CreateRecordResponseDto))]
[JsonSerializable(typeof(RecordDto))]
[JsonSerializable(typeof(ListRecordsDto))]
[JsonSerializable(typeof(ListReposDto))]
[JsonSerializable(typeof(DescribeRepoDto))]
[JsonSerializable(typeof(ResolveHandleDto))]
[JsonSerializable(typeof(PostThreadDto))]
[JsonSerializable(typeof(SearchPostsDto))]
[JsonSerializable(typeof(ListNotificationsDto))]
[JsonSerializable(typeof(ConvoForMembersDto))]
[JsonSerializable(typeof(SendMessageRequestDto))]
[JsonSerializable(typeof(MessageViewDto))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class BlueskyJsonContext : JsonSerializerContext;
