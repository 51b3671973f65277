using System.Collections.Concurrent;
using System.Globalization;
using CoCreation.Sdk.Bluesky.Implementation;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Bluesky;

/// <summary>
/// An <see cref="ISnsConnector"/> for one brand account on Bluesky (any AT Protocol PDS), over XRPC: member sign-in
/// (<c>com.atproto.server.getSession</c> on the member's access token), posts and replies
/// (<c>com.atproto.repo.createRecord</c> with <c>app.bsky.feed.post</c> records carrying mention and link facets),
/// thread reading, search, the brand's notifications, and direct messages through a chat service.
/// </summary>
/// <remarks>
/// <para>
/// Bluesky has no polls: <see cref="Capabilities"/> says so, and the core's numbered-reply fallback asks the question
/// as a post and counts the replies read with <see cref="SnsConnectorBase.GetRepliesAsync"/>. Posts are always public
/// and limited to 300 grapheme clusters (and 3000 UTF-8 bytes); both are checked before anything is sent. XRPC has no
/// idempotency keys, so <see cref="PostRequest.IdempotencyKey"/> is ignored and posts are never retried.
/// </para>
/// <para>
/// The brand signs in with its app password on first use; when the access token expires the session is refreshed
/// (<c>refreshSession</c>) and the refused call is sent once more. Member calls carry the member's access token on that
/// request only. Tokens and passwords never appear in exception messages or logs.
/// </para>
/// <para>Instances are safe for concurrent use; register them with <c>AddBluesky</c>.</para>
/// </remarks>
public sealed partial class BlueskyConnector : SnsConnectorBase
{
    private const string PostCollection = "app.bsky.feed.post";
    private const string MentionFeature = "app.bsky.richtext.facet#mention";
    private const string LinkFeature = "app.bsky.richtext.facet#link";
    private const int DefaultSearchPageSize = 25;
    private const int MaxSearchPageSize = 100;
    private const int DefaultRepliesPageSize = 50;
    private const int NotificationPageSize = 50;
    private const int ThreadDepth = 1000;
    private const int RepoPageSize = 1000;
    private const int RecordPageSize = 100;

    private readonly BlueskyOptions options;
    private readonly XrpcClient xrpc;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, string> handles = new(StringComparer.Ordinal);

    internal BlueskyConnector(string name, BlueskyOptions options, Func<HttpClient> httpClientFactory, TimeProvider time, ILogger logger)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        new BlueskyOptionsValidator().ThrowIfInvalid(name, options);

        this.options = options;
        this.time = time;
        this.logger = logger;
        xrpc = new XrpcClient(name, httpClientFactory, time, logger);
        Metadata = new SnsConnectorMetadata(name, "bluesky", options.Service!.Authority, $"Bluesky ({options.Service.Authority})");
        Capabilities = new SnsCapabilities
        {
            MaxPostLength = BlueskyText.MaxGraphemes,
            SupportsPolls = false,
            SupportsDirectMessages = options.ChatService is not null,
            SupportsSearch = options.ReadMode == BlueskyReadMode.AppView,
            SupportsReplies = true,
            SupportsIdempotencyKeys = false,
            SupportsMemberPosting = true,
        };
    }

    /// <inheritdoc />
    public override SnsConnectorMetadata Metadata { get; }

    /// <inheritdoc />
    /// <remarks>
    /// 300 characters (grapheme clusters), no polls, replies, member posting; search only in
    /// <see cref="BlueskyReadMode.AppView"/>; direct messages only with <see cref="BlueskyOptions.ChatService"/> set.
    /// </remarks>
    public override SnsCapabilities Capabilities { get; }

    /// <summary>The rate-limit state (<c>RateLimit-*</c>) of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => xrpc.LastRateLimit;

    /// <summary>Signs an account in with its handle (or DID) and an app password (<c>com.atproto.server.createSession</c>).</summary>
    /// <param name="identifier">The handle or DID.</param>
    /// <param name="appPassword">An app password of the account.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session; pass <see cref="BlueskySession.ToCredential"/> to member calls.</returns>
    /// <exception cref="CoCreationValidationException">The identifier or password is blank.</exception>
    /// <exception cref="CredentialException">The server refused the identifier or password.</exception>
    public Task<BlueskySession> CreateSessionAsync(string identifier, string appPassword, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(identifier, nameof(identifier));
        CoCreationGuard.NotBlank(appPassword, nameof(appPassword));
        return CreateSessionCoreAsync(identifier.Trim(), appPassword, "member", cancellationToken);
    }

    /// <summary>Trades a refresh token for a new session (<c>com.atproto.server.refreshSession</c>).</summary>
    /// <param name="refreshJwt">The session's <see cref="BlueskySession.RefreshJwt"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new session; the old refresh token is no longer valid.</returns>
    /// <exception cref="CoCreationValidationException">The token is blank.</exception>
    /// <exception cref="CredentialException">The refresh token is unknown, expired or already used.</exception>
    public Task<BlueskySession> RefreshSessionAsync(string refreshJwt, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(refreshJwt, nameof(refreshJwt));
        return RefreshSessionCoreAsync(refreshJwt, "member", cancellationToken);
    }

    /// <summary>Returns the brand account the connector publishes as, signing it in if needed.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The brand's identity; its subject is the brand's DID.</returns>
    /// <exception cref="CredentialException">The brand's identifier or app password is refused.</exception>
    public Task<SnsIdentity> GetBrandIdentityAsync(CancellationToken cancellationToken = default)
        => AsBrandAsync(session => GetSessionIdentityAsync(session.AccessJwt, "brand", cancellationToken), cancellationToken);

    /// <summary>
    /// Reads one page of the brand's notifications about posts that mention, reply to or quote it
    /// (<c>app.bsky.notification.listNotifications</c>), newest first.
    /// </summary>
    /// <param name="cursor">The cursor of the previous page for older notifications; <see langword="null"/> for the newest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notifications and the cursor to the older ones.</returns>
    /// <exception cref="CapabilityNotSupportedException">The connector reads from repositories (<see cref="BlueskyReadMode.PdsRepositories"/>), which have no notifications.</exception>
    /// <exception cref="CredentialException">The brand's credential is refused.</exception>
    /// <exception cref="ProviderException">The server failed the call.</exception>
    public async Task<BlueskyNotificationPage> ReadNotificationsAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        if (options.ReadMode != BlueskyReadMode.AppView)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "notifications without an AppView");
        }

        var after = string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim();
        var call = new HttpCall("app.bsky.notification.listNotifications", "brand");
        var page = await AsBrandAsync(
            session => xrpc.QueryAsync(
                call,
                [
                    new("reasons", "mention"),
                    new("reasons", "reply"),
                    new("reasons", "quote"),
                    new("limit", NotificationPageSize.ToString(CultureInfo.InvariantCulture)),
                    new("cursor", after),
                ],
                session.AccessJwt,
                BlueskyJsonContext.Default.ListNotificationsDto,
                cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var notifications = new List<BlueskyNotification>();
        foreach (var dto in page.Notifications ?? [])
        {
            BlueskyNotificationKind? kind = dto.Reason switch
            {
                "mention" => BlueskyNotificationKind.Mention,
                "reply" => BlueskyNotificationKind.Reply,
                "quote" => BlueskyNotificationKind.Quote,
                _ => null,
            };
            if (kind is null)
            {
                continue;
            }

            if (dto.Uri is null || dto.Author?.Did is null || dto.Author.Handle is null || dto.Record is null)
            {
                throw xrpc.Malformed(call);
            }

            var post = ToPost(dto.Uri, dto.Author.Did, dto.Author.Handle, dto.Record, dto.IndexedAt, call);
            notifications.Add(new BlueskyNotification
            {
                Id = dto.Uri,
                Kind = kind.Value,
                IndexedAt = dto.IndexedAt ?? post.CreatedAt,
                IsRead = dto.IsRead,
                Author = ToIdentity(dto.Author, call),
                Post = post,
            });
        }

        return new BlueskyNotificationPage(notifications, notifications.Count > 0 || (page.Notifications?.Count ?? 0) > 0 ? page.Cursor : null);
    }

    /// <summary>Checks the post against Bluesky's rules before anything is sent.</summary>
    /// <param name="request">The post.</param>
    /// <exception cref="CoCreationValidationException">The text is too long (graphemes or bytes), or the reply target is not a post's AT URI.</exception>
    /// <exception cref="CapabilityNotSupportedException">The post asks for a visibility other than public.</exception>
    protected override void ValidatePost(PostRequest request)
    {
        base.ValidatePost(request);
        if (BlueskyText.CheckLimits(request.Text) is { } problem)
        {
            throw new CoCreationValidationException("PostRequest.Text", problem);
        }

        if (request.Visibility != PostVisibility.Public)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, $"{request.Visibility.ToString().ToLowerInvariant()} posts (every Bluesky post is public)");
        }

        if (request.InReplyToId is { } parent && (!AtUri.TryParse(parent.Trim(), out var uri) || uri.Collection != PostCollection))
        {
            throw new CoCreationValidationException("PostRequest.InReplyToId", $"must be the AT URI of a post (at://…/{PostCollection}/…).");
        }
    }

    /// <inheritdoc />
    protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
        => GetSessionIdentityAsync(credential.AccessToken, "member", cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Handles in <see cref="PostRequest.Mentions"/> that the text lacks are appended as <c>@handle</c>; each becomes a
    /// mention facet pointing at the DID the server resolves the handle to. Web links in the text become link facets.
    /// A reply carries strong references to the thread's root and to its parent.
    /// </remarks>
    protected override async Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
    {
        var (text, added) = BlueskyText.WithMentions(request.Text, request.Mentions);
        if (BlueskyText.CheckLimits(text) is { } problem)
        {
            throw new CoCreationValidationException(added.Count > 0 ? "PostRequest.Mentions" : "PostRequest.Text", problem + " (with the mentions appended)");
        }

        // Reads first, so that a bad mention or a missing parent refuses the post before anything is written.
        var facets = await BuildFacetsAsync(text, request.Mentions, cancellationToken).ConfigureAwait(false);
        var reply = request.InReplyToId is { } parent ? await ReplyRefAsync(parent.Trim(), cancellationToken).ConfigureAwait(false) : null;
        var createdAt = time.GetUtcNow();
        var record = new PostRecordDto
        {
            Type = PostCollection,
            Text = text,
            Facets = facets.Count > 0 ? facets : null,
            Reply = reply,
            Langs = string.IsNullOrWhiteSpace(request.Language) ? null : [request.Language.Trim()],
            CreatedAt = FormatTime(createdAt),
        };

        if (request.Author is { } author)
        {
            var member = await GetSessionAsync(author.AccessToken, "member", cancellationToken).ConfigureAwait(false);
            return await CreatePostAsync(member.Did!, member.Handle!, author.AccessToken, "member", record, createdAt, cancellationToken).ConfigureAwait(false);
        }

        return await AsBrandAsync(
            session => CreatePostAsync(session.Did, session.Handle, session.AccessJwt, "brand", record, createdAt, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Opens (or reuses) the conversation with the recipient (<c>chat.bsky.convo.getConvoForMembers</c>) and sends the
    /// message (<c>chat.bsky.convo.sendMessage</c>), both through the chat service named in
    /// <see cref="BlueskyOptions.ChatService"/> (<c>atproto-proxy</c> header). The recipient is addressed by DID.
    /// </remarks>
    protected override async Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
    {
        var recipient = request.RecipientSubject.Trim();
        if (!recipient.StartsWith("did:", StringComparison.Ordinal))
        {
            throw new CoCreationValidationException("DirectMessageRequest.RecipientSubject", "must be the recipient's DID (did:…).");
        }

        if (request.Text.Length > 10000 || BlueskyText.Utf8Length(request.Text) > 10000)
        {
            throw new CoCreationValidationException("DirectMessageRequest.Text", "a Bluesky message has at most 10000 bytes of UTF-8.");
        }

        var proxy = options.ChatService!;
        var convoCall = new HttpCall("chat.bsky.convo.getConvoForMembers", "brand", "account", recipient);
        var sendCall = new HttpCall("chat.bsky.convo.sendMessage", "brand");
        var message = await AsBrandAsync(
            async session =>
            {
                var convo = await xrpc.QueryAsync(convoCall, [new("members", recipient)], session.AccessJwt, BlueskyJsonContext.Default.ConvoForMembersDto, cancellationToken, proxy).ConfigureAwait(false);
                if (convo.Convo?.Id is not { Length: > 0 } convoId)
                {
                    throw xrpc.Malformed(convoCall);
                }

                var body = new SendMessageRequestDto { ConvoId = convoId, Message = new MessageInputDto { Text = request.Text } };
                return await xrpc.ProcedureAsync(sendCall, body, BlueskyJsonContext.Default.SendMessageRequestDto, session.AccessJwt, BlueskyJsonContext.Default.MessageViewDto, cancellationToken, proxy).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (message.Id is not { Length: > 0 } id)
        {
            throw xrpc.Malformed(sendCall);
        }

        return new SnsMessage { Id = id, Network = Metadata.Name, RecipientSubject = recipient, Text = message.Text ?? request.Text, SentAt = message.SentAt ?? time.GetUtcNow() };
    }

    /// <inheritdoc />
    /// <remarks>
    /// <c>app.bsky.feed.searchPosts</c> sorted by <c>latest</c>; pages continue with the server's cursor.
    /// <see cref="SearchQuery.Since"/> is sent as <c>since</c>.
    /// </remarks>
    protected override AsyncPageable<SnsPost> SearchCore(SearchQuery query, CancellationToken cancellationToken)
    {
        var text = query.Text.Trim();
        var since = query.Since is { } s ? FormatTime(s.ToUniversalTime()) : null;
        return AsyncPageable<SnsPost>.Create(
            async (continuation, hint, ct) =>
            {
                var size = Math.Clamp(hint ?? DefaultSearchPageSize, 1, MaxSearchPageSize);
                var call = new HttpCall("app.bsky.feed.searchPosts", "brand");
                var result = await AsBrandAsync(
                    session => xrpc.QueryAsync(
                        call,
                        [
                            new("q", text),
                            new("sort", "latest"),
                            new("since", since),
                            new("limit", size.ToString(CultureInfo.InvariantCulture)),
                            new("cursor", continuation),
                        ],
                        session.AccessJwt,
                        BlueskyJsonContext.Default.SearchPostsDto,
                        ct),
                    ct).ConfigureAwait(false);
                var posts = (result.Posts ?? []).Select(p => ToPost(p, call)).ToList();
                var next = posts.Count > 0 && !string.IsNullOrEmpty(result.Cursor) ? result.Cursor : null;
                return new Page<SnsPost>(posts, next);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the whole thread below the post (<c>app.bsky.feed.getPostThread</c>, or the PDS's repositories in
    /// <see cref="BlueskyReadMode.PdsRepositories"/>) and pages it oldest first; tokens are the last reply's AT URI.
    /// The post may itself be a reply (a follow-up question further down a thread): only what hangs below it is read.
    /// </remarks>
    protected override AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
    {
        var id = postId.Trim();
        if (!AtUri.TryParse(id, out var uri) || uri.Collection != PostCollection)
        {
            throw new CoCreationValidationException(nameof(postId), $"must be the AT URI of a post (at://…/{PostCollection}/…).");
        }

        return AsyncPageable<SnsPost>.Create(
            async (continuation, hint, ct) =>
            {
                var thread = options.ReadMode == BlueskyReadMode.AppView
                    ? await ReadThreadFromAppViewAsync(id, ct).ConfigureAwait(false)
                    : await ReadThreadFromRepositoriesAsync(uri, ct).ConfigureAwait(false);
                thread = [.. thread.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)];
                var start = 0;
                if (continuation is not null)
                {
                    var index = thread.FindIndex(p => p.Id == continuation);
                    if (index < 0)
                    {
                        throw new CoCreationValidationException("continuationToken", "names a reply that is no longer in the thread; read the replies again from the start.");
                    }

                    start = index + 1;
                }

                var size = Math.Max(1, hint ?? DefaultRepliesPageSize);
                var page = thread.Skip(start).Take(size).ToList();
                var next = start + page.Count < thread.Count && page.Count > 0 ? page[^1].Id : null;
                return new Page<SnsPost>(page, next);
            },
            cancellationToken);
    }

    private async Task<List<SnsPost>> ReadThreadFromAppViewAsync(string id, CancellationToken cancellationToken)
    {
        var call = new HttpCall("app.bsky.feed.getPostThread", "brand", "post", id);
        var result = await AsBrandAsync(
            session => xrpc.QueryAsync(
                call,
                [new("uri", id), new("depth", ThreadDepth.ToString(CultureInfo.InvariantCulture)), new("parentHeight", "0")],
                session.AccessJwt,
                BlueskyJsonContext.Default.PostThreadDto,
                cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (result.Thread is not { } root)
        {
            throw xrpc.Malformed(call);
        }

        if (root.NotFound == true || root.Post is null)
        {
            throw new ResourceNotFoundException(Metadata.Name, "post", id);
        }

        var replies = new List<SnsPost>();
        var pending = new Stack<ThreadNodeDto>(root.Replies ?? []);
        while (pending.TryPop(out var node))
        {
            // Blocked and deleted replies come as other union members without a post; they are not readable replies.
            if (node.Post is null)
            {
                continue;
            }

            replies.Add(ToPost(node.Post, call));
            foreach (var child in node.Replies ?? [])
            {
                pending.Push(child);
            }
        }

        return replies;
    }

    private async Task<List<SnsPost>> ReadThreadFromRepositoriesAsync(AtUri post, CancellationToken cancellationToken)
    {
        // Fails with not-found before the scan when the post itself is gone.
        var postRecord = await GetPostRecordAsync(post, cancellationToken).ConfigureAwait(false);
        var postUri = postRecord.Uri ?? post.ToString();

        // Every record of a thread names the thread's root in reply.root, whatever post it answers. A post that is
        // itself a reply (a follow-up question further down a thread) is therefore found by scanning for its thread's
        // root and keeping only what hangs below it.
        var rootUri = postRecord.Value?.Reply?.Root?.Uri is { Length: > 0 } threadRoot ? threadRoot : postUri;
        var thread = await ScanThreadAsync(rootUri, cancellationToken).ConfigureAwait(false);
        return rootUri == postUri ? thread : Below(postUri, thread);
    }

    /// <summary>The posts of <paramref name="thread"/> that descend from <paramref name="postUri"/> through their parents.</summary>
    private static List<SnsPost> Below(string postUri, List<SnsPost> thread)
    {
        var children = thread.Where(p => p.InReplyToId is not null).ToLookup(p => p.InReplyToId!, StringComparer.Ordinal);
        var below = new List<SnsPost>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { postUri };
        var pending = new Stack<string>();
        pending.Push(postUri);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in children[parent])
            {
                if (seen.Add(child.Id))
                {
                    below.Add(child);
                    pending.Push(child.Id);
                }
            }
        }

        return below;
    }

    private async Task<List<SnsPost>> ScanThreadAsync(string rootUri, CancellationToken cancellationToken)
    {
        var replies = new List<SnsPost>();
        var reposCall = new HttpCall("com.atproto.sync.listRepos", "no");
        string? repoCursor = null;
        while (true)
        {
            var repos = await xrpc.QueryAsync(
                reposCall,
                [new("limit", RepoPageSize.ToString(CultureInfo.InvariantCulture)), new("cursor", repoCursor)],
                null,
                BlueskyJsonContext.Default.ListReposDto,
                cancellationToken).ConfigureAwait(false);
            foreach (var repo in repos.Repos ?? [])
            {
                if (repo.Did is null || repo.Active == false)
                {
                    continue;
                }

                await CollectRepliesAsync(repo.Did, rootUri, replies, cancellationToken).ConfigureAwait(false);
            }

            if ((repos.Repos?.Count ?? 0) < RepoPageSize || string.IsNullOrEmpty(repos.Cursor))
            {
                return replies;
            }

            repoCursor = repos.Cursor;
        }
    }

    private async Task CollectRepliesAsync(string did, string rootUri, List<SnsPost> replies, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.repo.listRecords", "no", "repository", did);
        string? cursor = null;
        while (true)
        {
            var page = await xrpc.QueryAsync(
                call,
                [new("repo", did), new("collection", PostCollection), new("limit", RecordPageSize.ToString(CultureInfo.InvariantCulture)), new("cursor", cursor)],
                null,
                BlueskyJsonContext.Default.ListRecordsDto,
                cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records ?? [])
            {
                if (record.Uri is not null && record.Value?.Reply?.Root?.Uri == rootUri)
                {
                    var handle = await HandleOfAsync(did, cancellationToken).ConfigureAwait(false);
                    replies.Add(ToPost(record.Uri, did, handle, record.Value, null, call));
                }
            }

            if ((page.Records?.Count ?? 0) < RecordPageSize || string.IsNullOrEmpty(page.Cursor))
            {
                return;
            }

            cursor = page.Cursor;
        }
    }

    private async Task<string> HandleOfAsync(string did, CancellationToken cancellationToken)
    {
        if (handles.TryGetValue(did, out var known))
        {
            return known;
        }

        var call = new HttpCall("com.atproto.repo.describeRepo", "no", "repository", did);
        var described = await xrpc.QueryAsync(call, [new("repo", did)], null, BlueskyJsonContext.Default.DescribeRepoDto, cancellationToken).ConfigureAwait(false);
        var handle = described.Handle ?? throw xrpc.Malformed(call);
        handles[did] = handle;
        return handle;
    }

    private async Task<List<FacetDto>> BuildFacetsAsync(string text, IReadOnlyList<string> mentions, CancellationToken cancellationToken)
    {
        var facets = new List<FacetDto>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mentions.Count; i++)
        {
            var handle = BlueskyText.NormalizeHandle(mentions[i]);
            if (!seen.Add(handle))
            {
                continue;
            }

            var range = BlueskyText.FindMention(text, handle) ?? throw new CoCreationValidationException($"PostRequest.Mentions[{i}]", "is not a handle that can be mentioned.");
            var did = await ResolveHandleAsync(handle, $"PostRequest.Mentions[{i}]", cancellationToken).ConfigureAwait(false);
            facets.Add(new FacetDto
            {
                Index = new ByteSliceDto { ByteStart = range.Start, ByteEnd = range.End },
                Features = [new FacetFeatureDto { Type = MentionFeature, Did = did }],
            });
        }

        foreach (var (range, link) in BlueskyText.FindLinks(text))
        {
            facets.Add(new FacetDto
            {
                Index = new ByteSliceDto { ByteStart = range.Start, ByteEnd = range.End },
                Features = [new FacetFeatureDto { Type = LinkFeature, Uri = link }],
            });
        }

        facets.Sort((a, b) => a.Index.ByteStart.CompareTo(b.Index.ByteStart));
        return facets;
    }

    private async Task<string> ResolveHandleAsync(string handle, string field, CancellationToken cancellationToken)
    {
        if (handle.StartsWith("did:", StringComparison.Ordinal))
        {
            return handle;
        }

        var call = new HttpCall("com.atproto.identity.resolveHandle", "no");
        try
        {
            var resolved = await xrpc.QueryAsync(call, [new("handle", handle)], null, BlueskyJsonContext.Default.ResolveHandleDto, cancellationToken).ConfigureAwait(false);
            return resolved.Did is { Length: > 0 } did ? did : throw xrpc.Malformed(call);
        }
        catch (ProviderException ex) when (ex.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.NotFound)
        {
            throw new CoCreationValidationException(field, $"no Bluesky account has the handle '{handle}'.");
        }
    }

    private async Task<ReplyRefDto> ReplyRefAsync(string parentId, CancellationToken cancellationToken)
    {
        AtUri.TryParse(parentId, out var parentUri);
        var parent = await GetPostRecordAsync(parentUri, cancellationToken).ConfigureAwait(false);
        var parentRef = new StrongRefDto { Uri = parent.Uri ?? parentId, Cid = parent.Cid! };
        var root = parent.Value?.Reply?.Root is { Uri.Length: > 0, Cid.Length: > 0 } threadRoot
            ? new StrongRefDto { Uri = threadRoot.Uri, Cid = threadRoot.Cid }
            : parentRef;
        return new ReplyRefDto { Root = root, Parent = parentRef };
    }

    private async Task<RecordDto> GetPostRecordAsync(AtUri uri, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.repo.getRecord", "no", "post", uri.ToString());
        var record = await xrpc.QueryAsync(
            call,
            [new("repo", uri.Repo), new("collection", uri.Collection), new("rkey", uri.RecordKey)],
            null,
            BlueskyJsonContext.Default.RecordDto,
            cancellationToken).ConfigureAwait(false);
        return record.Cid is { Length: > 0 } && record.Value is not null ? record : throw xrpc.Malformed(call);
    }

    private async Task<SnsPost> CreatePostAsync(string did, string handle, string token, string owner, PostRecordDto record, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.repo.createRecord", owner);
        var body = new CreateRecordRequestDto { Repo = did, Collection = PostCollection, Record = record };
        var created = await xrpc.ProcedureAsync(call, body, BlueskyJsonContext.Default.CreateRecordRequestDto, token, BlueskyJsonContext.Default.CreateRecordResponseDto, cancellationToken).ConfigureAwait(false);
        if (created.Uri is not { Length: > 0 } uri)
        {
            throw xrpc.Malformed(call);
        }

        return new SnsPost
        {
            Id = uri,
            Network = Metadata.Name,
            AuthorSubject = did,
            AuthorHandle = handle,
            Text = record.Text!,
            CreatedAt = createdAt,
            InReplyToId = record.Reply?.Parent?.Uri,
        };
    }

    private async Task<SnsIdentity> GetSessionIdentityAsync(string token, string owner, CancellationToken cancellationToken)
    {
        var session = await GetSessionAsync(token, owner, cancellationToken).ConfigureAwait(false);
        return new SnsIdentity { Network = Metadata.Name, Subject = session.Did!, Handle = session.Handle! };
    }

    private async Task<SessionDto> GetSessionAsync(string token, string owner, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.server.getSession", owner, Secrets: [token]);
        var session = await xrpc.QueryAsync(call, [], token, BlueskyJsonContext.Default.SessionDto, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(session.Did) || string.IsNullOrEmpty(session.Handle))
        {
            throw xrpc.Malformed(call);
        }

        if (session.Active == false)
        {
            throw new CredentialException(Metadata.Name, $"Bluesky ({Metadata.Name}) says the {owner} account {session.Did} is not active.");
        }

        return session;
    }

    private async Task<BlueskySession> CreateSessionCoreAsync(string identifier, string password, string owner, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.server.createSession", owner, Secrets: [password]);
        var body = new CreateSessionRequestDto { Identifier = identifier, Password = password };
        var session = await xrpc.ProcedureAsync(call, body, BlueskyJsonContext.Default.CreateSessionRequestDto, null, BlueskyJsonContext.Default.SessionDto, cancellationToken).ConfigureAwait(false);
        return ToSession(session, call);
    }

    private async Task<BlueskySession> RefreshSessionCoreAsync(string refreshJwt, string owner, CancellationToken cancellationToken)
    {
        var call = new HttpCall("com.atproto.server.refreshSession", owner, Secrets: [refreshJwt]);
        var session = await xrpc.ProcedureAsync<CreateSessionRequestDto, SessionDto>(call, null, BlueskyJsonContext.Default.CreateSessionRequestDto, refreshJwt, BlueskyJsonContext.Default.SessionDto, cancellationToken).ConfigureAwait(false);
        return ToSession(session, call);
    }

    private BlueskySession ToSession(SessionDto session, HttpCall call)
        => session is { Did.Length: > 0, Handle.Length: > 0, AccessJwt.Length: > 0, RefreshJwt.Length: > 0 }
            ? new BlueskySession { Did = session.Did, Handle = session.Handle, AccessJwt = session.AccessJwt, RefreshJwt = session.RefreshJwt }
            : throw xrpc.Malformed(call);

    /// <summary>Runs a brand call; when the access token has expired, refreshes the session and runs it once more.</summary>
    private async Task<T> AsBrandAsync<T>(Func<BlueskySession, Task<T>> action, CancellationToken cancellationToken)
    {
        var session = await BrandSessionAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(session).ConfigureAwait(false);
        }
        catch (ExpiredTokenException)
        {
            // The server refused the call before doing anything, so sending it again cannot duplicate it.
            session = await BrandSessionAsync(session, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await action(session).ConfigureAwait(false);
        }
        catch (ExpiredTokenException ex)
        {
            // A brand-new token refused as expired points at the server's clock; callers see a plain credential failure.
            throw new CredentialException(Metadata.Name, ex.Message);
        }
    }

    /// <summary>Returns the brand session, signing in on first use or renewing <paramref name="stale"/> once it has expired.</summary>
    /// <remarks>
    /// One renewal at a time: callers that find the same stale session share one <c>refreshSession</c>, whose rotated
    /// refresh token is stored once. A refusal of both the refresh token and the app password is reported as
    /// <see cref="Sdk.Health.CredentialState.NeedsReauth"/>, after the shared renewal has ended (the alert may come back
    /// through this connector).
    /// </remarks>
    private async Task<BlueskySession> BrandSessionAsync(BlueskySession? stale, CancellationToken cancellationToken)
    {
        var before = brandSessions.GetCurrent(BrandCredential.Account);
        BlueskySession session;
        try
        {
            session = await brandSessions.GetOrRefreshAsync(BrandCredential.Account, stale, RenewBrandSessionAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Sdk.Health.ReauthorizationRequiredException ex)
        {
            await HealthReporter.ReportNeedsReauthAsync(ex.Credential, ex.Reason, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!ReferenceEquals(session, before))
        {
            // A renewal went through: the refresh token or app password was accepted.
            await HealthReporter.ReportHealthyAsync(BrandCredential, CancellationToken.None).ConfigureAwait(false);
        }

        return session;
    }

    private SnsPost ToPost(PostViewDto view, HttpCall call)
    {
        if (view.Uri is null || view.Author?.Did is null || view.Author.Handle is null || view.Record is null)
        {
            throw xrpc.Malformed(call);
        }

        return ToPost(view.Uri, view.Author.Did, view.Author.Handle, view.Record, view.IndexedAt, call);
    }

    private SnsPost ToPost(string uri, string did, string handle, PostRecordDto record, DateTimeOffset? indexedAt, HttpCall call)
    {
        var createdAt = ParseTime(record.CreatedAt) ?? indexedAt ?? throw xrpc.Malformed(call);
        return new SnsPost
        {
            Id = uri,
            Network = Metadata.Name,
            AuthorSubject = did,
            AuthorHandle = handle,
            Text = record.Text ?? string.Empty,
            CreatedAt = createdAt,
            InReplyToId = record.Reply?.Parent?.Uri,
        };
    }

    private SnsIdentity ToIdentity(ProfileBasicDto profile, HttpCall call)
        => new()
        {
            Network = Metadata.Name,
            Subject = profile.Did ?? throw xrpc.Malformed(call),
            Handle = profile.Handle ?? throw xrpc.Malformed(call),
            DisplayName = string.IsNullOrWhiteSpace(profile.DisplayName) ? null : profile.DisplayName,
            AccountCreatedAt = profile.CreatedAt,
        };

    private static string FormatTime(DateTimeOffset value)
        => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? value)
        => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;
}
