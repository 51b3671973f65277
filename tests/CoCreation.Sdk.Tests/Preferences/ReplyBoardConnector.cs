using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests.Preferences;

/// <summary>An SNS network that signs people in and lists the replies under a post, two per page.</summary>
internal sealed class ReplyBoardConnector : SnsConnectorBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SnsIdentity> _tokens = new(StringComparer.Ordinal);
    private readonly List<SnsPost> _posts = [];
    private readonly TimeProvider _time;
    private int _next;

    public ReplyBoardConnector(string name, TimeProvider time)
    {
        _time = time;
        Metadata = new SnsConnectorMetadata(name, "fake", null, $"Reply board {name}");
        Capabilities = new SnsCapabilities { MaxPostLength = 500, SupportsReplies = true, SupportsDirectMessages = true };
    }

    public override SnsConnectorMetadata Metadata { get; }

    public override SnsCapabilities Capabilities { get; }

    public int RepliesReads { get; private set; }

    public SnsCredential AddAccount(string subject, string handle)
    {
        lock (_gate)
        {
            var token = $"board-{subject}-{++_next}";
            _tokens[token] = new SnsIdentity { Network = Metadata.Name, Subject = subject, Handle = handle };
            return new SnsCredential(token);
        }
    }

    public SnsPost Post(string authorSubject, string text, string? inReplyTo = null)
    {
        lock (_gate)
        {
            var post = new SnsPost
            {
                Id = $"p{++_next}",
                Network = Metadata.Name,
                AuthorSubject = authorSubject,
                AuthorHandle = authorSubject,
                Text = text,
                CreatedAt = _time.GetUtcNow(),
                InReplyToId = inReplyTo,
            };
            _posts.Add(post);
            return post;
        }
    }

    protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(credential.AccessToken, out var identity)
                ? Task.FromResult(identity)
                : throw new CredentialException(Metadata.Name, "unknown credential");
        }
    }

    protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
        => Task.FromResult(Post("brand", request.Text, request.InReplyToId));

    protected override AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RepliesReads++;
            return AsyncPageable<SnsPost>.FromList(_posts.Where(p => p.InReplyToId == postId).ToList(), defaultPageSize: 2);
        }
    }
}
