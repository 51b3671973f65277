using System.Text.Json.Serialization;

namespace CoCreation.Sdk.Mastodon.Implementation;

// Wire shapes of the Mastodon client API (snake_case through the JSON context). Only the fields the
// adapter reads or writes are declared; the rest of each entity is ignored on purpose.

internal sealed class MastodonAccountDto
{
    public string? Id { get; set; }

    public string? Username { get; set; }

    public string? Acct { get; set; }

    public string? DisplayName { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public string? Url { get; set; }

    public MastodonAccountSourceDto? Source { get; set; }
}

internal sealed class MastodonAccountSourceDto
{
    public string? Language { get; set; }
}

internal sealed class MastodonMentionDto
{
    public string? Id { get; set; }

    public string? Acct { get; set; }
}

internal sealed class MastodonStatusDto
{
    public string? Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? Content { get; set; }

    public string? Visibility { get; set; }

    public string? InReplyToId { get; set; }

    public string? Url { get; set; }

    public MastodonAccountDto? Account { get; set; }

    public MastodonPollDto? Poll { get; set; }

    public List<MastodonMentionDto>? Mentions { get; set; }
}

internal sealed class MastodonPollOptionDto
{
    public string? Title { get; set; }

    public int? VotesCount { get; set; }
}

internal sealed class MastodonPollDto
{
    public string? Id { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public bool Expired { get; set; }

    public bool Multiple { get; set; }

    public int VotesCount { get; set; }

    public int? VotersCount { get; set; }

    public List<MastodonPollOptionDto>? Options { get; set; }
}

internal sealed class MastodonContextDto
{
    public List<MastodonStatusDto>? Ancestors { get; set; }

    public List<MastodonStatusDto>? Descendants { get; set; }
}

internal sealed class MastodonSearchDto
{
    public List<MastodonStatusDto>? Statuses { get; set; }
}

internal sealed class MastodonNotificationDto
{
    public string? Id { get; set; }

    public string? Type { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public MastodonAccountDto? Account { get; set; }

    public MastodonStatusDto? Status { get; set; }
}

internal sealed class MastodonInstanceDto
{
    public string? Domain { get; set; }

    public MastodonInstanceConfigurationDto? Configuration { get; set; }
}

internal sealed class MastodonInstanceConfigurationDto
{
    public MastodonStatusLimitsDto? Statuses { get; set; }

    public MastodonPollLimitsDto? Polls { get; set; }
}

internal sealed class MastodonStatusLimitsDto
{
    public int? MaxCharacters { get; set; }
}

internal sealed class MastodonPollLimitsDto
{
    public int? MaxOptions { get; set; }

    public int? MaxCharactersPerOption { get; set; }

    public int? MinExpiration { get; set; }

    public int? MaxExpiration { get; set; }
}

internal sealed class MastodonErrorDto
{
    public string? Error { get; set; }

    public string? ErrorDescription { get; set; }
}

internal sealed class CreateStatusRequestDto
{
    public required string Status { get; set; }

    public string? Visibility { get; set; }

    public string? InReplyToId { get; set; }

    public string? Language { get; set; }

    public CreatePollRequestDto? Poll { get; set; }
}

internal sealed class CreatePollRequestDto
{
    public required List<string> Options { get; set; }

    public required int ExpiresIn { get; set; }

    public bool Multiple { get; set; }
}

internal sealed class CreateAppRequestDto
{
    public required string ClientName { get; set; }

    public required List<string> RedirectUris { get; set; }

    public required string Scopes { get; set; }

    public string? Website { get; set; }
}

internal sealed class CredentialApplicationDto
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public List<string>? RedirectUris { get; set; }

    public List<string>? Scopes { get; set; }
}

internal sealed class TokenRequestDto
{
    public required string GrantType { get; set; }

    public required string Code { get; set; }

    public required string ClientId { get; set; }

    public required string ClientSecret { get; set; }

    public required string RedirectUri { get; set; }

    public string? CodeVerifier { get; set; }

    public string? Scope { get; set; }
}

internal sealed class TokenDto
{
    public string? AccessToken { get; set; }

    public string? TokenType { get; set; }

    public string? Scope { get; set; }

    public double? CreatedAt { get; set; }
}

internal sealed class RevokeRequestDto
{
    public required string ClientId { get; set; }

    public required string ClientSecret { get; set; }

    public required string Token { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MastodonAccountDto))]
[JsonSerializable(typeof(MastodonStatusDto))]
[JsonSerializable(typeof(MastodonPollDto))]
[JsonSerializable(typeof(MastodonContextDto))]
[JsonSerializable(typeof(MastodonSearchDto))]
[JsonSerializable(typeof(List<MastodonNotificationDto>))]
[JsonSerializable(typeof(MastodonInstanceDto))]
[JsonSerializable(typeof(MastodonErrorDto))]
[JsonSerializable(typeof(CreateStatusRequestDto))]
[JsonSerializable(typeof(CreateAppRequestDto))]
[JsonSerializable(typeof(CredentialApplicationDto))]
[JsonSerializable(typeof(TokenRequestDto))]
[JsonSerializable(typeof(TokenDto))]
[JsonSerializable(typeof(RevokeRequestDto))]
internal sealed partial class MastodonJsonContext : JsonSerializerContext;
