using System.Globalization;
using CoCreation.Sdk;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Logging;

namespace ExampleSocial;

/// <summary>
/// An <see cref="ISnsConnector"/> on the ExampleSocial HTTP API: member sign-in, brand and member posts, native polls,
/// direct messages, search and replies. Register it with <c>AddCoCreation().AddExampleSocial(name, …)</c>.
/// </summary>
/// <remarks>
/// Safe for concurrent use. <see cref="SnsConnectorBase"/> checks every request against <see cref="Capabilities"/>
/// before this class sees it, so nothing that does not fit is ever sent.
/// </remarks>
public sealed class ExampleSocialConnector : SnsConnectorBase
{
    /// <summary>The network kind in <see cref="SnsConnectorMetadata.Network"/>.</summary>
    public const string NetworkKind = "examplesocial";

    private static readonly SnsCapabilities Limits = new()
    {
        MaxPostLength = 500,
        SupportsPolls = true,
        MaxPollOptions = 4,
        MaxPollOptionLength = 50,
        MinPollDuration = TimeSpan.FromMinutes(5),
        MaxPollDuration = TimeSpan.FromDays(7),
        SupportsMultipleChoicePolls = true,
        SupportsDirectMessages = true,
        SupportsSearch = true,
        SupportsReplies = true,
        SupportsIdempotencyKeys = true,
        SupportsMemberPosting = true,
    };

    private readonly string brandToken;
    private readonly ExampleSocialHttp http;

    /// <summary>Creates a connector. Applications use <c>AddExampleSocial</c> instead, which validates the options first.</summary>
    /// <param name="name">The name the connector is registered under.</param>
    /// <param name="options">Validated options.</param>
    /// <param name="httpClient">Returns the client to send with: its base address is the API's, and its pipeline retries by <see cref="ExampleSocialHttp.RetryRules"/>.</param>
    /// <param name="timeProvider">The clock, for <c>Retry-After</c> dates.</param>
    /// <param name="logger">Where operations and failures are logged, never with tokens.</param>
    /// <exception cref="CoCreationValidationException">The name is blank, or the options lack a base address or token.</exception>
    public ExampleSocialConnector(string name, ExampleSocialOptions options, Func<HttpClient> httpClient, TimeProvider timeProvider, ILogger<ExampleSocialConnector> logger)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.BaseAddress is null)
        {
            throw new CoCreationValidationException("ExampleSocialOptions.BaseAddress", "is required.");
        }

        brandToken = CoCreationGuard.NotBlank(options.AccessToken, "ExampleSocialOptions.AccessToken");
        Metadata = new SnsConnectorMetadata(name, NetworkKind, options.BaseAddress.Host, "ExampleSocial");
        http = new ExampleSocialHttp(name, httpClient, timeProvider, logger, brandToken);
    }

    /// <inheritdoc />
    public override SnsConnectorMetadata Metadata { get; }

    /// <inheritdoc />
    public override SnsCapabilities Capabilities => Limits;

    /// <inheritdoc />
    protected override void ValidatePost(PostRequest request)
    {
        base.ValidatePost(request);
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "PostRequest.IdempotencyKey");
    }

    /// <inheritdoc />
    protected override void ValidatePoll(PollRequest request)
    {
        base.ValidatePoll(request);
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "PollRequest.IdempotencyKey");
    }

    /// <inheritdoc />
    protected override async Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
    {
        var account = await http.SendAsync(new ApiCall("verify credentials", HttpMethod.Get, "v1/me", credential.AccessToken), ExampleSocialJson.Default.ApiAccount, cancellationToken).ConfigureAwait(false);
        return new SnsIdentity
        {
            Network = Metadata.Name,
            Subject = account.Id,
            Handle = account.Handle,
            DisplayName = account.DisplayName,
            AccountCreatedAt = account.CreatedAt,
            Locale = account.Locale,
        };
    }

    /// <inheritdoc />
    protected override async Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
    {
        var text = request.Mentions.Count == 0 ? request.Text : string.Join(' ', request.Mentions.Select(m => "@" + m.TrimStart('@'))) + " " + request.Text;
        CoCreationGuard.MaxLength(text, Capabilities.MaxPostLength, "PostRequest.Text");
        var body = new ApiNewPost(text, request.InReplyToId, Visibility(request.Visibility), request.Language, null);
        var post = await http.SendAsync(
            new ApiCall("publish", HttpMethod.Post, "v1/posts", request.Author?.AccessToken ?? brandToken) { Body = body, IdempotencyKey = request.IdempotencyKey },
            ExampleSocialJson.Default.ApiPost,
            cancellationToken).ConfigureAwait(false);
        return ToPost(post);
    }

    /// <inheritdoc />
    protected override async Task<SnsPoll> CreatePollCoreAsync(PollRequest request, CancellationToken cancellationToken)
    {
        var body = new ApiNewPost(request.Question, null, "public", null, new ApiNewPoll(request.Options, (long)request.Duration.TotalSeconds, request.AllowMultiple));
        var post = await http.SendAsync(
            new ApiCall("create poll", HttpMethod.Post, "v1/posts", request.Author?.AccessToken ?? brandToken) { Body = body, IdempotencyKey = request.IdempotencyKey },
            ExampleSocialJson.Default.ApiPost,
            cancellationToken).ConfigureAwait(false);
        if (post.PollId is null)
        {
            throw new ProviderException(Metadata.Name, $"ExampleSocial ({Metadata.Name}) published the poll's post {post.Id} without a poll.", providerErrorCode: "malformed_response");
        }

        var poll = await ReadPollAsync(post.PollId, cancellationToken).ConfigureAwait(false);
        return new SnsPoll
        {
            Id = poll.Id,
            Post = ToPost(post),
            Options = poll.Options.Select(o => o.Title).ToList(),
            ExpiresAt = poll.ExpiresAt,
            AllowMultiple = poll.Multiple,
        };
    }

    /// <inheritdoc />
    protected override async Task<PollResults> GetPollResultsCoreAsync(string pollId, CancellationToken cancellationToken)
    {
        var poll = await ReadPollAsync(pollId, cancellationToken).ConfigureAwait(false);
        return new PollResults
        {
            PollId = poll.Id,
            Options = poll.Options.Select(o => new PollOptionResult(o.Title, o.Votes)).ToList(),
            VotersCount = poll.Voters,
            ExpiresAt = poll.ExpiresAt,
            IsClosed = poll.Closed,
        };
    }

    /// <inheritdoc />
    protected override async Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
    {
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "DirectMessageRequest.IdempotencyKey");
        var message = await http.SendAsync(
            new ApiCall("send direct message", HttpMethod.Post, "v1/messages", brandToken)
            {
                Body = new ApiNewMessage(request.RecipientSubject, request.Text),
                IdempotencyKey = request.IdempotencyKey,
                Resource = ("account", request.RecipientSubject),
            },
            ExampleSocialJson.Default.ApiMessage,
            cancellationToken).ConfigureAwait(false);
        return new SnsMessage { Id = message.Id, Network = Metadata.Name, RecipientSubject = message.To, Text = message.Text, SentAt = message.SentAt };
    }

    /// <inheritdoc />
    protected override AsyncPageable<SnsPost> SearchCore(SearchQuery query, CancellationToken cancellationToken)
    {
        var since = query.Since is { } s ? "&since=" + Uri.EscapeDataString(s.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) : string.Empty;
        return Paged("search", $"v1/search?q={Uri.EscapeDataString(query.Text)}{since}", null, cancellationToken);
    }

    /// <inheritdoc />
    protected override AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
        => Paged("read replies", $"v1/posts/{Uri.EscapeDataString(postId)}/replies?", ("post", postId), cancellationToken);

    private AsyncPageable<SnsPost> Paged(string operation, string pathAndQuery, (string Kind, string Id)? resource, CancellationToken cancellationToken)
        => AsyncPageable<SnsPost>.Create(
            async (cursor, sizeHint, ct) =>
            {
                var path = pathAndQuery;
                var separator = path.EndsWith('?') ? string.Empty : "&";
                if (sizeHint is { } size)
                {
                    path += separator + "limit=" + Math.Clamp(size, 1, 100).ToString(CultureInfo.InvariantCulture);
                    separator = "&";
                }

                if (cursor is not null)
                {
                    path += separator + "cursor=" + Uri.EscapeDataString(cursor);
                }

                var page = await http.SendAsync(new ApiCall(operation, HttpMethod.Get, path.TrimEnd('?'), brandToken) { Resource = resource }, ExampleSocialJson.Default.ApiPageApiPost, ct).ConfigureAwait(false);
                return new Page<SnsPost>(page.Items.Select(ToPost).ToList(), string.IsNullOrEmpty(page.NextCursor) ? null : page.NextCursor);
            },
            cancellationToken);

    private Task<ApiPoll> ReadPollAsync(string pollId, CancellationToken cancellationToken)
        => http.SendAsync(new ApiCall("read poll", HttpMethod.Get, $"v1/polls/{Uri.EscapeDataString(pollId)}", brandToken) { Resource = ("poll", pollId) }, ExampleSocialJson.Default.ApiPoll, cancellationToken);

    private SnsPost ToPost(ApiPost post) => new()
    {
        Id = post.Id,
        Network = Metadata.Name,
        AuthorSubject = post.Author.Id,
        AuthorHandle = post.Author.Handle,
        Text = post.Text,
        CreatedAt = post.CreatedAt,
        InReplyToId = post.ReplyTo,
        PollId = post.PollId,
        Url = post.Url,
        AuthorAccountCreatedAt = post.Author.CreatedAt,
    };

    private static string Visibility(PostVisibility visibility) => visibility switch
    {
        PostVisibility.Unlisted => "unlisted",
        PostVisibility.Followers => "followers",
        _ => "public",
    };
}
