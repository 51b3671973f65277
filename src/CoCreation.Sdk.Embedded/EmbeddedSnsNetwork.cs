using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// An in-process social network: accounts, credentials, posts, replies, polls and direct messages, held in
/// memory and, when <see cref="EmbeddedSnsOptions.DatabasePath"/> is set, in a SQLite file as well. It is the
/// shared "world" that brand connectors (<see cref="CreateConnector"/>) and members
/// (<see cref="Post"/>, <see cref="Vote"/>) act on, so samples and tests can play both sides.
/// </summary>
/// <remarks>
/// <para>
/// Safe for concurrent use: every operation takes one lock. Time comes only from the injected
/// <see cref="TimeProvider"/>, so credential expiry, poll closing, rate-limit windows and idempotency
/// keys follow a fake clock in tests.
/// </para>
/// <para>
/// With a database file, every change (account, credential, post, poll and vote, direct message, idempotency
/// key) is committed to the file before the call returns, and a network created on the same file later finds
/// them all again: a repeated idempotency key returns the first result across restarts too. The file keeps
/// only a hash of each credential token. Rate-limit windows, <see cref="FailNext"/> and
/// <see cref="WriteCallCount"/> belong to one instance and start afresh. One instance at a time may open a file.
/// </para>
/// </remarks>
public sealed class EmbeddedSnsNetwork : IDisposable
{
    /// <summary>The network kind reported in connector metadata and in exceptions raised outside a connector.</summary>
    internal const string NetworkKind = "embedded";

    private const int MaxDisplayNameLength = 100;
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;

    private const string AccountKind = "account";
    private const string CredentialKind = "credential";
    private const string PostKind = "post";
    private const string PollKind = "poll";
    private const string MessageKind = "message";
    private const string IdempotencyKind = "idempotency";

    private static readonly ConditionalWeakTable<SnsCredential, string> CredentialKeys = [];

    private readonly TimeProvider clock;
    private readonly Dictionary<string, AccountState> accountsBySubject = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountState> accountsByHandle = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CredentialState> credentials = new(StringComparer.Ordinal);
    private readonly List<PostState> posts = [];
    private readonly Dictionary<string, PostState> postsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PollState> polls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RateWindow> rateWindows = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Subject, string Key), IdempotencyEntry> idempotency = [];
    private readonly Queue<((string Subject, string Key) Key, IdempotencyEntry Entry)> idempotencyExpiries = new();
    private readonly EmbeddedStore store;
    private BuiltCapabilities? builtCapabilities;
    private long nextSequence;
    private int pendingFailures;
    private bool pendingFailuresTransient;
    private int writeCallCount;
    private int rateLimitRefusalCount;

    /// <summary>
    /// Creates a network: empty and in memory, or, when <see cref="EmbeddedSnsOptions.DatabasePath"/> is set,
    /// with the state stored in that file (created when missing).
    /// </summary>
    /// <param name="options">The network's limits and features; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="CoCreationValidationException">An option is out of range, or the database path is not a usable path.</exception>
    /// <exception cref="CoCreationException">The database file is in use by another instance, corrupt, or not an embedded SNS database.</exception>
    public EmbeddedSnsNetwork(EmbeddedSnsOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new EmbeddedSnsOptions();
        Options.Validate();
        clock = timeProvider ?? TimeProvider.System;
        store = new EmbeddedStore(this, Options.DatabasePath, "sns", "embedded SNS", "EmbeddedSnsOptions.DatabasePath", NetworkKind, "The embedded SNS", db => LoadLocked(db, pruneExpired: true));
    }

    /// <summary>The full path of the database file, or <see langword="null"/> when the network lives in memory only.</summary>
    public string? DatabasePath => store.Database?.Path;

    /// <summary>The network's limits and features.</summary>
    public EmbeddedSnsOptions Options { get; }

    /// <summary>How many write calls (publish, poll, direct message) connectors made, including refused and failed ones.</summary>
    public int WriteCallCount
    {
        get
        {
            lock (store.Gate)
            {
                return writeCallCount;
            }
        }
    }

    /// <summary>How many write calls the network refused with a 429 because a brand credential was over <see cref="EmbeddedSnsOptions.RateLimitPerWindow"/>.</summary>
    public int RateLimitRefusalCount
    {
        get
        {
            lock (store.Gate)
            {
                return rateLimitRefusalCount;
            }
        }
    }

    /// <summary>Registers an account and issues its first credential.</summary>
    /// <param name="handle">The handle (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>; at most 30), unique regardless of case. A leading <c>@</c> is dropped.</param>
    /// <param name="displayName">A name for people; the handle when <see langword="null"/>.</param>
    /// <param name="locale">The account's language preference (BCP 47), for example <c>ko-KR</c>.</param>
    /// <returns>The account with its credential.</returns>
    /// <exception cref="CoCreationValidationException">The handle, display name or locale is not valid.</exception>
    /// <exception cref="CoCreationConflictException">The handle is taken.</exception>
    public EmbeddedSnsAccount RegisterAccount(string handle, string? displayName = null, string? locale = null)
    {
        (var normalized, displayName, locale) = ValidateNewAccount(handle, displayName, locale);

        lock (store.Gate)
        {
            if (accountsByHandle.ContainsKey(normalized))
            {
                throw new CoCreationConflictException($"The handle '@{normalized}' is already taken on this network.");
            }

            return WriteLocked(() => RegisterAccountLocked(normalized, displayName, locale));
        }
    }

    /// <summary>
    /// Finds the account with a handle and issues it a new credential, or registers it when there is none:
    /// the idempotent way to set up members, for example in a program that restarts on a stored network.
    /// </summary>
    /// <remarks>
    /// An existing account keeps its display name and locale; the arguments only apply to a new one. The
    /// network keeps no usable copy of earlier tokens, so an existing account always gets a new credential
    /// (earlier ones stay valid).
    /// </remarks>
    /// <param name="handle">The handle, as for <see cref="RegisterAccount"/>; matched regardless of case.</param>
    /// <param name="displayName">A name for people, for a new account; the handle when <see langword="null"/>.</param>
    /// <param name="locale">The language preference (BCP 47), for a new account.</param>
    /// <returns>The account with a fresh credential.</returns>
    /// <exception cref="CoCreationValidationException">The handle, display name or locale is not valid.</exception>
    public EmbeddedSnsAccount GetOrRegisterAccount(string handle, string? displayName = null, string? locale = null)
    {
        (var normalized, displayName, locale) = ValidateNewAccount(handle, displayName, locale);

        return Write(() =>
        {
            if (!accountsByHandle.TryGetValue(normalized, out var account))
            {
                return RegisterAccountLocked(normalized, displayName, locale);
            }

            var credential = IssueCredentialLocked(account, Options.CredentialLifetime);
            return new EmbeddedSnsAccount(account.Subject, account.Handle, account.DisplayName, credential);
        });
    }

    /// <summary>Checks the arguments of a new account: the handle (without a leading <c>@</c>), the trimmed display name and the locale.</summary>
    private static (string Handle, string? DisplayName, string? Locale) ValidateNewAccount(string handle, string? displayName, string? locale)
    {
        var normalized = CoCreationGuard.NotBlank(handle, nameof(handle)).Trim().TrimStart('@');
        if (normalized.Contains('@', StringComparison.Ordinal) || EmbeddedSnsText.NormalizeHandle(normalized) is null)
        {
            throw new CoCreationValidationException(nameof(handle), "must be 1-30 letters, digits, '_', '.' or '-', starting and ending with a letter, digit or '_'.");
        }

        if (displayName is not null)
        {
            displayName = CoCreationGuard.NotBlank(displayName, nameof(displayName)).Trim();
            CoCreationGuard.MaxLength(displayName, MaxDisplayNameLength, nameof(displayName));
        }

        if (locale is not null)
        {
            locale = ValidateLocale(locale);
        }

        return (normalized, displayName, locale);
    }

    /// <summary>Finds the subject of the account with a handle.</summary>
    /// <param name="handle">The handle, with or without a leading <c>@</c>; matched regardless of case.</param>
    /// <returns>The subject, or <see langword="null"/> when no account has the handle.</returns>
    public string? FindSubject(string handle)
    {
        var normalized = EmbeddedSnsText.NormalizeHandle(handle);
        if (normalized is null)
        {
            return null;
        }

        lock (store.Gate)
        {
            return accountsByHandle.TryGetValue(normalized, out var account) ? account.Subject : null;
        }
    }

    /// <summary>
    /// Closes the database file, if any. Afterwards a stored network refuses every change with
    /// <see cref="ObjectDisposedException"/> (reads still answer from memory); an in-memory network is unaffected.
    /// </summary>
    public void Dispose() => store.Dispose();

    /// <summary>Issues another credential (token) for an account.</summary>
    /// <param name="subject">The account's subject.</param>
    /// <param name="lifetime">How long it stays valid; <see cref="EmbeddedSnsOptions.CredentialLifetime"/> when <see langword="null"/>.</param>
    /// <returns>The new credential.</returns>
    /// <exception cref="CoCreationValidationException">The subject is blank or the lifetime is not positive.</exception>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public SnsCredential IssueCredential(string subject, TimeSpan? lifetime = null)
    {
        CoCreationGuard.NotBlank(subject, nameof(subject));
        if (lifetime is { } value && value <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(lifetime), "must be greater than zero.");
        }

        return Write(() => IssueCredentialLocked(FindAccountLocked(subject, NetworkKind), lifetime ?? Options.CredentialLifetime));
    }

    /// <summary>Revokes a credential; later calls with it fail with <see cref="CredentialException"/>. Revoking twice, or an unknown credential, does nothing.</summary>
    /// <param name="credential">The credential.</param>
    public void RevokeCredential(SnsCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Write(() =>
        {
            if (credentials.TryGetValue(TokenKey(credential), out var state) && !state.Revoked)
            {
                state.Revoked = true;
                rateWindows.Remove(credential.AccessToken);
                StageCredential(state);
            }

            return true;
        });
    }

    /// <summary>Creates a connector: the brand's view of this network, acting with the brand's credential.</summary>
    /// <param name="name">The name the app registers the connector under; identities and posts read through it carry it.</param>
    /// <param name="brandCredential">The brand account's credential; checked on every call, so revoking it stops the connector.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank.</exception>
    public EmbeddedSnsConnector CreateConnector(string name, SnsCredential brandCredential)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        ArgumentNullException.ThrowIfNull(brandCredential);
        return new EmbeddedSnsConnector(this, name.Trim(), brandCredential);
    }

    /// <summary>A member publishes a public post or reply directly on the network (not through a connector).</summary>
    /// <param name="author">The member's credential.</param>
    /// <param name="text">The text; <c>@handle</c> and <c>#tag</c> in it are recognised.</param>
    /// <param name="inReplyToId">The post it replies to.</param>
    /// <returns>The post.</returns>
    /// <exception cref="CoCreationValidationException">The text is blank or too long.</exception>
    /// <exception cref="CredentialException">The credential is unknown, expired or revoked.</exception>
    /// <exception cref="ResourceNotFoundException">The post replied to does not exist.</exception>
    public SnsPost Post(SnsCredential author, string text, string? inReplyToId = null)
    {
        ArgumentNullException.ThrowIfNull(author);
        CoCreationGuard.NotBlank(text, nameof(text));
        CoCreationGuard.MaxLength(text, Options.MaxPostLength, nameof(text));
        if (inReplyToId is not null)
        {
            CoCreationGuard.NotBlank(inReplyToId, nameof(inReplyToId));
        }

        return Write(() =>
        {
            var account = ResolveCredentialLocked(author, NetworkKind);
            var parent = inReplyToId is null ? null : FindPostLocked(inReplyToId, NetworkKind);
            var post = AddPostLocked(account, text, parent, PostVisibility.Public, null, []);
            return ToSnsPost(post, NetworkKind);
        });
    }

    /// <summary>A member votes in a poll.</summary>
    /// <param name="voter">The member's credential.</param>
    /// <param name="pollId">The poll.</param>
    /// <param name="optionIndexes">The chosen options (zero-based); exactly one unless the poll allows several.</param>
    /// <exception cref="CoCreationValidationException">No option, an option out of range, a repeated option, or several on a single-choice poll.</exception>
    /// <exception cref="CredentialException">The credential is unknown, expired or revoked.</exception>
    /// <exception cref="ResourceNotFoundException">No such poll.</exception>
    /// <exception cref="CoCreationConflictException">The poll is closed, or the account already voted in it.</exception>
    public void Vote(SnsCredential voter, string pollId, params int[] optionIndexes)
    {
        ArgumentNullException.ThrowIfNull(voter);
        CoCreationGuard.NotBlank(pollId, nameof(pollId));
        if (optionIndexes is null || optionIndexes.Length == 0)
        {
            throw new CoCreationValidationException(nameof(optionIndexes), "must choose at least one option.");
        }

        Write(() =>
        {
            var account = ResolveCredentialLocked(voter, NetworkKind);
            if (!polls.TryGetValue(pollId, out var poll))
            {
                throw new ResourceNotFoundException(NetworkKind, "poll", pollId);
            }

            var chosen = new HashSet<int>();
            for (var i = 0; i < optionIndexes.Length; i++)
            {
                var index = optionIndexes[i];
                if (index < 0 || index >= poll.Options.Count)
                {
                    throw new CoCreationValidationException($"{nameof(optionIndexes)}[{i}]", $"must be between 0 and {poll.Options.Count - 1} (was {index}).");
                }

                if (!chosen.Add(index))
                {
                    throw new CoCreationValidationException($"{nameof(optionIndexes)}[{i}]", $"repeats option {index}.");
                }
            }

            if (!poll.AllowMultiple && chosen.Count > 1)
            {
                throw new CoCreationValidationException(nameof(optionIndexes), "this poll allows only one choice.");
            }

            if (clock.GetUtcNow() >= poll.ExpiresAt)
            {
                throw new CoCreationConflictException($"Poll '{pollId}' is closed.");
            }

            if (!poll.Voters.Add(account.Subject))
            {
                throw new CoCreationConflictException($"The account has already voted in poll '{pollId}'.");
            }

            foreach (var index in chosen)
            {
                poll.Counts[index]++;
            }

            StagePoll(poll);
            return true;
        });
    }

    private List<T> ReadAccount<T>(string subject, Func<AccountState, IEnumerable<T>> read)
    {
        CoCreationGuard.NotBlank(subject, nameof(subject));
        lock (store.Gate)
        {
            return read(FindAccountLocked(subject, NetworkKind)).ToList();
        }
    }

    /// <summary>The direct messages an account received, oldest first.</summary>
    /// <param name="subject">The account's subject.</param>
    /// <returns>The messages.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public IReadOnlyList<SnsMessage> GetInbox(string subject)
        => ReadAccount(subject, account => account.Inbox.Select(m => ToSnsMessage(m, NetworkKind)));

    /// <summary>The posts (not direct messages) that mention an account, oldest first.</summary>
    /// <param name="subject">The account's subject.</param>
    /// <returns>The posts.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public IReadOnlyList<SnsPost> GetMentions(string subject)
        => ReadAccount(subject, account => account.Mentions.Select(p => ToSnsPost(p, NetworkKind)));

    /// <summary>The posts an account published (including replies and polls), oldest first.</summary>
    /// <param name="subject">The account's subject.</param>
    /// <returns>The posts.</returns>
    /// <exception cref="ResourceNotFoundException">No such account.</exception>
    public IReadOnlyList<SnsPost> GetPostsBy(string subject)
        => ReadAccount(subject, account => account.Posts.Select(p => ToSnsPost(p, NetworkKind)));

    /// <summary>Reads one post by id.</summary>
    /// <param name="postId">The post id.</param>
    /// <returns>The post.</returns>
    /// <exception cref="ResourceNotFoundException">No such post.</exception>
    public SnsPost GetPost(string postId)
    {
        CoCreationGuard.NotBlank(postId, nameof(postId));
        lock (store.Gate)
        {
            return ToSnsPost(FindPostLocked(postId, NetworkKind), NetworkKind);
        }
    }

    /// <summary>
    /// Fault injection: the next <paramref name="count"/> write calls through any connector fail with a
    /// <see cref="ProviderException"/> (503 and transient, or 400 and permanent) and store nothing.
    /// Replaces any failures still pending; 0 clears them.
    /// </summary>
    /// <param name="count">How many write calls fail.</param>
    /// <param name="transient">Whether the failures are transient (503) or permanent (400).</param>
    /// <exception cref="CoCreationValidationException">The count is negative.</exception>
    public void FailNext(int count, bool transient = true)
    {
        CoCreationGuard.NotNegative(count, nameof(count));
        lock (store.Gate)
        {
            pendingFailures = count;
            pendingFailuresTransient = transient;
        }
    }

    // The options can change between calls: the capabilities built last are handed out again only while the options
    // they were built from still hold. Connectors read them several times per send.
    internal SnsCapabilities BuildCapabilities()
    {
        var polls = Options.EnablePolls;
        var current = new CapabilityOptions(
            Options.MaxPostLength,
            polls,
            polls ? Options.MaxPollOptions : 0,
            polls ? Options.MaxPollOptionLength : 0,
            polls ? Options.MinPollDuration : TimeSpan.Zero,
            polls ? Options.MaxPollDuration : TimeSpan.Zero,
            Options.EnableDirectMessages);
        if (Volatile.Read(ref builtCapabilities) is { } built && built.From == current)
        {
            return built.Capabilities;
        }

        var capabilities = new SnsCapabilities
        {
            MaxPostLength = current.MaxPostLength,
            SupportsPolls = current.Polls,
            MaxPollOptions = current.MaxPollOptions,
            MaxPollOptionLength = current.MaxPollOptionLength,
            MinPollDuration = current.MinPollDuration,
            MaxPollDuration = current.MaxPollDuration,
            SupportsMultipleChoicePolls = current.Polls,
            SupportsDirectMessages = current.DirectMessages,
            SupportsSearch = true,
            SupportsReplies = true,
            SupportsIdempotencyKeys = true,
            SupportsMemberPosting = true,
        };
        Volatile.Write(ref builtCapabilities, new BuiltCapabilities(current, capabilities));
        return capabilities;
    }

    internal SnsIdentity Verify(string connectorName, SnsCredential credential)
    {
        lock (store.Gate)
        {
            var account = ResolveCredentialLocked(credential, connectorName);
            return new SnsIdentity
            {
                Network = connectorName,
                Subject = account.Subject,
                Handle = account.Handle,
                DisplayName = account.DisplayName,
                AccountCreatedAt = account.CreatedAt,
                Locale = account.Locale,
            };
        }
    }

    internal SnsPost Publish(string connectorName, SnsCredential brandCredential, PostRequest request)
    {
        return Write(() => PublishLocked(connectorName, brandCredential, request));
    }

    private SnsPost PublishLocked(string connectorName, SnsCredential brandCredential, PostRequest request)
        => WriteOnceLocked(connectorName, brandCredential, request.Author, request.IdempotencyKey, WriteKind.Post, author =>
        {
            var mentioned = ResolveMentionsLocked(request.Mentions, connectorName);
            var parent = request.InReplyToId is null ? null : FindPostLocked(request.InReplyToId, connectorName);
            var text = string.Concat(mentioned.Select(a => "@" + a.Handle + " ")) + request.Text;
            var length = CoCreationGuard.TextLength(text);
            if (length > Options.MaxPostLength)
            {
                // The mentions are part of the post; refuse rather than cut the member's words.
                throw new CoCreationValidationException("PostRequest.Text", $"with its mentions is {length} characters long; the limit is {Options.MaxPostLength}. Nothing was cut.");
            }

            return AddPostLocked(author, text, parent, request.Visibility, null, mentioned);
        },
        (PostState post) => ToSnsPost(post, connectorName));

    internal SnsPoll CreatePoll(string connectorName, SnsCredential brandCredential, PollRequest request)
    {
        return Write(() => CreatePollLocked(connectorName, brandCredential, request));
    }

    private SnsPoll CreatePollLocked(string connectorName, SnsCredential brandCredential, PollRequest request)
        => WriteOnceLocked(connectorName, brandCredential, request.Author, request.IdempotencyKey, WriteKind.Poll, author =>
        {
            var poll = new PollState(
                EmbeddedSnsText.NewId("poll"),
                request.Options.ToArray(),
                clock.GetUtcNow() + request.Duration,
                request.AllowMultiple);
            poll.Post = AddPostLocked(author, request.Question, null, PostVisibility.Public, poll.Id, []);
            polls.Add(poll.Id, poll);
            StagePoll(poll);
            return poll;
        },
        (PollState poll) => ToSnsPoll(poll, connectorName));

    /// <summary>
    /// A post or poll written once per idempotency key: begins the brand's write, resolves the author (the brand when the
    /// request names none), answers a key seen before with the earlier result, and otherwise writes and remembers it.
    /// </summary>
    private TResult WriteOnceLocked<TState, TResult>(string connectorName, SnsCredential brandCredential, SnsCredential? authorCredential, string? idempotencyKey, WriteKind kind, Func<AccountState, TState> write, Func<TState, TResult> toResult)
        where TState : class
    {
        var brand = BeginWriteLocked(connectorName, brandCredential);
        var author = authorCredential is null ? brand : ResolveCredentialLocked(authorCredential, connectorName);
        if (TryReplayLocked(author, idempotencyKey, kind, out var prior))
        {
            return toResult((TState)prior);
        }

        var state = write(author);
        RememberLocked(author, idempotencyKey, kind, state);
        return toResult(state);
    }

    internal PollResults GetPollResults(string connectorName, SnsCredential brandCredential, string pollId)
    {
        lock (store.Gate)
        {
            ResolveCredentialLocked(brandCredential, connectorName);
            if (!polls.TryGetValue(pollId, out var poll))
            {
                throw new ResourceNotFoundException(connectorName, "poll", pollId);
            }

            return new PollResults
            {
                PollId = poll.Id,
                Options = poll.Options.Select((title, i) => new PollOptionResult(title, poll.Counts[i])).ToList(),
                VotersCount = poll.Voters.Count,
                ExpiresAt = poll.ExpiresAt,
                IsClosed = clock.GetUtcNow() >= poll.ExpiresAt,
            };
        }
    }

    internal SnsMessage SendDirectMessage(string connectorName, SnsCredential brandCredential, DirectMessageRequest request)
    {
        return Write(() => SendDirectMessageLocked(connectorName, brandCredential, request));
    }

    private SnsMessage SendDirectMessageLocked(string connectorName, SnsCredential brandCredential, DirectMessageRequest request)
    {
        var brand = BeginWriteLocked(connectorName, brandCredential);
        if (TryReplayLocked(brand, request.IdempotencyKey, WriteKind.DirectMessage, out var prior))
        {
            return ToSnsMessage((MessageState)prior, connectorName);
        }

        // The subject is authoritative; a handle in the request may be stale and is not used.
        if (!accountsBySubject.TryGetValue(request.RecipientSubject, out var recipient))
        {
            throw new ResourceNotFoundException(connectorName, "account", request.RecipientSubject);
        }

        var message = new MessageState(EmbeddedSnsText.NewId("dm"), brand.Subject, recipient.Subject, request.Text, clock.GetUtcNow());
        recipient.Inbox.Add(message);
        store.Database?.Put(MessageKind, message.Id, new SnsMessageRecord(message.Id, message.SenderSubject, message.RecipientSubject, message.Text, message.SentAt), EmbeddedJsonContext.Default.SnsMessageRecord);
        RememberLocked(brand, request.IdempotencyKey, WriteKind.DirectMessage, message);
        return ToSnsMessage(message, connectorName);
    }

    internal Page<SnsPost> SearchPage(string connectorName, SnsCredential brandCredential, SearchQuery query, string? continuationToken, int? pageSizeHint)
    {
        var text = query.Text.Trim();
        var scope = string.Create(CultureInfo.InvariantCulture, $"search|{text.ToUpperInvariant()}|{query.Since?.UtcTicks}");
        var before = continuationToken is null ? long.MaxValue : EmbeddedSnsText.DecodeToken(continuationToken, scope);
        var size = PageSize(pageSizeHint);
        Func<string, bool> matches = EmbeddedSnsText.TryGetHashtag(text, out var tag)
            ? t => EmbeddedSnsText.HasHashtag(t, tag)
            : t => t.Contains(text, StringComparison.OrdinalIgnoreCase);

        lock (store.Gate)
        {
            ResolveCredentialLocked(brandCredential, connectorName);
            var found = new List<PostState>(size + 1);
            for (var i = posts.Count - 1; i >= 0 && found.Count <= size; i--)
            {
                var post = posts[i];
                if (post.Sequence < before && post.Visibility == PostVisibility.Public
                    && (query.Since is null || post.CreatedAt >= query.Since) && matches(post.Text))
                {
                    found.Add(post);
                }
            }

            return ToPage(found, size, scope, connectorName);
        }
    }

    internal Page<SnsPost> RepliesPage(string connectorName, SnsCredential brandCredential, string postId, string? continuationToken, int? pageSizeHint)
    {
        var scope = "replies|" + postId;
        var after = continuationToken is null ? long.MinValue : EmbeddedSnsText.DecodeToken(continuationToken, scope);
        var size = PageSize(pageSizeHint);
        lock (store.Gate)
        {
            ResolveCredentialLocked(brandCredential, connectorName);
            var root = FindPostLocked(postId, connectorName);
            var thread = new List<PostState>();
            var pending = new Stack<PostState>(root.Replies);
            while (pending.Count > 0)
            {
                var reply = pending.Pop();
                thread.Add(reply);
                foreach (var child in reply.Replies)
                {
                    pending.Push(child);
                }
            }

            var found = thread.Where(p => p.Sequence > after).OrderBy(p => p.Sequence).Take(size + 1).ToList();
            return ToPage(found, size, scope, connectorName);
        }
    }

    private static Page<SnsPost> ToPage(List<PostState> found, int size, string scope, string connectorName)
    {
        // One item beyond the page tells whether another page exists without a second pass.
        var hasMore = found.Count > size;
        var values = found.Take(size).Select(p => ToSnsPost(p, connectorName)).ToList();
        var next = hasMore ? EmbeddedSnsText.EncodeToken(scope, found[size - 1].Sequence) : null;
        return new Page<SnsPost>(values, next);
    }

    private static int PageSize(int? hint) => Math.Clamp(hint ?? DefaultPageSize, 1, MaxPageSize);

    private static string ValidateLocale(string locale)
    {
        var trimmed = CoCreationGuard.NotBlank(locale, nameof(locale)).Trim();
        var parts = trimmed.Split('-');
        var valid = trimmed.Length <= 35
            && parts[0].Length is >= 2 and <= 8 && parts[0].All(char.IsAsciiLetter)
            && parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
        if (!valid)
        {
            throw new CoCreationValidationException(nameof(locale), "is not a BCP 47 language tag such as 'ko-KR'.");
        }

        return trimmed;
    }

    private AccountState BeginWriteLocked(string connectorName, SnsCredential brandCredential)
    {
        writeCallCount++;
        if (pendingFailures > 0)
        {
            pendingFailures--;
            throw pendingFailuresTransient
                ? new ProviderException(connectorName, $"{connectorName} is temporarily unavailable (injected failure).", HttpStatusCode.ServiceUnavailable, "unavailable", isTransient: true)
                : new ProviderException(connectorName, $"{connectorName} refused the request (injected failure).", HttpStatusCode.BadRequest, "bad_request", isTransient: false);
        }

        var brand = ResolveCredentialLocked(brandCredential, connectorName);
        if (Options.RateLimitPerWindow is { } limit)
        {
            var now = clock.GetUtcNow();
            if (!rateWindows.TryGetValue(brandCredential.AccessToken, out var window) || now >= window.ResetsAt)
            {
                window = new RateWindow(now + Options.RateLimitWindow);
                rateWindows[brandCredential.AccessToken] = window;
            }

            if (window.Count >= limit)
            {
                rateLimitRefusalCount++;
                throw new RateLimitedException(connectorName, window.ResetsAt - now, new RateLimitInfo(limit, 0, window.ResetsAt));
            }

            window.Count++;
        }

        return brand;
    }

    private AccountState ResolveCredentialLocked(SnsCredential credential, string provider)
    {
        // The messages name the problem, never the token.
        if (!credentials.TryGetValue(TokenKey(credential), out var state))
        {
            throw new CredentialException(provider, $"The credential is not known to {provider}.");
        }

        if (state.Revoked)
        {
            throw new CredentialException(provider, $"The credential was revoked at {provider}.");
        }

        if (clock.GetUtcNow() >= state.ExpiresAt)
        {
            throw new CredentialException(provider, $"The credential expired at {state.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}.");
        }

        return state.Account;
    }

    private SnsCredential IssueCredentialLocked(AccountState account, TimeSpan lifetime)
    {
        var token = EmbeddedSnsText.NewToken();
        var state = new CredentialState(TokenKey(token), account, clock.GetUtcNow() + lifetime);
        credentials.Add(state.Key, state);
        StageCredential(state);
        return new SnsCredential(token);
    }

    private EmbeddedSnsAccount RegisterAccountLocked(string handle, string? displayName, string? locale)
    {
        var account = new AccountState(EmbeddedSnsText.NewId("acct"), handle, displayName ?? handle, locale, clock.GetUtcNow());
        accountsBySubject.Add(account.Subject, account);
        accountsByHandle.Add(account.Handle, account);
        store.Database?.Put(AccountKind, account.Subject, new SnsAccountRecord(account.Subject, account.Handle, account.DisplayName, account.Locale, account.CreatedAt), EmbeddedJsonContext.Default.SnsAccountRecord);
        var credential = IssueCredentialLocked(account, Options.CredentialLifetime);
        return new EmbeddedSnsAccount(account.Subject, account.Handle, account.DisplayName, credential);
    }

    /// <summary>Credentials are looked up by a hash of their token, so neither memory dumps of the table nor the database file hold usable tokens.</summary>
    private static string TokenKey(string token)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? string.Empty)));

    /// <summary>
    /// The lookup key of a credential object's token, worked out once per object: the relay sends every message with the
    /// same brand credential. Only the hash is kept, and only while the caller keeps the credential itself.
    /// </summary>
    private static string TokenKey(SnsCredential credential)
        => CredentialKeys.GetValue(credential, static c => TokenKey(c.AccessToken));

    private void StageCredential(CredentialState state)
        => store.Database?.Put(CredentialKind, state.Key, () => new SnsCredentialRecord(state.Account.Subject, state.ExpiresAt, state.Revoked), EmbeddedJsonContext.Default.SnsCredentialRecord);

    private void StagePoll(PollState poll)
        => store.Database?.Put(PollKind, poll.Id, () => new SnsPollRecord(poll.Id, poll.Post.Id, poll.Options, [.. poll.Counts], poll.ExpiresAt, poll.AllowMultiple, [.. poll.Voters]), EmbeddedJsonContext.Default.SnsPollRecord);

    /// <summary>
    /// Runs a write under the lock and, for a stored network, commits what it staged before returning. When the
    /// write fails after staging, or the commit fails, the state is read back from the file, so memory never
    /// holds a change the file does not.
    /// </summary>
    private T WriteLocked<T>(Func<T> write) => store.WriteLocked(write, db => LoadLocked(db, pruneExpired: false));

    /// <summary>Takes the lock and runs a write as <see cref="WriteLocked{T}"/> does.</summary>
    private T Write<T>(Func<T> write) => store.Write(write, db => LoadLocked(db, pruneExpired: false));

    /// <summary>Rebuilds the state from the database file.</summary>
    private void LoadLocked(EmbeddedDatabase db, bool pruneExpired)
    {
        accountsBySubject.Clear();
        accountsByHandle.Clear();
        credentials.Clear();
        posts.Clear();
        postsById.Clear();
        polls.Clear();
        idempotency.Clear();
        idempotencyExpiries.Clear();
        nextSequence = 0;
        var records = db.ReadAll();
        var json = EmbeddedJsonContext.Default;
        try
        {
            EmbeddedRecordReader.Apply(db, records, AccountKind, json.SnsAccountRecord, (_, r) =>
            {
                var account = new AccountState(r.Subject, r.Handle, r.DisplayName, r.Locale, r.CreatedAt);
                accountsBySubject.Add(account.Subject, account);
                accountsByHandle.Add(account.Handle, account);
            });
            EmbeddedRecordReader.Apply(db, records, CredentialKind, json.SnsCredentialRecord, (key, r) =>
                credentials.Add(key, new CredentialState(key, accountsBySubject[r.Subject], r.ExpiresAt) { Revoked = r.Revoked }));

            var stored = new List<SnsPostRecord>();
            EmbeddedRecordReader.Apply(db, records, PostKind, json.SnsPostRecord, (_, r) => stored.Add(r));
            foreach (var r in stored.OrderBy(p => p.Sequence))
            {
                var author = accountsBySubject[r.AuthorSubject];
                var post = new PostState(r.Sequence, r.Id, author, r.Text, r.CreatedAt, r.InReplyToId, r.PollId, r.Visibility);
                posts.Add(post);
                postsById.Add(post.Id, post);
                author.Posts.Add(post);
                if (r.InReplyToId is not null)
                {
                    postsById[r.InReplyToId].Replies.Add(post);
                }

                foreach (var subject in r.Notified)
                {
                    accountsBySubject[subject].Mentions.Add(post);
                }

                nextSequence = Math.Max(nextSequence, r.Sequence);
            }

            EmbeddedRecordReader.Apply(db, records, PollKind, json.SnsPollRecord, (_, r) =>
            {
                var poll = new PollState(r.Id, r.Options, r.ExpiresAt, r.AllowMultiple) { Post = postsById[r.PostId] };
                for (var i = 0; i < poll.Counts.Length && i < r.Counts.Count; i++)
                {
                    poll.Counts[i] = r.Counts[i];
                }

                poll.Voters.UnionWith(r.Voters);
                polls.Add(poll.Id, poll);
            });

            var messages = new Dictionary<string, MessageState>(StringComparer.Ordinal);
            EmbeddedRecordReader.Apply(db, records, MessageKind, json.SnsMessageRecord, (_, r) =>
            {
                var message = new MessageState(r.Id, r.SenderSubject, r.RecipientSubject, r.Text, r.SentAt);
                accountsBySubject[r.RecipientSubject].Inbox.Add(message);
                messages.Add(message.Id, message);
            });

            var now = clock.GetUtcNow();
            var entries = new List<((string Subject, string Key) Key, IdempotencyEntry Entry)>();
            EmbeddedRecordReader.Apply(db, records, IdempotencyKind, json.SnsIdempotencyRecord, (id, r) =>
            {
                if (now >= r.ExpiresAt)
                {
                    if (pruneExpired)
                    {
                        db.Delete(IdempotencyKind, id);
                    }

                    return;
                }

                var kind = Enum.Parse<WriteKind>(r.Kind);
                object result = kind switch
                {
                    WriteKind.Post => postsById[r.ResultId],
                    WriteKind.Poll => polls[r.ResultId],
                    _ => messages[r.ResultId],
                };
                entries.Add(((r.Subject, r.Key), new IdempotencyEntry(kind, result, r.ExpiresAt)));
            });

            // The expiry queue must be in time order for pruning; a changed key lifetime can reorder it.
            foreach (var (key, entry) in entries.OrderBy(e => e.Entry.ExpiresAt))
            {
                idempotency[key] = entry;
                idempotencyExpiries.Enqueue((key, entry));
            }
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException)
        {
            db.Discard();
            throw new CoCreationException($"The embedded SNS database '{db.Path}' is inconsistent (a record refers to one that is missing or repeats one); the file is damaged.", ex);
        }

        db.Commit();
    }

    private AccountState FindAccountLocked(string subject, string provider)
        => accountsBySubject.TryGetValue(subject, out var account)
            ? account
            : throw new ResourceNotFoundException(provider, "account", subject);

    private PostState FindPostLocked(string postId, string provider)
        => postsById.TryGetValue(postId, out var post)
            ? post
            : throw new ResourceNotFoundException(provider, "post", postId);

    private List<AccountState> ResolveMentionsLocked(IReadOnlyList<string> mentions, string provider)
    {
        var result = new List<AccountState>(mentions.Count);
        foreach (var mention in mentions)
        {
            var handle = EmbeddedSnsText.NormalizeHandle(mention);
            if (handle is null || !accountsByHandle.TryGetValue(handle, out var account))
            {
                throw new ProviderException(provider, $"{provider} has no account '@{mention.Trim().TrimStart('@')}' to mention.", HttpStatusCode.UnprocessableEntity, "unknown_mention", isTransient: false);
            }

            if (!result.Contains(account))
            {
                result.Add(account);
            }
        }

        return result;
    }

    private PostState AddPostLocked(AccountState author, string text, PostState? parent, PostVisibility visibility, string? pollId, IReadOnlyList<AccountState> mentioned)
    {
        var post = new PostState(++nextSequence, EmbeddedSnsText.NewId("post"), author, text, clock.GetUtcNow(), parent?.Id, pollId, visibility);
        posts.Add(post);
        postsById.Add(post.Id, post);
        author.Posts.Add(post);
        parent?.Replies.Add(post);

        var notified = new HashSet<AccountState>(mentioned);
        foreach (var handle in EmbeddedSnsText.MentionedHandles(text))
        {
            if (accountsByHandle.TryGetValue(handle, out var account))
            {
                notified.Add(account);
            }
        }

        foreach (var account in notified)
        {
            account.Mentions.Add(post);
        }

        store.Database?.Put(
            PostKind,
            post.Id,
            new SnsPostRecord(post.Sequence, post.Id, author.Subject, post.Text, post.CreatedAt, post.InReplyToId, post.PollId, post.Visibility, [.. notified.Select(a => a.Subject)]),
            EmbeddedJsonContext.Default.SnsPostRecord);
        return post;
    }

    private bool TryReplayLocked(AccountState author, string? key, WriteKind kind, out object prior)
    {
        prior = null!;
        if (key is null)
        {
            return false;
        }

        if (!idempotency.TryGetValue((author.Subject, key), out var entry))
        {
            return false;
        }

        if (clock.GetUtcNow() >= entry.ExpiresAt)
        {
            idempotency.Remove((author.Subject, key));
            return false;
        }

        if (entry.Kind != kind)
        {
            throw new CoCreationConflictException($"The idempotency key was already used for a {entry.Kind} by this account.");
        }

        prior = entry.Result;
        return true;
    }

    private void RememberLocked(AccountState author, string? key, WriteKind kind, object result)
    {
        if (key is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var entry = new IdempotencyEntry(kind, result, now + Options.IdempotencyKeyLifetime);
        idempotency[(author.Subject, key)] = entry;
        idempotencyExpiries.Enqueue(((author.Subject, key), entry));
        store.Database?.Put(
            IdempotencyKind,
            IdempotencyId(author.Subject, key),
            new SnsIdempotencyRecord(author.Subject, key, kind.ToString(), ResultId(result), entry.ExpiresAt),
            EmbeddedJsonContext.Default.SnsIdempotencyRecord);

        // Keys are remembered in time order, so the expired ones are at the front: pruning costs
        // what it removes, not the size of the table.
        while (idempotencyExpiries.TryPeek(out var oldest) && now >= oldest.Entry.ExpiresAt)
        {
            idempotencyExpiries.Dequeue();
            if (idempotency.TryGetValue(oldest.Key, out var current) && ReferenceEquals(current, oldest.Entry))
            {
                idempotency.Remove(oldest.Key);
                store.Database?.Delete(IdempotencyKind, IdempotencyId(oldest.Key.Subject, oldest.Key.Key));
            }
        }
    }

    // The subject cannot contain a line break, so the pair maps to one id.
    private static string IdempotencyId(string subject, string key) => subject + "\n" + key;

    private static string ResultId(object result) => result switch
    {
        PostState post => post.Id,
        PollState poll => poll.Id,
        MessageState message => message.Id,
        _ => throw new InvalidOperationException("Unknown idempotent result."),
    };

    private static SnsPost ToSnsPost(PostState post, string network) => new()
    {
        Id = post.Id,
        Network = network,
        AuthorSubject = post.Author.Subject,
        AuthorHandle = post.Author.Handle,
        Text = post.Text,
        CreatedAt = post.CreatedAt,
        InReplyToId = post.InReplyToId,
        PollId = post.PollId,
        Url = new Uri($"https://{EmbeddedSnsText.Host}/@{Uri.EscapeDataString(post.Author.Handle)}/{post.Id}"),
        AuthorAccountCreatedAt = post.Author.CreatedAt,
    };

    private static SnsPoll ToSnsPoll(PollState poll, string network) => new()
    {
        Id = poll.Id,
        Post = ToSnsPost(poll.Post, network),
        Options = poll.Options,
        ExpiresAt = poll.ExpiresAt,
        AllowMultiple = poll.AllowMultiple,
    };

    private static SnsMessage ToSnsMessage(MessageState message, string network) => new()
    {
        Id = message.Id,
        Network = network,
        RecipientSubject = message.RecipientSubject,
        Text = message.Text,
        SentAt = message.SentAt,
    };

    private enum WriteKind
    {
        Post,
        Poll,
        DirectMessage,
    }

    private sealed class AccountState(string subject, string handle, string displayName, string? locale, DateTimeOffset createdAt)
    {
        public string Subject { get; } = subject;
        public string Handle { get; } = handle;
        public string DisplayName { get; } = displayName;
        public string? Locale { get; } = locale;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public List<PostState> Posts { get; } = [];
        public List<PostState> Mentions { get; } = [];
        public List<MessageState> Inbox { get; } = [];
    }

    private sealed class CredentialState(string key, AccountState account, DateTimeOffset expiresAt)
    {
        public string Key { get; } = key;
        public AccountState Account { get; } = account;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public bool Revoked { get; set; }
    }

    private sealed class PostState(long sequence, string id, AccountState author, string text, DateTimeOffset createdAt, string? inReplyToId, string? pollId, PostVisibility visibility)
    {
        public long Sequence { get; } = sequence;
        public string Id { get; } = id;
        public AccountState Author { get; } = author;
        public string Text { get; } = text;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public string? InReplyToId { get; } = inReplyToId;
        public string? PollId { get; } = pollId;
        public PostVisibility Visibility { get; } = visibility;
        public List<PostState> Replies { get; } = [];
    }

    private sealed class PollState(string id, IReadOnlyList<string> options, DateTimeOffset expiresAt, bool allowMultiple)
    {
        public string Id { get; } = id;
        public IReadOnlyList<string> Options { get; } = options;
        public int[] Counts { get; } = new int[options.Count];
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public bool AllowMultiple { get; } = allowMultiple;
        public HashSet<string> Voters { get; } = new(StringComparer.Ordinal);
        public PostState Post { get; set; } = null!;
    }

    private sealed record MessageState(string Id, string SenderSubject, string RecipientSubject, string Text, DateTimeOffset SentAt);

    private sealed record IdempotencyEntry(WriteKind Kind, object Result, DateTimeOffset ExpiresAt);

    private sealed class RateWindow(DateTimeOffset resetsAt)
    {
        public DateTimeOffset ResetsAt { get; } = resetsAt;
        public int Count { get; set; }
    }

    private readonly record struct CapabilityOptions(int MaxPostLength, bool Polls, int MaxPollOptions, int MaxPollOptionLength, TimeSpan MinPollDuration, TimeSpan MaxPollDuration, bool DirectMessages);

    private sealed record BuiltCapabilities(CapabilityOptions From, SnsCapabilities Capabilities);
}
