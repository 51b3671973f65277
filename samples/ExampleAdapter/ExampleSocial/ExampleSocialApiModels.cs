namespace ExampleSocial;

// The ExampleSocial API's JSON, in snake_case on the wire (see ExampleSocialJson in ExampleSocialHttp.cs). Internal:
// callers see the SDK's models only.

internal sealed record ApiAccount(string Id, string Handle, string? DisplayName, DateTimeOffset? CreatedAt, string? Locale);

internal sealed record ApiAuthor(string Id, string Handle, DateTimeOffset? CreatedAt);

internal sealed record ApiPost(string Id, ApiAuthor Author, string Text, DateTimeOffset CreatedAt, string? ReplyTo, string? PollId, Uri? Url);

internal sealed record ApiNewPoll(IReadOnlyList<string> Options, long ExpiresIn, bool Multiple);

internal sealed record ApiNewPost(string Text, string? ReplyTo, string Visibility, string? Language, ApiNewPoll? Poll);

internal sealed record ApiPollOption(string Title, int Votes);

internal sealed record ApiPoll(string Id, IReadOnlyList<ApiPollOption> Options, int? Voters, DateTimeOffset ExpiresAt, bool Closed, bool Multiple);

internal sealed record ApiNewMessage(string To, string Text);

internal sealed record ApiMessage(string Id, string To, string Text, DateTimeOffset SentAt);

internal sealed record ApiPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The error body of the ExampleSocial API.</summary>
/// <param name="Error">The machine-readable code, for example <c>invalid_token</c>.</param>
/// <param name="Message">A sentence for people.</param>
internal sealed record ApiError(string? Error, string? Message);
