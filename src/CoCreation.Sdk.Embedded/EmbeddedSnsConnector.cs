using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Embedded;

/// <summary>
/// The brand's connector to an <see cref="EmbeddedSnsNetwork"/>. Write calls act with the brand credential
/// given to <see cref="EmbeddedSnsNetwork.CreateConnector"/> (or with a member's credential where the request
/// names an author) and count towards that credential's rate limit.
/// </summary>
/// <remarks>Safe for concurrent use; all state lives in the network.</remarks>
public sealed class EmbeddedSnsConnector : SnsConnectorBase
{

    private readonly SnsCredential brandCredential;

    internal EmbeddedSnsConnector(EmbeddedSnsNetwork network, string name, SnsCredential brandCredential)
    {
        Network = network;
        this.brandCredential = brandCredential;
        Metadata = new SnsConnectorMetadata(name, EmbeddedSnsNetwork.NetworkKind, EmbeddedSnsText.Host, $"Embedded SNS ({name})");
    }

    /// <summary>The network this connector talks to.</summary>
    public EmbeddedSnsNetwork Network { get; }

    /// <inheritdoc />
    public override SnsConnectorMetadata Metadata { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Follows <see cref="EmbeddedSnsNetwork.Options"/> as they are at each access; while they stay the same, every
    /// access returns the same instance.
    /// </remarks>
    public override SnsCapabilities Capabilities => Network.BuildCapabilities();

    /// <inheritdoc />
    protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
        => Run(() => Network.Verify(Metadata.Name, credential), cancellationToken);

    /// <inheritdoc />
    protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
    {
        for (var i = 0; i < request.Mentions.Count; i++)
        {
            if (!EmbeddedSnsText.IsWellFormedMention(request.Mentions[i]))
            {
                throw new CoCreationValidationException($"PostRequest.Mentions[{i}]", "is not a handle.");
            }
        }

        return Run(() => Network.Publish(Metadata.Name, brandCredential, request), cancellationToken);
    }

    /// <inheritdoc />
    protected override Task<SnsPoll> CreatePollCoreAsync(PollRequest request, CancellationToken cancellationToken)
        => Run(() => Network.CreatePoll(Metadata.Name, brandCredential, request), cancellationToken);

    /// <inheritdoc />
    protected override Task<PollResults> GetPollResultsCoreAsync(string pollId, CancellationToken cancellationToken)
        => Run(() => Network.GetPollResults(Metadata.Name, brandCredential, pollId), cancellationToken);

    /// <inheritdoc />
    protected override Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
        => Run(() => Network.SendDirectMessage(Metadata.Name, brandCredential, request), cancellationToken);

    /// <inheritdoc />
    /// <remarks>Pages hold 20 posts unless a size hint says otherwise (at most 100); continuation tokens are opaque and bound to the query.</remarks>
    protected override AsyncPageable<SnsPost> SearchCore(SearchQuery query, CancellationToken cancellationToken)
        => AsyncPageable<SnsPost>.Create(
            (token, hint, ct) => Run(() => Network.SearchPage(Metadata.Name, brandCredential, query, token, hint), ct),
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>Pages hold 20 posts unless a size hint says otherwise (at most 100); an unknown post fails on the first page fetch.</remarks>
    protected override AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
        => AsyncPageable<SnsPost>.Create(
            (token, hint, ct) => Run(() => Network.RepliesPage(Metadata.Name, brandCredential, postId, token, hint), ct),
            cancellationToken);

    private static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) => EmbeddedCall.Run(work, cancellationToken);
}
