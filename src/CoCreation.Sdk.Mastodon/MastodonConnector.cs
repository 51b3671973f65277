using CoCreation.Sdk.Http;
using CoCreation.Sdk.Mastodon.Implementation;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Mastodon;

/// <summary>
/// An <see cref="ISnsConnector"/> for one account (the brand's) on one Mastodon instance: member sign-in through
/// <c>verify_credentials</c>, posts and replies, native polls, direct messages (a <c>direct</c> status that mentions
/// the recipient), full-text search, reply threads and the brand's mention and poll notifications.
/// </summary>
/// <remarks>
/// <para>
/// Limits come from the instance (<c>GET /api/v2/instance</c>): every operation reads them first (once per
/// <see cref="MastodonOptions.CapabilitiesRefreshInterval"/>) and checks the request against them before anything is
/// sent. Until the first operation has run, <see cref="Capabilities"/> returns <see cref="DefaultCapabilities"/>,
/// Mastodon's own defaults; call <see cref="RefreshCapabilitiesAsync"/> at start-up to read the real ones early.
/// </para>
/// <para>
/// Member calls (<see cref="SnsConnectorBase.VerifyCredentialsAsync"/> and posts with <see cref="PostRequest.Author"/>)
/// carry the member's token on that request only; they never fall back to the brand token. Tokens never appear in
/// exception messages or logs.
/// </para>
/// <para>Instances are safe for concurrent use; register them with <c>AddMastodon</c>.</para>
/// </remarks>
public sealed partial class MastodonConnector : SnsConnectorBase
{
    private const string StatusesOperation = "POST /api/v1/statuses";
    private const int MaxSearchPageSize = 40;
    private const int DefaultSearchPageSize = 20;
    private const int DefaultRepliesPageSize = 40;
    private const int NotificationPageSize = 40;
    private static readonly TimeSpan RefreshRetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly MastodonOptions options;
    private readonly string brandToken;
    private readonly Func<IMastodonApi> apiFactory;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly MastodonHttp http;
    private readonly SemaphoreSlim capabilitiesGate = new(1, 1);
    private CapabilitySnapshot? snapshot;

    internal MastodonConnector(string name, MastodonOptions options, Func<IMastodonApi> apiFactory, TimeProvider time, ILogger logger)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apiFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        new MastodonOptionsValidator().ThrowIfInvalid(name, options);

        this.options = options;
        brandToken = options.AccessToken!;
        this.apiFactory = apiFactory;
        this.time = time;
        this.logger = logger;
        http = new MastodonHttp(name, time, logger, brandToken);
        Metadata = new SnsConnectorMetadata(name, "mastodon", options.Instance!.Authority, $"Mastodon ({options.Instance.Authority})");
    }

    /// <summary>
    /// Mastodon's default limits, used until the instance's own have been read: 500 characters, polls of 2–4
    /// options of up to 50 characters lasting 5 minutes to 30 days, multiple choice, direct messages, search,
    /// replies, idempotency keys and member posting.
    /// </summary>
    public static SnsCapabilities DefaultCapabilities { get; } = new()
    {
        MaxPostLength = 500,
        SupportsPolls = true,
        MaxPollOptions = 4,
        MaxPollOptionLength = 50,
        MinPollDuration = TimeSpan.FromMinutes(5),
        MaxPollDuration = TimeSpan.FromDays(30),
        SupportsMultipleChoicePolls = true,
        SupportsDirectMessages = true,
        SupportsSearch = true,
        SupportsReplies = true,
        SupportsIdempotencyKeys = true,
        SupportsMemberPosting = true,
    };

    /// <inheritdoc />
    public override SnsConnectorMetadata Metadata { get; }

    /// <inheritdoc />
    /// <remarks>The instance's limits once an operation (or <see cref="RefreshCapabilitiesAsync"/>) has read them; <see cref="DefaultCapabilities"/> before.</remarks>
    public override SnsCapabilities Capabilities => Volatile.Read(ref snapshot)?.Capabilities ?? DefaultCapabilities;

    /// <summary>When the instance's limits were last read, or <see langword="null"/> while <see cref="Capabilities"/> still holds the defaults.</summary>
    public DateTimeOffset? CapabilitiesReadAt => Volatile.Read(ref snapshot)?.ReadAt;

    /// <summary>The rate-limit state (<c>X-RateLimit-*</c>) of the latest response that reported one.</summary>
    public RateLimitInfo? LastRateLimit => http.LastRateLimit;

    /// <summary>Reads the instance's limits now, whatever the cache holds.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The capabilities now in force.</returns>
    /// <exception cref="ProviderException">The instance could not be read.</exception>
    public async Task<SnsCapabilities> RefreshCapabilitiesAsync(CancellationToken cancellationToken = default)
        => (await EnsureCapabilitiesAsync(force: true, cancellationToken).ConfigureAwait(false)).Capabilities;

    /// <summary>Returns the brand account the connector publishes as.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The brand's identity.</returns>
    /// <exception cref="CredentialException">The brand token is unknown, expired or revoked.</exception>
    public Task<SnsIdentity> GetBrandIdentityAsync(CancellationToken cancellationToken = default)
        => VerifyAsync(brandToken, "brand", cancellationToken);

    /// <summary>
    /// Reads the brand's mention and poll-ended notifications that arrived after <paramref name="cursor"/>
    /// (<c>GET /api/v1/notifications</c> with <c>min_id</c>), oldest first.
    /// </summary>
    /// <param name="cursor">The cursor of the previous read; <see langword="null"/> to start with the latest notifications.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The notifications and the cursor for the next read.</returns>
    /// <exception cref="CredentialException">The brand token is refused or lacks <c>read:notifications</c>.</exception>
    /// <exception cref="ProviderException">The instance failed the call.</exception>
    public async Task<MastodonNotificationPage> ReadNotificationsAsync(string? cursor, CancellationToken cancellationToken = default)
    {
        var caps = await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        var call = new HttpCall("GET /api/v1/notifications", "brand", Secrets: [brandToken]);
        var after = string.IsNullOrWhiteSpace(cursor) ? null : cursor.Trim();
        var result = await http.SendAsync(
            call,
            ct => Api.GetNotificationsAsync(["mention", "poll"], after, NotificationPageSize, Bearer(brandToken), ct),
            MastodonJsonContext.Default.ListMastodonNotificationDto,
            cancellationToken).ConfigureAwait(false);

        var ordered = result.Value.OrderBy(n => n.Id, Comparer<string?>.Create(MastodonText.CompareIds)).ToList();
        var notifications = new List<MastodonNotification>(ordered.Count);
        foreach (var dto in ordered)
        {
            var kind = dto.Type switch
            {
                "mention" => MastodonNotificationKind.Mention,
                "poll" => MastodonNotificationKind.PollEnded,
                _ => (MastodonNotificationKind?)null,
            };
            if (kind is null)
            {
                continue;
            }

            if (string.IsNullOrEmpty(dto.Id) || dto.Account is null)
            {
                throw http.Malformed(call, null);
            }

            var post = dto.Status is null ? null : ToPost(dto.Status, caps.Domain, call);
            notifications.Add(new MastodonNotification
            {
                Id = dto.Id,
                Kind = kind.Value,
                CreatedAt = dto.CreatedAt,
                Account = ToIdentity(dto.Account, caps.Domain, call),
                Post = post,
                PollId = kind == MastodonNotificationKind.PollEnded ? dto.Status?.Poll?.Id : null,
            });
        }

        var newest = ordered.Count > 0 ? ordered[^1].Id : null;
        var next = MastodonHeaders.ReadLinkParameter(result.Headers, "prev", "min_id") ?? newest ?? after;
        return new MastodonNotificationPage(notifications, next, ordered.Count >= NotificationPageSize);
    }

    /// <summary>Checks only what does not depend on the instance's limits until they have been read; the rest is checked after.</summary>
    /// <param name="request">The post.</param>
    protected override void ValidatePost(PostRequest request) => ValidateAsLimitsAllow(request, base.ValidatePost, ValidatePostContent);

    /// <summary>Checks only what does not depend on the instance's limits until they have been read; the rest is checked after.</summary>
    /// <param name="request">The poll.</param>
    protected override void ValidatePoll(PollRequest request) => ValidateAsLimitsAllow(request, base.ValidatePoll, ValidatePollContent);

    private void ValidateAsLimitsAllow<TRequest>(TRequest request, Action<TRequest> full, Action<TRequest> contentOnly)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Volatile.Read(ref snapshot) is not null)
        {
            full(request);
        }
        else
        {
            contentOnly(request);
        }
    }

    /// <inheritdoc />
    protected override async Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
        => await VerifyAsync(credential.AccessToken, "member", cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected override async Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
    {
        var caps = await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        base.ValidatePost(request);
        var (text, added) = MastodonText.WithMentions(request.Text, request.Mentions);
        CheckLength(text, caps.Capabilities, added.Count > 0 ? "PostRequest.Mentions" : "PostRequest.Text");
        var body = new CreateStatusRequestDto
        {
            Status = text,
            Visibility = request.Visibility switch
            {
                PostVisibility.Unlisted => "unlisted",
                PostVisibility.Followers => "private",
                _ => "public",
            },
            InReplyToId = Trimmed(request.InReplyToId),
            Language = Trimmed(request.Language),
        };
        var (token, owner) = request.Author is { } author ? (author.AccessToken, "member") : (brandToken, "brand");
        var (status, call) = await CreateStatusAsync(body, token, owner, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        return ToPost(status, caps.Domain, call);
    }

    /// <inheritdoc />
    protected override async Task<SnsPoll> CreatePollCoreAsync(PollRequest request, CancellationToken cancellationToken)
    {
        var caps = await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        base.ValidatePoll(request);
        var body = new CreateStatusRequestDto
        {
            Status = request.Question,
            Visibility = "public",
            Poll = new CreatePollRequestDto
            {
                Options = [.. request.Options],
                ExpiresIn = (int)Math.Min(int.MaxValue, Math.Floor(request.Duration.TotalSeconds)),
                Multiple = request.AllowMultiple,
            },
        };
        var (token, owner) = request.Author is { } author ? (author.AccessToken, "member") : (brandToken, "brand");
        var (status, call) = await CreateStatusAsync(body, token, owner, request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        var post = ToPost(status, caps.Domain, call);
        if (status.Poll is not { Id: { Length: > 0 } pollId } poll)
        {
            throw http.Malformed(call, null);
        }

        var options = poll.Options?.Select(o => o.Title ?? string.Empty).ToList() is { Count: > 0 } titles ? titles : [.. request.Options];
        return new SnsPoll
        {
            Id = pollId,
            Post = post,
            Options = options,
            ExpiresAt = poll.ExpiresAt ?? status.CreatedAt + request.Duration,
            AllowMultiple = poll.Multiple,
        };
    }

    /// <inheritdoc />
    /// <remarks>Options whose counts the instance hides until the poll ends report 0. A poll without an end reports <see cref="DateTimeOffset.MaxValue"/>.</remarks>
    protected override async Task<PollResults> GetPollResultsCoreAsync(string pollId, CancellationToken cancellationToken)
    {
        await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        var call = new HttpCall("GET /api/v1/polls/{id}", "brand", "poll", pollId, [brandToken]);
        var poll = (await http.SendAsync(call, ct => Api.GetPollAsync(pollId, Bearer(brandToken), ct), MastodonJsonContext.Default.MastodonPollDto, cancellationToken).ConfigureAwait(false)).Value;
        if (string.IsNullOrEmpty(poll.Id) || poll.Options is null)
        {
            throw http.Malformed(call, null);
        }

        return new PollResults
        {
            PollId = poll.Id,
            Options = poll.Options.Select(o => new PollOptionResult(o.Title ?? string.Empty, o.VotesCount ?? 0)).ToList(),
            VotersCount = poll.VotersCount,
            ExpiresAt = poll.ExpiresAt ?? DateTimeOffset.MaxValue,
            IsClosed = poll.Expired,
        };
    }

    /// <inheritdoc />
    /// <remarks>
    /// The recipient is looked up by <see cref="DirectMessageRequest.RecipientSubject"/> (the stable account id), so a
    /// changed handle cannot misdirect the message; <see cref="DirectMessageRequest.RecipientHandle"/> is not needed.
    /// </remarks>
    protected override async Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
    {
        var caps = await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        var subject = request.RecipientSubject.Trim();
        var accountCall = new HttpCall("GET /api/v1/accounts/{id}", "brand", "account", subject, [brandToken]);
        var recipient = (await http.SendAsync(accountCall, ct => Api.GetAccountAsync(subject, Bearer(brandToken), ct), MastodonJsonContext.Default.MastodonAccountDto, cancellationToken).ConfigureAwait(false)).Value;
        if (string.IsNullOrEmpty(recipient.Acct))
        {
            throw http.Malformed(accountCall, null);
        }

        var (text, _) = MastodonText.WithMentions(request.Text, [recipient.Acct]);
        CheckLength(text, caps.Capabilities, "DirectMessageRequest.Text");
        var body = new CreateStatusRequestDto { Status = text, Visibility = "direct" };
        var (status, call) = await CreateStatusAsync(body, brandToken, "brand", request.IdempotencyKey, cancellationToken).ConfigureAwait(false);
        var post = ToPost(status, caps.Domain, call);
        if (status.Mentions?.Any(m => m.Id == subject) != true)
        {
            throw new ProviderException(Metadata.Name, $"Mastodon ({Metadata.Name}) created direct status {post.Id} but did not address it to account {subject}; nobody else can see it.", null, "not_addressed");
        }

        return new SnsMessage { Id = post.Id, Network = Metadata.Name, RecipientSubject = subject, Text = post.Text, SentAt = post.CreatedAt };
    }

    /// <inheritdoc />
    /// <remarks>
    /// Full-text search of statuses (<c>GET /api/v2/search?type=statuses</c>) needs the instance's search backend; pages
    /// continue from the last status id (<c>max_id</c>). <see cref="SearchQuery.Since"/> is applied to the results.
    /// </remarks>
    protected override AsyncPageable<SnsPost> SearchCore(SearchQuery query, CancellationToken cancellationToken)
    {
        var text = query.Text.Trim();
        return AsyncPageable<SnsPost>.Create(
            async (continuation, hint, ct) =>
            {
                var caps = await EnsureCapabilitiesAsync(false, ct).ConfigureAwait(false);
                var size = Math.Clamp(hint ?? DefaultSearchPageSize, 1, MaxSearchPageSize);

                // Ask for one more than the page so the last page is known without an extra empty request.
                var ask = Math.Min(size + 1, MaxSearchPageSize);
                var call = new HttpCall("GET /api/v2/search", "brand", Secrets: [brandToken]);
                var result = await http.SendAsync(
                    call,
                    c => Api.SearchAsync(text, "statuses", "false", ask, continuation, Bearer(brandToken), c),
                    MastodonJsonContext.Default.MastodonSearchDto,
                    ct).ConfigureAwait(false);
                var statuses = (result.Value.Statuses ?? []).OrderByDescending(s => s.Id, Comparer<string?>.Create(MastodonText.CompareIds)).ToList();
                var page = statuses.Take(size).ToList();
                var more = statuses.Count > size || (ask == size && statuses.Count == size);
                if (query.Since is { } since)
                {
                    var recent = page.TakeWhile(s => s.CreatedAt >= since).ToList();
                    more &= recent.Count == page.Count;
                    page = recent;
                }

                var posts = page.Select(s => ToPost(s, caps.Domain, call)).ToList();
                return new Page<SnsPost>(posts, more && posts.Count > 0 ? posts[^1].Id : null);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Reads the thread below the post (<c>GET /api/v1/statuses/{id}/context</c>, descendants) and pages it oldest first; tokens are the last status id.</remarks>
    protected override AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
    {
        var id = postId.Trim();
        return AsyncPageable<SnsPost>.Create(
            async (continuation, hint, ct) =>
            {
                var caps = await EnsureCapabilitiesAsync(false, ct).ConfigureAwait(false);
                var call = new HttpCall("GET /api/v1/statuses/{id}/context", "brand", "post", id, [brandToken]);
                var context = (await http.SendAsync(call, c => Api.GetContextAsync(id, Bearer(brandToken), c), MastodonJsonContext.Default.MastodonContextDto, ct).ConfigureAwait(false)).Value;
                var thread = (context.Descendants ?? [])
                    .OrderBy(s => s.CreatedAt)
                    .ThenBy(s => s.Id, Comparer<string?>.Create(MastodonText.CompareIds))
                    .ToList();
                var start = 0;
                if (continuation is not null)
                {
                    var index = thread.FindIndex(s => s.Id == continuation);
                    if (index < 0)
                    {
                        // The reply the token names was deleted since; ids grow with time, so resume after it by id.
                        index = thread.FindLastIndex(s => MastodonText.CompareIds(s.Id, continuation) < 0);
                    }

                    start = index + 1;
                }

                var size = Math.Max(1, hint ?? DefaultRepliesPageSize);
                var posts = thread.Skip(start).Take(size).Select(s => ToPost(s, caps.Domain, call)).ToList();
                var next = start + posts.Count < thread.Count && posts.Count > 0 ? posts[^1].Id : null;
                return new Page<SnsPost>(posts, next);
            },
            cancellationToken);
    }

    private IMastodonApi Api => apiFactory();

    private static string Bearer(string token) => "Bearer " + token;

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private async Task<SnsIdentity> VerifyAsync(string token, string owner, CancellationToken cancellationToken)
    {
        var caps = await EnsureCapabilitiesAsync(false, cancellationToken).ConfigureAwait(false);
        var call = new HttpCall("GET /api/v1/accounts/verify_credentials", owner, Secrets: [token]);
        var account = (await http.SendAsync(call, ct => Api.VerifyCredentialsAsync(Bearer(token), ct), MastodonJsonContext.Default.MastodonAccountDto, cancellationToken).ConfigureAwait(false)).Value;
        return ToIdentity(account, caps.Domain, call);
    }

    private async Task<(MastodonStatusDto Status, HttpCall Call)> CreateStatusAsync(CreateStatusRequestDto body, string token, string owner, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var call = new HttpCall(StatusesOperation, owner, body.InReplyToId is null ? null : "post", body.InReplyToId, [token]);
        var key = Trimmed(idempotencyKey);
        var status = (await http.SendAsync(call, ct => Api.CreateStatusAsync(body, Bearer(token), key, ct), MastodonJsonContext.Default.MastodonStatusDto, cancellationToken).ConfigureAwait(false)).Value;
        return (status, call);
    }

    private void CheckLength(string text, SnsCapabilities caps, string field)
    {
        var length = MastodonText.CountedLength(text);
        if (length > caps.MaxPostLength)
        {
            throw new CoCreationValidationException(field, $"the status would be {length} characters long with its mentions; {Metadata.Name} allows {caps.MaxPostLength}. Nothing was cut.");
        }
    }

    private SnsIdentity ToIdentity(MastodonAccountDto account, string domain, HttpCall call)
    {
        if (string.IsNullOrEmpty(account.Id) || string.IsNullOrEmpty(account.Acct))
        {
            throw http.Malformed(call, null);
        }

        return new SnsIdentity
        {
            Network = Metadata.Name,
            Subject = account.Id,
            Handle = MastodonText.Handle(account.Acct, domain),
            DisplayName = string.IsNullOrEmpty(account.DisplayName) ? null : account.DisplayName,
            AccountCreatedAt = account.CreatedAt,
            Locale = account.Source?.Language,
        };
    }

    private SnsPost ToPost(MastodonStatusDto status, string domain, HttpCall call)
    {
        if (string.IsNullOrEmpty(status.Id) || status.Account is not { Id.Length: > 0, Acct.Length: > 0 } author || status.CreatedAt == default)
        {
            throw http.Malformed(call, null);
        }

        return new SnsPost
        {
            Id = status.Id,
            Network = Metadata.Name,
            AuthorSubject = author.Id,
            AuthorHandle = MastodonText.Handle(author.Acct, domain),
            Text = MastodonText.ToPlainText(status.Content),
            CreatedAt = status.CreatedAt,
            InReplyToId = status.InReplyToId,
            PollId = status.Poll?.Id,
            Url = Uri.TryCreate(status.Url, UriKind.Absolute, out var url) ? url : null,
            AuthorAccountCreatedAt = author.CreatedAt,
        };
    }

    private async ValueTask<CapabilitySnapshot> EnsureCapabilitiesAsync(bool force, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref snapshot);
        if (!force && current is not null && time.GetUtcNow() < current.RefreshAt)
        {
            return current;
        }

        await capabilitiesGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = Volatile.Read(ref snapshot);
            if (!force && current is not null && time.GetUtcNow() < current.RefreshAt)
            {
                return current;
            }

            CapabilitySnapshot fresh;
            try
            {
                fresh = await ReadCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CoCreationException ex) when (current is not null && !force)
            {
                // Limits rarely change; an instance that fails this read will likely fail the operation too, which reports it.
                Log.CapabilitiesRefreshFailed(logger, Metadata.Name, ex);
                fresh = current with { RefreshAt = time.GetUtcNow() + RefreshRetryAfterFailure };
            }

            Volatile.Write(ref snapshot, fresh);
            return fresh;
        }
        finally
        {
            capabilitiesGate.Release();
        }
    }

    private async Task<CapabilitySnapshot> ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hostDomain = options.Instance!.Host;
        var call = new HttpCall("GET /api/v2/instance", "no");
        MastodonInstanceDto instance;
        try
        {
            instance = (await http.SendAsync(call, Api.GetInstanceAsync, MastodonJsonContext.Default.MastodonInstanceDto, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (ProviderException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Mastodon before 4.0 has no v2 instance endpoint; its limits are the defaults.
            Log.CapabilitiesNotPublished(logger, Metadata.Name, options.Instance.Authority);
            return new CapabilitySnapshot(DefaultCapabilities, hostDomain, now, now + options.CapabilitiesRefreshInterval);
        }

        var defaults = DefaultCapabilities;
        var statuses = instance.Configuration?.Statuses;
        var polls = instance.Configuration?.Polls;
        var minExpiry = Positive(polls?.MinExpiration) is { } min ? TimeSpan.FromSeconds(min) : defaults.MinPollDuration;
        var maxExpiry = Positive(polls?.MaxExpiration) is { } max ? TimeSpan.FromSeconds(max) : defaults.MaxPollDuration;
        if (maxExpiry < minExpiry)
        {
            (minExpiry, maxExpiry) = (defaults.MinPollDuration, defaults.MaxPollDuration);
        }

        var maxOptions = Positive(polls?.MaxOptions) ?? defaults.MaxPollOptions;
        var capabilities = defaults with
        {
            MaxPostLength = Positive(statuses?.MaxCharacters) ?? defaults.MaxPostLength,
            SupportsPolls = maxOptions >= 2,
            MaxPollOptions = maxOptions,
            MaxPollOptionLength = Positive(polls?.MaxCharactersPerOption) ?? defaults.MaxPollOptionLength,
            MinPollDuration = minExpiry,
            MaxPollDuration = maxExpiry,
        };
        var domain = string.IsNullOrWhiteSpace(instance.Domain) ? hostDomain : instance.Domain.Trim();
        Log.CapabilitiesLoaded(logger, Metadata.Name, domain, capabilities.MaxPostLength, capabilities.MaxPollOptions, capabilities.MaxPollOptionLength);
        return new CapabilitySnapshot(capabilities, domain, now, now + options.CapabilitiesRefreshInterval);
    }

    private static int? Positive(int? value) => value is > 0 ? value : null;

    /// <summary>Creates a connector over an <see cref="HttpClient"/> the caller owns, outside dependency injection.</summary>
    /// <param name="name">The connector name; identities and posts read through it carry this network name.</param>
    /// <param name="options">The settings; <see cref="MastodonOptions.Instance"/> is used as the base address.</param>
    /// <param name="httpClient">The client to send with. Add resilience to it yourself; <c>AddMastodon</c> does that for you.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where logs go; none when <see langword="null"/>.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static MastodonConnector Create(string name, MastodonOptions options, HttpClient httpClient, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClient);
        new MastodonOptionsValidator().ThrowIfInvalid(name, options);

        httpClient.BaseAddress ??= options.Instance;
        var api = MastodonRefit.Create(httpClient);
        return new MastodonConnector(name!, options, () => api, timeProvider ?? TimeProvider.System, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MastodonConnector>());
    }

    /// <summary>The instance's limits and domain as last read.</summary>
    private sealed record CapabilitySnapshot(SnsCapabilities Capabilities, string Domain, DateTimeOffset ReadAt, DateTimeOffset RefreshAt);
}
