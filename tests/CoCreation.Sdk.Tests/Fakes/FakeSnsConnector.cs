using System.Net;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests.Fakes;

/// <summary>How the fake SNS fails a send.</summary>
public enum SnsFailure
{
    /// <summary>A 503: may succeed later.</summary>
    Transient,
    /// <summary>A 403: will not succeed on this network.</summary>
    Permanent,
    /// <summary>A 429 with a Retry-After.</summary>
    RateLimited,
}

/// <summary>
/// An SNS connector that records what it sends and fails on request. By default it does not honour idempotency
/// keys, so a message sent twice shows up twice; created with <c>idempotencyKeys: true</c> it says it does
/// (<see cref="SnsCapabilities.SupportsIdempotencyKeys"/>) and answers a repeated key with the first result.
/// </summary>
public sealed class FakeSnsConnector : SnsConnectorBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (SnsIdentity Identity, bool Expired)> _tokens = new(StringComparer.Ordinal);
    private readonly List<SnsMessage> _messages = [];
    private readonly List<PostRequest> _posts = [];
    private readonly List<string?> _sentKeys = [];
    private readonly Dictionary<string, object> _byKey = new(StringComparer.Ordinal);
    private readonly bool _idempotencyKeys;
    private readonly TimeProvider _time;
    private int _failuresLeft;
    private SnsFailure _failure;
    private TimeSpan _retryAfter;
    private int _sendAttempts;
    private int _next;

    public FakeSnsConnector(string name, TimeProvider time, bool directMessages = true, int maxPostLength = 500, bool idempotencyKeys = false)
    {
        _time = time;
        _idempotencyKeys = idempotencyKeys;
        Metadata = new SnsConnectorMetadata(name, "fake", null, $"Fake {name}");
        Capabilities = new SnsCapabilities { MaxPostLength = maxPostLength, SupportsDirectMessages = directMessages, SupportsIdempotencyKeys = idempotencyKeys };
    }

    public override SnsConnectorMetadata Metadata { get; }

    public override SnsCapabilities Capabilities { get; }

    public string Name => Metadata.Name;

    public IReadOnlyList<SnsMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToArray();
            }
        }
    }

    public IReadOnlyList<PostRequest> Posts
    {
        get
        {
            lock (_gate)
            {
                return _posts.ToArray();
            }
        }
    }

    /// <summary>Sends tried, failed ones included.</summary>
    public int SendAttempts => Volatile.Read(ref _sendAttempts);

    /// <summary>The idempotency key of every send that succeeded, repeats that were dropped included, in order.</summary>
    public IReadOnlyList<string?> SentKeys
    {
        get
        {
            lock (_gate)
            {
                return _sentKeys.ToArray();
            }
        }
    }

    /// <summary>Runs after each successful send (outside the connector's lock), with the number of successful sends so far.</summary>
    public Action<int>? AfterSend { get; set; }

    /// <summary>Registers an account and returns a credential for it.</summary>
    public SnsCredential AddAccount(string subject, string handle, string? displayName = null, string? locale = null)
    {
        var token = $"token-{Name}-{subject}-{Interlocked.Increment(ref _next)}";
        lock (_gate)
        {
            _tokens[token] = (new SnsIdentity { Network = Name, Subject = subject, Handle = handle, DisplayName = displayName, Locale = locale }, false);
        }

        return new SnsCredential(token);
    }

    public void Expire(SnsCredential credential)
    {
        lock (_gate)
        {
            _tokens[credential.AccessToken] = _tokens[credential.AccessToken] with { Expired = true };
        }
    }

    public IReadOnlyList<SnsMessage> InboxOf(string subject) => Messages.Where(m => m.RecipientSubject == subject).ToArray();

    /// <summary>Fails the next <paramref name="count"/> sends (int.MaxValue: until <see cref="Recover"/>).</summary>
    public void Fail(SnsFailure failure, int count = int.MaxValue, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _failure = failure;
            _failuresLeft = count;
            _retryAfter = retryAfter ?? TimeSpan.FromSeconds(30);
        }
    }

    public void Recover() => Fail(SnsFailure.Transient, 0);

    protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_tokens.TryGetValue(credential.AccessToken, out var entry) && !entry.Expired)
            {
                return Task.FromResult(entry.Identity);
            }
        }

        throw new CredentialException(Name, $"{Name} does not accept the credential (unknown or expired).");
    }

    protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SnsPost post;
        int sent;
        lock (_gate)
        {
            ThrowIfFailing();
            if (!TryReplay(request.IdempotencyKey, out post!))
            {
                _posts.Add(request);
                post = new SnsPost
                {
                    Id = $"post-{_posts.Count}",
                    Network = Name,
                    AuthorSubject = "brand",
                    AuthorHandle = "brand",
                    Text = request.Text,
                    CreatedAt = _time.GetUtcNow(),
                };
                Remember(request.IdempotencyKey, post);
            }

            sent = Sent(request.IdempotencyKey);
        }

        AfterSend?.Invoke(sent);
        return Task.FromResult(post);
    }

    protected override Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SnsMessage message;
        int sent;
        lock (_gate)
        {
            ThrowIfFailing();
            if (!TryReplay(request.IdempotencyKey, out message!))
            {
                message = new SnsMessage
                {
                    Id = $"dm-{_messages.Count + 1}",
                    Network = Name,
                    RecipientSubject = request.RecipientSubject,
                    Text = request.Text,
                    SentAt = _time.GetUtcNow(),
                };
                _messages.Add(message);
                Remember(request.IdempotencyKey, message);
            }

            sent = Sent(request.IdempotencyKey);
        }

        AfterSend?.Invoke(sent);
        return Task.FromResult(message);
    }

    // Callers hold _gate.
    private bool TryReplay<T>(string? key, out T? earlier)
        where T : class
    {
        earlier = _idempotencyKeys && key is not null && _byKey.TryGetValue(key, out var first) ? first as T : null;
        return earlier is not null;
    }

    private void Remember(string? key, object result)
    {
        if (_idempotencyKeys && key is not null)
        {
            _byKey[key] = result;
        }
    }

    private int Sent(string? key)
    {
        _sentKeys.Add(key);
        return _sentKeys.Count;
    }

    private void ThrowIfFailing()
    {
        _sendAttempts++;
        if (_failuresLeft <= 0)
        {
            return;
        }

        if (_failuresLeft != int.MaxValue)
        {
            _failuresLeft--;
        }

        throw _failure switch
        {
            SnsFailure.RateLimited => new RateLimitedException(Name, _retryAfter),
            SnsFailure.Permanent => new ProviderException(Name, $"{Name} refused the message.", HttpStatusCode.Forbidden, "forbidden", isTransient: false),
            _ => new ProviderException(Name, $"{Name} is unavailable.", HttpStatusCode.ServiceUnavailable, "unavailable", isTransient: true),
        };
    }
}
